//! Byte ranges of values by JSON Pointer, and duplicate keys, from `jsonc-parser`'s
//! span-keeping AST. Only ever run on text that `serde_json` has accepted, so the
//! nesting is at most 128 deep (the AST parser's own limit is 512) and the parse
//! cannot fail; if it somehow did, positions are simply unknown.

use std::collections::HashMap;

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

use super::escape_token;

/// Duplicate keys, and the start offset of the value at every pointer.
#[derive(Debug, Default)]
pub(super) struct Spans {
    duplicates: Vec<Duplicate>,
    index: HashMap<String, usize>,
}

/// A duplicate key, by byte offsets.
#[derive(Debug, Clone)]
pub(super) struct Duplicate {
    /// Pointer of the object holding the key.
    pub object: String,
    /// The key.
    pub key: String,
    /// Offset of the repeated occurrence's name.
    pub offset: usize,
    /// Offset of the first occurrence's name.
    pub first_offset: usize,
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn parse(text: &str) -> Result<Option<Ast<'_>>, String> {
    parse_to_ast(text, &CollectOptions::default(), &strict())
        .map(|r| r.value)
        .map_err(|e| e.to_string())
}

fn prop_name<'a>(name: &'a ObjectPropName<'_>) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

fn prop_start(name: &ObjectPropName<'_>) -> usize {
    match name {
        ObjectPropName::String(s) => s.range.start,
        ObjectPropName::Word(w) => w.range.start,
    }
}

fn start(value: &Ast<'_>) -> usize {
    match value {
        Ast::StringLit(v) => v.range.start,
        Ast::NumberLit(v) => v.range.start,
        Ast::BooleanLit(v) => v.range.start,
        Ast::Object(v) => v.range.start,
        Ast::Array(v) => v.range.start,
        Ast::NullKeyword(v) => v.range.start,
    }
}

impl Spans {
    /// Parses `text` (already valid JSON): duplicate keys and the pointer index.
    pub(super) fn parse(text: &str) -> Spans {
        let mut out = Spans::default();
        let Ok(Some(root)) = parse(text) else {
            return out;
        };
        let mut stack = vec![(String::new(), &root)];
        while let Some((pointer, value)) = stack.pop() {
            match value {
                Ast::Object(object) => {
                    let mut seen: HashMap<&str, usize> = HashMap::new();
                    for prop in &object.properties {
                        let name = prop_name(&prop.name);
                        let at = prop_start(&prop.name);
                        if let Some(&first) = seen.get(name) {
                            out.duplicates.push(Duplicate {
                                object: pointer.clone(),
                                key: name.to_string(),
                                offset: at,
                                first_offset: first,
                            });
                        } else {
                            seen.insert(name, at);
                        }
                        stack.push((format!("{pointer}/{}", escape_token(name)), &prop.value));
                    }
                }
                Ast::Array(array) => {
                    for (i, element) in array.elements.iter().enumerate() {
                        stack.push((format!("{pointer}/{i}"), element));
                    }
                }
                _ => {}
            }
            // A duplicated key maps to its last occurrence, the one serde_json keeps.
            let offset = start(value);
            out.index
                .entry(pointer)
                .and_modify(|o| *o = (*o).max(offset))
                .or_insert(offset);
        }
        out.duplicates.sort_by_key(|d| d.offset);
        out
    }

    /// Duplicate keys, in document order.
    pub(super) fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    /// The start offset of the value at `pointer`.
    pub(super) fn offset_of(&self, pointer: &str) -> Option<usize> {
        self.index.get(pointer).copied()
    }
}
