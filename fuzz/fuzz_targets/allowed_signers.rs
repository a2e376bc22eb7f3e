//! Fuzzes the allowed-signers parser and matcher (principal patterns, options,
//! times): every line is a signer or a problem with its line number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::sign::AllowedSigners;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let allowed = AllowedSigners::parse(&text);
    let lines = text.lines().count();
    for p in &allowed.problems {
        assert!(p.line >= 1 && p.line <= lines);
    }
    for signer in &allowed.signers {
        let key = signer.key.key_data().clone();
        for id in [
            None,
            Some("ops@example.com"),
            Some(signer.principals.as_str()),
        ] {
            let _ = allowed.matching(&key, "file", id, 1_700_000_000).count();
        }
    }
});
