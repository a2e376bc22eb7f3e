//! What the listing of a profile directory leaves out besides hidden entries: what
//! `.gitignore` and `.ignore` files exclude (those in the profile and in every folder
//! above it, as folder walks read them; `.git/info/exclude` of a repository holding
//! it) and the `exclude` globs, relative to the profile directory. `check` and `build`
//! list profiles through the same [`Excludes`], so that what one judged the other packs
//! (as `cargo package` honours `.gitignore`).

use std::path::{Path, PathBuf};

use ignore::gitignore::Gitignore;
use ignore::overrides::{Override, OverrideBuilder};
use ignore::Match;

use crate::findings::{Finding, Rule};

/// What a profile's listing skips. The default honours ignore files and has no globs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excludes {
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude` (the user's global git
    /// excludes are never read, so that a listing is the same on every machine).
    pub ignore_files: bool,
    /// Globs in gitignore syntax (`*.bak`, `/scripts/old/`), relative to the profile
    /// directory.
    pub globs: Vec<String>,
}

impl Default for Excludes {
    fn default() -> Self {
        Excludes {
            ignore_files: true,
            globs: Vec::new(),
        }
    }
}

/// Checks that every glob of `globs` is valid gitignore syntax: where globs are
/// given (`--exclude`, `exclude` and `[[ignore]]` of `osbundle.toml`), before any
/// listing or walk uses them.
pub(crate) fn check_globs(globs: &[String]) -> Result<(), String> {
    let mut builder = OverrideBuilder::new(".");
    for glob in globs {
        builder
            .add(&format!("!{glob}"))
            .map_err(|e| format!("exclude glob \"{glob}\": {e}"))?;
    }
    Ok(())
}

/// The excludes of one profile directory, ready to match its entries.
#[derive(Clone)]
pub(super) struct Matcher {
    /// The profile directory, canonical where it can be.
    root: PathBuf,
    globs: Option<Override>,
    /// Ignore files, the deepest folder's first; within a folder `.ignore` before
    /// `.gitignore` before `.git/info/exclude` (the order of precedence).
    files: Vec<Gitignore>,
    ignore_files: bool,
}

impl Matcher {
    /// Reads the ignore files above and at `dir`; a malformed line is a warning
    /// (the rest of its file still applies).
    pub(super) fn new(dir: &Path, excludes: &Excludes, findings: &mut Vec<Finding>) -> Matcher {
        let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let globs = (!excludes.globs.is_empty())
            .then(|| {
                let mut builder = OverrideBuilder::new(&root);
                for glob in &excludes.globs {
                    // Globs were checked where they were given (`check_globs`).
                    let _ = builder.add(&format!("!{glob}"));
                }
                builder.build().ok()
            })
            .flatten();
        let mut matcher = Matcher {
            root: root.clone(),
            globs,
            files: Vec::new(),
            ignore_files: excludes.ignore_files,
        };
        if excludes.ignore_files {
            for folder in root.ancestors() {
                matcher.read_folder(folder, findings);
                if folder.join(".git").exists() {
                    matcher.read(&folder.join(".git/info/exclude"), folder, findings);
                }
            }
        }
        matcher
    }

    /// Adds the ignore files of `folder`, which lie below those read so far.
    fn read_folder(&mut self, folder: &Path, findings: &mut Vec<Finding>) {
        if !self.ignore_files {
            return;
        }
        for name in [".ignore", ".gitignore"] {
            self.read(&folder.join(name), folder, findings);
        }
    }

    fn read(&mut self, file: &Path, folder: &Path, findings: &mut Vec<Finding>) {
        if !file.is_file() {
            return;
        }
        let mut builder = ignore::gitignore::GitignoreBuilder::new(folder);
        if let Some(e) = builder.add(file) {
            findings.push(Finding::warning(
                Rule::FileUnreadable,
                crate::names::from_path(file),
                e.to_string(),
            ));
        }
        if let Ok(gitignore) = builder.build() {
            self.files.push(gitignore);
        }
    }

    /// The matcher for the entries of the folder `rel` (below the profile
    /// directory): its own ignore files come first, taking precedence over those above.
    pub(super) fn below(&self, rel: &Path, findings: &mut Vec<Finding>) -> Matcher {
        let mut inner = Matcher {
            files: Vec::new(),
            ..self.clone()
        };
        inner.read_folder(&self.root.join(rel), findings);
        inner.files.extend(self.files.iter().cloned());
        inner
    }

    /// Whether the entry at `rel` (below the profile directory) is excluded. Its
    /// folders were asked before it.
    pub(super) fn excluded(&self, rel: &Path, is_dir: bool) -> bool {
        let path = self.root.join(rel);
        if let Some(globs) = &self.globs {
            if globs.matched(&path, is_dir).is_ignore() {
                return true;
            }
        }
        for file in &self.files {
            match file.matched(&path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}
