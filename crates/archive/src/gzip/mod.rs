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
//! set. Otherwise it takes any gzip file GNU gzip reads: flate2's `GzDecoder` parses and
//! checks each member (FNAME, FCOMMENT, FEXTRA, FHCRC, CRC-32, ISIZE), members follow
//! each other (`cat a.gz b.gz`), zero bytes after the last one are counted, and the
//! framing is reported ([`GzipInfo`]) so that a layout can tell build's bytes from a
//! recompression. The inflate runs on its own thread, handing out inflated chunks
//! through a small bounded channel of recycled buffers, so that hashing and tar
//! parsing overlap with inflating; memory is a few hundred KiB whatever the size.
//!
//! The writer ([`mod@write`]) and the reader ([`read`]) share the framing ([`HEADER`])
//! and are tested against each other; the file-hashing tee is [`tap`].

mod framing;
pub mod read;
pub mod tap;
pub mod write;

pub use framing::GzipInfo;
pub use read::{with_inflated, with_inflated_hashing, Inflated, StreamEnd};
pub use tap::FileTap;
pub use write::{deflate_block, ParGzWriter, BLOCK_SIZE};

/// The fixed gzip header: magic, deflate, no flags, mtime 0, XFL 0, OS 255 (unknown).
pub const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

#[cfg(test)]
mod tests;
