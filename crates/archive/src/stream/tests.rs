//! Tests of the stream layer: what reaches the visitor, limits, read errors and
//! damage as typed problems.

use std::io::Read;

use super::*;
use crate::testing::tar_gz;

/// [`read`], with the SHA-256 the archive file must have and no tap.
fn read_with(
    source: impl Read + Send,
    display: &str,
    limits: &Limits,
    file_sha256: Option<[u8; 32]>,
    visitor: &mut dyn Visitor,
    sink: Option<&mut dyn Sink>,
) -> (Streamed, Option<io::Error>) {
    let expected = file_sha256.map(|d| Expected::sha256(d, "its .sha256 file"));
    super::read(source, display, limits, expected, None, visitor, sink)
}

/// Records what the stream hands over.
#[derive(Default)]
struct Recorder {
    begun: Vec<(String, bool)>,
    ended: Vec<(String, Option<Vec<u8>>)>,
    chunks: usize,
}

impl Visitor for Recorder {
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
}

#[test]
fn entries_reach_the_visitor_with_digests_and_kept_data() {
    let gz = tar_gz(&[("a.txt", b"hello"), ("b.bin", b"xyz"), ("../c", b"!")]);
    let mut layout = Recorder::default();
    let (s, e) = read_with(&gz[..], "b", &Limits::default(), None, &mut layout, None);
    assert!(e.is_none());
    assert!(s.complete, "{:?}", s.problems);
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
    assert_eq!(s.problems.len(), 1);
    assert_eq!(s.problems[0].kind, ProblemKind::UnsafeEntry);
    assert_eq!(s.problems[0].path, "b/../c");
}

#[test]
fn limits_stop_the_stream() {
    let gz = tar_gz(&[("a.txt", b"hello"), ("b.txt", b"world")]);
    let limits = Limits {
        max_entries: 1,
        ..Limits::default()
    };
    let mut layout = Recorder::default();
    let (s, _) = read_with(&gz[..], "b", &limits, None, &mut layout, None);
    assert!(!s.complete);
    assert_eq!(s.problems[0].kind, ProblemKind::LimitExceeded);
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
fn a_read_error_of_the_source_is_an_error_not_a_problem() {
    let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let gz = tar_gz(&[("a.txt", b"hello"), ("b.bin", &big)]);
    let mut plain = Vec::new();
    // The same archive uncompressed: the plain-tar path reads the source too.
    crate::gzip::with_inflated(&gz[..], &Limits::default(), false, |r| {
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
                let (s, e) = read_with(source, "b", &Limits::default(), None, &mut layout, None);
                let e = e.unwrap_or_else(|| {
                    panic!("{what} cut at {cut}: no error, problems {:?}", s.problems)
                });
                assert_eq!(e.kind(), kind, "{what} cut at {cut}");
                assert!(e.to_string().contains("the disk said no"), "{e}");
                assert!(!s.complete);
                assert!(
                    s.problems.iter().all(|f| f.kind != ProblemKind::Corrupt),
                    "{what} cut at {cut}: {:?}",
                    s.problems
                );
            }
        }
    }
}

#[test]
fn damage_and_file_digest_are_problems() {
    let gz = tar_gz(&[("a.txt", b"hello")]);
    let mut layout = Recorder::default();
    let (s, _) = read_with(
        &gz[..gz.len() - 9],
        "b",
        &Limits::default(),
        None,
        &mut layout,
        None,
    );
    assert!(!s.complete);
    assert_eq!(s.problems[0].kind, ProblemKind::Corrupt);
    let (s, _) = read_with(
        &gz[..],
        "b",
        &Limits::default(),
        Some([0; 32]),
        &mut layout,
        None,
    );
    assert!(s.complete);
    assert_eq!(s.problems[0].kind, ProblemKind::ChecksumMismatch);
}

/// Records the order of `end` and `record` calls.
#[derive(Default)]
struct Ledger {
    calls: Vec<String>,
}

impl Visitor for Ledger {
    fn begin(&mut self, _: &Head<'_>) -> Plan {
        Plan {
            label: "x",
            keep: false,
        }
    }
    fn end(&mut self, entry: Entry<'_>) {
        self.calls.push(format!("end {}", entry.head.name));
    }
    fn record(&mut self, raw_header: &[u8], sha256: &[u8; 32]) {
        let name = &raw_header[..raw_header.iter().position(|&b| b == 0).unwrap()];
        self.calls.push(format!(
            "record {} {}",
            String::from_utf8_lossy(name),
            &hex(sha256)[..8]
        ));
    }
}

#[test]
fn every_entry_is_recorded_after_its_end_unsafe_ones_too() {
    let gz = tar_gz(&[("a.txt", b"hello"), ("../c", b"!"), ("b", b"")]);
    let mut visitor = Ledger::default();
    let (s, e) = read_with(&gz[..], "b", &Limits::default(), None, &mut visitor, None);
    assert!(e.is_none() && s.complete);
    let hello = &hex(&Sha256::digest(b"hello"))[..8];
    let bang = &hex(&Sha256::digest(b"!"))[..8];
    let empty = &hex(&Sha256::digest(b""))[..8];
    assert_eq!(
        visitor.calls,
        [
            "end a.txt".to_string(),
            format!("record a.txt {hello}"),
            format!("record ../c {bang}"),
            "end b".to_string(),
            format!("record b {empty}"),
        ]
    );
    assert_eq!(s.problems.len(), 1);
    assert_eq!(s.problems[0].entry.as_deref(), Some("../c"));
    assert_eq!(s.problems[0].path, "b/../c");
}
