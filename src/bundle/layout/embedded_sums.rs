//! Checksum files embedded in a foreign archive, wherever they stand and whatever
//! the order of entries (`SHA256SUMS`, `SHA512SUMS`, `SHA1SUMS`, `MD5SUMS`,
//! `CHECKSUMS`, `checksums.txt`, `*.sha256`, `*.sha512`, `*.sha1`, `*.md5`), coreutils
//! or BSD lines ([`crate::bundle::sums`]), names relative to the checksum file's
//! folder, `./` tolerated, a bare digest in `x.sha256` applying to `x`: every listed
//! file must be there (`bundle-missing-entry`) and match
//! (`bundle-checksum-mismatch`); coverage: one `bundle-unverified` warning with the
//! count and the first names that no checksum covers.
//!
//! SHA-256 of every entry comes from the stream layer; SHA-512, SHA-1 and MD5 are
//! computed from the moment a checksum file of that algorithm has been seen, so one
//! pass costs no more than the lists need. A file listed only in a list of another
//! algorithm that came after it is reported as not checkable in one pass.
//!
//! The foreign layout ([`super::foreign`]) hands every regular file to
//! [`EmbeddedSums`] and asks it to conclude once the archive is whole.

use std::collections::HashMap;

use crate::bundle::format::LEDGER_TAG;
use crate::bundle::sums::{self, hex, Algorithm, Hasher, SumLine};
use crate::findings::{Finding, Rule};

/// How many uncovered names the `bundle-unverified` warning shows.
const SHOWN: usize = 5;

/// A digest of one algorithm.
#[derive(Debug)]
struct Digest {
    algorithm: Algorithm,
    bytes: Vec<u8>,
}

/// One regular file of the archive.
#[derive(Debug)]
struct Seen {
    sha256: [u8; 32],
    /// Other digests, computed when a list of that algorithm came before the file.
    more: Vec<Digest>,
    covered: bool,
    checksum_file: bool,
}

/// What a bare digest in `x.sha256` (`.sha512`, `.sha1`, `.md5`) applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BareTarget {
    /// The entry name of `x`, in the checksum file's folder.
    name: String,
    /// The algorithm the extension names.
    algorithm: Algorithm,
}

/// A checksum file of the archive.
#[derive(Debug)]
struct SumFile {
    name: String,
    folder: String,
    text: String,
    /// For `x.sha256`: the file a bare digest applies to, and the algorithm.
    bare: Option<BareTarget>,
}

/// The embedded checksum files of one archive and the digests of its files, as
/// they stream past.
#[derive(Debug, Default)]
pub(super) struct EmbeddedSums {
    files: HashMap<String, Seen>,
    /// The regular files, in archive order (first appearance).
    order: Vec<String>,
    sum_files: Vec<SumFile>,
    /// The algorithms other than SHA-256 that the checksum files seen so far use.
    wanted: Vec<Algorithm>,
    /// Digest states of the entry being read, for the algorithms of `wanted`.
    hashers: Vec<Hasher>,
}

impl EmbeddedSums {
    /// Whether a regular file named `name` has been seen.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Whether no regular file has been seen.
    pub(super) fn no_files(&self) -> bool {
        self.order.is_empty()
    }

    /// A regular file begins: digests of every wanted algorithm start.
    pub(super) fn begin_file(&mut self) {
        self.hashers = self.wanted.iter().map(|a| Hasher::new(*a)).collect();
    }

    /// Bytes of the file being read.
    pub(super) fn data(&mut self, chunk: &[u8]) {
        for hasher in &mut self.hashers {
            hasher.update(chunk);
        }
    }

    /// The digests of the entry that ended; they are dropped for a folder.
    fn take_digests(&mut self) -> Vec<Digest> {
        std::mem::take(&mut self.hashers)
            .into_iter()
            .map(|h| Digest {
                algorithm: h.algorithm(),
                bytes: h.finalize(),
            })
            .collect()
    }

    /// An entry ended: a regular file is recorded with its digests, a folder is not.
    pub(super) fn end_entry(&mut self, name: &str, dir: bool, sha256: [u8; 32]) {
        let more = self.take_digests();
        if dir {
            return;
        }
        if !self.files.contains_key(name) {
            self.order.push(name.to_string());
        }
        self.files.insert(
            name.to_string(),
            Seen {
                sha256,
                more,
                covered: false,
                checksum_file: is_sum_file(split(name).1),
            },
        );
    }

    /// The text of the checksum file `name`: its algorithms are wanted from now on.
    pub(super) fn sum_file(&mut self, name: &str, data: &[u8]) {
        let text = String::from_utf8_lossy(data).into_owned();
        let (folder, file) = split(name);
        let bare = sum_extension(file).map(|(stem, algorithm)| BareTarget {
            name: join(folder, stem),
            algorithm,
        });
        for line in text.lines() {
            let algorithm = match (parse_any(line, bare.as_ref().map(|b| b.algorithm)), &bare) {
                (Some(Listed::Line(l)), _) => l.algorithm,
                (Some(Listed::Bare(_)), Some(target)) => target.algorithm,
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

    /// Every line of every checksum file against the files; coverage. Paths are
    /// shown inside `display`, the archive.
    pub(super) fn check(&mut self, display: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for sum in &self.sum_files {
            let sum_path = format!("{display}/{}", sum.name);
            let mut usable = 0usize;
            for (i, line) in sum.text.lines().enumerate() {
                let parsed = match parse_any(line, sum.bare.as_ref().map(|b| b.algorithm)) {
                    None => continue,
                    Some(Listed::Bare(digest)) => match &sum.bare {
                        // A bare digest: it applies to the file the checksum file
                        // is named after.
                        Some(target) => SumLine {
                            algorithm: target.algorithm,
                            digest,
                            name: target.name.clone(),
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
                        format!("{display}/{name}"),
                        format!("listed in {} but not in the archive", sum.name),
                    ));
                    continue;
                };
                let actual = if parsed.algorithm == Algorithm::Sha256 {
                    Some(seen.sha256.to_vec())
                } else {
                    seen.more
                        .iter()
                        .find(|d| d.algorithm == parsed.algorithm)
                        .map(|d| d.bytes.clone())
                };
                let Some(actual) = actual else {
                    out.push(Finding::warning(
                        Rule::BundleUnverified,
                        format!("{display}/{name}"),
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
                        format!("{display}/{name}"),
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
        out.extend(self.coverage(display));
        out
    }

    /// The one `bundle-unverified` warning on what no checksum covers.
    fn coverage(&self, display: &str) -> Option<Finding> {
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
            return Some(Finding::warning(
                Rule::BundleUnverified,
                display,
                format!(
                    "no checksum file inside (SHA256SUMS, *.sha256, MD5SUMS, ...): none of its {} files is covered; only the tar header checksums (and the gzip CRC-32 of a compressed archive) vouch for them",
                    uncovered.len()
                ),
            ));
        }
        if uncovered.is_empty() {
            return None;
        }
        let shown: Vec<String> = uncovered
            .iter()
            .take(SHOWN)
            .map(|n| format!("\"{n}\""))
            .collect();
        let more = uncovered.len().saturating_sub(SHOWN);
        Some(Finding::warning(
            Rule::BundleUnverified,
            display,
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
        ))
    }
}

/// Whether `file` is named like a checksum file.
pub(super) fn is_sum_file(file: &str) -> bool {
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
pub(super) fn split(name: &str) -> (&str, &str) {
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
