//! A bounded, streaming tar reader (ustar, GNU and v7 headers; pax `path` and `size`
//! records and GNU long names), and the header blocks `build` writes.
//!
//! The reader never allocates more than [`EXTENSION_MAX`] for a header's extensions;
//! it keeps the raw header blocks of each entry (for the archive ledger), checks
//! header checksums, that data padding and the end-of-archive blocks are zero, and
//! that nothing but zeros follows the end. Entry data is handed out in slices of the
//! underlying buffer: nothing is copied or held.

use std::io::{BufRead, ErrorKind};

use super::limits::{NAME_MAX, TRAILING_ZEROS_MAX};
use super::Fault;

/// The tar block size.
pub const BLOCK: usize = 512;
/// The largest pax or GNU long-name extension data.
pub const EXTENSION_MAX: u64 = 64 * 1024;
/// The most extension headers before one entry.
const EXTENSIONS_MAX: usize = 8;

/// One entry's header, with its extensions applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name, raw bytes (from pax `path`, a GNU long name, or prefix + name).
    pub name: Vec<u8>,
    /// Permission bits (and setuid/setgid/sticky).
    pub mode: u32,
    /// Size of the data that follows.
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
    /// The type flag (`b'0'` regular file, `b'5'` directory, ...).
    pub typeflag: u8,
    /// Every raw block of the header: extension headers, their data, the main header.
    pub raw: Vec<u8>,
    /// Offset of the first header block in the uncompressed stream.
    pub offset: u64,
}

/// A streaming reader of tar entries from a [`BufRead`].
#[derive(Debug)]
pub struct TarReader<R> {
    inner: R,
    offset: u64,
    pending: u64,
    padding: u64,
}

impl<R: BufRead> TarReader<R> {
    /// Reads tar entries from `inner`.
    pub fn new(inner: R) -> Self {
        TarReader {
            inner,
            offset: 0,
            pending: 0,
            padding: 0,
        }
    }

    /// Bytes of the tar stream consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next entry, or `None` at a valid end of archive. The previous entry's data
    /// is skipped if it was not read.
    pub fn next_header(&mut self) -> Result<Option<Header>, Fault> {
        self.skip_data()?;
        let start = self.offset;
        let mut raw = Vec::with_capacity(BLOCK);
        let mut long_name: Option<Vec<u8>> = None;
        let mut pax_size: Option<u64> = None;
        for _ in 0..=EXTENSIONS_MAX {
            let mut block = [0u8; BLOCK];
            if !self.read_block(&mut block, raw.is_empty())? {
                return Err(Fault::corrupt(format!(
                    "archive ends without its end-of-archive marker at byte {}",
                    self.offset
                )));
            }
            if block.iter().all(|&b| b == 0) {
                if !raw.is_empty() {
                    return Err(Fault::corrupt(format!(
                        "zero block after an extension header at byte {}",
                        self.offset - BLOCK as u64
                    )));
                }
                self.finish_end()?;
                return Ok(None);
            }
            let at = self.offset - BLOCK as u64;
            check_checksum(&block, at)?;
            raw.extend_from_slice(&block);
            let typeflag = block[156];
            let size = numeric(&block[124..136], "size", at)?;
            match typeflag {
                b'x' | b'L' => {
                    if size > EXTENSION_MAX {
                        return Err(Fault::limit(format!(
                            "extension header of {size} bytes at byte {at} (limit {EXTENSION_MAX})"
                        )));
                    }
                    let data = self.read_small(size)?;
                    raw.extend_from_slice(&data);
                    raw.resize(raw.len() + pad(size) as usize, 0);
                    if typeflag == b'L' {
                        let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
                        long_name = Some(data[..end].to_vec());
                    } else {
                        for (key, value) in pax_records(&data, at)? {
                            match key {
                                b"path" => long_name = Some(value.to_vec()),
                                b"size" => {
                                    let text = std::str::from_utf8(value).ok();
                                    pax_size = Some(text.and_then(|t| t.parse().ok()).ok_or_else(
                                        || Fault::corrupt(format!("bad pax size at byte {at}")),
                                    )?);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                _ => {
                    let name = match long_name {
                        Some(name) => name,
                        None => header_name(&block),
                    };
                    if name.len() > NAME_MAX {
                        return Err(Fault::limit(format!("entry name of {} bytes", name.len())));
                    }
                    let size = pax_size.unwrap_or(size);
                    let header = Header {
                        name,
                        mode: numeric(&block[100..108], "mode", at)? as u32,
                        size,
                        mtime: numeric(&block[136..148], "mtime", at)?,
                        typeflag,
                        raw,
                        offset: start,
                    };
                    let data_size = match typeflag {
                        b'1' | b'2' | b'3' | b'4' | b'5' | b'6' if size != 0 => {
                            return Err(Fault::corrupt(format!(
                                "a link, device, folder or fifo with {size} bytes of data at byte {at}"
                            )))
                        }
                        _ => size,
                    };
                    self.pending = data_size;
                    self.padding = pad(data_size);
                    return Ok(Some(header));
                }
            }
        }
        Err(Fault::corrupt(format!(
            "more than {EXTENSIONS_MAX} extension headers in a row at byte {start}"
        )))
    }

    /// Hands the current entry's data to `f` in slices, then checks its padding.
    pub fn read_data(&mut self, mut f: impl FnMut(&[u8])) -> Result<(), Fault> {
        while self.pending > 0 {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                return Err(Fault::corrupt(format!(
                    "archive ends inside an entry's data at byte {} ({} bytes missing)",
                    self.offset, self.pending
                )));
            }
            let n = buf
                .len()
                .min(usize::try_from(self.pending).unwrap_or(usize::MAX));
            f(&buf[..n]);
            self.inner.consume(n);
            self.pending -= n as u64;
            self.offset += n as u64;
        }
        while self.padding > 0 {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                return Err(Fault::corrupt("archive ends inside an entry's padding"));
            }
            let n = buf.len().min(self.padding as usize);
            if buf[..n].iter().any(|&b| b != 0) {
                return Err(Fault::corrupt(format!(
                    "non-zero padding after an entry's data at byte {}",
                    self.offset
                )));
            }
            self.inner.consume(n);
            self.padding -= n as u64;
            self.offset += n as u64;
        }
        Ok(())
    }

    fn skip_data(&mut self) -> Result<(), Fault> {
        if self.pending > 0 || self.padding > 0 {
            self.read_data(|_| {})?;
        }
        Ok(())
    }

    /// Reads one block; `Ok(false)` at a clean end of input (only when `eof_ok`).
    fn read_block(&mut self, block: &mut [u8; BLOCK], eof_ok: bool) -> Result<bool, Fault> {
        let mut filled = 0;
        while filled < BLOCK {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                if filled == 0 && eof_ok {
                    return Ok(false);
                }
                return Err(Fault::corrupt(format!(
                    "archive ends inside a header block at byte {}",
                    self.offset + filled as u64
                )));
            }
            let n = buf.len().min(BLOCK - filled);
            block[filled..filled + n].copy_from_slice(&buf[..n]);
            self.inner.consume(n);
            filled += n;
        }
        self.offset += BLOCK as u64;
        Ok(true)
    }

    fn read_small(&mut self, size: u64) -> Result<Vec<u8>, Fault> {
        let mut data = Vec::with_capacity(size as usize);
        self.pending = size;
        self.padding = pad(size);
        self.read_data(|chunk| data.extend_from_slice(chunk))?;
        Ok(data)
    }

    /// After the first zero block: a second one, then only zeros up to the end.
    fn finish_end(&mut self) -> Result<(), Fault> {
        let mut block = [0u8; BLOCK];
        if !self.read_block(&mut block, false)? || block.iter().any(|&b| b != 0) {
            return Err(Fault::corrupt(format!(
                "a single zero block at byte {} is not an end-of-archive marker",
                self.offset - 2 * BLOCK as u64
            )));
        }
        let mut trailing = 0u64;
        loop {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                return Ok(());
            }
            if buf.iter().any(|&b| b != 0) {
                return Err(Fault::corrupt(format!(
                    "data after the end-of-archive marker at byte {}",
                    self.offset + trailing
                )));
            }
            trailing += buf.len() as u64;
            let n = buf.len();
            self.inner.consume(n);
            if trailing > TRAILING_ZEROS_MAX {
                return Err(Fault::limit(format!(
                    "more than {TRAILING_ZEROS_MAX} zero bytes after the end-of-archive marker"
                )));
            }
        }
    }
}

/// Padding after `size` bytes of data.
pub fn pad(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn header_name(block: &[u8; BLOCK]) -> Vec<u8> {
    let field = |range: std::ops::Range<usize>| {
        let f = &block[range];
        let end = f.iter().position(|&b| b == 0).unwrap_or(f.len());
        f[..end].to_vec()
    };
    let name = field(0..100);
    if &block[257..263] == b"ustar\0" {
        let prefix = field(345..500);
        if !prefix.is_empty() {
            let mut full = prefix;
            full.push(b'/');
            full.extend_from_slice(&name);
            return full;
        }
    }
    name
}

fn check_checksum(block: &[u8; BLOCK], at: u64) -> Result<(), Fault> {
    let recorded = numeric(&block[148..156], "checksum", at)?;
    let mut unsigned: u64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in block.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    if recorded == unsigned || i64::try_from(recorded).ok() == Some(signed) {
        Ok(())
    } else {
        Err(Fault::corrupt(format!(
            "tar header checksum mismatch at byte {at} (damaged header)"
        )))
    }
}

/// A numeric header field: octal digits (space or NUL terminated), or GNU base-256.
fn numeric(field: &[u8], what: &str, at: u64) -> Result<u64, Fault> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        if field[0] != 0x80
            || field[1..field.len().saturating_sub(8)]
                .iter()
                .any(|&b| b != 0)
        {
            return Err(Fault::corrupt(format!(
                "bad base-256 {what} field at byte {at}"
            )));
        }
        let tail = &field[field.len().saturating_sub(8)..];
        let mut n: u64 = 0;
        for &b in tail {
            n = (n << 8) | u64::from(b);
        }
        return Ok(n);
    }
    let text: &[u8] = {
        let start = field.iter().position(|&b| b != b' ').unwrap_or(field.len());
        let rest = &field[start..];
        let end = rest
            .iter()
            .position(|&b| b == 0 || b == b' ')
            .unwrap_or(rest.len());
        if rest[end..].iter().any(|&b| b != 0 && b != b' ') {
            return Err(Fault::corrupt(format!(
                "bad {what} field in the tar header at byte {at}"
            )));
        }
        &rest[..end]
    };
    let mut n: u64 = 0;
    for &b in text {
        if !(b'0'..=b'7').contains(&b) {
            return Err(Fault::corrupt(format!(
                "bad {what} field in the tar header at byte {at}"
            )));
        }
        n = n
            .checked_mul(8)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or_else(|| Fault::corrupt(format!("{what} overflows at byte {at}")))?;
    }
    Ok(n)
}

type PaxRecord<'a> = (&'a [u8], &'a [u8]);

/// The records of pax extension data: `"<len> <key>=<value>\n"`.
fn pax_records(data: &[u8], at: u64) -> Result<Vec<PaxRecord<'_>>, Fault> {
    let bad = || Fault::corrupt(format!("malformed pax extension header at byte {at}"));
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if rest.iter().all(|&b| b == 0) {
            break;
        }
        let space = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(bad)?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(bad());
        }
        let record = &rest[space + 1..len - 1];
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        out.push((&record[..eq], &record[eq + 1..]));
        rest = &rest[len..];
    }
    Ok(out)
}

/// The header blocks `build` writes for a regular file: ustar, `mode`, owner 0:0 with
/// empty owner names, `mtime`, and a pax `path` record first when the name does not
/// fit the ustar name and prefix fields.
pub fn file_header(name: &str, size: u64, mode: u32, mtime: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(BLOCK);
    let mut header = tar::Header::new_ustar();
    let fits = header.set_path(name).is_ok() && header.path_bytes().as_ref() == name.as_bytes();
    if !fits {
        let record = pax_record("path", name);
        let mut pax = tar::Header::new_ustar();
        pax.set_path("PaxHeader")
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e))?;
        fill(
            &mut pax,
            record.len() as u64,
            0o644,
            mtime,
            tar::EntryType::XHeader,
        );
        out.extend_from_slice(pax.as_bytes());
        out.extend_from_slice(record.as_bytes());
        out.resize(out.len() + pad(record.len() as u64) as usize, 0);
        header = tar::Header::new_ustar();
        let short: String = name
            .chars()
            .rev()
            .take(90)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let short = short.trim_start_matches('/');
        header
            .set_path(short)
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e))?;
    }
    fill(&mut header, size, mode, mtime, tar::EntryType::Regular);
    out.extend_from_slice(header.as_bytes());
    Ok(out)
}

fn fill(header: &mut tar::Header, size: u64, mode: u32, mtime: u64, kind: tar::EntryType) {
    header.set_size(size);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    header.set_entry_type(kind);
    header.set_cksum();
}

/// One pax record, its length prefix counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    loop {
        let candidate = format!("{len}{body}");
        if candidate.len() == len {
            return candidate;
        }
        len = candidate.len();
    }
}

/// The end-of-archive marker: two zero blocks.
pub const END: [u8; 2 * BLOCK] = [0; 2 * BLOCK];

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, data) in entries {
            out.extend(file_header(name, data.len() as u64, 0o644, 7).unwrap());
            out.extend_from_slice(data);
            out.resize(out.len() + pad(data.len() as u64) as usize, 0);
        }
        out.extend_from_slice(&END);
        out
    }

    type Entries = Vec<(Vec<u8>, Vec<u8>)>;

    fn read_all(bytes: &[u8]) -> Result<Entries, Fault> {
        let mut r = TarReader::new(bytes);
        let mut out = Vec::new();
        while let Some(h) = r.next_header()? {
            let mut data = Vec::new();
            r.read_data(|c| data.extend_from_slice(c))?;
            out.push((h.name, data));
        }
        Ok(out)
    }

    #[test]
    fn round_trip_with_long_names() {
        let long = format!("software/{}.zip", "x".repeat(150));
        let bytes = archive(&[("a.txt", b"hello"), (&long, b"")]);
        let got = read_all(&bytes).unwrap();
        assert_eq!(got[0], (b"a.txt".to_vec(), b"hello".to_vec()));
        assert_eq!(got[1].0, long.as_bytes());
        // The system tar agrees.
        let mut ar = tar::Archive::new(&bytes[..]);
        let names: Vec<String> = ar
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.txt", long.as_str()]);
    }

    #[test]
    fn damage_is_a_fault() {
        let bytes = archive(&[("a.txt", b"hello")]);
        for cut in [0usize, 100, 512, 515, 1024, 1536] {
            let r = read_all(&bytes[..cut]);
            if cut == 0 {
                assert!(r.is_err(), "empty input is not an archive");
            } else {
                assert!(r.is_err(), "cut at {cut} accepted");
            }
        }
        let mut b = bytes.clone();
        b[10] ^= 1;
        assert!(read_all(&b).unwrap_err().message.contains("checksum"));
        let mut b = bytes.clone();
        b[512 + 6] = 1; // padding
        assert!(read_all(&b).unwrap_err().message.contains("padding"));
        let mut b = bytes.clone();
        b.extend_from_slice(b"junk");
        assert!(read_all(&b).is_err());
        let mut b = bytes;
        b.extend_from_slice(&[0; 9216]);
        assert!(read_all(&b).is_ok(), "record padding is fine");
    }

    #[test]
    fn numbers() {
        assert_eq!(numeric(b"0000644\0", "m", 0).unwrap(), 0o644);
        assert_eq!(numeric(b"   644 \0", "m", 0).unwrap(), 0o644);
        assert!(numeric(b"0009\0\0\0\0", "m", 0).is_err());
        let mut big = [0u8; 12];
        big[0] = 0x80;
        big[11] = 5;
        assert_eq!(numeric(&big, "s", 0).unwrap(), 5);
        assert_eq!(pax_record("path", "abc"), "12 path=abc\n");
    }
}
