//! XML documents (Windows answer files, AutoYaST profiles): strict well-formedness
//! with the line and column of the first error, the byte encoding against the
//! encoding declaration, and the parsed tree for structure checks.
//!
//! The parser is `roxmltree`: it checks well-formedness strictly (matching tags,
//! unique attributes, declared entities, namespace prefixes bound), keeps the byte
//! range of every node, expands internal DTD entities with a limit and never
//! fetches external ones. Its tree is re-exported as [`roxmltree`].

use std::fmt;

pub use roxmltree;

use crate::text::{self, Encoding, Position};

/// Why a document is not well-formed XML, or not readable in its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// What is wrong, as a sentence fragment.
    pub message: String,
    /// Where (1-based line and column in characters).
    pub position: Position,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.position.line, self.position.column
        )
    }
}

/// The most nodes a document may have (well above any answer file); more is an
/// error, not unbounded memory.
pub const NODES_MAX: u32 = 1_000_000;

/// Parses `text` as a well-formed XML document (a DOCTYPE with internal entities
/// allowed).
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, XmlError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: NODES_MAX,
        // No external entity is ever fetched or read.
        entity_resolver: None,
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        XmlError {
            message: error_message(&e),
            position: Position {
                line: pos.row as usize,
                column: pos.col as usize,
            },
        }
    })
}

fn error_message(e: &roxmltree::Error) -> String {
    // roxmltree's messages end with " at row:col"; the position is given apart.
    let text = e.to_string();
    match text.rfind(" at ") {
        Some(i)
            if text[i + 4..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':') =>
        {
            text[..i].to_string()
        }
        _ => text,
    }
}

/// The encoding named by the XML declaration at the start of `text`, if any.
pub fn declared_encoding(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("<?xml")?;
    if !rest.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let decl = &rest[..rest.find("?>")?];
    let at = decl.find("encoding")?;
    let after = decl[at + "encoding".len()..].trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(&value[..value.find(quote)?])
}

/// An XML document's text as decoded from its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlText {
    /// The encoding of the bytes (by byte-order mark; UTF-8 without one, or Latin-1
    /// when the declaration says so and the bytes are not UTF-8).
    pub encoding: Encoding,
    /// The encoding declaration, if any.
    pub declared: Option<String>,
    /// The text, without byte-order mark.
    pub text: String,
}

/// Decodes the bytes of an XML document: UTF-8 or UTF-16 by byte-order mark, as XML
/// 1.0 (4.3.3) reads them; the declaration must agree with the bytes (a UTF-16
/// declaration on UTF-8 bytes, or the reverse, is an error, as libxml2 has it).
/// Bytes that are not UTF-8 are read as Latin-1 only when the declaration names
/// ISO-8859-1.
pub fn decode(bytes: &[u8]) -> Result<XmlText, XmlError> {
    // `<` as UTF-16 without a byte-order mark: valid UTF-8 full of NULs otherwise.
    if matches!(bytes, [b'<', 0, ..] | [0, b'<', ..]) {
        return Err(XmlError {
            message: format!(
                "UTF-16{} without a byte-order mark: save it with one (as Windows System Image Manager does) or as UTF-8",
                if bytes[0] == 0 { "BE" } else { "LE" }
            ),
            position: Position { line: 1, column: 1 },
        });
    }
    let decoded = match text::decode(bytes) {
        Ok(d) => d,
        Err(e) if e.encoding == Encoding::Utf8 => {
            // Latin-1 declared? Look at the ASCII prefix.
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
            let latin1 = declared_encoding(&head).is_some_and(|d| {
                let d = d.to_ascii_lowercase();
                d == "iso-8859-1" || d == "latin1" || d == "iso_8859-1"
            });
            if !latin1 {
                return Err(XmlError {
                    message: format!(
                        "{e}: the bytes are neither UTF-8 nor UTF-16 with a byte-order mark"
                    ),
                    position: e.position,
                });
            }
            let text: String = bytes.iter().map(|&b| char::from(b)).collect();
            let declared = declared_encoding(&text).map(str::to_string);
            return Ok(XmlText {
                encoding: Encoding::Utf8,
                declared,
                text,
            });
        }
        Err(e) => {
            return Err(XmlError {
                message: format!("{e}"),
                position: e.position,
            })
        }
    };
    let declared = declared_encoding(&decoded.text).map(str::to_string);
    if let Some(d) = &declared {
        let lower = d.to_ascii_lowercase();
        let says_utf16 = lower.starts_with("utf-16") || lower == "ucs-2" || lower == "unicode";
        let mismatch = match decoded.encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => !says_utf16,
            Encoding::Utf8 | Encoding::Utf8Bom => says_utf16,
        };
        if mismatch {
            let column = decoded.text.find(d.as_str()).map_or(1, |i| i + 1);
            return Err(XmlError {
                message: format!(
                    "the declaration says encoding=\"{d}\" but the bytes are {}",
                    decoded.encoding
                ),
                position: Position { line: 1, column },
            });
        }
    }
    Ok(XmlText {
        encoding: decoded.encoding,
        declared,
        text: decoded.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_documents_parse() {
        let doc = parse(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE profile>\n<a xmlns=\"urn:x\"><b c='1'/>&amp;</a>",
        )
        .unwrap();
        assert_eq!(doc.root_element().tag_name().namespace(), Some("urn:x"));
    }

    #[test]
    fn the_first_error_is_placed() {
        let e = parse("<a>\n  <b>\n  </c>\n</a>").unwrap_err();
        assert_eq!(e.position.line, 3, "{e}");
        assert!(e.message.contains("b") && e.message.contains("c"), "{e}");
        assert!(!e.message.ends_with(char::is_numeric), "{e}");
        let e = parse("<a x='1' x='2'/>").unwrap_err();
        assert_eq!(e.position.line, 1);
        assert!(parse("<a>&nope;</a>").is_err());
        assert!(parse("<a>AT&T</a>").is_err());
        assert!(parse("<a></a><b/>").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn declarations_agree_with_bytes() {
        assert_eq!(
            declared_encoding("<?xml version='1.0' encoding = 'UTF-16'?><a/>"),
            Some("UTF-16")
        );
        assert_eq!(declared_encoding("<?xml version='1.0'?><a/>"), None);
        let e = decode(b"<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>").unwrap_err();
        assert!(e.message.contains("utf-16"), "{e}");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert!(decode(&utf16).is_err());
        let mut ok = vec![0xFF, 0xFE];
        for u in "<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>".encode_utf16() {
            ok.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&ok).unwrap().encoding, Encoding::Utf16Le);
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9</a>";
        assert_eq!(
            decode(latin)
                .unwrap()
                .text
                .chars()
                .filter(|c| *c == 'é')
                .count(),
            1
        );
        assert!(decode(b"<\0a\0/\0>\0")
            .unwrap_err()
            .message
            .contains("UTF-16LE"));
        let e = decode(b"<a>\n\xE9</a>").unwrap_err();
        assert_eq!(e.position.line, 2);
    }
}
