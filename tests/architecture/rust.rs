//! A small reader of Rust sources, enough to find the paths a module names: on the
//! tokens of [`super::lex`] (no comments, strings or characters, so doc comments and
//! messages never count), the module tree followed from a crate root as the compiler does (`mod x;`,
//! `#[path]`, inline `mod x { }`), items under `#[cfg(test)]` skipped, and every
//! `use` tree, `crate::`/`$crate::` path, `super::` chain and path into a workspace
//! crate resolved to the top-level module or crate it names.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::lex::{lex, Tok, Token};

/// A path a module names, as written (`crate::bundle::metadata`), where it is
/// written, and the module it is written in (`["bundle", "layout", "foreign"]`).
#[derive(Debug, Clone)]
pub struct Named {
    pub segments: Vec<String>,
    pub module: Vec<String>,
    pub file: PathBuf,
    pub line: usize,
    /// Written in a `use` (a relative first segment names a local item, or an
    /// external crate) or in code (only `crate::`, `super::` and workspace crates
    /// are read there).
    pub in_use: bool,
    /// The name a `use` brings in under `as`.
    pub alias: Option<String>,
}

impl Named {
    pub fn shown(&self) -> String {
        self.segments.join("::")
    }
}

/// A crate read from its root: its top-level modules (name → first file) and every
/// path named in them, and the names its root file brings in with `use` (name →
/// the path it stands for, for `crate::Error` and the like).
#[derive(Debug, Default)]
pub struct CrateSource {
    pub modules: BTreeMap<String, PathBuf>,
    pub named: Vec<Named>,
    pub root_uses: BTreeMap<String, Vec<String>>,
}

/// Reads the crate whose root is `root` (`src/lib.rs`, `src/main.rs`).
pub fn read_crate(root: &Path) -> Result<CrateSource, String> {
    let mut krate = CrateSource::default();
    scan_file(
        root,
        &[],
        root.parent().unwrap_or(Path::new(".")),
        &mut krate,
    )?;
    // Paths written in the root file itself (and its inline modules, such as
    // `internals`) are the crate's face, not a room's imports.
    let mut root_named = Vec::new();
    let modules = &krate.modules;
    krate.named.retain(|n| {
        if n.module.first().is_some_and(|m| modules.contains_key(m)) {
            true
        } else {
            root_named.push(n.clone());
            false
        }
    });
    for n in root_named
        .into_iter()
        .filter(|n| n.in_use && n.module.is_empty())
    {
        if let Some(name) = n.alias.as_ref().or(n.segments.last()) {
            krate.root_uses.insert(name.clone(), n.segments.clone());
        }
    }
    Ok(krate)
}

/// A test file by its name: the `*_tests.rs` and `tests.rs` beside a module.
pub fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// Scans one file of module `module`; its `mod x;` children live in `children`.
fn scan_file(
    file: &Path,
    module: &[String],
    children: &Path,
    krate: &mut CrateSource,
) -> Result<(), String> {
    let src = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let toks = lex(&src).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut scan = Scan {
        toks: &toks,
        file,
        krate,
        frames: Vec::new(),
    };
    scan.frames.push(Frame {
        module: module.to_vec(),
        children: children.to_path_buf(),
        depth: 0,
    });
    scan.run()
}

struct Frame {
    module: Vec<String>,
    children: PathBuf,
    /// The brace depth inside this (inline) module's `{`.
    depth: usize,
}

struct Scan<'a> {
    toks: &'a [Token],
    file: &'a Path,
    krate: &'a mut CrateSource,
    frames: Vec<Frame>,
}

impl Scan<'_> {
    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn is(&self, i: usize, punct: &str) -> bool {
        self.tok(i).is_some_and(|t| t.is(punct))
    }

    fn ident(&self, i: usize) -> Option<&str> {
        self.tok(i).and_then(Token::ident)
    }

    fn err(&self, i: usize, what: &str) -> String {
        let line = self.tok(i).or(self.toks.last()).map_or(0, |t| t.line);
        format!("{}:{line}: {what}", self.file.display())
    }

    fn frame(&self) -> &Frame {
        &self.frames[self.frames.len() - 1]
    }

    fn run(&mut self) -> Result<(), String> {
        let mut i = 0;
        let mut depth = 0usize;
        let (mut test_only, mut path_attr) = (false, None::<String>);
        while i < self.toks.len() {
            if self.is(i, "#") {
                let inner = self.is(i + 1, "!");
                let open = if inner { i + 2 } else { i + 1 };
                let close = self.group_end(open)?;
                let body = &self.toks[open + 1..close - 1];
                let words: Vec<&Tok> = body.iter().map(|t| &t.tok).collect();
                if is_cfg_test(&words) {
                    if inner {
                        // `#![cfg(test)]`: the whole file (or inline module) is tests.
                        return Ok(());
                    }
                    test_only = true;
                }
                if let [Tok::Ident(p), Tok::Punct(eq), Tok::Str(value)] = words.as_slice() {
                    if p == "path" && eq == "=" {
                        path_attr = Some(value.clone());
                    }
                }
                i = close;
                continue;
            }
            if test_only {
                i = self.skip_item(i)?;
                test_only = false;
                path_attr = None;
                continue;
            }
            let Some(t) = self.tok(i) else { break };
            match &t.tok {
                Tok::Ident(w) if w == "mod" && self.ident(i + 1).is_some() => {
                    let name = self.ident(i + 1).unwrap_or_default().to_string();
                    if self.is(i + 2, ";") {
                        self.child_file(&name, path_attr.take(), i)?;
                        i += 3;
                    } else if self.is(i + 2, "{") {
                        depth += 1;
                        let mut module = self.frame().module.clone();
                        module.push(name.clone());
                        let children = self.frame().children.join(&name);
                        self.frames.push(Frame {
                            module,
                            children,
                            depth,
                        });
                        i += 3;
                    } else {
                        i += 2;
                    }
                    path_attr = None;
                }
                Tok::Ident(w) if w == "use" && !self.is(i + 1, "<") => {
                    i = self.use_tree_statement(i + 1)?;
                    path_attr = None;
                }
                Tok::Ident(w) if w == "crate" && self.is(i + 1, "::") => {
                    i = self.code_path(i);
                }
                Tok::Ident(w)
                    if w == "super"
                        && self.is(i + 1, "::")
                        && !self.is(i.wrapping_sub(1), "::") =>
                {
                    i = self.code_path(i);
                }
                Tok::Punct(p) if p == "{" => {
                    depth += 1;
                    i += 1;
                }
                Tok::Punct(p) if p == "}" => {
                    if self.frames.len() > 1 && self.frame().depth == depth {
                        self.frames.pop();
                    }
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                Tok::Ident(_) => {
                    // A path into another crate of the workspace, in code.
                    if self.is(i + 1, "::")
                        && !self.is(i.wrapping_sub(1), "::")
                        && !self.is(i.wrapping_sub(1), ".")
                    {
                        i = self.code_path(i);
                    } else {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        Ok(())
    }

    /// The index after the bracket group opening at `open`.
    fn group_end(&self, open: usize) -> Result<usize, String> {
        let mut level = 0usize;
        let mut i = open;
        while let Some(t) = self.tok(i) {
            if t.is("(") || t.is("[") || t.is("{") {
                level += 1;
            } else if t.is(")") || t.is("]") || t.is("}") {
                level -= 1;
                if level == 0 {
                    return Ok(i + 1);
                }
            }
            i += 1;
        }
        Err(self.err(open, "unbalanced brackets"))
    }

    /// Skips the item (or statement) starting at `i`: up to its `;` or its closing
    /// brace, stopping before the closing bracket of what encloses it.
    fn skip_item(&self, mut i: usize) -> Result<usize, String> {
        let mut level = 0usize;
        while let Some(t) = self.tok(i) {
            if t.is("(") || t.is("[") || t.is("{") {
                level += 1;
            } else if t.is(")") || t.is("]") || t.is("}") {
                if level == 0 {
                    return Ok(i);
                }
                level -= 1;
                if level == 0 && t.is("}") {
                    return Ok(i + 1);
                }
            } else if t.is(";") && level == 0 {
                return Ok(i + 1);
            }
            i += 1;
        }
        Ok(i)
    }

    /// Follows `mod name;` to its file, as the compiler does.
    fn child_file(
        &mut self,
        name: &str,
        path_attr: Option<String>,
        i: usize,
    ) -> Result<(), String> {
        let frame = self.frame();
        let mut module = frame.module.clone();
        module.push(name.to_string());
        let dir = &frame.children;
        let file = match path_attr {
            Some(p) => self.file.parent().unwrap_or(Path::new(".")).join(p),
            None => {
                let flat = dir.join(format!("{name}.rs"));
                if flat.is_file() {
                    flat
                } else {
                    dir.join(name).join("mod.rs")
                }
            }
        };
        if is_test_file(&file) {
            return Ok(());
        }
        if !file.is_file() {
            return Err(self.err(
                i,
                &format!("no file for `mod {name};` ({})", file.display()),
            ));
        }
        let children = if file.file_name().is_some_and(|n| n == "mod.rs") {
            file.parent().unwrap_or(Path::new(".")).to_path_buf()
        } else {
            dir.join(name)
        };
        if module.len() == 1 {
            self.krate.modules.insert(name.to_string(), file.clone());
        }
        scan_file(&file, &module, &children, self.krate)
    }

    /// A path in code at `i`: `crate::x…`, `super::super::x…`, `other_crate::x…`.
    /// Records it and returns the index after it.
    fn code_path(&mut self, mut i: usize) -> usize {
        let line = self.toks[i].line;
        let mut segments = Vec::new();
        while let Some(word) = self.ident(i) {
            segments.push(word.to_string());
            if !self.is(i + 1, "::") {
                i += 1;
                break;
            }
            i += 2;
        }
        self.record(segments, line, false, None);
        i
    }

    fn record(&mut self, segments: Vec<String>, line: usize, in_use: bool, alias: Option<String>) {
        let module = self.frame().module.clone();
        let file = self.file.to_path_buf();
        self.krate.named.push(Named {
            segments,
            module,
            file,
            line,
            in_use,
            alias,
        });
    }

    /// `use …;` from the token after `use`; returns the index after the `;`.
    fn use_tree_statement(&mut self, i: usize) -> Result<usize, String> {
        let mut leaves = Vec::new();
        let end = self.use_tree(i, Vec::new(), &mut leaves)?;
        if !self.is(end, ";") {
            return Err(self.err(end, "expected `;` after a use tree"));
        }
        for (mut segments, line, alias) in leaves {
            if segments.last().is_some_and(|s| s == "self") {
                segments.pop();
            }
            self.record(segments, line, true, alias);
        }
        Ok(end + 1)
    }

    /// One use tree (`a::b::{c, d::e as f}`, `*`) under `prefix`; each leaf's line is
    /// the line of its first own segment.
    fn use_tree(
        &self,
        mut i: usize,
        prefix: Vec<String>,
        leaves: &mut Vec<(Vec<String>, usize, Option<String>)>,
    ) -> Result<usize, String> {
        let mut path = prefix;
        let mut line = None;
        if self.is(i, "::") {
            i += 1;
        }
        loop {
            let Some(t) = self.tok(i) else {
                return Err(self.err(i, "unterminated use tree"));
            };
            let here = *line.get_or_insert(t.line);
            match &t.tok {
                Tok::Punct(p) if p == "$" => i += 1,
                Tok::Ident(word) => {
                    path.push(word.clone());
                    i += 1;
                    if self.is(i, "::") {
                        i += 1;
                        continue;
                    }
                    let mut alias = None;
                    if self.ident(i) == Some("as") {
                        alias = self.ident(i + 1).map(str::to_string);
                        i += 2;
                    }
                    leaves.push((path, here, alias));
                    return Ok(i);
                }
                Tok::Punct(p) if p == "*" => {
                    path.push("*".into());
                    leaves.push((path, here, None));
                    return Ok(i + 1);
                }
                Tok::Punct(p) if p == "{" => {
                    i += 1;
                    while !self.is(i, "}") {
                        i = self.use_tree(i, path.clone(), leaves)?;
                        if self.is(i, ",") {
                            i += 1;
                        } else if !self.is(i, "}") {
                            return Err(self.err(i, "expected `,` or `}` in a use group"));
                        }
                    }
                    return Ok(i + 1);
                }
                _ => return Err(self.err(i, "unexpected token in a use tree")),
            }
        }
    }
}

/// `cfg(test)` exactly; `cfg(any(test, …))` and the like count as production code.
fn is_cfg_test(words: &[&Tok]) -> bool {
    matches!(words, [Tok::Ident(c), Tok::Punct(o), Tok::Ident(t), Tok::Punct(e)]
        if c == "cfg" && o == "(" && t == "test" && e == ")")
}
