//! The reader: one state machine over the header blocks of five dialects, their
//! extensions and the end-of-archive rules.

use std::io::BufRead;

use super::fields::{
    check_checksum, decimal, number_field, pax_records, size_field, until_nul, NumberField,
};
use super::{field, pad, BLOCK, EXTENSIONS_MAX, EXTENSION_MAX, SPARSE_BLOCKS_MAX};
use crate::limits::{show_size, NAME_MAX, TRAILING_ZEROS_MAX};
use crate::Fault;

/// What an entry is, from its type flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (`0`, NUL, or `7` contiguous file).
    Regular,
    /// A folder (`5`, or a v7 regular entry whose name ends in `/`).
    Directory,
    /// A symbolic link (`2`).
    Symlink,
    /// A hard link (`1`).
    Hardlink,
    /// A character device (`3`).
    CharDevice,
    /// A block device (`4`).
    BlockDevice,
    /// A fifo (`6`).
    Fifo,
    /// Any other type flag (GNU `S` sparse, `V` volume label, `D` dump folder, ...).
    Other(u8),
}

impl EntryKind {
    /// The kind of an entry with tar type flag `typeflag`.
    pub fn of(typeflag: u8) -> Self {
        match typeflag {
            b'0' | 0 | b'7' => EntryKind::Regular,
            b'1' => EntryKind::Hardlink,
            b'2' => EntryKind::Symlink,
            b'3' => EntryKind::CharDevice,
            b'4' => EntryKind::BlockDevice,
            b'5' => EntryKind::Directory,
            b'6' => EntryKind::Fifo,
            other => EntryKind::Other(other),
        }
    }

    /// Whether entries of this kind carry no data, whatever their size field says.
    pub fn header_only(self) -> bool {
        !matches!(self, EntryKind::Regular | EntryKind::Other(_))
    }
}

/// The header dialect of an entry's main header block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// No magic: Unix v7 (name, mode, owner, size, mtime, type, link name only).
    V7,
    /// POSIX ustar (`ustar\0` `00`), with the `prefix` field.
    Ustar,
    /// ustar with pax extension records (`x` or `g`) applied.
    Pax,
    /// GNU (`ustar ` ` \0`): no prefix field.
    Gnu,
    /// star (ustar with `tar\0` at the end of the block): a shorter prefix field.
    Star,
}

/// One entry's header, with its extensions applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name, raw bytes (pax `path`, a GNU long name, or prefix + name), as stored:
    /// `./` prefixes and trailing slashes are kept.
    pub name: Vec<u8>,
    /// The link target of a link (pax `linkpath`, a GNU long link name, or the field).
    pub link_name: Vec<u8>,
    /// Permission bits (and setuid/setgid/sticky, and whatever else the writer put).
    pub mode: u32,
    /// Size of the data that follows (0 for header-only types).
    pub size: u64,
    /// Modification time, seconds since the epoch (saturated when out of range).
    pub mtime: i64,
    /// The type flag (`b'0'` regular file, `b'5'` directory, ...); a v7 regular entry
    /// whose name ends in `/` reads as `b'5'`.
    pub typeflag: u8,
    /// The dialect of the main header block.
    pub format: Format,
    /// A GNU sparse file (old GNU `S` or pax `GNU.sparse.*`): its data is not its
    /// content (holes are left out, and pax format 1.0 puts the map first).
    pub sparse: bool,
    /// The real size of a sparse file, when its header says.
    pub real_size: Option<u64>,
    /// Oddities of this entry's headers that a reader tolerates (one line each).
    pub warnings: Vec<String>,
    /// Every raw block of the header: extension headers, their data, the main header
    /// and GNU sparse blocks.
    pub raw: Vec<u8>,
    /// Offset of the first header block in the uncompressed stream.
    pub offset: u64,
}

impl Header {
    /// What the entry is.
    pub fn kind(&self) -> EntryKind {
        EntryKind::of(self.typeflag)
    }
}

/// Something about the archive that tar readers tolerate, but a strict layout may
/// not: the end-of-archive marker, data after it, padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The input is empty: no entry, no end-of-archive marker.
    Empty,
    /// The input ends after a complete entry without the two zero blocks.
    MissingEnd,
    /// The input ends after one zero block, or inside the second.
    ShortEnd,
    /// Non-zero data follows the end-of-archive marker (tar ignores it).
    DataAfterEnd,
    /// The padding after an entry's data is not zeros (tar ignores it; the first
    /// such place is noted).
    NonZeroPadding,
}

/// A [`NoticeKind`] with where and what, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// What it is.
    pub kind: NoticeKind,
    /// Offset in the uncompressed stream.
    pub offset: u64,
    /// A sentence for the user.
    pub message: String,
}

/// A streaming reader of tar entries from a [`BufRead`].
#[derive(Debug)]
pub struct TarReader<R> {
    inner: R,
    offset: u64,
    pending: u64,
    padding: u64,
    globals: Vec<(Vec<u8>, Vec<u8>)>,
    notices: Vec<Notice>,
    done: bool,
}

/// How a block read ended.
enum Got {
    Full,
    Eof,
    Partial { zeros: bool },
}

/// Extensions collected for the next entry.
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Vec<(Vec<u8>, Vec<u8>)>,
    local: bool,
    odd: Vec<String>,
}

impl<R: BufRead> TarReader<R> {
    /// Reads tar entries from `inner`.
    pub fn new(inner: R) -> Self {
        TarReader {
            inner,
            offset: 0,
            pending: 0,
            padding: 0,
            globals: Vec::new(),
            notices: Vec::new(),
            done: false,
        }
    }

    /// Bytes of the tar stream consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// What the reader noticed: about padding so far, about the end of the archive
    /// once `next_header` returned `None`.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The next entry, or `None` at the end of the archive (the rest of the input is
    /// then read, so that the gzip layer below can check its trailer). The previous
    /// entry's data is skipped if it was not read.
    pub fn next_header(&mut self) -> Result<Option<Header>, Fault> {
        if self.done {
            return Ok(None);
        }
        self.skip_data()?;
        let start = self.offset;
        let mut raw = Vec::with_capacity(BLOCK);
        let mut ext = Pending::default();
        let mut extensions = 0usize;
        loop {
            let mut block = [0u8; BLOCK];
            let at = self.offset;
            match self.read_block(&mut block)? {
                Got::Full => {}
                Got::Eof if !ext.local => {
                    let kind = if at == 0 {
                        NoticeKind::Empty
                    } else {
                        NoticeKind::MissingEnd
                    };
                    self.end_notice(kind, at);
                    return self.finish_without_marker();
                }
                Got::Partial { zeros: true } if !ext.local => {
                    self.end_notice(NoticeKind::ShortEnd, at);
                    return self.finish_without_marker();
                }
                Got::Eof | Got::Partial { .. } if ext.local => {
                    return Err(Fault::corrupt(format!(
                        "archive ends at byte {at}, after an extension header and before the entry it belongs to: truncated"
                    )))
                }
                Got::Eof | Got::Partial { .. } => {
                    return Err(Fault::corrupt(format!(
                        "archive ends inside a header block at byte {at}: truncated"
                    )))
                }
            }
            if block.iter().all(|&b| b == 0) {
                if ext.local {
                    return Err(Fault::corrupt(format!(
                        "zero block at byte {at} right after an extension header: the entry it belongs to is missing"
                    )));
                }
                self.finish_end(at)?;
                return Ok(None);
            }
            check_checksum(&block, at)?;
            raw.extend_from_slice(&block);
            let typeflag = block[field::TYPEFLAG];
            let size = size_field(&block, at)?;
            if matches!(typeflag, b'x' | b'g' | b'L' | b'K') {
                extensions += 1;
                if extensions > EXTENSIONS_MAX {
                    return Err(Fault::limit(format!(
                        "more than {EXTENSIONS_MAX} extension headers in a row at byte {start}"
                    )));
                }
                if size > EXTENSION_MAX {
                    return Err(Fault::limit(format!(
                        "extension header of {size} bytes at byte {at} (limit {EXTENSION_MAX})"
                    )));
                }
                let data = self.read_small(size)?;
                raw.extend_from_slice(&data);
                raw.resize(raw.len() + pad(size) as usize, 0);
                match typeflag {
                    b'L' => ext.long_name = Some(until_nul(&data).to_vec()),
                    b'K' => ext.long_link = Some(until_nul(&data).to_vec()),
                    b'x' => {
                        for (key, value) in pax_records(&data, at, &mut ext.odd)? {
                            ext.pax.push((key.to_vec(), value.to_vec()));
                        }
                    }
                    _ => self.add_globals(&data, at, &mut ext.odd)?,
                }
                ext.local |= typeflag != b'g';
                continue;
            }
            return self.entry(block, raw, ext, start, at, size).map(Some);
        }
    }

    fn entry(
        &mut self,
        block: [u8; BLOCK],
        mut raw: Vec<u8>,
        ext: Pending,
        start: u64,
        at: u64,
        size: u64,
    ) -> Result<Header, Fault> {
        let mut warnings = ext.odd;
        warnings.dedup();
        let mut format = format_of(&block);
        let mut typeflag = block[field::TYPEFLAG];
        let mut name = match ext.long_name {
            Some(name) => name,
            None => header_name(&block, format),
        };
        let mut link_name = match ext.long_link {
            Some(link) => link,
            None => until_nul(&block[field::LINK_NAME]).to_vec(),
        };
        let mut size = size;
        let mut sparse = typeflag == b'S';
        let mut real_size = None;
        // Global records first, then this entry's own: the last value of a key wins,
        // and an empty value falls back to the header's field.
        let records = self.globals.iter().chain(ext.pax.iter());
        let mut path: Option<&[u8]> = None;
        let mut link: Option<&[u8]> = None;
        let mut pax_size: Option<&[u8]> = None;
        let mut sparse_name: Option<&[u8]> = None;
        let mut sparse_size: Option<&[u8]> = None;
        for (key, value) in records {
            format = Format::Pax;
            let value = (!value.is_empty()).then_some(value.as_slice());
            match key.as_slice() {
                b"path" => path = value,
                b"linkpath" => link = value,
                b"size" => pax_size = value,
                b"GNU.sparse.name" => sparse_name = value,
                b"GNU.sparse.realsize" | b"GNU.sparse.size" => sparse_size = value,
                k if k.starts_with(b"GNU.sparse.") => sparse = true,
                _ => {}
            }
        }
        if let Some(p) = path {
            name = p.to_vec();
        }
        if let Some(l) = link {
            link_name = l.to_vec();
        }
        if let Some(s) = pax_size {
            size = decimal(s).ok_or_else(|| {
                Fault::corrupt(format!(
                    "bad pax size record \"{}\" for the entry at byte {at}",
                    String::from_utf8_lossy(s)
                ))
            })?;
        }
        if let Some(n) = sparse_name {
            sparse = true;
            name = n.to_vec();
        }
        if let Some(s) = sparse_size {
            sparse = true;
            real_size = decimal(s);
        }
        if name.len() > NAME_MAX {
            return Err(Fault::limit(format!(
                "entry name of {} bytes at byte {at} (limit {NAME_MAX})",
                name.len()
            )));
        }
        if typeflag == 0 && name.last() == Some(&b'/') {
            typeflag = b'5';
        }
        if typeflag == b'S' {
            real_size = Some(number_field(&block, NumberField::RealSize, at)?.max(0) as u64);
            if block[field::GNU_IS_EXTENDED] != 0 {
                self.sparse_blocks(&mut raw, at)?;
            }
        }
        let mode = number_field(&block, NumberField::Mode, at)?;
        let mode = u32::try_from(mode)
            .map_err(|_| Fault::corrupt(format!("mode {mode} out of range at byte {at}")))?;
        number_field(&block, NumberField::Uid, at)?;
        number_field(&block, NumberField::Gid, at)?;
        let mtime = number_field(&block, NumberField::Mtime, at)?;
        if EntryKind::of(typeflag).header_only() && size != 0 {
            warnings.push(format!(
                "its header gives {size} bytes, but a {} has no data in a tar archive",
                match EntryKind::of(typeflag) {
                    EntryKind::Directory => "folder",
                    EntryKind::Symlink | EntryKind::Hardlink => "link",
                    EntryKind::Fifo => "fifo",
                    _ => "device",
                }
            ));
            size = 0;
        }
        self.pending = size;
        self.padding = pad(size);
        Ok(Header {
            name,
            link_name,
            mode,
            size,
            mtime,
            typeflag,
            format,
            sparse,
            real_size,
            warnings,
            raw,
            offset: start,
        })
    }

    /// The GNU sparse extension blocks after an `S` header, kept as header.
    fn sparse_blocks(&mut self, raw: &mut Vec<u8>, at: u64) -> Result<(), Fault> {
        for _ in 0..SPARSE_BLOCKS_MAX {
            let mut block = [0u8; BLOCK];
            if !matches!(self.read_block(&mut block)?, Got::Full) {
                return Err(Fault::corrupt(format!(
                    "archive ends inside the sparse map of the entry at byte {at}: truncated"
                )));
            }
            raw.extend_from_slice(&block);
            if block[field::SPARSE_MAP_IS_EXTENDED] == 0 {
                return Ok(());
            }
        }
        Err(Fault::limit(format!(
            "more than {SPARSE_BLOCKS_MAX} sparse map blocks for the entry at byte {at}"
        )))
    }

    fn add_globals(&mut self, data: &[u8], at: u64, odd: &mut Vec<String>) -> Result<(), Fault> {
        for (key, value) in pax_records(data, at, odd)? {
            self.globals.retain(|(k, _)| k != key);
            self.globals.push((key.to_vec(), value.to_vec()));
        }
        let total: usize = self.globals.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total as u64 > EXTENSION_MAX {
            return Err(Fault::limit(format!(
                "global pax records over {EXTENSION_MAX} bytes at byte {at}"
            )));
        }
        Ok(())
    }

    fn end_notice(&mut self, kind: NoticeKind, at: u64) {
        let message = match kind {
            NoticeKind::Empty => "the archive is empty (not even an end-of-archive marker)".to_string(),
            NoticeKind::MissingEnd => format!(
                "the archive ends at byte {at} after a complete entry but without its end-of-archive marker (two zero blocks): possibly truncated"
            ),
            NoticeKind::ShortEnd => format!(
                "the end-of-archive marker at byte {at} is shorter than two zero blocks: possibly truncated"
            ),
            NoticeKind::NonZeroPadding => format!(
                "the padding after an entry's data at byte {at} is not zeros (tar ignores it)"
            ),
            NoticeKind::DataAfterEnd => format!(
                "data after the end-of-archive marker, from byte {at}, is not part of the archive (tar ignores it)"
            ),
        };
        self.notices.push(Notice {
            kind,
            offset: at,
            message,
        });
    }

    fn finish_without_marker(&mut self) -> Result<Option<Header>, Fault> {
        self.done = true;
        Ok(None)
    }

    /// Hands the current entry's data to `f` in slices, then checks its padding.
    pub fn read_data(&mut self, mut f: impl FnMut(&[u8])) -> Result<(), Fault> {
        while self.pending > 0 {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                return Err(Fault::corrupt(format!(
                    "archive ends inside an entry's data at byte {} ({} bytes missing): truncated",
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
                return Err(Fault::corrupt(format!(
                    "archive ends inside an entry's padding at byte {}: truncated",
                    self.offset
                )));
            }
            let n = buf.len().min(self.padding as usize);
            let dirty = buf[..n].iter().any(|&b| b != 0);
            self.inner.consume(n);
            if dirty
                && !self
                    .notices
                    .iter()
                    .any(|n| n.kind == NoticeKind::NonZeroPadding)
            {
                let at = self.offset;
                self.end_notice(NoticeKind::NonZeroPadding, at);
            }
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

    /// Reads one block.
    fn read_block(&mut self, block: &mut [u8; BLOCK]) -> Result<Got, Fault> {
        let mut filled = 0;
        while filled < BLOCK {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                self.offset += filled as u64;
                return Ok(if filled == 0 {
                    Got::Eof
                } else {
                    Got::Partial {
                        zeros: block[..filled].iter().all(|&b| b == 0),
                    }
                });
            }
            let n = buf.len().min(BLOCK - filled);
            block[filled..filled + n].copy_from_slice(&buf[..n]);
            self.inner.consume(n);
            filled += n;
        }
        self.offset += BLOCK as u64;
        Ok(Got::Full)
    }

    fn read_small(&mut self, size: u64) -> Result<Vec<u8>, Fault> {
        let mut data = Vec::with_capacity(size as usize);
        self.pending = size;
        self.padding = pad(size);
        self.read_data(|chunk| data.extend_from_slice(chunk))?;
        Ok(data)
    }

    /// After the first zero block at `at`: a second one, then the rest of the input:
    /// zeros (record padding) up to a limit, anything else a notice.
    fn finish_end(&mut self, at: u64) -> Result<(), Fault> {
        self.done = true;
        let mut block = [0u8; BLOCK];
        let second = self.offset;
        match self.read_block(&mut block)? {
            Got::Full if block.iter().all(|&b| b == 0) => {}
            Got::Full | Got::Partial { zeros: false } => {
                self.end_notice(NoticeKind::DataAfterEnd, second);
            }
            Got::Eof | Got::Partial { zeros: true } => {
                self.end_notice(NoticeKind::ShortEnd, at);
                return Ok(());
            }
        }
        let mut trailing = 0u64;
        loop {
            let buf = self.inner.fill_buf().map_err(|e| Fault::from_io(&e))?;
            if buf.is_empty() {
                return Ok(());
            }
            let first = buf.iter().position(|&b| b != 0);
            let n = buf.len();
            if let Some(first) = first {
                if !self
                    .notices
                    .iter()
                    .any(|n| n.kind == NoticeKind::DataAfterEnd)
                {
                    self.end_notice(NoticeKind::DataAfterEnd, self.offset + first as u64);
                }
            }
            trailing += n as u64;
            self.offset += n as u64;
            self.inner.consume(n);
            if trailing > TRAILING_ZEROS_MAX {
                return Err(Fault::limit(format!(
                    "more than {} after the end-of-archive marker at byte {at}",
                    show_size(TRAILING_ZEROS_MAX)
                )));
            }
        }
    }
}

fn format_of(block: &[u8; BLOCK]) -> Format {
    match (&block[field::MAGIC], &block[field::VERSION]) {
        (b"ustar ", b" \0") => Format::Gnu,
        (b"ustar\0", _) if &block[field::STAR_MAGIC] == b"tar\0" => Format::Star,
        (b"ustar\0", _) => Format::Ustar,
        _ => Format::V7,
    }
}

fn header_name(block: &[u8; BLOCK], format: Format) -> Vec<u8> {
    let name = until_nul(&block[field::NAME]);
    let prefix = match format {
        Format::Ustar | Format::Pax => until_nul(&block[field::PREFIX]),
        Format::Star => until_nul(&block[field::STAR_PREFIX]),
        Format::Gnu | Format::V7 => &[],
    };
    if prefix.is_empty() {
        return name.to_vec();
    }
    let mut full = prefix.to_vec();
    full.push(b'/');
    full.extend_from_slice(name);
    full
}
