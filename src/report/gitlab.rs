//! GitLab Code Quality JSON: an array of issues with `description`, `check_name`,
//! `fingerprint`, `severity` and `location.path` / `location.lines.begin`, as
//! GitLab's "Code Quality report format" documents it (a subset of the Code Climate
//! spec). A fingerprint is a digest of the finding itself (rule, path, position,
//! pointer, message): the same finding has the same fingerprint in every run and for
//! any `--jobs`, so GitLab can tell new issues from old ones.

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

/// The stable fingerprint of a finding: SHA-256 over its fields, hex.
pub fn fingerprint(f: &Finding) -> String {
    let mut hash = Sha256::new();
    for part in [
        f.rule.as_str(),
        &f.path,
        &f.line.map(|n| n.to_string()).unwrap_or_default(),
        &f.column.map(|n| n.to_string()).unwrap_or_default(),
        f.pointer.as_deref().unwrap_or_default(),
        &f.message,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    crate::bundle::hex(&hash.finalize())
}

/// GitLab's severities: errors are `major`, warnings `minor`, notes `info`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
