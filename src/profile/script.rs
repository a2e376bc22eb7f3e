//! Installation scripts as their interpreter on the target reads them: by extension,
//! the encodings and line endings it takes, and the `#!` line of shell scripts.
//!
//! | extension | interpreter | encoding | line endings |
//! |---|---|---|---|
//! | `.sh`, `.py`, `.pl`, `.pm` | kernel `#!`, bash, python, perl | UTF-8, no byte-order mark | LF (CR LF: error) |
//! | `.ps1`, `.psm1` | PowerShell | UTF-8 with or without BOM, UTF-16 with BOM | any |
//! | `.cmd` | cmd.exe | not UTF-16, no UTF-8 BOM | CR LF (LF alone: warning) |

use osbundle_formats::text::{self, Encoding, LineEndings};

use crate::findings::{Finding, Rule};

/// The findings of the script `path` with content `bytes`; `name` its file name.
pub(super) fn check(path: &str, name: &str, bytes: &[u8]) -> Vec<Finding> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return vec![Finding::warning(
            Rule::PayloadEmpty,
            path,
            if bytes.is_empty() {
                "the script is empty (0 bytes): nothing runs on the target".to_string()
            } else {
                format!(
                    "the script holds only whitespace ({} bytes): nothing runs on the target",
                    bytes.len()
                )
            },
        )];
    }
    match ext.as_str() {
        "sh" | "py" | "pl" | "pm" => unix(path, &ext, bytes),
        "ps1" | "psm1" => powershell(path, bytes),
        "cmd" | "bat" => cmd(path, bytes),
        _ => Vec::new(),
    }
}

fn interpreter(ext: &str) -> &'static str {
    match ext {
        "sh" => "the shell",
        "py" => "Python",
        _ => "Perl",
    }
}

fn unix(path: &str, ext: &str, bytes: &[u8]) -> Vec<Finding> {
    let who = interpreter(ext);
    let decoded = match text::decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            return vec![Finding::error(
                Rule::ScriptEncoding,
                path,
                format!("{e}: {who} on the target reads scripts as UTF-8; save it as UTF-8"),
            )
            .at(e.position.line, e.position.column)]
        }
    };
    let mut findings = Vec::new();
    match decoded.encoding {
        Encoding::Utf8 => {}
        Encoding::Utf8Bom => findings.push(
            Finding::error(
                Rule::ScriptEncoding,
                path,
                format!(
                    "a UTF-8 byte-order mark before the first line: the kernel does not see a #! line and {who} reads the mark as part of the first command; save it as UTF-8 without BOM"
                ),
            )
            .at(1, 1),
        ),
        enc => {
            return vec![Finding::error(
                Rule::ScriptEncoding,
                path,
                format!("the script is {enc}: {who} on the target reads UTF-8 only; save it as UTF-8 without BOM"),
            )
            .at(1, 1)]
        }
    }
    let endings = LineEndings::of(&decoded.text);
    if let Some(line) = endings.first_crlf {
        let first = decoded.text.lines().next().unwrap_or_default();
        let effect = match first.strip_prefix("#!") {
            Some(interp) if line == 1 => format!(
                "the kernel looks for the interpreter \"{}\\r\" (\"{}^M: bad interpreter\")",
                interp.trim_end_matches('\r').trim(),
                interp.trim_end_matches('\r').trim()
            ),
            _ => format!("{who} reads the carriage returns as part of each command"),
        };
        findings.push(
            Finding::error(
                Rule::ScriptLineEndings,
                path,
                format!(
                    "Windows line endings (CR LF) on {} of {} lines, the first on line {line}: {effect}; convert to LF (dos2unix)",
                    endings.crlf,
                    endings.crlf + endings.lf
                ),
            )
            .at(line, 1),
        );
    }
    if ext == "sh" && !decoded.text.starts_with("#!") {
        findings.push(
            Finding::warning(
                Rule::ScriptShebangMissing,
                path,
                "no #! line: which shell runs the script depends on how the target starts it; begin it with #!/bin/sh or #!/bin/bash".to_string(),
            )
            .at(1, 1),
        );
    }
    findings
}

fn powershell(path: &str, bytes: &[u8]) -> Vec<Finding> {
    match text::decode(bytes) {
        Ok(_) => Vec::new(),
        Err(e) => vec![Finding::error(
            Rule::ScriptEncoding,
            path,
            format!(
                "{e}: PowerShell reads UTF-8 (with or without BOM) or UTF-16 with a BOM; without a BOM, Windows PowerShell 5.1 reads other bytes in the ANSI code page and non-ASCII text changes; save it as UTF-8 with BOM"
            ),
        )
        .at(e.position.line, e.position.column)],
    }
}

fn cmd(path: &str, bytes: &[u8]) -> Vec<Finding> {
    match Encoding::sniff(bytes) {
        Encoding::Utf8 => {}
        Encoding::Utf8Bom => {
            return vec![Finding::error(
                Rule::ScriptEncoding,
                path,
                "a UTF-8 byte-order mark before the first line: cmd.exe reads it as part of the first command (\"'\u{fffd}@echo' is not recognized\"); save it without BOM".to_string(),
            )
            .at(1, 1)]
        }
        enc => {
            return vec![Finding::error(
                Rule::ScriptEncoding,
                path,
                format!("the batch file is {enc}: cmd.exe cannot run UTF-16 batch files; save it in the OEM code page or as UTF-8 without BOM"),
            )
            .at(1, 1)]
        }
    }
    // Line endings are bytes: the file need not be UTF-8.
    let endings = LineEndings::of(&String::from_utf8_lossy(bytes));
    match endings.first_lf {
        Some(line) => vec![Finding::warning(
            Rule::ScriptLineEndings,
            path,
            format!(
                "LF line endings without CR on {} of {} lines, the first on line {line}: cmd.exe misreads labels and goto targets in such files; convert to CR LF (unix2dos)",
                endings.lf,
                endings.crlf + endings.lf
            ),
        )
        .at(line, 1)],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(name: &str, bytes: &[u8]) -> Vec<(Rule, crate::findings::Severity, Option<usize>)> {
        check(name, name, bytes)
            .into_iter()
            .map(|f| (f.rule, f.severity, f.line))
            .collect()
    }

    use crate::findings::Severity::{Error, Warning};

    #[test]
    fn unix_scripts() {
        assert_eq!(rules("a.sh", b"#!/bin/sh\necho\n"), []);
        let f = check("a.sh", "a.sh", b"#!/bin/bash\r\necho\r\n");
        assert_eq!((f[0].rule, f[0].line), (Rule::ScriptLineEndings, Some(1)));
        assert!(
            f[0].message.contains("/bin/bash^M: bad interpreter"),
            "{}",
            f[0].message
        );
        assert_eq!(
            rules("a.py", b"print(1)\nprint(2)\r\n"),
            [(Rule::ScriptLineEndings, Error, Some(2))]
        );
        assert_eq!(
            rules("a.sh", b"echo\n"),
            [(Rule::ScriptShebangMissing, Warning, Some(1))]
        );
        assert_eq!(rules("a.pl", b"print 1;\n"), []);
        assert_eq!(
            rules("a.sh", b"\xEF\xBB\xBF#!/bin/sh\n"),
            [(Rule::ScriptEncoding, Error, Some(1))]
        );
        assert_eq!(
            rules("a.pm", b"1;\n# caf\xE9\n"),
            [(Rule::ScriptEncoding, Error, Some(2))]
        );
        assert_eq!(
            rules("a.sh", b"\xFF\xFE#\x00!\x00"),
            [(Rule::ScriptEncoding, Error, Some(1))]
        );
    }

    #[test]
    fn windows_scripts() {
        assert_eq!(rules("a.ps1", b"\xEF\xBB\xBFWrite-Host 1\n"), []);
        assert_eq!(rules("a.ps1", b"\xFF\xFEW\x00\n\x00"), []);
        assert_eq!(
            rules("a.psm1", b"$a = 'caf\xE9'\n"),
            [(Rule::ScriptEncoding, Error, Some(1))]
        );
        assert_eq!(rules("a.cmd", b"@echo off\r\n:top\r\n"), []);
        assert_eq!(
            rules("a.cmd", b"@echo off\r\n:top\ngoto top\n"),
            [(Rule::ScriptLineEndings, Warning, Some(2))]
        );
        assert_eq!(
            rules("a.cmd", b"\xEF\xBB\xBF@echo off\r\n"),
            [(Rule::ScriptEncoding, Error, Some(1))]
        );
        // OEM code page bytes are fine for cmd.exe.
        assert_eq!(rules("a.cmd", b"echo \x82\r\n"), []);
    }

    #[test]
    fn empty_scripts_are_warned_about() {
        assert_eq!(rules("a.sh", b""), [(Rule::PayloadEmpty, Warning, None)]);
        assert_eq!(
            rules("a.cmd", b" \r\n"),
            [(Rule::PayloadEmpty, Warning, None)]
        );
    }
}
