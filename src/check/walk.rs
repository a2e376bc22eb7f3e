//! Turning command-line paths into check targets, in a deterministic order.
//!
//! - a file inside a profile directory (an ancestor, as far as the given path names
//!   one, holds `profile.json`) stands for its whole profile, so that a pre-commit hook
//!   passing changed file names checks the profiles they belong to;
//! - any other file named on the command line is a loose file, whatever its name;
//! - a folder with `profile.json` is a profile directory;
//! - any other folder is walked as ripgrep and fd walk: sorted by name, skipping hidden
//!   entries (`.git`, `.gitkeep`, ...), what `.gitignore` and `.ignore` files exclude
//!   (unless [`WalkOptions::ignore_files`] is off) and what the `exclude` globs
//!   (gitignore syntax, relative to the folder walked) match. Its profile directories
//!   become targets, and so do the files in folders named like a kind folder
//!   (`drivers/`, `config/`, ...), which take that kind. Every other file of a walk
//!   (`README.md`, `LICENSE`, `package.json`, a rules file) is not part of a profile
//!   and is skipped; with `--kind`, files whose extension that kind allows are taken
//!   too. Name a file on the command line to check it anyway.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;

use crate::error::{Error, Result};
use crate::findings::{Finding, Rule};
use crate::kind::{has_extension, Kind};
pub(crate) use crate::profile::PROFILE_FILE;

/// One unit of checking.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
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
pub(crate) struct Targets {
    /// Deduplicated targets, in the order of the command line and then of the walk.
    pub targets: Vec<Target>,
    /// `file-unreadable` findings.
    pub findings: Vec<Finding>,
}

/// How folders are walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Honour `.gitignore` (also outside a git repository, and of parent folders),
    /// `.git/info/exclude` and `.ignore` files. The user's global git excludes are not
    /// read, so that a walk gives the same targets on every machine.
    pub ignore_files: bool,
    /// Globs in gitignore syntax (`build/`, `*.bak`, `/vendor`) of entries to skip,
    /// relative to the folder walked.
    pub exclude: Vec<String>,
    /// Extensions that make a file outside a kind folder a target (those `--kind`
    /// allows); empty: only files in kind folders are.
    pub loose_extensions: Vec<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            ignore_files: true,
            exclude: Vec::new(),
            loose_extensions: Vec::new(),
        }
    }
}

impl WalkOptions {
    /// What the listing of a profile directory leaves out: the same ignore files and
    /// globs (relative to the profile directory).
    pub fn excludes(&self) -> crate::profile::Excludes {
        crate::profile::Excludes {
            ignore_files: self.ignore_files,
            globs: self.exclude.clone(),
        }
    }
}

/// Collects the targets of `paths` with the default walk options.
#[cfg(test)]
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Targets> {
    collect_with(paths, &WalkOptions::default())
}

/// Collects the targets of `paths`. A path that does not exist, or an invalid
/// exclude glob, is an error (exit 2).
pub(crate) fn collect_with(paths: &[PathBuf], options: &WalkOptions) -> Result<Targets> {
    for path in paths {
        if path.as_os_str() != "-" {
            std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
        }
    }
    crate::profile::check_globs(&options.exclude).map_err(Error::Usage)?;
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
                walk(path, options, &mut out, &mut push)?;
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

fn walk(
    root: &Path,
    options: &WalkOptions,
    out: &mut Targets,
    push: &mut impl FnMut(Target, &mut Targets),
) -> Result<()> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in &options.exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| Error::Usage(format!("exclude glob \"{glob}\": {e}")))?;
    }
    let overrides = overrides
        .build()
        .map_err(|e| Error::Usage(format!("exclude globs: {e}")))?;
    // Targets are taken in the walk's filter, which sees each entry (in walk order)
    // after the ignore rules and before the walk descends: a profile directory is
    // taken there and not descended into, so its kind folders are never read here
    // (the profile check lists them).
    let found: Arc<Mutex<Vec<Target>>> = Arc::default();
    let taken = Arc::clone(&found);
    let loose_extensions = options.loose_extensions.clone();
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(options.ignore_files)
        .hidden(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let path = entry.path();
            let target = if entry.file_type().is_some_and(|t| t.is_dir()) {
                if !path.join(PROFILE_FILE).is_file() {
                    return true;
                }
                Target::Profile {
                    dir: path.to_path_buf(),
                }
            } else {
                let kind = folder_kind(path);
                let name = entry.file_name().to_string_lossy();
                if kind.is_none() && !loose_extensions.iter().any(|e| has_extension(&name, e)) {
                    return true;
                }
                Target::Loose {
                    path: path.to_path_buf(),
                    folder_kind: kind,
                }
            };
            taken
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(target);
            false
        });
    for entry in builder.build() {
        if let Err(e) = entry {
            out.findings.push(walk_error(root, &e));
        }
    }
    let found = std::mem::take(&mut *found.lock().unwrap_or_else(PoisonError::into_inner));
    for target in found {
        push(target, out);
    }
    Ok(())
}

/// A `file-unreadable` finding for an error of the walk.
fn walk_error(root: &Path, e: &ignore::Error) -> Finding {
    let (path, message) = split_walk_error(e);
    let path = crate::names::from_path(path.as_deref().unwrap_or(root));
    match e.io_error() {
        Some(_) => Finding::error(
            Rule::FileUnreadable,
            path,
            format!("cannot read: {message}"),
        ),
        // A malformed .gitignore line: the rest of the file still applies.
        None => Finding::warning(Rule::FileUnreadable, path, message),
    }
}

/// The path an error of the walk is about, and what it says without that path.
fn split_walk_error(e: &ignore::Error) -> (Option<PathBuf>, String) {
    match e {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), split_walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            let (path, message) = split_walk_error(err);
            match e {
                ignore::Error::WithLineNumber { line, .. } => {
                    (path, format!("line {line}: {message}"))
                }
                _ => (path, message),
            }
        }
        ignore::Error::Partial(errs) => {
            let path = errs.iter().find_map(|e| split_walk_error(e).0);
            let text: Vec<String> = errs.iter().map(|e| split_walk_error(e).1).collect();
            (path, text.join("; "))
        }
        ignore::Error::Io(io) => (None, io.to_string()),
        other => (None, other.to_string()),
    }
}

/// `path` without `.` components (`./a/./b` is `a/b`).
fn lexical(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
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

    fn loose(path: PathBuf, folder_kind: Option<Kind>) -> Target {
        Target::Loose { path, folder_kind }
    }

    #[test]
    fn walk_finds_profiles_and_kind_folder_files_sorted() {
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
                loose(root.join("a/drivers/n.rpm"), Some(Kind::Driver)),
                Target::Profile {
                    dir: root.join("b-profile")
                },
            ]
        );
    }

    #[test]
    fn files_outside_profiles_and_kind_folders_are_skipped_unless_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for name in ["README.md", "LICENSE", "package.json", "lxca/osimages.json"] {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), "").unwrap();
        }
        fs::create_dir_all(root.join("config")).unwrap();
        fs::write(root.join("config/settings.json"), "{}").unwrap();
        let t = collect(&[root.to_path_buf()]).unwrap();
        assert_eq!(
            t.targets,
            [loose(root.join("config/settings.json"), Some(Kind::Config))]
        );
        // Named on the command line, a file is always checked.
        let t = collect(&[root.join("README.md")]).unwrap();
        assert_eq!(t.targets, [loose(root.join("README.md"), None)]);
        // With --kind config, the files that can be config files are walked too.
        let options = WalkOptions {
            loose_extensions: vec!["json".into()],
            ..WalkOptions::default()
        };
        let t = collect_with(&[root.to_path_buf()], &options).unwrap();
        let paths: Vec<_> = t
            .targets
            .iter()
            .map(|t| match t {
                Target::Loose { path, .. } => path.strip_prefix(root).unwrap().to_path_buf(),
                Target::Profile { dir } => dir.clone(),
            })
            .collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("config/settings.json"),
                PathBuf::from("lxca/osimages.json"),
                PathBuf::from("package.json")
            ]
        );
    }

    #[test]
    fn ignore_files_and_excludes_are_honoured() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for name in [
            "build/drivers/a.rpm",
            "keep/drivers/b.rpm",
            "keep/drivers/c.bak",
            "scratch/drivers/d.rpm",
            "vendor/drivers/e.rpm",
        ] {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), "").unwrap();
        }
        fs::write(root.join(".gitignore"), "build/\n").unwrap();
        fs::write(root.join(".ignore"), "scratch\n").unwrap();
        let names = |options: &WalkOptions| -> Vec<String> {
            collect_with(&[root.to_path_buf()], options)
                .unwrap()
                .targets
                .iter()
                .map(|t| match t {
                    Target::Loose { path, .. } => {
                        path.strip_prefix(root).unwrap().display().to_string()
                    }
                    Target::Profile { dir } => dir.display().to_string(),
                })
                .collect()
        };
        assert_eq!(
            names(&WalkOptions::default()),
            [
                "keep/drivers/b.rpm",
                "keep/drivers/c.bak",
                "vendor/drivers/e.rpm"
            ]
        );
        let options = WalkOptions {
            exclude: vec!["*.bak".into(), "/vendor".into()],
            ..WalkOptions::default()
        };
        assert_eq!(names(&options), ["keep/drivers/b.rpm"]);
        let options = WalkOptions {
            ignore_files: false,
            ..WalkOptions::default()
        };
        assert_eq!(names(&options).len(), 5);
    }

    #[test]
    fn bad_exclude_glob_is_a_usage_error() {
        let tmp = tempfile::tempdir().unwrap();
        let options = WalkOptions {
            exclude: vec!["a[".into()],
            ..WalkOptions::default()
        };
        let err = collect_with(&[tmp.path().to_path_buf()], &options).unwrap_err();
        assert!(
            matches!(err, Error::Usage(ref m) if m.contains("a[")),
            "{err}"
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        let err = collect(&[PathBuf::from("/definitely/not/here")]).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
    }
}
