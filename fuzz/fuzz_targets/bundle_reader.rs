//! Fuzzes the bundle reader: any bytes as a gzip bundle, and any bytes as the tar
//! stream inside one. Neither may panic, hang or grow memory without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::internals::TarReader;
use osbundle::{verify_reader, Limits, VerifySettings};

fuzz_target!(|data: &[u8]| {
    let settings = VerifySettings {
        limits: Limits {
            max_entries: 64,
            max_entry_size: 1 << 20,
            max_total_size: 4 << 20,
            max_ratio: 200,
        },
        ..VerifySettings::default()
    };
    let (verified, _) = verify_reader(data, "fuzz.tar.gz", &settings, None, None);
    if verified.complete && verified.findings.is_empty() {
        assert!(!verified.entries.is_empty());
    }
    let mut tar = TarReader::new(data);
    for _ in 0..64 {
        match tar.next_header() {
            Ok(Some(_)) => {
                if tar.read_data(|_| {}).is_err() {
                    break;
                }
            }
            _ => break,
        }
    }
});
