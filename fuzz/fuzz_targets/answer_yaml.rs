//! YAML user-data (`osbundle_formats::yaml`): any text parses or fails at a
//! position inside it, in bounded memory (aliases are not expanded); a mapping
//! written from fuzzed plain keys reads back with exactly those top-level keys.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle_formats::yaml;

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    keys: Vec<String>,
}

fuzz_target!(|input: Input| {
    let lines = input.text.split('\n').count();
    if let Err(e) = yaml::parse(&input.text) {
        assert!(e.position.line >= 1 && e.position.line <= lines + 1, "{e}");
    }
    // Keys of letters and digits only: plain scalars, unique.
    let mut keys: Vec<String> = input
        .keys
        .iter()
        .map(|k| {
            k.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|k| !k.is_empty())
        .map(|k| format!("k{k}"))
        .collect();
    keys.sort();
    keys.dedup();
    let doc: String = keys.iter().map(|k| format!("{k}:\n  - {k}\n")).collect();
    let summary = yaml::parse(&doc).expect("a generated mapping parses");
    let got: Vec<String> = summary.top_keys.into_iter().map(|(k, _)| k).collect();
    if !keys.is_empty() {
        assert_eq!(got, keys);
    }
});
