//! What each published crate holds (`cargo package --list`, offline, no build): its
//! README and both licence texts, every file its sources `include_str!` or
//! `include_bytes!`, and none of the repository's tooling. The root crate and every
//! crate under `crates/`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use super::{lex, members, root, root_package};

/// Folders of the repository that no published crate holds.
const NEVER: &[&str] = &[
    "fuzz/", ".ci/", ".github/", "scripts/", "benches/", "tests/", "target/",
];

/// The files `cargo package --list -p package` would pack, relative to the crate.
fn listed(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args([
            "package",
            "--list",
            "--offline",
            "--allow-dirty",
            "--locked",
            "-p",
            package,
        ])
        .output()
        .expect("cargo package --list");
    assert!(
        out.status.success(),
        "cargo package --list -p {package}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// `a/b/../c` → `a/c`.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The paths `include_str!("…")` and `include_bytes!("…")` name in `src`.
fn includes(src: &str) -> Vec<String> {
    let toks = lex::lex(src).unwrap_or_default();
    let mut out = Vec::new();
    for w in toks.windows(4) {
        let is_include =
            matches!(&w[0].tok, lex::Tok::Ident(i) if i == "include_str" || i == "include_bytes");
        let shape = matches!((&w[1].tok, &w[2].tok), (lex::Tok::Punct(b), lex::Tok::Punct(p)) if b == "!" && p == "(");
        if let (true, true, lex::Tok::Str(path)) = (is_include, shape, &w[3].tok) {
            out.push(path.clone());
        }
    }
    out
}

#[test]
fn published_crates_hold_readme_licences_and_what_they_include() {
    let mut crates = vec![(root_package(), PathBuf::new())];
    crates.extend(members().into_iter().map(|m| (m.package, m.dir)));
    let mut problems = Vec::new();
    for (package, dir) in crates {
        let files = listed(&package);
        let set: BTreeSet<&str> = files.iter().map(String::as_str).collect();
        for needed in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.toml"] {
            if !set.contains(needed) {
                problems.push(format!(
                    "`{package}` ({}) packs no {needed}: add it (a crate under crates/ links \
                     the root's licences), and `readme` to its Cargo.toml",
                    dir.join("Cargo.toml").display()
                ));
            }
        }
        for file in &files {
            if let Some(never) = NEVER.iter().find(|n| file.starts_with(**n)) {
                problems.push(format!(
                    "`{package}` packs {file}: the repository's {never} stays out of the crate \
                     (`include` or `exclude` in {})",
                    dir.join("Cargo.toml").display()
                ));
            }
            if !file.ends_with(".rs") {
                continue;
            }
            let text = std::fs::read_to_string(root().join(&dir).join(file)).unwrap_or_default();
            for inc in includes(&text) {
                let wanted = normal(&Path::new(file).parent().unwrap_or(Path::new("")).join(&inc));
                if !set.contains(wanted.to_string_lossy().as_ref()) {
                    problems.push(format!(
                        "`{package}`: {file} includes {inc:?}, which the crate does not pack: \
                         add {} to `include` in {}",
                        wanted.display(),
                        dir.join("Cargo.toml").display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
