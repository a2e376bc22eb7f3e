//! Fuzzes the reply reader: any bytes are a reply, never a panic; a failed status
//! always comes with a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::{read_reply as read, ReplyStatus as Status};

fuzz_target!(|data: &[u8]| {
    let reply = read(data, "fuzz");
    assert!(reply.status != Status::Failed || !reply.findings.is_empty());
});
