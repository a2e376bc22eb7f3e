//! `verify` and `inspect`: one streaming pass over a bundle. The [`stream`] layer
//! reads gzip and tar and applies limits and safety; the [`Osbundle`] layout judges
//! what the bundle holds. The bundle file is also checked against `<bundle>.sha256`
//! when that file is beside it.
//!
//! [`stream`]: super::stream

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::layout::Osbundle;
use super::stream::{self, EntryInfo, Layout, Sink};
use super::sums::{self, Algorithm};
use super::Limits;
use crate::error::{Error, Result};
use crate::findings::{sort_findings, Finding, Rule};
use crate::progress::Progress;
use crate::rules::RuleSet;

/// Validated settings of a verify, inspect or extract run, shared by all workers.
/// The default has the embedded rules and the default limits.
#[derive(Debug, Clone)]
pub struct VerifySettings {
    /// The rules the files inside are checked against.
    pub rules: RuleSet,
    /// The limits.
    pub limits: Limits,
    /// Draw a progress bar on stderr when it is a terminal, in bytes of the
    /// compressed bundle files read (not standard input); see [`verify_paths`].
    pub progress: bool,
}

impl Default for VerifySettings {
    fn default() -> Self {
        VerifySettings {
            rules: RuleSet::embedded(),
            limits: Limits::default(),
            progress: false,
        }
    }
}

/// The outcome of reading one bundle.
#[derive(Debug, Default)]
pub struct Verified {
    /// The layout that judged it (`osbundle`).
    pub layout: &'static str,
    /// Findings, in report order.
    pub findings: Vec<Finding>,
    /// Entries in archive order (up to where reading stopped).
    pub entries: Vec<EntryInfo>,
    /// `metadata.json`, when it parsed.
    pub metadata: Option<serde_json::Value>,
    /// Whether the whole stream was read (no damage, no limit hit).
    pub complete: bool,
}

/// Verifies the bundle at `path` (`-` is standard input). An unreadable path is an
/// error (exit 2); everything about its content is a finding.
pub fn verify_path(path: &Path, settings: &VerifySettings) -> Result<Verified> {
    verify_path_into(path, settings, None)
}

/// Verifies every bundle of `paths` in parallel (rayon), in the order given. A
/// progress bar counts the bytes of all bundle files on a terminal when `progress`
/// (or `settings.progress`) is set. The first unreadable path is an error.
pub fn verify_paths(
    paths: &[PathBuf],
    settings: &VerifySettings,
    progress: bool,
) -> Result<Vec<Verified>> {
    let mut total = 0;
    for path in paths {
        if path.as_os_str() != "-" {
            total += std::fs::metadata(path)
                .map_err(|e| Error::io(path, e))?
                .len();
        }
    }
    let progress = Progress::bytes(total, "verifying", progress || settings.progress);
    let results: Vec<Result<Verified>> = paths
        .par_iter()
        .map(|path| verify_file(path, settings, None, &progress))
        .collect();
    progress.finish();
    results.into_iter().collect()
}

/// `inspect`: the same single pass as [`verify_path`], kept for its listing.
pub fn inspect(path: &Path, settings: &VerifySettings) -> Result<Verified> {
    verify_path(path, settings)
}

/// [`verify_path`] that also hands every safe entry to `sink`.
pub fn verify_path_into(
    path: &Path,
    settings: &VerifySettings,
    sink: Option<&mut dyn Sink>,
) -> Result<Verified> {
    let total = match path.as_os_str() == "-" {
        true => 0,
        false => std::fs::metadata(path).map_or(0, |m| m.len()),
    };
    let progress = Progress::bytes(total, "reading", settings.progress && total > 0);
    let result = verify_file(path, settings, sink, &progress);
    progress.finish();
    result
}

/// [`verify_path_into`], advancing `progress` by the bytes read from the file.
fn verify_file(
    path: &Path,
    settings: &VerifySettings,
    sink: Option<&mut dyn Sink>,
    progress: &Progress,
) -> Result<Verified> {
    let display = crate::names::from_path(path);
    if path.as_os_str() == "-" {
        let (verified, sink_error) = verify_reader(io::stdin(), &display, settings, None, sink);
        return finish(verified, sink_error, path);
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::io(
            path,
            io::Error::other("is a directory, not a bundle"),
        ));
    }
    let mut early = Vec::new();
    let side = sidecar(path, &display, &mut early);
    let file = crate::progress::CountingReader::new(file, progress.clone());
    let (mut verified, sink_error) = verify_reader(file, &display, settings, side, sink);
    if !early.is_empty() {
        verified.findings.extend(early);
        sort_findings(&mut verified.findings);
    }
    finish(verified, sink_error, path)
}

fn finish(verified: Verified, sink_error: Option<io::Error>, path: &Path) -> Result<Verified> {
    match sink_error {
        Some(e) => Err(Error::io(path, e)),
        None => Ok(verified),
    }
}

/// The digest recorded in `<bundle>.sha256`, when that file exists: its first line
/// in either checksum-line form, or a bare SHA-256.
fn sidecar(path: &Path, display: &str, findings: &mut Vec<Finding>) -> Option<[u8; 32]> {
    let mut name = path.file_name()?.to_os_string();
    name.push(".sha256");
    let side = path.with_file_name(name);
    let file = std::fs::File::open(&side).ok()?;
    let mut text = String::new();
    let shown = format!("{display}.sha256");
    if file.take(4096).read_to_string(&mut text).is_err() {
        findings.push(Finding::error(
            Rule::BundleChecksumMismatch,
            shown,
            "cannot read this checksum file",
        ));
        return None;
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let digest = match sums::parse_line(first) {
        Ok(line) if line.algorithm == Algorithm::Sha256 => line.digest.try_into().ok(),
        _ => first.split_whitespace().next().and_then(sums::parse_digest),
    };
    if digest.is_none() {
        findings.push(Finding::error(
            Rule::BundleChecksumMismatch,
            shown,
            "not a `sha256sum` line (`<64 hex digits>  <file name>`)",
        ));
    }
    digest
}

/// Verifies the gzip bundle read from `source`, shown as `display`, in the osbundle
/// layout. `file_sha256` is the digest the bundle file must have (from
/// `<bundle>.sha256`). Returns the outcome and the error of `sink`, if writing to it
/// failed.
pub fn verify_reader(
    source: impl Read + Send,
    display: &str,
    settings: &VerifySettings,
    file_sha256: Option<[u8; 32]>,
    sink: Option<&mut dyn Sink>,
) -> (Verified, Option<io::Error>) {
    let mut layout = Osbundle::new(display, &settings.rules);
    read_with(source, display, settings, file_sha256, &mut layout, sink)
}

/// Reads a bundle with the given layout checker: the stream layer first, then the
/// layout's conclusions.
pub fn read_with(
    source: impl Read + Send,
    display: &str,
    settings: &VerifySettings,
    file_sha256: Option<[u8; 32]>,
    layout: &mut dyn Layout,
    sink: Option<&mut dyn Sink>,
) -> (Verified, Option<io::Error>) {
    let (streamed, sink_error) =
        stream::read(source, display, &settings.limits, file_sha256, layout, sink);
    let finished = layout.finish(&streamed.entries, streamed.complete);
    let mut findings = streamed.findings;
    findings.extend(finished.findings);
    sort_findings(&mut findings);
    let verified = Verified {
        layout: layout.name(),
        findings,
        entries: streamed.entries,
        metadata: finished.metadata,
        complete: streamed.complete,
    };
    (verified, sink_error)
}
