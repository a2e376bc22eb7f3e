//! Debian-installer preseed files: `owner question type value` lines, as
//! `debconf-set-selections` reads them (a `#` line is a comment, a line ending in a
//! backslash continues on the next one, the value is the rest of the line and may
//! be empty).

use crate::text::Position;

/// The question types debconf knows.
pub const TYPES: &[&str] = &[
    "boolean",
    "error",
    "multiselect",
    "note",
    "password",
    "select",
    "string",
    "text",
    "title",
];

/// A line that is not a preseed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Fewer than three fields (owner, question, type).
    Shape(String),
    /// A type debconf does not know.
    UnknownType(String),
}

/// A problem and where it is (its line, the column of the offending field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// What.
    pub problem: Problem,
    /// Where.
    pub position: Position,
}

/// The answers' owners (first fields), with their lines; and the problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// `(owner, question, line)` of every answer.
    pub answers: Vec<(String, String, usize)>,
    /// Lines that are not answers.
    pub problems: Vec<Located>,
}

/// Reads preseed `text`.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut logical = String::new();
    let mut start = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if logical.is_empty() {
            start = i + 1;
        }
        if let Some(head) = line.strip_suffix('\\') {
            logical.push_str(head);
            continue;
        }
        logical.push_str(line);
        let whole = std::mem::take(&mut logical);
        let trimmed = whole.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = whole.len() - trimmed.len();
        let mut fields = Vec::new();
        let mut rest = trimmed;
        while fields.len() < 3 {
            let rest_trim = rest.trim_start_matches([' ', '\t']);
            if rest_trim.is_empty() {
                break;
            }
            let offset = whole.len() - rest_trim.len();
            let end = rest_trim.find([' ', '\t']).unwrap_or(rest_trim.len());
            fields.push((&rest_trim[..end], offset));
            rest = &rest_trim[end..];
        }
        let at = |offset: usize| Position {
            line: start,
            column: whole[..offset].chars().count() + 1,
        };
        if fields.len() < 3 {
            out.problems.push(Located {
                problem: Problem::Shape(trimmed.to_string()),
                position: at(indent),
            });
            continue;
        }
        let (kind, offset) = fields[2];
        if !TYPES.contains(&kind) {
            out.problems.push(Located {
                problem: Problem::UnknownType(kind.to_string()),
                position: at(offset),
            });
            continue;
        }
        out.answers
            .push((fields[0].0.to_string(), fields[1].0.to_string(), start));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_problems() {
        let p = parse("# c\nd-i debian-installer/locale string en_US\nd-i passwd/root-password password\n\nd-i partman/choose \\\n  select finish\nd-i netcfg/x\nd-i a/b strng x\n");
        assert_eq!(p.answers.len(), 3);
        assert_eq!(p.answers[2].2, 5);
        assert_eq!(p.problems.len(), 2);
        assert_eq!(p.problems[0].position, Position { line: 7, column: 1 });
        assert_eq!(p.problems[1].problem, Problem::UnknownType("strng".into()));
        assert_eq!(p.problems[1].position.column, 9);
    }
}
