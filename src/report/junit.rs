//! JUnit XML, as Jenkins, GitLab and Azure Pipelines read test reports: one
//! `testcase` per checked file or bundle ([`Report::subjects`], then any other path a
//! finding names), a `failure` per error finding, warnings and notes in its
//! `system-out`. Valid against the JUnit XSD of Jenkins' xunit plugin (`junit-10.xsd`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Report, WriteOptions};
use crate::findings::{Finding, Severity};

/// Writes `report` as one `testsuites` document; `error` is a fatal error of the run
/// (one testcase with an `error`).
pub(super) fn write(
    report: &Report,
    options: WriteOptions,
    error: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let cases = cases(report, options.noun);
    let failed = cases
        .iter()
        .filter(|(_, f)| f.iter().any(|f| f.severity == Severity::Error))
        .count();
    let errors = usize::from(error.is_some());
    let tests = cases.len() + errors;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="osbundle" tests="{tests}" failures="{failed}" errors="{errors}" time="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="osbundle" tests="{tests}" failures="{failed}" errors="{errors}" skipped="0" time="0">"#
    )?;
    if let Some(message) = error {
        writeln!(
            out,
            r#"    <testcase name="osbundle" classname="osbundle" time="0">"#
        )?;
        writeln!(
            out,
            r#"      <error type="fatal" message="{}">{}</error>"#,
            xml(message),
            xml(message)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for (name, findings) in &cases {
        writeln!(
            out,
            r#"    <testcase name="{}" classname="osbundle" time="0">"#,
            xml(name)
        )?;
        let mut other = Vec::new();
        for f in findings {
            let line = one_line(f);
            if f.severity == Severity::Error {
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    f.rule,
                    xml(&f.message),
                    xml(&line)
                )?;
            } else {
                other.push(line);
            }
        }
        if !other.is_empty() {
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml(&other.join("\n"))
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Each testcase and its findings: the subjects in order, then the other paths the
/// findings name, sorted. A finding belongs to the longest subject that is its path
/// or a folder or bundle above it.
fn cases<'a>(report: &'a Report, noun: &str) -> Vec<(String, Vec<&'a Finding>)> {
    let mut cases: Vec<(String, Vec<&Finding>)> = Vec::new();
    let mut index = BTreeMap::new();
    for s in &report.subjects {
        if !index.contains_key(s.as_str()) {
            index.insert(s.as_str(), cases.len());
            cases.push((s.clone(), Vec::new()));
        }
    }
    let mut others: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        match owner(&index, &f.path) {
            Some(i) => cases[i].1.push(f),
            None => others.entry(f.path.as_str()).or_default().push(f),
        }
    }
    cases.extend(others.into_iter().map(|(p, f)| (p.to_string(), f)));
    if cases.is_empty() && report.checked > 0 {
        cases.push((noun.to_string(), Vec::new()));
    }
    cases
}

fn owner(index: &BTreeMap<&str, usize>, path: &str) -> Option<usize> {
    let mut at = path;
    loop {
        if let Some(&i) = index.get(at) {
            return Some(i);
        }
        at = &at[..at.rfind('/')?];
    }
}

/// `path:line:column: severity[rule]: message (at pointer)`, as the text format.
fn one_line(f: &Finding) -> String {
    let mut at = f.path.clone();
    if let Some(line) = f.line {
        at.push_str(&format!(":{line}"));
        if let Some(column) = f.column {
            at.push_str(&format!(":{column}"));
        }
    }
    let pointer = match &f.pointer {
        Some(p) if !p.is_empty() => format!(" (at {p})"),
        _ => String::new(),
    };
    format!("{at}: {}[{}]: {}{pointer}", f.severity, f.rule, f.message)
}

/// Text for an attribute or element: XML's five characters as entities, and what
/// XML 1.0 cannot hold at all (control characters, U+FFFE, U+FFFF) written as the
/// text format writes it (`\x1b`).
fn xml(text: &str) -> String {
    let safe = crate::names::escape(text);
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Rule;

    #[test]
    fn findings_belong_to_the_subject_above_them() {
        let report = Report {
            findings: vec![
                Finding::error(Rule::BundleCorrupt, "b.tar.gz/drivers/x.zip", "bad"),
                Finding::warning(Rule::ProfileInvalid, "p/README", "stray"),
                Finding::error(Rule::RulesInvalid, "rules.json", "bad"),
            ],
            checked: 2,
            subjects: vec!["b.tar.gz".into(), "p/profile.json".into()],
        };
        let cases = cases(&report, "file");
        let names: Vec<_> = cases.iter().map(|c| (c.0.as_str(), c.1.len())).collect();
        assert_eq!(
            names,
            [
                ("b.tar.gz", 1),
                ("p/profile.json", 0),
                ("p/README", 1),
                ("rules.json", 1)
            ]
        );
    }

    #[test]
    fn names_cannot_break_the_document() {
        assert_eq!(
            xml("a<b&\"c\"\u{1b}\n\u{ffff}"),
            "a&lt;b&amp;&quot;c&quot;\\x1b\\n\\u{ffff}"
        );
    }
}
