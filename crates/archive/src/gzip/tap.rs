//! The file's own bytes beside inflate: the digest of the compressed file and any
//! [`FileTap`], on a file-hashing thread fed from the same reads inflate uses.

use std::io::{self, Read};
use std::sync::mpsc::Receiver;

use crate::sums::{Algorithm, Hasher};

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

/// A piece of the file for the file-hashing thread, or the error that ended reading.
pub(super) type Piece = io::Result<Vec<u8>>;

pub(super) const TEE_CHUNK: usize = 256 * 1024;
/// Pieces in flight to the file-hashing thread: what it may lag behind inflate.
pub(super) const TEE_IN_FLIGHT: usize = 4;

/// The file-hashing thread: the digest of the file with `algorithm` (`None` when
/// none is asked for or reading failed), and `tap` reading the same bytes.
pub(super) fn read_file(
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
