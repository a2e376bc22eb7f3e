//! gzip containers: the build's own writer, or members with any header fields
//! (name, comment, extra field, header CRC, mtime, XFL, OS) split anywhere, each
//! with a correct CRC-32 and size.

use std::io::Write;

use arbitrary::{Arbitrary, Unstructured};
use flate2::write::DeflateEncoder;
use flate2::Compression;
use osbundle_archive::gzip::ParGzWriter;

/// The gzip header fields of one member.
#[derive(Debug, Clone, PartialEq, Eq, Arbitrary)]
pub struct Header {
    /// MTIME.
    pub mtime: u32,
    /// XFL.
    pub xfl: u8,
    /// OS.
    pub os: u8,
    /// FNAME (NUL-free; cut at 64 bytes).
    pub name: Option<Vec<u8>>,
    /// FCOMMENT.
    pub comment: Option<Vec<u8>>,
    /// FEXTRA.
    pub extra: Option<Vec<u8>>,
    /// FHCRC.
    pub hcrc: bool,
}

/// How the tar stream is wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Container {
    /// Exactly what `osbundle build` writes (the library's writer, fixed header).
    Canonical,
    /// One or more members with these headers, split at these points (per mille of
    /// the stream), at this level (0 stores).
    Members {
        /// One header per member (the last one repeats).
        headers: Vec<Header>,
        /// Split points, per mille of the tar stream.
        splits: Vec<u16>,
        /// Deflate level.
        level: u8,
        /// Bytes after the last member.
        trailing: Vec<u8>,
    },
    /// No gzip at all: the tar stream itself.
    RawTar,
}

// The build's own container half of the time.
impl<'a> Arbitrary<'a> for Container {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=127 => Container::Canonical,
            128..=239 => Container::Members {
                headers: Vec::arbitrary(u)?,
                splits: Vec::arbitrary(u)?,
                level: u8::arbitrary(u)?,
                trailing: Vec::arbitrary(u)?,
            },
            _ => Container::RawTar,
        })
    }
}

impl Container {
    /// Wraps `tar`.
    pub fn wrap(&self, tar: &[u8]) -> Vec<u8> {
        match self {
            Container::Canonical => canonical(tar),
            Container::RawTar => tar.to_vec(),
            Container::Members {
                headers,
                splits,
                level,
                trailing,
            } => {
                let mut cuts: Vec<usize> = splits
                    .iter()
                    .take(4)
                    .map(|&s| tar.len() * usize::from(s % 1001) / 1000)
                    .collect();
                cuts.push(0);
                cuts.push(tar.len());
                cuts.sort_unstable();
                cuts.dedup();
                let mut out = Vec::new();
                let fallback = Header {
                    mtime: 0,
                    xfl: 0,
                    os: 255,
                    name: None,
                    comment: None,
                    extra: None,
                    hcrc: false,
                };
                for (i, pair) in cuts.windows(2).enumerate() {
                    let header = headers.get(i).or(headers.last()).unwrap_or(&fallback);
                    member(
                        &mut out,
                        header,
                        &tar[pair[0]..pair[1]],
                        u32::from(*level % 10),
                    );
                }
                if tar.is_empty() {
                    member(&mut out, headers.first().unwrap_or(&fallback), &[], 6);
                }
                out.extend(trailing.iter().take(64));
                out
            }
        }
    }
}

/// The bytes `osbundle build` writes for this tar stream.
pub fn canonical(tar: &[u8]) -> Vec<u8> {
    let written = ParGzWriter::new(Vec::new(), 6, 1).and_then(|mut gz| {
        gz.write_all(tar)?;
        gz.finish()
    });
    written.unwrap_or_default()
}

/// One gzip member.
pub fn member(out: &mut Vec<u8>, h: &Header, data: &[u8], level: u32) {
    let start = out.len();
    let mut flags = 0u8;
    if h.hcrc {
        flags |= 2;
    }
    if h.extra.is_some() {
        flags |= 4;
    }
    if h.name.is_some() {
        flags |= 8;
    }
    if h.comment.is_some() {
        flags |= 16;
    }
    out.extend_from_slice(&[0x1f, 0x8b, 8, flags]);
    out.extend_from_slice(&h.mtime.to_le_bytes());
    out.push(h.xfl);
    out.push(h.os);
    if let Some(extra) = &h.extra {
        let extra = &extra[..extra.len().min(256)];
        out.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        out.extend_from_slice(extra);
    }
    for text in [&h.name, &h.comment].into_iter().flatten() {
        out.extend(text.iter().filter(|&&b| b != 0).take(64));
        out.push(0);
    }
    if h.hcrc {
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&(crc as u16).to_le_bytes());
    }
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::new(level));
    let body = deflate
        .write_all(data)
        .and_then(|()| deflate.finish())
        .unwrap_or_default();
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
}

/// Inflates every gzip member of `bytes` (for the custom mutator). `None` when
/// the bytes are not a complete gzip stream.
pub fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(4 << 20)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}
