//! Turning command-line paths into check targets, in a deterministic order.
//!
//! - a file inside a profile directory (an ancestor, as far as the given path names
//!   one, holds `profile.json`) stands for its whole profile, so that a pre-commit hook
//!   passing changed file names checks the profiles they belong to;
//! - any other file is a loose file;
//! - a folder with `profile.json` is a profile directory;
//! - any other folder is walked, sorted by name, skipping hidden entries (`.git`,
//!   `.gitkeep`, ...): its profile directories and loose files become targets, and a
//!   loose file in a folder named like a kind folder (`drivers/`, ...) takes that kind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
pub use crate::profile::{is_hidden, PROFILE_FILE};

/// One unit of checking.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A profile directory.
    Profile {
        /// The directory.
        dir: PathBuf,
    },
    /// A file checked on its own.
    Loose {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The kind its folder implies, if any.
        folder_kind: Option<Kind>,
    },
}

/// Targets, and findings for entries that could not be read during the walk.
#[derive(Debug, Default)]
pub struct Targets {
    /// Deduplicated targets, in the order of the command line and then of the walk.
    pub targets: Vec<Target>,
    /// `file-unreadable` findings.
    pub findings: Vec<Finding>,
}

/// Collects the targets of `paths`. A path that does not exist is an error (exit 2).
pub fn collect(paths: &[PathBuf]) -> Result<Targets> {
    for path in paths {
        if path.as_os_str() != "-" {
            std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
        }
    }
    let mut out = Targets::default();
    // `dir`, `./dir` and `dir/` are one target: profile directories are told apart
    // by their real path, loose files by their path without `.` components.
    let mut seen = BTreeSet::new();
    let mut push = |target: Target, out: &mut Targets| {
        let key = match &target {
            Target::Profile { dir } => (0, dir.canonicalize().unwrap_or_else(|_| lexical(dir))),
            Target::Loose { path, .. } => (1, lexical(path)),
        };
        if seen.insert(key) {
            out.targets.push(target);
        }
    };
    let mut given = BTreeSet::new();
    for path in paths {
        let key = path.canonicalize().unwrap_or_else(|_| lexical(path));
        if path.as_os_str() != "-" && !given.insert(key) {
            continue;
        }
        if path.as_os_str() == "-" {
            push(
                Target::Loose {
                    path: path.clone(),
                    folder_kind: None,
                },
                &mut out,
            );
            continue;
        }
        if path.is_dir() {
            if path.join(PROFILE_FILE).is_file() {
                push(Target::Profile { dir: path.clone() }, &mut out);
            } else {
                walk(path, &mut out, &mut push);
            }
        } else if let Some(dir) = enclosing_profile(path) {
            push(Target::Profile { dir }, &mut out);
        } else {
            push(
                Target::Loose {
                    path: path.clone(),
                    folder_kind: folder_kind(path),
                },
                &mut out,
            );
        }
    }
    Ok(out)
}

fn walk(root: &Path, out: &mut Targets, push: &mut impl FnMut(Target, &mut Targets)) {
    let mut it = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                out.findings.push(Finding::error(
                    Rule::FileUnreadable,
                    path,
                    format!("cannot read: {}", io_message(&e)),
                ));
                continue;
            }
        };
        if entry.depth() > 0 && is_hidden(entry.file_name()) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            if entry.path().join(PROFILE_FILE).is_file() {
                push(
                    Target::Profile {
                        dir: entry.path().to_path_buf(),
                    },
                    out,
                );
                it.skip_current_dir();
            }
        } else {
            push(
                Target::Loose {
                    path: entry.path().to_path_buf(),
                    folder_kind: folder_kind(entry.path()),
                },
                out,
            );
        }
    }
}

/// `path` without `.` components (`./a/./b` is `a/b`).
fn lexical(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

fn io_message(e: &walkdir::Error) -> String {
    e.io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string())
}

/// The kind implied by the name of a file's parent folder.
fn folder_kind(path: &Path) -> Option<Kind> {
    path.parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .and_then(Kind::from_folder)
}

/// The nearest ancestor named by `path` itself that holds `profile.json`.
fn enclosing_profile(path: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() {
            break;
        }
        if d.join(PROFILE_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walk_finds_profiles_and_loose_files_sorted() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("b-profile/drivers")).unwrap();
        fs::write(root.join("b-profile/profile.json"), "{}").unwrap();
        fs::write(root.join("b-profile/drivers/x.zip"), "").unwrap();
        fs::create_dir_all(root.join("a/drivers")).unwrap();
        fs::write(root.join("a/drivers/n.rpm"), "").unwrap();
        fs::write(root.join("a/z.json"), "").unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join(".git/config.json"), "").unwrap();
        let t = collect(&[root.to_path_buf(), root.join("b-profile/drivers/x.zip")]).unwrap();
        assert_eq!(
            t.targets,
            vec![
                Target::Loose {
                    path: root.join("a/drivers/n.rpm"),
                    folder_kind: Some(Kind::Driver)
                },
                Target::Loose {
                    path: root.join("a/z.json"),
                    folder_kind: None
                },
                Target::Profile {
                    dir: root.join("b-profile")
                },
            ]
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        let err = collect(&[PathBuf::from("/definitely/not/here")]).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
    }
}
