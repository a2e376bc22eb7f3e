//! Byte offsets to 1-based lines and character columns.

use serde::Serialize;

/// A 1-based line and column; the column counts Unicode characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode characters.
    pub column: usize,
}

/// The position of byte `offset` in `text` (clamped to the text, rounded down to a
/// character boundary). Lines end at `\n`; a `\r` before it belongs to the line.
pub(crate) fn position_at(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.bytes().filter(|b| *b == b'\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Line starts of a text, for many offset → line:column lookups without rescanning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LineIndex {
    text: String,
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` (copied).
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text: text.to_string(),
            starts,
        }
    }

    /// The position of byte `offset`, as [`position_at`] gives it.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        Position {
            line,
            column: self.text[start..offset].chars().count() + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let text = "{\n  \"é→\": 1,\n  \"x\": 2\n}";
        let one = text.find('1').unwrap();
        assert_eq!(position_at(text, one), Position { line: 2, column: 9 });
        assert_eq!(position_at(text, 0), Position { line: 1, column: 1 });
        let x = text.find("\"x\"").unwrap();
        assert_eq!(position_at(text, x), Position { line: 3, column: 3 });
        // Past the end and inside a character are clamped.
        assert_eq!(position_at(text, 10_000).line, 4);
        let e = text.find('é').unwrap();
        assert_eq!(position_at(text, e + 1), position_at(text, e));
    }

    #[test]
    fn the_index_agrees_with_the_scan() {
        let text = "a\n\nbé→c\r\n  d\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.position(offset),
                position_at(text, offset),
                "offset {offset}"
            );
        }
    }
}
