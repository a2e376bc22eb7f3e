//! Zip payloads (`osbundle-formats` `zip`): the one-pass walk and the `zip` crate's
//! central-directory read are each other's oracle on any bytes; a zip written from
//! fuzzed entries is listed as written, and every cut of it is refused by the walk.
#![no_main]

use std::io::Cursor;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle_formats::{zip, Sequential};

#[derive(Debug, Arbitrary)]
struct Input {
    raw: Vec<u8>,
    entries: Vec<(String, Vec<u8>)>,
    cut: u16,
}

fn walk(bytes: &[u8], deep: bool) -> Result<zip::Listing, osbundle_formats::Fault> {
    zip::walk(&mut Sequential(bytes), bytes.len() as u64, deep)
}

fn list(bytes: &[u8]) -> Result<zip::Listing, osbundle_formats::Fault> {
    zip::list(Cursor::new(bytes), bytes.len() as u64)
}

/// A zip of stored entries, as APPNOTE lays them out.
fn write(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let (name, data) = (
            &name.as_bytes()[..name.len().min(200)],
            &data[..data.len().min(4000)],
        );
        let offset = out.len() as u32;
        let crc = crc32fast::hash(data);
        let fixed = |v: &mut Vec<u8>| {
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
        };
        out.extend_from_slice(&[0x50, 0x4b, 3, 4, 20, 0, 0, 8, 0, 0, 0, 0, 0, 0]);
        fixed(&mut out);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        central.extend_from_slice(&[0x50, 0x4b, 1, 2, 20, 3, 20, 0, 0, 8, 0, 0, 0, 0, 0, 0]);
        fixed(&mut central);
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let start = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&[0x50, 0x4b, 5, 6, 0, 0, 0, 0]);
    let n = entries.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fuzz_target!(|input: Input| {
    // Any bytes: the walk accepts only what the central-directory read accepts.
    let walked = walk(&input.raw, false);
    if let Ok(w) = &walked {
        let l = list(&input.raw).expect("a zip the walk accepts has a readable central directory");
        assert_eq!((&w.names, &w.unsafe_names), (&l.names, &l.unsafe_names));
    }
    if walk(&input.raw, true).is_ok() {
        assert!(walked.is_ok(), "deep accepted what shallow refused");
    }
    // A written zip (names unique: the central directory is a map).
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, data) in input.entries.into_iter().take(20) {
        if !name.is_empty() && name.len() <= 200 && !entries.iter().any(|(n, _)| *n == name) {
            entries.push((name, data));
        }
    }
    let bytes = write(&entries);
    let names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    let w = walk(&bytes, true).expect("a written zip walks");
    assert_eq!(w.names, names);
    assert_eq!(w.crc_checked as usize, entries.len());
    let l = list(&bytes).expect("a written zip lists");
    assert_eq!(l.names, names);
    let cut = usize::from(input.cut) % bytes.len();
    assert!(walk(&bytes[..cut], false).is_err(), "cut at {cut} walked");
});
