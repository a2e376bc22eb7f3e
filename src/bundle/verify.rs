//! `verify` and `inspect`: one streaming pass over a bundle. The [`stream`] layer
//! reads gzip and tar and applies limits and safety; the layout its first entry
//! shows ([`Detect`]: osbundle or foreign) judges what the bundle holds. The bundle
//! file itself is checked against one download checksum, the first of:
//! `--expect-sha256` ([`VerifySettings::expect_sha256`]), a `<bundle>.sha256`,
//! `.sha512` or `.md5` beside it, a line naming it in the `SHA256SUMS`,
//! `SHA512SUMS` or `MD5SUMS` of its folder.
//!
//! [`stream`]: super::stream

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::gzip::FileTap;
use super::layout::{Detect, Scope};
use super::stream::{self, EntryInfo, Expected, Layout, Sink, Streamed};
use super::sums::{self, Algorithm};
use super::tar::NoticeKind;
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
    /// The OS, release and platforms the files of a foreign archive are judged for
    /// (`--os`, `--release`, `--platform`); osbundle bundles carry their own.
    pub os: Option<String>,
    /// See [`VerifySettings::os`].
    pub release: Option<String>,
    /// See [`VerifySettings::os`].
    pub platforms: Vec<String>,
    /// The SHA-256 the bundle file must have (`--expect-sha256`).
    pub expect_sha256: Option<[u8; 32]>,
    /// Draw a progress bar on stderr when it is a terminal, in bytes of the
    /// compressed bundle files read (not standard input); see [`verify_paths`].
    pub progress: bool,
    /// Read every byte of every payload entry (`--deep`): zip CRCs, RPM digests.
    pub deep: bool,
}

impl Default for VerifySettings {
    fn default() -> Self {
        VerifySettings {
            rules: RuleSet::embedded(),
            limits: Limits::default(),
            os: None,
            release: None,
            platforms: Vec::new(),
            expect_sha256: None,
            progress: false,
            deep: false,
        }
    }
}

/// The outcome of reading one bundle.
#[derive(Debug, Default)]
pub struct Verified {
    /// The layout that judged it (`osbundle` or `foreign`).
    pub layout: &'static str,
    /// Findings, in report order.
    pub findings: Vec<Finding>,
    /// Entries in archive order (up to where reading stopped).
    pub entries: Vec<EntryInfo>,
    /// `metadata.json`, when it parsed.
    pub metadata: Option<serde_json::Value>,
    /// Whether the whole stream was read (no damage, no limit hit).
    pub complete: bool,
    /// Which checksum of the download itself was checked, and how it went.
    pub download_checksum: DownloadChecksum,
}

/// The checksum of a download (the bundle file itself) that was checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadChecksum {
    /// Where the digest comes from: `sidecar` (`<bundle>.sha256`, `.sha512` or
    /// `.md5`), `list` (a line of the `SHA256SUMS`, `SHA512SUMS` or `MD5SUMS` beside
    /// it), `option` (`--expect-sha256`); `None` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    /// The checksum file as shown, when the digest comes from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// `sha256`, `sha512` or `md5`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<&'static str>,
    /// How it went.
    pub status: ChecksumStatus,
}

/// How a download checksum went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ChecksumStatus {
    /// The bundle file has the digest.
    Ok,
    /// It has another digest (a `bundle-checksum-mismatch` finding).
    Mismatch,
    /// No checksum of the download was found.
    #[default]
    Absent,
    /// The checksum file is not a checksum line (a finding says so).
    Invalid,
    /// The bundle file was not read to its end (damaged or past a limit).
    Unchecked,
}

impl DownloadChecksum {
    /// Whether no checksum of the download was found.
    pub fn absent(&self) -> bool {
        self.status == ChecksumStatus::Absent
    }

    /// One line for the text summary, e.g. `sha256 sidecar x.tar.gz.sha256: ok`.
    pub fn line(&self, bundle: &str) -> String {
        let status = match self.status {
            ChecksumStatus::Ok => "ok",
            ChecksumStatus::Mismatch => "MISMATCH",
            ChecksumStatus::Absent => return format!("no download checksum for {bundle}"),
            ChecksumStatus::Invalid => "not a checksum line",
            ChecksumStatus::Unchecked => "not checked (the bundle was not read to its end)",
        };
        let algorithm = self.algorithm.unwrap_or("checksum");
        let file = self.file.as_deref().unwrap_or("");
        match self.source {
            Some("sidecar") => format!("{algorithm} sidecar {file}: {status}"),
            Some("list") => format!("{algorithm} of {bundle} in {file}: {status}"),
            _ => format!("{algorithm} of {bundle} from --expect-sha256: {status}"),
        }
    }
}

fn algorithm_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Md5 => "md5",
        Algorithm::Sha1 => "sha1",
        Algorithm::Sha256 => "sha256",
        Algorithm::Sha512 => "sha512",
    }
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
    let taps = paths.iter().map(|_| None).collect();
    verify_paths_tapped(paths, settings, progress, taps)
}

/// [`verify_paths`] that hands each bundle file's own bytes to its tap (`taps[i]`
/// for `paths[i]`: signature checks), in the same read as the verify: each file is
/// read once.
pub(crate) fn verify_paths_tapped(
    paths: &[PathBuf],
    settings: &VerifySettings,
    progress: bool,
    mut taps: Vec<Option<&mut dyn FileTap>>,
) -> Result<Vec<Verified>> {
    taps.resize_with(paths.len(), || None);
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
        .zip(taps.into_par_iter())
        .map(|(path, tap)| verify_file(path, settings, None, tap, &progress))
        .collect();
    progress.finish();
    results.into_iter().collect()
}

/// `inspect`: the same single pass as [`verify_path`], kept for its listing.
pub fn inspect(path: &Path, settings: &VerifySettings) -> Result<Verified> {
    verify_path(path, settings)
}

/// [`verify_path`] that also hands every safe entry to `sink`.
pub(crate) fn verify_path_into(
    path: &Path,
    settings: &VerifySettings,
    sink: Option<&mut dyn Sink>,
) -> Result<Verified> {
    let total = match path.as_os_str() == "-" {
        true => 0,
        false => std::fs::metadata(path).map_or(0, |m| m.len()),
    };
    let progress = Progress::bytes(total, "reading", settings.progress && total > 0);
    let result = verify_file(path, settings, sink, None, &progress);
    progress.finish();
    result
}

/// [`verify_path_into`], advancing `progress` by the bytes read from the file.
fn verify_file(
    path: &Path,
    settings: &VerifySettings,
    sink: Option<&mut dyn Sink>,
    tap: Option<&mut dyn FileTap>,
    progress: &Progress,
) -> Result<Verified> {
    let display = crate::names::from_path(path);
    let mut early = Vec::new();
    let mut checksum = DownloadChecksum::default();
    let expected = match settings.expect_sha256 {
        Some(digest) => {
            checksum.source = Some("option");
            Some(Expected::sha256(digest, "--expect-sha256"))
        }
        None if path.as_os_str() == "-" => None,
        None => beside(path, &display, &mut early, &mut checksum)?,
    };
    if let Some(e) = &expected {
        checksum.algorithm = Some(algorithm_name(e.algorithm));
    }
    if expected.is_none() && path.as_os_str() != "-" {
        early.push(Finding::note(
            Rule::DownloadUnverified,
            &display,
            "no checksum of the download itself: no .sha256, .sha512 or .md5 beside it, no SHA256SUMS, SHA512SUMS or MD5SUMS in its folder naming it, no --expect-sha256",
        ));
    }
    let (mut verified, sink_error) = if path.as_os_str() == "-" {
        read_detected(io::stdin(), &display, settings, expected, tap, sink)
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(Error::io(
                path,
                io::Error::other("is a directory, not a bundle"),
            ));
        }
        let file = crate::progress::CountingReader::new(file, progress.clone());
        read_detected(file, &display, settings, expected, tap, sink)
    };
    verified.findings.extend(early);
    sort_findings(&mut verified.findings);
    if checksum.status != ChecksumStatus::Invalid {
        checksum.status = verified.download_checksum.status;
    }
    verified.download_checksum = checksum;
    finish(verified, sink_error, path)
}

fn finish(verified: Verified, sink_error: Option<io::Error>, path: &Path) -> Result<Verified> {
    match sink_error {
        Some(e) => Err(Error::io(path, e)),
        None => Ok(verified),
    }
}

/// Opens the checksum file `path`: `None` when there is none. Any other failure to
/// open it is an error (exit 2), not an absent checksum.
fn open_sums(path: &Path) -> Result<Option<std::fs::File>> {
    match std::fs::File::open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Reads at most `max` bytes of the checksum file `path` as text: `None` when they
/// are not UTF-8 (no checksum line then); a read error is an error (exit 2).
fn read_sums(file: std::fs::File, max: u64, path: &Path) -> Result<Option<String>> {
    let mut text = String::new();
    match file.take(max).read_to_string(&mut text) {
        Ok(_) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The download's own checksum beside `path`: `<bundle>.sha256`, `.sha512` or
/// `.md5` (first line in either checksum-line form, or a bare digest), else a line
/// naming the bundle in `SHA256SUMS`, `SHA512SUMS` or `MD5SUMS` of its folder. A
/// checksum file that is there but cannot be read is an error.
fn beside(
    path: &Path,
    display: &str,
    findings: &mut Vec<Finding>,
    checksum: &mut DownloadChecksum,
) -> Result<Option<Expected>> {
    let Some(os_name) = path.file_name() else {
        return Ok(None);
    };
    let name = os_name.to_string_lossy().into_owned();
    let shown_name = crate::names::from_os(os_name);
    for (ext, algorithm) in [
        ("sha256", Algorithm::Sha256),
        ("sha512", Algorithm::Sha512),
        ("md5", Algorithm::Md5),
    ] {
        let side = path.with_file_name(format!("{name}.{ext}"));
        let Some(file) = open_sums(&side)? else {
            continue;
        };
        let shown = format!("{display}.{ext}");
        checksum.source = Some("sidecar");
        checksum.file = Some(shown.clone());
        checksum.algorithm = Some(algorithm_name(algorithm));
        let Some(text) = read_sums(file, 64 * 1024, &side)? else {
            findings.push(Finding::error(
                Rule::BundleChecksumMismatch,
                shown,
                "not text (not UTF-8): not a checksum line",
            ));
            checksum.status = ChecksumStatus::Invalid;
            return Ok(None);
        };
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let digest = match sums::parse_line(first) {
            Ok(line) if line.algorithm == algorithm => Some(line.digest),
            _ => first
                .split_whitespace()
                .next()
                .and_then(|bare| sums::parse_bare(bare, algorithm)),
        };
        return Ok(match digest {
            Some(digest) => Some(Expected {
                algorithm,
                digest,
                from: format!("{shown_name}.{ext}"),
            }),
            None => {
                findings.push(Finding::error(
                    Rule::BundleChecksumMismatch,
                    shown,
                    format!("not a {algorithm} checksum line (`<hex digits>  <file name>`)"),
                ));
                checksum.status = ChecksumStatus::Invalid;
                None
            }
        });
    }
    for (list, algorithm) in [
        ("SHA256SUMS", Algorithm::Sha256),
        ("SHA512SUMS", Algorithm::Sha512),
        ("MD5SUMS", Algorithm::Md5),
    ] {
        let list_path = path.with_file_name(list);
        let Some(file) = open_sums(&list_path)? else {
            continue;
        };
        let Some(text) = read_sums(file, 8 << 20, &list_path)? else {
            continue;
        };
        for line in sums::parse(&text).into_iter().flatten() {
            let (_, line) = line;
            let listed = line.name.trim_start_matches("./");
            if listed == name && line.algorithm == algorithm {
                checksum.source = Some("list");
                checksum.file = Some(crate::names::from_path(&path.with_file_name(list)));
                return Ok(Some(Expected {
                    algorithm,
                    digest: line.digest,
                    from: format!("{list} beside it"),
                }));
            }
        }
    }
    Ok(None)
}

/// Verifies the gzip bundle read from `source`, shown as `display`, in the layout
/// its first entry shows (osbundle when it is `metadata.json`, else foreign).
/// `file_sha256` is the digest the bundle file must have (from
/// `<bundle>.sha256`). Returns the outcome and the I/O error that stopped it, if
/// reading `source` or writing to `sink` failed (then no finding says anything of
/// the bundle; the caller reports the error, exit 2).
pub fn verify_reader(
    source: impl Read + Send,
    display: &str,
    settings: &VerifySettings,
    file_sha256: Option<[u8; 32]>,
    sink: Option<&mut dyn Sink>,
) -> (Verified, Option<io::Error>) {
    let expected = file_sha256.map(|d| Expected::sha256(d, "its .sha256 file"));
    read_detected(source, display, settings, expected, None, sink)
}

fn read_detected(
    source: impl Read + Send,
    display: &str,
    settings: &VerifySettings,
    expected: Option<Expected>,
    tap: Option<&mut dyn FileTap>,
    sink: Option<&mut dyn Sink>,
) -> (Verified, Option<io::Error>) {
    let scope = Scope {
        os: settings.os.clone(),
        release: settings.release.clone(),
        platforms: settings.platforms.clone(),
    };
    let mut layout = Detect::new(display, &settings.rules, scope, settings.deep);
    read_with_layout(source, display, settings, expected, tap, &mut layout, sink)
}

/// Reads a bundle with the given layout checker: the stream layer first, then the
/// layout's conclusions.
pub(crate) fn read_with_layout(
    source: impl Read + Send,
    display: &str,
    settings: &VerifySettings,
    expected: Option<Expected>,
    tap: Option<&mut dyn FileTap>,
    layout: &mut dyn Layout,
    sink: Option<&mut dyn Sink>,
) -> (Verified, Option<io::Error>) {
    let expecting = expected.is_some();
    let algorithm = expected.as_ref().map(|e| algorithm_name(e.algorithm));
    let (streamed, sink_error) = stream::read_tapped(
        source,
        display,
        &settings.limits,
        expected,
        tap,
        layout,
        sink,
    );
    let download_checksum = DownloadChecksum {
        algorithm,
        status: match (expecting, streamed.file_digest_matches) {
            (false, _) => ChecksumStatus::Absent,
            (true, Some(true)) => ChecksumStatus::Ok,
            (true, Some(false)) => ChecksumStatus::Mismatch,
            (true, None) => ChecksumStatus::Unchecked,
        },
        ..DownloadChecksum::default()
    };
    let finished = layout.finish(&streamed.entries, streamed.complete);
    let mut findings = container_findings(&streamed, !layout.tolerant(), display);
    findings.extend(streamed.findings);
    findings.extend(finished.findings);
    sort_findings(&mut findings);
    let verified = Verified {
        layout: layout.name(),
        findings,
        entries: streamed.entries,
        metadata: finished.metadata,
        complete: streamed.complete,
        download_checksum,
    };
    (verified, sink_error)
}

/// What the container itself says beyond damage: the tar reader's notices and the
/// gzip framing. For a `strict` (not [tolerant](Layout::tolerant)) layout, the
/// osbundle one, data after the end of the archive or in padding is an error
/// (`build` writes none and no checksum covers it), and a gzip encoding other than
/// build's is the warning `bundle-reencoded`; for a tolerant layout these are
/// warnings, as GNU tar and gzip take them.
fn container_findings(streamed: &Streamed, strict: bool, display: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for notice in &streamed.notices {
        let message = notice.message.clone();
        let error = strict
            && matches!(
                notice.kind,
                NoticeKind::DataAfterEnd | NoticeKind::NonZeroPadding
            );
        out.push(if error {
            Finding::error(Rule::BundleCorrupt, display, message)
        } else {
            Finding::warning(Rule::BundleCorrupt, display, message)
        });
    }
    let Some(gzip) = &streamed.gzip else {
        return out;
    };
    if let Some((at, n)) = gzip.trailing_garbage {
        let message = format!(
            "{n} bytes after the last gzip member, from byte {at}, are neither gzip data nor zero padding (gzip ignores them; no checksum covers them)"
        );
        out.push(if strict {
            Finding::error(Rule::BundleCorrupt, display, message)
        } else {
            Finding::warning(Rule::BundleCorrupt, display, message)
        });
    } else if let (true, Some(note)) = (strict, gzip.difference()) {
        out.push(Finding::warning(Rule::BundleReencoded, display, note));
    } else if gzip.trailing_zeros > 0 {
        out.push(Finding::warning(
            Rule::BundleCorrupt,
            display,
            format!(
                "{} zero bytes after the last gzip member (ignored, as gzip does)",
                gzip.trailing_zeros
            ),
        ));
    }
    out
}
