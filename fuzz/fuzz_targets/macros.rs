//! Macro references in unattend files and scripts (UTF-8, UTF-16, invalid bytes),
//! judged against a fuzzed set of custom macros and a fuzzed predefined list (or the
//! default). Every reference to a listed macro passes; every finding has a position
//! and names a reference that really is in the text and in neither list.
#![no_main]

use std::collections::BTreeSet;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle::macros::{check_references, decode_text, scan, MacroCatalog};

#[derive(Debug, Arbitrary)]
struct Input {
    custom: Option<BTreeSet<String>>,
    predefined: Option<Vec<String>>,
    /// Use some names of the text as custom macros.
    adopt: u8,
    text: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let text = decode_text(&input.text);
    let refs = scan(&text);
    let mut custom = input.custom;
    if let Some(set) = custom.as_mut() {
        for (i, r) in refs.iter().enumerate() {
            if (i as u8) & input.adopt != 0 && !r.name.starts_with("predefined") {
                set.insert(r.name.clone());
            }
        }
    }
    let catalog = MacroCatalog::new(input.predefined.as_deref(), custom.as_ref());
    let findings = check_references(&input.text, "fuzz.xml", &catalog);
    let unknown: Vec<&str> = refs
        .iter()
        .map(|r| r.name.as_str())
        .filter(|n| catalog.judge(n).is_some())
        .collect();
    assert_eq!(
        findings.len(),
        unknown.len(),
        "one finding per unknown reference"
    );
    for f in &findings {
        assert!(f.line.is_some_and(|l| l >= 1) && f.column.is_some_and(|c| c >= 1));
    }
    for r in &refs {
        let listed = custom.as_ref().is_some_and(|c| c.contains(&r.name))
            || input
                .predefined
                .as_ref()
                .is_some_and(|p| p.contains(&r.name));
        if listed && !r.name.starts_with("predefined") {
            assert!(catalog.judge(&r.name).is_none(), "#{}# is listed", r.name);
        }
    }
});
