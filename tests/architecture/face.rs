//! The library's face is its modules: every public re-export (`pub use`) of the
//! library names each item under its own name. A renamed re-export (`pub use
//! check::run as check`) makes a second name for one item, and two of them make the
//! clashes (`Status as ReplyStatus`) this rule exists to prevent: the module path
//! tells items apart (`sign::Status`, `api::reply::Status`), or the item itself gets
//! a name that stands alone. Restricted re-exports (`pub(crate) use … as …`) and
//! plain imports may rename: they are no part of the face.

use std::fs;
use std::path::{Path, PathBuf};

use crate::lex::{lex, Token};
use crate::root;

/// Each `pub use` of `tokens` that renames, as `(line, the renamed name)`.
pub(crate) fn renamed_reexports(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let public = tokens[i].ident() == Some("pub")
            && tokens.get(i + 1).and_then(Token::ident) == Some("use");
        if !public {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        while j < tokens.len() && !tokens[j].is(";") {
            if tokens[j].ident() == Some("as") {
                let name = tokens.get(j + 1).and_then(Token::ident).unwrap_or("?");
                out.push((tokens[j].line, name.to_string()));
            }
            j += 1;
        }
        i = j;
    }
    out
}

/// The library's source files: everything under `src/` but the binary
/// (`src/main.rs`, `src/cli/`).
fn library_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path != root().join("src/cli") {
                library_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && path != root().join("src/main.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn public_reexports_of_the_library_rename_nothing() {
    let mut files = Vec::new();
    library_files(&root().join("src"), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("src/lib.rs")),
        "no src/lib.rs"
    );
    let mut problems = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let tokens = lex(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (line, name) in renamed_reexports(&tokens) {
            problems.push(format!(
                "{}:{line}: `pub use … as {name}` renames a public item: re-export it under \
                 its own name (the module path tells it apart), or rename it where it is \
                 defined",
                file.strip_prefix(root()).unwrap_or(file).display()
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn a_renamed_public_reexport_is_found_and_others_are_not() {
    let src = "pub use a::{b as c, d};\npub(crate) use e as f;\nuse g as h;\n\
               pub use i::j;\n// pub use k as l;\npub use m::{self as n};\n\
               const S: &str = \"pub use o as p;\";\n";
    let tokens = lex(src).expect("lexes");
    let found = renamed_reexports(&tokens);
    assert_eq!(found, vec![(1, "c".to_string()), (6, "n".to_string())]);
}
