//! Custom configuration-settings files (references 002 and 003): JSON Schema, meaning,
//! and the custom macros they provide.
//!
//! A file is checked in three layers, each reported with JSON Pointer, line and column:
//! 1. JSON (`config-invalid-json`): strict RFC 8259, UTF-8 without BOM, no duplicate keys;
//! 2. the schema `schemas/custom-config.schema.json` (`config-schema`; unknown members
//!    are warnings);
//! 3. meaning (`config-semantic`, see `semantic`).
//!
//! Both forms users have are accepted: the settings tree itself, and the body of an
//! import request whose `content` holds the tree (as nodes or as a JSON string).

pub(crate) mod semantic;

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::findings::{Finding, Rule};
use crate::json::Document;
use crate::schemas;

/// The outcome of checking one configuration-settings file.
#[derive(Debug, Clone, Default)]
pub struct ConfigCheck {
    /// Findings, unsorted.
    pub findings: Vec<Finding>,
    /// The document, when it parsed: `macros::derive_macros` gives the
    /// custom macros it provides.
    pub value: Option<Value>,
}

/// The members that only an import request body (`POST /osImages` with
/// `imageType=CUSTOM_CONFIG`) has; a settings tree node has `type`/`category` instead.
pub(crate) const IMPORT_BODY_MEMBERS: [&str; 7] = [
    "os",
    "devicetype",
    "deviceType",
    "osrelease",
    "fileSize",
    "associatedFileId",
    "importByContent",
];

/// Whether `map` is an import request body rather than a settings tree node: it has
/// neither `type` nor `category`, and at least one import-only member. The schema
/// makes the same choice with `if`/`then`/`else`.
pub(crate) fn is_import_body(map: &Map<String, Value>) -> bool {
    !map.contains_key("type")
        && !map.contains_key("category")
        && IMPORT_BODY_MEMBERS.iter().any(|k| map.contains_key(*k))
}

/// Checks the configuration-settings file `bytes`, shown as `path`.
pub fn check_bytes(bytes: &[u8], path: &str) -> ConfigCheck {
    let checked = schemas::CONFIG.check(bytes, path);
    let mut findings = checked.findings;
    let Some(doc) = checked.doc else {
        return ConfigCheck {
            findings,
            value: None,
        };
    };
    // Where the schema already reports an error, a semantic issue would say the same
    // thing twice; everywhere else both are reported in one pass.
    let schema_errors: std::collections::BTreeSet<String> = findings
        .iter()
        .filter(|f| f.severity == crate::findings::Severity::Error)
        .filter_map(|f| f.pointer.clone())
        .collect();

    // An import body whose content is a JSON string: check the tree inside it too.
    if let Some(Value::String(text)) = embedded_content(doc.value()) {
        findings.extend(check_embedded(&doc, text, path));
    }
    // Duplicate keys leave the document's meaning undefined: no semantic pass.
    let duplicates = findings.iter().any(|f| f.rule == Rule::ConfigInvalidJson);
    for (pointer, node) in tree_roots(doc.value()).into_iter().filter(|_| !duplicates) {
        semantic::check_tree(node, &pointer, &mut |f: semantic::Issue| {
            if schema_errors.contains(&f.pointer) {
                return;
            }
            let position = doc.position_of(&f.pointer);
            findings.push(f.into_finding(path).at_opt(position));
        });
    }
    ConfigCheck {
        findings,
        value: Some(doc.into_value()),
    }
}

/// The tree nodes at the top of `value`: the node itself, or the nodes of an import
/// body's `content` (an array of nodes, one node, or a JSON string holding either).
/// Borrowed, except for nodes parsed out of a string.
pub(crate) fn top_nodes(value: &Value) -> Vec<Cow<'_, Value>> {
    match value {
        Value::Array(nodes) => nodes.iter().map(Cow::Borrowed).collect(),
        Value::Object(map) if is_import_body(map) => match map.get("content") {
            Some(Value::String(text)) => serde_json::from_str::<Value>(text)
                .map(|v| {
                    top_nodes(&v)
                        .into_iter()
                        .map(|n| Cow::Owned(n.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            Some(inner) => top_nodes(inner),
            None => Vec::new(),
        },
        Value::Object(_) => vec![Cow::Borrowed(value)],
        _ => Vec::new(),
    }
}

/// The child nodes of `node`: its `content` and `template` arrays (or single objects).
pub(crate) fn children(node: &Value) -> impl Iterator<Item = &Value> {
    ["content", "template"].into_iter().flat_map(move |key| {
        let list: &[Value] = match node.get(key) {
            Some(Value::Array(list)) => list,
            Some(one @ Value::Object(_)) => std::slice::from_ref(one),
            _ => &[],
        };
        list.iter().filter(|v| v.is_object())
    })
}

/// `content` of an import body.
fn embedded_content(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) if is_import_body(map) => map.get("content"),
        _ => None,
    }
}

/// The top-level nodes of a document with their pointers (not for string content).
fn tree_roots(value: &Value) -> Vec<(String, &Value)> {
    match embedded_content(value) {
        Some(Value::Array(nodes)) => nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("/content/{i}"), n))
            .collect(),
        Some(node @ Value::Object(_)) => vec![("/content".to_string(), node)],
        Some(_) => Vec::new(),
        None => vec![(String::new(), value)],
    }
}

/// Checks the tree held as a JSON string in `/content`. Findings point at `/content`
/// in the file, and name the place inside the string in their message.
fn check_embedded(doc: &Document, text: &str, path: &str) -> Vec<Finding> {
    let at = doc.position_of("/content");
    let wrap = |rule: Rule, warning: bool, inner: Option<&str>, message: &str| {
        let message = match inner {
            Some(p) if !p.is_empty() => {
                format!("in the settings held by /content, at {p}: {message}")
            }
            _ => format!("in the settings held by /content: {message}"),
        };
        let f = if warning {
            Finding::warning(rule, path, message)
        } else {
            Finding::error(rule, path, message)
        };
        f.with_pointer("/content").at_opt(at)
    };
    let inner = match Document::parse(text.as_bytes()) {
        Ok(inner) => inner,
        Err(e) => {
            let message = format!(
                "{} (line {} column {} of the string)",
                e.message, e.position.line, e.position.column
            );
            return vec![wrap(Rule::ConfigInvalidJson, false, None, &message)];
        }
    };
    let mut out: Vec<Finding> = schemas::CONFIG
        .check_parsed(&inner, path)
        .into_iter()
        .map(|f| {
            wrap(
                f.rule,
                f.severity == crate::findings::Severity::Warning,
                f.pointer.as_deref(),
                &f.message,
            )
        })
        .collect();
    if out.is_empty() {
        semantic::check_tree(inner.value(), "", &mut |issue: semantic::Issue| {
            out.push(wrap(
                Rule::ConfigSemantic,
                issue.warning,
                Some(&issue.pointer),
                &issue.message,
            ));
        });
    }
    out
}

#[cfg(test)]
mod tests;
