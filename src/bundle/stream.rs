//! The stream layer as bundle readers use it: [`osbundle_archive::stream`] (gzip →
//! tar entries, limits, entry safety, digests, the extraction sink) reads, and this
//! module hands every entry on to a [`Layout`], which judges what a bundle holds
//! (the osbundle layout of `docs/FORMAT.md`, a foreign one, or [`super::layout::Detect`]
//! choosing between them). The archive layer's typed problems become findings in
//! one place, [`super::faults`].
//!
//! The archive ledger (`sha256-ledger-v1`, [`super::format::Ledger`]) is osbundle's
//! own layout, so it stays here: the archive layer hands every entry's raw header
//! blocks and data digest to [`Visitor::record`] in archive order, and this module
//! adds them to the ledger that each [`Entry`] carries as `ledger_before`. The
//! archive crate needs no idea of what a ledger is or which bytes `CHECKSUM` covers.

use std::io::{self, Read};

pub use osbundle_archive::stream::EntryInfo;
use osbundle_archive::stream::{self as archive, Visitor};
pub(crate) use osbundle_archive::stream::{Expected, Head, Plan, Sink};

use super::faults;
use super::format::Ledger;
use super::gzip::{FileTap, GzipInfo};
use super::tar::Notice;
use super::Limits;
use crate::findings::Finding;

/// A safe entry that was read whole.
#[derive(Debug)]
pub(crate) struct Entry<'a> {
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
pub(crate) struct Finished {
    /// Its findings.
    pub findings: Vec<Finding>,
    /// The bundle's metadata document, when the layout has one and it parsed.
    pub metadata: Option<serde_json::Value>,
}

/// The checker of one bundle layout: handed every entry of the stream in archive
/// order, then asked to conclude. Implementations: the osbundle and foreign layouts
/// of [`super::layout`], and [`super::layout::Detect`], which picks one of the two
/// from the first entry.
pub(crate) trait Layout {
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

/// The outcome of the stream layer for one bundle.
#[derive(Debug, Default)]
pub(crate) struct Streamed {
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

/// A [`Layout`] as the archive layer's [`Visitor`], with the archive ledger.
struct Judged<'a> {
    layout: &'a mut dyn Layout,
    ledger: Ledger,
}

impl Visitor for Judged<'_> {
    fn detect(&mut self, first_name: &[u8]) {
        self.layout.detect(first_name);
    }

    fn tolerant(&self) -> bool {
        self.layout.tolerant()
    }

    fn begin(&mut self, head: &Head<'_>) -> Plan {
        self.layout.begin(head)
    }

    fn data(&mut self, chunk: &[u8]) {
        self.layout.data(chunk);
    }

    fn end(&mut self, entry: archive::Entry<'_>) {
        self.layout.end(Entry {
            head: entry.head,
            sha256: entry.sha256,
            data: entry.data,
            ledger_before: &self.ledger,
        });
    }

    fn record(&mut self, raw_header: &[u8], sha256: &[u8; 32]) {
        self.ledger.add(raw_header, sha256);
    }
}

/// Reads the bundle `source`, shown as `display`, through `layout` and, for every
/// safe entry, `sink`, and hands the file's own bytes to `tap` (signature
/// prehashes) in the same read; `expected` is the digest the file must have. The
/// error is a bundle that could not be read, or a sink that failed: no finding.
pub(crate) fn read_tapped(
    source: impl Read + Send,
    display: &str,
    limits: &Limits,
    expected: Option<Expected>,
    tap: Option<&mut dyn FileTap>,
    layout: &mut dyn Layout,
    sink: Option<&mut dyn Sink>,
) -> (Streamed, Option<io::Error>) {
    let mut judged = Judged {
        layout,
        ledger: Ledger::default(),
    };
    let (streamed, error) =
        archive::read(source, display, limits, expected, tap, &mut judged, sink);
    let streamed = Streamed {
        findings: streamed.problems.iter().map(faults::finding).collect(),
        entries: streamed.entries,
        complete: streamed.complete,
        gzip: streamed.gzip,
        notices: streamed.notices,
        file_digest_matches: streamed.file_digest_matches,
    };
    (streamed, error)
}
