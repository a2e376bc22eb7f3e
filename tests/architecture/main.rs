//! docs/ARCHITECTURE.md's "Rooms" table against the code: each room's `imports`
//! column is exactly what its files import (outside `#[cfg(test)]` items and the
//! `*_tests.rs` / `tests.rs` files), no two top-level modules import each other
//! through any chain (but the known cycles of [`KNOWN_CYCLE_EDGES`], to be removed),
//! and the crates under `crates/` depend on nothing of `osbundle`.
//!
//! A room is a top-level module of `src/lib.rs` or `src/main.rs` (`cli`), or a crate
//! under `crates/`; an import is a path that reaches another room: `use crate::x`,
//! `crate::x::…` and `$crate::x::…` in code and macros, `super::` chains that climb
//! out of the module, names the crate root re-exports (`crate::Error`), and paths
//! into a workspace crate (`osbundle_formats::…`); for a crate under `crates/`, its
//! dependencies on other crates of the workspace (its `Cargo.toml`).

mod face;
mod lex;
mod package;
mod reader_tests;
mod rust;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use rust::{CrateSource, Named};

/// Edges that close a cycle between top-level modules today, each `(from, to)`.
/// To be removed: each entry goes when its cycle is broken (the test then says so).
/// Never add one: move what both sides need into a leaf module instead.
const KNOWN_CYCLE_EDGES: &[(&str, &str)] = &[];

const DOC: &str = "docs/ARCHITECTURE.md";

/// One import of one room: `from` reaches `to` at `file:line` through `path`.
#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
    path: String,
}

impl Edge {
    fn site(&self) -> String {
        format!("{}:{} `{}`", self.file.display(), self.line, self.path)
    }
}

/// A crate of the workspace under `crates/`.
struct Member {
    /// `crates/formats`.
    dir: PathBuf,
    /// `osbundle-formats`.
    package: String,
    /// `osbundle_formats`: how code names it.
    lib: String,
    manifest: toml::Table,
}

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(root()).unwrap_or(path).to_path_buf()
}

fn manifest(path: &Path) -> toml::Table {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn root_package() -> String {
    let table = manifest(&root().join("Cargo.toml"));
    table["package"]["name"]
        .as_str()
        .unwrap_or("osbundle")
        .to_string()
}

/// Every crate under `crates/` (each directory with a `Cargo.toml`), sorted.
pub(crate) fn members() -> Vec<Member> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("crates"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter()
        .filter(|d| d.join("Cargo.toml").is_file())
        .map(|dir| {
            let manifest = manifest(&dir.join("Cargo.toml"));
            let package = manifest["package"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let lib = manifest
                .get("lib")
                .and_then(|l| l.get("name"))
                .and_then(|n| n.as_str())
                .map_or_else(|| package.replace('-', "_"), str::to_string);
            Member {
                dir: relative(&dir),
                package,
                lib,
                manifest,
            }
        })
        .collect()
}

/// Every dependency of a manifest (normal, dev, build, per target), as
/// `(package name, the key it is written under)`.
fn dependencies(manifest: &toml::Table) -> Vec<(String, String)> {
    let mut tables = vec![manifest];
    if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
        tables.extend(targets.values().filter_map(|t| t.as_table()));
    }
    let mut out = Vec::new();
    for table in tables {
        for kind in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = table.get(kind).and_then(|d| d.as_table()) else {
                continue;
            };
            for (key, spec) in deps {
                let package = spec.get("package").and_then(|p| p.as_str()).unwrap_or(key);
                out.push((package.to_string(), key.clone()));
            }
        }
    }
    out
}

/// The first line of `file` that starts with `key` (a dependency's line).
fn line_of(file: &Path, key: &str) -> usize {
    let text = fs::read_to_string(root().join(file)).unwrap_or_default();
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1)
}

/// Where a path in `krate` leads: a room (top-level module or crate), or nowhere
/// that counts (its own module, `std`, an external crate).
fn resolve(
    named: &Named,
    krate: &CrateSource,
    externs: &BTreeMap<String, String>,
) -> Result<Option<String>, String> {
    let at = || {
        format!(
            "{}:{} `{}`",
            relative(&named.file).display(),
            named.line,
            named.shown()
        )
    };
    let segs = &named.segments;
    let Some(first) = segs.first() else {
        return Ok(None);
    };
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => named.module.clone(),
        word => {
            if let Some(target) = externs.get(word) {
                return Ok(Some(target.clone()));
            }
            // A relative `use` names an item of its own module (or an external crate);
            // other paths in code are read only from `crate`, `self` or `super`.
            return Ok(None);
        }
    };
    let mut rest = &segs[1..];
    if first == "super" {
        base.pop();
    }
    while rest.first().is_some_and(|s| s == "super") {
        if base.pop().is_none() {
            return Err(format!("{}: `super` above the crate root", at()));
        }
        rest = &rest[1..];
    }
    if let Some(top) = base.first() {
        return Ok(Some(top.clone()));
    }
    let Some(name) = rest.first() else {
        return Ok(None);
    };
    if krate.modules.contains_key(name) {
        return Ok(Some(name.clone()));
    }
    // A name the crate root brings in: `crate::Error` is `error::Error`.
    if let Some(path) = krate.root_uses.get(name) {
        let head = path.first().map(String::as_str);
        let head = if head == Some("crate") {
            path.get(1).map(String::as_str)
        } else {
            head
        };
        return Ok(match head {
            Some(m) if krate.modules.contains_key(m) => Some(m.to_string()),
            Some(c) => externs.get(c).cloned(),
            None => None,
        });
    }
    Err(format!(
        "{}: `{name}` is neither a top-level module nor a name `use`d in the crate root \
         (a glob, or an item of the root itself?): teach tests/architecture/main.rs",
        at()
    ))
}

/// The imports of the top-level modules of the crate whose root is `file`.
fn crate_edges(
    file: &Path,
    externs: &BTreeMap<String, String>,
    out: &mut Vec<Edge>,
    problems: &mut Vec<String>,
) {
    let krate = rust::read_crate(file).unwrap_or_else(|e| panic!("{e}"));
    for named in &krate.named {
        let from = &named.module[0];
        match resolve(named, &krate, externs) {
            Ok(Some(to)) if &to != from => out.push(Edge {
                from: from.clone(),
                to,
                file: relative(&named.file),
                line: named.line,
                path: named.shown(),
            }),
            Ok(_) => {}
            Err(e) => problems.push(e),
        }
    }
}

/// The imports of every room, in the order found.
fn edges() -> Vec<Edge> {
    let root = root();
    let package = root_package();
    let members = members();
    let mut externs: BTreeMap<String, String> = members
        .iter()
        .map(|m| (m.lib.clone(), m.package.clone()))
        .collect();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (file, binary) in [("src/lib.rs", false), ("src/main.rs", true)] {
        if binary {
            // The binary reaches the library through its public face only.
            externs.insert(package.replace('-', "_"), package.clone());
        }
        crate_edges(&root.join(file), &externs, &mut out, &mut problems);
    }
    for member in &members {
        let file = member.dir.join("Cargo.toml");
        for (dep, key) in dependencies(&member.manifest) {
            if dep == package || members.iter().any(|m| m.package == dep) {
                out.push(Edge {
                    from: member.package.clone(),
                    line: line_of(&file, &key),
                    file: file.clone(),
                    to: dep,
                    path: key,
                });
            }
        }
    }
    assert!(
        problems.is_empty(),
        "paths the test cannot place:\n{}",
        problems.join("\n")
    );
    out
}

/// The room a folder cell names (`json/`, `names.rs`, `crates/formats/`).
fn room(name: &str, modules: &BTreeSet<String>, members: &[Member]) -> Option<String> {
    let root = root();
    if let Some(dir) = name.strip_prefix("crates/") {
        let dir = Path::new("crates").join(dir.trim_end_matches('/'));
        return members
            .iter()
            .find(|m| m.dir == dir)
            .map(|m| m.package.clone());
    }
    let (module, exists) = match (name.strip_suffix('/'), name.strip_suffix(".rs")) {
        (Some(m), _) => (m, root.join("src").join(m).is_dir()),
        (_, Some(m)) => (m, root.join("src").join(name).is_file()),
        _ => return None,
    };
    (exists && modules.contains(module)).then(|| module.to_string())
}

#[test]
fn rooms_table_lists_every_import_of_every_room() {
    let doc = fs::read_to_string(root().join(DOC)).expect("docs/ARCHITECTURE.md");
    let rows = table::rooms(&doc).unwrap_or_else(|e| panic!("{DOC}: {e}"));
    let members = members();
    let package = root_package();
    let edges = edges();
    let mut modules = BTreeSet::new();
    for file in ["src/lib.rs", "src/main.rs"] {
        let krate = rust::read_crate(&root().join(file)).unwrap_or_else(|e| panic!("{e}"));
        modules.extend(krate.modules.into_keys());
    }
    let mut rooms: BTreeSet<String> = modules.clone();
    rooms.extend(members.iter().map(|m| m.package.clone()));
    let mut known_imports = rooms.clone();
    known_imports.insert(package.clone());

    let mut problems = Vec::new();
    let (foundation_line, foundation_names) =
        table::foundation(&doc).unwrap_or_else(|e| panic!("{DOC}: {e}"));
    let mut foundation = BTreeSet::new();
    for name in &foundation_names {
        match room(name, &modules, &members) {
            Some(r) => {
                foundation.insert(r);
            }
            None => problems.push(format!(
                "{DOC}:{foundation_line}: the foundation names `{name}`, which is no room \
                 (written `name/` or `name.rs`)"
            )),
        }
    }
    let mut row_of: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        for name in &row.rooms {
            match room(name, &modules, &members) {
                Some(r) => {
                    if let Some(other) = row_of.insert(r.clone(), row.line) {
                        problems.push(format!(
                            "{DOC}:{}: `{name}` has a row already ({DOC}:{other}): one row each",
                            row.line
                        ));
                    }
                }
                None => problems.push(format!(
                    "{DOC}:{}: `{name}` is no top-level module of src/lib.rs or src/main.rs \
                     (written `name/` for a folder, `name.rs` for a file) and no crate under \
                     crates/ (`crates/name/`): fix or remove the row",
                    row.line
                )),
            }
        }
        for import in &row.imports {
            if !known_imports.contains(import) {
                problems.push(format!(
                    "{DOC}:{}: the imports of `{}` name `{import}`, which is no room: a \
                     top-level module, a crate's package name, or `{package}`",
                    row.line,
                    row.rooms.join(", ")
                ));
            }
        }
    }
    for r in &rooms {
        if !row_of.contains_key(r) {
            problems.push(format!(
                "{DOC}: `{r}` has no row in the Rooms table: add one (what lives there, \
                 and its imports)"
            ));
        }
    }
    for row in &rows {
        let listed: BTreeSet<&String> = row.imports.iter().collect();
        let shared = row.rooms.len() > 1;
        let or_split = if shared {
            ", or give it a row of its own"
        } else {
            ""
        };
        for name in &row.rooms {
            let Some(r) = room(name, &modules, &members) else {
                continue;
            };
            let basic = foundation.contains(&r);
            let mine: Vec<&Edge> = edges
                .iter()
                .filter(|e| e.from == r && (basic || !foundation.contains(&e.to)))
                .collect();
            let found: BTreeSet<&String> = mine.iter().map(|e| &e.to).collect();
            for to in found.iter().filter(|t| basic && !foundation.contains(**t)) {
                let site = mine
                    .iter()
                    .find(|e| &&e.to == to)
                    .map(|e| e.site())
                    .unwrap_or_default();
                problems.push(format!(
                    "`{r}` is in the foundation ({DOC}:{foundation_line}) but imports `{to}` \
                     ({site}): the foundation imports only the foundation. Remove the import, \
                     or take `{r}` out of the foundation and list it in the rows of the rooms \
                     that import it"
                ));
            }
            for to in listed.iter().filter(|t| !basic && foundation.contains(**t)) {
                problems.push(format!(
                    "{DOC}:{}: the row of `{name}` lists `{to}`, which is in the foundation \
                     (any room imports it unlisted): remove `{to}` from the row",
                    row.line
                ));
            }
            for to in found.difference(&listed) {
                let sites: Vec<String> = mine
                    .iter()
                    .filter(|e| &&e.to == to)
                    .map(|e| format!("  {}", e.site()))
                    .collect();
                problems.push(format!(
                    "`{r}` imports `{to}`, which its row ({DOC}:{}) does not list: add `{to}` \
                     to that row's imports{or_split}, or remove the import:\n{}",
                    row.line,
                    sites.join("\n")
                ));
            }
            for to in listed
                .difference(&found)
                .filter(|t| basic || !foundation.contains(**t))
            {
                problems.push(format!(
                    "{DOC}:{}: the row of `{name}` lists `{to}`, but no file of `{r}` imports \
                     it (outside tests): remove `{to}` from the row{or_split}",
                    row.line
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the Rooms table of {DOC} is not the code's:\n\n{}\n",
        problems.join("\n\n")
    );
}

/// A path from `from` to `to` in `graph`, as its edges.
fn path_between<'a>(
    graph: &BTreeMap<&'a str, Vec<&'a Edge>>,
    from: &str,
    to: &str,
) -> Option<Vec<&'a Edge>> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(&str, Vec<&Edge>)> = vec![(from, Vec::new())];
    while let Some((node, trail)) = stack.pop() {
        if !seen.insert(node.to_string()) {
            continue;
        }
        for edge in graph.get(node).into_iter().flatten() {
            let mut next = trail.clone();
            next.push(*edge);
            if edge.to == to {
                return Some(next);
            }
            stack.push((edge.to.as_str(), next));
        }
    }
    None
}

#[test]
fn rooms_import_each_other_in_no_cycle() {
    let edges = edges();
    // One edge per (from, to), its first site.
    let mut firsts: BTreeMap<(&str, &str), &Edge> = BTreeMap::new();
    for e in &edges {
        firsts.entry((e.from.as_str(), e.to.as_str())).or_insert(e);
    }
    let graph = |skip_known: bool| {
        let mut g: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
        for (&(from, to), e) in &firsts {
            if !(skip_known && KNOWN_CYCLE_EDGES.contains(&(from, to))) {
                g.entry(from).or_default().push(e);
            }
        }
        g
    };
    let (all, rest) = (graph(false), graph(true));
    let mut problems = Vec::new();
    let mut reported = BTreeSet::new();
    for (&(from, to), edge) in &firsts {
        if KNOWN_CYCLE_EDGES.contains(&(from, to)) {
            continue;
        }
        if let Some(back) = path_between(&rest, to, from) {
            let mut cycle: Vec<&Edge> = vec![edge];
            cycle.extend(back);
            let mut names: Vec<&str> = cycle.iter().map(|e| e.from.as_str()).collect();
            names.sort_unstable();
            if !reported.insert(names) {
                continue;
            }
            let shown: Vec<&str> = cycle
                .iter()
                .map(|e| e.from.as_str())
                .chain([from])
                .collect();
            let sites: Vec<String> = cycle
                .iter()
                .map(|e| format!("  {} → {}: {}", e.from, e.to, e.site()))
                .collect();
            problems.push(format!(
                "a cycle: {}\n{}\nbreak it: move what both sides need into a leaf module (or \
                 pass it in as a value), then fix their rows in {DOC}",
                shown.join(" → "),
                sites.join("\n")
            ));
        }
    }
    for &(from, to) in KNOWN_CYCLE_EDGES {
        match firsts.get(&(from, to)) {
            None => problems.push(format!(
                "KNOWN_CYCLE_EDGES lists `{from}` → `{to}`, which the code no longer has: \
                 remove it from the list in tests/architecture/main.rs"
            )),
            Some(e) if path_between(&all, to, from).is_none() => problems.push(format!(
                "KNOWN_CYCLE_EDGES lists `{from}` → `{to}` ({}), which closes no cycle any \
                 more: remove it from the list in tests/architecture/main.rs",
                e.site()
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

#[test]
fn crates_depend_on_nothing_of_osbundle() {
    let package = root_package();
    let members = members();
    assert!(!members.is_empty(), "no crate under crates/");
    let mut problems = Vec::new();
    for member in &members {
        let file = member.dir.join("Cargo.toml");
        for (dep, key) in dependencies(&member.manifest) {
            if dep == package {
                problems.push(format!(
                    "{}:{}: `{}` depends on `{package}`: a crate under crates/ depends on \
                     nothing of {package} (formats, not policy)",
                    file.display(),
                    line_of(&file, &key),
                    member.package
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
