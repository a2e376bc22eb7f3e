//! The reader of Rust sources and of the table, on small made-up inputs.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::{crate_edges, lex, table, Edge};

fn idents(src: &str) -> Vec<String> {
    lex::lex(src)
        .unwrap()
        .into_iter()
        .filter_map(|t| match t.tok {
            lex::Tok::Ident(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[test]
fn comments_strings_and_characters_name_no_path() {
    let src = r####"
//! Reads `crate::a`.
/// See [`crate::b`].
/* a /* nested */ crate::c */
fn f<'a>(x: &'a str) -> char {
    let _ = "crate::d \" crate::e";
    let _ = r#"crate::f "quoted" "#;
    let _ = br##"crate::g"##;
    let _ = b"crate::h";
    let _ = ('"', '\'', b'x', '\u{1F600}');
    'label: loop { break 'label; }
    r#type
}
"####;
    let words = idents(src);
    assert!(!words.iter().any(|w| w == "crate"), "{words:?}");
    assert_eq!(
        words.iter().filter(|w| *w == "type").count(),
        1,
        "{words:?}"
    );
    assert!(words.contains(&"loop".to_string()), "{words:?}");
    let toks = lex::lex("a\n/* x\ny */ b \"1\n2\" c").unwrap();
    let lines: Vec<usize> = toks.iter().map(|t| t.line).collect();
    assert_eq!(lines, [1, 3, 3, 4]);
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

fn edges_of(files: &[(&str, &str)]) -> (Vec<Edge>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let externs = BTreeMap::from([("ext_crate".to_string(), "ext-crate".to_string())]);
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    crate_edges(
        &dir.path().join("lib.rs"),
        &externs,
        &mut out,
        &mut problems,
    );
    (out, problems)
}

fn shown(edges: &[Edge]) -> Vec<String> {
    let mut v: Vec<String> = edges
        .iter()
        .map(|e| {
            let file = e.file.file_name().unwrap().to_string_lossy();
            format!("{}->{} {file}:{} {}", e.from, e.to, e.line, e.path)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_kind_of_path_is_found_and_tests_are_not() {
    let lib = "mod a;\nmod b;\nmod c;\nmod d;\npub use b::Thing;\npub use c::{X as Renamed};\n\
               pub mod face { pub use crate::d::Face; }\n";
    let a = r#"//! crate::d in a doc comment.
use crate::{b::Y, c};
use std::io;
use inner::Z;
fn f() -> crate::Thing { let _ = "crate::d"; ext_crate::read(crate::Renamed) }
macro_rules! m { () => { $crate::c::X } }
mod inner {
    pub struct Z;
    fn h() { super::super::c::x(); super::f(); }
}
mod child;
mod child_tests;
#[cfg(test)]
mod tests { use crate::d; }
#[cfg(test)]
fn g() -> Vec<[u8; 2]> { crate::d::x() }
#[cfg(test)]
use crate::d::Y;
pub(crate) fn after() -> impl Sized + use<> { std::mem::drop(crate::b::Y); }
"#;
    let (edges, problems) = edges_of(&[
        ("lib.rs", lib),
        ("a.rs", a),
        ("a/child.rs", "use super::super::b::{self, W as V};\n"),
        ("a/child_tests.rs", "use crate::d;\n"),
        ("b.rs", "pub struct Thing; pub struct Y;\n"),
        ("c.rs", "#![cfg(test)]\nuse crate::d;\n"),
        ("d/mod.rs", "mod e;\n"),
        ("d/e.rs", "use super::super::c::X;\n"),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        shown(&edges),
        [
            "a->b a.rs:19 crate::b::Y",
            "a->b a.rs:2 crate::b::Y",
            "a->b a.rs:5 crate::Thing",
            "a->b child.rs:1 super::super::b",
            "a->b child.rs:1 super::super::b::W",
            "a->c a.rs:2 crate::c",
            "a->c a.rs:5 crate::Renamed",
            "a->c a.rs:6 crate::c::X",
            "a->c a.rs:9 super::super::c::x",
            "a->ext-crate a.rs:5 ext_crate::read",
            "d->c e.rs:1 super::super::c::X",
        ]
    );
}

#[test]
fn a_path_the_reader_cannot_place_is_a_problem() {
    let (_, problems) = edges_of(&[
        ("lib.rs", "mod a;\npub use a::*;\n"),
        ("a.rs", "fn f() { crate::Unknown::new(); }\n"),
    ]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("a.rs:1 `crate::Unknown::new`"),
        "{problems:?}"
    );
}

#[test]
fn table_cells_are_names_or_a_dash() {
    assert_eq!(
        table::names(" `a`, `b` (why, with `c`) ").unwrap(),
        ["a", "b"]
    );
    assert!(table::names(" — ").unwrap().is_empty());
    assert!(table::names("`a` — never `b`").is_err());
    assert!(table::names("everything it shows").is_err());
    assert!(table::names("`a`, ").is_err());
    let doc = "# X\n\n## Rooms\n\n| folder | what | imports |\n|---|---|---|\n\
               | `a/` | the a \\| b | `b` |\n| `b.rs`, `c.rs` (binary) | b | — |\n\n\
               **Foundation**: `b.rs`,\n`c.rs` (leaves).\n";
    let rows = table::rooms(doc).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].line, &rows[0].rooms[..], &rows[0].imports[..]),
        (7, &["a/".to_string()][..], &["b".to_string()][..])
    );
    assert_eq!(rows[1].rooms, ["b.rs", "c.rs"]);
    assert_eq!(
        table::foundation(doc).unwrap(),
        (10, vec!["b.rs".to_string(), "c.rs".to_string()])
    );
    let bad = doc.replace("| `b` |", "| `b` | extra |");
    assert!(table::rooms(&bad).unwrap_err().contains("line 7"));
}
