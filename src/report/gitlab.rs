//! GitLab Code Quality JSON: an array of issues with `description`, `check_name`,
//! `fingerprint`, `severity` and `location.path` / `location.lines.begin`, as
//! GitLab's "Code Quality report format" documents it (a subset of the Code Climate
//! spec). A fingerprint is a digest of the finding itself (rule, severity, path,
//! position, pointer, message, each length-prefixed so that no two findings share
//! one): the same finding has the same fingerprint in every run and for any `--jobs`,
//! so GitLab can tell new issues from old ones.

use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Report;
use crate::findings::{Finding, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The stable fingerprint of a finding: SHA-256 over its fields, each preceded by
/// its length (a field may hold any byte, NUL too; an absent one is marked), hex.
pub(super) fn fingerprint(f: &Finding) -> String {
    let mut hash = Sha256::new();
    let line = f.line.map(|n| n.to_string());
    let column = f.column.map(|n| n.to_string());
    for part in [
        Some(f.rule.as_str()),
        Some(f.severity.as_str()),
        Some(f.path.as_str()),
        line.as_deref(),
        column.as_deref(),
        f.pointer.as_deref(),
        Some(f.message.as_str()),
    ] {
        // An absent field is not an empty one.
        match part {
            Some(part) => {
                hash.update((part.len() as u64).to_le_bytes());
                hash.update(part.as_bytes());
            }
            None => hash.update(u64::MAX.to_le_bytes()),
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// GitLab's severities: errors are `major`, warnings `minor`, notes `info`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .map(|f| Issue {
            description: match &f.pointer {
                Some(p) if !p.is_empty() => format!("{} (at {p})", f.message),
                _ => f.message.clone(),
            },
            check_name: f.rule.as_str(),
            fingerprint: fingerprint(f),
            severity: severity(f.severity),
            location: Location {
                // GitLab wants a path relative to the repository, not prefixed `./`.
                path: f.path.strip_prefix("./").unwrap_or(&f.path),
                lines: Lines {
                    begin: f.line.unwrap_or(1),
                },
            },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Rule;

    /// Found by the `report_writers` fuzz target: findings that differ only in
    /// severity, or whose fields hold NUL where the separator was, had one
    /// fingerprint; GitLab wants one per issue.
    #[test]
    fn fingerprints_differ_for_findings_that_differ() {
        let base = Finding::error(Rule::ConfigSchema, "a", "m");
        let others = [
            Finding::warning(Rule::ConfigSchema, "a", "m"),
            Finding::error(Rule::ConfigSchema, "a\0", "m"),
            Finding::error(Rule::ConfigSchema, "a", "\0m"),
            base.clone().with_pointer(""),
            base.clone().at(1, 1),
        ];
        let mut prints: Vec<String> = others.iter().map(fingerprint).collect();
        prints.push(fingerprint(&base));
        prints.sort();
        prints.dedup();
        assert_eq!(prints.len(), others.len() + 1);
        assert_eq!(fingerprint(&base), fingerprint(&base.clone()));
    }
}
