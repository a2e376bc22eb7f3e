//! The report writers fed hostile paths and messages (newlines, escape sequences,
//! `::` and `%`, workflow-command look-alikes, any Unicode): JSON and SARIF output
//! must parse and give back every finding; GitHub output must be one workflow
//! command per finding plus the summary, none forged; text output must be one line
//! per finding plus the summary, with no control character but the line ends and
//! no bidirectional control or other invisible format character.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle::report::{self, Format, Report, WriteOptions};
use osbundle::{Finding, Rule, Severity};

#[derive(Debug, Arbitrary)]
struct RawFinding {
    rule: u8,
    error: bool,
    path: String,
    hostile: u8,
    message: String,
    pointer: Option<String>,
    line: Option<u16>,
    column: Option<u16>,
}

const HOSTILE: &[&str] = &[
    "",
    "\n::error file=forged.txt::forged",
    "\r\n::warning::x",
    "\x1b[2J\x1b[31m",
    "%0A%25",
    "a:b,c",
    "\u{202e}txt.exe",
    "\u{85}next line",
    "\u{2028}",
    "\x00",
    "a\u{2066}b\u{2069}",
    "\u{200b}\u{200d}\u{feff}",
    "\u{61c}\u{200f}",
];

/// Characters that reorder or hide what a terminal shows: never raw in text output.
const INVISIBLE: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}',
    '\u{feff}', '\u{ad}',
];

fn finding(raw: &RawFinding) -> Finding {
    let rule = Rule::ALL[usize::from(raw.rule) % Rule::ALL.len()];
    let hostile = HOSTILE[usize::from(raw.hostile) % HOSTILE.len()];
    let path = format!("{}{hostile}", raw.path);
    let mut f = if raw.error {
        Finding::error(rule, path, raw.message.clone())
    } else {
        Finding::warning(rule, path, format!("{}{hostile}", raw.message))
    };
    f.pointer = raw.pointer.clone();
    if let (Some(l), Some(c)) = (raw.line, raw.column) {
        f = f.at(usize::from(l) + 1, usize::from(c) + 1);
    }
    f
}

fn write(report: &Report, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    report::write(report, WriteOptions::new(format, "file"), &mut out).unwrap_or_default();
    out
}

fuzz_target!(|raw: Vec<RawFinding>| {
    let report = Report {
        findings: raw.iter().take(8).map(finding).collect(),
        checked: raw.len(),
        subjects: Vec::new(),
    };
    let n = report.findings.len();

    let json: serde_json::Value =
        serde_json::from_slice(&write(&report, Format::Json)).expect("JSON output parses");
    let listed = json["findings"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, n);
    for (f, v) in report
        .findings
        .iter()
        .zip(json["findings"].as_array().into_iter().flatten())
    {
        assert_eq!(
            v["path"].as_str(),
            Some(f.path.as_str()),
            "JSON changed a path"
        );
        assert_eq!(v["message"].as_str(), Some(f.message.as_str()));
    }

    let sarif: serde_json::Value =
        serde_json::from_slice(&write(&report, Format::Sarif)).expect("SARIF output parses");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map_or(0, Vec::len),
        n
    );

    let github = String::from_utf8(write(&report, Format::Github)).expect("GitHub output is UTF-8");
    let lines: Vec<&str> = github.split('\n').collect();
    assert_eq!(lines.last(), Some(&""), "ends with a newline");
    assert_eq!(
        lines.len(),
        n + 2,
        "one line per finding and the summary: {github:?}"
    );
    for (line, f) in lines.iter().zip(&report.findings) {
        let command = if f.severity == Severity::Error {
            "::error "
        } else {
            "::warning "
        };
        assert!(line.starts_with(command), "{line:?}");
        assert!(!line.contains('\r'), "a carriage return in {line:?}");
        let rest = &line[command.len()..];
        let (props, _) = rest.split_once("::").expect("properties end in ::");
        for prop in props.split(',') {
            let key = prop.split_once('=').map(|(k, _)| k);
            assert!(
                matches!(key, Some("file" | "line" | "col" | "title")),
                "forged property {prop:?} in {line:?}"
            );
        }
    }
    assert!(
        !lines[n].starts_with("::"),
        "the summary is no workflow command"
    );

    let text = String::from_utf8(write(&report, Format::Text)).expect("text output is UTF-8");
    let text_lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(
        text_lines.len(),
        n + 2,
        "one line per finding and the summary: {text:?}"
    );
    for line in &text_lines {
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || INVISIBLE.contains(&c)),
            "a control or invisible format character in {line:?}"
        );
    }

    // GitLab: one issue per finding, the path unchanged, fingerprints unique.
    let gitlab: serde_json::Value =
        serde_json::from_slice(&write(&report, Format::Gitlab)).expect("GitLab output parses");
    let issues = gitlab.as_array().expect("an array");
    assert_eq!(issues.len(), n);
    let mut prints: Vec<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    let mut distinct = report.findings.clone();
    distinct.sort_by(|a, b| a.sort_key_cmp(b));
    distinct.dedup();
    assert_eq!(
        prints.len(),
        distinct.len(),
        "one fingerprint per distinct finding"
    );
    for (issue, f) in issues.iter().zip(&report.findings) {
        assert_eq!(issue["location"]["path"].as_str(), Some(f.path.as_str()));
    }

    // JUnit: a failure per error, no character XML 1.0 cannot hold, no raw `<` from a
    // name (every element is one of ours).
    let junit = String::from_utf8(write(&report, Format::Junit)).expect("JUnit is UTF-8");
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(junit.matches("<failure ").count(), errors, "{junit}");
    assert!(
        !junit
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{fffe}' || c == '\u{ffff}'),
        "{junit:?}"
    );
    for tag in junit.split('<').skip(1) {
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '?' || *c == '/')
            .collect();
        assert!(
            matches!(
                name.trim_start_matches('/'),
                "?xml" | "testsuites" | "testsuite" | "testcase" | "failure" | "system-out"
            ),
            "a forged element {name:?} in {junit}"
        );
    }
});
