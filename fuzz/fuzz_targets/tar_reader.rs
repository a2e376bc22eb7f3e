//! Fuzzes the tar reader with any bytes as a tar stream: every dialect (ustar, GNU,
//! pax, v7, sparse), damage and truncation. It must never panic, hang, or hold more
//! than its bounds; what it reads must be self-consistent. The same bytes, stored in
//! a gzip member, then go through the whole `verify` pass.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use osbundle::bundle::{verify_reader, Limits, VerifySettings};
use osbundle_archive::tar::{TarReader, BLOCK, EXTENSIONS_MAX, EXTENSION_MAX, SPARSE_BLOCKS_MAX};

fuzz_target!(|data: &[u8]| {
    let mut tar = TarReader::new(data);
    let mut last_offset = 0;
    for _ in 0..256 {
        match tar.next_header() {
            Ok(Some(h)) => {
                assert!(h.offset >= last_offset);
                let bound = (EXTENSIONS_MAX as u64) * (EXTENSION_MAX + 2 * BLOCK as u64)
                    + (SPARSE_BLOCKS_MAX as u64 + 1) * BLOCK as u64;
                assert!((h.raw.len() as u64) <= bound);
                assert_eq!(h.raw.len() % BLOCK, 0);
                let mut n = 0u64;
                if tar.read_data(|c| n += c.len() as u64).is_err() {
                    break;
                }
                assert_eq!(n, h.size);
                assert!(tar.offset() <= data.len() as u64);
                last_offset = tar.offset();
            }
            Ok(None) => {
                assert_eq!(tar.next_header(), Ok(None));
                break;
            }
            Err(_) => break,
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    if gz.write_all(data).is_err() {
        return;
    }
    let Ok(bundle) = gz.finish() else { return };
    let settings = VerifySettings {
        limits: Limits {
            max_entries: 64,
            max_entry_size: 1 << 20,
            max_total_size: 4 << 20,
            max_ratio: 200,
        },
        ..VerifySettings::default()
    };
    let (verified, _) = verify_reader(&bundle[..], "fuzz.tar.gz", &settings, None, None);
    assert!(verified.entries.len() <= 64);
});
