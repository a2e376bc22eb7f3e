//! The plan of a profile directory: its `profile.json`, the files a bundle of it
//! holds (kinds, names, sizes), and every finding of planning. [`plan`] computes it
//! once, and both `check` (which judges the plan's files and reports its findings)
//! and `build` (which packs the plan's files, or refuses with [`Plan::refusals`])
//! call it, so that what `build` refuses is always a finding `check` reports.
//!
//! What planning asks of the bundle room (whether the `metadata.json` and the file
//! name `build` would write are ones a bundle reader accepts, and the `.tar.gz`
//! payload reader) comes in as [`BundleHooks`], functions the caller hands in:
//! `bundle` imports `profile`, never the reverse.

use std::fs;
use std::path::Path;

use super::payload::TarGzReader;
use super::{
    join_display, Excludes, LoadedProfile, Opened, ProfileFile, ProfileInfo, PROFILE_FILE,
};
use crate::findings::{Finding, Rule, Severity};
use crate::kind::Kind;

/// A custom file to put in a bundle, as its `metadata.json` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Its kind.
    pub kind: Kind,
    /// Its file name.
    pub name: String,
    /// Its size.
    pub size: u64,
}

/// What a bundle reader would find wrong with what `build` writes for `profile`
/// (the name of a profile without one: the second argument) with `files` (each at
/// the widest size, `u64::MAX`), as `profile-invalid` errors on `profile.json` shown
/// as the last argument. It must not depend on the build's time or the files'
/// contents.
pub(super) type Preflight = fn(&ProfileInfo, &str, &[PlannedFile], &str) -> Vec<Finding>;

/// What planning and checking ask of the bundle room, as functions
/// (`crate::bundle::HOOKS`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BundleHooks {
    /// The bundle's `metadata.json` and file name, judged before they are written.
    pub preflight: Preflight,
    /// The reader of `.tar.gz` payloads.
    pub tar_gz: TarGzReader,
}

/// A file of the plan: one a bundle of the profile holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member<S = u64> {
    /// The file, as the listing gave it.
    pub file: ProfileFile,
    /// Its size when planned (with [`plan_opening`], `None` for a file the caller
    /// opens: it sizes the file itself).
    pub size: S,
}

/// What a profile directory holds, for `check` and `build` alike: `S` is how its
/// members are sized ([`Member::size`]).
#[derive(Debug)]
pub(crate) struct Plan<S = u64> {
    /// `profile.json`, as shown.
    pub profile_json: String,
    /// `profile.json` read and checked; its findings are its own (in
    /// [`LoadedProfile::findings`], not in [`Plan::findings`]).
    pub profile: LoadedProfile,
    /// The bundle's name when `profile.json` names none: the directory's.
    pub fallback_name: String,
    /// The files a bundle holds, sorted by kind folder and name.
    pub members: Vec<Member<S>>,
    /// How many files were listed (those left out for their names included).
    pub listed: usize,
    /// The findings of planning besides `profile.json`'s own: what the listing
    /// leaves out and why ([`super::members`]), files whose size cannot be read, and
    /// what a bundle reader would refuse in the bundle's metadata or file name.
    pub findings: Vec<Finding>,
}

impl<S> Plan<S> {
    /// What `build` refuses to build past, even with `--force`: the errors of
    /// planning whose rule `--force` does not override (an unusable `profile.json`,
    /// names a bundle cannot hold, links, unreadable files). A stray file outside the
    /// kind folders is an error `--force` goes past; the bundle is built without it.
    pub(crate) fn refusals(&self) -> Vec<Finding> {
        self.profile
            .findings
            .iter()
            .chain(&self.findings)
            .filter(|f| refuses(f))
            .cloned()
            .collect()
    }
}

impl Plan {
    /// The members as the bundle's metadata records them.
    pub(crate) fn files(&self) -> Vec<PlannedFile> {
        planned(&self.members)
    }
}

/// Whether `build` refuses to go past `finding` (see [`Plan::refusals`]).
fn refuses(finding: &Finding) -> bool {
    finding.severity == Severity::Error && !finding.rule.force_overrides()
}

fn planned(members: &[Member]) -> Vec<PlannedFile> {
    records(members, |size| *size)
}

/// The members for the preflight, which judges the metadata at the widest sizes
/// whatever they are ([`Preflight`]): each at `u64::MAX`.
fn widest<S>(members: &[Member<S>]) -> Vec<PlannedFile> {
    records(members, |_| u64::MAX)
}

/// The members as metadata records, each sized by `size`.
fn records<S>(members: &[Member<S>], size: impl Fn(&S) -> u64) -> Vec<PlannedFile> {
    members
        .iter()
        .map(|m| PlannedFile {
            kind: m.file.kind,
            name: m.file.name.clone(),
            size: size(&m.size),
        })
        .collect()
}

/// Plans the profile directory `dir`, shown as `display`: loads `profile.json`,
/// lists the members (what `excludes` leaves out is not listed), sizes them, and
/// judges ahead the bundle's metadata and file name (`hooks.preflight`) when
/// `profile.json` is valid.
pub(crate) fn plan(dir: &Path, display: &str, excludes: &Excludes, hooks: &BundleHooks) -> Plan {
    plan_sized(
        dir,
        display,
        excludes,
        hooks,
        |_| false,
        |f| fs::metadata(&f.path).map(|m| m.len()),
    )
}

/// [`plan`] for a caller that opens the members of the kinds `opened` says (`check`
/// reads their content): those are neither probed for readability nor sized (their
/// [`Member::size`] is `None`), and the caller reports an error opening one as the
/// finding [`plan`] would have ([`crate::names::unreadable_finding`]), in place of
/// every other finding about it. The bundle's metadata is judged ahead as by
/// [`plan`]: at the widest sizes, whatever the files' sizes.
pub(crate) fn plan_opening(
    dir: &Path,
    display: &str,
    excludes: &Excludes,
    hooks: &BundleHooks,
    opened: Opened,
) -> Plan<Option<u64>> {
    plan_sized(dir, display, excludes, hooks, opened, |f| {
        if opened(f.kind) {
            Ok(None)
        } else {
            fs::metadata(&f.path).map(|m| Some(m.len()))
        }
    })
}

/// [`plan`], with the members of the kinds `opened` says left unprobed and every
/// member sized by `size`.
fn plan_sized<S>(
    dir: &Path,
    display: &str,
    excludes: &Excludes,
    hooks: &BundleHooks,
    opened: Opened,
    size: impl Fn(&ProfileFile) -> std::io::Result<S>,
) -> Plan<S> {
    let profile = super::load(dir, display);
    let profile_json = join_display(display, PROFILE_FILE);
    let profile_valid = profile.info.is_some()
        && profile
            .findings
            .iter()
            .all(|f| f.severity != Severity::Error);
    let listing = super::members_opening(dir, display, excludes, opened);
    let mut findings = listing.findings;
    let mut members = Vec::with_capacity(listing.files.len());
    for file in listing.files {
        match size(&file) {
            Ok(size) => members.push(Member { file, size }),
            Err(e) => findings.push(Finding::error(
                Rule::FileUnreadable,
                &file.display,
                format!("cannot read: {e}"),
            )),
        }
    }
    let fallback_name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "profile".to_string());
    if let Some(info) = profile.info.as_ref().filter(|_| profile_valid) {
        findings.extend((hooks.preflight)(
            info,
            &fallback_name,
            &widest(&members),
            &profile_json,
        ));
    }
    Plan {
        profile_json,
        profile,
        fallback_name,
        members,
        listed: listing.listed,
        findings,
    }
}
