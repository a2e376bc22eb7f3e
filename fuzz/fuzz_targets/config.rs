//! Configuration-settings files: schema, meaning and macros never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let checked = osbundle::config::check_bytes(data, "fuzz.json");
    for f in &checked.findings {
        assert!(f.line.is_none_or(|l| l >= 1));
    }
});
