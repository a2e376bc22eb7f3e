//! Tests of the gzip writer and reader: determinism, stored blocks, every valid
//! header, concatenated members, damage and bombs.
use sha2::{Digest, Sha256};

use flate2::Compression;
use std::io::{self, BufRead, Read, Write};

use super::read::CHUNK;
use super::write::{
    deflate_or_store, incompressible, stored_blocks, stored_size, DICT_SIZE, JUDGED_MIN,
};
use super::*;
use crate::sums::Algorithm;
use crate::{Fault, FaultKind, Limits};

fn sample(n: usize) -> Vec<u8> {
    let mut x: u32 = 1;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            if i % 3 == 0 {
                (x >> 24) as u8
            } else {
                b'a' + (i % 7) as u8
            }
        })
        .collect()
}

fn compress(data: &[u8], threads: usize) -> Vec<u8> {
    let mut w = ParGzWriter::new(Vec::new(), 6, threads).unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

#[test]
fn parallel_output_is_deterministic_and_plain_gzip() {
    for n in [0, 1, DICT_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE * 3 + 17] {
        let data = sample(n);
        let one = compress(&data, 1);
        assert_eq!(one, compress(&data, 3), "n = {n}");
        assert_eq!(&one[..10], &HEADER);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&one[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        let got = with_inflated(&one[..], &Limits::default(), true, |r| {
            let mut v = Vec::new();
            r.read_to_end(&mut v).map(|_| v)
        });
        assert_eq!(got.unwrap(), data);
    }
}

#[test]
fn damage_is_a_fault() {
    let good = compress(&sample(100_000), 2);
    let read = |bytes: &[u8]| {
        with_inflated(bytes, &Limits::default(), false, |r| {
            let mut v = Vec::new();
            r.read_to_end(&mut v).map_err(|e| Fault::from_io(&e))?;
            Ok::<_, Fault>(r.end().cloned())
        })
    };
    assert!(read(&good).is_ok());
    for cut in [0, 5, 10, 11, good.len() / 2, good.len() - 8, good.len() - 1] {
        assert!(read(&good[..cut]).is_err(), "cut at {cut}");
    }
    let mut trailing = good.clone();
    trailing.extend_from_slice(&[0, 0, 1, 2]);
    let end = read(&trailing).unwrap().unwrap().unwrap();
    assert_eq!(end.gzip.trailing_zeros, 2);
    assert_eq!(end.gzip.trailing_garbage, Some((good.len() as u64 + 2, 2)));
    assert!(end
        .gzip
        .difference()
        .unwrap()
        .contains("2 bytes of other data"));
    let mut bad_crc = good.clone();
    let at = bad_crc.len() - 6;
    bad_crc[at] ^= 1;
    assert!(read(&bad_crc).unwrap_err().message.contains("checksum"));
    let mut mtime = good;
    mtime[5] = 1;
    let end = read(&mtime).unwrap().unwrap().unwrap();
    assert!(end.gzip.difference().is_some());
}

#[test]
fn bombs_hit_the_ratio_limit() {
    let zeros = vec![0u8; 40 << 20];
    let gz = compress(&zeros, 2);
    let err = with_inflated(&gz[..], &Limits::default(), false, |r| {
        io::copy(r, &mut io::sink()).map_err(|e| Fault::from_io(&e))
    })
    .unwrap_err();
    assert_eq!(err.kind, FaultKind::LimitExceeded);
}

fn read_all(bytes: &[u8]) -> Result<(Vec<u8>, StreamEnd), Fault> {
    with_inflated(bytes, &Limits::default(), true, |r| {
        let mut v = Vec::new();
        r.read_to_end(&mut v).map_err(|e| Fault::from_io(&e))?;
        let end = r.end().cloned().ok_or_else(|| Fault::corrupt("no end"))??;
        Ok((v, end))
    })
}

fn gzip_with(builder: flate2::GzBuilder, data: &[u8]) -> Vec<u8> {
    let mut w = builder.write(Vec::new(), Compression::new(9));
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

#[test]
fn any_valid_header_is_read_and_described() {
    let data = sample(300_000);
    let plain = gzip_with(flate2::GzBuilder::new(), &data);
    let named = gzip_with(
        flate2::GzBuilder::new()
            .filename("bundle.tar")
            .comment("a comment")
            .extra(vec![1, 2, 3, 4])
            .mtime(1_500_000_000)
            .operating_system(3),
        &data,
    );
    for bytes in [&plain, &named] {
        let (back, end) = read_all(bytes).unwrap();
        assert_eq!(back, data);
        assert_eq!(end.gzip.members, 1);
        assert!(!end.gzip.is_canonical());
        assert!(end.gzip.difference().is_some());
    }
    let (_, end) = read_all(&named).unwrap();
    assert_eq!(end.gzip.file_name.as_deref(), Some(&b"bundle.tar"[..]));
    let note = end.gzip.difference().unwrap();
    assert!(
        note.contains("a file name") && note.contains("OS byte 3"),
        "{note}"
    );
    // GNU gzip -9 (XFL 2, OS 3) and Java (OS 0): only the header bytes differ.
    for (xfl, os) in [(2u8, 3u8), (0, 0)] {
        let mut b = compress(&data, 2);
        b[8] = xfl;
        b[9] = os;
        let (back, end) = read_all(&b).unwrap();
        assert_eq!(back, data);
        assert!(end
            .gzip
            .difference()
            .unwrap()
            .contains(&format!("OS byte {os}")));
    }
    let (_, end) = read_all(&compress(&data, 2)).unwrap();
    assert!(end.gzip.is_canonical());
    assert_eq!(end.gzip.difference(), None);
    // What the file hashes to is the SHA-256 of all its bytes.
    assert_eq!(
        end.file_digest,
        Some((
            Algorithm::Sha256,
            Sha256::digest(compress(&data, 2)).to_vec()
        ))
    );
}

/// A header CRC (FHCRC) is checked when present.
#[test]
fn header_crc_is_checked() {
    let data = sample(1000);
    let body = compress(&data, 1);
    let mut header = HEADER.to_vec();
    header[3] |= 2;
    let crc = crc32fast::hash(&header) as u16;
    let mut good = header.clone();
    good.extend_from_slice(&crc.to_le_bytes());
    good.extend_from_slice(&body[10..]);
    assert_eq!(read_all(&good).unwrap().0, data);
    let mut bad = good.clone();
    bad[10] ^= 0xff;
    let err = read_all(&bad).unwrap_err();
    assert!(err.message.contains("invalid header"), "{}", err.message);
}

#[test]
fn concatenated_members_are_one_stream_each_checked() {
    let a = sample(200_000);
    let b = sample(70_000);
    let mut both = compress(&a, 2);
    let second = gzip_with(flate2::GzBuilder::new().operating_system(3), &b);
    both.extend_from_slice(&second);
    let (back, end) = read_all(&both).unwrap();
    assert_eq!(back.len(), a.len() + b.len());
    assert_eq!(&back[..a.len()], &a[..]);
    assert_eq!(end.gzip.members, 2);
    assert!(end.gzip.difference().unwrap().contains("2 gzip members"));
    // A damaged CRC-32 or ISIZE in the second member is found.
    for from_end in [8, 4] {
        let mut bad = both.clone();
        let at = bad.len() - from_end;
        bad[at] ^= 1;
        let err = read_all(&bad).unwrap_err();
        assert!(err.message.contains("gzip member 2"), "{}", err.message);
    }
    // Zero bytes after the last member: counted, not damage.
    let mut padded = both.clone();
    padded.extend_from_slice(&[0; 1000]);
    let (_, end) = read_all(&padded).unwrap();
    assert_eq!(end.gzip.trailing_zeros, 1000);
    assert!(end.gzip.difference().unwrap().contains("1000 zero bytes"));
    // A truncated second member is truncation.
    let cut = &both[..both.len() - 3];
    assert!(read_all(cut).unwrap_err().message.contains("truncated"));
    let mut stray = both;
    stray.extend_from_slice(&[0x1f, 0x8b, 8]);
    assert!(read_all(&stray)
        .unwrap_err()
        .message
        .contains("gzip member 3"));
}

/// Random bytes: what deflate cannot shrink is stored, at every level, and the
/// output is the same for any number of threads.
#[test]
fn incompressible_data_is_stored_deterministically() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let data: Vec<u8> = (0..BLOCK_SIZE * 3 + 1234)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    for level in 0..=9 {
        let gz = |threads| {
            let mut w = ParGzWriter::new(Vec::new(), level, threads).unwrap();
            w.write_all(&data).unwrap();
            w.finish().unwrap()
        };
        let one = gz(1);
        assert_eq!(one, gz(2), "level {level}");
        assert_eq!(one, gz(7), "level {level}");
        let framing = HEADER.len() + 8;
        assert!(
            (one.len() - framing) as f64 <= data.len() as f64 * 1.001,
            "level {level}: {} bytes for {}",
            one.len(),
            data.len()
        );
        let (back, end) = read_all(&one).unwrap();
        assert_eq!(back, data, "level {level}");
        assert!(end.gzip.is_canonical());
        let mut sys = Vec::new();
        flate2::read::GzDecoder::new(&one[..])
            .read_to_end(&mut sys)
            .unwrap();
        assert_eq!(sys, data);
    }
    // Level 0 stores even what would compress; mixed data stays readable.
    let text = sample(BLOCK_SIZE * 2 + 5);
    let mut mixed = text.clone();
    mixed.extend_from_slice(&data[..BLOCK_SIZE]);
    mixed.extend_from_slice(&text);
    for level in [0, 1, 6] {
        let mut w = ParGzWriter::new(Vec::new(), level, 3).unwrap();
        w.write_all(&mixed).unwrap();
        let gz = w.finish().unwrap();
        if level == 0 {
            assert!(gz.len() > mixed.len());
        } else {
            assert!(gz.len() < mixed.len());
        }
        assert_eq!(read_all(&gz).unwrap().0, mixed);
    }
    assert_eq!(read_all(&compress(&[], 1)).unwrap().0, b"");
    let mut w = ParGzWriter::new(Vec::new(), 0, 1).unwrap();
    w.write_all(b"").unwrap();
    assert_eq!(read_all(&w.finish().unwrap()).unwrap().0, b"");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
    /// Arbitrary bytes after a gzip magic never panic the reader.
    #[test]
    fn arbitrary_bytes_never_panic(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        let mut bytes = vec![0x1f, 0x8b, 8];
        bytes.extend_from_slice(&tail);
        let _ = read_all(&bytes);
        let _ = read_all(&tail);
    }
}

#[test]
fn a_plain_tar_is_handed_on_as_it_is() {
    let mut data = crate::tar::file_header("a.bin", 0, 0o644, 0).unwrap();
    data.extend_from_slice(&sample(CHUNK * 2 + 1000));
    let (back, end) = read_all(&data).unwrap();
    assert_eq!(back, data);
    assert!(end.gzip.plain_tar);
    assert!(!end.gzip.is_canonical());
    assert!(end.gzip.difference().unwrap().contains("plain tar"));
    // A zero block starts an empty archive at best (GNU tar takes it), and is what a
    // preallocated download never written looks like: either way no file, refused.
    let fault = read_all(&[0; 1024]).unwrap_err();
    assert!(
        fault.message.contains("first 512 bytes are zero"),
        "{fault}"
    );
    // One changed byte in the first header: neither gzip nor tar.
    data[0] ^= 1;
    let fault = read_all(&data).unwrap_err();
    assert!(fault.message.contains("neither a gzip file"), "{fault}");
    let fault = read_all(b"BZh91AY&SY").unwrap_err();
    assert!(fault.message.contains("bzip2"), "{fault}");
}

/// A tap that keeps every byte of the file it is given.
#[derive(Default)]
struct Keep(Vec<u8>);

impl FileTap for Keep {
    fn read_file(&mut self, file: &mut dyn Read) {
        let _ = file.read_to_end(&mut self.0);
    }
}

#[test]
fn a_tap_reads_the_whole_file_in_the_same_read_even_when_inflate_stops() {
    let good = compress(&sample(3 * CHUNK + 5), 2);
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    damaged[middle..middle + 64].fill(0xff);
    let mut with_trailer = good.clone();
    with_trailer.extend_from_slice(b"not gzip after the member");
    for (case, bytes) in [
        ("good", &good),
        ("damaged", &damaged),
        ("trailer", &with_trailer),
    ] {
        let mut tap = Keep::default();
        let end = with_inflated_hashing(
            &bytes[..],
            &Limits::default(),
            Some(Algorithm::Sha256),
            Some(&mut tap),
            |r| {
                let mut v = Vec::new();
                let _ = r.read_to_end(&mut v);
                r.end().cloned()
            },
        );
        assert_eq!(&tap.0, bytes, "{case}: the tap saw every byte of the file");
        if case == "good" {
            let end = end.unwrap().unwrap();
            assert_eq!(
                end.file_digest,
                Some((Algorithm::Sha256, Sha256::digest(bytes).to_vec()))
            );
        }
    }
    // A reader that stops after the first chunk: the tap still gets the whole file,
    // and the file is read once (a reader that can be read only once).
    let mut tap = Keep::default();
    let once = std::io::Cursor::new(good.clone());
    with_inflated_hashing(once, &Limits::default(), None, Some(&mut tap), |r| {
        let _ = r.fill_buf().map(<[u8]>::len);
    });
    assert_eq!(tap.0, good);
}

#[test]
fn a_read_error_reaches_the_tap() {
    struct Failing(Vec<u8>, bool);
    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.1 {
                return Err(io::Error::other("disk on fire"));
            }
            self.1 = true;
            let n = self.0.len().min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            Ok(n)
        }
    }
    struct Errs(Option<String>);
    impl FileTap for Errs {
        fn read_file(&mut self, file: &mut dyn Read) {
            self.0 = io::copy(file, &mut io::sink()).err().map(|e| e.to_string());
        }
    }
    let good = compress(&sample(100_000), 1);
    let mut tap = Errs(None);
    let source = Failing(good[..1000].to_vec(), false);
    with_inflated_hashing(source, &Limits::default(), None, Some(&mut tap), |r| {
        let _ = r.read_to_end(&mut Vec::new());
    });
    assert_eq!(tap.0.as_deref(), Some("disk on fire"));
}

#[test]
fn blocks_judged_incompressible_are_those_deflate_would_store() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    };
    for n in [JUDGED_MIN, 100_000, BLOCK_SIZE] {
        let data = random(n);
        let dict = random(DICT_SIZE);
        assert!(incompressible(&data), "{n} random bytes");
        for level in [1, 6, 9] {
            for last in [false, true] {
                let tried = deflate_or_store(&data, &dict, level, last).unwrap();
                assert_eq!(
                    tried,
                    stored_blocks(&data, last),
                    "deflate stores {n} random bytes"
                );
                assert_eq!(deflate_block(&data, &dict, level, last).unwrap(), tried);
            }
        }
    }
    // Below the judged size, and anything deflate shrinks, is deflated.
    assert!(!incompressible(&random(JUDGED_MIN - 1)));
    let text = sample(BLOCK_SIZE);
    assert!(!incompressible(&text));
    let hex: Vec<u8> = random(BLOCK_SIZE / 2)
        .iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect();
    assert!(!incompressible(&hex), "hex digits: 4 bits per byte");
    let mut skewed = random(BLOCK_SIZE);
    for b in skewed.iter_mut().step_by(16) {
        *b = 0;
    }
    assert!(!incompressible(&skewed), "every 16th byte zero");
    // A tar header between two random payloads: deflate is tried (and shrinks it).
    let mut header_inside = random(BLOCK_SIZE);
    header_inside[70_000..70_512].fill(0);
    header_inside[70_000..70_020].copy_from_slice(b"drivers/payload.zip\0");
    assert!(
        !incompressible(&header_inside),
        "a tar header in random data"
    );
    assert!(deflate_block(&header_inside, &[], 6, true).unwrap().len() < stored_size(BLOCK_SIZE));
    assert!(deflate_block(&skewed, &[], 6, true).unwrap().len() < stored_size(BLOCK_SIZE));
}
