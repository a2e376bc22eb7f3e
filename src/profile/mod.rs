//! Profiles: the model of a profile directory (`profile.json` and the files in the
//! kind folders), its loading, its `plan` (the one `check` judges and `build`
//! packs), and the `Checker` that judges a profile's content whether it comes from
//! a directory walk or from a bundle's entries.

mod answer;
mod checker;
mod excludes;
pub(crate) mod payload;
mod plan;
mod script;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::findings::{Finding, Rule};
use crate::json::Document;
use crate::kind::Kind;
use crate::schemas;

pub(crate) use checker::{Checker, Content};
pub(crate) use excludes::check_globs;
pub use excludes::Excludes;
pub use plan::PlannedFile;
pub(crate) use plan::{plan, plan_opening, BundleHooks, Plan};

/// The name of a profile directory's description file.
pub const PROFILE_FILE: &str = "profile.json";

/// Whether a file or folder name is hidden (starts with a dot).
pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// What `profile.json` says, read leniently (schema breaches are findings already).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileInfo {
    /// `name`.
    pub name: Option<String>,
    /// `os`.
    pub os: Option<String>,
    /// `release`.
    pub release: Option<String>,
    /// `platforms`.
    pub platforms: Vec<String>,
    /// The whole document, for the bundle metadata.
    pub value: Value,
}

/// `profile.json`, read and checked.
#[derive(Debug)]
pub(crate) struct LoadedProfile {
    /// Its contents, if it parsed.
    pub info: Option<ProfileInfo>,
    /// The parsed document, for positions.
    pub doc: Option<Document>,
    /// `profile-invalid` findings.
    pub findings: Vec<Finding>,
}

/// Reads and checks `dir/profile.json`; `display` is the directory as shown.
pub(crate) fn load(dir: &Path, display: &str) -> LoadedProfile {
    let path = dir.join(PROFILE_FILE);
    let shown = join_display(display, PROFILE_FILE);
    let failed = |finding: Finding| LoadedProfile {
        info: None,
        doc: None,
        findings: vec![finding],
    };
    let bytes = match fs::File::open(&path).and_then(crate::input::read_limited) {
        Ok(bytes) => bytes,
        Err(e) => {
            let message = format!("cannot read profile.json: {e}");
            return failed(Finding::error(Rule::ProfileInvalid, shown, message));
        }
    };
    parse(&bytes, &shown)
}

/// Checks the bytes of a `profile.json` shown as `shown` (in a folder or an archive).
pub(crate) fn parse(bytes: &[u8], shown: &str) -> LoadedProfile {
    let checked = schemas::PROFILE.check(bytes, shown);
    let findings = checked.findings;
    let Some(doc) = checked.doc else {
        return LoadedProfile {
            info: None,
            doc: None,
            findings,
        };
    };
    let value = doc.value();
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    let info = ProfileInfo {
        name: text("name"),
        os: text("os"),
        release: text("release"),
        platforms: crate::json::strings(value.get("platforms")),
        value: value.clone(),
    };
    LoadedProfile {
        info: Some(info),
        doc: Some(doc),
        findings,
    }
}

/// What `extract` leaves at the root of a profile directory besides `profile.json`:
/// the bundle's own records, which `build` writes afresh. Ignored by `check` and
/// `build` (there only; in a kind folder they are files like any other).
pub(crate) const BUNDLE_RECORDS: [&str; 3] = ["metadata.json", "SHA256SUMS", "CHECKSUM"];

/// A file of a profile directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileFile {
    /// Its kind, from its folder.
    pub kind: Kind,
    /// Its path on disk.
    pub path: PathBuf,
    /// Its path as shown in findings.
    pub display: String,
    /// Its file name as shown (`\xNN` escapes for bytes that are not UTF-8).
    pub name: String,
    /// Its file name exactly as the file system holds it.
    pub os_name: std::ffi::OsString,
    /// Its type, as the folder listing gave it (links are not followed).
    pub file_type: Option<fs::FileType>,
}

/// Lists the files of the kind folders, sorted by kind folder and name, leaving out
/// hidden entries and what `excludes` excludes. Anything else is a finding, as it
/// would not be in a bundle: a file outside the kind folders, or a folder below one
/// that holds anything, is a `kind-unknown` error (with the kind folder a misspelt
/// folder name means); an empty folder is a `profile-invalid` warning.
pub(crate) fn list_files(
    dir: &Path,
    display: &str,
    excludes: &Excludes,
) -> (Vec<ProfileFile>, Vec<Finding>) {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let matcher = excludes::Matcher::new(dir, excludes, &mut findings);
    for (name, os_name, path, is_dir, _) in sorted_entries(dir, display, &mut findings) {
        if name == PROFILE_FILE || BUNDLE_RECORDS.contains(&name.as_str()) {
            continue;
        }
        let rel = Path::new(&os_name);
        if matcher.excluded(rel, is_dir) {
            continue;
        }
        let shown = join_display(display, &name);
        let kind = Kind::from_folder(&name).filter(|_| is_dir);
        let Some(kind) = kind else {
            findings.push(outside_kind_folders(&shown, &name, &path, is_dir));
            continue;
        };
        let inner = matcher.below(rel, &mut findings);
        for (file, os_name, file_path, file_is_dir, file_type) in
            sorted_entries(&path, &shown, &mut findings)
        {
            if inner.excluded(&rel.join(&os_name), file_is_dir) {
                continue;
            }
            let file_shown = join_display(&shown, &file);
            if file_is_dir {
                let message = format!(
                    "{}/ holds files only, and a bundle holds no folder below it",
                    kind.folder()
                );
                findings.push(if holds_anything(&file_path) {
                    Finding::error(
                        Rule::KindUnknown,
                        file_shown,
                        format!(
                            "{message}: the files in this folder would be left out of the bundle; \
                             move them into {}/ or exclude the folder{EXCLUDE_HINT}",
                            kind.folder()
                        ),
                    )
                } else {
                    Finding::warning(
                        Rule::ProfileInvalid,
                        file_shown,
                        format!("{message}; this empty folder is ignored"),
                    )
                });
                continue;
            }
            files.push(ProfileFile {
                kind,
                path: file_path,
                display: file_shown,
                name: file,
                os_name,
                file_type,
            });
        }
    }
    (files, findings)
}

/// How to exclude a file from a profile, for messages.
const EXCLUDE_HINT: &str = " (`exclude` in osbundle.toml, .gitignore or .ignore)";

/// The finding for an entry of a profile directory that is neither profile.json nor
/// a kind folder.
fn outside_kind_folders(shown: &str, name: &str, path: &Path, is_dir: bool) -> Finding {
    let folders = Kind::ALL.map(|k| format!("{}/", k.folder())).join(", ");
    let meant = Kind::folder_meant(name)
        .map(|k| format!(" (did you mean {}/?)", k.folder()))
        .unwrap_or_default();
    if is_dir && !holds_anything(path) {
        return Finding::warning(
            Rule::ProfileInvalid,
            shown,
            format!(
                "not a kind folder{meant}; this empty folder is ignored (kind folders: {folders})"
            ),
        );
    }
    let (what, them) = if is_dir {
        (
            format!("not a kind folder{meant}: its files would be left out of the bundle"),
            "them into the folder of their kind, or exclude them",
        )
    } else if Kind::from_folder(name).is_some() {
        (
            format!("a file where the folder {name}/ belongs: it would be left out of the bundle"),
            "it into the folder of its kind, or exclude it",
        )
    } else {
        (
            "not in a kind folder: it would be left out of the bundle".to_string(),
            "it into the folder of its kind, or exclude it",
        )
    };
    Finding::error(
        Rule::KindUnknown,
        shown,
        format!("{what}. A bundle holds profile.json and the files of {folders}: move {them}{EXCLUDE_HINT}"),
    )
}

/// Whether the folder `path` holds a visible entry (an unreadable one counts).
fn holds_anything(path: &Path) -> bool {
    match fs::read_dir(path) {
        Ok(read) => read
            .filter_map(Result::ok)
            .any(|e| !is_hidden(&e.file_name())),
        Err(_) => true,
    }
}

/// The custom files of a profile directory that a bundle of it holds, and the
/// findings about everything else it holds: the listing inside the [`plan`] that
/// `check` judges and `build` packs.
#[derive(Debug, Default)]
pub(crate) struct Members {
    /// The files a bundle holds, sorted by kind folder and name.
    pub files: Vec<ProfileFile>,
    /// Why other entries are left out: [`list_files`] and [`member_problems`].
    pub findings: Vec<Finding>,
    /// How many files were listed (those left out for their names included).
    pub listed: usize,
}

/// Lists the profile directory `dir` ([`list_files`]) and keeps the files that can
/// be bundle members ([`member_problems`]).
pub(crate) fn members(dir: &Path, display: &str, excludes: &Excludes) -> Members {
    members_opening(dir, display, excludes, |_| false)
}

/// [`members`], where files of the kinds `opened` says are not probed for
/// readability: the caller opens them.
pub(crate) fn members_opening(
    dir: &Path,
    display: &str,
    excludes: &Excludes,
    opened: Opened,
) -> Members {
    let (files, mut findings) = list_files(dir, display, excludes);
    let listed = files.len();
    let problems = member_problems(&files, opened);
    let mut kept = Vec::with_capacity(files.len());
    for (file, problem) in files.into_iter().zip(problems) {
        match problem {
            Some(problem) => findings.push(problem),
            None => kept.push(file),
        }
    }
    Members {
        files: kept,
        findings,
        listed,
    }
}

/// Which kinds of files the caller of [`members`] opens itself (their readability is
/// not probed).
pub(crate) type Opened = fn(Kind) -> bool;

/// A folder entry: name as shown, raw name, path, is a directory, type (unfollowed).
type Entry = (
    String,
    std::ffi::OsString,
    PathBuf,
    bool,
    Option<fs::FileType>,
);

/// What stops each file of a profile from being a bundle member, in the order of
/// `files`: a name that is not portable or collides with an earlier one, a link or
/// special file, or a file that cannot be read (see [`crate::names`]). `check` and
/// `build` both reach this through [`plan`], so that what one accepts the other does.
/// A file of a kind `opened` says is not probed for readability: its caller opens
/// it anyway, and reports an open error as the same finding
/// ([`crate::names::unreadable_finding`]).
pub(crate) fn member_problems(files: &[ProfileFile], opened: Opened) -> Vec<Option<Finding>> {
    use rayon::prelude::*;
    let mut names = crate::names::NameSet::default();
    let by_name: Vec<Option<Finding>> = files
        .iter()
        .map(|f| {
            crate::names::member_name_finding(f.kind.folder(), &f.os_name, &f.display, &mut names)
        })
        .collect();
    files
        .par_iter()
        .zip(by_name)
        .map(|(f, by_name)| {
            by_name.or_else(|| {
                let problem = if opened(f.kind) {
                    crate::names::local_type_problem(&f.path, f.file_type)
                } else {
                    crate::names::local_file_problem(&f.path, f.file_type)
                };
                problem.map(|(rule, message)| Finding::error(rule, &f.display, message))
            })
        })
        .collect()
}

/// The visible entries of `dir`, sorted by their raw names.
fn sorted_entries(dir: &Path, display: &str, findings: &mut Vec<Finding>) -> Vec<Entry> {
    let read = match fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) => {
            findings.push(Finding::error(
                Rule::FileUnreadable,
                display,
                format!("cannot read folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for entry in read {
        match entry {
            Ok(entry) if is_hidden(&entry.file_name()) => {}
            Ok(entry) => {
                // A symlink to a folder counts as a folder: `symlink_metadata`
                // would hide it. Only links need the extra `stat`.
                let file_type = entry.file_type().ok();
                let is_dir = match file_type {
                    Some(t) if !t.is_symlink() => t.is_dir(),
                    _ => entry.path().is_dir(),
                };
                let os_name = entry.file_name();
                let name = match os_name.to_str() {
                    Some(text) => text.to_string(),
                    None => crate::names::shown(crate::names::os_bytes(&os_name)),
                };
                entries.push((name, os_name, entry.path(), is_dir, file_type));
            }
            Err(e) => findings.push(Finding::error(
                Rule::FileUnreadable,
                display,
                format!("cannot read folder entry: {e}"),
            )),
        }
    }
    // One folder: the paths differ in their last component only.
    entries.sort_by(|a, b| a.1.cmp(&b.1));
    entries
}

/// `base/name` for display, without doubling a trailing slash.
pub(crate) fn join_display(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else if base.ends_with('/') {
        format!("{base}{name}")
    } else {
        format!("{base}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_json_problems_are_findings() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let l = load(dir, "p");
        assert_eq!(l.findings[0].rule, Rule::ProfileInvalid);
        assert!(l.info.is_none());

        fs::write(dir.join(PROFILE_FILE), "{\"name\": \"x\",\n \"os\": 5}").unwrap();
        let l = load(dir, "p");
        let pointers: Vec<_> = l.findings.iter().map(|f| f.pointer.as_deref()).collect();
        assert!(pointers.contains(&Some("")), "{:?}", l.findings); // release missing
        assert!(pointers.contains(&Some("/os")), "{:?}", l.findings);
        assert_eq!(l.findings[0].path, "p/profile.json");

        fs::write(dir.join(PROFILE_FILE), "{\"name\": \"x\",\n \"os\" 5}").unwrap();
        let l = load(dir, "p");
        assert_eq!(
            (l.findings[0].line, l.findings[0].column),
            (Some(2), Some(7))
        );

        fs::write(
            dir.join(PROFILE_FILE),
            r#"{"name":"x","os":"win","release":"2016","platforms":["IMM2"]}"#,
        )
        .unwrap();
        let l = load(dir, "p");
        assert!(l.findings.is_empty(), "{:?}", l.findings);
        let info = l.info.unwrap();
        assert_eq!(info.os.as_deref(), Some("win"));
        assert_eq!(info.platforms, ["IMM2"]);
    }

    #[test]
    fn listing_takes_kinds_from_folders_and_refuses_what_it_would_leave_out() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir_all(dir.join("drivers/sub")).unwrap();
        fs::create_dir_all(dir.join("drivers/empty")).unwrap();
        fs::create_dir_all(dir.join("scripts")).unwrap();
        fs::create_dir_all(dir.join("driver")).unwrap();
        fs::create_dir_all(dir.join("docs")).unwrap();
        fs::write(dir.join(PROFILE_FILE), "{}").unwrap();
        fs::write(dir.join("drivers/b.zip"), "").unwrap();
        fs::write(dir.join("drivers/a b.zip"), "").unwrap();
        fs::write(dir.join("drivers/sub/c.zip"), "").unwrap();
        fs::write(dir.join("driver/x.rpm"), "").unwrap();
        fs::write(dir.join("scripts/.gitkeep"), "").unwrap();
        fs::write(dir.join("scripts/post.ps1"), "").unwrap();
        fs::write(dir.join("README.md"), "").unwrap();
        let (files, findings) = list_files(dir, "p", &Excludes::default());
        let names: Vec<_> = files.iter().map(|f| (f.kind, f.display.as_str())).collect();
        assert_eq!(
            names,
            [
                (Kind::Driver, "p/drivers/a b.zip"),
                (Kind::Driver, "p/drivers/b.zip"),
                (Kind::Script, "p/scripts/post.ps1"),
            ]
        );
        let found: Vec<_> = findings
            .iter()
            .map(|f| (f.path.as_str(), f.rule, f.severity))
            .collect();
        use crate::findings::Severity::{Error, Warning};
        assert_eq!(
            found,
            [
                ("p/README.md", Rule::KindUnknown, Error),
                ("p/docs", Rule::ProfileInvalid, Warning),
                ("p/driver", Rule::KindUnknown, Error),
                ("p/drivers/empty", Rule::ProfileInvalid, Warning),
                ("p/drivers/sub", Rule::KindUnknown, Error),
            ]
        );
        assert!(
            findings[2].message.contains("(did you mean drivers/?)"),
            "{}",
            findings[2].message
        );
    }

    #[test]
    fn listing_honours_ignore_files_and_globs_inside_the_profile() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p");
        for name in [
            "scripts/old.sh.bak",
            "scripts/post.sh",
            "scripts/draft.sh",
            "drivers/keep.rpm",
            "drivers/local.rpm",
            "notes.txt",
            "scratch/x.rpm",
        ] {
            let path = dir.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        fs::write(dir.join(PROFILE_FILE), "{}").unwrap();
        // Above the profile, in it, and in a kind folder (which re-includes one).
        fs::write(tmp.path().join(".gitignore"), "*.bak\n*.rpm\n").unwrap();
        fs::write(dir.join(".ignore"), "scratch/\n").unwrap();
        fs::write(dir.join("drivers/.gitignore"), "!keep.rpm\n").unwrap();
        let listed = |excludes: &Excludes| {
            let (files, findings) = list_files(&dir, "p", excludes);
            let files: Vec<String> = files.into_iter().map(|f| f.display).collect();
            let findings: Vec<String> = findings.into_iter().map(|f| f.path).collect();
            (files, findings)
        };
        let (files, findings) = listed(&Excludes::default());
        assert_eq!(
            files,
            [
                "p/drivers/keep.rpm",
                "p/scripts/draft.sh",
                "p/scripts/post.sh"
            ]
        );
        assert_eq!(findings, ["p/notes.txt"]);
        let globs = Excludes {
            ignore_files: true,
            globs: vec!["/notes.txt".into(), "draft.*".into()],
        };
        let (files, findings) = listed(&globs);
        assert_eq!(files, ["p/drivers/keep.rpm", "p/scripts/post.sh"]);
        assert!(findings.is_empty(), "{findings:?}");
        let none = Excludes {
            ignore_files: false,
            globs: Vec::new(),
        };
        let (files, findings) = listed(&none);
        assert_eq!(files.len(), 5, "{files:?}");
        assert_eq!(findings, ["p/notes.txt", "p/scratch"]);
    }
}
