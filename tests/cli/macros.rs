//! `osbundle macros [PROFILE_DIR|BUNDLE]`: the macros in force and where each comes from.

use serde_json::Value;

use crate::util::{root, run, run_json, testdata, TestDir};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `(name, origin, source)` of every macro of the JSON document.
fn listed(doc: &Value) -> Vec<(String, String, String)> {
    doc["macros"]
        .as_array()
        .expect("macros array")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["origin"].as_str().unwrap().to_string(),
                m["source"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn macros_alone_lists_the_embedded_predefined_macros() {
    let t = TestDir::new();
    let text = stdout(&run(t.cmd().arg("macros"), 0));
    let line = text
        .lines()
        .find(|l| l.starts_with("#predefined.hostPlatforms.networkSettings.hostname# "))
        .unwrap_or_else(|| panic!("no hostname macro:\n{text}"));
    assert!(line.contains("embedded list"), "{line}");
    let doc = run_json(t.cmd().arg("macros"), 0);
    let all = listed(&doc);
    assert!(all.len() >= 30, "{all:?}");
    assert!(all.iter().all(|(_, origin, _)| origin == "predefined"));
}

#[test]
fn macros_with_rules_are_the_rules_predefined_macros() {
    let t = TestDir::new();
    let rules = testdata("osimages.json");
    let doc = run_json(t.cmd().arg("macros").arg("--rules").arg(&rules), 0);
    let all = listed(&doc);
    // testdata/osimages.json lists 17 predefinedMacros, not the embedded 30.
    assert_eq!(all.len(), 17, "{all:?}");
    assert!(all
        .iter()
        .any(|(n, _, _)| n == "predefined.hostPlatforms.networkSettings.dns1"));
    assert!(!all
        .iter()
        .any(|(n, _, _)| n == "predefined.hostPlatforms.uuid"));
    let source = format!("predefinedMacros of {}", rules.display());
    assert!(all.iter().all(|(_, _, s)| *s == source), "{all:?}");
}

#[test]
fn macros_of_a_profile_and_of_its_bundle_name_their_config_file() {
    let t = TestDir::new();
    let profile = root().join("testdata/profiles/win2016-datacenter");
    let doc = run_json(t.cmd().arg("macros").arg(&profile), 0);
    let custom: Vec<_> = listed(&doc)
        .into_iter()
        .filter(|(_, origin, _)| origin == "config")
        .collect();
    assert!(!custom.is_empty(), "{doc}");
    for (_, _, source) in &custom {
        assert!(source.ends_with("config/locale.json"), "{source}");
    }
    let text = stdout(&run(t.cmd().arg("macros").arg(&profile), 0));
    let first = &custom[0].0;
    assert!(
        text.lines()
            .any(|l| l.starts_with(&format!("#{first}# ")) && l.ends_with("config/locale.json")),
        "{text}"
    );
    // The bundle of the same profile derives the same macros.
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o", "out"])
            .arg(&profile),
        0,
    );
    let bundle = std::fs::read_dir(t.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("a bundle");
    let doc = run_json(t.cmd().arg("macros").arg(&bundle), 0);
    let from_bundle: Vec<_> = listed(&doc)
        .into_iter()
        .filter(|(_, origin, _)| origin == "config")
        .collect();
    let names = |v: &[(String, String, String)]| v.iter().map(|m| m.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&from_bundle), names(&custom));
    assert!(from_bundle[0].2.ends_with(".json"), "{from_bundle:?}");
}

#[test]
fn macros_of_a_broken_config_file_are_a_finding() {
    let t = TestDir::new();
    let p = t.profile(
        "p",
        r#"{"name": "p", "os": "sles", "release": "15.4"}"#,
        &[("config/bad.json", "{\"name\": ")],
    );
    let doc = run_json(t.cmd().arg("macros").arg(&p), 1);
    assert_eq!(doc["findings"][0]["rule"], "config-invalid-json", "{doc}");
    run(t.cmd().args(["macros", "missing-folder"]), 2);
}
