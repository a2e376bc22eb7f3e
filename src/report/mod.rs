//! Reports: the findings of a run and how they are written.
//!
//! One writer, called once, after all work is done: output is identical for any
//! `--jobs`. Formats: `text` (one finding per line, then a summary), `json` (one
//! document), `sarif` (SARIF 2.1.0), `github` (workflow commands), `junit` (JUnit
//! XML test reports) and `gitlab` (GitLab Code Quality). Every
//! subcommand's output goes through [`write_document`] with its result, a
//! [`Output`]. The writers know that trait and the findings, nothing of the
//! subcommands: each result's `impl Output` lives beside its type.

mod document;
mod explain;
mod github;
mod gitlab;
mod junit;
mod sarif;
pub(crate) mod text;

use std::io::{self, Write};

pub use crate::findings::report::{Report, Summary};

pub use document::{write_document, write_error, Findings, Output};
pub use explain::Explained;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `path:line:column: severity[rule]: message`, then a summary.
    #[default]
    Text,
    /// One JSON document: `{"version": 1, "findings": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
    /// JUnit XML (Jenkins, GitLab, Azure Pipelines): a testcase per checked file or
    /// bundle, a failure per error.
    Junit,
    /// GitLab Code Quality JSON, with stable fingerprints.
    Gitlab,
}

impl Format {
    /// The name of `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
        }
    }
}

/// How to write a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions<'a> {
    /// The format.
    pub format: Format,
    /// Colour the text format.
    pub color: bool,
    /// What was checked, for the text summary ("file", "bundle").
    pub noun: &'static str,
    /// Leave out the summary line.
    pub quiet: bool,
    /// The rules the run judged by, as the summary line (`; rules: ...`), the JSON
    /// document (`"rulesInForce"`) and SARIF (`runs[0].properties.rulesInForce`) name
    /// them: the name of the embedded rules or the rules file. `None` for runs that
    /// judge nothing against rules.
    pub rules: Option<&'a str>,
}

impl<'a> WriteOptions<'a> {
    /// `format` without colour, with the summary line; `noun` names what was checked.
    pub fn new(format: Format, noun: &'static str) -> Self {
        WriteOptions {
            format,
            color: false,
            noun,
            quiet: false,
            rules: None,
        }
    }

    /// These options, naming `rules` as the rules in force.
    pub fn with_rules(self, rules: &'a str) -> Self {
        WriteOptions {
            rules: Some(rules),
            ..self
        }
    }
}

/// Writes `report` (findings only) to `out`.
pub fn write(report: &Report, options: WriteOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_document(report, &Findings, options, out)
}

/// Whether `format` is text or JSON, the formats of documents that are no findings
/// (a schema, documentation, the configuration).
pub(crate) fn text_or_json(format: Format) -> bool {
    matches!(format, Format::Text | Format::Json)
}

/// `6 errors (--force)`.
pub(crate) fn errors_forced(errors: usize) -> String {
    let noun = if errors == 1 { "error" } else { "errors" };
    format!("{errors} {noun} (--force)")
}

/// ` despite 6 errors (--force)`, or nothing.
pub(crate) fn despite(forced: Option<usize>) -> String {
    forced
        .map(|errors| format!(" despite {}", errors_forced(errors)))
        .unwrap_or_default()
}

/// `N things` with a plural `s` (`1 error`, `2 errors`), as every count in text
/// output is written.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The summary line of the text and GitHub formats, naming the rules in force.
pub(crate) fn summary_line(report: &Report, options: WriteOptions<'_>) -> String {
    let s = report.summary();
    let rules = match options.rules {
        Some(rules) => format!("; rules: {}", crate::names::escape(rules)),
        None => String::new(),
    };
    format!(
        "checked {}: {}, {}{rules}",
        plural(s.checked, options.noun),
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    )
}

#[cfg(test)]
mod tests;
