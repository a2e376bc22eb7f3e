//! Fuzzes the minisign public-key reader (`--key` files and `RW...` strings): every
//! input is a key or a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::internals::sign::minisig;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(key) = minisig::parse_public_key(&text) {
        assert_eq!(key.id.len(), 16);
    }
});
