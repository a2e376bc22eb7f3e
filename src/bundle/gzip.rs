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
//! **Reading** runs the inflate on its own thread, handing out inflated chunks
//! through a small bounded channel of recycled buffers, so that hashing and tar
//! parsing overlap with inflating; memory is a few hundred KiB whatever the size.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use sha2::{Digest, Sha256};

use super::limits::{show_size, RATIO_GRACE};
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
/// `last`, the final block.
pub fn deflate_block(data: &[u8], dict: &[u8], level: u32, last: bool) -> io::Result<Vec<u8>> {
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
            return Ok(out);
        }
        out.reserve(64 * 1024);
    }
}

/// What the inflate thread reports at the end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamEnd {
    /// SHA-256 of the compressed bytes, when asked for.
    pub file_sha256: Option<[u8; 32]>,
    /// The gzip header differs from [`HEADER`] (message), though it parsed.
    pub header_note: Option<String>,
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
                            "compression ratio above {}:1 ({} inflated from {}): a gzip bomb?",
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
    let (tx, rx) = sync_channel::<Msg>(IN_FLIGHT);
    let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(IN_FLIGHT + 2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let result = inflate_into(source, hash_file, &tx, &recycle_rx);
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

/// Counts the compressed bytes and, when asked, tees them in 1 MiB pieces to a
/// hashing thread, so that the SHA-256 of the file stays off the inflate thread.
struct Hashing<R> {
    inner: R,
    tee: Option<SyncSender<Vec<u8>>>,
    pending: Vec<u8>,
    count: u64,
}

const TEE_CHUNK: usize = 1 << 20;

impl<R> Hashing<R> {
    fn flush_tee(&mut self) {
        if let Some(tee) = &self.tee {
            let full = std::mem::replace(&mut self.pending, Vec::with_capacity(TEE_CHUNK));
            if !full.is_empty() && tee.send(full).is_err() {
                self.tee = None;
            }
        }
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.tee.is_some() {
            self.pending.extend_from_slice(&buf[..n]);
            if self.pending.len() >= TEE_CHUNK {
                self.flush_tee();
            }
        }
        self.count += n as u64;
        Ok(n)
    }
}

fn inflate_into(
    source: impl Read,
    hash_file: bool,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Vec<u8>>,
) -> Result<StreamEnd, Fault> {
    if !hash_file {
        return inflate_stream_with(source, None, tx, recycle);
    }
    let (tee, pieces) = sync_channel::<Vec<u8>>(4);
    std::thread::scope(|scope| {
        let hasher = scope.spawn(move || {
            let mut sha = Sha256::new();
            for piece in pieces {
                sha.update(&piece);
            }
            <[u8; 32]>::from(sha.finalize())
        });
        let result = inflate_stream_with(source, Some(tee), tx, recycle);
        let digest = hasher.join().ok();
        result.map(|mut end| {
            end.file_sha256 = digest;
            end
        })
    })
}

fn inflate_stream_with(
    source: impl Read,
    tee: Option<SyncSender<Vec<u8>>>,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Vec<u8>>,
) -> Result<StreamEnd, Fault> {
    let mut input = BufReader::with_capacity(
        CHUNK,
        Hashing {
            inner: source,
            tee,
            pending: Vec::with_capacity(TEE_CHUNK),
            count: 0,
        },
    );
    let io = |e: io::Error| Fault::corrupt(format!("cannot read the bundle: {e}"));
    let header_note = read_header(&mut input)?;
    let mut z = Decompress::new(false);
    let mut crc = crc32fast::Hasher::new();
    let mut out = recycle.try_recv().unwrap_or_default();
    out.clear();
    out.reserve(CHUNK);
    loop {
        let buf = input.fill_buf().map_err(io)?;
        let eof = buf.is_empty();
        let before_in = z.total_in();
        let before_out = out.len();
        let status = z
            .decompress_vec(buf, &mut out, FlushDecompress::None)
            .map_err(|e| Fault::corrupt(format!("deflate data is damaged: {e}")))?;
        let used = (z.total_in() - before_in) as usize;
        input.consume(used);
        crc.update(&out[before_out..]);
        let stream_end = status == Status::StreamEnd;
        if out.len() == out.capacity() || (stream_end && !out.is_empty()) {
            let compressed = input.get_ref().count;
            let next = recycle
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
            let full = std::mem::replace(&mut out, next);
            out.clear();
            out.reserve(CHUNK);
            if tx.send(Msg::Chunk(full, compressed)).is_err() {
                return Err(Fault::corrupt("reading stopped"));
            }
        }
        if stream_end {
            break;
        }
        if eof && used == 0 && out.len() == before_out {
            return Err(Fault::corrupt(
                "the gzip stream ends before the end of its deflate data: the bundle is truncated",
            ));
        }
    }
    let mut trailer = [0u8; 8];
    input.read_exact(&mut trailer).map_err(|_| {
        Fault::corrupt("the gzip trailer (CRC-32 and size) is missing: the bundle is truncated")
    })?;
    let crc_recorded = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let size_recorded = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    if crc_recorded != crc.finalize() {
        return Err(Fault::corrupt(
            "gzip CRC-32 mismatch: the compressed data is damaged",
        ));
    }
    if size_recorded != z.total_out() as u32 {
        return Err(Fault::corrupt(
            "gzip size mismatch: the compressed data is damaged",
        ));
    }
    let mut rest = [0u8; 1];
    if input.read(&mut rest).map_err(io)? != 0 {
        return Err(Fault::corrupt(
            "data after the gzip member (a bundle is exactly one gzip member)",
        ));
    }
    let mut hashing = input.into_inner();
    hashing.flush_tee();
    Ok(StreamEnd {
        file_sha256: None,
        header_note,
    })
}

/// Reads and checks a gzip header; a valid header other than [`HEADER`] is a note.
fn read_header(input: &mut impl BufRead) -> Result<Option<String>, Fault> {
    let truncated = || Fault::corrupt("the gzip header is truncated");
    let mut fixed = [0u8; 10];
    input
        .read_exact(&mut fixed)
        .map_err(|_| Fault::corrupt("not a gzip file: shorter than a gzip header"))?;
    if fixed[0..2] != [0x1f, 0x8b] {
        return Err(Fault::corrupt("not a gzip file (bad magic bytes)"));
    }
    if fixed[2] != 8 {
        return Err(Fault::corrupt("gzip compression method is not deflate"));
    }
    let flags = fixed[3];
    if flags & 0xe0 != 0 {
        return Err(Fault::corrupt("reserved gzip header flags are set"));
    }
    if flags & 4 != 0 {
        let mut len = [0u8; 2];
        input.read_exact(&mut len).map_err(|_| truncated())?;
        let n = u64::from(u16::from_le_bytes(len));
        let skipped = io::copy(&mut input.take(n), &mut io::sink()).map_err(|_| truncated())?;
        if skipped != n {
            return Err(truncated());
        }
    }
    for flag in [8u8, 16] {
        if flags & flag != 0 {
            let mut text = Vec::new();
            input
                .take(64 * 1024)
                .read_until(0, &mut text)
                .map_err(|_| truncated())?;
            if text.last() != Some(&0) {
                return Err(Fault::corrupt(
                    "gzip header name or comment is unterminated or too long",
                ));
            }
        }
    }
    if flags & 2 != 0 {
        let mut crc16 = [0u8; 2];
        input.read_exact(&mut crc16).map_err(|_| truncated())?;
    }
    Ok((fixed != HEADER).then(|| {
        "the gzip header differs from the fixed one osbundle writes (no name, mtime 0, OS 255): \
         the bundle was changed or not built by osbundle"
            .to_string()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        let mut x: u32 = 1;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                if i % 3 == 0 {
                    (x >> 24) as u8
                } else {
                    b'a' + (i % 7) as u8
                }
            })
            .collect()
    }

    fn compress(data: &[u8], threads: usize) -> Vec<u8> {
        let mut w = ParGzWriter::new(Vec::new(), 6, threads).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn parallel_output_is_deterministic_and_plain_gzip() {
        for n in [0, 1, DICT_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE * 3 + 17] {
            let data = sample(n);
            let one = compress(&data, 1);
            assert_eq!(one, compress(&data, 3), "n = {n}");
            assert_eq!(&one[..10], &HEADER);
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&one[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
            let got = with_inflated(&one[..], &Limits::default(), true, |r| {
                let mut v = Vec::new();
                r.read_to_end(&mut v).map(|_| v)
            });
            assert_eq!(got.unwrap(), data);
        }
    }

    #[test]
    fn damage_is_a_fault() {
        let good = compress(&sample(100_000), 2);
        let read = |bytes: &[u8]| {
            with_inflated(bytes, &Limits::default(), false, |r| {
                let mut v = Vec::new();
                r.read_to_end(&mut v).map_err(|e| Fault::from_io(&e))?;
                Ok::<_, Fault>(r.end().cloned())
            })
        };
        assert!(read(&good).is_ok());
        for cut in [0, 5, 10, 11, good.len() / 2, good.len() - 8, good.len() - 1] {
            assert!(read(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(read(&trailing).is_err());
        let mut bad_crc = good.clone();
        let at = bad_crc.len() - 6;
        bad_crc[at] ^= 1;
        assert!(read(&bad_crc).unwrap_err().message.contains("CRC"));
        let mut mtime = good;
        mtime[5] = 1;
        let end = read(&mtime).unwrap().unwrap().unwrap();
        assert!(end.header_note.is_some());
    }

    #[test]
    fn bombs_hit_the_ratio_limit() {
        let zeros = vec![0u8; 40 << 20];
        let gz = compress(&zeros, 2);
        let err = with_inflated(&gz[..], &Limits::default(), false, |r| {
            io::copy(r, &mut io::sink()).map_err(|e| Fault::from_io(&e))
        })
        .unwrap_err();
        assert_eq!(err.rule, crate::findings::Rule::BundleLimitExceeded);
    }
}
