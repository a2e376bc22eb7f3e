//! XML answer files (`osbundle_formats::xml`): any bytes decode and parse or give
//! an error at a position inside the text; the verdict does not depend on the
//! encoding (the same document as UTF-16 with a byte-order mark and a UTF-16
//! declaration parses the same); every node's range lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle_formats::xml;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = xml::decode(data) else {
        return;
    };
    let text = &decoded.text;
    let lines = text.matches('\n').count() + 1;
    let verdict = match xml::parse(text) {
        Ok(doc) => {
            for node in doc.descendants() {
                let r = node.range();
                assert!(r.start <= r.end && r.end <= text.len());
            }
            true
        }
        Err(e) => {
            assert!(e.position.line >= 1 && e.position.line <= lines, "{e}");
            false
        }
    };
    // The same document in UTF-16LE with a BOM (its declaration, if any, saying so).
    if decoded.declared.is_none() && !text.starts_with("<?xml") {
        let mut utf16 = vec![0xFF, 0xFE];
        text.encode_utf16()
            .for_each(|u| utf16.extend(u.to_le_bytes()));
        let again = xml::decode(&utf16).expect("UTF-16 with a BOM decodes");
        assert_eq!(&again.text, text);
        assert_eq!(xml::parse(&again.text).is_ok(), verdict);
    }
});
