//! Zip archives, two ways:
//!
//! - [`list`], by seeking (a file on disk): the end-of-central-directory record (zip64
//!   too) and the central directory, read by the `zip` crate, and every local header
//!   compared with its central-directory entry. Cheap whatever the archive's size.
//! - [`walk`], front to back in one pass (an entry of a bundle stream, or `--deep`):
//!   every local header as it comes, each entry's data skipped or (with `deep`)
//!   inflated and CRC-checked, then the central directory compared with what the
//!   local headers said, and the end record with the central directory.
//!
//! Both give the same [`Listing`]; what one pass cannot prove (an entry stored with a
//! data descriptor, whose end nothing records before its data) is a
//! [`Fault::Unprovable`], never a guess.
//!
//! The walk is hand-written: the local and central headers are fixed-layout records
//! (APPNOTE 4.3.7, 4.3.12), and the `zip` crate reads streams only through `Read` and
//! only when every local header records its sizes.

use std::io::{Read, Seek};

use flate2::{Decompress, FlushDecompress, Status};

use crate::{is_unsafe_name, le16, le32, le64, Fault, Input};

/// The most entries a [`walk`] remembers to compare with the central directory.
pub const WALK_ENTRIES_MAX: usize = 1 << 20;

/// What a zip archive holds, by its central directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Every entry name (lossy UTF-8), in central-directory order.
    pub names: Vec<String>,
    /// Names that unpack outside the folder they are unpacked into.
    pub unsafe_names: Vec<String>,
    /// Names of encrypted entries.
    pub encrypted: Vec<String>,
    /// With `deep`: how many entries were inflated and their CRC-32 matched.
    pub crc_checked: u64,
    /// With `deep`: entries whose data could not be checked, and why.
    pub unchecked: Vec<String>,
}

impl Listing {
    fn add(&mut self, name: String, encrypted: bool) {
        if is_unsafe_name(&name) {
            self.unsafe_names.push(name.clone());
        }
        if encrypted {
            self.encrypted.push(name.clone());
        }
        self.names.push(name);
    }
}

/// Reads the central directory of the zip `file` of `len` bytes and compares every
/// local header with it.
pub fn list<R: Read + Seek>(file: R, len: u64) -> Result<Listing, Fault> {
    if len < 22 {
        return Err(crate::cut_short(
            len,
            "the end-of-central-directory record",
            22,
        ));
    }
    let mut archive = ::zip::ZipArchive::new(file).map_err(|e| {
        Fault::Corrupt(format!(
            "the end-of-central-directory record or the central directory cannot be read (truncated?): {e}"
        ))
    })?;
    archive.validate_header_consistency().map_err(|e| {
        Fault::Corrupt(format!(
            "the local headers disagree with the central directory: {e}"
        ))
    })?;
    let meta = archive.metadata();
    let mut listing = Listing::default();
    for i in 0..meta.len() {
        let entry = meta
            .entry(i)
            .map_err(|e| Fault::Corrupt(format!("central directory entry {i}: {e}")))?;
        let end = entry.header_start().saturating_add(entry.compressed_size());
        if end > len {
            return Err(crate::cut_short(
                len,
                &format!("the entry \"{}\"", lossy(entry.name_raw())),
                end,
            ));
        }
        listing.add(lossy(entry.name_raw()), entry.encrypted());
    }
    Ok(listing)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A forward reader with a buffer: the inflater may read past an entry's end, and
/// what it did not use is handed to the next read.
struct Buffered<'a> {
    input: &'a mut dyn Input,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Offset in the file of `buf[start]`.
    pos: u64,
    len: u64,
}

impl Buffered<'_> {
    fn available(&mut self, what: &str) -> Result<&[u8], Fault> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            let want = (self.len.saturating_sub(self.pos)).min(self.buf.len() as u64) as usize;
            if want == 0 {
                return Ok(&[]);
            }
            let n = loop {
                match self.input.read(&mut self.buf[..want]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Fault::Corrupt(format!("cannot read {what}: {e}"))),
                }
            };
            self.end = n;
        }
        Ok(&self.buf[self.start..self.end])
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.pos += n as u64;
    }

    fn exact(&mut self, out: &mut [u8], what: &str) -> Result<(), Fault> {
        let mut done = 0;
        while done < out.len() {
            let avail = self.available(what)?;
            if avail.is_empty() {
                return Err(crate::cut_short(
                    self.len,
                    what,
                    self.pos + (out.len() - done) as u64,
                ));
            }
            let n = avail.len().min(out.len() - done);
            out[done..done + n].copy_from_slice(&avail[..n]);
            self.consume(n);
            done += n;
        }
        Ok(())
    }

    fn vec(&mut self, n: usize, what: &str) -> Result<Vec<u8>, Fault> {
        let mut v = vec![0; n];
        self.exact(&mut v, what)?;
        Ok(v)
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<(), Fault> {
        let end = self.pos.saturating_add(n);
        if end > self.len {
            return Err(crate::cut_short(self.len, what, end));
        }
        let buffered = ((self.end - self.start) as u64).min(n);
        self.consume(buffered as usize);
        let rest = n - buffered;
        if rest > 0 {
            self.input
                .skip(rest)
                .map_err(|e| Fault::Corrupt(format!("cannot read {what}: {e}")))?;
            self.pos += rest;
        }
        Ok(())
    }

    /// Hands the next `n` bytes to `f`.
    fn each(&mut self, mut n: u64, what: &str, mut f: impl FnMut(&[u8])) -> Result<(), Fault> {
        while n > 0 {
            let avail = self.available(what)?;
            if avail.is_empty() {
                return Err(crate::cut_short(self.len, what, self.pos + n));
            }
            let k = (avail.len() as u64).min(n) as usize;
            f(&avail[..k]);
            self.consume(k);
            n -= k as u64;
        }
        Ok(())
    }
}

/// What a local header and its data said, to compare with the central directory.
#[derive(Debug)]
struct Local {
    offset: u64,
    name: Vec<u8>,
    crc: u32,
    csize: u64,
    usize: u64,
    seen: bool,
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
const SIGNATURE: u32 = 0x0505_4b50;

/// Values of the zip64 extra field (0x0001) for the fields that are all ones.
fn zip64(extra: &[u8], fields: &mut [&mut u64]) -> bool {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = le16(extra, at);
        let size = le16(extra, at + 2) as usize;
        let body = &extra[at + 4..(at + 4 + size).min(extra.len())];
        if id == 1 {
            let mut k = 0;
            for f in fields.iter_mut() {
                if **f == u64::from(u32::MAX) && k + 8 <= body.len() {
                    **f = le64(body, k);
                    k += 8;
                }
            }
            return true;
        }
        at += 4 + size;
    }
    false
}

/// Walks the zip `input` of `len` bytes front to back; with `deep`, inflates every
/// entry and checks its CRC-32 and sizes.
pub fn walk(input: &mut dyn Input, len: u64, deep: bool) -> Result<Listing, Fault> {
    let mut r = Buffered {
        input,
        buf: vec![0; len.clamp(64, 256 * 1024) as usize],
        start: 0,
        end: 0,
        pos: 0,
        len,
    };
    let mut locals: Vec<Local> = Vec::new();
    let mut listing = Listing::default();
    let mut sig = [0u8; 4];
    let mut inflater = Decompress::new(false);
    let mut out = Vec::new();
    // Local headers and their data.
    loop {
        let offset = r.pos;
        r.exact(&mut sig, "a zip header")?;
        if u32::from_le_bytes(sig) != LOCAL {
            break;
        }
        let mut h = [0u8; 26];
        r.exact(&mut h, "a local header")?;
        let flags = le16(&h, 2);
        let method = le16(&h, 4);
        let mut crc = le32(&h, 10);
        let mut csize = u64::from(le32(&h, 14));
        let mut usize = u64::from(le32(&h, 18));
        let name = r.vec(le16(&h, 22) as usize, "an entry name")?;
        let extra = r.vec(le16(&h, 24) as usize, "an extra field")?;
        let is64 = zip64(&extra, &mut [&mut usize, &mut csize]);
        let shown = lossy(&name);
        let what = format!("the entry \"{shown}\"");
        let encrypted = flags & 1 != 0;
        let descriptor = flags & 8 != 0;
        if locals.len() >= WALK_ENTRIES_MAX {
            return Err(Fault::Unprovable(format!(
                "more than {WALK_ENTRIES_MAX} entries: the rest is not compared with the central directory in one pass"
            )));
        }
        let check = deep && !encrypted && matches!(method, 0 | 8);
        if deep && !check {
            listing.unchecked.push(if encrypted {
                format!("{shown}: encrypted")
            } else {
                format!("{shown}: compression method {method}")
            });
        }
        if descriptor {
            if method != 8 || encrypted {
                return Err(Fault::Unprovable(format!(
                    "{what} (byte {offset}) is {} with a data descriptor: nothing before its data records where it ends, so the rest of the zip is not checked in one pass",
                    if encrypted { "encrypted" } else { "stored" }
                )));
            }
            // The deflate stream ends itself: inflate to find the descriptor.
            let (c, u, got) = inflate(&mut r, &mut inflater, &mut out, None, &what)?;
            let mut d = [0u8; 4];
            r.exact(&mut d, "a data descriptor")?;
            let mut first = u32::from_le_bytes(d);
            if first == DESCRIPTOR {
                r.exact(&mut d, "a data descriptor")?;
                first = u32::from_le_bytes(d);
            }
            crc = first;
            if is64 {
                let mut s = [0u8; 16];
                r.exact(&mut s, "a data descriptor")?;
                (csize, usize) = (le64(&s, 0), le64(&s, 8));
            } else {
                let mut s = [0u8; 8];
                r.exact(&mut s, "a data descriptor")?;
                (csize, usize) = (u64::from(le32(&s, 0)), u64::from(le32(&s, 4)));
            }
            if csize != c || usize != u {
                return Err(Fault::Corrupt(format!(
                    "{what}: its data descriptor records {csize} compressed and {usize} bytes, its data has {c} and {u}"
                )));
            }
            if deep {
                if got != crc {
                    return Err(crc_mismatch(&what, got, crc));
                }
                listing.crc_checked += 1;
            }
        } else if check && method == 8 {
            let (c, u, got) = inflate(&mut r, &mut inflater, &mut out, Some(csize), &what)?;
            if c != csize || u != usize {
                return Err(Fault::Corrupt(format!(
                    "{what}: {csize} compressed bytes recorded inflate to {u} bytes, {usize} recorded{}",
                    if c != csize { format!(" (the deflate stream ends after {c})") } else { String::new() }
                )));
            }
            if got != crc {
                return Err(crc_mismatch(&what, got, crc));
            }
            listing.crc_checked += 1;
        } else if check {
            if csize != usize {
                return Err(Fault::Corrupt(format!(
                    "{what} is stored with {csize} bytes but records {usize} uncompressed"
                )));
            }
            let mut h = crc32fast::Hasher::new();
            r.each(csize, &what, |b| h.update(b))?;
            let got = h.finalize();
            if got != crc {
                return Err(crc_mismatch(&what, got, crc));
            }
            listing.crc_checked += 1;
        } else {
            r.skip(csize, &what)?;
        }
        locals.push(Local {
            offset,
            name,
            crc,
            csize,
            usize,
            seen: false,
        });
    }
    // The central directory.
    let cd_start = r.pos - 4;
    let mut count = 0u64;
    while u32::from_le_bytes(sig) == CENTRAL {
        let at = r.pos - 4;
        let mut h = [0u8; 42];
        r.exact(&mut h, "a central directory entry")?;
        let flags = le16(&h, 4);
        let crc = le32(&h, 12);
        let mut csize = u64::from(le32(&h, 16));
        let mut usize = u64::from(le32(&h, 20));
        let (nlen, xlen, clen) = (
            le16(&h, 24) as usize,
            le16(&h, 26) as usize,
            le16(&h, 28) as usize,
        );
        let mut offset = u64::from(le32(&h, 38));
        let name = r.vec(nlen, "an entry name")?;
        let extra = r.vec(xlen, "an extra field")?;
        r.skip(clen as u64, "an entry comment")?;
        zip64(&extra, &mut [&mut usize, &mut csize, &mut offset]);
        let shown = lossy(&name);
        let local = locals
            .binary_search_by_key(&offset, |l| l.offset)
            .ok()
            .map(|i| &mut locals[i]);
        let Some(local) = local else {
            return Err(Fault::Corrupt(format!(
                "the central directory entry at byte {at} (\"{shown}\") points at byte {offset}, where no local header is"
            )));
        };
        if local.seen {
            return Err(Fault::Corrupt(format!(
                "two central directory entries point at the local header at byte {offset}"
            )));
        }
        local.seen = true;
        if local.name != name || local.crc != crc || local.csize != csize || local.usize != usize {
            return Err(Fault::Corrupt(format!(
                "the central directory entry of \"{shown}\" disagrees with its local header at byte {offset} (name, CRC-32 or sizes)"
            )));
        }
        listing.add(shown, flags & 1 != 0);
        count += 1;
        r.exact(&mut sig, "the end of the central directory")?;
    }
    let cd_size = r.pos - 4 - cd_start;
    if let Some(l) = locals.iter().find(|l| !l.seen) {
        return Err(Fault::Corrupt(format!(
            "the local header at byte {} (\"{}\") is not in the central directory",
            l.offset,
            lossy(&l.name)
        )));
    }
    if u32::from_le_bytes(sig) == SIGNATURE {
        let mut n = [0u8; 2];
        r.exact(&mut n, "the central directory signature")?;
        r.skip(
            u64::from(u16::from_le_bytes(n)),
            "the central directory signature",
        )?;
        r.exact(&mut sig, "the end of the central directory")?;
    }
    let mut records: Option<(u64, u64, u64)> = None;
    if u32::from_le_bytes(sig) == END64 {
        let mut h = [0u8; 52];
        r.exact(&mut h, "the zip64 end record")?;
        let size = le64(&h, 0);
        records = Some((le64(&h, 28), le64(&h, 36), le64(&h, 44)));
        r.skip(size.saturating_sub(44), "the zip64 end record")?;
        r.exact(&mut sig, "the zip64 end locator")?;
        if u32::from_le_bytes(sig) != LOCATOR64 {
            return Err(Fault::Corrupt(
                "the zip64 end record is not followed by its locator".into(),
            ));
        }
        r.skip(16, "the zip64 end locator")?;
        r.exact(&mut sig, "the end-of-central-directory record")?;
    }
    if u32::from_le_bytes(sig) != END {
        return Err(Fault::Corrupt(format!(
            "byte {} is neither a local header, a central directory entry nor the end-of-central-directory record",
            r.pos - 4
        )));
    }
    let mut e = [0u8; 18];
    r.exact(&mut e, "the end-of-central-directory record")?;
    if le16(&e, 0) != 0 || le16(&e, 2) != 0 {
        return Err(Fault::Unprovable(
            "a zip split over several disks is not checked".into(),
        ));
    }
    let pick = |short: u64, long: Option<u64>| match long {
        Some(l) if short == u64::from(u16::MAX) || short == u64::from(u32::MAX) => l,
        _ => short,
    };
    let total = pick(u64::from(le16(&e, 6)), records.map(|r| r.0));
    let size = pick(u64::from(le32(&e, 8)), records.map(|r| r.1));
    let start = pick(u64::from(le32(&e, 12)), records.map(|r| r.2));
    if total != count || size != cd_size || start != cd_start {
        return Err(Fault::Corrupt(format!(
            "the end-of-central-directory record says {total} entries in {size} bytes at byte {start}; the central directory has {count} in {cd_size} bytes at byte {cd_start}"
        )));
    }
    // Bytes after the end record are tolerated, as unzip and the central-directory
    // read tolerate them.
    r.skip(u64::from(le16(&e, 16)), "the archive comment")?;
    Ok(listing)
}

fn crc_mismatch(what: &str, got: u32, want: u32) -> Fault {
    Fault::Corrupt(format!(
        "{what}: CRC-32 of its data is {got:08x}, the zip records {want:08x} (unzip -t: bad CRC)"
    ))
}

/// Inflates one raw deflate stream from `r`, at most `limit` compressed bytes when
/// given; returns compressed and inflated sizes and the CRC-32 of the output.
fn inflate(
    r: &mut Buffered<'_>,
    d: &mut Decompress,
    out: &mut Vec<u8>,
    limit: Option<u64>,
    what: &str,
) -> Result<(u64, u64, u32), Fault> {
    d.reset(false);
    if out.is_empty() {
        out.resize(256 * 1024, 0);
    }
    let mut crc = crc32fast::Hasher::new();
    let mut left = limit.unwrap_or(u64::MAX);
    loop {
        let avail = r.available(what)?;
        let take = (avail.len() as u64).min(left) as usize;
        let chunk = &avail[..take];
        let (before_in, before_out) = (d.total_in(), d.total_out());
        let status = d
            .decompress(chunk, &mut out[..], FlushDecompress::None)
            .map_err(|e| Fault::Corrupt(format!("{what}: its deflate data is damaged ({e})")))?;
        let used = (d.total_in() - before_in) as usize;
        let made = (d.total_out() - before_out) as usize;
        crc.update(&out[..made]);
        r.consume(used);
        left -= used as u64;
        match status {
            Status::StreamEnd => return Ok((d.total_in(), d.total_out(), crc.finalize())),
            _ if used == 0 && made == 0 => {
                return Err(if take == 0 && left > 0 {
                    crate::cut_short(r.len, what, r.len + 1)
                } else if take == 0 {
                    Fault::Corrupt(format!(
                        "{what}: its deflate stream goes on past the compressed size recorded"
                    ))
                } else {
                    Fault::Corrupt(format!("{what}: its deflate data is damaged"))
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sequential;
    use std::io::Cursor;

    /// A zip of `(name, data, deflate)` entries, as the `zip` crate writes them.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        // Stored entries, written by hand: the crate's writer is not enabled.
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let crc = crc32fast::hash(data);
            let mut h = Vec::new();
            h.extend_from_slice(&LOCAL.to_le_bytes());
            h.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&h);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(&CENTRAL.to_le_bytes());
            central.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&crc.to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&END.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        let n = entries.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn both(bytes: &[u8], deep: bool) -> (Result<Listing, Fault>, Result<Listing, Fault>) {
        (
            list(Cursor::new(bytes), bytes.len() as u64),
            walk(&mut Sequential(bytes), bytes.len() as u64, deep),
        )
    }

    #[test]
    fn names_unsafe_names_and_agreement() {
        let z = zip_of(&[("net/nic.inf", b"[Version]"), ("../evil", b"x")]);
        let (a, b) = both(&z, true);
        let a = a.unwrap();
        let b = b.unwrap();
        assert_eq!(a.names, ["net/nic.inf", "../evil"]);
        assert_eq!(a.unsafe_names, ["../evil"]);
        assert_eq!(b.crc_checked, 2);
        assert_eq!((a.names, a.unsafe_names), (b.names, b.unsafe_names));
        let empty = zip_of(&[]);
        assert_eq!(both(&empty, true).0.unwrap().names.len(), 0);
        assert_eq!(both(&empty, true).1.unwrap().names.len(), 0);
    }

    #[test]
    fn bytes_after_the_end_record_are_tolerated_both_ways() {
        let mut z = zip_of(&[("a.inf", b"x")]);
        z.extend_from_slice(b"v2");
        let (a, b) = both(&z, true);
        assert_eq!(a.unwrap().names, ["a.inf"]);
        assert_eq!(b.unwrap().names, ["a.inf"]);
    }

    #[test]
    fn truncated_or_damaged_zips_fail_both_ways() {
        let z = zip_of(&[("a.inf", b"0123456789"), ("b", b"abc")]);
        for cut in [0, 4, 30, 45, z.len() - 22, z.len() - 1] {
            let (a, b) = both(&z[..cut], false);
            assert!(a.is_err() && b.is_err(), "{cut}: {a:?} {b:?}");
        }
        let mut bad = z.clone();
        bad[36] ^= 1; // a data byte of "a.inf"
        let (a, b) = both(&bad, false);
        assert!(a.is_ok() && b.is_ok());
        let e = walk(&mut Sequential(&bad[..]), bad.len() as u64, true).unwrap_err();
        assert!(e.to_string().contains("CRC-32"), "{e}");
    }
}
