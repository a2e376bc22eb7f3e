//! Answer files (unattend files) read as their installer reads them, after LXCA
//! has substituted the macros: Windows Setup's `unattend` XML, AutoYaST profiles,
//! Anaconda and ESXi kickstart files, Ubuntu autoinstall user-data and preseed
//! files. The readers are `osbundle_formats`' ; this module decides which one a
//! file of a given OS gets and what its answers mean as findings.
//!
//! Each file is read twice when it uses custom macros: first with every macro
//! replaced by a neutral placeholder (a problem then is the file's own), then with
//! the custom macros' configured values (a problem that only appears then is
//! `macro-breaks-document`, naming the macro, its value and its config file).

use std::collections::BTreeMap;

use osbundle_formats::kickstart::{self, Problem as KsProblem};
use osbundle_formats::text::{self, Encoding, Position};
use osbundle_formats::xml::{self, roxmltree};
use osbundle_formats::{preseed, yaml};

use crate::findings::{Finding, Rule, Severity};
use crate::macros::substitute::{substitute, Substituted};

/// The namespace of Windows answer files.
pub const UNATTEND_NS: &str = "urn:schemas-microsoft-com:unattend";
/// The configuration passes of Windows Setup.
pub const PASSES: &[&str] = &[
    "windowsPE",
    "offlineServicing",
    "generalize",
    "specialize",
    "auditSystem",
    "auditUser",
    "oobeSystem",
];
/// The namespace of AutoYaST profiles.
pub const AUTOYAST_NS: &str = "http://www.suse.com/1.0/yast2ns";
/// The types AutoYaST's XML reader (yast2 `XML.rb`, `parse_node`) converts; any
/// other is "invalid type". `disksize` is its deprecated alias of `string`.
pub const AUTOYAST_TYPES: &[&str] = &[
    "boolean", "disksize", "integer", "list", "map", "string", "symbol",
];

/// Which installer reads an answer file.
#[derive(Debug, Clone, Copy)]
pub enum Dialect {
    /// Windows Setup (`autounattend.xml`).
    Windows,
    /// AutoYaST (SLES).
    AutoYast,
    /// XML of an OS this module has no installer for: well-formedness, and the
    /// checks of Windows or AutoYaST when the root says which it is.
    Xml,
    /// Anaconda (RHEL and rebuilds).
    Kickstart(kickstart::Dialect),
    /// The ESXi installer.
    Esxi,
    /// Ubuntu: autoinstall YAML or a preseed file, by content.
    Ubuntu,
}

impl Dialect {
    /// The dialect of an answer file called `name` for `os` at `release` (`None`:
    /// not known, as for a loose file without `--os`).
    pub fn of(os: Option<&str>, release: Option<&str>, name: &str) -> Option<Dialect> {
        let lower = name.to_ascii_lowercase();
        let xml = lower.ends_with(".xml");
        let os = os.map(str::to_ascii_lowercase);
        // A name whose extension the OS's installer does not read is the
        // extension check's finding; its content is not read as another format.
        let dialect = match os.as_deref() {
            Some(o) if o == "win" || o.starts_with("windows") => Dialect::Windows,
            Some("sles" | "sled" | "suse" | "opensuse") => Dialect::AutoYast,
            Some("rhels" | "rhel" | "rocky" | "centos" | "almalinux" | "oraclelinux") => {
                Dialect::Kickstart(kickstart_version(release))
            }
            Some("esxi") => Dialect::Esxi,
            Some("ubuntu") => Dialect::Ubuntu,
            _ if xml => Dialect::Xml,
            _ if lower.ends_with(".ks") => Dialect::Kickstart(kickstart::Dialect::AnacondaAny),
            _ => return None,
        };
        (dialect.is_xml() == xml).then_some(dialect)
    }

    fn is_xml(self) -> bool {
        matches!(self, Dialect::Windows | Dialect::AutoYast | Dialect::Xml)
    }
}

/// The pykickstart version of a RHEL release (`7.5` → RHEL7); any version when the
/// release is not known.
fn kickstart_version(release: Option<&str>) -> kickstart::Dialect {
    release
        .and_then(|r| r.split(['.', '-', 'u', 'U']).next())
        .and_then(|major| kickstart::Version::named(&format!("RHEL{major}")))
        .map_or(
            kickstart::Dialect::AnacondaAny,
            kickstart::Dialect::Anaconda,
        )
}

/// A custom macro's configured value and the config file it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroValue {
    /// The value LXCA puts in without a user's answer.
    pub value: String,
    /// The config file (path as reported).
    pub source: String,
}

/// A problem found in the substituted text, before it is mapped back.
struct Issue {
    rule: Rule,
    severity: Severity,
    /// Byte offset in the substituted text.
    offset: usize,
    message: String,
}

impl Issue {
    fn error(rule: Rule, offset: usize, message: String) -> Issue {
        Issue {
            rule,
            severity: Severity::Error,
            offset,
            message,
        }
    }
}

/// The findings of the answer file `path` with content `bytes`, read in `dialect`;
/// `values` are the custom macros' configured values (empty outside a profile).
pub fn check(
    dialect: Dialect,
    path: &str,
    bytes: &[u8],
    values: &BTreeMap<String, MacroValue>,
) -> Vec<Finding> {
    let decoded = if dialect.is_xml() {
        xml::decode(bytes)
            .map(|t| (t.encoding, t.text))
            .map_err(|e| {
                Finding::error(Rule::UnattendMalformed, path, e.message.clone())
                    .at(e.position.line, e.position.column)
            })
    } else {
        decode_plain(dialect, path, bytes)
    };
    let (_, text) = match decoded {
        Ok(d) => d,
        Err(f) => return vec![f],
    };
    let neutral = substitute(&text, |_| None);
    let first = judge(dialect, &neutral);
    let mut findings: Vec<Finding> = first
        .iter()
        .map(|i| place(i, path, &text, &neutral))
        .collect();
    let uses_values = neutral
        .replaced
        .iter()
        .any(|r| values.contains_key(&r.name));
    if !uses_values || first.iter().any(|i| i.severity == Severity::Error) {
        return findings;
    }
    let valued = substitute(&text, |name| values.get(name).map(|v| v.value.as_str()));
    for issue in judge(dialect, &valued) {
        if issue.severity != Severity::Error {
            continue;
        }
        // The value at the error, else one on its line (a line that no longer
        // splits is reported at its start), else the last before it.
        let line_end = valued.text[issue.offset.min(valued.text.len())..]
            .find('\n')
            .map_or(valued.text.len(), |i| issue.offset + i);
        let blamed = valued
            .overlapping(issue.offset..issue.offset + 1)
            .chain(valued.overlapping(issue.offset..line_end))
            .find(|r| r.value.is_some())
            .or_else(|| {
                valued
                    .at_or_before(issue.offset)
                    .filter(|r| r.value.is_some())
            })
            .or_else(|| valued.replaced.iter().find(|r| r.value.is_some()));
        let Some(r) = blamed else { continue };
        let source = values.get(&r.name).map_or("", |v| v.source.as_str());
        let at = text::position(&text, r.original.start);
        findings.push(
            Finding::error(
                Rule::MacroBreaksDocument,
                path,
                format!(
                    "with #{}# replaced by its value \"{}\" from {source}, the file no longer reads: {}",
                    r.name,
                    r.value.as_deref().unwrap_or_default(),
                    issue.message
                ),
            )
            .at(at.line, at.column),
        );
        // The installer stops at the first error; so does this report.
        break;
    }
    findings
}

/// Decodes a text answer file (kickstart, YAML, preseed): UTF-8; a byte-order mark
/// only where the reader skips it (YAML).
fn decode_plain(dialect: Dialect, path: &str, bytes: &[u8]) -> Result<(Encoding, String), Finding> {
    let d = text::decode(bytes).map_err(|e| {
        Finding::error(
            Rule::UnattendMalformed,
            path,
            format!("{e}: the installer reads this file as UTF-8"),
        )
        .at(e.position.line, e.position.column)
    })?;
    let yaml_ok = matches!(dialect, Dialect::Ubuntu) && d.encoding == Encoding::Utf8Bom;
    if d.encoding != Encoding::Utf8 && !yaml_ok {
        return Err(Finding::error(
            Rule::UnattendMalformed,
            path,
            format!(
                "the file is {}: the installer reads it as UTF-8 without a byte-order mark (the first line would not be read as written); save it as UTF-8",
                d.encoding
            ),
        )
        .at(1, 1));
    }
    Ok((d.encoding, d.text))
}

/// Maps an issue back to the original text.
fn place(issue: &Issue, path: &str, original: &str, sub: &Substituted) -> Finding {
    let at = text::position(original, sub.original_offset(issue.offset));
    let f = match issue.severity {
        Severity::Error => Finding::error(issue.rule, path, issue.message.clone()),
        Severity::Warning => Finding::warning(issue.rule, path, issue.message.clone()),
        Severity::Note => Finding::note(issue.rule, path, issue.message.clone()),
    };
    f.at(at.line, at.column)
}

/// The byte offset of a line and column (in characters) of `text`.
fn offset_of(text: &str, p: Position) -> usize {
    let mut line_start = 0;
    for _ in 1..p.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    text[line_start..]
        .char_indices()
        .nth(p.column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

fn judge(dialect: Dialect, sub: &Substituted) -> Vec<Issue> {
    match dialect {
        Dialect::Windows | Dialect::AutoYast | Dialect::Xml => judge_xml(dialect, sub),
        Dialect::Kickstart(d) => judge_kickstart(d, &sub.text, false),
        Dialect::Esxi => judge_kickstart(kickstart::Dialect::Esxi, &sub.text, true),
        Dialect::Ubuntu => judge_ubuntu(&sub.text),
    }
}

fn judge_xml(dialect: Dialect, sub: &Substituted) -> Vec<Issue> {
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

fn judge_kickstart(dialect: kickstart::Dialect, text: &str, esxi: bool) -> Vec<Issue> {
    let parsed = kickstart::parse(text, dialect);
    let installer = match dialect {
        kickstart::Dialect::Anaconda(v) => format!("Anaconda ({} kickstart)", v.name),
        kickstart::Dialect::AnacondaAny => "Anaconda".to_string(),
        kickstart::Dialect::Esxi => "the ESXi installer".to_string(),
    };
    let mut issues = Vec::new();
    for l in &parsed.problems {
        let offset = offset_of(text, l.position);
        let (rule, severity, message) = match &l.problem {
            KsProblem::Syntax(e) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("the line does not split into words: {e}"),
            ),
            KsProblem::UnknownCommand(c) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("unknown kickstart command \"{c}\" for {installer}{}", {
                    let names = dialect.command_names();
                    let lower = c.to_lowercase();
                    if &lower != c && names.contains(&lower.as_str()) {
                        format!(" (did you mean \"{lower}\"? commands are lowercase)")
                    } else {
                        did_you_mean(c, &names)
                    }
                }),
            ),
            KsProblem::UnknownOption {
                command,
                option,
                candidates,
            } => (
                Rule::UnattendMalformed,
                Severity::Error,
                if candidates.is_empty() {
                    format!(
                        "{command} has no option {option} in {installer}{}",
                        did_you_mean(option, &dialect.options_of(command))
                    )
                } else {
                    format!(
                        "{command} option {option} is ambiguous: it could be {}",
                        candidates.join(", ")
                    )
                },
            ),
            KsProblem::UnknownSection(s) if s == "%end" => (
                Rule::UnattendMalformed,
                Severity::Error,
                "%end without an open section".to_string(),
            ),
            KsProblem::UnknownSection(s) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("unknown kickstart section {s} for {installer}"),
            ),
            KsProblem::UnclosedSection(s) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("section {s} does not end with %end"),
            ),
            KsProblem::Deprecated(c) => (
                Rule::UnattendStructure,
                Severity::Warning,
                format!("{c} is deprecated in {installer}: it is accepted and ignored"),
            ),
            KsProblem::NotFollowed { directive, target } => (
                Rule::UnattendStructure,
                Severity::Note,
                format!("{directive} {target} is read by the installer at install time; it is not followed here, so its content is not checked"),
            ),
            KsProblem::TooManyArguments { command, max, given } => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!(
                    "{command} takes at most {max} argument{} besides its options in {installer}; got {}: {}",
                    if *max == 1 { "" } else { "s" },
                    given.len(),
                    given.join(" ")
                ),
            ),
            KsProblem::IncludeWithoutFile(d) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("{d} without a file name"),
            ),
        };
        issues.push(Issue {
            rule,
            severity,
            offset,
            message,
        });
    }
    if esxi {
        let has = |names: &[&str]| {
            parsed
                .commands
                .iter()
                .any(|(c, _)| names.contains(&c.as_str()))
        };
        let includes = parsed
            .problems
            .iter()
            .any(|l| matches!(l.problem, KsProblem::NotFollowed { .. }));
        let required: [(&[&str], &str); 3] = [
            (
                &["vmaccepteula", "accepteula"],
                "vmaccepteula (or accepteula)",
            ),
            (&["rootpw"], "rootpw"),
            (
                &["install", "upgrade", "installorupgrade"],
                "one of install, upgrade, installorupgrade",
            ),
        ];
        for (names, what) in required {
            if !has(names) && !includes {
                issues.push(Issue::error(
                    Rule::UnattendStructure,
                    0,
                    format!("the ESXi installer needs {what}; the file has none"),
                ));
            }
        }
    }
    issues
}

fn judge_ubuntu(text: &str) -> Vec<Issue> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let cloud_config = first.starts_with("#cloud-config");
    let preseed_like = !cloud_config
        && text
            .lines()
            .map(str::trim_start)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .is_some_and(|l| {
                let mut w = l.split_whitespace();
                w.next().is_some_and(|o| !o.ends_with(':'))
                    && w.next().is_some_and(|q| q.contains('/'))
            });
    if preseed_like {
        return preseed::parse(text)
            .problems
            .into_iter()
            .map(|l| {
                Issue::error(
                    Rule::UnattendMalformed,
                    offset_of(text, l.position),
                    match l.problem {
                        preseed::Problem::Shape(line) => {
                            format!("not a preseed answer (owner question type value): \"{line}\"")
                        }
                        preseed::Problem::UnknownType(t) => format!(
                            "unknown debconf type \"{t}\"; debconf knows {}{}",
                            preseed::TYPES.join(", "),
                            did_you_mean(&t, preseed::TYPES)
                        ),
                    },
                )
            })
            .collect();
    }
    match yaml::parse(text) {
        Err(e) => vec![Issue::error(
            Rule::UnattendMalformed,
            offset_of(text, e.position),
            format!("not well-formed YAML: {}", e.message),
        )],
        Ok(summary) => {
            let keys: Vec<&str> = summary.top_keys.iter().map(|(k, _)| k.as_str()).collect();
            if cloud_config && !keys.contains(&"autoinstall") {
                vec![Issue::error(
                    Rule::UnattendStructure,
                    0,
                    "#cloud-config user-data without an autoinstall: key; Subiquity would install interactively".to_string(),
                )]
            } else if !cloud_config && !summary.root_is_mapping {
                vec![Issue::error(
                    Rule::UnattendStructure,
                    0,
                    "neither autoinstall YAML (a mapping with version:) nor a preseed file"
                        .to_string(),
                )]
            } else {
                Vec::new()
            }
        }
    }
}

/// ` (did you mean "x"?)` for the name of `names` nearest to `given`
/// ([`crate::suggest::did_you_mean`]), or nothing when none is near.
fn did_you_mean(given: &str, names: &[&str]) -> String {
    crate::suggest::did_you_mean(given, names)
        .map(|n| format!(" (did you mean \"{n}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(d: Dialect, text: &str) -> Vec<(Rule, Option<usize>)> {
        check(d, "u", text.as_bytes(), &BTreeMap::new())
            .into_iter()
            .map(|f| (f.rule, f.line))
            .collect()
    }

    const WIN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\n  <settings pass=\"specialize\"/>\n  <settings pass=\"oobeSystem\"/>\n</unattend>\n";

    #[test]
    fn windows_answer_files() {
        assert_eq!(rules_of(Dialect::Windows, WIN), []);
        let twice = WIN.replace("oobeSystem", "specialize");
        assert_eq!(
            rules_of(Dialect::Windows, &twice),
            [(Rule::UnattendStructure, Some(4))]
        );
        let typo = WIN.replace("oobeSystem", "oobesystem");
        let f = check(Dialect::Windows, "u", typo.as_bytes(), &BTreeMap::new());
        assert!(
            f[0].message.contains("did you mean \"oobeSystem\""),
            "{}",
            f[0].message
        );
        let no_ns = WIN.replace(" xmlns=\"urn:schemas-microsoft-com:unattend\"", "");
        assert_eq!(
            rules_of(Dialect::Windows, &no_ns),
            [(Rule::UnattendStructure, Some(2))]
        );
        let broken = WIN.replace("</unattend>", "</unatend>");
        assert_eq!(
            rules_of(Dialect::Windows, &broken),
            [(Rule::UnattendMalformed, Some(5))]
        );
        assert_eq!(
            rules_of(Dialect::Xml, &twice),
            [(Rule::UnattendStructure, Some(4))]
        );
    }

    #[test]
    fn macro_values_that_break_the_document() {
        let text = WIN.replace(
            "<settings pass=\"oobeSystem\"/>",
            "<settings pass=\"oobeSystem\"><x>#company#</x></settings>",
        );
        let mut values = BTreeMap::new();
        values.insert(
            "company".to_string(),
            MacroValue {
                value: "AT&T".to_string(),
                source: "p/config/c.json".to_string(),
            },
        );
        let f = check(Dialect::Windows, "u", text.as_bytes(), &values);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, Rule::MacroBreaksDocument);
        assert_eq!((f[0].line, f[0].column), (Some(4), Some(34)));
        for says in ["#company#", "AT&T", "p/config/c.json"] {
            assert!(f[0].message.contains(says), "{}", f[0].message);
        }
        values.get_mut("company").unwrap().value = "Lenovo".into();
        assert!(check(Dialect::Windows, "u", text.as_bytes(), &values).is_empty());
        // A neutral placeholder never breaks anything; a macro in a name does.
        assert!(check(Dialect::Windows, "u", text.as_bytes(), &BTreeMap::new()).is_empty());
        let in_name = WIN.replace(
            "<settings pass=\"specialize\"/>",
            "<#tag# a='1'/><b #attr#='2'/>",
        );
        let f = rules_of(Dialect::Windows, &in_name);
        assert_eq!(
            f,
            [
                (Rule::MacroBreaksDocument, Some(3)),
                (Rule::MacroBreaksDocument, Some(3))
            ]
        );
    }

    #[test]
    fn macro_values_break_kickstart_and_yaml_too() {
        let value = |v: &str| {
            let mut values = BTreeMap::new();
            values.insert(
                "host".to_string(),
                MacroValue {
                    value: v.to_string(),
                    source: "c.json".to_string(),
                },
            );
            values.insert(
                "lang".to_string(),
                MacroValue {
                    value: "en_US".to_string(),
                    source: "c.json".to_string(),
                },
            );
            values
        };
        let ai = "autoinstall:\n  version: 1\n  identity:\n    hostname: #host#\n";
        assert!(check(Dialect::Ubuntu, "u", ai.as_bytes(), &value("web01")).is_empty());
        let f = check(Dialect::Ubuntu, "u", ai.as_bytes(), &value("[web01"));
        assert_eq!(
            (f[0].rule, f[0].line, f[0].column),
            (Rule::MacroBreaksDocument, Some(4), Some(15))
        );
        let ks = Dialect::of(Some("rhels"), Some("8.6"), "ks.cfg").unwrap();
        let f = check(
            ks,
            "u",
            b"lang #lang#\nnetwork --hostname=#host#\n",
            &value("a \"b"),
        );
        assert_eq!((f[0].rule, f[0].line), (Rule::MacroBreaksDocument, Some(2)));
        assert!(
            f[0].message.contains("#host#") && f[0].message.contains("a \"b"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn autoyast_profiles() {
        let ok = "<?xml version=\"1.0\"?>\n<!DOCTYPE profile>\n<profile xmlns=\"http://www.suse.com/1.0/yast2ns\" xmlns:config=\"http://www.suse.com/1.0/configns\">\n<general><mode><confirm config:type=\"boolean\">false</confirm></mode></general>\n<n t=\"integer\">#predefined.hostPlatforms.networkSettings.mtu#</n>\n</profile>\n";
        assert_eq!(rules_of(Dialect::AutoYast, ok), []);
        let bad = ok.replace(">false<", ">no<");
        assert_eq!(
            rules_of(Dialect::AutoYast, &bad),
            [(Rule::UnattendStructure, Some(4))]
        );
        let bad = ok.replace("\"boolean\"", "\"bool\"");
        assert_eq!(
            rules_of(Dialect::AutoYast, &bad),
            [(Rule::UnattendStructure, Some(4))]
        );
        let no_ns = "<profile><a/></profile>";
        assert_eq!(
            rules_of(Dialect::AutoYast, no_ns),
            [(Rule::UnattendStructure, Some(1))]
        );
    }

    #[test]
    fn kickstart_files() {
        let k = Dialect::of(Some("rhels"), Some("7.5"), "ks.cfg").unwrap();
        assert_eq!(
            rules_of(
                k,
                "lang en_US\nrootpw --iscrypted #predefined.x#\n%post\necho\n%end\n"
            ),
            []
        );
        let f = check(
            k,
            "u",
            b"lang en_US\nnetwrk --bootproto=dhcp\n",
            &BTreeMap::new(),
        );
        assert_eq!(
            (f[0].rule, f[0].line, f[0].column),
            (Rule::UnattendMalformed, Some(2), Some(1))
        );
        assert!(
            f[0].message.contains("did you mean \"network\""),
            "{}",
            f[0].message
        );
        // authselect is RHEL 8's, not RHEL 7's.
        assert_eq!(
            rules_of(k, "authselect x\n"),
            [(Rule::UnattendMalformed, Some(1))]
        );
        let k8 = Dialect::of(Some("rhels"), Some("8.6"), "ks.cfg").unwrap();
        assert_eq!(rules_of(k8, "authselect x\n"), []);
        assert_eq!(
            rules_of(k, "\u{feff}lang en_US\n"),
            [(Rule::UnattendMalformed, Some(1))]
        );
        let f = check(k, "u", b"autopart --nohoem\n", &BTreeMap::new());
        assert!(
            f[0].message.contains("did you mean \"--nohome\""),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn esxi_kickstart_needs_its_commands() {
        let ok = "vmaccepteula\nrootpw x\ninstall --firstdisk --overwritevmfs\nnetwork --bootproto=dhcp\n%firstboot --interpreter=busybox\necho\n";
        assert_eq!(rules_of(Dialect::Esxi, ok), []);
        let f = rules_of(Dialect::Esxi, "rootpw x\n");
        assert_eq!(
            f,
            [
                (Rule::UnattendStructure, Some(1)),
                (Rule::UnattendStructure, Some(1))
            ]
        );
    }

    #[test]
    fn ubuntu_autoinstall_and_preseed() {
        let ai = "#cloud-config\nautoinstall:\n  version: 1\n  identity:\n    hostname: #predefined.hostPlatforms.networkSettings.hostname#\n";
        assert_eq!(rules_of(Dialect::Ubuntu, ai), []);
        assert_eq!(
            rules_of(Dialect::Ubuntu, "#cloud-config\nusers: []\n"),
            [(Rule::UnattendStructure, Some(1))]
        );
        assert_eq!(
            rules_of(Dialect::Ubuntu, "version: 1\nidentity: [\n"),
            [(Rule::UnattendMalformed, Some(3))]
        );
        let ps = "d-i debian-installer/locale string en_US\nd-i netcfg/choose_interface\n";
        assert_eq!(
            rules_of(Dialect::Ubuntu, ps),
            [(Rule::UnattendMalformed, Some(2))]
        );
    }
}
