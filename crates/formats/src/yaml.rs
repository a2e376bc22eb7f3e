//! YAML documents (Ubuntu autoinstall user-data): well-formedness with the line and
//! column of the first error, and the keys of the first document's top-level
//! mapping.
//!
//! The parser is `yaml-rust2`, used as an event stream: no tree is built, so aliases
//! are never expanded (no "billion laughs") and memory stays bounded by the text.
//! Duplicate keys are not errors here, as PyYAML (which cloud-init and Subiquity
//! use) takes the last one.

use std::fmt;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::text::Position;

/// Why a text is not well-formed YAML, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// Where (1-based line and column in characters).
    pub position: Position,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.position.line, self.position.column
        )
    }
}

/// What a well-formed YAML stream holds, as far as answer files need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// How many documents the stream holds.
    pub documents: usize,
    /// Whether the first document's root is a mapping.
    pub root_is_mapping: bool,
    /// The scalar keys of the first document's root mapping, with their positions.
    pub top_keys: Vec<(String, Position)>,
}

#[derive(Default)]
struct Collector {
    depth: usize,
    // In the root mapping: whether the next node is a key.
    expect_key: bool,
    summary: Summary,
}

impl MarkedEventReceiver for Collector {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let first = self.summary.documents == 1;
        match ev {
            Event::DocumentStart => self.summary.documents += 1,
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if first && self.depth == 0 {
                    self.summary.root_is_mapping = matches!(ev, Event::MappingStart(..));
                    self.expect_key = true;
                } else if first && self.depth == 1 && self.summary.root_is_mapping {
                    // A complex key or a value: flips like a scalar does.
                    self.expect_key = !self.expect_key;
                }
                self.depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
            Event::Scalar(text, ..) if first && self.depth == 1 && self.summary.root_is_mapping => {
                if self.expect_key {
                    self.summary.top_keys.push((text, position(&mark)));
                }
                self.expect_key = !self.expect_key;
            }
            Event::Alias(_) if first && self.depth == 1 && self.summary.root_is_mapping => {
                self.expect_key = !self.expect_key;
            }
            _ => {}
        }
    }
}

fn position(mark: &Marker) -> Position {
    Position {
        line: mark.line().max(1),
        column: mark.col() + 1,
    }
}

/// Parses `text` as a YAML stream.
pub fn parse(text: &str) -> Result<Summary, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut collector = Collector::default();
    parser.load(&mut collector, true).map_err(|e| {
        // yaml-rust2 counts a lone CR as a line break too; the position is taken
        // from its character index, in lines as every other reader counts them.
        let byte = text
            .char_indices()
            .nth(e.marker().index())
            .map_or(text.len(), |(i, _)| i);
        let mut at = crate::text::position(text, byte);
        // "found a tab" is reported at the start of the scalar being scanned;
        // the tab itself is the next one after it.
        if e.info().contains("found a tab") {
            at = next_tab(text, at).unwrap_or(at);
        }
        YamlError {
            message: e.info().to_string(),
            position: at,
        }
    })?;
    Ok(collector.summary)
}

fn next_tab(text: &str, from: Position) -> Option<Position> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(from.line - 1)
        .map(str::len)
        .sum();
    let start = line_start
        + text[line_start..]
            .char_indices()
            .nth(from.column - 1)
            .map_or(0, |(i, _)| i);
    let tab = start + text.get(start..)?.find('\t')?;
    Some(crate::text::position(text, tab))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_keys_of_the_first_document() {
        let s = parse("#cloud-config\nautoinstall:\n  version: 1\n  identity: {hostname: x}\nusers: [a, b]\n? [c]\n: d\n").unwrap();
        let keys: Vec<_> = s
            .top_keys
            .iter()
            .map(|(k, p)| (k.as_str(), p.line))
            .collect();
        assert_eq!(keys, [("autoinstall", 2), ("users", 5)]);
        assert!(s.root_is_mapping);
        assert!(!parse("- a\n- b\n").unwrap().root_is_mapping);
        assert_eq!(parse("a: 1\na: 2\n").unwrap().top_keys.len(), 2);
    }

    #[test]
    fn errors_are_placed() {
        let e = parse("autoinstall:\n  version: 1\n   bad: [\n").unwrap_err();
        assert!(e.position.line >= 3, "{e}");
        let e = parse("a: 1\n\tb: 2\n").unwrap_err();
        assert_eq!(e.position, Position { line: 2, column: 1 }, "{e}");
        let e = parse("a: 1\nb: [\n").unwrap_err();
        assert!(e.position.line >= 2, "{e}");
        assert!(parse("a: &x [1]\nb: *y\n").is_err());
    }

    #[test]
    fn a_lone_carriage_return_is_no_line_of_its_own() {
        // The first fuzz finding: ":\r*" failed past the last line.
        let e = parse(":\r*\u{7}").unwrap_err();
        assert_eq!(e.position.line, 1, "{e}");
    }

    #[test]
    fn aliases_are_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert_eq!(parse(&text).unwrap().top_keys.len(), 40);
    }
}
