//! Inline `osbundle: ignore[...]` comments (UTF-8, UTF-16, invalid bytes). Every
//! directive is on a line of the text, with trimmed, non-empty IDs; written again as a
//! `#` comment it parses to the same IDs; applied to a finding of every rule on every
//! line, exactly the findings a directive covers and names are dropped, and every
//! warning left is about a directive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::macros::decode_text;
use osbundle::suppress::{apply_inline, directives};
use osbundle::{Finding, Rule};

fuzz_target!(|bytes: &[u8]| {
    let found = directives(bytes);
    let lines = decode_text(bytes).lines().count();
    for d in &found {
        assert!(d.line >= 1 && d.line <= lines, "line {} of {lines}", d.line);
        assert!(d.column >= 1);
        for id in &d.ids {
            assert!(
                !id.is_empty() && id.trim() == id && !id.contains([',', ']']),
                "{id:?}"
            );
        }
        let again = directives(format!("# osbundle: ignore[{}]\n", d.ids.join(", ")).as_bytes());
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].ids, d.ids);
    }
    if lines > 64 {
        return;
    }
    let mut findings: Vec<Finding> = (1..=lines + 1)
        .flat_map(|line| {
            Rule::ALL
                .iter()
                .map(move |rule| Finding::error(*rule, "f", "x").at(line, 1))
        })
        .collect();
    let all = findings.clone();
    let with_paths: Vec<(String, _)> = found
        .iter()
        .cloned()
        .map(|d| ("f".to_string(), d))
        .collect();
    let warnings = apply_inline(&mut findings, &with_paths);
    let silenced = |f: &Finding| {
        found
            .iter()
            .any(|d| d.covers(f.line.unwrap_or(0)) && d.ids.iter().any(|id| id == f.rule.as_str()))
    };
    for f in &all {
        assert_eq!(findings.contains(f), !silenced(f), "{f:?}");
    }
    for w in &warnings {
        assert_eq!(w.rule, Rule::IgnoreUnused);
        assert!(found.iter().any(|d| Some(d.line) == w.line));
    }
});
