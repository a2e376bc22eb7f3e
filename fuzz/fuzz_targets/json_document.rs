//! The strict JSON parser with positions: never panics; every error has a position;
//! every pointer of a parsed document is located.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::internals::json::Document;

fuzz_target!(|data: &[u8]| {
    match Document::parse(data) {
        Ok(doc) => {
            let _ = doc.duplicate_keys();
            if let serde_json::Value::Object(map) = doc.value() {
                for key in map.keys() {
                    let pointer = osbundle::internals::json::join_pointer("", key);
                    assert!(doc.position_of(&pointer).is_some(), "{pointer} not located");
                }
            }
            assert!(doc.position_of("").is_some());
        }
        Err(e) => assert!(e.position.line >= 1 && e.position.column >= 1),
    }
});
