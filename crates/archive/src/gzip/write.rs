//! The writer: pigz's scheme, deterministic for any number of threads.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use flate2::{Compress, Compression, FlushCompress, Status};

use super::HEADER;

/// Input block size of the parallel writer (pigz's default).
pub const BLOCK_SIZE: usize = 128 * 1024;
/// The deflate window: how much of the previous block primes the next.
pub(super) const DICT_SIZE: usize = 32 * 1024;
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
pub(super) fn deflate_or_store(
    data: &[u8],
    dict: &[u8],
    level: u32,
    last: bool,
) -> io::Result<Vec<u8>> {
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
pub(super) const JUDGED_MIN: usize = 32 * 1024;
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
pub(super) fn incompressible(data: &[u8]) -> bool {
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
pub(super) fn stored_size(n: usize) -> usize {
    n + 5 * n.div_ceil(STORED_MAX).max(1)
}

/// `data` as stored deflate blocks (RFC 1951 3.2.4), the last one final when
/// `last`. Every block before this one ends on a byte boundary (a sync flush or
/// stored blocks), so the header bits and padding are one byte.
pub(super) fn stored_blocks(data: &[u8], last: bool) -> Vec<u8> {
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
