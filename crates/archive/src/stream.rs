//! The stream layer of every archive reader: gzip → tar entries, limits, entry
//! safety, digests and the extraction sink. It knows nothing of what an archive
//! should hold: it hands every entry to a [`Visitor`], which judges the content (in
//! osbundle, a bundle layout: its own, or another exporter's).
//!
//! The gzip stream is inflated on a second thread ([`crate::gzip::with_inflated`]);
//! this thread parses tar headers, applies the entry-safety rules of
//! [`crate::names`] and the [`Limits`], and hashes every entry. What it finds is a
//! [`Problem`] of a [`ProblemKind`], in the order found, with no severity: the
//! caller says what each kind means. Memory: the inflate buffers, one digest state,
//! and the entries a visitor asks to keep (each under a limit the visitor enforces),
//! one at a time.
//!
//! A ledger over the archive (osbundle's `CHECKSUM`) is the caller's: every entry's
//! raw header blocks and data digest go to [`Visitor::record`] in archive order,
//! after [`Visitor::end`], so a visitor knows the ledger of the entries before one.

use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

use crate::gzip::{self, FileTap, GzipInfo, StreamEnd};
use crate::limits::show_size;
use crate::names::{mode_problem, name_problem, shown, type_problem, NameSet};
use crate::sums::{hex, Algorithm};
use crate::tar::{EntryKind, Header, Notice, TarReader};
use crate::{Fault, FaultKind, Limits};

/// An entry's header, as a layout sees it before the data.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// Position in the archive, from 0.
    pub index: usize,
    /// The entry name (lossy UTF-8).
    pub name: &'a str,
    /// Where problems about it are: `<display>/<name>`.
    pub path: &'a str,
    /// Size in bytes.
    pub size: u64,
    /// tar mode bits.
    pub mode: u32,
    /// Whether it passed the safety rules; unsafe entries are hashed and listed, but
    /// never kept, handed to [`Visitor::end`] or extracted.
    pub safe: bool,
    /// A folder entry (only a [tolerant](Visitor::tolerant) visitor gets these as safe
    /// entries; they have no data).
    pub dir: bool,
}

/// What a visitor wants of an entry, answered before its data is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// What the entry is, for listings (`metadata`, `driver`, `other`, ...).
    pub label: &'static str,
    /// Hold the whole data and hand it to [`Visitor::end`]. The visitor has checked
    /// the size against its own limit.
    pub keep: bool,
}

/// A safe entry that was read whole.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Its header.
    pub head: Head<'a>,
    /// SHA-256 of its data.
    pub sha256: [u8; 32],
    /// Its data, when the plan asked to keep it.
    pub data: Option<Vec<u8>>,
}

/// The judge of one archive's content: handed every entry of the stream in archive
/// order. Only [`Visitor::begin`] is required.
pub trait Visitor {
    /// The first entry's raw name, before anything else: a visitor that chooses
    /// between layouts decides here. Not called for an empty archive.
    fn detect(&mut self, _first_name: &[u8]) {}
    /// Whether entries are taken as any exporter writes them: `./` prefixes
    /// stripped, folder entries as folders, and unsafe mode bits a
    /// [`ProblemKind::ModeCleared`] (extraction never sets them) rather than an
    /// unsafe entry. The default is strict.
    fn tolerant(&self) -> bool {
        false
    }
    /// An entry's header, before its data (every entry, safe or not).
    fn begin(&mut self, head: &Head<'_>) -> Plan;
    /// Every piece of a safe entry's data, in order, for visitors that need more than
    /// its SHA-256. The default ignores them.
    fn data(&mut self, _chunk: &[u8]) {}
    /// A safe entry was read whole. The default ignores it.
    fn end(&mut self, _entry: Entry<'_>) {}
    /// Every entry, safe or not (and the archive's own `./` folder), after
    /// [`Visitor::end`]: its raw header blocks (extension headers included) and the
    /// SHA-256 of its data, for a ledger over the archive. The default ignores them.
    fn record(&mut self, _raw_header: &[u8], _sha256: &[u8; 32]) {}
}

/// What the stream layer found, by kind; the caller gives each kind its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The stream stopped at damage ([`FaultKind::Corrupt`]), or ended early.
    Corrupt,
    /// The stream stopped at a limit ([`FaultKind::LimitExceeded`]).
    LimitExceeded,
    /// Something in an entry's tar headers that readers tolerate (a pax record
    /// without its newline, a size given to a header-only type).
    Tolerated,
    /// Mode bits a tolerant read keeps in the listing but extraction clears.
    ModeCleared,
    /// An entry that is never kept or extracted: its name, type or mode, a folder
    /// in a strict read, a sparse file, a name collision.
    UnsafeEntry,
    /// The archive file's digest is not the [`Expected`] one.
    ChecksumMismatch,
}

impl From<FaultKind> for ProblemKind {
    fn from(kind: FaultKind) -> Self {
        match kind {
            FaultKind::Corrupt => ProblemKind::Corrupt,
            FaultKind::LimitExceeded => ProblemKind::LimitExceeded,
        }
    }
}

/// One thing the stream layer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Where: the archive's display name, or `<display>/<entry name>`.
    pub path: String,
    /// The entry's name, as [`shown`] writes it, for a problem of one entry; `None`
    /// for the archive as a whole.
    pub entry: Option<String>,
    /// A sentence for the user.
    pub message: String,
}

/// One entry of a bundle, as listed by `inspect`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EntryInfo {
    /// The entry name (lossy UTF-8).
    pub name: String,
    /// What it is, as the visitor labels it ([`Plan::label`]; `folder` for the
    /// archive's own `./`). `kind` in JSON.
    #[cfg_attr(feature = "serde", serde(rename = "kind"))]
    pub label: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of its data, hex.
    pub sha256: String,
    /// Whether it passed the safety rules (not in JSON).
    #[cfg_attr(feature = "serde", serde(skip))]
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
    /// A safe folder entry `name` (from a tolerant visitor).
    fn dir(&mut self, name: &str) -> io::Result<()> {
        let _ = name;
        Ok(())
    }
}

/// The outcome of the stream layer for one archive.
#[derive(Debug, Default)]
pub struct Streamed {
    /// What the stream layer found (damage, limits, unsafe entries, file digest),
    /// in the order found.
    pub problems: Vec<Problem>,
    /// Entries in archive order (up to where reading stopped).
    pub entries: Vec<EntryInfo>,
    /// Whether the whole stream was read (no damage, no limit hit).
    pub complete: bool,
    /// The gzip framing, when the whole gzip stream was read: a visitor tells from it
    /// whether the bytes are what a build writes.
    pub gzip: Option<GzipInfo>,
    /// What the tar reader tolerated (end-of-archive marker, padding, data after
    /// the end): how much that matters is the caller's call.
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

/// The digest an archive file must have, and where that was said.
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
    /// A SHA-256 the archive file must have, said by `from`.
    pub fn sha256(digest: [u8; 32], from: &str) -> Expected {
        Expected {
            algorithm: Algorithm::Sha256,
            digest: digest.to_vec(),
            from: from.to_string(),
        }
    }
}

/// Reads the archive `source` (gzip or plain tar), shown as `display`, through
/// `visitor` and, for every safe entry, `sink`; `tap` reads the file's own bytes
/// (signature prehashes) and `expected` is the digest the file must have, both in
/// the same read. The error is one that stopped the read without saying anything
/// about the archive: the file could not be read, or `sink` failed.
pub fn read(
    source: impl Read + Send,
    display: &str,
    limits: &Limits,
    expected: Option<Expected>,
    tap: Option<&mut dyn FileTap>,
    visitor: &mut dyn Visitor,
    sink: Option<&mut dyn Sink>,
) -> (Streamed, Option<io::Error>) {
    let mut state = State {
        display,
        limits: *limits,
        problems: Vec::new(),
        entries: Vec::new(),
        names: NameSet::default(),
        total: 0,
    };
    let (result, notices, end) = gzip::with_inflated_hashing(
        source,
        limits,
        expected.as_ref().map(|e| e.algorithm),
        tap,
        |inflated| {
            let mut tar = TarReader::new(&mut *inflated);
            let result = state.run(&mut tar, visitor, sink);
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
            // An archive that could not be read is no problem of its own: the
            // caller fails.
            match fault.read_error() {
                Some(e) => sink_error = Some(e),
                None => state.whole(fault.kind.into(), fault.message),
            }
            false
        }
        (Ok(()), None) => {
            state.whole(ProblemKind::Corrupt, "the stream ended early".to_string());
            false
        }
        (Err(Stop::Sink(e)), _) => {
            sink_error = Some(e);
            false
        }
    };
    let streamed = Streamed {
        problems: state.problems,
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
    problems: Vec<Problem>,
    entries: Vec<EntryInfo>,
    names: NameSet,
    total: u64,
}

impl State<'_> {
    /// A problem of the archive as a whole.
    fn whole(&mut self, kind: ProblemKind, message: String) {
        self.problems.push(Problem {
            kind,
            path: self.display.to_string(),
            entry: None,
            message,
        });
    }

    /// A problem of the entry `name`, at `path`.
    fn about(&mut self, kind: ProblemKind, name: &str, path: &str, message: String) {
        self.problems.push(Problem {
            kind,
            path: path.to_string(),
            entry: Some(name.to_string()),
            message,
        });
    }

    fn run<R: BufRead>(
        &mut self,
        tar: &mut TarReader<R>,
        visitor: &mut dyn Visitor,
        mut sink: Option<&mut dyn Sink>,
    ) -> Result<(), Stop> {
        while let Some(header) = tar.next_header()? {
            self.entry(tar, header, visitor, &mut sink)?;
        }
        Ok(())
    }

    fn entry<R: BufRead>(
        &mut self,
        tar: &mut TarReader<R>,
        h: Header,
        visitor: &mut dyn Visitor,
        sink: &mut Option<&mut dyn Sink>,
    ) -> Result<(), Stop> {
        let limits = self.limits;
        if self.entries.len() as u64 >= limits.max_entries {
            return Err(Fault::limit(format!("more than {} entries", limits.max_entries)).into());
        }
        if self.entries.is_empty() {
            visitor.detect(&h.name);
        }
        let tolerant = visitor.tolerant();
        let is_dir = h.kind() == EntryKind::Directory;
        let raw_name = if tolerant {
            tolerant_name(&h.name, is_dir)
        } else {
            &h.name[..]
        };
        let name = shown(raw_name);
        if tolerant && is_dir && raw_name.is_empty() {
            // The archive's own top folder (`./`): nothing to check or create.
            visitor.record(&h.raw, &Sha256::digest(b"").into());
            self.push(
                &shown(&h.name),
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
            self.about(
                ProblemKind::Tolerated,
                &name,
                &path,
                format!("tolerated in its tar header: {warning}"),
            );
        }
        if tolerant && !is_dir && h.mode & 0o7022 != 0 {
            self.about(
                ProblemKind::ModeCleared,
                &name,
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
            );
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
        let plan = visitor.begin(&head);
        if let Some(problem) = problem {
            self.about(
                ProblemKind::UnsafeEntry,
                &name,
                &path,
                format!("unsafe entry: {problem}"),
            );
            let mut sha = Sha256::new();
            tar.read_data(|c| sha.update(c))?;
            let digest: [u8; 32] = sha.finalize().into();
            visitor.record(&h.raw, &digest);
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
            visitor.end(Entry {
                head,
                sha256: digest,
                data: None,
            });
            visitor.record(&h.raw, &digest);
            self.push(&name, plan.label, 0, &digest, true);
            return Ok(());
        }
        if let Some(s) = sink.as_deref_mut() {
            s.begin(&name, h.mode).map_err(Stop::Sink)?;
        }
        tar.read_data(|chunk| {
            sha.update(chunk);
            visitor.data(chunk);
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
        visitor.end(Entry {
            head,
            sha256: digest,
            data: plan.keep.then_some(kept),
        });
        visitor.record(&h.raw, &digest);
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
        let message = format!(
            "{} of the bundle file is {} but {} says {}",
            expected.algorithm,
            hex(actual),
            expected.from,
            hex(&expected.digest)
        );
        self.whole(ProblemKind::ChecksumMismatch, message);
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

#[cfg(test)]
mod tests;
