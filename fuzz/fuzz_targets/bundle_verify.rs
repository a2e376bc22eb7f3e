//! Verify on any bytes as a gzip bundle, with the embedded rules, a sidecar digest
//! and a checking extract sink: never a panic, hang or unbounded memory; the sink
//! only ever sees safe, unique names, one entry at a time; findings are the same
//! with and without the sink.
//!
//! A custom mutator inflates the input, mutates the tar stream, repairs the header
//! checksums (and `SHA256SUMS` and `CHECKSUM` of a bundle) and deflates again, so
//! mutations of the seeds get past the gzip CRC and the header checksums.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use osbundle_fuzz::{gzip, oracle, repair};

fuzz_target!(|data: &[u8]| {
    let rendered = osbundle_fuzz::Rendered::from_bytes(data);
    let verified = oracle::check_verify(&rendered, false);
    if verified.complete && verified.findings.is_empty() {
        assert!(!verified.entries.is_empty());
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    // Half of the time, or when the input is no gzip stream, mutate bytes.
    let tar = match gzip::inflate(&data[..size]) {
        Some(tar) if seed.is_multiple_of(2) && !tar.is_empty() => tar,
        _ => return fuzzer_mutate(data, size, max_size),
    };
    let mut tar = tar;
    let len = tar.len();
    tar.resize(len.max(1) * 2 + 512, 0);
    let new_len = fuzzer_mutate(&mut tar, len, len.max(1) * 2 + 512);
    tar.truncate(new_len);
    let fixed = repair::repair(&tar, seed);
    let out = gzip::canonical(&fixed);
    if out.len() > max_size {
        return fuzzer_mutate(data, size, max_size);
    }
    data[..out.len()].copy_from_slice(&out);
    out.len()
});
