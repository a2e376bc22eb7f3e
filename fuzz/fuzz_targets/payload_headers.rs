//! Fixed-layout payload headers (`osbundle-formats` `iso`, `rpm`, `ar`, `vib`,
//! `sniff`): no panic on any bytes; an accepted ISO volume fits the file, and an image
//! written with a fuzzed volume size is accepted exactly when the cut keeps the
//! volume; an RPM accepted with `deep` is accepted without; an `ar` archive written
//! from fuzzed members reads back as written.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle_formats::{ar, iso, rpm, sniff, vib, Sequential};

#[derive(Debug, Arbitrary)]
struct Input {
    raw: Vec<u8>,
    blocks: u8,
    cut: u16,
    members: Vec<(String, Vec<u8>)>,
}

fn image(blocks: u32) -> Vec<u8> {
    let mut img = vec![0u8; 18 * 2048];
    let pvd = &mut img[16 * 2048..17 * 2048];
    pvd[0] = 1;
    pvd[1..6].copy_from_slice(b"CD001");
    pvd[6] = 1;
    pvd[80..84].copy_from_slice(&blocks.to_le_bytes());
    pvd[84..88].copy_from_slice(&blocks.to_be_bytes());
    pvd[128..130].copy_from_slice(&2048u16.to_le_bytes());
    pvd[130..132].copy_from_slice(&2048u16.to_be_bytes());
    img[17 * 2048] = 255;
    img[17 * 2048 + 1..17 * 2048 + 6].copy_from_slice(b"CD001");
    img.resize(img.len().max(blocks as usize * 2048), 0);
    img
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
    let img = image(blocks);
    let cut = usize::from(input.cut) * 4 % (img.len() + 1);
    let ok = iso::read(&mut Sequential(&img[..cut]), cut as u64).is_ok();
    assert_eq!(
        ok,
        cut as u64 >= u64::from(blocks) * 2048,
        "cut {cut} of {blocks} blocks"
    );
    // A written ar archive: GNU short names (no '/', at most 15 bytes, printable).
    let mut out = b"!<arch>\n".to_vec();
    let mut written = Vec::new();
    for (name, data) in input.members.into_iter().take(8) {
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != '/')
            .take(15)
            .collect();
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        out.extend_from_slice(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                format!("{name}/"),
                0,
                0,
                0,
                644,
                data.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&data);
        if !data.len().is_multiple_of(2) {
            out.push(b'\n');
        }
        written.push((name, data.len() as u64));
    }
    let a = ar::read(&mut Sequential(&out[..]), out.len() as u64, &|_| false, 0)
        .expect("a written archive reads");
    let read: Vec<(String, u64)> = a.members.into_iter().map(|m| (m.name, m.size)).collect();
    assert_eq!(read, written);
});
