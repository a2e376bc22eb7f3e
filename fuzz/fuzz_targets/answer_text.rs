//! Text decoding (`osbundle_formats::text`): any bytes decode or fail at an offset
//! inside them, with a position inside the valid prefix; decoded text encoded again
//! in the same encoding gives the same bytes (round trip); any text encoded in each
//! encoding decodes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle_formats::text::{decode, position, Encoding, LineEndings};

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        Encoding::Utf8 => {}
        Encoding::Utf8Bom => out.extend([0xEF, 0xBB, 0xBF]),
        Encoding::Utf16Le => out.extend([0xFF, 0xFE]),
        Encoding::Utf16Be => out.extend([0xFE, 0xFF]),
    }
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => out.extend(text.as_bytes()),
        Encoding::Utf16Le => text
            .encode_utf16()
            .for_each(|u| out.extend(u.to_le_bytes())),
        Encoding::Utf16Be => text
            .encode_utf16()
            .for_each(|u| out.extend(u.to_be_bytes())),
    }
    out
}

fuzz_target!(|data: &[u8]| {
    match decode(data) {
        Ok(d) => assert_eq!(encode(&d.text, d.encoding), data),
        Err(e) => {
            assert!(e.offset <= data.len());
            assert!(e.position.line >= 1 && e.position.column >= 1);
        }
    }
    let text = String::from_utf8_lossy(data);
    for enc in [Encoding::Utf8Bom, Encoding::Utf16Le, Encoding::Utf16Be] {
        assert_eq!(
            decode(&encode(&text, enc)).map(|d| d.text).ok().as_deref(),
            Some(&*text)
        );
    }
    let endings = LineEndings::of(&text);
    assert_eq!(endings.crlf + endings.lf, text.matches('\n').count());
    let end = position(&text, text.len());
    assert_eq!(end.line, text.matches('\n').count() + 1);
});
