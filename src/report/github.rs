//! GitHub Actions workflow commands:
//! `::error file=PATH,line=L,col=C,title=RULE::MESSAGE`.

use std::io::{self, Write};

use super::{summary_line, Report, WriteOptions};
use crate::findings::Severity;

/// Escapes a command's message (`%`, CR, LF), as the runner expects; other control
/// characters (an escape sequence in a name) are written `\x1b`.
pub(super) fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::names::escape(&s).into_owned()
}

/// Escapes a property value: the data escapes plus `:` and `,`.
pub(super) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn write(
    report: &Report,
    options: WriteOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    // `-q`: errors and warnings only, without the summary, as in the text format.
    for f in report
        .findings
        .iter()
        .filter(|f| !(options.quiet && f.severity == Severity::Note))
    {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = format!("file={}", escape_property(&f.path));
        if let Some(line) = f.line {
            props.push_str(&format!(",line={line}"));
        }
        if let Some(col) = f.column {
            props.push_str(&format!(",col={col}"));
        }
        props.push_str(&format!(",title={}", escape_property(f.rule.as_str())));
        let pointer = match &f.pointer {
            Some(p) if !p.is_empty() => format!(" (at {p})"),
            _ => String::new(),
        };
        writeln!(
            out,
            "::{command} {props}::{}",
            escape_data(&format!("{}{pointer}", f.message))
        )?;
    }
    if options.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(report, options))
}
