//! Text files: their encoding (UTF-8 or UTF-16, with or without a byte-order mark),
//! decoding with the position of the first byte that is not valid, line endings and
//! positions (1-based line, column in characters).

use std::fmt;

/// The encoding a text file's bytes announce by their byte-order mark, or UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with the byte-order mark EF BB BF.
    Utf8Bom,
    /// UTF-16 little-endian with the byte-order mark FF FE.
    Utf16Le,
    /// UTF-16 big-endian with the byte-order mark FE FF.
    Utf16Be,
}

impl Encoding {
    /// The encoding `bytes` start with (by byte-order mark; UTF-8 without one).
    pub fn sniff(bytes: &[u8]) -> Encoding {
        match bytes {
            [0xEF, 0xBB, 0xBF, ..] => Encoding::Utf8Bom,
            [0xFF, 0xFE, ..] => Encoding::Utf16Le,
            [0xFE, 0xFF, ..] => Encoding::Utf16Be,
            _ => Encoding::Utf8,
        }
    }

    /// Whether the bytes start with a byte-order mark.
    pub fn has_bom(self) -> bool {
        self != Encoding::Utf8
    }

    /// Whether this is one of the UTF-16 encodings.
    pub fn is_utf16(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }

    fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8 => 0,
            Encoding::Utf8Bom => 3,
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with a byte-order mark",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        })
    }
}

/// Bytes that are not valid in the encoding they announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The encoding the bytes were read in.
    pub encoding: Encoding,
    /// Byte offset of the first invalid byte (from the start of the file).
    pub offset: usize,
    /// Line and column of the first invalid byte: where the valid text before it ends.
    pub position: Position,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bytes not valid {} at byte offset {}",
            self.encoding, self.offset
        )
    }
}

/// A decoded text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The encoding read.
    pub encoding: Encoding,
    /// The text, without its byte-order mark.
    pub text: String,
}

/// Decodes `bytes` strictly in the encoding their byte-order mark announces (UTF-8
/// without one). The error gives the first byte that is not valid.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let encoding = Encoding::sniff(bytes);
    let body = &bytes[encoding.bom_len()..];
    let fail = |valid: &str, at: usize| DecodeError {
        encoding,
        offset: encoding.bom_len() + at,
        position: position(valid, valid.len()),
    };
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => match std::str::from_utf8(body) {
            Ok(text) => Ok(Decoded {
                encoding,
                text: text.to_string(),
            }),
            Err(e) => {
                let at = e.valid_up_to();
                let valid = std::str::from_utf8(&body[..at]).unwrap_or_default();
                Err(fail(valid, at))
            }
        },
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut text = String::with_capacity(body.len() / 2);
            let units = body.chunks(2).map(|p| match (p, encoding) {
                ([a, b], Encoding::Utf16Le) => Some(u16::from_le_bytes([*a, *b])),
                ([a, b], _) => Some(u16::from_be_bytes([*a, *b])),
                _ => None,
            });
            let mut consumed = 0;
            let mut pending: Vec<u16> = Vec::with_capacity(2);
            for unit in units {
                let Some(unit) = unit else {
                    // An odd byte at the end.
                    return Err(fail(&text, consumed));
                };
                pending.push(unit);
                match char::decode_utf16(pending.iter().copied()).next() {
                    Some(Ok(c)) => {
                        text.push(c);
                        consumed += 2 * pending.len();
                        pending.clear();
                    }
                    Some(Err(_)) if pending.len() == 1 && (0xD800..0xDC00).contains(&unit) => {
                        // A high surrogate: wait for its pair.
                    }
                    _ => return Err(fail(&text, consumed)),
                }
            }
            if !pending.is_empty() {
                return Err(fail(&text, consumed));
            }
            Ok(Decoded { encoding, text })
        }
    }
}

/// A 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// The position of byte `offset` of `text` (clamped to its length and to a
/// character boundary). Lines end at `\n`; a `\r` before it belongs to its line.
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// How the lines of a text end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineEndings {
    /// Lines ending in CR LF.
    pub crlf: usize,
    /// Lines ending in LF alone.
    pub lf: usize,
    /// 1-based line of the first CR LF.
    pub first_crlf: Option<usize>,
    /// 1-based line of the first LF alone.
    pub first_lf: Option<usize>,
}

impl LineEndings {
    /// Counts the line endings of `text`.
    pub fn of(text: &str) -> LineEndings {
        let mut out = LineEndings::default();
        let bytes = text.as_bytes();
        let mut line = 0;
        for (i, b) in bytes.iter().enumerate() {
            if *b != b'\n' {
                continue;
            }
            line += 1;
            if i > 0 && bytes[i - 1] == b'\r' {
                out.crlf += 1;
                out.first_crlf.get_or_insert(line);
            } else {
                out.lf += 1;
                out.first_lf.get_or_insert(line);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn decodes_every_encoding_and_round_trips() {
        let text = "<a>\r\nü 𝄞</a>";
        assert_eq!(decode(text.as_bytes()).unwrap().encoding, Encoding::Utf8);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(text.as_bytes());
        for (bytes, enc) in [
            (bom, Encoding::Utf8Bom),
            (utf16(text, true), Encoding::Utf16Le),
            (utf16(text, false), Encoding::Utf16Be),
        ] {
            let d = decode(&bytes).unwrap();
            assert_eq!((d.encoding, d.text.as_str()), (enc, text));
        }
    }

    #[test]
    fn invalid_bytes_are_placed() {
        let e = decode(b"ab\ncd\xFFef").unwrap_err();
        assert_eq!(e.offset, 5);
        assert_eq!(e.position, Position { line: 2, column: 3 });
        // A lone low surrogate in UTF-16LE after "a".
        let e = decode(b"\xFF\xFEa\x00\x00\xDC").unwrap_err();
        assert_eq!((e.offset, e.position.column), (4, 2));
        // An unpaired high surrogate at the end, and an odd byte.
        assert!(decode(b"\xFF\xFE\x00\xD8").is_err());
        assert_eq!(decode(b"\xFE\xFF\x00a\x00").unwrap_err().offset, 4);
    }

    #[test]
    fn line_endings_are_counted() {
        let e = LineEndings::of("a\nb\r\nc\r\nd");
        assert_eq!(
            (e.lf, e.crlf, e.first_lf, e.first_crlf),
            (1, 2, Some(1), Some(2))
        );
        assert_eq!(LineEndings::of("x"), LineEndings::default());
    }

    #[test]
    fn positions_count_characters() {
        let t = "é\nxü y";
        assert_eq!(position(t, 0), Position { line: 1, column: 1 });
        assert_eq!(position(t, 3), Position { line: 2, column: 1 });
        assert_eq!(position(t, 6), Position { line: 2, column: 3 });
        assert_eq!(position(t, 99), Position { line: 2, column: 5 });
    }
}
