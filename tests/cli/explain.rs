//! `osbundle explain [RULE]`: what a rule means, from the binary alone.

use serde_json::Value;

use crate::util::{run, run_json, TestDir};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn explain_rule_prints_meaning_severity_examples_and_how_to_change_it() {
    let t = TestDir::new();
    let text = stdout(&run(t.cmd().args(["explain", "unattend-empty"]), 0));
    for part in [
        "unattend-empty",
        "default severity: warning",
        "An unattend file is empty",
        "Fails:",
        "Passes:",
        "unattend/autoinst.xml",
        "[severity]",
        "unattend-empty = \"error\"",
        "osbundle: ignore[unattend-empty]",
        "[[ignore]]",
        "rules = [\"unattend-empty\"]",
    ] {
        assert!(text.contains(part), "explain lacks {part:?}:\n{text}");
    }
    let text = stdout(&run(t.cmd().args(["explain", "extension-not-allowed"]), 0));
    assert!(text.contains("default severity: error"), "{text}");
    assert!(text.contains("drivers/nic.exe"), "{text}");
    // An error rule's severity example lowers it.
    assert!(
        text.contains("extension-not-allowed = \"warning\""),
        "{text}"
    );
}

#[test]
fn explain_alone_lists_every_rule_with_its_one_line_help() {
    let t = TestDir::new();
    let text = stdout(&run(t.cmd().arg("explain"), 0));
    let doc = run_json(t.cmd().arg("explain"), 0);
    let rules = doc["rules"].as_array().expect("rules array");
    assert!(rules.len() > 40, "{doc}");
    let mut ids = Vec::new();
    for r in rules {
        let id = r["id"].as_str().unwrap();
        ids.push(id.to_string());
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no line for {id}:\n{text}"));
        let summary = r["summary"].as_str().unwrap();
        assert!(line.contains(summary), "{line:?} lacks {summary:?}");
        assert!(!summary.contains('\n'));
        assert!(["error", "warning", "note"].contains(&r["defaultSeverity"].as_str().unwrap()));
    }
    for id in [
        "unknown-os",
        "bundle-foreign",
        "unattend-empty",
        "reply-failed",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} not listed");
    }
    assert_eq!(
        rules.iter().find(|r| r["id"] == "bundle-foreign").unwrap()["defaultSeverity"],
        "note"
    );
}

#[test]
fn explain_json_is_the_same_as_data() {
    let t = TestDir::new();
    let doc = run_json(t.cmd().args(["explain", "config-schema"]), 0);
    let rule = &doc["rules"][0];
    assert_eq!(doc["rules"].as_array().unwrap().len(), 1);
    assert_eq!(rule["id"], "config-schema");
    assert_eq!(rule["defaultSeverity"], "error");
    for key in ["help", "why"] {
        assert!(
            rule[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key}: {doc}"
        );
    }
    for key in ["fails", "passes"] {
        assert!(
            rule[key]["file"].is_string() && rule[key]["text"].is_string(),
            "{doc}"
        );
    }
    assert_ne!(rule["fails"], rule["passes"]);
    let change = &rule["change"];
    assert!(
        change["severity"].as_str().unwrap().contains("[severity]"),
        "{doc}"
    );
    assert!(change["inline"]
        .as_str()
        .unwrap()
        .contains("osbundle: ignore[config-schema]"));
    assert!(change["paths"].as_str().unwrap().contains("[[ignore]]"));
    assert_eq!(doc["findings"], Value::Array(vec![]));
}

#[test]
fn explain_unknown_rule_is_exit_2_with_did_you_mean() {
    let t = TestDir::new();
    let out = run(t.cmd().args(["explain", "unknown_os"]), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown rule ID \"unknown_os\""), "{err}");
    assert!(err.contains("did you mean \"unknown-os\""), "{err}");
    assert!(err.contains("osbundle explain"), "{err}");
    let out = run(t.cmd().args(["explain", "zzz", "--format", "json"]), 2);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["error"].as_str().unwrap().contains("zzz"), "{doc}");
}

#[test]
fn check_help_points_to_explain() {
    let t = TestDir::new();
    let text = stdout(&run(t.cmd().args(["check", "--help"]), 0));
    assert!(text.contains("osbundle explain RULE"), "{text}");
}

/// The examples `explain` shows do what they say: for every rule whose example is a
/// whole file the checks read (profile.json, a config-settings file, an unattend file,
/// a saved reply), the failing one is reported under that rule and the passing one
/// is not. The examples come from `explain --format json`, where they are kept.
#[test]
fn explain_examples_fail_and_pass_as_shown() {
    let t = TestDir::new();
    let doc = run_json(t.cmd().arg("explain"), 0);
    let mut tried = Vec::new();
    for rule in doc["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let shown = run_json(t.cmd().args(["explain", id]), 0);
        let r = &shown["rules"][0];
        let file = r["fails"]["file"].as_str().unwrap();
        let reported = |text: &str, n: usize| -> Option<bool> {
            let dir = t.path().join(format!("{id}-{n}"));
            let write = |rel: &str, body: &str| {
                let path = dir.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, body).unwrap();
            };
            let args: Vec<String> = if file == "profile.json" {
                serde_json::from_str::<Value>(text).ok()?;
                write("profile.json", text);
                let mut args = vec!["check".to_string(), dir.display().to_string()];
                if id.starts_with("repository-") {
                    args.push("--repository".into());
                    args.push(crate::util::testdata("osimages.json").display().to_string());
                }
                args
            } else if file.starts_with("config/") {
                write("c.json", text);
                vec![
                    "check".into(),
                    "--kind".into(),
                    "config".into(),
                    dir.join("c.json").display().to_string(),
                ]
            } else if file.starts_with("unattend/") && file.ends_with(".xml") {
                write(
                    "profile.json",
                    r#"{"name": "p", "os": "sles", "release": "15"}"#,
                );
                write(file, text);
                vec!["check".into(), dir.display().to_string()]
            } else if file == "reply.json" {
                write("reply.json", text);
                vec!["reply".into(), dir.join("reply.json").display().to_string()]
            } else {
                return None;
            };
            let out = t
                .cmd()
                .args(&args)
                .args(["--format", "json"])
                .output()
                .unwrap();
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            Some(
                doc["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["rule"] == id),
            )
        };
        let fails = reported(r["fails"]["text"].as_str().unwrap(), 0);
        let passes = reported(r["passes"]["text"].as_str().unwrap(), 1);
        if let (Some(fails), Some(passes)) = (fails, passes) {
            assert!(fails, "{id}: the failing example is not reported");
            assert!(!passes, "{id}: the passing example is reported");
            tried.push(id.to_string());
        }
    }
    for id in [
        "unknown-os",
        "platform-not-supported",
        "config-invalid-json",
        "config-schema",
        "config-semantic",
        "unattend-unknown-macro",
        "unattend-empty",
        "reply-failed",
    ] {
        assert!(
            tried.iter().any(|t| t == id),
            "{id}'s examples were not tried: {tried:?}"
        );
    }
}
