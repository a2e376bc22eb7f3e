//! SARIF 2.1.0: one run, rule metadata with help text for every rule ID, results with
//! regions (columns in Unicode code points) and the JSON Pointer as a property.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;
use crate::findings::Rule;

/// The SARIF document for `report`; `error` is a fatal error of the run, `rules` the
/// rules in force (a property of the run).
pub(super) fn document(report: &Report, error: Option<&str>, in_force: Option<&str>) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.as_str(),
                "name": rule.as_str(),
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": rule.help() },
                "help": { "text": rule.help() },
                "defaultConfiguration": { "level": rule.default_severity().as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.path) },
                }
            });
            if let Some(line) = f.line {
                let mut region = json!({ "startLine": line });
                if let Some(column) = f.column {
                    region["startColumn"] = json!(column);
                }
                location["physicalLocation"]["region"] = region;
            }
            let mut result = json!({
                "ruleId": f.rule.as_str(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0),
                "level": f.severity.as_str(),
                "message": { "text": f.message },
                "locations": [location],
            });
            if let Some(pointer) = &f.pointer {
                result["properties"] = json!({ "jsonPointer": pointer });
            }
            result
        })
        .collect();
    let mut doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "osbundle",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    if let Some(in_force) = in_force {
        doc["runs"][0]["properties"] = json!({ "rulesInForce": in_force });
    }
    if let Some(message) = error {
        doc["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": [{
                "level": "error",
                "message": { "text": message },
            }],
        }]);
    }
    doc
}

/// A relative URI reference for a path: `/` separators, percent-encoded.
fn uri(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const SET: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b']')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    utf8_percent_encode(&path.replace('\\', "/"), SET).to_string()
}

pub(super) fn write(
    report: &Report,
    error: Option<&str>,
    rules: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report, error, rules))?;
    writeln!(out)
}
