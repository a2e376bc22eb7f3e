use std::io::{self, Write};

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

/// A subcommand's result as the writers see it: every hook of [`Output`] answers
/// something of its own, so a writer that skipped a hook, or called another
/// result's, shows here.
struct Probe {
    refused: Format,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ProbeMembers {
    probe_member: &'static str,
}

impl Output for Probe {
    fn members(&self) -> impl serde::Serialize + '_ {
        ProbeMembers {
            probe_member: "probed",
        }
    }

    fn write_text(
        &self,
        report: &Report,
        _: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out, "probe view of {} findings", report.findings.len())
    }

    fn refuses(&self, format: Format) -> Option<String> {
        (format == self.refused).then(|| "not here".to_string())
    }

    fn github_notice(&self) -> Option<String> {
        Some("probe did it".to_string())
    }
}

/// A result that implements only `members`: everything else is the findings'.
struct Plain;

impl Output for Plain {
    fn members(&self) -> impl serde::Serialize + '_ {
        ProbeMembers {
            probe_member: "plain",
        }
    }
}

fn one_error() -> Report {
    Report {
        findings: vec![Finding::error(
            Rule::ProfileInvalid,
            "p/profile.json",
            "bad",
        )],
        checked: 1,
        subjects: vec!["p".to_string()],
    }
}

const ALL: [Format; 6] = [
    Format::Text,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Junit,
    Format::Gitlab,
];

fn written(output: &impl Output, format: Format) -> String {
    let mut out = Vec::new();
    let options = WriteOptions::new(format, "file").with_rules("rules.json");
    write_document(&one_error(), output, options, &mut out).expect("write");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn every_format_asks_the_output_for_its_own_part() {
    let probe = Probe {
        refused: Format::Sarif,
    };
    let text = written(&probe, Format::Text);
    assert_eq!(text, "probe view of 1 findings\n");

    let json = written(&probe, Format::Json);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["probeMember"], "probed", "{json}");
    assert_eq!(value["rulesInForce"], "rules.json", "{json}");
    assert_eq!(value["summary"]["errors"], 1, "{json}");
    // The members go between `rulesInForce` and `findings`.
    let at = |key: &str| json.find(&format!("\"{key}\"")).expect(key);
    assert!(at("version") < at("rulesInForce"), "{json}");
    assert!(at("rulesInForce") < at("probeMember"), "{json}");
    assert!(at("probeMember") < at("findings"), "{json}");

    assert_eq!(
        written(&probe, Format::Sarif),
        "",
        "a refused format writes nothing"
    );

    let github = written(&probe, Format::Github);
    assert!(
        github.starts_with("::error file=p/profile.json"),
        "{github}"
    );
    assert!(github.ends_with("::notice::probe did it\n"), "{github}");

    for format in [Format::Junit, Format::Gitlab] {
        let out = written(&probe, format);
        assert!(out.contains("profile-invalid"), "{format:?}: {out}");
        assert!(
            !out.contains("probe"),
            "{format:?} shows findings only: {out}"
        );
    }
}

#[test]
fn an_output_with_members_only_is_written_as_its_findings() {
    for format in ALL {
        let plain = written(&Plain, format);
        let findings = written(&Findings, format);
        if format == Format::Json {
            assert_eq!(
                plain.replace("  \"probeMember\": \"plain\",\n", ""),
                findings,
                "JSON: the same envelope plus the member"
            );
        } else {
            assert_eq!(plain, findings, "{format:?}");
        }
        assert!(Plain.refuses(format).is_none());
    }
    assert!(
        !Plain.checks_files(),
        "only results that check files say so"
    );
    assert!(Findings.checks_files());
    let text = written(&Findings, Format::Text);
    assert_eq!(
        text,
        "p/profile.json: error[profile-invalid]: bad\nchecked 1 file: 1 error, 0 warnings; rules: rules.json\n"
    );
}

/// The writers are a leaf beside the findings: they know the `Output` trait, not the
/// subcommands' types, so nothing in `report/` names another room of the crate but
/// `findings` and `names`.
#[test]
fn the_writers_import_only_the_findings_and_names() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/report") {
        let path = entry.expect("entry").path();
        // Tests may use anything (and this one spells the prefix).
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        files += 1;
        for (at, _) in text.match_indices("crate::") {
            let room: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(
                ["findings", "names"].contains(&room.as_str()),
                "{} names crate::{room}",
                path.display()
            );
        }
    }
    assert!(files >= 7, "read {files} files of {}", dir.display());
}
