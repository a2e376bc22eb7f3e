//! Macro references in unattend files and scripts (UTF-8, UTF-16, invalid bytes).
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use osbundle::internals::{check_references, MacroCatalog};

fuzz_target!(|data: &[u8]| {
    let custom = BTreeSet::new();
    let catalog = MacroCatalog::new(None, Some(&custom));
    for f in check_references(data, "fuzz.xml", &catalog) {
        assert!(f.line.is_some() && f.column.is_some());
    }
});
