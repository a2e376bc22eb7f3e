//! Names taken from archives and file systems, made printable.
//!
//! - [`from_bytes`] / [`from_os`]: a name as text, with every byte that is not UTF-8
//!   written `\xNN` (so `\xff` stays visible in every format, where a lossy
//!   conversion would hide it behind U+FFFD);
//! - [`escape`]: for line-based text output, every control character, escape
//!   sequence start, line break and bidirectional override written as `\n`, `\t`,
//!   `\r`, `\x1b`, `\u{202e}`, as `ls -b` and fd do. No name can move the cursor,
//!   change colours or forge a line. Backslashes are left as they are (an invalid
//!   byte is already `\xNN`).
//!
//! JSON, SARIF and GitHub output escape in their own syntax (serde, percent-encoding).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;

/// `bytes` as text; bytes that are not UTF-8 become `\xNN`.
pub fn from_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// A file-system name as text; bytes that are not UTF-8 become `\xNN`.
pub fn from_os(name: &OsStr) -> String {
    from_bytes(name.as_encoded_bytes())
}

/// A path as text, as [`from_os`] writes names.
pub fn from_path(path: &std::path::Path) -> String {
    from_os(path.as_os_str())
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` for line-based output: control characters and bidirectional overrides
/// escaped.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_stay_visible() {
        assert_eq!(from_bytes(b"a\xffb\xc3"), "a\\xffb\\xc3");
        assert_eq!(from_bytes("é".as_bytes()), "é");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape("plain/é.zip"), "plain/é.zip");
        assert_eq!(
            escape("a\n::error file=x::\x1b[31m\t\u{9b}\u{202e}"),
            "a\\n::error file=x::\\x1b[31m\\t\\x9b\\u{202e}"
        );
        assert!(!escape("x\r\ny").contains(['\r', '\n']));
    }
}
