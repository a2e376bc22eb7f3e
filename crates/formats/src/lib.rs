//! Readers of the payload formats that an OS-deployment profile carries.
//!
//! Each module knows one format: what a file of that format is, whether it is whole,
//! and where (byte offset, line and column) it is not. None of them knows profiles,
//! kinds, operating systems, rule IDs or severities: the caller (the `osbundle`
//! crate's profile checker) decides what a reader's answer means for a file of a
//! given kind and OS. This crate depends on no domain code, and the compiler keeps
//! it so: nothing of `osbundle` can be named from here.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ar;
pub mod iso;
pub mod kickstart;
pub mod preseed;
pub mod rpm;
pub mod sniff;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod vib;
pub mod xml;
pub mod yaml;
pub mod zip;

use std::io::{self, Read, Seek, SeekFrom};

/// Why a reader could not confirm that a file is whole and of its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Damaged or cut short: the message says what and at which byte.
    Corrupt(String),
    /// The bytes at hand cannot tell (a one-pass stream cannot go back, a structure
    /// this reader does not follow): the message says what was not checked.
    Unprovable(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Corrupt(m) | Fault::Unprovable(m) => f.write_str(m),
        }
    }
}

/// A file read front to back: `skip` moves forward without handing the bytes out
/// (a seek on a file, a read and drop on a stream). Readers never go back, so the
/// same reader serves a file on disk and an entry of an archive stream.
pub trait Input: Read {
    /// Moves `n` bytes forward. Past the end is no error here: the next read says it.
    fn skip(&mut self, n: u64) -> io::Result<()>;
}

/// An [`Input`] over anything seekable (a file): `skip` is a seek.
#[derive(Debug)]
pub struct Seekable<R>(pub R);

impl<R: Read> Read for Seekable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read + Seek> Input for Seekable<R> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let n = i64::try_from(n).map_err(|_| io::Error::other("skip past 2^63 bytes"))?;
        self.0.seek(SeekFrom::Current(n)).map(|_| ())
    }
}

/// An [`Input`] over a plain stream: `skip` reads and drops.
#[derive(Debug)]
pub struct Sequential<R>(pub R);

impl<R: Read> Read for Sequential<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read> Input for Sequential<R> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        io::copy(&mut (&mut self.0).take(n), &mut io::sink()).map(|_| ())
    }
}

/// A reader's position in its [`Input`], for messages that say at which byte a
/// file is cut short; `len` is the file's size, known before reading.
pub(crate) struct Cursor<'a> {
    input: &'a mut dyn Input,
    pos: u64,
    len: u64,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(input: &'a mut dyn Input, len: u64) -> Self {
        Cursor { input, pos: 0, len }
    }

    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    /// Reads `buf.len()` bytes of `what`; the end of the file before that is a
    /// [`Fault::Corrupt`] naming `what`.
    pub(crate) fn exact(&mut self, buf: &mut [u8], what: &str) -> Result<(), Fault> {
        if self.len.saturating_sub(self.pos) < buf.len() as u64 {
            return Err(cut_short(self.len, what, self.pos + buf.len() as u64));
        }
        match self.input.read_exact(buf) {
            Ok(()) => {
                self.pos += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                Err(cut_short(self.len, what, self.pos + buf.len() as u64))
            }
            Err(e) => Err(Fault::Corrupt(format!("cannot read {what}: {e}"))),
        }
    }

    /// Reads `n` bytes of `what` into a new buffer.
    pub(crate) fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>, Fault> {
        if self.len.saturating_sub(self.pos) < n {
            return Err(cut_short(self.len, what, self.pos.saturating_add(n)));
        }
        // n fits in the file, whose size is known: the caller bounds it further.
        let mut buf = vec![0; usize::try_from(n).map_err(|_| too_big(what))?];
        self.exact(&mut buf, what)?;
        Ok(buf)
    }

    /// Moves forward to `offset`; `offset` before the position is a
    /// [`Fault::Unprovable`] (one pass never goes back).
    pub(crate) fn seek_to(&mut self, offset: u64, what: &str) -> Result<(), Fault> {
        if offset < self.pos {
            return Err(Fault::Unprovable(format!(
                "{what} at byte {offset} lies before byte {} and is not read in one pass",
                self.pos
            )));
        }
        if offset > self.len {
            return Err(cut_short(self.len, what, offset));
        }
        self.input
            .skip(offset - self.pos)
            .map_err(|e| Fault::Corrupt(format!("cannot read {what}: {e}")))?;
        self.pos = offset;
        Ok(())
    }

    /// Hands every byte up to `end` to `f`, in pieces.
    pub(crate) fn stream_to(
        &mut self,
        end: u64,
        what: &str,
        mut f: impl FnMut(&[u8]),
    ) -> Result<(), Fault> {
        if end > self.len {
            return Err(cut_short(self.len, what, end));
        }
        let mut buf = vec![0; 256 * 1024];
        while self.pos < end {
            let n = (end - self.pos).min(buf.len() as u64) as usize;
            self.exact(&mut buf[..n], what)?;
            f(&buf[..n]);
        }
        Ok(())
    }
}

fn too_big(what: &str) -> Fault {
    Fault::Corrupt(format!("{what} is larger than this machine can hold"))
}

/// The fault of a file of `len` bytes that would need `needed` bytes for `what`.
pub(crate) fn cut_short(len: u64, what: &str, needed: u64) -> Fault {
    Fault::Corrupt(format!(
        "truncated: {what} needs {needed} bytes, the file has {len}"
    ))
}

/// Reads a little-endian u16 at `at` of `b` (callers check the length first).
pub(crate) fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// Reads a little-endian u32 at `at` of `b`.
pub(crate) fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads a little-endian u64 at `at` of `b`.
pub(crate) fn le64(b: &[u8], at: usize) -> u64 {
    let mut x = [0; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// Reads a big-endian u32 at `at` of `b`.
pub(crate) fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Whether an entry name inside an archive would unpack outside the folder it is
/// unpacked into: absolute (`/x`, `\x`, `C:`), or with a `..` component (with `/` or
/// `\` as separators, as unzip and Windows read them).
pub fn is_unsafe_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.first().is_some_and(|&b| b == b'/' || b == b'\\') {
        return true;
    }
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return true;
    }
    name.split(['/', '\\']).any(|part| part == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names() {
        for name in ["/etc/passwd", "\\x", "C:x", "a/../../b", "..", "a\\..\\b"] {
            assert!(is_unsafe_name(name), "{name}");
        }
        for name in ["a/b", "..a", "a..", "a/.../b", "ab:c", "./a"] {
            assert!(!is_unsafe_name(name), "{name}");
        }
    }

    #[test]
    fn a_cursor_says_where_a_file_is_cut_short() {
        let data = [1u8, 2, 3];
        let mut input = Sequential(&data[..]);
        let mut c = Cursor::new(&mut input, 3);
        let mut buf = [0; 2];
        assert!(c.exact(&mut buf, "the lead").is_ok());
        let e = c.exact(&mut buf, "the header").unwrap_err();
        assert_eq!(
            e,
            Fault::Corrupt("truncated: the header needs 4 bytes, the file has 3".into())
        );
        assert!(matches!(c.seek_to(1, "x"), Err(Fault::Unprovable(_))));
    }
}
