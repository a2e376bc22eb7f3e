//! The rules loader: any bytes give rules, findings or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = osbundle::rules::load_slice(data, "fuzz.json") {
        for os in &loaded.rules.images {
            let _ = loaded.rules.kind_from_extension(&os.name);
        }
    }
});
