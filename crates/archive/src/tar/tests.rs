//! Tests of the tar reader: dialects, damage, bounds, and round trips with what the
//! `tar` crate writes.

use super::fields::{decimal, number, NumberError};
use super::write::{pax_record, short_name, SHORT_NAME_MAX};
use super::*;
use crate::limits::TRAILING_ZEROS_MAX;
use crate::{Fault, FaultKind};
use proptest::prelude::*;

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

type Entries = Vec<(Header, Vec<u8>)>;

fn read_all(bytes: &[u8]) -> Result<(Entries, Vec<Notice>), Fault> {
    let mut r = TarReader::new(bytes);
    let mut out = Vec::new();
    while let Some(h) = r.next_header()? {
        let mut data = Vec::new();
        r.read_data(|c| data.extend_from_slice(c))?;
        out.push((h, data));
    }
    assert_eq!(r.next_header()?, None, "the end stays the end");
    Ok((out, r.notices().to_vec()))
}

fn names(bytes: &[u8]) -> Vec<String> {
    read_all(bytes)
        .unwrap()
        .0
        .iter()
        .map(|(h, _)| String::from_utf8_lossy(&h.name).into_owned())
        .collect()
}

/// A header block with `fields` set and a valid checksum.
fn block(name: &[u8], typeflag: u8, size: &[u8], magic: &[u8; 8]) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    b[..name.len()].copy_from_slice(name);
    b[100..108].copy_from_slice(b"0000644\0");
    b[108..116].copy_from_slice(b"0000000\0");
    b[116..124].copy_from_slice(b"0000000\0");
    b[124..124 + size.len()].copy_from_slice(size);
    b[136..148].copy_from_slice(b"00000000000\0");
    b[156] = typeflag;
    b[257..265].copy_from_slice(magic);
    seal(&mut b);
    b
}

fn seal(b: &mut [u8; BLOCK]) {
    b[148..156].copy_from_slice(b"        ");
    let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
    b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

const USTAR: &[u8; 8] = b"ustar\x0000";
const GNU: &[u8; 8] = b"ustar  \0";

fn with_data(mut out: Vec<u8>, data: &[u8]) -> Vec<u8> {
    out.extend_from_slice(data);
    out.resize(out.len() + pad(data.len() as u64) as usize, 0);
    out
}

#[test]
fn round_trip_with_long_names() {
    let long = format!("software/{}.zip", "x".repeat(150));
    let bytes = archive(&[("a.txt", b"hello"), (&long, b"")]);
    let (got, notices) = read_all(&bytes).unwrap();
    assert!(notices.is_empty());
    assert_eq!(got[0].0.name, b"a.txt");
    assert_eq!(got[0].1, b"hello");
    assert_eq!(got[0].0.format, Format::Ustar);
    assert_eq!(got[1].0.name, long.as_bytes());
    assert_eq!(got[1].0.format, Format::Pax);
    // The tar crate agrees.
    let mut ar = tar::Archive::new(&bytes[..]);
    let names: Vec<String> = ar
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["a.txt", long.as_str()]);
}

/// Names of 1- to 4-byte characters at every length a member name can have: the
/// header is written, our reader and the tar crate read the name back whole, and the
/// ustar name beside the pax record is the name's last bytes, cut at a character.
#[test]
fn multi_byte_names_of_every_length_round_trip() {
    for ch in ['x', '\u{e9}', '\u{20ac}', '\u{1f600}'] {
        let width = ch.len_utf8();
        for count in 1..=(255 - 4) / width {
            let file: String = std::iter::repeat_n(ch, count).collect();
            let name = format!("drivers/{file}.zip");
            let bytes = archive(&[(&name, b"d")]);
            let (got, _) = read_all(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(got[0].0.name, name.as_bytes(), "{count} x {ch}");
            let mut ar = tar::Archive::new(&bytes[..]);
            let entry = ar.entries().unwrap().next().unwrap().unwrap();
            assert_eq!(entry.path_bytes().as_ref(), name.as_bytes());
            let short = short_name(&name);
            assert!(
                short.len() <= SHORT_NAME_MAX && name.ends_with(short),
                "{short}"
            );
            if name.len() > 100 {
                assert!(short.len() + width + 1 > SHORT_NAME_MAX, "{short}");
            }
        }
    }
}

#[test]
fn damage_is_a_fault_and_a_missing_end_a_notice() {
    let bytes = archive(&[("a.txt", b"hello")]);
    for cut in [100usize, 512, 515, 1000] {
        assert!(read_all(&bytes[..cut]).is_err(), "cut at {cut} accepted");
    }
    let notice = |cut: usize| read_all(&bytes[..cut]).unwrap().1[0].kind;
    assert_eq!(notice(0), NoticeKind::Empty);
    assert_eq!(notice(1024), NoticeKind::MissingEnd);
    assert_eq!(notice(1024 + 100), NoticeKind::ShortEnd);
    assert_eq!(notice(1536), NoticeKind::ShortEnd);
    assert_eq!(notice(1536 + 7), NoticeKind::ShortEnd);
    assert_eq!(read_all(&bytes[..1024]).unwrap().0.len(), 1);
    let mut b = bytes.clone();
    b[10] ^= 1;
    assert!(read_all(&b).unwrap_err().message.contains("checksum"));
    let mut b = bytes.clone();
    b[512 + 6] = 1; // padding
    let (entries, notices) = read_all(&b).unwrap();
    assert_eq!(entries[0].1, b"hello");
    assert_eq!(notices[0].kind, NoticeKind::NonZeroPadding);
    assert_eq!(notices[0].offset, 512 + 5);
    let mut b = bytes.clone();
    b.extend_from_slice(b"junk");
    let (entries, notices) = read_all(&b).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::DataAfterEnd);
    assert_eq!(notices[0].offset, 2048);
    let mut b = bytes.clone();
    b.extend_from_slice(&[0; 9216]);
    assert_eq!(read_all(&b).unwrap().1, [], "record padding is fine");
    let mut b = bytes;
    b.extend_from_slice(&vec![0; TRAILING_ZEROS_MAX as usize + 1024]);
    assert_eq!(read_all(&b).unwrap_err().kind, FaultKind::LimitExceeded);
}

#[test]
fn a_lone_zero_block_then_data_is_data_after_the_end() {
    let mut bytes = archive(&[("a", b"1")]);
    bytes.truncate(1024 + 512);
    bytes.extend(archive(&[("b", b"2")]));
    let (entries, notices) = read_all(&bytes).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::DataAfterEnd);
}

#[test]
fn numbers() {
    assert_eq!(number(b"0000644\0"), Ok(0o644));
    assert_eq!(number(b"   644 \0"), Ok(0o644));
    assert_eq!(number(&[0, 0, b'6', b'4', b'4', b' ', b' ', 0]), Ok(0o644));
    assert_eq!(number(b"644\0junk"), Ok(0o644));
    assert_eq!(number(b"\0\0\0\0\0\0\0\0"), Ok(0));
    assert_eq!(number(b"        "), Ok(0));
    assert_eq!(number(b"0009\0\0\0\0"), Err(NumberError::Invalid));
    assert_eq!(number(b"12 34\0\0\0"), Err(NumberError::Invalid));
    let mut big = [0u8; 12];
    big[0] = 0x80;
    big[11] = 5;
    assert_eq!(number(&big), Ok(5));
    assert_eq!(number(&[0xff; 12]), Ok(-1));
    assert_eq!(
        number(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]),
        Ok(-2)
    );
    let mut huge = [0u8; 12];
    huge[0] = 0x80;
    huge[3] = 1;
    assert_eq!(number(&huge), Err(NumberError::Overflow));
    assert_eq!(pax_record("path", "abc"), "12 path=abc\n");
    assert_eq!(decimal(b"000000000000000000000999"), Some(999));
    assert_eq!(decimal(b"+5"), None);
    assert_eq!(decimal(b"-1"), None);
}

/// Regression: a base-256 number in an 8-byte field (mode, uid, gid or checksum
/// beginning with 0x80) made the reader panic while slicing.
#[test]
fn base256_in_eight_byte_fields_does_not_panic() {
    let field = [0x80, 0, 0, 0, 0, 0, 0o1, 0o244];
    assert_eq!(number(&field), Ok(0o644));
    assert_eq!(number(&[0x80]), Ok(0));
    assert_eq!(number(&[0x80, 0, 0, 0, 0, 0, 0, 0]), Ok(0));
    for range in [100..108, 108..116, 116..124] {
        let mut b = block(b"f", b'0', b"00000000001\0", GNU);
        b[range.clone()].copy_from_slice(&[0x80, 0, 0, 0, 0, 0, 0x01, 0xa4]);
        seal(&mut b);
        let bytes = with_data(b.to_vec(), b"x");
        let (got, _) = read_all(&bytes).unwrap();
        if range.start == 100 {
            assert_eq!(got[0].0.mode, 0x1a4);
        }
        assert_eq!(got[0].1, b"x");
    }
    // The checksum itself in base-256.
    let mut b = block(b"f", b'0', b"00000000000\0", GNU);
    b[148..156].copy_from_slice(b"        ");
    let sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
    let mut field = [0u8; 8];
    field[0] = 0x80;
    field[4..].copy_from_slice(&(sum as u32).to_be_bytes());
    b[148..156].copy_from_slice(&field);
    let sum_after: u64 = b
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(x)
            }
        })
        .sum();
    assert_eq!(sum, sum_after);
    assert_eq!(names(&b), ["f"]);
    // Base-256 size and mtime, negative mtime.
    let mut b = block(b"g", b'0', b"", GNU);
    b[124..136].copy_from_slice(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    b[136..148].copy_from_slice(&[0xff; 12]);
    seal(&mut b);
    let (got, _) = read_all(&with_data(b.to_vec(), b"abc")).unwrap();
    assert_eq!((got[0].0.size, got[0].0.mtime), (3, -1));
    // A negative size is damage, not a panic or a huge skip.
    let mut b = block(b"n", b'0', b"", GNU);
    b[124..136].copy_from_slice(&[0xff; 12]);
    seal(&mut b);
    assert!(read_all(&b).unwrap_err().message.contains("negative size"));
}

#[test]
fn gnu_long_names_and_link_names() {
    let long_name = format!("dir/{}", "n".repeat(200));
    let long_link = format!("target/{}", "l".repeat(200));
    let mut out = block(
        b"././@LongLink",
        b'L',
        format!("{:011o}\0", long_name.len() + 1).as_bytes(),
        GNU,
    )
    .to_vec();
    out = with_data(out, format!("{long_name}\0").as_bytes());
    out.extend(block(
        b"././@LongLink",
        b'K',
        format!("{:011o}\0", long_link.len()).as_bytes(),
        GNU,
    ));
    out = with_data(out, long_link.as_bytes());
    out.extend(block(b"short", b'2', b"00000000000\0", GNU));
    out.extend(block(b"after", b'0', b"00000000002\0", GNU));
    out = with_data(out, b"hi");
    out.extend_from_slice(&END);
    let (got, _) = read_all(&out).unwrap();
    assert_eq!(got[0].0.name, long_name.as_bytes());
    assert_eq!(got[0].0.link_name, long_link.as_bytes());
    assert_eq!(got[0].0.kind(), EntryKind::Symlink);
    assert_eq!(got[0].0.format, Format::Gnu);
    assert_eq!(
        got[0].0.raw.len(),
        5 * BLOCK,
        "extension headers are part of the raw header"
    );
    assert_eq!(got[1].0.name, b"after");
    assert_eq!(got[1].1, b"hi");
}

#[test]
fn pax_local_and_global_records() {
    let pax = |records: &str, typeflag: u8| {
        with_data(
            block(
                b"PaxHeader",
                typeflag,
                format!("{:011o}\0", records.len()).as_bytes(),
                USTAR,
            )
            .to_vec(),
            records.as_bytes(),
        )
    };
    let mut out = pax("16 path=global1\n", b'g');
    out.extend(block(b"file1", b'0', b"00000000000\0", USTAR));
    out.extend(pax("14 path=file2\n10 size=3\n", b'x'));
    out.extend(block(b"ignored", b'0', b"00000000000\0", USTAR));
    out = with_data(out, b"abc");
    out.extend(pax("8 path=\n", b'g'));
    out.extend(block(b"file3", b'0', b"00000000000\0", USTAR));
    out.extend(pax("4 x=", b'x')); // no newline: tolerated
    out.extend(block(b"file4", b'0', b"00000000000\0", USTAR));
    out.extend_from_slice(&END);
    let (got, _) = read_all(&out).unwrap();
    let names: Vec<_> = got
        .iter()
        .map(|(h, _)| String::from_utf8_lossy(&h.name).into_owned())
        .collect();
    assert_eq!(names, ["global1", "file2", "file3", "file4"]);
    assert_eq!(got[1].1, b"abc");
    assert_eq!(got[3].0.warnings.len(), 1);
    // A global header just before the end is not an entry.
    let mut out = pax("16 path=global1\n", b'g');
    out.extend_from_slice(&END);
    assert_eq!(read_all(&out).unwrap().0.len(), 0);
    // Malformed records name the reason.
    for bad in ["99 path=x\n", "x path=y\n", "9 pathx\n\n", "6 =ab\n"] {
        let mut out = pax(bad, b'x');
        out.extend(block(b"f", b'0', b"00000000000\0", USTAR));
        let err = read_all(&out).unwrap_err();
        assert!(
            err.message.contains("malformed pax"),
            "{bad:?}: {}",
            err.message
        );
    }
    let mut out = pax("11 size=-1\n", b'x');
    out.extend(block(b"f", b'0', b"00000000000\0", USTAR));
    assert!(read_all(&out).unwrap_err().message.contains("pax size"));
    // An extension header with no entry after it.
    let mut out = pax("11 path=ab\n", b'x');
    out.extend_from_slice(&END);
    assert!(read_all(&out).is_err());
    assert!(read_all(&pax("11 path=ab\n", b'x'))
        .unwrap_err()
        .message
        .contains("truncated"));
}

#[test]
fn extension_headers_are_bounded() {
    let big = EXTENSION_MAX + 1;
    let b = block(b"L", b'L', format!("{big:011o}\0").as_bytes(), GNU);
    assert_eq!(read_all(&b).unwrap_err().kind, FaultKind::LimitExceeded);
    let mut out = Vec::new();
    for _ in 0..=EXTENSIONS_MAX {
        out = with_data(out, &[]);
        out.extend(block(b"L", b'L', b"00000000002\0", GNU));
        out = with_data(out, b"a\0");
    }
    assert_eq!(read_all(&out).unwrap_err().kind, FaultKind::LimitExceeded);
}

#[test]
fn v7_directories_dot_slash_and_header_only_types() {
    let v7 = &[0u8; 8];
    let mut out = block(b"./dir/", 0, b"00000000000\0", v7).to_vec();
    out.extend(block(b"./dir/f", 0, b"00000000001\0", v7));
    out = with_data(out, b"1");
    out.extend(block(b"d2/", b'5', b"00000000005\0", GNU)); // no data, whatever the size says
    out.extend(block(b"fifo", b'6', b"00000000005\0", GNU));
    out.extend(block(b"last", b'0', b"00000000001\0", GNU));
    out = with_data(out, b"2");
    out.extend_from_slice(&END);
    let (got, _) = read_all(&out).unwrap();
    let kinds: Vec<_> = got.iter().map(|(h, _)| h.kind()).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Directory,
            EntryKind::Regular,
            EntryKind::Directory,
            EntryKind::Fifo,
            EntryKind::Regular
        ]
    );
    assert_eq!(got[0].0.name, b"./dir/");
    assert_eq!(got[0].0.format, Format::V7);
    assert_eq!(got[2].0.size, 0);
    assert_eq!(got[2].0.warnings.len(), 1);
    assert_eq!(got[4].1, b"2");
}

#[test]
fn ustar_prefix_and_star() {
    let mut b = block(b"name", b'0', b"00000000000\0", USTAR);
    b[345..351].copy_from_slice(b"prefix");
    seal(&mut b);
    assert_eq!(names(&b), ["prefix/name"]);
    let mut g = block(b"name", b'0', b"00000000000\0", GNU);
    g[345..351].copy_from_slice(b"\x01\x02atim"); // GNU keeps times here, not a prefix
    seal(&mut g);
    assert_eq!(names(&g), ["name"]);
    let mut s = block(b"name", b'0', b"00000000000\0", USTAR);
    s[345..348].copy_from_slice(b"pre");
    s[476..480].copy_from_slice(b"0123"); // star's atime
    s[508..512].copy_from_slice(b"tar\0");
    seal(&mut s);
    assert_eq!(names(&s), ["pre/name"]);
}

#[test]
fn gnu_sparse_maps_are_never_data() {
    // Old GNU sparse: the map in the header and one extension block, then 3 bytes.
    let mut s = block(b"sparse", b'S', b"00000000003\0", GNU);
    s[386..398].copy_from_slice(b"00000000000\0");
    s[398..410].copy_from_slice(b"00000000003\0");
    s[482] = 1; // isextended
    s[483..495].copy_from_slice(b"00000010000\0");
    seal(&mut s);
    let mut ext = [0u8; BLOCK];
    ext[0..12].copy_from_slice(b"00000001000\0");
    let mut out = s.to_vec();
    out.extend_from_slice(&ext);
    out = with_data(out, b"abc");
    out.extend(block(b"after", b'0', b"00000000000\0", GNU));
    out.extend_from_slice(&END);
    let (got, _) = read_all(&out).unwrap();
    assert!(got[0].0.sparse);
    assert_eq!(got[0].0.real_size, Some(0o10000));
    assert_eq!(got[0].0.raw.len(), 2 * BLOCK);
    assert_eq!(got[0].1, b"abc");
    assert_eq!(got[1].0.name, b"after");
    // pax 1.0 sparse: the real name from the records, flagged sparse.
    let records = "22 GNU.sparse.major=1\n22 GNU.sparse.minor=0\n24 GNU.sparse.name=real\n29 GNU.sparse.realsize=10000\n";
    let mut out = with_data(
        block(
            b"PaxHeader",
            b'x',
            format!("{:011o}\0", records.len()).as_bytes(),
            USTAR,
        )
        .to_vec(),
        records.as_bytes(),
    );
    out.extend(block(
        b"./GNUSparseFile.0/real",
        b'0',
        b"00000001000\0",
        USTAR,
    ));
    out = with_data(out, &[b'1'; 512]);
    out.extend_from_slice(&END);
    let (got, _) = read_all(&out).unwrap();
    assert!(got[0].0.sparse);
    assert_eq!(got[0].0.name, b"real");
    assert_eq!(got[0].0.real_size, Some(10000));
    // A sparse map that never ends is bounded.
    let mut out = s.to_vec();
    let mut more = [0u8; BLOCK];
    more[504] = 1;
    for _ in 0..SPARSE_BLOCKS_MAX + 1 {
        out.extend_from_slice(&more);
    }
    assert_eq!(read_all(&out).unwrap_err().kind, FaultKind::LimitExceeded);
}

/// What the `tar` crate writes in each of its header formats.
fn tar_crate_archive(files: &[(String, Vec<u8>)], format: u8) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = match format {
            0 => tar::Header::new_ustar(),
            1 => tar::Header::new_gnu(),
            _ => tar::Header::new_old(),
        };
        header.set_size(data.len() as u64);
        header.set_mode(0o640);
        header.set_entry_type(tar::EntryType::Regular);
        if format == 3 {
            builder
                .append_pax_extensions([("path", name.as_bytes())])
                .unwrap();
            header.set_path("pax-placeholder").unwrap();
            header.set_cksum();
            builder.append(&header, &data[..]).unwrap();
        } else {
            builder.append_data(&mut header, name, &data[..]).unwrap();
        }
    }
    builder.into_inner().unwrap()
}

fn file_name() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Z0-9_.-]{1,40}", 1..6).prop_map(|parts| {
        parts
            .into_iter()
            .map(|p| if p == "." || p == ".." { "x".into() } else { p })
            .collect::<Vec<_>>()
            .join("/")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the `tar` crate writes (ustar, GNU with long names, v7, pax), we read
    /// the same names, sizes and data.
    #[test]
    fn reads_what_the_tar_crate_writes(
        files in prop::collection::vec((file_name(), prop::collection::vec(any::<u8>(), 0..2000)), 0..6),
        format in 0u8..4,
    ) {
        let mut seen = std::collections::HashSet::new();
        let files: Vec<_> = files.into_iter().filter(|(n, _)| seen.insert(n.clone())).collect();
        // v7 and ustar cannot hold every long name: the tar crate refuses those.
        let files: Vec<_> = files
            .into_iter()
            .filter(|(n, _)| match format {
                2 => n.len() < 100,
                0 => tar::Header::new_ustar().set_path(n).is_ok(),
                _ => true,
            })
            .collect();
        let bytes = tar_crate_archive(&files, format);
        let (got, notices) = read_all(&bytes).unwrap();
        prop_assert!(notices.is_empty());
        prop_assert_eq!(got.len(), files.len());
        for ((h, data), (name, expected)) in got.iter().zip(&files) {
            prop_assert_eq!(&h.name, name.as_bytes());
            prop_assert_eq!(h.size, expected.len() as u64);
            prop_assert_eq!(data, expected);
            prop_assert_eq!(h.mode & 0o777, 0o640);
        }
    }

    /// Arbitrary bytes, and damaged archives, never panic and never loop.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_all(&bytes);
    }

    #[test]
    fn damaged_archives_never_panic(at in 0usize..3072, value in any::<u8>(), cut in 0usize..3100) {
        let mut bytes = tar_crate_archive(&[("a/b".into(), vec![7; 700]), ("c".repeat(120), vec![1; 3])], 1);
        if at < bytes.len() {
            bytes[at] = value;
        }
        bytes.truncate(cut.max(1));
        let _ = read_all(&bytes);
    }
}
