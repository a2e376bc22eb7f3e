//! RPM packages: the lead, the signature header and the header intact, the sizes the
//! signature header records agreeing with the file (a truncated download does not),
//! and, when asked, the digests `rpm -K` checks (SHA-256 and SHA-1 of the header,
//! MD5 of header and payload, the payload digest).
//!
//! Hand-written: the lead is a fixed 96-byte record and a header a count-prefixed
//! table of 16-byte index entries (the RPM file format, `rpm` 4 `lib/header.c`);
//! only sizes and a few tags are read, and a crate for the whole format would bring
//! package semantics a preflight does not need.

use std::sync::Arc;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::{be32, Cursor, Fault, Input};

const LEAD: usize = 96;
const HEADER_MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];
/// rpm's own bounds on a header (`hdrchkTags`, `hdrchkData`).
const MAX_TAGS: u32 = 0xffff;
const MAX_DATA: u32 = 0x00ff_ffff;

const SIG_SHA1: u32 = 269;
const SIG_LONGSIZE: u32 = 270;
const SIG_SHA256: u32 = 273;
const SIG_SIZE: u32 = 1000;
const SIG_MD5: u32 = 1004;
const TAG_NAME: u32 = 1000;
const TAG_PAYLOADDIGEST: u32 = 5092;
const TAG_PAYLOADDIGESTALGO: u32 = 5093;
/// OpenPGP's number of SHA-256 (`PGPHASHALGO_SHA256`).
const ALGO_SHA256: u64 = 8;

/// What an RPM package's headers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpm {
    /// The package name (the header's `NAME`), when it has one.
    pub name: Option<String>,
    /// Bytes of the main header.
    pub header_size: u64,
    /// Bytes of the (compressed) payload.
    pub payload_size: u64,
    /// The digests that were computed and matched (with `deep`), as `rpm -K` names them.
    pub digests: Vec<&'static str>,
}

/// One header structure: its raw bytes (intro, index, data) and the index.
struct Header {
    raw: Vec<u8>,
    entries: Vec<(u32, u32, u32, u32)>,
    data_start: usize,
}

impl Header {
    fn read(c: &mut Cursor<'_>, what: &str) -> Result<Header, Fault> {
        let start = c.pos();
        let mut intro = [0u8; 16];
        c.exact(&mut intro, what)?;
        if intro[..8] != HEADER_MAGIC {
            return Err(Fault::Corrupt(format!(
                "{what} at byte {start} does not start with the header magic"
            )));
        }
        let il = be32(&intro, 8);
        let dl = be32(&intro, 12);
        if il == 0 || il > MAX_TAGS || dl > MAX_DATA {
            return Err(Fault::Corrupt(format!(
                "{what} at byte {start} claims {il} tags and {dl} bytes of data, past rpm's limits"
            )));
        }
        let body = c.bytes(u64::from(il) * 16 + u64::from(dl), what)?;
        let data_start = il as usize * 16;
        let mut entries = Vec::with_capacity(il as usize);
        for i in 0..il as usize {
            let e = &body[i * 16..i * 16 + 16];
            let (tag, ty, off, count) = (be32(e, 0), be32(e, 4), be32(e, 8), be32(e, 12));
            if ty > 9 || off > dl {
                return Err(Fault::Corrupt(format!(
                    "{what} at byte {start}: index entry {i} (tag {tag}) has type {ty} and offset {off} outside its {dl} bytes of data"
                )));
            }
            entries.push((tag, ty, off, count));
        }
        let mut raw = intro.to_vec();
        raw.extend_from_slice(&body);
        Ok(Header {
            raw,
            entries,
            data_start: 16 + data_start,
        })
    }

    fn data(&self, tag: u32) -> Option<(u32, &[u8], u32)> {
        let &(_, ty, off, count) = self.entries.iter().find(|e| e.0 == tag)?;
        Some((ty, &self.raw[self.data_start + off as usize..], count))
    }

    fn int(&self, tag: u32) -> Option<u64> {
        match self.data(tag)? {
            (4, d, _) if d.len() >= 4 => Some(u64::from(be32(d, 0))),
            (5, d, _) if d.len() >= 8 => {
                Some((u64::from(be32(d, 0)) << 32) | u64::from(be32(d, 4)))
            }
            _ => None,
        }
    }

    /// A STRING (6), the first of a STRING_ARRAY (8) or I18NSTRING (9).
    fn string(&self, tag: u32) -> Option<String> {
        match self.data(tag)? {
            (6 | 8 | 9, d, _) => {
                let end = d.iter().position(|&b| b == 0)?;
                Some(String::from_utf8_lossy(&d[..end]).into_owned())
            }
            _ => None,
        }
    }

    fn bin(&self, tag: u32) -> Option<&[u8]> {
        match self.data(tag)? {
            (7, d, n) if d.len() >= n as usize => Some(&d[..n as usize]),
            _ => None,
        }
    }
}

/// Reads the RPM package `input` of `len` bytes; with `deep`, reads the payload too
/// and checks every digest the signature header and the header record.
pub fn read(input: &mut dyn Input, len: u64, deep: bool) -> Result<Rpm, Fault> {
    let mut c = Cursor::new(input, len);
    let mut lead = [0u8; LEAD];
    c.exact(&mut lead, "the lead")?;
    if lead[..4] != [0xed, 0xab, 0xee, 0xdb] {
        return Err(Fault::Corrupt("the lead has no RPM magic".into()));
    }
    if !matches!(lead[4], 3 | 4) || u16::from_be_bytes([lead[78], lead[79]]) != 5 {
        return Err(Fault::Corrupt(format!(
            "the lead is of version {}.{} with signature type {}, not an RPM 3 or 4 package",
            lead[4],
            lead[5],
            u16::from_be_bytes([lead[78], lead[79]])
        )));
    }
    let sig = Header::read(&mut c, "the signature header")?;
    let pad = (8 - c.pos() % 8) % 8;
    let at = c.pos() + pad;
    c.seek_to(at, "the header")?;
    let header_start = c.pos();
    let header = Header::read(&mut c, "the header")?;
    let header_size = header.raw.len() as u64;
    let payload_start = c.pos();
    let recorded = sig.int(SIG_LONGSIZE).or_else(|| sig.int(SIG_SIZE));
    if let Some(size) = recorded {
        let actual = len - header_start;
        if size > actual {
            return Err(Fault::Corrupt(format!(
                "truncated: the signature header records {size} bytes of header and payload, the file has {actual} after byte {header_start}"
            )));
        }
        if size < actual {
            return Err(Fault::Corrupt(format!(
                "{} bytes after the end the signature header records ({size} bytes of header and payload from byte {header_start})",
                actual - size
            )));
        }
    }
    let mut rpm = Rpm {
        name: header.string(TAG_NAME),
        header_size,
        payload_size: len - payload_start,
        digests: Vec::new(),
    };
    if !deep {
        return Ok(rpm);
    }
    let mismatch = |what: &str| {
        Fault::Corrupt(format!(
            "{what} digest mismatch (rpm -K: {what} digest BAD)"
        ))
    };
    if let Some(want) = sig.string(SIG_SHA256) {
        if hex(&Sha256::digest(&header.raw)) != want.to_ascii_lowercase() {
            return Err(mismatch("Header SHA256"));
        }
        rpm.digests.push("Header SHA256");
    }
    if let Some(want) = sig.string(SIG_SHA1) {
        if hex(&Sha1::digest(&header.raw)) != want.to_ascii_lowercase() {
            return Err(mismatch("Header SHA1"));
        }
        rpm.digests.push("Header SHA1");
    }
    let md5_want = sig.bin(SIG_MD5).map(<[u8]>::to_vec);
    let payload_want = match (
        header.string(TAG_PAYLOADDIGEST),
        header.int(TAG_PAYLOADDIGESTALGO),
    ) {
        (Some(d), Some(ALGO_SHA256) | None) => Some(d.to_ascii_lowercase()),
        _ => None,
    };
    let mut md5 = Md5::new();
    md5.update(&header.raw);
    // Each digest on a thread of its own, fed the same chunks (one copy of each,
    // shared): the reader only reads, and the digests of every payload byte cost
    // the slower one, not their sum.
    let (md5, payload) = std::thread::scope(|scope| {
        let (md5_tx, md5_rx) = std::sync::mpsc::sync_channel::<Arc<Vec<u8>>>(4);
        let (sha_tx, sha_rx) = std::sync::mpsc::sync_channel::<Arc<Vec<u8>>>(4);
        let md5_thread = scope.spawn(move || {
            for chunk in md5_rx {
                md5.update(&chunk[..]);
            }
            md5
        });
        let sha_thread = scope.spawn(move || {
            let mut h = Sha256::new();
            for chunk in sha_rx {
                h.update(&chunk[..]);
            }
            h.finalize()
        });
        let mut feeds = [
            payload_want.is_some().then_some(sha_tx),
            md5_want.is_some().then_some(md5_tx),
        ];
        let read = c.stream_to(len, "the payload", |chunk| {
            if feeds.iter().all(Option::is_none) {
                return;
            }
            let chunk = Arc::new(chunk.to_vec());
            for feed in &mut feeds {
                if feed
                    .as_ref()
                    .is_some_and(|t| t.send(Arc::clone(&chunk)).is_err())
                {
                    *feed = None;
                }
            }
        });
        drop(feeds);
        let stopped = |_| Fault::Corrupt("the digest thread stopped".into());
        let md5 = md5_thread.join().map_err(stopped)?;
        let payload = sha_thread.join().map_err(stopped)?;
        read.map(|()| (md5, payload))
    })?;
    if let Some(want) = payload_want {
        if hex(&payload) != want {
            return Err(mismatch("Payload SHA256"));
        }
        rpm.digests.push("Payload SHA256");
    }
    if let Some(want) = md5_want {
        if md5.finalize().as_slice() != want.as_slice() {
            return Err(mismatch("MD5"));
        }
        rpm.digests.push("MD5");
    }
    Ok(rpm)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sequential;

    /// A header of `tags` (tag, type, data), data 8-aligned per entry.
    fn header(tags: &[(u32, u32, Vec<u8>, u32)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, d, count) in tags {
            while !data.len().is_multiple_of(8) {
                data.push(0);
            }
            for x in [*tag, *ty, data.len() as u32, *count] {
                index.extend_from_slice(&x.to_be_bytes());
            }
            data.extend_from_slice(d);
        }
        let mut out = HEADER_MAGIC.to_vec();
        out.extend_from_slice(&(tags.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    /// A package with a payload, its sizes and digests recorded.
    pub(crate) fn package(payload: &[u8]) -> Vec<u8> {
        let main = header(&[
            (TAG_NAME, 6, b"pkg\0".to_vec(), 1),
            (
                TAG_PAYLOADDIGEST,
                8,
                format!("{}\0", hex(&Sha256::digest(payload))).into_bytes(),
                1,
            ),
            (
                TAG_PAYLOADDIGESTALGO,
                4,
                (ALGO_SHA256 as u32).to_be_bytes().to_vec(),
                1,
            ),
        ]);
        let mut md5 = Md5::new();
        md5.update(&main);
        md5.update(payload);
        let size = (main.len() + payload.len()) as u32;
        let sig = header(&[
            (
                SIG_SHA256,
                6,
                format!("{}\0", hex(&Sha256::digest(&main))).into_bytes(),
                1,
            ),
            (SIG_SIZE, 4, size.to_be_bytes().to_vec(), 1),
            (SIG_MD5, 7, md5.finalize().to_vec(), 16),
        ]);
        let mut lead = vec![0u8; LEAD];
        lead[..4].copy_from_slice(&[0xed, 0xab, 0xee, 0xdb]);
        lead[4] = 3;
        lead[78..80].copy_from_slice(&5u16.to_be_bytes());
        let mut out = lead;
        out.extend(&sig);
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        out.extend(main);
        out.extend_from_slice(payload);
        out
    }

    fn check(bytes: &[u8], deep: bool) -> Result<Rpm, Fault> {
        read(&mut Sequential(bytes), bytes.len() as u64, deep)
    }

    #[test]
    fn a_whole_package_passes_with_every_digest() {
        let pkg = package(b"payload bytes");
        let r = check(&pkg, true).unwrap();
        assert_eq!(r.name.as_deref(), Some("pkg"));
        assert_eq!(r.payload_size, 13);
        assert_eq!(r.digests, ["Header SHA256", "Payload SHA256", "MD5"]);
        assert!(check(&pkg, false).unwrap().digests.is_empty());
    }

    #[test]
    fn truncation_and_damage() {
        let pkg = package(b"payload bytes");
        for cut in [0, 10, 100, 120, pkg.len() - 1] {
            let e = check(&pkg[..cut], false).unwrap_err();
            assert!(matches!(e, Fault::Corrupt(_)), "{cut}: {e}");
        }
        let mut longer = pkg.clone();
        longer.push(0);
        assert!(check(&longer, false)
            .unwrap_err()
            .to_string()
            .contains("1 bytes after"));
        // A flipped payload byte: sizes agree, digests do not.
        let mut bad = pkg.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(check(&bad, false).is_ok());
        let e = check(&bad, true).unwrap_err().to_string();
        assert!(e.contains("Payload SHA256 digest mismatch"), "{e}");
    }
}
