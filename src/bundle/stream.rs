//! The stream layer of every bundle reader: gzip → tar entries, limits, safety,
//! digests, the archive ledger and the extraction sink. It knows nothing of what a
//! bundle should hold: it hands every entry to a [`Layout`], which judges the content
//! (the osbundle layout of `docs/FORMAT.md`, or another exporter's).
//!
//! The gzip stream is inflated on a second thread ([`super::gzip::with_inflated`]);
//! this thread parses tar headers, applies the entry-safety rules of
//! [`crate::names`] and the [`Limits`], hashes every entry and feeds the ledger.
//! Memory: the inflate buffers, one digest state, and the entries a layout asks to
//! keep (each under a limit the layout enforces), one at a time.

use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

use super::format::Ledger;
use super::gzip::{self, FileTap, GzipInfo, StreamEnd};
use super::limits::show_size;
use super::sums::{hex, Algorithm};
use super::tar::{EntryKind, Header, Notice, TarReader};
use super::{Fault, Limits};
use crate::findings::{Finding, Rule};
use crate::names::{mode_problem, name_problem, type_problem, NameSet};

/// An entry's header, as a layout sees it before the data.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// Position in the archive, from 0.
    pub index: usize,
    /// The entry name (lossy UTF-8).
    pub name: &'a str,
    /// The path findings about it are reported at: `<bundle>/<name>`.
    pub path: &'a str,
    /// Size in bytes.
    pub size: u64,
    /// tar mode bits.
    #[allow(dead_code)] // for layouts that judge modes; the osbundle layout does not
    pub mode: u32,
    /// Whether it passed the safety rules; unsafe entries are hashed and listed, but
    /// never kept, handed to [`Layout::end`] or extracted.
    pub safe: bool,
    /// A folder entry (only a [tolerant](Layout::tolerant) layout gets these as safe
    /// entries; they have no data).
    pub dir: bool,
}

/// What a layout wants of an entry, answered before its data is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// What the entry is, for listings (`metadata`, `driver`, `other`, ...).
    pub label: &'static str,
    /// Hold the whole data and hand it to [`Layout::end`]. The layout has checked the
    /// size against its own limit.
    pub keep: bool,
}

/// A safe entry that was read whole.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Its header.
    pub head: Head<'a>,
    /// SHA-256 of its data.
    #[allow(dead_code)] // for layouts that match digests as entries come (foreign)
    pub sha256: [u8; 32],
    /// Its data, when the plan asked to keep it.
    pub data: Option<Vec<u8>>,
    /// The ledger of every entry before this one.
    pub ledger_before: &'a Ledger,
}

/// What a layout concluded at the end of the stream.
#[derive(Debug, Default)]
pub struct Finished {
    /// Its findings.
    pub findings: Vec<Finding>,
    /// The bundle's metadata document, when the layout has one and it parsed.
    pub metadata: Option<serde_json::Value>,
}

/// The checker of one bundle layout: handed every entry of the stream in archive
/// order, then asked to conclude. Implementations: the osbundle and foreign layouts
/// of [`super::layout`], and [`super::layout::Detect`], which picks one of the two
/// from the first entry.
pub trait Layout {
    /// The layout's name in reports (`osbundle`, `foreign`).
    fn name(&self) -> &'static str;
    /// The first entry's raw name, before anything else: a layout that chooses
    /// between layouts decides here. Not called for an empty archive.
    fn detect(&mut self, _first_name: &[u8]) {}
    /// Whether entries are taken as any exporter writes them: `./` prefixes
    /// stripped, folder entries as folders, and unsafe mode bits a warning
    /// (`bundle-mode-cleared`: extraction never sets them) rather than an unsafe
    /// entry; data after the end of the archive or in tar padding is then a
    /// warning too, not an error. The osbundle layout is strict.
    fn tolerant(&self) -> bool {
        false
    }
    /// An entry's header, before its data (every entry, safe or not).
    fn begin(&mut self, head: &Head<'_>) -> Plan;
    /// Every piece of a safe entry's data, in order, for layouts that need more than
    /// its SHA-256. The default ignores them.
    fn data(&mut self, _chunk: &[u8]) {}
    /// A safe entry was read whole.
    fn end(&mut self, entry: Entry<'_>);
    /// The stream is over: `entries` is every entry read, `complete` whether the
    /// stream was read to its end without damage or a limit.
    fn finish(&mut self, entries: &[EntryInfo], complete: bool) -> Finished;
}

/// One entry of a bundle, as listed by `inspect`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryInfo {
    /// The entry name (lossy UTF-8).
    pub name: String,
    /// What it is, as the layout labels it: `metadata`, a kind (`driver`, ...),
    /// `manifest`, `checksum`, `checksums` (a checksum file of a foreign archive),
    /// `folder`, `other`. Not always a [`Kind`](crate::Kind): `kind` in JSON only.
    #[serde(rename = "kind")]
    pub label: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of its data, hex.
    pub sha256: String,
    /// Whether it passed the safety rules.
    #[serde(skip)]
    pub safe: bool,
}

/// Receives the data of every safe entry (extraction).
pub trait Sink {
    /// A new entry `name` (safe: it passed the entry-safety rules) with tar `mode`.
    fn begin(&mut self, name: &str, mode: u32) -> io::Result<()>;
    /// The next piece of its data.
    fn data(&mut self, chunk: &[u8]) -> io::Result<()>;
    /// The entry is complete.
    fn end(&mut self) -> io::Result<()>;
    /// A safe folder entry `name` (from a tolerant layout).
    fn dir(&mut self, name: &str) -> io::Result<()> {
        let _ = name;
        Ok(())
    }
}

/// The outcome of the stream layer for one bundle.
#[derive(Debug, Default)]
pub struct Streamed {
    /// Findings of the stream layer (damage, limits, unsafe entries, file digest).
    pub findings: Vec<Finding>,
    /// Entries in archive order (up to where reading stopped).
    pub entries: Vec<EntryInfo>,
    /// Whether the whole stream was read (no damage, no limit hit).
    pub complete: bool,
    /// The gzip framing, when the whole gzip stream was read: a layout tells from it
    /// whether the bytes are what `build` writes.
    pub gzip: Option<GzipInfo>,
    /// What the tar reader tolerated (end-of-archive marker, padding, data after
    /// the end): how much that matters is the layout's call.
    pub notices: Vec<Notice>,
    /// Whether the bundle file has the expected digest: `None` when none was
    /// expected or the file was not read to its end.
    pub file_digest_matches: Option<bool>,
}

enum Stop {
    Fault(Fault),
    Sink(io::Error),
}

impl From<Fault> for Stop {
    fn from(f: Fault) -> Self {
        Stop::Fault(f)
    }
}

/// The digest a bundle file must have, and where that was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The digest.
    pub digest: Vec<u8>,
    /// Where it comes from, for messages (`SHA256SUMS beside it`, `--expect-sha256`).
    pub from: String,
}

impl Expected {
    /// A SHA-256 the bundle file must have, said by `from`.
    pub fn sha256(digest: [u8; 32], from: &str) -> Expected {
        Expected {
            algorithm: Algorithm::Sha256,
            digest: digest.to_vec(),
            from: from.to_string(),
        }
    }
}

/// [`read_tapped`] with no tap (the stream layer's tests).
#[cfg(test)]
pub fn read_expecting(
    source: impl Read + Send,
    display: &str,
    limits: &Limits,
    expected: Option<Expected>,
    layout: &mut dyn Layout,
    sink: Option<&mut dyn Sink>,
) -> (Streamed, Option<io::Error>) {
    read_tapped(source, display, limits, expected, None, layout, sink)
}

/// [`read_expecting`] that also hands the file's own bytes to `tap` (signature
/// prehashes), in the same read.
pub fn read_tapped(
    source: impl Read + Send,
    display: &str,
    limits: &Limits,
    expected: Option<Expected>,
    tap: Option<&mut dyn FileTap>,
    layout: &mut dyn Layout,
    sink: Option<&mut dyn Sink>,
) -> (Streamed, Option<io::Error>) {
    let mut state = State {
        display,
        limits: *limits,
        findings: Vec::new(),
        entries: Vec::new(),
        names: NameSet::default(),
        total: 0,
        ledger: Ledger::default(),
    };
    let (result, notices, end) = gzip::with_inflated_hashing(
        source,
        limits,
        expected.as_ref().map(|e| e.algorithm),
        tap,
        |inflated| {
            let mut tar = TarReader::new(&mut *inflated);
            let result = state.run(&mut tar, layout, sink);
            let notices = tar.notices().to_vec();
            (result, notices, inflated.end().cloned())
        },
    );
    let mut gzip_info = None;
    let mut sink_error = None;
    let mut file_digest_matches = None;
    let complete = match (result, end) {
        (Ok(()), Some(Ok(end))) => {
            file_digest_matches = state.end_of_stream(&end, expected.as_ref());
            gzip_info = Some(end.gzip);
            true
        }
        (Ok(()), Some(Err(fault))) | (Err(Stop::Fault(fault)), _) => {
            // A bundle that could not be read is no finding: the caller fails.
            match fault.read_error() {
                Some(e) => sink_error = Some(e),
                None => state
                    .findings
                    .push(Finding::error(fault.rule, display, fault.message)),
            }
            false
        }
        (Ok(()), None) => {
            state.findings.push(Finding::error(
                Rule::BundleCorrupt,
                display,
                "the stream ended early",
            ));
            false
        }
        (Err(Stop::Sink(e)), _) => {
            sink_error = Some(e);
            false
        }
    };
    let streamed = Streamed {
        findings: state.findings,
        entries: state.entries,
        complete,
        gzip: gzip_info,
        notices,
        file_digest_matches,
    };
    (streamed, sink_error)
}

struct State<'a> {
    display: &'a str,
    limits: Limits,
    findings: Vec<Finding>,
    entries: Vec<EntryInfo>,
    names: NameSet,
    total: u64,
    ledger: Ledger,
}

impl State<'_> {
    fn run<R: BufRead>(
        &mut self,
        tar: &mut TarReader<R>,
        layout: &mut dyn Layout,
        mut sink: Option<&mut dyn Sink>,
    ) -> Result<(), Stop> {
        while let Some(header) = tar.next_header()? {
            self.entry(tar, header, layout, &mut sink)?;
        }
        Ok(())
    }

    fn entry<R: BufRead>(
        &mut self,
        tar: &mut TarReader<R>,
        h: Header,
        layout: &mut dyn Layout,
        sink: &mut Option<&mut dyn Sink>,
    ) -> Result<(), Stop> {
        let limits = self.limits;
        if self.entries.len() as u64 >= limits.max_entries {
            return Err(Fault::limit(format!("more than {} entries", limits.max_entries)).into());
        }
        if self.entries.is_empty() {
            layout.detect(&h.name);
        }
        let tolerant = layout.tolerant();
        let is_dir = h.kind() == EntryKind::Directory;
        let raw_name = if tolerant {
            tolerant_name(&h.name, is_dir)
        } else {
            &h.name[..]
        };
        let name = crate::names::shown(raw_name);
        if tolerant && is_dir && raw_name.is_empty() {
            // The archive's own top folder (`./`): nothing to check or create.
            self.ledger.add(&h.raw, &Sha256::digest(b"").into());
            self.push(
                &crate::names::shown(&h.name),
                "folder",
                0,
                &Sha256::digest(b"").into(),
                true,
            );
            return Ok(());
        }
        let path = format!("{}/{name}", self.display);
        if h.size > limits.max_entry_size {
            return Err(Fault::limit(format!(
                "entry \"{name}\" has {} bytes, more than the {} limit per entry",
                h.size,
                show_size(limits.max_entry_size)
            ))
            .into());
        }
        self.total = self.total.saturating_add(h.size);
        if self.total > limits.max_total_size {
            return Err(Fault::limit(format!(
                "entries add up to more than the {} limit in total (at \"{name}\")",
                show_size(limits.max_total_size)
            ))
            .into());
        }
        for warning in &h.warnings {
            self.findings.push(Finding::warning(
                Rule::BundleCorrupt,
                &path,
                format!("tolerated in its tar header: {warning}"),
            ));
        }
        if tolerant && !is_dir && h.mode & 0o7022 != 0 {
            self.findings.push(Finding::warning(
                Rule::BundleModeCleared,
                &path,
                format!(
                    "mode {:o} has {}: extraction clears {}",
                    h.mode & 0o7777,
                    mode_bits(h.mode),
                    if h.mode & 0o7022 == h.mode & 0o022 {
                        "them"
                    } else {
                        "these bits"
                    }
                ),
            ));
        }
        let folder_entry = (!tolerant && is_dir).then(|| {
            "a folder entry: bundles hold regular files only (tar creates their folders)"
                .to_string()
        });
        let problem = folder_entry
            .or_else(|| name_problem(raw_name))
            .or_else(|| {
                h.sparse.then(|| {
                    "a sparse file (GNU sparse format): not supported, its data is not its content"
                        .to_string()
                })
            })
            .or_else(|| {
                if tolerant && is_dir {
                    return None;
                }
                type_problem(h.typeflag).map(str::to_string)
            })
            .or_else(|| {
                if tolerant {
                    return None;
                }
                mode_problem(h.mode).map(str::to_string)
            })
            .or_else(|| {
                if is_dir {
                    self.names.insert_folder(&name)
                } else {
                    self.names.insert(&name)
                }
            });
        let head = Head {
            index: self.entries.len(),
            name: &name,
            path: &path,
            size: h.size,
            mode: h.mode,
            safe: problem.is_none(),
            dir: is_dir,
        };
        let plan = layout.begin(&head);
        if let Some(problem) = problem {
            self.findings.push(Finding::error(
                Rule::BundleUnsafeEntry,
                &path,
                format!("unsafe entry: {problem}"),
            ));
            let mut sha = Sha256::new();
            tar.read_data(|c| sha.update(c))?;
            let digest: [u8; 32] = sha.finalize().into();
            self.ledger.add(&h.raw, &digest);
            self.push(&name, plan.label, h.size, &digest, false);
            return Ok(());
        }
        let mut sha = Sha256::new();
        let mut kept = Vec::new();
        let mut sink_error = None;
        if is_dir {
            if let Some(s) = sink.as_deref_mut() {
                s.dir(&name).map_err(Stop::Sink)?;
            }
            let digest: [u8; 32] = sha.finalize().into();
            layout.end(Entry {
                head,
                sha256: digest,
                data: None,
                ledger_before: &self.ledger,
            });
            self.ledger.add(&h.raw, &digest);
            self.push(&name, plan.label, 0, &digest, true);
            return Ok(());
        }
        if let Some(s) = sink.as_deref_mut() {
            s.begin(&name, h.mode).map_err(Stop::Sink)?;
        }
        tar.read_data(|chunk| {
            sha.update(chunk);
            layout.data(chunk);
            if plan.keep {
                kept.extend_from_slice(chunk);
            }
            if let (Some(s), None) = (sink.as_deref_mut(), &sink_error) {
                if let Err(e) = s.data(chunk) {
                    sink_error = Some(e);
                }
            }
        })?;
        if let Some(e) = sink_error {
            return Err(Stop::Sink(e));
        }
        if let Some(s) = sink.as_deref_mut() {
            s.end().map_err(Stop::Sink)?;
        }
        let digest: [u8; 32] = sha.finalize().into();
        layout.end(Entry {
            head,
            sha256: digest,
            data: plan.keep.then_some(kept),
            ledger_before: &self.ledger,
        });
        self.ledger.add(&h.raw, &digest);
        self.push(&name, plan.label, h.size, &digest, true);
        Ok(())
    }

    fn push(&mut self, name: &str, label: &'static str, size: u64, digest: &[u8; 32], safe: bool) {
        self.entries.push(EntryInfo {
            name: name.to_string(),
            label,
            size,
            sha256: hex(digest),
            safe,
        });
    }

    fn end_of_stream(&mut self, end: &StreamEnd, expected: Option<&Expected>) -> Option<bool> {
        let (Some(expected), Some((_, actual))) = (expected, &end.file_digest) else {
            return None;
        };
        if expected.digest == *actual {
            return Some(true);
        }
        self.findings.push(Finding::error(
            Rule::BundleChecksumMismatch,
            self.display,
            format!(
                "{} of the bundle file is {} but {} says {}",
                expected.algorithm,
                hex(actual),
                expected.from,
                hex(&expected.digest)
            ),
        ));
        Some(false)
    }
}

/// A name as a tolerant reader takes it: `./` prefixes stripped, and a folder's
/// trailing slashes.
fn tolerant_name(name: &[u8], dir: bool) -> &[u8] {
    let mut name = name;
    loop {
        if let Some(rest) = name.strip_prefix(b"./") {
            name = rest;
        } else if name == b"." {
            name = b"";
        } else {
            break;
        }
    }
    while dir && name.last() == Some(&b'/') {
        name = &name[..name.len() - 1];
    }
    name
}

/// The bits of `mode` extraction clears, in words.
fn mode_bits(mode: u32) -> String {
    let mut bits = Vec::new();
    for (bit, what) in [
        (0o4000, "setuid"),
        (0o2000, "setgid"),
        (0o1000, "sticky"),
        (0o020, "group write"),
        (0o002, "other write"),
    ] {
        if mode & bit != 0 {
            bits.push(what);
        }
    }
    bits.join(", ")
}

/// A gzip'd tar of `(name, data)` entries, names written raw, for the unit tests of
/// the stream layer and the layouts.
#[cfg(test)]
pub(crate) mod testing {
    use std::io::Write;

    use crate::bundle::tar::{field, file_header, pad, END};

    pub(crate) fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut tar = Vec::new();
        for (name, data) in entries {
            let mut header = file_header("placeholder", data.len() as u64, 0o644, 0).unwrap();
            // Names the header writer refuses (`..`) go in raw.
            header[field::NAME].fill(0);
            header[..name.len()].copy_from_slice(name.as_bytes());
            header[field::PREFIX].fill(0);
            header[field::CHECKSUM].fill(b' ');
            let sum: u32 = header[..512].iter().map(|&b| u32::from(b)).sum();
            header[field::CHECKSUM].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
            tar.extend_from_slice(&header);
            tar.extend_from_slice(data);
            tar.resize(tar.len() + pad(data.len() as u64) as usize, 0);
        }
        tar.extend_from_slice(&END);
        let mut gz = crate::bundle::gzip::ParGzWriter::new(Vec::new(), 1, 1).unwrap();
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::tar_gz;
    use super::*;
    use std::io::Read;

    /// [`read_expecting`], with the SHA-256 the bundle file must have.
    fn read(
        source: impl Read + Send,
        display: &str,
        limits: &Limits,
        file_sha256: Option<[u8; 32]>,
        layout: &mut dyn Layout,
        sink: Option<&mut dyn Sink>,
    ) -> (Streamed, Option<io::Error>) {
        let expected = file_sha256.map(|d| Expected::sha256(d, "its .sha256 file"));
        read_expecting(source, display, limits, expected, layout, sink)
    }

    /// Records what the stream hands over.
    #[derive(Default)]
    struct Recorder {
        begun: Vec<(String, bool)>,
        ended: Vec<(String, Option<Vec<u8>>)>,
        chunks: usize,
    }

    impl Layout for Recorder {
        fn name(&self) -> &'static str {
            "test"
        }
        fn begin(&mut self, head: &Head<'_>) -> Plan {
            self.begun.push((head.name.to_string(), head.safe));
            Plan {
                label: "x",
                keep: head.name.ends_with(".txt"),
            }
        }
        fn data(&mut self, _chunk: &[u8]) {
            self.chunks += 1;
        }
        fn end(&mut self, entry: Entry<'_>) {
            self.ended.push((entry.head.name.to_string(), entry.data));
        }
        fn finish(&mut self, _: &[EntryInfo], _: bool) -> Finished {
            Finished::default()
        }
    }

    #[test]
    fn entries_reach_the_layout_with_digests_and_kept_data() {
        let gz = tar_gz(&[("a.txt", b"hello"), ("b.bin", b"xyz"), ("../c", b"!")]);
        let mut layout = Recorder::default();
        let (s, e) = read(&gz[..], "b", &Limits::default(), None, &mut layout, None);
        assert!(e.is_none());
        assert!(s.complete, "{:?}", s.findings);
        assert_eq!(
            layout.begun,
            [
                ("a.txt".to_string(), true),
                ("b.bin".to_string(), true),
                ("../c".to_string(), false)
            ]
        );
        assert_eq!(
            layout.ended,
            [
                ("a.txt".to_string(), Some(b"hello".to_vec())),
                ("b.bin".to_string(), None)
            ]
        );
        assert_eq!(layout.chunks, 2);
        assert_eq!(s.entries.len(), 3);
        let hello: [u8; 32] = Sha256::digest(b"hello").into();
        assert_eq!(s.entries[0].sha256, hex(&hello));
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.findings[0].rule, Rule::BundleUnsafeEntry);
        assert_eq!(s.findings[0].path, "b/../c");
    }

    #[test]
    fn limits_stop_the_stream() {
        let gz = tar_gz(&[("a.txt", b"hello"), ("b.txt", b"world")]);
        let limits = Limits {
            max_entries: 1,
            ..Limits::default()
        };
        let mut layout = Recorder::default();
        let (s, _) = read(&gz[..], "b", &limits, None, &mut layout, None);
        assert!(!s.complete);
        assert_eq!(s.findings[0].rule, Rule::BundleLimitExceeded);
        assert_eq!(layout.ended.len(), 1);
    }

    /// Hands out `data`, then fails with `kind` instead of ending.
    struct Failing {
        data: Vec<u8>,
        at: usize,
        kind: io::ErrorKind,
    }

    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return Err(io::Error::new(self.kind, "the disk said no"));
            }
            let n = out.len().min(self.data.len() - self.at).min(700);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_of_the_source_is_an_error_not_a_finding() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let gz = tar_gz(&[("a.txt", b"hello"), ("b.bin", &big)]);
        let mut plain = Vec::new();
        // The same archive uncompressed: the plain-tar path reads the source too.
        crate::bundle::gzip::with_inflated(&gz[..], &Limits::default(), false, |r| {
            r.read_to_end(&mut plain)
        })
        .unwrap();
        for (what, bytes) in [("gzip", &gz), ("plain tar", &plain)] {
            for cut in [0, 5, 600, bytes.len() / 2, bytes.len()] {
                for kind in [io::ErrorKind::Other, io::ErrorKind::PermissionDenied] {
                    let source = Failing {
                        data: bytes[..cut].to_vec(),
                        at: 0,
                        kind,
                    };
                    let mut layout = Recorder::default();
                    let (s, e) = read(source, "b", &Limits::default(), None, &mut layout, None);
                    let e = e.unwrap_or_else(|| {
                        panic!("{what} cut at {cut}: no error, findings {:?}", s.findings)
                    });
                    assert_eq!(e.kind(), kind, "{what} cut at {cut}");
                    assert!(e.to_string().contains("the disk said no"), "{e}");
                    assert!(!s.complete);
                    assert!(
                        s.findings.iter().all(|f| f.rule != Rule::BundleCorrupt),
                        "{what} cut at {cut}: {:?}",
                        s.findings
                    );
                }
            }
        }
    }

    #[test]
    fn damage_and_file_digest_are_findings() {
        let gz = tar_gz(&[("a.txt", b"hello")]);
        let mut layout = Recorder::default();
        let (s, _) = read(
            &gz[..gz.len() - 9],
            "b",
            &Limits::default(),
            None,
            &mut layout,
            None,
        );
        assert!(!s.complete);
        assert_eq!(s.findings[0].rule, Rule::BundleCorrupt);
        let (s, _) = read(
            &gz[..],
            "b",
            &Limits::default(),
            Some([0; 32]),
            &mut layout,
            None,
        );
        assert!(s.complete);
        assert_eq!(s.findings[0].rule, Rule::BundleChecksumMismatch);
    }
}
