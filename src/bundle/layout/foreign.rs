//! The foreign layout: any archive that is not what `build` writes (another
//! exporter's, or an osbundle bundle re-packed). What can be checked is checked,
//! and what cannot is said:
//!
//! - the container (the stream layer): gzip CRC-32 and size per member, tar header
//!   checksums, sizes, safety and limits;
//! - embedded checksum files wherever they stand and whatever the order of entries
//!   (`SHA256SUMS`, `SHA512SUMS`, `SHA1SUMS`, `MD5SUMS`, `CHECKSUMS`, `checksums.txt`,
//!   `*.sha256`, `*.sha512`, `*.sha1`, `*.md5`), coreutils or BSD lines
//!   ([`crate::bundle::sums`]), names relative to the checksum file's folder, `./`
//!   tolerated, a bare digest in `x.sha256` applying to `x`: every listed file must
//!   be there (`bundle-missing-entry`) and match (`bundle-checksum-mismatch`);
//! - coverage: one `bundle-unverified` warning with the count and the first names
//!   that no checksum covers;
//! - the files inside, by kind (a kind folder at any depth, case-insensitive, else
//!   the extension), through the same [`Checker`] as `check`; the OS comes from the
//!   options, else from a `profile.json` or `metadata.json` inside.
//!
//! SHA-256 of every entry comes from the stream layer; SHA-512, SHA-1 and MD5 are
//! computed from the moment a checksum file of that algorithm has been seen, so one
//! pass costs no more than the lists need. A file listed only in a list of another
//! algorithm that came after it is reported as not checkable in one pass.
//!
//! Long: the checksum-file forms, their resolution against the entries and the
//! coverage are one concern; its tests stay beside it.

use std::collections::HashMap;

use crate::bundle::format::{CHECKSUM, LEDGER_TAG, MANIFEST, METADATA};
use crate::bundle::limits::{show_size, MANIFEST_MAX, METADATA_MAX, TEXT_MAX};
use crate::bundle::stream::{Entry, EntryInfo, Finished, Head, Layout, Plan};
use crate::bundle::sums::{self, hex, Algorithm, Hasher, SumLine};
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
use crate::profile::{payload, Checker, Content, PROFILE_FILE};
use crate::rules::{RuleSet, ScopeSource};

/// How many uncovered names the `bundle-unverified` warning shows.
const SHOWN: usize = 5;

/// The OS the files of a foreign archive are judged for, from the options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `--os`.
    pub os: Option<String>,
    /// `--release`.
    pub release: Option<String>,
    /// `--platform`.
    pub platforms: Vec<String>,
}

/// One regular file of the archive.
#[derive(Debug)]
struct Seen {
    sha256: [u8; 32],
    /// Other digests, computed when a list of that algorithm came before the file.
    more: Vec<(Algorithm, Vec<u8>)>,
    covered: bool,
    checksum_file: bool,
}

/// A checksum file of the archive.
#[derive(Debug)]
struct SumFile {
    name: String,
    folder: String,
    text: String,
    /// For `x.sha256`: the file a bare digest applies to, and the algorithm.
    bare: Option<(String, Algorithm)>,
}

/// The OS, release and platforms that a `profile.json` or an export's
/// `metadata.json` inside the archive gives.
#[derive(Debug)]
struct InnerScope {
    scope: Scope,
    /// The entry they were read from.
    from: String,
}

/// The checker of the foreign layout.
pub struct Foreign<'r> {
    display: String,
    rules: &'r RuleSet,
    options: Scope,
    checker: Option<Checker<'r>>,
    findings: Vec<Finding>,
    files: HashMap<String, Seen>,
    order: Vec<String>,
    sum_files: Vec<SumFile>,
    wanted: Vec<Algorithm>,
    /// Digest states of the entry being read, for the algorithms of `wanted`.
    hashers: Vec<Hasher>,
    inner_scope: Option<InnerScope>,
    unknown_kind: usize,
    checked: usize,
    deep: bool,
    payload: Option<payload::Stream>,
}

impl std::fmt::Debug for Foreign<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Foreign")
            .field("display", &self.display)
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl<'r> Foreign<'r> {
    /// A checker of the archive shown as `display`, whose files are judged by
    /// `rules` for the OS of `options` (when given); `deep` reads every byte of the
    /// payloads.
    pub fn new(display: &str, rules: &'r RuleSet, options: Scope, deep: bool) -> Self {
        Foreign {
            display: display.to_string(),
            rules,
            options,
            checker: Some(Checker::profile(rules)),
            findings: Vec::new(),
            files: HashMap::new(),
            order: Vec::new(),
            sum_files: Vec::new(),
            wanted: Vec::new(),
            hashers: Vec::new(),
            inner_scope: None,
            unknown_kind: 0,
            checked: 0,
            deep,
            payload: None,
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.display)
    }

    /// The kind of the file `name`: its nearest folder named like a kind folder
    /// (any depth, any case), else its extension when that names one kind.
    fn kind_of(&self, name: &str) -> Option<Kind> {
        let mut parts: Vec<&str> = name.split('/').collect();
        let file = parts.pop().unwrap_or(name);
        let by_folder = parts
            .iter()
            .rev()
            .find_map(|folder| Kind::from_folder(&folder.to_ascii_lowercase()));
        if by_folder.is_some() {
            return by_folder;
        }
        // The profile's own description and an export's metadata are not
        // configuration-settings files, whatever their extension says.
        if matches!(file, PROFILE_FILE | METADATA) {
            return None;
        }
        self.rules.kind_from_extension(file)
    }

    fn on_sum_file(&mut self, name: &str, data: &[u8]) {
        let text = String::from_utf8_lossy(data).into_owned();
        let (folder, file) = split(name);
        let bare = sum_extension(file).map(|(stem, algorithm)| (join(folder, stem), algorithm));
        for line in text.lines() {
            let algorithm = match (parse_any(line, bare.as_ref().map(|b| b.1)), &bare) {
                (Some(Listed::Line(l)), _) => l.algorithm,
                (Some(Listed::Bare(_)), Some((_, algorithm))) => *algorithm,
                _ => continue,
            };
            if algorithm != Algorithm::Sha256 && !self.wanted.contains(&algorithm) {
                self.wanted.push(algorithm);
            }
        }
        self.sum_files.push(SumFile {
            name: name.to_string(),
            folder: folder.to_string(),
            text,
            bare,
        });
    }

    /// `os`, `osrelease`/`release` and `platforms` of a `profile.json` or an
    /// export's `metadata.json`, when the options give no OS.
    fn on_description(&mut self, name: &str, data: &[u8]) {
        if self.options.os.is_some() || self.inner_scope.is_some() {
            return;
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let Some(os) = text("os") else { return };
        let release = text("osrelease").or_else(|| text("release"));
        let platforms = value
            .get("platforms")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        self.inner_scope = Some(InnerScope {
            scope: Scope {
                os: Some(os),
                release,
                platforms,
            },
            from: name.to_string(),
        });
    }

    /// Every line of every checksum file against the files; coverage.
    fn check_sums(&mut self) -> Vec<Finding> {
        let mut out = Vec::new();
        let sum_files = std::mem::take(&mut self.sum_files);
        for sum in &sum_files {
            let sum_path = self.path(&sum.name);
            let mut usable = 0usize;
            for (i, line) in sum.text.lines().enumerate() {
                let parsed = match parse_any(line, sum.bare.as_ref().map(|b| b.1)) {
                    None => continue,
                    Some(Listed::Bare(digest)) => match &sum.bare {
                        // A bare digest: it applies to the file the checksum file
                        // is named after.
                        Some((target, algorithm)) => SumLine {
                            algorithm: *algorithm,
                            digest,
                            name: target.clone(),
                            binary: false,
                            tagged: false,
                        },
                        None => continue,
                    },
                    Some(Listed::Line(mut l)) => {
                        l.name = join(&sum.folder, &l.name);
                        l
                    }
                };
                usable += 1;
                let Some(name) = normalize(&parsed.name) else {
                    out.push(
                        Finding::error(
                            Rule::BundleMissingEntry,
                            &sum_path,
                            format!(
                                "line {}: \"{}\" is not a name inside the archive",
                                i + 1,
                                parsed.name
                            ),
                        )
                        .at(i + 1, 1),
                    );
                    continue;
                };
                let Some(seen) = self.files.get_mut(&name) else {
                    out.push(Finding::error(
                        Rule::BundleMissingEntry,
                        format!("{}/{name}", self.display),
                        format!("listed in {} but not in the archive", sum.name),
                    ));
                    continue;
                };
                let actual = if parsed.algorithm == Algorithm::Sha256 {
                    Some(seen.sha256.to_vec())
                } else {
                    seen.more
                        .iter()
                        .find(|(a, _)| *a == parsed.algorithm)
                        .map(|(_, d)| d.clone())
                };
                let Some(actual) = actual else {
                    out.push(Finding::warning(
                        Rule::BundleUnverified,
                        format!("{}/{name}", self.display),
                        format!(
                            "listed in {} with a {} digest, but it comes before that file in the archive: one streaming pass cannot check it",
                            sum.name, parsed.algorithm
                        ),
                    ));
                    continue;
                };
                if actual == parsed.digest {
                    seen.covered = true;
                } else {
                    out.push(Finding::error(
                        Rule::BundleChecksumMismatch,
                        format!("{}/{name}", self.display),
                        format!(
                            "{} is {} but {} says {}",
                            parsed.algorithm,
                            hex(&actual),
                            sum.name,
                            hex(&parsed.digest)
                        ),
                    ));
                }
            }
            // An osbundle CHECKSUM holds the ledger of the original archive, which a
            // re-packed archive cannot match: the note says so.
            if usable == 0 && !sum.text.contains(&format!("{LEDGER_TAG} ")) {
                out.push(Finding::warning(
                    Rule::BundleUnverified,
                    sum_path,
                    "named like a checksum file, but holds no checksum line",
                ));
            }
        }
        self.sum_files = sum_files;
        let uncovered: Vec<&String> = self
            .order
            .iter()
            .filter(|n| {
                self.files
                    .get(*n)
                    .is_some_and(|s| !s.covered && !s.checksum_file)
            })
            .collect();
        if self.sum_files.is_empty() && !self.order.is_empty() {
            out.push(Finding::warning(
                Rule::BundleUnverified,
                &self.display,
                format!(
                    "no checksum file inside (SHA256SUMS, *.sha256, MD5SUMS, ...): none of its {} files is covered; only the tar header checksums (and the gzip CRC-32 of a compressed archive) vouch for them",
                    uncovered.len()
                ),
            ));
        } else if !uncovered.is_empty() {
            let shown: Vec<String> = uncovered
                .iter()
                .take(SHOWN)
                .map(|n| format!("\"{n}\""))
                .collect();
            let more = uncovered.len().saturating_sub(SHOWN);
            out.push(Finding::warning(
                Rule::BundleUnverified,
                &self.display,
                format!(
                    "{} of its {} files are covered by no checksum inside: {}{}",
                    uncovered.len(),
                    self.files.values().filter(|s| !s.checksum_file).count(),
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        out
    }
}

impl Layout for Foreign<'_> {
    fn name(&self) -> &'static str {
        "foreign"
    }

    fn tolerant(&self) -> bool {
        true
    }

    fn begin(&mut self, head: &Head<'_>) -> Plan {
        if head.dir {
            return Plan {
                label: "folder",
                keep: false,
            };
        }
        let (_, file) = split(head.name);
        let is_sum = is_sum_file(file);
        let kind = if is_sum {
            None
        } else {
            self.kind_of(head.name)
        };
        let label = match (is_sum, kind) {
            (true, _) => "checksums",
            (_, Some(kind)) => kind.as_str(),
            _ if matches!(file, PROFILE_FILE | METADATA) => "metadata",
            _ => "other",
        };
        self.payload = None;
        if !head.safe {
            return Plan { label, keep: false };
        }
        if let Some(kind) = kind {
            self.payload = payload::Stream::start(
                kind,
                head.path,
                file,
                head.size,
                super::osbundle::payload_options(self.deep),
            );
        }
        let keep_max = match kind {
            _ if is_sum => MANIFEST_MAX,
            Some(kind) if Content::is_read(kind) => TEXT_MAX,
            None if label == "metadata" => METADATA_MAX,
            _ => 0,
        };
        let keep = keep_max > 0 && head.size <= keep_max;
        if keep_max > 0 && !keep {
            self.findings.push(Finding::warning(
                Rule::BundleLimitExceeded,
                head.path,
                format!(
                    "{} bytes is more than the {} read for content checks; only its name was checked",
                    head.size,
                    show_size(keep_max)
                ),
            ));
        }
        self.hashers = self.wanted.iter().map(|a| Hasher::new(*a)).collect();
        Plan { label, keep }
    }

    fn data(&mut self, chunk: &[u8]) {
        for hasher in &mut self.hashers {
            hasher.update(chunk);
        }
        if let Some(p) = &mut self.payload {
            p.feed(chunk);
        }
    }

    fn end(&mut self, entry: Entry<'_>) {
        let head = entry.head;
        let more = std::mem::take(&mut self.hashers)
            .into_iter()
            .map(|h| (h.algorithm(), h.finalize()))
            .collect();
        if head.dir {
            return;
        }
        let (_, file) = split(head.name);
        let is_sum = is_sum_file(file);
        if !self.files.contains_key(head.name) {
            self.order.push(head.name.to_string());
        }
        self.files.insert(
            head.name.to_string(),
            Seen {
                sha256: entry.sha256,
                more,
                covered: false,
                checksum_file: is_sum,
            },
        );
        let payload = self.payload.take();
        let Some(data) = entry.data else {
            if let (false, Some(kind)) = (is_sum, self.kind_of(head.name)) {
                self.checked += 1;
                let content = payload.map(payload::Stream::finish).unwrap_or_default();
                if let Some(checker) = self.checker.as_mut() {
                    checker.file(kind, head.path, Some(file), content);
                }
            } else if !is_sum {
                self.unknown_kind += 1;
            }
            return;
        };
        if is_sum {
            self.on_sum_file(head.name, &data);
        } else if let Some(kind) = self.kind_of(head.name) {
            self.checked += 1;
            let content = Content::of(kind, head.path, &data);
            if let Some(checker) = self.checker.as_mut() {
                checker.file(kind, head.path, Some(file), content);
            }
        } else if matches!(file, PROFILE_FILE | METADATA) {
            self.on_description(head.name, &data);
        }
    }

    fn finish(&mut self, entries: &[EntryInfo], complete: bool) -> Finished {
        let mut findings = std::mem::take(&mut self.findings);
        if complete && entries.iter().all(|e| e.label == "folder") {
            // Whole, but nothing in it: not an export of anything.
            findings.push(Finding::error(
                Rule::BundleMissingEntry,
                &self.display,
                format!(
                    "the archive holds no file{}: an export with no file in it is not a profile export",
                    match entries.len() {
                        0 => String::new(),
                        n => format!(" (only {n} folder entries)"),
                    }
                ),
            ));
            return Finished {
                findings,
                metadata: None,
            };
        }
        let repacked = self.files.contains_key(METADATA)
            && self.files.contains_key(MANIFEST)
            && self.files.contains_key(CHECKSUM);
        // One note says every fact of the layout once: what the archive is, and
        // what could not be judged.
        let mut facts = Vec::new();
        if complete || !self.order.is_empty() {
            facts.push(
                "not in the osbundle layout (metadata.json first, SHA256SUMS, CHECKSUM last): checked as a foreign export"
                    .to_string(),
            );
        }
        if repacked {
            facts.push(
                "it holds an osbundle bundle's files but was re-packed, so its CHECKSUM (over the original tar headers) cannot be checked, only its SHA256SUMS"
                    .to_string(),
            );
        }
        if let Some(mut checker) = self.checker.take() {
            let scope = match (&self.options.os, &self.inner_scope) {
                (Some(_), _) => Some((&self.options, self.display.clone())),
                (None, Some(inner)) => Some((&inner.scope, self.path(&inner.from))),
                (None, None) => None,
            };
            match scope {
                Some((scope, path)) => {
                    checker.scope(
                        scope.os.as_deref(),
                        scope.release.as_deref(),
                        &scope.platforms,
                        ScopeSource::options(&path),
                    );
                }
                None if self.checked == 0 => {}
                None => facts.push(
                    "no OS known (give --os and --release, or ship a profile.json), so the OS checks of the files inside were skipped and extensions were checked against every OS"
                        .to_string(),
                ),
            }
            findings.extend(checker.finish());
        }
        match self.unknown_kind {
            0 => {}
            1 => facts.push(
                "1 file is in no kind folder and has no extension of one kind: checked for integrity and safety only"
                    .to_string(),
            ),
            n => facts.push(format!(
                "{n} files are in no kind folder and have no extension of one kind: checked for integrity and safety only"
            )),
        }
        if !facts.is_empty() {
            findings.push(Finding::note(
                Rule::BundleForeign,
                &self.display,
                facts.join("; "),
            ));
        }
        if complete {
            findings.extend(self.check_sums());
        }
        Finished {
            findings,
            metadata: None,
        }
    }
}

/// Whether `file` is named like a checksum file.
fn is_sum_file(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "sha256sums" | "sha512sums" | "sha1sums" | "md5sums" | "checksums" | "checksum"
    ) || lower.starts_with("checksums.")
        || ["sha256sums.", "sha512sums.", "sha1sums.", "md5sums."]
            .iter()
            .any(|p| lower.starts_with(p))
        || sum_extension(file).is_some()
}

/// `x.sha256` → (`x`, SHA-256), and the same for `.sha512`, `.sha1`, `.md5`.
fn sum_extension(file: &str) -> Option<(&str, Algorithm)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let algorithm = match ext.to_ascii_lowercase().as_str() {
        "sha256" => Algorithm::Sha256,
        "sha512" => Algorithm::Sha512,
        "sha1" => Algorithm::Sha1,
        "md5" => Algorithm::Md5,
        _ => return None,
    };
    (!stem.is_empty()).then_some((stem, algorithm))
}

/// A usable line of a checksum file.
#[derive(Debug)]
enum Listed {
    /// A checksum line in either form.
    Line(SumLine),
    /// A bare digest, of the algorithm the checksum file's extension names.
    Bare(Vec<u8>),
}

/// A line of a checksum file: `None` when it is blank, a comment, or the osbundle
/// ledger line of `CHECKSUM`; a bare digest only where `bare` gives the algorithm
/// it must have.
fn parse_any(line: &str, bare: Option<Algorithm>) -> Option<Listed> {
    let trimmed = line.trim();
    let ledger = trimmed
        .strip_prefix(LEDGER_TAG)
        .is_some_and(|rest| rest.starts_with(' '));
    if trimmed.is_empty() || trimmed.starts_with('#') || ledger {
        return None;
    }
    if let Some(digest) = bare.and_then(|algorithm| sums::parse_bare(trimmed, algorithm)) {
        return Some(Listed::Bare(digest));
    }
    sums::parse_line(line).ok().map(Listed::Line)
}

/// The folder and the file name of an entry name.
fn split(name: &str) -> (&str, &str) {
    name.rsplit_once('/').unwrap_or(("", name))
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() || name.starts_with('/') {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

/// A listed name as an entry name: `.` components dropped, `..` resolved; `None`
/// when it is absolute or leaves the archive.
fn normalize(name: &str) -> Option<String> {
    if name.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_files_are_told_by_name() {
        for name in [
            "SHA256SUMS",
            "sha256sums.txt",
            "MD5SUMS",
            "checksums.txt",
            "nic.zip.sha256",
            "x.MD5",
            "SHA512SUMS",
        ] {
            assert!(is_sum_file(name), "{name}");
        }
        for name in ["sha256", "nic.zip", "sums.json", ".sha256"] {
            assert!(!is_sum_file(name), "{name}");
        }
        assert_eq!(
            sum_extension("nic.zip.sha256"),
            Some(("nic.zip", Algorithm::Sha256))
        );
    }

    #[test]
    fn names_resolve_inside_the_archive() {
        assert_eq!(normalize("./a/./b"), Some("a/b".into()));
        assert_eq!(normalize("a/../b"), Some("b".into()));
        assert_eq!(normalize("../b"), None);
        assert_eq!(normalize("/etc/passwd"), None);
        assert_eq!(join("p", "./drivers/x"), "p/./drivers/x");
        assert_eq!(join("", "x"), "x");
    }

    #[test]
    fn lines_of_every_form() {
        let d = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(matches!(
            parse_any(&format!("{d}  a"), None),
            Some(Listed::Line(_))
        ));
        assert!(matches!(
            parse_any(&format!("SHA256 (a) = {d}"), None),
            Some(Listed::Line(_))
        ));
        assert!(matches!(
            parse_any(d, Some(Algorithm::Sha256)),
            Some(Listed::Bare(digest)) if digest.len() == 32
        ));
        assert!(parse_any(d, None).is_none());
        assert!(parse_any(&format!("sha256-ledger-v1 {d}"), None).is_none());
        assert!(parse_any("# comment", None).is_none());
    }
}
