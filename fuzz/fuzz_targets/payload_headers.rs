//! Fixed-layout payload headers (`osbundle-formats` `iso`, `rpm`, `ar`, `vib`,
//! `sniff`): no panic on any bytes; an accepted ISO volume fits the file, and an image
//! written with a fuzzed volume size is accepted exactly when the cut keeps the
//! volume; an RPM accepted with `deep` is accepted without; an `ar` archive written
//! from fuzzed members reads back as written.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle_formats::testing::{ar_archive, iso9660};
use osbundle_formats::{ar, iso, rpm, sniff, vib, Sequential};

#[derive(Debug, Arbitrary)]
struct Input {
    raw: Vec<u8>,
    blocks: u8,
    cut: u16,
    members: Vec<(String, Vec<u8>)>,
}

fuzz_target!(|input: Input| {
    let raw = &input.raw[..];
    let len = raw.len() as u64;
    let _ = sniff::sniff(raw);
    if let Ok(v) = iso::read(&mut Sequential(raw), len) {
        assert!(v.size.is_none_or(|s| s <= len));
    }
    if rpm::read(&mut Sequential(raw), len, true).is_ok() {
        assert!(rpm::read(&mut Sequential(raw), len, false).is_ok());
    }
    let _ = vib::read(&mut Sequential(raw), len);
    // A written image, cut anywhere.
    let blocks = u32::from(input.blocks) + 18;
    let img = iso9660(blocks);
    let cut = usize::from(input.cut) * 4 % (img.len() + 1);
    let ok = iso::read(&mut Sequential(&img[..cut]), cut as u64).is_ok();
    assert_eq!(
        ok,
        cut as u64 >= u64::from(blocks) * 2048,
        "cut {cut} of {blocks} blocks"
    );
    // A written ar archive: GNU short names (no '/', at most 15 bytes, printable).
    let mut written: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, data) in input.members.into_iter().take(8) {
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != '/')
            .take(15)
            .collect();
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        written.push((name, data));
    }
    let members: Vec<(&str, &[u8])> = written.iter().map(|(n, d)| (n.as_str(), &d[..])).collect();
    let out = ar_archive(&members);
    let a = ar::read(&mut Sequential(&out[..]), out.len() as u64, &|_| false, 0)
        .expect("a written archive reads");
    let read: Vec<(String, u64)> = a.members.into_iter().map(|m| (m.name, m.size)).collect();
    let written: Vec<(String, u64)> = written
        .into_iter()
        .map(|(n, d)| (n, d.len() as u64))
        .collect();
    assert_eq!(read, written);
});
