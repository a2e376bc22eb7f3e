//! JSON documents that remember where things are.
//!
//! [`Document::parse`] parses strictly (RFC 8259, as `serde_json` does: no comments, no
//! trailing commas, no byte-order mark, UTF-8 only, nesting at most 128 deep, numbers
//! that fit a 64-bit float) and notices duplicate keys, which `serde_json` would
//! silently merge. Positions come from a second, span-keeping parse (`jsonc-parser`,
//! configured strict) of the already-valid text, done only when a position or the
//! list of duplicates is asked for: it maps a JSON Pointer to the byte range of the
//! value it names. Lines and columns are 1-based; columns count Unicode characters.

mod position;
mod spans;
mod strict;

use serde_json::Value;

pub(crate) use position::{position_at, LineIndex, Position};

/// A parsed JSON document with its text.
#[derive(Debug)]
pub struct Document {
    text: String,
    value: Value,
    has_duplicates: bool,
    spans: std::sync::OnceLock<spans::Spans>,
    lines: std::sync::OnceLock<LineIndex>,
}

/// Why a document is not valid JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where parsing stopped.
    pub position: Position,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.position.line, self.position.column
        )
    }
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The JSON Pointer of the object.
    pub object: String,
    /// The key.
    pub key: String,
    /// Where the second (and every later) occurrence starts.
    pub position: Position,
    /// Where the first occurrence starts.
    pub first: Position,
}

impl Document {
    /// Parses `bytes` strictly.
    pub fn parse(bytes: &[u8]) -> Result<Document, SyntaxError> {
        if let Some(message) = encoding_problem(bytes) {
            return Err(SyntaxError {
                message,
                position: Position { line: 1, column: 1 },
            });
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                // The prefix is valid UTF-8 by construction.
                let prefix = std::str::from_utf8(valid).unwrap_or_default();
                return Err(SyntaxError {
                    message: format!(
                        "invalid UTF-8 (byte 0x{:02x} at offset {})",
                        bytes[e.valid_up_to()],
                        e.valid_up_to()
                    ),
                    position: position_at(prefix, prefix.len()),
                });
            }
        };
        if text.trim().is_empty() {
            return Err(SyntaxError {
                message: "empty document: expected a JSON value".into(),
                position: position_at(text, text.len()),
            });
        }
        let (value, has_duplicates) = strict::parse(text).map_err(|e| syntax_error(text, &e))?;
        Ok(Document {
            text: text.to_string(),
            value,
            has_duplicates,
            spans: std::sync::OnceLock::new(),
            lines: std::sync::OnceLock::new(),
        })
    }

    /// The span index, built on first use.
    fn spans(&self) -> &spans::Spans {
        self.spans.get_or_init(|| spans::Spans::parse(&self.text))
    }

    /// The parsed value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The parsed value, without the text.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the value named by `pointer` starts; `None` when nothing is there.
    pub fn position_of(&self, pointer: &str) -> Option<Position> {
        self.offset_of(pointer).map(|offset| self.position(offset))
    }

    /// The position of a byte offset (the line index is built on first use).
    pub fn position(&self, offset: usize) -> Position {
        self.lines
            .get_or_init(|| LineIndex::new(&self.text))
            .position(offset)
    }

    /// The byte offset where the value named by `pointer` starts.
    pub fn offset_of(&self, pointer: &str) -> Option<usize> {
        self.spans().offset_of(pointer)
    }

    /// Every key that appears more than once in its object, in document order.
    pub fn duplicate_keys(&self) -> Vec<DuplicateKey> {
        if !self.has_duplicates {
            return Vec::new();
        }
        self.spans()
            .duplicates()
            .iter()
            .map(|d| DuplicateKey {
                object: d.object.clone(),
                key: d.key.clone(),
                position: self.position(d.offset),
                first: self.position(d.first_offset),
            })
            .collect()
    }
}

fn syntax_error(text: &str, e: &serde_json::Error) -> SyntaxError {
    // serde_json counts columns in bytes and reports the position of the last byte
    // it read; convert to characters.
    let line = e.line().max(1);
    let line_start = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>();
    // Column 0 means the error is the line break ending the previous line (a raw
    // newline inside a string): point at that line break.
    let offset = if e.column() == 0 {
        line_start.saturating_sub(1)
    } else {
        line_start + e.column() - 1
    };
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let message = e.to_string();
    // Drop serde_json's own " at line L column C" suffix: we give ours.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    // serde_json's "key must be a string" or "expected value" for a comment: say so.
    let rest = text.get(offset..).unwrap_or_default();
    let message = if rest.starts_with("//") || rest.starts_with("/*") {
        let style = if rest.starts_with("//") {
            "//"
        } else {
            "/* */"
        };
        format!(
            "a {style} comment: JSON has no comments; remove it (or keep notes in a \"description\" member)"
        )
    } else {
        message
    };
    SyntaxError {
        message,
        position: if e.line() == 0 {
            Position { line: 1, column: 1 }
        } else {
            position_at(text, offset)
        },
    }
}

/// The encodings a JSON document may arrive in besides UTF-8 (byte-order marks, as
/// Windows editors and PowerShell's `Out-File` write them), named with the fix; `None`
/// for anything else. JSON is UTF-8 without a byte-order mark (RFC 8259, section 8.1),
/// and that is what LXCA imports take.
pub(crate) fn encoding_problem(bytes: &[u8]) -> Option<String> {
    let fix = "save it as UTF-8 without BOM (PowerShell: Set-Content -Encoding utf8NoBOM \
               or Out-File -Encoding utf8NoBOM; Notepad: Save as, Encoding UTF-8)";
    let name = if bytes.starts_with(b"\xEF\xBB\xBF") {
        "UTF-8 with a byte-order mark"
    } else if bytes.starts_with(b"\xFF\xFE") {
        "UTF-16 LE (with a byte-order mark, as PowerShell's Out-File writes by default)"
    } else if bytes.starts_with(b"\xFE\xFF") {
        "UTF-16 BE (with a byte-order mark)"
    } else if bytes.len() >= 4 && bytes[0] != 0 && bytes[1] == 0 && bytes[3] == 0 {
        "UTF-16 LE (no byte-order mark)"
    } else if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 {
        "UTF-16 BE (no byte-order mark)"
    } else {
        return None;
    };
    Some(format!("the file is {name}; JSON must be UTF-8: {fix}"))
}

/// Escapes one reference token of a JSON Pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins a pointer and a token.
pub fn join_pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_token(token))
}

/// The strings of a JSON array (other elements skipped); empty when it is no array.
pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The JSON type name of a value, for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
