//! XML answer files: well-formedness, macros in names, and the structure Windows
//! Setup (`unattend`, its passes) and AutoYaST (`profile`, its types) read.

use std::collections::BTreeMap;

use osbundle_formats::text;
use osbundle_formats::xml::{self, roxmltree};

use super::{did_you_mean, offset_of, Dialect, Issue};
use crate::findings::Rule;
use crate::macros::substitute::Substituted;

/// The namespace of Windows answer files.
pub(super) const UNATTEND_NS: &str = "urn:schemas-microsoft-com:unattend";
/// The configuration passes of Windows Setup.
pub(super) const PASSES: &[&str] = &[
    "windowsPE",
    "offlineServicing",
    "generalize",
    "specialize",
    "auditSystem",
    "auditUser",
    "oobeSystem",
];
/// The namespace of AutoYaST profiles.
pub(super) const AUTOYAST_NS: &str = "http://www.suse.com/1.0/yast2ns";
/// The types AutoYaST's XML reader (yast2 `XML.rb`, `parse_node`) converts; any
/// other is "invalid type". `disksize` is its deprecated alias of `string`.
pub(super) const AUTOYAST_TYPES: &[&str] = &[
    "boolean", "disksize", "integer", "list", "map", "string", "symbol",
];

/// The issues of an XML answer file; `Dialect::Xml` takes the checks its root names.
pub(super) fn judge(dialect: Dialect, sub: &Substituted) -> Vec<Issue> {
    let text = &sub.text;
    let doc = match xml::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            return vec![Issue::error(
                Rule::UnattendMalformed,
                offset_of(text, e.position),
                format!("not well-formed XML: {}", e.message),
            )]
        }
    };
    let mut issues = Vec::new();
    // A macro in an element or attribute name: LXCA puts its value there.
    for node in doc.descendants().filter(|n| n.is_element()) {
        let start = node.range().start + 1;
        let len = text[start..]
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(0);
        let mut names = vec![("an element name", start..start + len)];
        names.extend(
            node.attributes()
                .map(|a| ("an attribute name", a.range_qname())),
        );
        for (what, range) in names {
            if let Some(r) = sub.overlapping(range.clone()).next() {
                issues.push(Issue::error(
                    Rule::MacroBreaksDocument,
                    range.start,
                    format!(
                        "#{}# is in {what}: its value becomes part of the name, which no configured value can make reliably valid XML; put the macro in element text or an attribute value",
                        r.name
                    ),
                ));
            }
        }
    }
    let root = doc.root_element();
    let name = root.tag_name();
    let dialect = match dialect {
        Dialect::Xml if name.name() == "unattend" => Dialect::Windows,
        Dialect::Xml if name.name() == "profile" => Dialect::AutoYast,
        d => d,
    };
    match dialect {
        Dialect::Windows => windows(&doc, &mut issues),
        Dialect::AutoYast => autoyast(&doc, sub, &mut issues),
        _ => {}
    }
    issues
}

fn describe(name: roxmltree::ExpandedName<'_, '_>) -> String {
    match name.namespace() {
        Some(ns) => format!("<{}> in namespace {ns}", name.name()),
        None => format!("<{}> in no namespace", name.name()),
    }
}

fn windows(doc: &roxmltree::Document<'_>, issues: &mut Vec<Issue>) {
    let root = doc.root_element();
    let name = root.tag_name();
    if name.name() != "unattend" || name.namespace() != Some(UNATTEND_NS) {
        issues.push(Issue::error(
            Rule::UnattendStructure,
            root.range().start,
            format!(
                "the root element is {}; Windows Setup reads <unattend xmlns=\"{UNATTEND_NS}\">",
                describe(name)
            ),
        ));
        return;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for settings in root
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "settings")
    {
        let at = settings.range().start;
        let Some(pass) = settings.attribute("pass") else {
            issues.push(Issue::error(
                Rule::UnattendStructure,
                at,
                "<settings> without a pass attribute; Windows Setup applies settings per configuration pass".to_string(),
            ));
            continue;
        };
        if !PASSES.contains(&pass) {
            issues.push(Issue::error(
                Rule::UnattendStructure,
                at,
                format!(
                    "unknown configuration pass \"{pass}\"; Windows Setup has {}{}",
                    PASSES.join(", "),
                    did_you_mean(pass, PASSES)
                ),
            ));
            continue;
        }
        if let Some(first) = seen.get(pass) {
            let line = text::position(doc.input_text(), *first).line;
            issues.push(Issue::error(
                Rule::UnattendStructure,
                at,
                format!("the pass \"{pass}\" appears twice (first on line {line}); Windows Setup takes each pass once"),
            ));
            continue;
        }
        seen.insert(pass, at);
    }
}

fn autoyast(doc: &roxmltree::Document<'_>, sub: &Substituted, issues: &mut Vec<Issue>) {
    let root = doc.root_element();
    let name = root.tag_name();
    if name.name() != "profile" || name.namespace() != Some(AUTOYAST_NS) {
        issues.push(Issue::error(
            Rule::UnattendStructure,
            root.range().start,
            format!(
                "the root element is {}; AutoYAST reads <profile xmlns=\"{AUTOYAST_NS}\">",
                describe(name)
            ),
        ));
        return;
    }
    for node in root.descendants().filter(|n| n.is_element()) {
        // yast2 XML.rb reads the type from `t` or `type` (any namespace prefix:
        // `config:type`), refuses both at once, and checks the text of the scalars.
        let types: Vec<_> = node
            .attributes()
            .filter(|a| a.name() == "t" || a.name() == "type")
            .collect();
        if types.len() > 1 {
            issues.push(Issue::error(
                Rule::UnattendStructure,
                node.range().start,
                format!(
                    "<{}> has both a 't' and a 'type' attribute; AutoYaST refuses it",
                    node.tag_name().name()
                ),
            ));
            continue;
        }
        let Some(attr) = types.first() else { continue };
        let kind = attr.value();
        let at = attr.range().start;
        if !AUTOYAST_TYPES.contains(&kind) {
            issues.push(Issue::error(
                Rule::UnattendStructure,
                at,
                format!(
                    "invalid type \"{kind}\" on <{}>; AutoYaST knows {}{}",
                    node.tag_name().name(),
                    AUTOYAST_TYPES.join(", "),
                    did_you_mean(kind, AUTOYAST_TYPES)
                ),
            ));
            continue;
        }
        let own: String = node
            .children()
            .filter(|c| c.is_text())
            .filter_map(|c| c.text())
            .collect();
        let value = own.trim();
        // A neutral placeholder says nothing about the value LXCA will put in.
        if sub
            .overlapping(node.range())
            .any(|r| r.value.is_none() && node.children().all(|c| !c.is_element()))
        {
            continue;
        }
        let wrong = match kind {
            "boolean" => (value != "true" && value != "false")
                .then_some("booleans can only be 'true' or 'false'"),
            "integer" => (!value.contains(|c: char| c.is_ascii_digit()))
                .then_some("it cannot be read as an integer"),
            "symbol" => value.is_empty().then_some("empty symbols are invalid"),
            _ => None,
        };
        if let Some(why) = wrong {
            issues.push(Issue::error(
                Rule::UnattendStructure,
                node.range().start,
                format!(
                    "<{}> of type {kind} holds \"{value}\": {why} (AutoYaST stops reading the profile)",
                    node.tag_name().name()
                ),
            ));
        }
    }
}
