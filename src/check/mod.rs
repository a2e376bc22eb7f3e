//! `osbundle check`: preflight of files, profile directories and folders against the
//! `supportedImages` rules, before upload.
//!
//! Guarantees:
//! - every problem with an input is a [`Finding`]; only a missing command-line path
//!   is an [`crate::Error`] (exit 2);
//! - targets are collected by a sorted walk, checked in parallel (rayon), and the
//!   findings are sorted by path and position, so the report is the same for any
//!   `--jobs`;
//! - configuration-settings files, unattend files and scripts are read whole;
//!   payloads (drivers, boot files, software, bundle files) only where their format
//!   is cheap to check by seeking (headers, a zip's central directory), unless
//!   `deep`; other files are judged by name.

mod open;
pub(crate) mod walk;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::bundle::HOOKS;
use crate::error::Result;
use crate::findings::Report;
use crate::findings::{sort_findings, Finding, Rule};
use crate::kind::Kind;
use crate::profile::{self, payload, Checker, Content};
use crate::progress::Progress;
use crate::rules::{RuleSet, ScopeSource};
use walk::Target;

pub use walk::WalkOptions;

/// Validated settings of a check run, shared read-only by all workers. The default
/// has the embedded rules, no options and no progress bar.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// The rules in force.
    pub rules: RuleSet,
    /// `--os` for loose files.
    pub os: Option<String>,
    /// `--release` for loose files.
    pub release: Option<String>,
    /// `--platform` for loose files.
    pub platform: Option<String>,
    /// `--kind` for loose files.
    pub kind: Option<Kind>,
    /// Which of `os`, `release` and `platform` come from the command line (not from
    /// `osbundle.toml`): where a profile's profile.json says otherwise, a
    /// `flag-ignored` warning says that the flag does not apply to it.
    pub flags: ScopeFlags,
    /// Show a progress bar on stderr (when it is a terminal).
    pub progress: bool,
    /// How folders are walked.
    pub walk: walk::WalkOptions,
    /// Read every byte of every payload (`--deep`): zip CRCs, RPM digests.
    pub deep: bool,
}

/// Which scope options of [`CheckSettings`] were given on the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeFlags {
    /// `--os`.
    pub os: bool,
    /// `--release`.
    pub release: bool,
    /// `--platform`.
    pub platform: bool,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            rules: RuleSet::embedded(),
            os: None,
            release: None,
            platform: None,
            kind: None,
            flags: ScopeFlags::default(),
            progress: false,
            walk: walk::WalkOptions::default(),
            deep: false,
        }
    }
}

/// Checks `paths`. Errors only when a path does not exist.
pub fn run(paths: &[PathBuf], settings: &CheckSettings) -> Result<Report> {
    run_with_notes(paths, settings).map(|(report, _)| report)
}

/// [`run`], with notes for the user about the run itself: `--kind` given for profile
/// directories, whose folders say what it would (`--os`, `--release` and
/// `--platform` that profile.json contradicts are `flag-ignored` findings).
pub fn run_with_notes(
    paths: &[PathBuf],
    settings: &CheckSettings,
) -> Result<(Report, Vec<String>)> {
    let targets = walk::collect_with(paths, &settings.walk)?;
    let mut notes = Vec::new();
    if settings.kind.is_some() {
        for target in &targets.targets {
            if let Target::Profile { dir } = target {
                notes.push(format!(
                    "--kind does not apply to the profile directory {}: its folders say what it would",
                    crate::names::from_path(dir),
                ));
            }
        }
    }
    let mut findings = targets.findings;
    let progress = Progress::new(targets.targets.len() as u64, "checking", settings.progress);
    let results: Vec<(Checked, Vec<Finding>)> = targets
        .targets
        .par_iter()
        .map(|target| {
            let result = match target {
                Target::Profile { dir } => check_profile(dir, settings),
                Target::Loose { path, folder_kind } => check_loose(path, *folder_kind, settings),
            };
            progress.inc(1);
            result
        })
        .collect();
    progress.finish();
    let mut checked = 0;
    let mut subjects = Vec::new();
    for (done, f) in results {
        checked += done.count;
        subjects.extend(done.subjects);
        findings.extend(f);
    }
    sort_findings(&mut findings);
    let report = Report {
        findings,
        checked,
        subjects,
    };
    Ok((report, notes))
}

fn check_loose(
    path: &Path,
    folder_kind: Option<Kind>,
    settings: &CheckSettings,
) -> (Checked, Vec<Finding>) {
    // Shown as they are: bytes that are not UTF-8 as `\xNN`, never U+FFFD.
    let display = crate::names::shown(crate::names::os_bytes(path.as_os_str()));
    let stdin = path.as_os_str() == "-";
    let file_name = path
        .file_name()
        .map(|n| crate::names::shown(crate::names::os_bytes(n)))
        .unwrap_or_default();
    let platforms: Vec<String> = settings.platform.iter().cloned().collect();
    let mut checker = Checker::loose(&settings.rules);
    checker.scope(
        settings.os.as_deref(),
        settings.release.as_deref(),
        &platforms,
        ScopeSource::options(&display),
    );
    let kind = settings.kind.or(folder_kind).or_else(|| {
        (!stdin)
            .then(|| settings.rules.kind_from_extension(&file_name))
            .flatten()
    });
    let Some(kind) = kind else {
        checker.extend([Finding::error(
            Rule::KindUnknown,
            &display,
            if stdin {
                "the kind of standard input cannot be told; pass --kind".to_string()
            } else {
                format!(
                    "cannot tell the kind of \"{file_name}\" from its folder or its extension; pass --kind ({})",
                    Kind::ALL.map(Kind::as_str).join(", ")
                )
            },
        )]);
        return (Checked::one(display), checker.finish());
    };
    let content = read_content(path, &display, &file_name, kind, settings.deep);
    let name = (!stdin).then_some(file_name.as_str());
    checker.file(kind, &display, name, content);
    (Checked::one(display), checker.finish())
}

/// Reads and checks the content of config, unattend and script files, and the
/// payloads.
fn read_content(path: &Path, display: &str, name: &str, kind: Kind, deep: bool) -> Content {
    if payload::is_payload(kind) && path.as_os_str() != "-" {
        let options = payload::PayloadOptions {
            deep,
            tar_gz: HOOKS.tar_gz,
        };
        return payload::check_file(kind, path, display, name, options);
    }
    if !Content::is_read(kind) {
        return Content::default();
    }
    match crate::input::read_path(path) {
        Ok(bytes) => Content::of(kind, display, &bytes),
        Err(e) => {
            let message = match &e {
                crate::Error::Io { source, .. } => format!("cannot read: {source}"),
                other => other.to_string(),
            };
            Content::unreadable(Finding::error(Rule::FileUnreadable, display, message))
        }
    }
}

/// The kinds of files `check` opens ([`read_member`]): the plan does not probe
/// their readability.
fn opened(kind: Kind) -> bool {
    payload::is_payload(kind) || Content::is_read(kind)
}

/// Reads and checks the content of the profile member `file`, as [`read_content`]
/// does; an error opening it is its `file-unreadable` finding, as the plan gives it
/// for a file it probes and sizes ([`opened`]).
/// `open` opens the file at the path it is given.
fn read_member(
    file: &profile::ProfileFile,
    deep: bool,
    open: impl FnOnce(&Path) -> std::io::Result<std::fs::File>,
) -> std::result::Result<Content, Finding> {
    if !opened(file.kind) {
        return Ok(Content::default());
    }
    let open = open(&file.path).map_err(|e| crate::names::unreadable_finding(&file.display, &e))?;
    if payload::is_payload(file.kind) {
        let options = payload::PayloadOptions {
            deep,
            tar_gz: HOOKS.tar_gz,
        };
        return Ok(payload::check_open(
            file.kind,
            open,
            &file.display,
            &file.name,
            options,
        ));
    }
    Ok(match crate::input::read_limited(open) {
        Ok(bytes) => Content::of(file.kind, &file.display, &bytes),
        Err(e) => Content::unreadable(crate::names::unreadable_finding(&file.display, &e)),
    })
}

/// How many files a target had, and the names of those that were checked.
struct Checked {
    count: usize,
    subjects: Vec<String>,
}

impl Checked {
    fn one(name: String) -> Checked {
        Checked {
            count: 1,
            subjects: vec![name],
        }
    }
}

fn check_profile(dir: &Path, settings: &CheckSettings) -> (Checked, Vec<Finding>) {
    let display = crate::names::shown(crate::names::os_bytes(dir.as_os_str()));
    // The plan `build` packs: what it refuses, `check` reports (such files are not
    // read), and what it would write as metadata.json is judged as `verify` reads it.
    let plan = profile::plan_opening(dir, &display, &settings.walk.excludes(), &HOOKS, opened);
    check_plan(plan, settings)
}

/// Judges the profile `plan` (planned with [`opened`]): its findings, and every
/// member's content.
fn check_plan(
    plan: profile::Plan<Option<u64>>,
    settings: &CheckSettings,
) -> (Checked, Vec<Finding>) {
    let mut checker = Checker::profile(&settings.rules);
    let profile_json = plan.profile_json;
    let info = plan.profile.info.unwrap_or_default();
    checker.extend(plan.profile.findings);
    checker.scope(
        info.os.as_deref(),
        info.release.as_deref(),
        &info.platforms,
        ScopeSource {
            path: &profile_json,
            doc: plan.profile.doc.as_ref(),
            release_pointer: "/release",
        },
    );
    checker.extend(ignored_flags(
        settings,
        &info,
        plan.profile.doc.as_ref(),
        &profile_json,
    ));
    checker.extend(plan.findings);
    // Contents are read in parallel and fed in listing order. A file that cannot be
    // opened is what the plan would have left out as unreadable: its one finding.
    let folders = open::Folders::open(plan.members.iter().map(|m| m.file.path.as_path()));
    let contents: Vec<Result<Content, Finding>> = plan
        .members
        .par_iter()
        .enumerate()
        .map(|(i, m)| read_member(&m.file, settings.deep, |p| folders.file(i, p)))
        .collect();
    // What was checked: profile.json and every listed file (one `build` leaves out
    // for its name is named by its finding).
    let count = plan.listed + 1;
    let mut subjects = Vec::with_capacity(plan.members.len() + 1);
    subjects.push(profile_json);
    for (m, content) in plan.members.iter().zip(contents) {
        let f = &m.file;
        match content {
            Ok(content) => {
                subjects.push(f.display.clone());
                checker.file(f.kind, &f.display, Some(&f.name), content);
            }
            Err(unreadable) => checker.extend([unreadable]),
        }
    }
    (Checked { count, subjects }, checker.finish())
}

/// `flag-ignored` warnings, at `profile.json` (shown as `path`), for each of `--os`,
/// `--release` and `--platform` that says otherwise than the profile: the profile is
/// checked for what its profile.json says.
fn ignored_flags(
    settings: &CheckSettings,
    info: &profile::ProfileInfo,
    doc: Option<&crate::json::Document>,
    path: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |flag: &str, given: &str, pointer: &str, says: String| {
        let finding = Finding::warning(
            Rule::FlagIgnored,
            path,
            format!(
                "{flag} {given} does not apply to this profile directory: its profile.json says {says}, and the profile is checked for that"
            ),
        )
        .with_pointer(pointer);
        out.push(match doc {
            Some(doc) => finding.at_opt(doc.position_of(pointer)),
            None => finding,
        });
    };
    let quoted = |value: Option<&str>| match value {
        Some(value) => format!("\"{value}\""),
        None => "nothing".to_string(),
    };
    let flags = settings.flags;
    if let Some(os) = settings.os.as_deref().filter(|_| flags.os) {
        if info.os.as_deref() != Some(os) {
            push(
                "--os",
                os,
                "/os",
                format!("os {}", quoted(info.os.as_deref())),
            );
        }
    }
    if let Some(release) = settings.release.as_deref().filter(|_| flags.release) {
        if info.release.as_deref() != Some(release) {
            let says = format!("release {}", quoted(info.release.as_deref()));
            push("--release", release, "/release", says);
        }
    }
    if let Some(platform) = settings.platform.as_deref().filter(|_| flags.platform) {
        if !info.platforms.iter().any(|p| p == platform) {
            let (pointer, says) = if info.platforms.is_empty() {
                ("", "no platforms".to_string())
            } else {
                (
                    "/platforms",
                    format!("platforms {}", info.platforms.join(", ")),
                )
            };
            push("--platform", platform, pointer, says);
        }
    }
    out
}

#[cfg(test)]
mod tests;
