//! The tar reader alone, on any bytes: never a panic, a hang or unbounded memory;
//! every entry it yields has a name within the limit and a whole number of blocks
//! before its data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::internals::TarReader;
use osbundle_fuzz::tar::BLOCK;

fuzz_target!(|data: &[u8]| {
    let mut tar = TarReader::new(data);
    let mut last = 0;
    for _ in 0..256 {
        match tar.next_header() {
            Ok(Some(header)) => {
                assert!(header.offset >= last, "entries go forward");
                assert!(header.raw.len() % BLOCK == 0 && !header.raw.is_empty());
                assert!(header.name.len() <= 4096);
                let mut seen = 0u64;
                if tar.read_data(|c| seen += c.len() as u64).is_err() {
                    break;
                }
                assert!(seen <= data.len() as u64);
                last = header.offset;
            }
            _ => break,
        }
    }
    assert!(tar.offset() <= data.len() as u64);
});
