//! The text format: `path:line:column: severity[rule]: message`.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{summary_line, Report, WriteOptions};
use crate::findings::{Finding, Severity};
use crate::names::escape;

/// The location prefix: `path`, `path:line` or `path:line:column`, the path escaped.
pub(crate) fn location(f: &Finding) -> String {
    let path = escape(&f.path);
    match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.into_owned(),
    }
}

/// The findings, one per line, then the summary line; `-q` leaves out the summary.
pub(crate) fn write(
    report: &Report,
    options: WriteOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_findings(report, options, out)?;
    if options.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(report, options))
}

/// The findings, then `lines` (what was checked of each bundle file), then the
/// summary line; `-q` leaves out the notes, the lines and the summary.
pub(crate) fn write_with_lines(
    report: &Report,
    options: WriteOptions<'_>,
    lines: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    write_findings(report, options, out)?;
    if options.quiet {
        return Ok(());
    }
    for line in lines {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", summary_line(report, options))
}

/// The findings, one per line; `-q` leaves out the notes.
pub(crate) fn write_findings(
    report: &Report,
    options: WriteOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (bold, red, yellow) = if options.color {
        (
            Style::new().bold(),
            AnsiColor::Red.on_default().bold(),
            AnsiColor::Yellow.on_default().bold(),
        )
    } else {
        (Style::new(), Style::new(), Style::new())
    };
    // `-q`: errors and warnings only; notes and the summary are left out.
    for f in report
        .findings
        .iter()
        .filter(|f| !(options.quiet && f.severity == Severity::Note))
    {
        let sev = match f.severity {
            Severity::Error => red,
            Severity::Warning => yellow,
            Severity::Note => bold,
        };
        let pointer = match &f.pointer {
            Some(p) if f.line.is_none() && p.is_empty() => " (at /)".to_string(),
            // A pointer quotes member names: escaped as names are (`\n`, `\x15`).
            Some(p) if f.line.is_none() => format!(" (at {})", escape(p)),
            _ => String::new(),
        };
        writeln!(
            out,
            "{bold}{}{bold:#}: {sev}{}[{}]{sev:#}: {}{pointer}",
            location(f),
            f.severity,
            f.rule,
            one_line(&f.message)
        )?;
    }
    Ok(())
}

/// Messages are single lines in every line-based format, with control characters
/// escaped (they may quote names); a CRLF is one space.
pub(crate) fn one_line(text: &str) -> String {
    escape(&text.replace("\r\n", " ").replace(['\r', '\n'], " ")).into_owned()
}
