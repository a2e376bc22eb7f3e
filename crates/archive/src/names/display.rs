//! Names for people: the one way every output shows a name or a path. Bytes that
//! are not UTF-8 become `\xNN` ([`shown`], [`from_path`]), so that two different
//! names never look the same; line-based text output then [`escape`]s control,
//! format and line-breaking characters, so that no name can move the cursor, change
//! colours, reorder what a terminal shows or forge a line.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;

/// The bytes of a file name as the file system holds them (on Unix, exactly).
pub fn os_bytes(name: &OsStr) -> &[u8] {
    name.as_encoded_bytes()
}

/// `name` for messages: UTF-8 as is; every byte of an invalid sequence as `\xNN`,
/// so that two different names never look the same and nothing is replaced by U+FFFD.
pub fn shown(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// A file-system name as text, as [`shown`] writes it.
pub fn from_os(name: &OsStr) -> String {
    shown(name.as_encoded_bytes())
}

/// A path as text, as every output shows names: UTF-8 as is, each byte of an invalid
/// sequence as `\xNN` (never U+FFFD). Text output then [`escape`]s it.
pub fn from_path(path: &std::path::Path) -> String {
    from_os(path.as_os_str())
}

/// Whether `c` is escaped in line-based output: a control character, or a format
/// character (Unicode general category Cf, as of Unicode 15): the bidirectional
/// controls that reorder what a terminal shows (U+202A-202E, U+2066-2069,
/// U+200E/200F, U+061C) and the others that show nothing (zero-width space and
/// joiners, word joiner, BOM, soft hyphen, tags, ...); or the line and paragraph
/// separators U+2028 and U+2029 (categories Zl and Zp), which break a line in
/// editors, browsers and some terminals.
fn needs_escape(c: char) -> bool {
    c.is_control() || is_format(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode general category Cf (format), Unicode 15.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// `text` for line-based output (text and GitHub formats), the one escaper of names
/// (and of messages that quote them): control characters, escape sequences, line
/// breaks, bidirectional controls and other invisible format characters written
/// `\n`, `\t`, `\r`, `\x1b`, `\u{202e}`, `\u{200b}`, as `ls -b` and fd do. ASCII
/// controls are `\xNN`; every other character `\u{...}`, so that none looks like a
/// byte that is not UTF-8 (already `\xNN`, see [`from_path`]). No name can move the
/// cursor, change colours, reorder what a terminal shows or forge a line.
/// Backslashes stay as they are. JSON and SARIF escape in their own syntax.
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
            c if needs_escape(c) && c.is_ascii() => {
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
        assert_eq!(shown(b"a\xffb\xc3"), "a\\xffb\\xc3");
        assert_eq!(shown("é".as_bytes()), "é");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape("plain/é.zip"), "plain/é.zip");
        assert_eq!(
            escape("a\n::error file=x::\x1b[31m\t\u{9b}\u{202e}"),
            "a\\n::error file=x::\\x1b[31m\\t\\u{9b}\\u{202e}"
        );
        assert!(!escape("x\r\ny").contains(['\r', '\n']));
    }

    #[test]
    fn line_and_paragraph_separators_are_escaped() {
        // Categories Zl and Zp: editors, browsers and some terminals break the line.
        assert_eq!(escape("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
    }

    #[test]
    fn invisible_format_characters_are_escaped() {
        // Bidirectional controls, and the other format characters (category Cf)
        // that show nothing: zero-width space and joiners, word joiner, BOM, ...
        for (c, shown) in [
            ('\u{202a}', "\\u{202a}"),
            ('\u{202e}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2069}', "\\u{2069}"),
            ('\u{200e}', "\\u{200e}"),
            ('\u{200f}', "\\u{200f}"),
            ('\u{061c}', "\\u{61c}"),
            ('\u{200b}', "\\u{200b}"),
            ('\u{200c}', "\\u{200c}"),
            ('\u{200d}', "\\u{200d}"),
            ('\u{2060}', "\\u{2060}"),
            ('\u{feff}', "\\u{feff}"),
            ('\u{00ad}', "\\u{ad}"),
            ('\u{180e}', "\\u{180e}"),
            ('\u{e0001}', "\\u{e0001}"),
        ] {
            assert_eq!(escape(&format!("a{c}b")), format!("a{shown}b"), "{c:?}");
        }
        // Visible text of any script stays as it is.
        for text in ["€€€.zip", "ملف.zip", "ファイル", "e\u{301}", "👩‍💻"] {
            let expected = text.replace('\u{200d}', "\\u{200d}");
            assert_eq!(escape(text), expected);
        }
    }

    #[test]
    fn an_escaped_character_never_looks_like_an_invalid_byte() {
        // `\x9b` is the byte 0x9b that is not UTF-8; the character U+009B is another
        // name and is shown another way.
        let byte = shown(b"a\x9b");
        let character = escape("a\u{9b}").into_owned();
        assert_eq!(byte, "a\\x9b");
        assert_ne!(escape(&byte), character);
    }
}
