//! The reader: a pipelined, bounded inflate of any gzip file GNU gzip reads, or a
//! plain tar passed through, on its own thread.

use std::io::{self, BufRead, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use flate2::bufread::GzDecoder;

use super::framing::GzipInfo;
use super::tap::{read_file, FileTap, Piece, TEE_CHUNK, TEE_IN_FLIGHT};
use super::HEADER;
use crate::limits::{show_size, RATIO_GRACE};
use crate::sums::Algorithm;
use crate::{Fault, Limits};

/// Size of the inflated chunks the reader hands out.
pub(super) const CHUNK: usize = 256 * 1024;
/// Inflated chunks in flight between the inflate thread and the reader.
const IN_FLIGHT: usize = 4;

/// What the inflate thread reports at the end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamEnd {
    /// The digest of the compressed bytes with the algorithm asked for.
    pub file_digest: Option<(Algorithm, Vec<u8>)>,
    /// The gzip framing as read ([`GzipInfo::difference`]: how it differs from what
    /// `build` writes).
    pub gzip: GzipInfo,
}

enum Msg {
    Chunk(Vec<u8>, u64),
    End(Result<StreamEnd, Fault>),
}

/// Inflated data of a gzip stream, read on another thread. Implements [`BufRead`];
/// errors carry a [`Fault`]. Enforces the compression-ratio limit.
pub struct Inflated {
    rx: Receiver<Msg>,
    recycle: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    inflated: u64,
    max_ratio: u64,
    end: Option<Result<StreamEnd, Fault>>,
}

impl Inflated {
    /// How the stream ended, once [`BufRead::fill_buf`] returned no more data.
    pub fn end(&self) -> Option<&Result<StreamEnd, Fault>> {
        self.end.as_ref()
    }

    /// Inflated bytes handed out so far.
    pub fn inflated(&self) -> u64 {
        self.inflated
    }
}

impl Read for Inflated {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Inflated {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.current.len() {
            if let Some(end) = &self.end {
                return match end {
                    Ok(_) => Ok(&[]),
                    Err(fault) => Err(fault.clone().into_io()),
                };
            }
            match self.rx.recv() {
                Ok(Msg::Chunk(data, compressed)) => {
                    let old = std::mem::replace(&mut self.current, data);
                    let _ = self.recycle.try_send(old);
                    self.pos = 0;
                    self.inflated += self.current.len() as u64;
                    if self.inflated > RATIO_GRACE
                        && self.inflated / compressed.max(1) >= self.max_ratio
                    {
                        let fault = Fault::limit(format!(
                            "compression ratio above {}:1 ({} inflated from {}): a gzip bomb? (--max-ratio raises the limit)",
                            self.max_ratio,
                            show_size(self.inflated),
                            show_size(compressed)
                        ));
                        self.end = Some(Err(fault.clone()));
                        return Err(fault.into_io());
                    }
                }
                Ok(Msg::End(result)) => self.end = Some(result),
                Err(_) => {
                    self.end = Some(Err(Fault::corrupt("the inflate thread stopped")));
                }
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.current.len());
    }
}

/// Runs `consume` on the inflated bytes of the gzip stream `source`, inflating on a
/// second thread. `hash_file` also computes the SHA-256 of the compressed bytes.
pub fn with_inflated<T>(
    source: impl Read + Send,
    limits: &Limits,
    hash_file: bool,
    consume: impl FnOnce(&mut Inflated) -> T,
) -> T {
    let algorithm = hash_file.then_some(Algorithm::Sha256);
    with_inflated_hashing(source, limits, algorithm, None, consume)
}

/// [`with_inflated`] that computes the digest of the compressed bytes (the file)
/// with `algorithm`, when one is given, and hands them to `tap`, both on a third
/// thread, in the same read as inflate: the file is read once.
pub fn with_inflated_hashing<T>(
    source: impl Read + Send,
    limits: &Limits,
    hash_file: Option<Algorithm>,
    tap: Option<&mut dyn FileTap>,
    consume: impl FnOnce(&mut Inflated) -> T,
) -> T {
    let (tx, rx) = sync_channel::<Msg>(IN_FLIGHT);
    let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(IN_FLIGHT + 2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let result = inflate_into(source, hash_file, tap, &tx, &recycle_rx);
            let _ = tx.send(Msg::End(result));
        });
        let mut inflated = Inflated {
            rx,
            recycle: recycle_tx,
            current: Vec::new(),
            pos: 0,
            inflated: 0,
            max_ratio: limits.max_ratio.max(1),
            end: None,
        };
        consume(&mut inflated)
        // Dropping `inflated` closes the channel: the inflate thread stops at its next
        // send, so an early stop never waits for the rest of the stream.
    })
}

/// The compressed input: a buffered reader that counts what it read and, when
/// asked, tees it in 256 KiB pieces to a hashing thread (so that the SHA-256 of the
/// file stays off the inflate thread), and that can look ahead a few bytes.
struct Source<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    tee: Option<SyncSender<Piece>>,
    pending: Vec<u8>,
    count: u64,
    /// The first error reading `inner` failed with: whatever a decoder made of it,
    /// the bundle could not be read (no finding).
    failed: Option<Fault>,
}

impl<R: Read> Source<R> {
    fn new(inner: R, tee: Option<SyncSender<Piece>>) -> Self {
        Source {
            inner,
            buf: vec![0; CHUNK],
            pos: 0,
            end: 0,
            tee,
            pending: Vec::with_capacity(TEE_CHUNK),
            count: 0,
            failed: None,
        }
    }

    /// Reads more input after `end`; the number of bytes read (0 at the end).
    fn refill(&mut self) -> io::Result<usize> {
        let n = loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed.get_or_insert_with(|| Fault::unreadable(&e));
                    self.fail_tee(&e);
                    return Err(e);
                }
                Ok(n) => break n,
            }
        };
        if self.tee.is_some() {
            self.pending
                .extend_from_slice(&self.buf[self.end..self.end + n]);
            if self.pending.len() >= TEE_CHUNK {
                self.flush_tee();
            }
        }
        self.end += n;
        self.count += n as u64;
        Ok(n)
    }

    /// Up to `n` (at most [`CHUNK`]) bytes ahead, fewer only at the end of input.
    fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.end - self.pos < n {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
            while self.end < n && self.refill()? > 0 {}
        }
        Ok(&self.buf[self.pos..self.end.min(self.pos + n)])
    }

    /// Offset of the next unread byte in the compressed stream.
    fn position(&self) -> u64 {
        self.count - (self.end - self.pos) as u64
    }

    fn flush_tee(&mut self) {
        if let Some(tee) = &self.tee {
            let full = std::mem::replace(&mut self.pending, Vec::with_capacity(TEE_CHUNK));
            if !full.is_empty() && tee.send(Ok(full)).is_err() {
                self.tee = None;
            }
        }
    }

    /// Hands what was read, then the read error `e`, to the file-hashing thread.
    fn fail_tee(&mut self, e: &io::Error) {
        self.flush_tee();
        if let Some(tee) = self.tee.take() {
            let _ = tee.send(Err(io::Error::new(e.kind(), e.to_string())));
        }
    }

    /// Reads the rest of the input for the file-hashing thread only (after inflate
    /// stopped early), unless nothing takes it.
    fn read_rest_for_tee(&mut self) {
        while self.tee.is_some() {
            self.pos = 0;
            self.end = 0;
            match self.refill() {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        self.flush_tee();
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.end {
            self.pos = 0;
            self.end = 0;
            self.refill()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }
}

fn inflate_into(
    source: impl Read,
    hash_file: Option<Algorithm>,
    tap: Option<&mut dyn FileTap>,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Vec<u8>>,
) -> Result<StreamEnd, Fault> {
    if hash_file.is_none() && tap.is_none() {
        return inflate_stream_with(&mut Source::new(source, None), tx, recycle);
    }
    let (tee, pieces) = sync_channel::<Piece>(TEE_IN_FLIGHT);
    let whole_file = tap.is_some();
    std::thread::scope(|scope| {
        let hasher = scope.spawn(move || read_file(pieces, hash_file, tap));
        let mut input = Source::new(source, Some(tee));
        let result = inflate_stream_with(&mut input, tx, recycle);
        if whole_file {
            input.read_rest_for_tee();
        }
        // Closing the tee ends the file-hashing thread's input.
        drop(input);
        let digest = hasher.join().ok().flatten();
        result.map(|mut end| {
            if let Some(algorithm) = hash_file {
                end.file_digest = digest.map(|d| (algorithm, d));
            }
            end
        })
    })
}

/// A fresh output chunk of [`CHUNK`] bytes, recycled when one is free.
fn chunk(recycle: &Receiver<Vec<u8>>) -> Vec<u8> {
    let mut out = recycle.try_recv().unwrap_or_default();
    out.resize(CHUNK, 0);
    out
}

/// Inflates every gzip member of `source` (flate2 parses and checks each header,
/// FHCRC included, and each trailer's CRC-32 and ISIZE), sending the data in
/// [`CHUNK`]s. Zero bytes after the last member are counted; anything else there
/// is damage. A failure to read `source` is [`Fault::unreadable`], whatever the
/// decoder made of it.
fn inflate_stream_with(
    input: &mut Source<impl Read>,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Vec<u8>>,
) -> Result<StreamEnd, Fault> {
    let result = inflate_members(input, tx, recycle);
    match input.failed.take() {
        Some(fault) => Err(fault),
        None => result,
    }
}

/// [`inflate_stream_with`] on its [`Source`].
fn inflate_members<R: Read>(
    input: &mut Source<R>,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Vec<u8>>,
) -> Result<StreamEnd, Fault> {
    let io = |e: io::Error| Fault::unreadable(&e);
    let mut info = GzipInfo::default();
    let mut out = chunk(recycle);
    let mut filled = 0;
    loop {
        let at = input.position();
        let head = input.peek(HEADER.len()).map_err(io)?;
        if head.is_empty() && info.members > 0 {
            break;
        }
        if head.len() < 2 || head[..2] != HEADER[..2] {
            if info.members == 0 {
                if head.is_empty() {
                    return Err(Fault::corrupt(
                        "the file is empty: neither a gzip file nor a tar archive",
                    ));
                }
                let start = input.peek(TAR_BLOCK).map_err(io)?;
                if start.len() == TAR_BLOCK && start.iter().all(|&b| b == 0) {
                    // What a download preallocated and never written looks like; at
                    // best an empty tar archive, which holds no file either.
                    return Err(Fault::corrupt(
                        "not a gzip file (no 1f 8b magic bytes) and no tar entry: its first 512 bytes are zero, as in a download that was preallocated and never written (or an empty tar archive, with no file in it)",
                    ));
                }
                if !is_tar_header(start) {
                    return Err(Fault::corrupt(not_an_archive(start)));
                }
                info.plain_tar = true;
                let (out, filled) = pass_through(input, out, tx, recycle)?;
                return Ok(end_of(input, info, out, filled, tx));
            }
            (info.trailing_zeros, info.trailing_garbage) = trailing(input, at)?;
            break;
        }
        if info.members == 0 {
            let n = head.len();
            info.first_header[..n].copy_from_slice(head);
        }
        info.other_header |= head != HEADER;
        let member = info.members + 1;
        let mut decoder = GzDecoder::new(&mut *input);
        loop {
            match decoder.read(&mut out[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) => {
                    let place = format!("gzip member {member} (at byte {at})");
                    return Err(Fault::corrupt(match (e.kind(), decoder.header()) {
                        (io::ErrorKind::UnexpectedEof, _) => {
                            format!("the bundle is truncated: {place} ends early")
                        }
                        (_, None) => format!("{place} has an invalid header: {e}"),
                        (_, Some(_)) => {
                            format!("{place} is damaged (deflate data, CRC-32 or size): {e}")
                        }
                    }));
                }
            }
            if filled == out.len() {
                let compressed = decoder.get_ref().count;
                let full = std::mem::replace(&mut out, chunk(recycle));
                filled = 0;
                if tx.send(Msg::Chunk(full, compressed)).is_err() {
                    return Err(Fault::corrupt("reading stopped"));
                }
            }
        }
        if info.members == 0 {
            info.file_name = decoder
                .header()
                .and_then(|h| h.filename())
                .map(<[u8]>::to_vec);
        }
        info.members += 1;
    }
    Ok(end_of(input, info, out, filled, tx))
}

/// Sends the last, partly `filled` chunk and flushes the file digest.
fn end_of(
    input: &mut Source<impl Read>,
    info: GzipInfo,
    mut out: Vec<u8>,
    filled: usize,
    tx: &SyncSender<Msg>,
) -> StreamEnd {
    if filled > 0 {
        out.truncate(filled);
        // A closed channel means the reader stopped early; it knows why.
        let _ = tx.send(Msg::Chunk(out, input.count));
    }
    input.flush_tee();
    StreamEnd {
        file_digest: None,
        gzip: info,
    }
}

/// A tar block.
const TAR_BLOCK: usize = crate::tar::BLOCK;

/// Whether `block` starts a tar archive as GNU tar reads one: a whole header block
/// whose checksum (unsigned or signed byte sum, as tar writes either) is right. (A
/// zero block, an empty archive, is refused before.)
fn is_tar_header(block: &[u8]) -> bool {
    let Ok(block) = <&[u8; TAR_BLOCK]>::try_from(block) else {
        return false;
    };
    crate::tar::checksum_ok(block)
}

/// Why the start of a file is not an archive the readers take, in words.
fn not_an_archive(start: &[u8]) -> String {
    let what = [
        (&b"BZh"[..], "bzip2-compressed"),
        (&b"\xfd7zXZ\0"[..], "xz-compressed"),
        (&b"\x28\xb5\x2f\xfd"[..], "zstd-compressed"),
        (&b"\x5d\0\0"[..], "lzma-compressed"),
        (&b"PK\x03\x04"[..], "a zip file"),
        (&b"7z\xbc\xaf\x27\x1c"[..], "a 7-Zip file"),
    ]
    .iter()
    .find(|(magic, _)| start.starts_with(magic))
    .map(|(_, what)| *what);
    match what {
        Some(what) => format!(
            "{what}: neither a gzip file nor a tar archive (bundles are .tar.gz; a plain .tar is read too)"
        ),
        None if start.len() < TAR_BLOCK => format!(
            "neither a gzip file (no 1f 8b magic bytes) nor a tar archive (only {} bytes, less than one 512-byte tar header)",
            start.len()
        ),
        None => "neither a gzip file (no 1f 8b magic bytes) nor a tar archive (the first 512 bytes are not a tar header with a valid checksum)".to_string(),
    }
}

/// Hands the bytes of a plain (uncompressed) tar on as they are, in [`CHUNK`]s
/// through the same bounded channel; returns the last chunk and how full it is.
fn pass_through(
    input: &mut Source<impl Read>,
    mut out: Vec<u8>,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Vec<u8>>,
) -> Result<(Vec<u8>, usize), Fault> {
    let mut filled = 0;
    loop {
        let n = input
            .read(&mut out[filled..])
            .map_err(|e| Fault::unreadable(&e))?;
        if n == 0 {
            return Ok((out, filled));
        }
        filled += n;
        if filled == out.len() {
            let full = std::mem::replace(&mut out, chunk(recycle));
            filled = 0;
            if tx.send(Msg::Chunk(full, input.count)).is_err() {
                return Err(Fault::corrupt("reading stopped"));
            }
        }
    }
}

/// Reads what follows the last member from `at`: the count of zero bytes, and where
/// other data starts and how long it is. Only zeros is record padding; anything
/// else GNU gzip ignores with a warning.
fn trailing(input: &mut Source<impl Read>, at: u64) -> Result<(u64, Option<(u64, u64)>), Fault> {
    let mut zeros = 0u64;
    let mut garbage: Option<(u64, u64)> = None;
    loop {
        let buf = input.fill_buf().map_err(|e| Fault::unreadable(&e))?;
        if buf.is_empty() {
            return Ok((zeros, garbage));
        }
        let n = buf.len();
        match &mut garbage {
            Some((_, len)) => *len += n as u64,
            None => match buf.iter().position(|&b| b != 0) {
                Some(i) => {
                    garbage = Some((at + zeros + i as u64, (n - i) as u64));
                    zeros += i as u64;
                }
                None => zeros += n as u64,
            },
        }
        input.consume(n);
    }
}
