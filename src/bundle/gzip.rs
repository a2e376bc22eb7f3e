//! gzip for bundles: a parallel, deterministic writer and a pipelined, bounded reader.
//!
//! **Writing** is pigz's scheme: the input is cut into fixed [`BLOCK_SIZE`] blocks;
//! each is deflated on its own thread with the previous block's last 32 KiB as a
//! preset dictionary and ended with a sync flush (the last one with the final
//! block), so the pieces concatenate into one deflate stream inside one gzip member.
//! A block's output depends only on its bytes, the 32 KiB before it, the level and
//! whether it is last: the same for any number of threads. The header is fixed
//! ([`HEADER`]: no name, mtime 0, XFL 0, OS 255).
//!
//! What deflate cannot shrink, and every block at level 0, is written as stored
//! blocks: a bundle is never more than 0.1 % larger than its tar stream. A block
//! with the byte statistics of random data is stored without trying deflate
//! (`incompressible`): that is half the deflate time of a profile of zipped drivers.
//!
//! **The file itself** (its compressed bytes) is read once: the download digest and
//! any [`FileTap`] (signature prehashes) are fed on a file-hashing thread from the
//! same reads that inflate uses.
//!
//! **Reading** takes what `tar xf` takes: a plain (uncompressed) tar, told by its
//! first block (a tar header whose checksum is right, or a zero block), is handed on
//! as it is, through the same thread and bounded channel, with [`GzipInfo::plain_tar`]
//! set. Otherwise it takes any gzip file GNU gzip reads: flate2's [`GzDecoder`] parses and
//! checks each member (FNAME, FCOMMENT, FEXTRA, FHCRC, CRC-32, ISIZE), members follow
//! each other (`cat a.gz b.gz`), zero bytes after the last one are counted, and the
//! framing is reported ([`GzipInfo`]) so that a layout can tell build's bytes from a
//! recompression. The inflate runs on its own thread, handing out inflated chunks
//! through a small bounded channel of recycled buffers, so that hashing and tar
//! parsing overlap with inflating; memory is a few hundred KiB whatever the size.
//!
//! Long: the writer and the reader share the framing (header, stored blocks) and
//! are tested against each other.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use flate2::bufread::GzDecoder;
use flate2::{Compress, Compression, FlushCompress, Status};

use super::limits::{show_size, RATIO_GRACE};
use super::sums::{Algorithm, Hasher};
use super::{Fault, Limits};

/// The fixed gzip header: magic, deflate, no flags, mtime 0, XFL 0, OS 255 (unknown).
pub const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// Input block size of the parallel writer (pigz's default).
pub const BLOCK_SIZE: usize = 128 * 1024;
/// The deflate window: how much of the previous block primes the next.
const DICT_SIZE: usize = 32 * 1024;
/// Size of the inflated chunks the reader hands out.
const CHUNK: usize = 256 * 1024;
/// Inflated chunks in flight between the inflate thread and the reader.
const IN_FLIGHT: usize = 4;

struct Job {
    data: Vec<u8>,
    dict: Vec<u8>,
    last: bool,
    reply: SyncSender<io::Result<Vec<u8>>>,
}

/// A gzip writer that deflates fixed blocks on `threads` threads, deterministically.
/// Call [`ParGzWriter::finish`]: dropping it loses the end of the stream.
pub struct ParGzWriter<W: Write> {
    out: Option<W>,
    level: u32,
    buf: Vec<u8>,
    dict: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
    jobs: Option<SyncSender<Job>>,
    pending: VecDeque<Receiver<io::Result<Vec<u8>>>>,
    max_pending: usize,
    workers: Vec<JoinHandle<()>>,
}

impl<W: Write> ParGzWriter<W> {
    /// Starts a gzip stream on `out` at `level` (0-9) with `threads` workers.
    pub fn new(mut out: W, level: u32, threads: usize) -> io::Result<Self> {
        out.write_all(&HEADER)?;
        let threads = threads.max(1);
        let (tx, rx) = sync_channel::<Job>(threads * 2);
        let rx = Arc::new(Mutex::new(rx));
        let workers = (0..threads)
            .map(|_| {
                let rx = Arc::clone(&rx);
                std::thread::spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let result = deflate_block(&job.data, &job.dict, level, job.last);
                    let _ = job.reply.send(result);
                })
            })
            .collect();
        Ok(ParGzWriter {
            out: Some(out),
            level,
            buf: Vec::with_capacity(BLOCK_SIZE),
            dict: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
            jobs: Some(tx),
            pending: VecDeque::new(),
            max_pending: threads * 4,
            workers,
        })
    }

    fn submit(&mut self, last: bool) -> io::Result<()> {
        let data = std::mem::replace(&mut self.buf, Vec::with_capacity(BLOCK_SIZE));
        self.crc.update(&data);
        self.len += data.len() as u64;
        let tail = data.len().saturating_sub(DICT_SIZE);
        let next_dict = if data.len() >= DICT_SIZE {
            data[tail..].to_vec()
        } else {
            let mut d = std::mem::take(&mut self.dict);
            d.extend_from_slice(&data);
            let cut = d.len().saturating_sub(DICT_SIZE);
            d.split_off(cut)
        };
        let dict = std::mem::replace(&mut self.dict, next_dict);
        let (reply, rx) = sync_channel(1);
        let job = Job {
            data,
            dict,
            last,
            reply,
        };
        match &self.jobs {
            Some(jobs) => jobs
                .send(job)
                .map_err(|_| io::Error::other("compression worker stopped"))?,
            None => return Err(io::Error::other("gzip stream already finished")),
        }
        self.pending.push_back(rx);
        while self.pending.len() > self.max_pending {
            self.write_oldest()?;
        }
        Ok(())
    }

    fn write_oldest(&mut self) -> io::Result<()> {
        let Some(rx) = self.pending.pop_front() else {
            return Ok(());
        };
        let block = rx
            .recv()
            .map_err(|_| io::Error::other("compression worker stopped"))??;
        match self.out.as_mut() {
            Some(out) => out.write_all(&block),
            None => Err(io::Error::other("gzip stream already finished")),
        }
    }

    /// Compresses what is left, writes the trailer and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.submit(true)?;
        while !self.pending.is_empty() {
            self.write_oldest()?;
        }
        self.jobs = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        let mut out = self
            .out
            .take()
            .ok_or_else(|| io::Error::other("gzip stream already finished"))?;
        out.write_all(&self.crc.clone().finalize().to_le_bytes())?;
        out.write_all(&(self.len as u32).to_le_bytes())?;
        Ok(out)
    }

    /// The compression level.
    pub fn level(&self) -> u32 {
        self.level
    }
}

impl<W: Write> Write for ParGzWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = BLOCK_SIZE - self.buf.len();
        let n = room.min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == BLOCK_SIZE {
            self.submit(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for ParGzWriter<W> {
    fn drop(&mut self) {
        self.jobs = None;
        self.pending.clear();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// Raw-deflates one block, primed with `dict`, ending in a sync flush or, when
/// `last`, the final block. Level 0, or a block that deflate does not make smaller
/// than stored blocks would be, is written as stored blocks: a bundle is never more
/// than 5 bytes per 64 KiB larger than its tar stream (plus the gzip framing).
pub fn deflate_block(data: &[u8], dict: &[u8], level: u32, last: bool) -> io::Result<Vec<u8>> {
    if level == 0 || incompressible(data) {
        return Ok(stored_blocks(data, last));
    }
    deflate_or_store(data, dict, level, last)
}

/// [`deflate_block`] without the [`incompressible`] test: deflate, then stored
/// blocks when they are smaller.
fn deflate_or_store(data: &[u8], dict: &[u8], level: u32, last: bool) -> io::Result<Vec<u8>> {
    let mut c = Compress::new(Compression::new(level), false);
    if !dict.is_empty() {
        c.set_dictionary(dict).map_err(io::Error::other)?;
    }
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let consumed = c.total_in() as usize;
        let status = c
            .compress_vec(&data[consumed..], &mut out, flush)
            .map_err(io::Error::other)?;
        let done = if last {
            status == Status::StreamEnd
        } else {
            c.total_in() as usize == data.len() && out.len() < out.capacity()
        };
        if done {
            break;
        }
        out.reserve(64 * 1024);
    }
    if out.len() >= stored_size(data.len()) {
        return Ok(stored_blocks(data, last));
    }
    Ok(out)
}

/// Smallest block [`incompressible`] judges: below it, deflate is always tried.
const JUDGED_MIN: usize = 32 * 1024;
/// [`incompressible`] judges a block in pieces of this size, each on its own.
const PIECE: usize = 8 * 1024;

/// Whether deflate is not worth trying on `data`: every 8 KiB piece of it has its
/// bytes spread over the 256 values so evenly (order-0 entropy above 7.95 bits per
/// byte for 8 KiB; random and already-compressed data, such as zip, cab or rpm payloads, have
/// 7.97 or more) that no Huffman code shrinks it, while stored blocks cost 5 bytes
/// per 64 KiB. Deflate spends about as long failing on such a block as compressing
/// text (zlib -6: 61 against 45 MB/s here) before it stores it, so the test (byte
/// counts, one pass) saves that time. A piece with a run of zeros or text in it (a
/// tar header between two payloads, a zip directory) fails the test, and the block
/// is deflated as before. What it gives up: the same random kilobytes twice within
/// 32 KiB, which deflate would have found. A decision from the block's bytes alone:
/// the output stays the same for any number of threads.
fn incompressible(data: &[u8]) -> bool {
    if data.len() < JUDGED_MIN {
        return false;
    }
    // Random bytes fall short of 8 bits by about 184 / n (255 / (2 n ln 2)); the
    // bar is a little over twice that: 7.95 for a whole piece. A last piece under
    // 1 KiB is not judged.
    data.chunks(PIECE)
        .filter(|piece| piece.len() >= 1024)
        .all(|piece| entropy(piece) > 8.0 - 400.0 / piece.len() as f64)
}

/// Order-0 entropy of `data` in bits per byte (0 for no data).
fn entropy(data: &[u8]) -> f64 {
    let mut counts = [[0u32; 256]; 4];
    let mut quads = data.chunks_exact(4);
    for q in &mut quads {
        counts[0][q[0] as usize] += 1;
        counts[1][q[1] as usize] += 1;
        counts[2][q[2] as usize] += 1;
        counts[3][q[3] as usize] += 1;
    }
    for &b in quads.remainder() {
        counts[0][b as usize] += 1;
    }
    let n = data.len() as f64;
    // log2(n) - sum(c * log2 c) / n.
    let sum: f64 = (0..256)
        .map(|v| f64::from(counts.iter().map(|k| k[v]).sum::<u32>()))
        .filter(|&c| c > 0.0)
        .map(|c| c * c.log2())
        .sum();
    if data.is_empty() {
        0.0
    } else {
        n.log2() - sum / n
    }
}

/// The largest stored deflate block.
const STORED_MAX: usize = 65_535;

/// Bytes that [`stored_blocks`] writes for `n` bytes of data.
fn stored_size(n: usize) -> usize {
    n + 5 * n.div_ceil(STORED_MAX).max(1)
}

/// `data` as stored deflate blocks (RFC 1951 3.2.4), the last one final when
/// `last`. Every block before this one ends on a byte boundary (a sync flush or
/// stored blocks), so the header bits and padding are one byte.
fn stored_blocks(data: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(stored_size(data.len()));
    let count = data.len().div_ceil(STORED_MAX).max(1);
    for i in 0..count {
        let piece = &data[(i * STORED_MAX).min(data.len())..((i + 1) * STORED_MAX).min(data.len())];
        let len = piece.len() as u16;
        out.push(u8::from(last && i + 1 == count));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(piece);
    }
    out
}

/// What the inflate thread reports at the end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamEnd {
    /// The digest of the compressed bytes with the algorithm asked for.
    pub file_digest: Option<(Algorithm, Vec<u8>)>,
    /// The gzip framing as read ([`GzipInfo::difference`]: how it differs from what
    /// `build` writes).
    pub gzip: GzipInfo,
}

/// The gzip framing of a stream: enough to tell whether its bytes are exactly what
/// `build` writes ([`GzipInfo::is_canonical`]), and to describe them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GzipInfo {
    /// A plain tar, not gzip-compressed at all (no members).
    pub plain_tar: bool,
    /// gzip members read (`cat a.gz b.gz` has two).
    pub members: u64,
    /// The first 10 bytes of the first member's header (magic, method, flags,
    /// mtime, XFL, OS).
    pub first_header: [u8; 10],
    /// The first member's file name (FNAME), if any.
    pub file_name: Option<Vec<u8>>,
    /// Whether any member's header differs from [`HEADER`] (flags, mtime, XFL, OS).
    pub other_header: bool,
    /// Zero bytes after the last member.
    pub trailing_zeros: u64,
    /// Where data other than zeros and gzip members starts after the last member
    /// (GNU gzip ignores it with a warning), and how many bytes follow from there.
    pub trailing_garbage: Option<(u64, u64)>,
}

impl GzipInfo {
    /// Exactly one member with the fixed [`HEADER`] and nothing after it: the framing
    /// `build` writes.
    pub fn is_canonical(&self) -> bool {
        self.members == 1
            && !self.other_header
            && self.trailing_zeros == 0
            && self.trailing_garbage.is_none()
    }

    /// How the framing differs from what `build` writes, in words; `None` when it
    /// does not.
    pub fn difference(&self) -> Option<String> {
        if self.is_canonical() {
            return None;
        }
        if self.plain_tar {
            return Some(
                "a plain tar, not gzip-compressed: osbundle build writes .tar.gz (one gzip member with the header 1f8b 0800 0000 0000 00ff); unpacked with gunzip or written by another tool".to_string(),
            );
        }
        let mut what = Vec::new();
        if self.other_header {
            let h = &self.first_header;
            let mut fields = Vec::new();
            if h[3] & 8 != 0 {
                fields.push("a file name".to_string());
            }
            if h[3] & !8 != 0 {
                fields.push(format!("flags {:#04x}", h[3]));
            }
            if h[4..8] != [0; 4] {
                fields.push("a modification time".to_string());
            }
            if h[8] != 0 {
                fields.push(format!("XFL {}", h[8]));
            }
            if h[9] != HEADER[9] {
                fields.push(format!("OS byte {}", h[9]));
            }
            if fields.is_empty() {
                what.push("a gzip header other than the fixed one".to_string());
            } else {
                what.push(format!("a gzip header with {}", fields.join(", ")));
            }
        }
        if self.members != 1 {
            what.push(format!("{} gzip members", self.members));
        }
        if self.trailing_zeros > 0 {
            what.push(format!(
                "{} zero bytes after the last member",
                self.trailing_zeros
            ));
        }
        if let Some((at, n)) = self.trailing_garbage {
            what.push(format!(
                "{n} bytes of other data after the last member, from byte {at}"
            ));
        }
        Some(format!(
            "the gzip encoding is not what osbundle build writes ({}; build writes one member with the header 1f8b 0800 0000 0000 00ff): recompressed or written by another tool",
            what.join("; ")
        ))
    }
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

/// A reader of the bundle file's own bytes (the compressed ones) beside inflate, in
/// the same read of the file: a signature's prehash, say. It runs on the file-hashing
/// thread; whatever it leaves unread is read for it, so the download digest and any
/// other tap still see the whole file.
pub trait FileTap: Send {
    /// Reads the file's bytes from `file`, in order, to its end (or as far as it
    /// needs). When a tap is given, the file is read to its end even where inflate
    /// stops early (damage, a limit): the tap's answer is about the file's bytes,
    /// whatever they hold. A read error is passed on as it happened.
    fn read_file(&mut self, file: &mut dyn Read);
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

/// A piece of the file for the file-hashing thread, or the error that ended reading.
type Piece = io::Result<Vec<u8>>;

const TEE_CHUNK: usize = 256 * 1024;
/// Pieces in flight to the file-hashing thread: what it may lag behind inflate.
const TEE_IN_FLIGHT: usize = 4;

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

/// The file-hashing thread: the digest of the file with `algorithm` (`None` when
/// none is asked for or reading failed), and `tap` reading the same bytes.
fn read_file(
    pieces: Receiver<Piece>,
    algorithm: Option<Algorithm>,
    tap: Option<&mut dyn FileTap>,
) -> Option<Vec<u8>> {
    let mut file = Pieces {
        rx: pieces,
        current: Vec::new(),
        pos: 0,
        digest: algorithm.map(Hasher::new),
        failed: false,
    };
    if let Some(tap) = tap {
        tap.read_file(&mut file);
    }
    // What the tap left, for the digest.
    let _ = io::copy(&mut file, &mut io::sink());
    match file.failed {
        true => None,
        false => file.digest.map(Hasher::finalize),
    }
}

/// The file's bytes as the file-hashing thread receives them, each piece added to
/// the digest as it arrives.
struct Pieces {
    rx: Receiver<Piece>,
    current: Vec<u8>,
    pos: usize,
    digest: Option<Hasher>,
    failed: bool,
}

impl Read for Pieces {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.current.len() {
            match self.rx.recv() {
                Ok(Ok(piece)) => {
                    if let Some(d) = &mut self.digest {
                        d.update(&piece);
                    }
                    self.current = piece;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.failed = true;
                    return Err(e);
                }
                Err(_) => return Ok(0),
            }
        }
        let n = (self.current.len() - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
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
const TAR_BLOCK: usize = super::tar::BLOCK;

/// Whether `block` starts a tar archive as GNU tar reads one: a whole header block
/// whose checksum (unsigned or signed byte sum, as tar writes either) is right. (A
/// zero block, an empty archive, is refused before.)
fn is_tar_header(block: &[u8]) -> bool {
    let Ok(block) = <&[u8; TAR_BLOCK]>::try_from(block) else {
        return false;
    };
    super::tar::checksum_ok(block)
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

#[cfg(test)]
#[path = "gzip_tests.rs"]
mod tests;
