//! A bounded, streaming tar reader for the dialects GNU tar reads, and the header
//! blocks `build` writes.
//!
//! Reading takes ustar, GNU (long names `L` and long link names `K`, base-256
//! numbers in any numeric field), pax (`x` records for one entry, `g` records for
//! every entry after them), star and v7 headers, with numbers padded by spaces or
//! NULs. As GNU tar, Go and Python read them, header-only types (links, devices,
//! folders, fifos) carry no data whatever their size field says, and a v7 regular
//! entry whose name ends in `/` is a folder. GNU sparse entries (type `S`, and pax
//! `GNU.sparse.*` records) are marked [`Header::sparse`]: their maps are consumed as
//! header or left in the data, and a reader must not take that data for the file's
//! content.
//!
//! The reader knows no policy: it yields entries ([`Header`]: raw name bytes, type,
//! mode, size, link name, sparse flag, the raw header blocks for the archive ledger,
//! per-entry warnings) and stops with a [`Fault`](crate::Fault) on damage. A missing or short
//! end-of-archive marker after a complete last entry, data after the marker and
//! non-zero padding are [`Notice`]s, not faults. Memory is bounded: at most [`EXTENSION_MAX`] bytes per
//! extension header, [`EXTENSIONS_MAX`] of them before one entry, [`EXTENSION_MAX`]
//! of global pax records, [`SPARSE_BLOCKS_MAX`] GNU sparse blocks. Entry data is
//! handed out in slices of the underlying buffer: nothing is copied or held.
//!
//! Why our own reader: the `tar` crate's reads a pax extension header's records (and
//! a GNU long name) into memory whole, as long as its size field says, with no bound,
//! so a hostile archive would choose how much memory a read takes. The `tar` crate
//! only writes our header blocks ([`file_header`], in [`mod@write`]); [`read`] reads.

mod fields;
pub mod read;
pub mod write;

pub use fields::checksum_ok;
pub use read::{EntryKind, Format, Header, Notice, NoticeKind, TarReader};
pub use write::file_header;

/// The tar block size.
pub const BLOCK: usize = 512;
/// The largest pax, GNU long-name or long-link-name extension data.
pub const EXTENSION_MAX: u64 = 64 * 1024;
/// The most extension headers (`x`, `g`, `L`, `K`) before one entry.
pub const EXTENSIONS_MAX: usize = 16;
/// The most GNU sparse extension blocks after one `S` header.
pub const SPARSE_BLOCKS_MAX: usize = 512;

/// Where the fields of a header block stand: POSIX ustar, with the GNU and star
/// uses of the bytes after the magic.
pub mod field {
    use std::ops::Range;

    /// The name (with [`PREFIX`] in ustar, pax and star).
    pub const NAME: Range<usize> = 0..100;
    /// Permission bits, octal.
    pub const MODE: Range<usize> = 100..108;
    /// Owner ID.
    pub const UID: Range<usize> = 108..116;
    /// Group ID.
    pub const GID: Range<usize> = 116..124;
    /// Data size.
    pub const SIZE: Range<usize> = 124..136;
    /// Modification time.
    pub const MTIME: Range<usize> = 136..148;
    /// The header checksum, summed as if it held spaces.
    pub const CHECKSUM: Range<usize> = 148..156;
    /// The type flag.
    pub const TYPEFLAG: usize = 156;
    /// The link target.
    pub const LINK_NAME: Range<usize> = 157..257;
    /// `ustar\0` (POSIX, star) or `ustar ` (GNU).
    pub const MAGIC: Range<usize> = 257..263;
    /// `00` (POSIX) or ` \0` (GNU).
    pub const VERSION: Range<usize> = 263..265;
    /// The name prefix of ustar and pax headers.
    pub const PREFIX: Range<usize> = 345..500;
    /// The shorter name prefix of star headers (their times follow it).
    pub const STAR_PREFIX: Range<usize> = 345..476;
    /// `tar\0` in star headers.
    pub const STAR_MAGIC: Range<usize> = 508..512;
    /// GNU sparse header (`S`): whether sparse map blocks follow.
    pub const GNU_IS_EXTENDED: usize = 482;
    /// GNU sparse header (`S`): the file's real size.
    pub const GNU_REAL_SIZE: Range<usize> = 483..495;
    /// GNU sparse map block: whether more of them follow.
    pub const SPARSE_MAP_IS_EXTENDED: usize = 504;
}

/// Padding after `size` bytes of data.
pub fn pad(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

/// The end-of-archive marker: two zero blocks.
pub const END: [u8; 2 * BLOCK] = [0; 2 * BLOCK];

#[cfg(test)]
mod tests;
