//! What a payload's bytes mean for a profile: drivers, boot files, software and
//! bundle files are what their extension says and whole (`payload-empty`,
//! `payload-type-mismatch`, `payload-corrupt`, `payload-unsafe-entry`), and hold what
//! their kind needs on their OS (`payload-content-missing`). The formats are read by
//! `osbundle-formats` (zip, ISO, RPM, VIB) and by the bundle readers (`.tar.gz`);
//! this module decides which reader a file gets and what its answer means.
//!
//! Depth: by default only what can be read cheaply, by seeking (headers, the zip
//! central directory, the ISO volume descriptor, RPM headers); with `deep`, every
//! byte (zip entries inflated and CRC-checked, RPM digests, whole `.tar.gz`). A
//! bundle entry is read as it streams ([`Stream`]), one pass, bounded memory.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use osbundle_formats::sniff::{self, What};
use osbundle_formats::zip::Listing;
use osbundle_formats::{iso, rpm, vib, zip, Fault, Input, Seekable};

use super::Content;

mod stream;
use crate::findings::{Finding, Rule};
use crate::kind::{has_extension, Kind};
pub(crate) use stream::Stream;

/// Reads a `.tar.gz` payload: `deep` reads it whole. The bundle room provides it
/// (`crate::bundle::payload::read_tar_gz`).
pub(crate) type TarGzReader = fn(&mut (dyn Read + Send), bool) -> Result<Listing, Fault>;

/// How payloads are read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PayloadOptions {
    /// Read every byte (`--deep`).
    pub deep: bool,
    /// The `.tar.gz` reader.
    pub tar_gz: TarGzReader,
}

/// Whether files of `kind` are payloads whose bytes are judged here.
pub(crate) fn is_payload(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Driver | Kind::Boot | Kind::Software | Kind::Bundle
    )
}

/// The container a payload's extension promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `.zip`
    Zip,
    /// `.iso`
    Iso,
    /// `.rpm`
    Rpm,
    /// `.vib`
    Vib,
    /// `.tar.gz`, `.tgz`
    TarGz,
}

impl Format {
    /// The format of the file `name`, by its extension.
    pub(crate) fn of(name: &str) -> Option<Format> {
        [
            ("zip", Format::Zip),
            ("iso", Format::Iso),
            ("rpm", Format::Rpm),
            ("vib", Format::Vib),
            ("tar.gz", Format::TarGz),
            ("tgz", Format::TarGz),
        ]
        .into_iter()
        .find(|(ext, _)| has_extension(name, ext))
        .map(|(_, f)| f)
    }

    fn sniffed(self) -> What {
        match self {
            Format::Zip => What::Zip,
            Format::Iso => What::Iso,
            Format::Rpm => What::Rpm,
            Format::Vib => What::Ar,
            Format::TarGz => What::Gzip,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Format::Zip => "a zip",
            Format::Iso => "an ISO image",
            Format::Rpm => "an RPM package",
            Format::Vib => "a VIB",
            Format::TarGz => "a .tar.gz",
        }
    }
}

/// What the content of a payload says that only its OS can judge (checked by
/// [`super::Checker::finish`] once the scope is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Facts {
    kind: Kind,
    format: Format,
    path: String,
    /// A zip holding a `.inf` file (Windows drivers).
    inf: bool,
    /// A zip holding `index.xml` and `metadata.zip` at its root (ESXi offline bundle).
    missing_offline: Vec<&'static str>,
}

/// The findings of `facts` for the OS named `os`.
pub(crate) fn judge_os(facts: &Facts, os: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    if facts.kind != Kind::Driver || facts.format != Format::Zip {
        return out;
    }
    match os {
        Some("win") if !facts.inf => out.push(Finding::error(
            Rule::PayloadContentMissing,
            &facts.path,
            "this Windows driver zip holds no .inf file: LXCA takes Windows drivers as zips of .inf drivers",
        )),
        Some("esxi") if !facts.missing_offline.is_empty() => out.push(Finding::error(
            Rule::PayloadContentMissing,
            &facts.path,
            format!(
                "this ESXi driver zip is no offline bundle: it lacks {} at its root",
                facts.missing_offline.join(" and ")
            ),
        )),
        _ => {}
    }
    out
}

/// Checks the payload file at `path` (shown as `display`, named `name`) of `kind`.
pub(crate) fn check_file(
    kind: Kind,
    path: &Path,
    display: &str,
    name: &str,
    options: PayloadOptions,
) -> Content {
    match File::open(path) {
        Ok(file) => check_open(kind, file, display, name, options),
        Err(e) => Content::unreadable(crate::names::unreadable_finding(display, &e)),
    }
}

/// [`check_file`] of the payload open as `file`. Its first read, into a buffer kept
/// by the thread, asks for one byte more than [`WHOLE`]: a regular file reads short
/// only at its end (POSIX), so a small file costs that one `read` and is judged from
/// memory, with no `stat`; a larger one is sized and read by seeking.
pub(crate) fn check_open(
    kind: Kind,
    mut file: File,
    display: &str,
    name: &str,
    options: PayloadOptions,
) -> Content {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // Taken, not borrowed: a nested check on this thread gets a buffer of its own.
    let mut buffer = BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buffer.resize(WHOLE as usize + 1, 0);
    let content = check_read(kind, &mut file, &mut buffer, display, name, options);
    BUFFER.with(|b| *b.borrow_mut() = buffer);
    content
}

fn check_read(
    kind: Kind,
    file: &mut File,
    buffer: &mut [u8],
    display: &str,
    name: &str,
    options: PayloadOptions,
) -> Content {
    let unreadable =
        |e: &io::Error| Content::unreadable(crate::names::unreadable_finding(display, e));
    let read = loop {
        match file.read(buffer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => break other,
        }
    };
    let n = match read {
        Ok(n) => n,
        Err(e) => return unreadable(&e),
    };
    let len = if n < buffer.len() {
        n as u64
    } else {
        match file.metadata() {
            Ok(m) => m.len(),
            Err(e) => return unreadable(&e),
        }
    };
    let head = &buffer[..n.min(usize::try_from(len).unwrap_or(usize::MAX))];
    judge_file(kind, display, name, options, head, len, file)
}

/// Files up to this size are read whole in one read call and judged from memory (most
/// drivers of a tree are small): no seek, no second read. Larger ones are read by
/// seeking, after a head of [`sniff::HEAD`] bytes.
const WHOLE: u64 = 64 * 1024;

/// Judges the payload of `len` bytes whose first bytes are `head`: from `head` alone
/// when it holds the whole file, else by seeking in `file` (from byte 0).
fn judge_file(
    kind: Kind,
    display: &str,
    name: &str,
    options: PayloadOptions,
    head: &[u8],
    len: u64,
    mut file: impl Read + Seek + Send,
) -> Content {
    let format = Format::of(name);
    let mut judged = Judged::new(kind, display, format);
    if !judged.sniffed(head, len) {
        return judged.into_content();
    }
    let Some(format) = format else {
        return judged.into_content();
    };
    let verdict = if head.len() as u64 == len {
        // Read whole already: no more system calls.
        match format {
            Format::Zip if !options.deep => zip::list(io::Cursor::new(head), len).map(Answer::Zip),
            _ => read(format, &mut Seekable(io::Cursor::new(head)), len, options),
        }
    } else {
        if let Err(e) = file.seek(SeekFrom::Start(0)) {
            return Content::unreadable(Finding::error(
                Rule::FileUnreadable,
                display,
                format!("cannot read: {e}"),
            ));
        }
        let reader = BufReader::with_capacity(64 * 1024, file);
        match format {
            Format::Zip if !options.deep => zip::list(reader, len).map(Answer::Zip),
            _ => read(format, &mut Seekable(reader), len, options),
        }
    };
    judged.verdict(verdict);
    judged.into_content()
}

/// The first `want` bytes of a file (fewer when it is shorter than it said): one read
/// call when the file holds what its size says.
fn read_head(file: &mut impl Read, want: u64) -> io::Result<Vec<u8>> {
    let mut head = vec![0; usize::try_from(want).unwrap_or(usize::MAX)];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(filled);
    Ok(head)
}

/// What a format reader answered.
enum Answer {
    Zip(Listing),
    TarGz(Listing),
    Iso,
    Rpm,
    Vib(vib::Vib),
}

/// Runs the reader of `format` over `input` (the whole file, from byte 0).
fn read(
    format: Format,
    input: &mut (impl Input + Send),
    len: u64,
    options: PayloadOptions,
) -> Result<Answer, Fault> {
    match format {
        Format::Zip => zip::walk(input, len, options.deep).map(Answer::Zip),
        Format::Iso => iso::read(input, len).map(|_| Answer::Iso),
        Format::Rpm => rpm::read(input, len, options.deep).map(|_| Answer::Rpm),
        Format::Vib => vib::read(input, len).map(Answer::Vib),
        Format::TarGz => (options.tar_gz)(input, options.deep).map(Answer::TarGz),
    }
}

/// The findings about one payload, as they are made.
struct Judged {
    kind: Kind,
    path: String,
    format: Option<Format>,
    findings: Vec<Finding>,
    facts: Option<Facts>,
}

impl Judged {
    fn new(kind: Kind, path: &str, format: Option<Format>) -> Self {
        Judged {
            kind,
            path: path.to_string(),
            format,
            findings: Vec::new(),
            facts: None,
        }
    }

    fn into_content(self) -> Content {
        Content::of_payload(self.findings, self.facts)
    }

    /// Judges the first bytes; false when the file is not worth reading further.
    fn sniffed(&mut self, head: &[u8], len: u64) -> bool {
        let what = sniff::sniff(head);
        let expected = self.format.map(Format::sniffed);
        if len == 0 {
            self.findings.push(Finding::error(
                Rule::PayloadEmpty,
                &self.path,
                format!(
                    "the file is empty (0 bytes): no {} payload is",
                    self.kind.as_str()
                ),
            ));
            return false;
        }
        if expected == Some(what) {
            return true;
        }
        // An ISO image is judged by its descriptors even when shorter than sector 16.
        if expected == Some(What::Iso) && what == What::Unknown {
            return true;
        }
        let noun = self.format.map_or(self.kind.as_str(), Format::noun);
        let message = match what {
            What::Html | What::Json | What::Xml => format!(
                "{}, not {noun}: a download that returned a login or error page?",
                what.phrase()
            ),
            What::Text if self.format.is_some() => format!(
                "{} ({len} bytes), not {noun}: a download that returned an error message?",
                what.phrase()
            ),
            _ if self.format.is_none() => return false,
            What::Unknown => format!(
                "{noun} does not start as one: its first bytes are {}",
                what.phrase()
            ),
            _ => format!("{}, not {noun}: renamed, or the wrong file?", what.phrase()),
        };
        self.findings.push(Finding::error(
            Rule::PayloadTypeMismatch,
            &self.path,
            message,
        ));
        false
    }

    fn verdict(&mut self, verdict: Result<Answer, Fault>) {
        let Some(format) = self.format else { return };
        let noun = format.noun();
        match verdict {
            Err(Fault::Corrupt(m)) => self.findings.push(Finding::error(
                Rule::PayloadCorrupt,
                &self.path,
                format!(
                    "not a whole {}: {m}",
                    &noun[noun.find(' ').map_or(0, |i| i + 1)..]
                ),
            )),
            Err(Fault::Unprovable(m)) => self.findings.push(Finding::note(
                Rule::PayloadCorrupt,
                &self.path,
                format!("not fully checked: {m}"),
            )),
            Ok(Answer::Zip(listing)) => {
                self.listing(&listing, "zip");
                let has = |n: &str| listing.names.iter().any(|x| x == n);
                let missing_offline = ["index.xml", "metadata.zip"]
                    .into_iter()
                    .filter(|n| !has(n))
                    .collect();
                self.facts = Some(Facts {
                    kind: self.kind,
                    format,
                    path: self.path.clone(),
                    inf: listing
                        .names
                        .iter()
                        .any(|n| has_extension(n.rsplit('/').next().unwrap_or(n), "inf")),
                    missing_offline,
                });
            }
            Ok(Answer::TarGz(listing)) => self.listing(&listing, "tar.gz"),
            Ok(Answer::Vib(v)) => match v.descriptor {
                None => self.findings.push(Finding::error(
                    Rule::PayloadContentMissing,
                    &self.path,
                    format!(
                        "the VIB holds no descriptor.xml (members: {})",
                        shown_list(&v.members)
                    ),
                )),
                Some(Err(e)) => self.findings.push(Finding::error(
                    Rule::PayloadCorrupt,
                    &self.path,
                    format!(
                        "its descriptor.xml is not well-formed XML: {}:{}: {}",
                        e.line, e.column, e.message
                    ),
                )),
                Some(Ok(_)) => {}
            },
            Ok(Answer::Iso | Answer::Rpm) => {}
        }
    }

    fn listing(&mut self, listing: &Listing, what: &str) {
        if !listing.unsafe_names.is_empty() {
            self.findings.push(Finding::error(
                Rule::PayloadUnsafeEntry,
                &self.path,
                format!(
                    "{} {what} {} would unpack outside the target folder: {}",
                    listing.unsafe_names.len(),
                    if listing.unsafe_names.len() == 1 {
                        "entry"
                    } else {
                        "entries"
                    },
                    shown_list(&listing.unsafe_names)
                ),
            ));
        }
        if !listing.encrypted.is_empty() {
            self.findings.push(Finding::error(
                Rule::PayloadCorrupt,
                &self.path,
                format!(
                    "{} encrypted {}: LXCA and the installer cannot unpack them: {}",
                    listing.encrypted.len(),
                    if listing.encrypted.len() == 1 {
                        "entry"
                    } else {
                        "entries"
                    },
                    shown_list(&listing.encrypted)
                ),
            ));
        }
        if !listing.unchecked.is_empty() {
            self.findings.push(Finding::note(
                Rule::PayloadCorrupt,
                &self.path,
                format!(
                    "{} entries not CRC-checked: {}",
                    listing.unchecked.len(),
                    shown_list(&listing.unchecked)
                ),
            ));
        }
    }
}

/// Up to three names, quoted and escaped, and how many more.
fn shown_list(names: &[String]) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(3)
        .map(|n| format!("\"{}\"", crate::names::shown(n.as_bytes())))
        .collect();
    if names.len() > 3 {
        out.push(format!("and {} more", names.len() - 3));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use osbundle_formats::testing::iso9660 as iso;

    fn options(deep: bool) -> PayloadOptions {
        PayloadOptions {
            deep,
            tar_gz: crate::bundle::payload::read_tar_gz,
        }
    }

    fn verdict(c: &Content) -> Vec<(Rule, crate::findings::Severity, String)> {
        c.findings
            .iter()
            .map(|f| (f.rule, f.severity, f.message.clone()))
            .collect()
    }

    #[test]
    fn a_stream_in_any_chunks_says_what_the_file_says() {
        let dir = tempfile::tempdir().unwrap();
        let big = iso(1024); // 2 MiB: read on a thread
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("whole.iso", big.clone()),
            ("cut.iso", big[..1536 * 1024].to_vec()),
            ("small.iso", iso(20)),
            ("short.iso", iso(20)[..30_000].to_vec()),
            ("page.iso", b"<html><body>login</body></html>".to_vec()),
            ("empty.iso", Vec::new()),
        ];
        for (name, bytes) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let file = verdict(&check_file(Kind::Driver, &path, name, name, options(false)));
            for chunk in [1000, 64 * 1024, 3 << 20] {
                let mut s =
                    Stream::start(Kind::Driver, name, name, bytes.len() as u64, options(false))
                        .expect("a driver is a payload");
                for piece in bytes.chunks(chunk) {
                    s.feed(piece);
                }
                assert_eq!(verdict(&s.finish()), file, "{name} in chunks of {chunk}");
            }
            let expected = match name {
                "whole.iso" | "small.iso" => None,
                "page.iso" => Some(Rule::PayloadTypeMismatch),
                "empty.iso" => Some(Rule::PayloadEmpty),
                _ => Some(Rule::PayloadCorrupt),
            };
            assert_eq!(file.first().map(|f| f.0), expected, "{name}: {file:?}");
        }
        assert!(Stream::start(Kind::Config, "c", "c.json", 1, options(false)).is_none());
    }

    /// A zip of stored `(name, data)` entries, written by hand.
    fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let crc = {
                let mut crc = flate2::Crc::new();
                crc.update(data);
                crc.sum()
            };
            let size = (data.len() as u32).to_le_bytes();
            let fixed = |sig: &[u8], version: &[u8]| {
                let mut h = sig.to_vec();
                h.extend_from_slice(version);
                h.extend_from_slice(&[0; 8]);
                h.extend_from_slice(&crc.to_le_bytes());
                h.extend_from_slice(&size);
                h.extend_from_slice(&size);
                h.extend_from_slice(&(name.len() as u16).to_le_bytes());
                h
            };
            out.extend(fixed(b"PK\x03\x04", &[20, 0]));
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend(fixed(b"PK\x01\x02", &[20, 3, 20, 0]));
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let start = out.len() as u32;
        let n = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&n);
        out.extend_from_slice(&n);
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn a_file_read_whole_says_what_it_says_read_by_seeking() {
        // Between the sniffed head and the size read whole: both paths apply.
        let blob: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let good = stored_zip(&[("net/nic.inf", b"[Version]"), ("nic.sys", &blob)]);
        assert!(good.len() > sniff::HEAD && good.len() as u64 <= WHOLE);
        let mut bad_crc = good.clone();
        bad_crc[100] ^= 1;
        let mut bad_central = good.clone();
        let at = good.len() - 22 - 10;
        bad_central[at] ^= 0x55;
        let unsafe_zip = stored_zip(&[("../x.inf", &blob)]);
        let no_inf = stored_zip(&[("readme.txt", &blob)]);
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("good", good.clone()),
            ("cut", good[..good.len() - 30].to_vec()),
            ("bad_crc", bad_crc),
            ("bad_central", bad_central),
            ("unsafe", unsafe_zip),
            ("no_inf", no_inf),
            ("page", [b"<html><body>".as_slice(), &blob].concat()),
        ];
        for (case, bytes) in &cases {
            for deep in [false, true] {
                let len = bytes.len() as u64;
                let whole = judge_file(
                    Kind::Driver,
                    "d.zip",
                    "d.zip",
                    options(deep),
                    bytes,
                    len,
                    io::Cursor::new(Vec::new()),
                );
                let sought = judge_file(
                    Kind::Driver,
                    "d.zip",
                    "d.zip",
                    options(deep),
                    &bytes[..sniff::HEAD],
                    len,
                    io::Cursor::new(bytes.clone()),
                );
                assert_eq!(verdict(&whole), verdict(&sought), "{case} deep={deep}");
                assert_eq!(whole.payload, sought.payload, "{case} deep={deep}");
                let rules: Vec<Rule> = verdict(&whole).into_iter().map(|f| f.0).collect();
                let expected: &[Rule] = match *case {
                    "good" | "no_inf" => &[],
                    "bad_crc" if !deep => &[],
                    "unsafe" => &[Rule::PayloadUnsafeEntry],
                    "page" => &[Rule::PayloadTypeMismatch],
                    _ => &[Rule::PayloadCorrupt],
                };
                assert_eq!(rules, expected, "{case} deep={deep}: {:?}", verdict(&whole));
            }
        }
        // And the file on disk takes the whole path, with the same answer.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.zip");
        std::fs::write(&path, &good).unwrap();
        let on_disk = check_file(Kind::Driver, &path, "d.zip", "d.zip", options(true));
        assert!(on_disk.findings.is_empty(), "{:?}", on_disk.findings);
        let facts = on_disk.payload.as_ref().expect("a zip has facts");
        assert!(judge_os(facts, Some("win")).is_empty());
    }

    /// A file read in one short read is judged as a whole file; one that fills the
    /// first read is sized and read by seeking: both say what the bytes say.
    #[test]
    fn files_around_the_whole_size_say_what_their_bytes_say() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.zip");
        let bare = stored_zip(&[("nic.inf", b"[Version]"), ("nic.sys", b"")]).len();
        for total in [0, 1, 30, WHOLE - 1, WHOLE, WHOLE + 1, WHOLE + 2, 3 * WHOLE] {
            let bytes = if total as usize > bare {
                let blob = vec![7u8; total as usize - bare];
                let z = stored_zip(&[("nic.inf", b"[Version]"), ("nic.sys", &blob)]);
                assert_eq!(z.len() as u64, total);
                z
            } else {
                vec![b'x'; total as usize]
            };
            std::fs::write(&path, &bytes).unwrap();
            for deep in [false, true] {
                let on_disk = check_file(Kind::Driver, &path, "d.zip", "d.zip", options(deep));
                let whole = judge_file(
                    Kind::Driver,
                    "d.zip",
                    "d.zip",
                    options(deep),
                    &bytes,
                    total,
                    io::Cursor::new(Vec::new()),
                );
                assert_eq!(verdict(&on_disk), verdict(&whole), "{total} deep={deep}");
                assert_eq!(on_disk.payload, whole.payload, "{total} deep={deep}");
                assert_eq!(
                    verdict(&on_disk).is_empty(),
                    total as usize > bare,
                    "{total}: {:?}",
                    verdict(&on_disk)
                );
            }
        }
    }

    #[test]
    fn what_only_the_os_can_judge() {
        let facts = |inf, missing: Vec<&'static str>| Facts {
            kind: Kind::Driver,
            format: Format::Zip,
            path: "d.zip".into(),
            inf,
            missing_offline: missing,
        };
        let rules = |f: &Facts, os| {
            judge_os(f, os)
                .into_iter()
                .map(|f| f.rule)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rules(&facts(false, vec![]), Some("win")),
            [Rule::PayloadContentMissing]
        );
        assert!(rules(&facts(true, vec![]), Some("win")).is_empty());
        assert!(rules(&facts(false, vec![]), None).is_empty());
        assert!(rules(&facts(false, vec![]), Some("rhels")).is_empty());
        let esxi = judge_os(&facts(true, vec!["index.xml"]), Some("esxi"));
        assert!(esxi[0].message.contains("index.xml"), "{esxi:?}");
        assert!(rules(&facts(false, vec![]), Some("esxi")).is_empty());
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("a.ZIP"), Some(Format::Zip));
        assert_eq!(Format::of("jre.tar.gz"), Some(Format::TarGz));
        assert_eq!(Format::of("x.pkg.gz"), None);
        assert_eq!(Format::of("n.vib"), Some(Format::Vib));
        assert_eq!(Format::of("n.exe"), None);
    }
}
