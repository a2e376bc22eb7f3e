//! Fuzzes the reply reader: any bytes are a reply, never a panic; a failed status
//! always comes with a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::api::reply;

fuzz_target!(|data: &[u8]| {
    let reply = reply::read(data, "fuzz");
    assert!(reply.status != reply::Status::Failed || !reply.findings.is_empty());
});
