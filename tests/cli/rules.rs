//! `osbundle rules` and `osbundle schema`, and the rules loader through the binary.

use crate::util::{run, run_json, testdata, TestDir};

#[test]
fn both_rules_shapes_print_the_same_rules() {
    let t = TestDir::new();
    let whole = run(
        t.cmd()
            .args(["rules", "--format", "json", "--rules"])
            .arg(testdata("osimages.json")),
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let doc = doc["rules"].clone();
    t.write("bare.json", serde_json::to_vec(&doc).unwrap());
    let bare = run(
        t.cmd()
            .args(["rules", "--format", "json", "--rules", "bare.json"]),
        0,
    );
    let bare: serde_json::Value = serde_json::from_slice(&bare.stdout).unwrap();
    assert_eq!(doc, bare["rules"]);
    assert_eq!(bare["rulesInForce"], "bare.json");
    let names: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["esxi", "rhels", "sles", "ubuntu", "win"]);
    // The testdata server knows win 2022, the embedded defaults do not.
    let embedded = run(t.cmd().args(["rules", "--format", "json"]), 0);
    let embedded: serde_json::Value = serde_json::from_slice(&embedded.stdout).unwrap();
    assert_ne!(embedded["rules"], doc);
}

#[test]
fn the_table_names_every_os_and_kind() {
    let t = TestDir::new();
    let out = run(t.cmd().args(["rules"]), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    for os in ["esxi", "rhels", "sles", "ubuntu", "win"] {
        assert!(
            text.lines().any(|l| l.starts_with(os)),
            "{os} missing:\n{text}"
        );
    }
    assert!(text.contains("--rules"), "says how to get exact results");
    let win = run(t.cmd().args(["rules", "--os", "win"]), 0);
    let win = String::from_utf8(win.stdout).unwrap();
    assert!(win.contains("  driver    yes      .zip"), "{win}");
    assert!(!win.contains("rhels"));
}

#[test]
fn the_reference_example_is_malformed_and_the_tool_says_where() {
    let t = TestDir::new();
    let out = run(
        t.cmd()
            .args(["rules", "--rules"])
            .arg(testdata("osimages-reference-malformed.json")),
        2,
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("osimages-reference-malformed.json:27:1: expected `,` or `}`"),
        "{err}"
    );
}

#[test]
fn broken_rules_are_findings_with_positions() {
    let t = TestDir::new();
    t.write(
        "r.json",
        "{\"supportedImages\": [\n  {\"name\": \"win\", \"releases\": [{\"2016\": [\"IMM2\"]}],\n   \"allowCustomDriver\": \"maybe\",\n   \"customBootReleases\": [\"2016\"]}\n]}",
    );
    let doc = run_json(t.cmd().args(["rules", "--rules", "r.json"]), 1);
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(f[0]["rule"], "rules-invalid");
    assert_eq!(f[0]["pointer"], "/supportedImages/0/allowCustomDriver");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(3), Some(25))
    );
    assert_eq!(f[1]["pointer"], "/supportedImages/0/customBootReleases");
    assert!(f[1]["message"].as_str().unwrap().contains("must be empty"));
}

#[test]
fn unusable_rules_files_are_exit_2() {
    let t = TestDir::new();
    t.write("reply.json", r#"{"result":"failed","messages":[{"id":"FQXHMFC0003M","text":"The imported operating systems could not be retrieved"}]}"#);
    let out = run(t.cmd().args(["rules", "--rules", "reply.json"]), 2);
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("failed server reply"));
    run(t.cmd().args(["rules", "--rules", "missing.json"]), 2);
    t.write("empty.json", "");
    run(t.cmd().args(["check", "--rules", "empty.json", "."]), 2);
}

#[test]
fn schemas_are_printed_and_are_json() {
    let t = TestDir::new();
    for name in ["supported-images", "profile"] {
        let out = run(t.cmd().args(["schema", name]), 0);
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
    run(t.cmd().args(["schema", "nope"]), 2);
}

#[test]
fn a_note_about_the_rules_does_not_hide_them() {
    let t = TestDir::new();
    t.write(
        "r.json",
        r#"[{"name":"rhels","releases":[{"9.2":["IMM3v1"]}],"allowCustomConfigFile":"true","allowedConfigFileExtension":["json"]}]"#,
    );
    let out = run(t.cmd().args(["rules", "--rules", "r.json"]), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("rules: r.json\n"), "{text}");
    assert!(text.contains("releases: 9.2 [IMM3v1]"), "{text}");
    assert!(
        text.contains(
            "r.json:1:74: note[rules-invalid]: rhels allows custom configuration-settings files"
        ),
        "{text}"
    );
    let doc = run_json(t.cmd().args(["rules", "--rules", "r.json"]), 0);
    assert_eq!(doc["rules"][0]["name"], "rhels");
    assert_eq!(doc["findings"][0]["severity"], "note");
    // The embedded rules say what they are.
    let out = run(t.cmd().arg("rules"), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("rules: embedded example (LXCA API documentation)\n"),
        "{text}"
    );
}

/// `rules --os` and `check` say the same about an OS the rules do not know, hint
/// included: one message, one "did you mean" threshold.
#[test]
fn an_unknown_os_is_said_alike_by_rules_and_check() {
    let t = TestDir::new();
    for os in ["suse", "rhel", "centos"] {
        t.profile(
            "p",
            &format!(r#"{{"name": "p", "os": "{os}", "release": "1"}}"#),
            &[],
        );
        let doc = run_json(t.cmd().args(["check", "p"]), 1);
        let finding = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "unknown-os")
            .expect("an unknown-os finding")
            .clone();
        let out = run(t.cmd().args(["rules", "--os", os]), 2);
        let stderr = String::from_utf8(out.stderr).unwrap();
        let said = finding["message"].as_str().unwrap();
        assert_eq!(
            stderr.trim_end().strip_prefix("osbundle: error: "),
            Some(said),
            "{os}: check and rules differ"
        );
    }
}
