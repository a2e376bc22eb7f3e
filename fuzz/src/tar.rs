//! Tar streams with every header dialect a peer writes: ustar, GNU and v7 headers;
//! numbers in octal (zero, space or NUL padded) or GNU base-256; pax `x` headers
//! with `path` and `size` records, pax global headers and GNU long names; and
//! always a correct header checksum.
//!
//! The osbundle library writes one canonical header form only; this module writes
//! the many forms a reader must take, which is why it is separate from it.

use arbitrary::{Arbitrary, Unstructured};

use crate::names::{Folder, NameClass};
use crate::MAX_DATA;

/// The tar block size.
pub const BLOCK: usize = 512;

/// The header dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Dialect {
    /// POSIX ustar (`ustar\0` `00`), long names in the prefix field or pax.
    Ustar,
    /// GNU (`ustar  \0`), long names as `././@LongLink` entries.
    Gnu,
    /// v7: no magic, names of up to 100 bytes, no extensions.
    V7,
}

/// How the archive ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Two zero blocks.
    Marker,
    /// Two zero blocks padded to a 10 KiB record, as GNU tar writes.
    Record,
    /// One zero block only.
    OneBlock,
    /// No end marker at all.
    None,
    /// Bytes after the marker.
    Junk(u8),
}

// The common, valid case comes first and most often, so that whole valid bundles
// are frequent; every other case stays reachable.
impl<'a> Arbitrary<'a> for Ending {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=179 => Ending::Marker,
            180..=199 => Ending::Record,
            200..=214 => Ending::OneBlock,
            215..=229 => Ending::None,
            b => Ending::Junk(b),
        })
    }
}

impl<'a> Arbitrary<'a> for TypeFlag {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=149 => TypeFlag::Regular,
            150..=169 => TypeFlag::OldRegular,
            _ => match u8::arbitrary(u)? % 10 {
                0 => TypeFlag::Hardlink,
                1 => TypeFlag::Symlink,
                2 => TypeFlag::Char,
                3 => TypeFlag::Block,
                4 => TypeFlag::Directory,
                5 => TypeFlag::Fifo,
                6 => TypeFlag::Contiguous,
                7 => TypeFlag::Sparse,
                _ => TypeFlag::Other(u8::arbitrary(u)?),
            },
        })
    }
}

impl<'a> Arbitrary<'a> for Mode {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=149 => Mode::File,
            150..=189 => Mode::Exec,
            _ => Mode::Bits(u16::arbitrary(u)?),
        })
    }
}

/// The type flag of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFlag {
    /// `0`.
    Regular,
    /// NUL: a regular file in old archives.
    OldRegular,
    /// `1`.
    Hardlink,
    /// `2`.
    Symlink,
    /// `3`.
    Char,
    /// `4`.
    Block,
    /// `5`.
    Directory,
    /// `6`.
    Fifo,
    /// `7`.
    Contiguous,
    /// `S`: GNU sparse.
    Sparse,
    /// Any other byte (never an extension type: those are [`Extension`]s).
    Other(u8),
}

impl TypeFlag {
    /// The byte in the header.
    pub fn byte(self) -> u8 {
        match self {
            TypeFlag::Regular => b'0',
            TypeFlag::OldRegular => 0,
            TypeFlag::Hardlink => b'1',
            TypeFlag::Symlink => b'2',
            TypeFlag::Char => b'3',
            TypeFlag::Block => b'4',
            TypeFlag::Directory => b'5',
            TypeFlag::Fifo => b'6',
            TypeFlag::Contiguous => b'7',
            TypeFlag::Sparse => b'S',
            TypeFlag::Other(b) => match b {
                b'x' | b'g' | b'L' | b'K' | b'X' | b'0'..=b'7' | 0 | b'S' => b'V',
                b => b,
            },
        }
    }

    /// Whether entries of this type carry no data.
    pub fn dataless(self) -> bool {
        matches!(
            self,
            TypeFlag::Hardlink
                | TypeFlag::Symlink
                | TypeFlag::Char
                | TypeFlag::Block
                | TypeFlag::Directory
                | TypeFlag::Fifo
        )
    }
}

/// The permission bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 0644.
    File,
    /// 0755.
    Exec,
    /// Any bits up to 07777 (setuid, setgid, sticky included).
    Bits(u16),
}

impl Mode {
    /// The numeric mode.
    pub fn value(self) -> u64 {
        match self {
            Mode::File => 0o644,
            Mode::Exec => 0o755,
            Mode::Bits(b) => u64::from(b) & 0o7777,
        }
    }
}

/// How a numeric header field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Number {
    /// Zero-padded octal, NUL terminated (tar-rs, GNU tar).
    Octal,
    /// Space-padded octal, space and NUL terminated (old tars).
    Spaces,
    /// Octal digits, then NULs.
    Nuls,
    /// GNU base-256 (`0x80`, then big-endian).
    Base256,
}

/// Extension headers before the entry's own header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Extension {
    /// Only when the name does not fit the dialect (pax for ustar, a long name for
    /// GNU; v7 truncates).
    Auto,
    /// A pax `path` record, always.
    PaxPath,
    /// A pax `size` record (the header's size field says 0).
    PaxSize,
    /// A GNU long name, always.
    GnuLong,
    /// A GNU long name, then a pax `path` record.
    Both,
    /// A pax global header (`g`) with a comment record first.
    Global,
    /// A pax header with a record osbundle ignores (`mtime=`, `uname=`).
    PaxOther,
}

/// One tar entry.
#[derive(Debug, Clone, PartialEq, Eq, Arbitrary)]
pub struct EntrySpec {
    /// The folder of the name.
    pub folder: Folder,
    /// The file name's shape.
    pub name: NameClass,
    /// The type flag.
    pub typeflag: TypeFlag,
    /// The mode.
    pub mode: Mode,
    /// How numbers are written in its header.
    pub number: Number,
    /// Its extension headers.
    pub extension: Extension,
    /// Modification time.
    pub mtime: u32,
    /// Data: literal bytes, repeated `fill` bytes when short.
    pub data: Vec<u8>,
    /// Repeat `data` this many times (at most [`MAX_DATA`] bytes in all).
    pub repeat: u8,
}

impl EntrySpec {
    /// The entry's data, bounded.
    pub fn bytes(&self) -> Vec<u8> {
        if self.typeflag.dataless() {
            return Vec::new();
        }
        let times = usize::from(self.repeat.max(1));
        let mut out = Vec::new();
        for _ in 0..times {
            out.extend_from_slice(&self.data);
            if out.len() >= MAX_DATA {
                break;
            }
        }
        out.truncate(MAX_DATA);
        out
    }
}

/// One entry as GNU tar reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The name, raw bytes.
    pub name: Vec<u8>,
    /// The data size.
    pub size: u64,
    /// The type flag.
    pub typeflag: u8,
    /// The mode.
    pub mode: u64,
}

/// An entry ready to be written: name and data decided.
#[derive(Debug, Clone)]
pub struct Planned<'a> {
    /// The entry.
    pub spec: &'a EntrySpec,
    /// Its full name.
    pub name: Vec<u8>,
    /// Its data.
    pub data: Vec<u8>,
}

/// A rendered tar stream.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// The stream.
    pub bytes: Vec<u8>,
    /// The entries a reader should list.
    pub expected: Vec<Expected>,
    /// Every construct has one agreed reading.
    pub plain: bool,
}

/// The names the specs give, in order (each may depend on the one before).
pub fn plan<'a>(specs: &'a [EntrySpec], kinds: &[&str]) -> Vec<Planned<'a>> {
    let mut out: Vec<Planned<'a>> = Vec::with_capacity(specs.len());
    for spec in specs {
        let previous = out.last().map(|p| p.name.as_slice());
        let name = match (&spec.name, spec.folder) {
            // Twins and duplicates copy the whole previous name.
            (crate::names::NameClass::CaseTwin | crate::names::NameClass::Duplicate, _)
                if previous.is_some() =>
            {
                spec.name.file_name(previous)
            }
            _ => spec.folder.join(&spec.name.file_name(None), kinds),
        };
        out.push(Planned {
            spec,
            name,
            data: spec.bytes(),
        });
    }
    out
}

/// Renders entries without a layout: names from their folder and class.
pub fn render(specs: &[EntrySpec], dialect: Dialect, ending: Ending) -> Archive {
    let planned = plan(specs, &crate::layout::KIND_FOLDERS);
    let mut archive = Archive {
        plain: true,
        ..Archive::default()
    };
    for p in &planned {
        let (header, expected, plain) = entry_header(p.spec, &p.name, p.data.len() as u64, dialect);
        archive.bytes.extend_from_slice(&header);
        archive.bytes.extend_from_slice(&p.data);
        pad_to_block(&mut archive.bytes);
        archive.expected.push(expected);
        archive.plain &= plain;
    }
    finish(&mut archive.bytes, ending);
    archive.plain &= matches!(ending, Ending::Marker | Ending::Record);
    archive
}

/// Zero bytes up to the next block boundary.
pub fn pad_to_block(bytes: &mut Vec<u8>) {
    let rest = bytes.len() % BLOCK;
    if rest != 0 {
        bytes.resize(bytes.len() + BLOCK - rest, 0);
    }
}

/// Appends the ending.
pub fn finish(bytes: &mut Vec<u8>, ending: Ending) {
    match ending {
        Ending::Marker => bytes.resize(bytes.len() + 2 * BLOCK, 0),
        Ending::Record => {
            bytes.resize(bytes.len() + 2 * BLOCK, 0);
            let rest = bytes.len() % 10240;
            if rest != 0 {
                bytes.resize(bytes.len() + 10240 - rest, 0);
            }
        }
        Ending::OneBlock => bytes.resize(bytes.len() + BLOCK, 0),
        Ending::None => {}
        Ending::Junk(b) => {
            bytes.resize(bytes.len() + 2 * BLOCK, 0);
            bytes.extend_from_slice(&[b | 1; 7]);
        }
    }
}

/// The header blocks (extensions included) of an entry named `name` with `size`
/// bytes of data; what GNU tar reads from them; whether that reading is agreed.
pub fn entry_header(
    spec: &EntrySpec,
    name: &[u8],
    size: u64,
    dialect: Dialect,
) -> (Vec<u8>, Expected, bool) {
    let mut out = Vec::new();
    let mut plain = spec.name.plain() && !name.contains(&0);
    let typeflag = spec.typeflag.byte();
    plain &= !matches!(
        spec.typeflag,
        TypeFlag::Other(_) | TypeFlag::Sparse | TypeFlag::Contiguous
    );
    // An old regular file (type NUL) named with a final `/` is a folder to every
    // reader; given data, readers differ on whether it follows (osbundle lists
    // size 0 and warns, as for any header-only entry with a size).
    let header_only = spec.typeflag.dataless()
        || (spec.typeflag == TypeFlag::OldRegular && name.last() == Some(&b'/'));
    plain &= !(header_only && size != 0);
    let fits_ustar = split_ustar(name).is_some();
    let extension = match (spec.extension, dialect) {
        (_, Dialect::V7) => Extension::Auto,
        (e, _) => e,
    };
    let mut header_size = size;
    // What the main header's name field holds, and the name a reader ends up with.
    let mut effective = name.to_vec();
    let mut main_name: Vec<u8> = name.to_vec();
    let mut use_prefix = dialect == Dialect::Ustar;
    let long = |out: &mut Vec<u8>| {
        let mut data = name.to_vec();
        data.push(0);
        push_extension(out, b"././@LongLink", b'L', &data, dialect, spec.number);
    };
    let pax = |out: &mut Vec<u8>, records: &[(&str, &[u8])], flag: u8| {
        let mut data = Vec::new();
        for (key, value) in records {
            data.extend_from_slice(&pax_record(key.as_bytes(), value));
        }
        let ext_name: &[u8] = if flag == b'g' {
            b"GlobalHead.0"
        } else {
            b"PaxHeader/entry"
        };
        push_extension(out, ext_name, flag, &data, dialect, spec.number);
    };
    match extension {
        Extension::Auto => match dialect {
            Dialect::Ustar if !fits_ustar => {
                pax(&mut out, &[("path", name)], b'x');
                main_name = tail(name, 99);
                use_prefix = false;
            }
            Dialect::Gnu if name.len() > 100 => {
                long(&mut out);
                main_name = name[..100].to_vec();
            }
            Dialect::V7 if name.len() > 100 => {
                main_name = name[..100].to_vec();
                effective = main_name.clone();
                plain = false;
            }
            _ => {}
        },
        Extension::PaxPath | Extension::PaxOther => {
            let mut records: Vec<(&str, &[u8])> = Vec::new();
            if extension == Extension::PaxOther {
                records.push(("mtime", b"1482113961.5"));
                records.push(("uname", b"root"));
                if !fits_ustar {
                    records.push(("path", name));
                }
            } else {
                records.push(("path", name));
            }
            pax(&mut out, &records, b'x');
            if extension == Extension::PaxPath || !fits_ustar {
                main_name = tail(name, 99);
                use_prefix = false;
            }
        }
        Extension::PaxSize => {
            let text = size.to_string();
            let mut records: Vec<(&str, &[u8])> = vec![("size", text.as_bytes())];
            if !fits_ustar {
                records.push(("path", name));
            }
            pax(&mut out, &records, b'x');
            header_size = 0;
            if !fits_ustar {
                main_name = tail(name, 99);
                use_prefix = false;
            }
        }
        Extension::GnuLong => {
            long(&mut out);
            main_name = tail(name, 99);
            use_prefix = false;
        }
        Extension::Both => {
            long(&mut out);
            pax(&mut out, &[("path", name)], b'x');
            main_name = tail(name, 99);
            use_prefix = false;
        }
        Extension::Global => {
            pax(
                &mut out,
                &[("comment", b"made by the osbundle fuzzer")],
                b'g',
            );
            plain = false;
            if !fits_ustar {
                match dialect {
                    Dialect::Gnu => long(&mut out),
                    _ => pax(&mut out, &[("path", name)], b'x'),
                }
                main_name = tail(name, 99);
                use_prefix = false;
            }
        }
    }
    // A name cut at a NUL by the field.
    if let Some(nul) = effective.iter().position(|&b| b == 0) {
        if !matches!(extension, Extension::PaxPath | Extension::Both) {
            effective.truncate(nul);
        }
    }
    let mut block = [0u8; BLOCK];
    match (use_prefix, split_ustar(&main_name)) {
        (true, Some((prefix, rest))) => {
            block[..rest.len()].copy_from_slice(rest);
            block[345..345 + prefix.len()].copy_from_slice(prefix);
        }
        _ => {
            let n = main_name.len().min(100);
            block[..n].copy_from_slice(&main_name[..n]);
        }
    }
    fill(
        &mut block,
        spec.mode.value(),
        header_size,
        u64::from(spec.mtime),
        typeflag,
        dialect,
        spec.number,
    );
    if matches!(spec.typeflag, TypeFlag::Symlink | TypeFlag::Hardlink) {
        block[157..163].copy_from_slice(b"target");
        checksum(&mut block);
    }
    out.extend_from_slice(&block);
    let expected = Expected {
        name: effective,
        size,
        typeflag,
        mode: spec.mode.value(),
    };
    (out, expected, plain)
}

/// The last `n` bytes of `name`, without a leading `/`.
fn tail(name: &[u8], n: usize) -> Vec<u8> {
    let cut = name.len().saturating_sub(n);
    let mut t = &name[cut..];
    while let [b'/', rest @ ..] = t {
        t = rest;
    }
    t.to_vec()
}

/// Splits `name` into ustar prefix and name fields, when it fits.
pub fn split_ustar(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if name.len() <= 100 {
        return Some((&[], name));
    }
    if name.len() > 256 {
        return None;
    }
    (0..name.len())
        .filter(|&i| name[i] == b'/')
        .find(|&i| i <= 155 && name.len() - i - 1 <= 100 && i > 0 && i + 1 < name.len())
        .map(|i| (&name[..i], &name[i + 1..]))
}

/// One extension header and its data, padded.
fn push_extension(
    out: &mut Vec<u8>,
    name: &[u8],
    flag: u8,
    data: &[u8],
    dialect: Dialect,
    number: Number,
) {
    let mut block = [0u8; BLOCK];
    block[..name.len()].copy_from_slice(name);
    fill(
        &mut block,
        0o644,
        data.len() as u64,
        0,
        flag,
        dialect,
        number,
    );
    out.extend_from_slice(&block);
    out.extend_from_slice(data);
    pad_to_block(out);
}

/// One pax record, its length prefix counting itself.
pub fn pax_record(key: &[u8], value: &[u8]) -> Vec<u8> {
    let body_len = key.len() + value.len() + 3;
    let mut len = body_len + 1;
    while len.to_string().len() + body_len != len {
        len = len.to_string().len() + body_len;
    }
    let mut out = len.to_string().into_bytes();
    out.push(b' ');
    out.extend_from_slice(key);
    out.push(b'=');
    out.extend_from_slice(value);
    out.push(b'\n');
    out
}

/// Fills the numeric fields, type, magic and checksum of a header block.
pub fn fill(
    block: &mut [u8; BLOCK],
    mode: u64,
    size: u64,
    mtime: u64,
    typeflag: u8,
    dialect: Dialect,
    number: Number,
) {
    // v7 has no base-256 and no magic.
    let number = match (dialect, number) {
        (Dialect::V7, Number::Base256) => Number::Octal,
        (_, n) => n,
    };
    write_number(&mut block[100..108], mode, number);
    write_number(&mut block[108..116], 0, number);
    write_number(&mut block[116..124], 0, number);
    write_number(&mut block[124..136], size, number);
    write_number(&mut block[136..148], mtime, number);
    block[156] = typeflag;
    match dialect {
        Dialect::Ustar => {
            block[257..263].copy_from_slice(b"ustar\0");
            block[263..265].copy_from_slice(b"00");
        }
        Dialect::Gnu => block[257..265].copy_from_slice(b"ustar  \0"),
        Dialect::V7 => {}
    }
    checksum(block);
}

/// Writes the header checksum (six octal digits, NUL, space).
pub fn checksum(block: &mut [u8; BLOCK]) {
    block[148..156].copy_from_slice(b"        ");
    let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    block[148..156].copy_from_slice(text.as_bytes());
}

/// Writes `value` into a numeric field; values too big for octal use base-256.
pub fn write_number(field: &mut [u8], value: u64, number: Number) {
    let width = field.len();
    let digits = format!("{value:o}");
    if number == Number::Base256 || digits.len() > width - 1 {
        field.fill(0);
        field[0] = 0x80;
        let bytes = value.to_be_bytes();
        let n = bytes.len().min(width - 1);
        field[width - n..].copy_from_slice(&bytes[8 - n..]);
        return;
    }
    field.fill(0);
    match number {
        Number::Octal | Number::Base256 => {
            let text = format!("{value:0w$o}", w = width - 1);
            field[..width - 1].copy_from_slice(text.as_bytes());
        }
        Number::Spaces => {
            // Right-aligned digits, then a space; NUL last when there is room.
            let room = width - 1;
            let text = format!("{digits:>room$}");
            let bytes = text.as_bytes();
            if digits.len() < room {
                field[..room - 1].copy_from_slice(&bytes[1..]);
                field[room - 1] = b' ';
            } else {
                field[..room].copy_from_slice(bytes);
            }
        }
        Number::Nuls => field[..digits.len()].copy_from_slice(digits.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records_count_themselves() {
        assert_eq!(pax_record(b"path", b"abc"), b"12 path=abc\n");
        let long = vec![b'x'; 95];
        let r = pax_record(b"path", &long);
        assert_eq!(r.len().to_string(), String::from_utf8_lossy(&r[..3]));
    }

    #[test]
    fn numbers_in_every_form_read_back() {
        for number in [Number::Octal, Number::Spaces, Number::Nuls, Number::Base256] {
            let mut field = [0u8; 12];
            write_number(&mut field, 0o644, number);
            let parsed = if field[0] == 0x80 {
                field[1..]
                    .iter()
                    .fold(0u64, |n, &b| (n << 8) | u64::from(b))
            } else {
                let text: String = field
                    .iter()
                    .map(|&b| b as char)
                    .filter(char::is_ascii_digit)
                    .collect();
                u64::from_str_radix(&text, 8).unwrap()
            };
            assert_eq!(parsed, 0o644, "{number:?} {field:?}");
        }
    }

    /// An old regular file named `x/` with data is a folder whose size readers
    /// read differently: not plain (the bundle_gen campaign's `metadata.json/`).
    #[test]
    fn old_regular_folder_with_data_is_not_plain() {
        let spec = |typeflag| EntrySpec {
            folder: Folder::Top,
            name: NameClass::Plain(0),
            typeflag,
            mode: Mode::File,
            number: Number::Octal,
            extension: Extension::Auto,
            mtime: 0,
            data: vec![0],
            repeat: 1,
        };
        let plain = |typeflag, name: &[u8], size| {
            entry_header(&spec(typeflag), name, size, Dialect::Ustar).2
        };
        assert!(!plain(TypeFlag::OldRegular, b"metadata.json/", 1));
        assert!(plain(TypeFlag::OldRegular, b"metadata.json/", 0));
        assert!(plain(TypeFlag::OldRegular, b"metadata.json", 1));
        assert!(plain(TypeFlag::Regular, b"metadata.json/", 1));
    }
}
