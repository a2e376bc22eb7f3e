//! Preseed files (`osbundle_formats::preseed`): any text reads without a panic,
//! every line an answer, a problem, blank or a comment; answers written from fuzzed
//! fields read back as written (round trip, with continuation lines).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle_formats::preseed::{parse, TYPES};

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    answers: Vec<(String, String, u8, String, bool)>,
}

fn word(s: &str) -> String {
    let w: String = s
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '#' && *c != '\\')
        .collect();
    if w.is_empty() {
        "x".into()
    } else {
        w
    }
}

fuzz_target!(|input: Input| {
    let lines = input.text.split('\n').count();
    let parsed = parse(&input.text);
    for p in &parsed.problems {
        assert!(p.position.line >= 1 && p.position.line <= lines);
    }
    let mut text = String::new();
    let mut want = Vec::new();
    for (owner, question, t, value, continued) in &input.answers {
        let (o, q) = (word(owner), word(question));
        let kind = TYPES[usize::from(*t) % TYPES.len()];
        let value: String = value
            .chars()
            .filter(|c| *c != '\n' && *c != '\r' && *c != '\\')
            .collect();
        let sep = if *continued { " \\\n  " } else { " " };
        text.push_str(&format!("{o} {q}{sep}{kind} {value}\n"));
        want.push((o, q));
    }
    let got: Vec<(String, String)> = parse(&text)
        .answers
        .into_iter()
        .map(|(o, q, _)| (o, q))
        .collect();
    assert_eq!(got, want);
    assert!(parse(&text).problems.is_empty());
});
