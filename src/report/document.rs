//! One output contract for every subcommand: an [`Output`] (what the subcommand
//! reports besides its findings) and the [`Report`] are written as one document in
//! the chosen format, from typed values.
//!
//! - text: the document's view ([`Output::write_text`]: by default the findings,
//!   then the summary line);
//! - JSON: one envelope `{"version": 1, "rulesInForce": ..., <document members>,
//!   "findings": [...], "summary": {...}}`, camelCase keys (`rulesInForce` where the
//!   run judged files against rules; the members are [`Output::members`]);
//! - SARIF: the findings (a document has no place in SARIF), the rules in force as a
//!   property of the run;
//! - GitHub: the findings as workflow commands, then the summary line, then the
//!   document's [`Output::github_notice`];
//! - JUnit and GitLab: the findings (and, for JUnit, what was checked).
//!
//! These writers know the trait, not the subcommands: each subcommand's result
//! implements [`Output`] beside its type. A fatal error (exit 2) is part of the
//! document too ([`write_error`]).

use std::io::{self, Write};

use serde::Serialize;

use super::{github, gitlab, junit, sarif, text, Format, Report, Summary, WriteOptions};
use crate::findings::Finding;

/// What a subcommand reports besides its findings, in every output format.
///
/// Only [`members`](Output::members) is required: a document with nothing of its
/// own is written as its findings (text: the findings, then the summary line).
pub trait Output {
    /// The document's own members of the JSON envelope: a struct (or map) whose
    /// fields go between `"rulesInForce"` and `"findings"`, in camelCase.
    fn members(&self) -> impl Serialize + '_;

    /// What the text document shows of the result before its findings (a plan, a
    /// reply, a list); by default nothing.
    fn write_view(&self, out: &mut dyn Write) -> io::Result<()> {
        let _ = out;
        Ok(())
    }

    /// The text document: by default [`Output::write_view`], then the findings and
    /// the summary line (`-q`: no notes, no summary).
    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.write_view(out)?;
        text::write(report, options, out)
    }

    /// Why this document cannot be written in `format` (the run ends with exit 2
    /// before anything is written), if it cannot. By default every format is fine.
    fn refuses(&self, format: Format) -> Option<String> {
        let _ = format;
        None
    }

    /// What the subcommand did, as the text of one GitHub `::notice::` command after
    /// the findings. By default none.
    fn github_notice(&self) -> Option<String> {
        None
    }

    /// Whether the GitHub format writes the findings and the summary line (a
    /// document that checks nothing, as `keygen`'s, is its notice alone).
    fn github_findings(&self) -> bool {
        true
    }

    /// Whether the run checked files, so stale `[[ignore]]` entries of the project
    /// configuration are reported (`check`, `build`, `verify`, `sign`).
    fn checks_files(&self) -> bool {
        false
    }
}

/// A document of findings only (`check`, and any run that stops at its findings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Findings;

/// No members of its own.
#[derive(Serialize)]
struct Nothing {}

impl Output for Findings {
    fn members(&self) -> impl Serialize + '_ {
        Nothing {}
    }

    fn checks_files(&self) -> bool {
        true
    }
}

#[derive(Serialize)]
struct Envelope<'a, M: Serialize> {
    version: u32,
    #[serde(rename = "rulesInForce", skip_serializing_if = "Option::is_none")]
    rules_in_force: Option<&'a str>,
    #[serde(flatten)]
    members: M,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    findings: &'a [Finding],
    summary: Summary,
}

/// Writes `report` and `document` as one document in the format of `options`.
/// Call [`Output::refuses`] first: a refused format writes nothing here.
pub fn write_document<D: Output>(
    report: &Report,
    document: &D,
    options: WriteOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    if document.refuses(options.format).is_some() {
        return Ok(());
    }
    match options.format {
        Format::Text => document.write_text(report, options, out),
        Format::Json => write_json(report, document.members(), None, options.rules, out),
        Format::Sarif => sarif::write(report, None, options.rules, out),
        Format::Github => {
            if document.github_findings() {
                github::write(report, options, out)?;
            }
            match document.github_notice() {
                Some(notice) => writeln!(out, "::notice::{}", github::escape_data(&notice)),
                None => Ok(()),
            }
        }
        Format::Junit => junit::write(report, options, None, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}

fn write_json(
    report: &Report,
    members: impl Serialize,
    error: Option<&str>,
    rules: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let envelope = Envelope {
        version: 1,
        rules_in_force: rules,
        members,
        error,
        findings: &report.findings,
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &envelope)?;
    writeln!(out)
}

/// Writes a fatal error (the tool could not do its job, exit 2) as the document of
/// `format`: JSON `"error"`, SARIF `toolExecutionNotifications`, a GitHub `::error::`
/// command. Text output has nothing on stdout (the message goes to stderr).
pub fn write_error(format: Format, message: &str, out: &mut dyn Write) -> io::Result<()> {
    let empty = Report::default();
    match format {
        Format::Text => Ok(()),
        Format::Json => write_json(&empty, Nothing {}, Some(message), None, out),
        Format::Sarif => sarif::write(&empty, Some(message), None, out),
        Format::Github => writeln!(out, "::error::{}", github::escape_data(message)),
        Format::Junit => junit::write(
            &empty,
            WriteOptions::new(format, "file"),
            Some(message),
            out,
        ),
        Format::Gitlab => gitlab::write(&empty, out),
    }
}
