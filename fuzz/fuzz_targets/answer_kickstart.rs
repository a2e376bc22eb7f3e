//! Kickstart files (`osbundle_formats::kickstart`): any text reads in every dialect
//! without a panic, with problems on lines that exist; a line's words
//! quoted again and joined split back into the same words (round trip of the
//! shlex-like splitter).
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle_formats::kickstart::{parse, split, Dialect, Version};

fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\"'\"'"))
}

fuzz_target!(|text: &str| {
    let lines = text.split('\n').count();
    let mut dialects = vec![Dialect::AnacondaAny, Dialect::Esxi];
    dialects.extend(Version::all().iter().map(Dialect::Anaconda));
    for dialect in dialects {
        let parsed = parse(text, dialect);
        for p in &parsed.problems {
            assert!(p.position.line >= 1 && p.position.line <= lines);
        }
        for (_, line) in parsed.commands.iter().chain(&parsed.sections) {
            assert!(*line >= 1 && *line <= lines);
        }
    }
    for line in text.split('\n') {
        if let Ok(words) = split(line) {
            let texts: Vec<String> = words.into_iter().map(|w| w.text).collect();
            let joined: Vec<String> = texts.iter().map(|w| quote(w)).collect();
            let again: Vec<String> = split(&joined.join(" "))
                .expect("quoted words split")
                .into_iter()
                .map(|w| w.text)
                .collect();
            assert_eq!(again, texts);
        }
    }
});
