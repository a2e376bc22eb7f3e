use super::*;
use crate::findings::{Finding, Rule};

fn text(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, WriteOptions::new(Format::Text, "file"), &mut out).expect("write");
    String::from_utf8(out).expect("UTF-8")
}

/// A JSON Pointer quotes member names of the user's JSON: a control character or a
/// line break in one is escaped in the text format as names are (`\n`, `\x15`, as
/// CONTRACT.md's "Names in output" says) and cannot start a line of its own (found
/// by the `report_writers` fuzz target).
#[test]
fn text_escapes_control_characters_in_pointers() {
    let mut f = Finding::warning(Rule::ProfileInvalid, "p/profile.json", "bad member");
    f.pointer = Some("/a\u{15}b/\n::error file=x::forged\r".to_string());
    let report = Report {
        findings: vec![f],
        checked: 1,
        subjects: Vec::new(),
    };
    let out = text(&report);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one finding and the summary: {out:?}");
    assert_eq!(
        lines[0],
        "p/profile.json: warning[profile-invalid]: bad member (at /a\\x15b/\\n::error file=x::forged\\r)"
    );
    assert!(
        !out.replace('\n', "").chars().any(char::is_control),
        "{out:?}"
    );
}
