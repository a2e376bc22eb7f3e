//! Configuration-settings files and macros end to end.

use serde_json::Value;

use crate::util::{rules_of, run, run_json, testdata, TestDir};

fn finding<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["rule"] == rule))
        .unwrap_or_else(|| panic!("no {rule} in {doc:#}"))
}

/// 1-based line and character column of the last occurrence of `marker` in `text`.
fn locate(text: &str, marker: &str) -> (u64, u64) {
    let offset = text
        .rfind(marker)
        .unwrap_or_else(|| panic!("{marker} not in {text}"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line as u64, column as u64)
}

fn at(f: &Value) -> (Option<&str>, Option<u64>, Option<u64>) {
    (
        f["pointer"].as_str(),
        f["line"].as_u64(),
        f["column"].as_u64(),
    )
}

#[test]
fn each_mistake_gives_its_rule_with_pointer_line_and_column() {
    let t = TestDir::new();
    // (file content, rule, pointer, the text where the finding must point)
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"list\"}]}",
            "config-schema", "/content/0/type", "\"list\"",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\",\n   \"choices\": [\"en_US\"], \"value\": \"de_DE\"}]}",
            "config-semantic", "/content/0/value", "\"de_DE\"",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\", \"regex\": \"([\"}]}",
            "config-semantic", "/content/0/regex", "\"([\"",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\",\n \"minElements\": 4, \"maxElements\": 2, \"template\": [{\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\"}]}",
            "config-semantic", "/maxElements", "2, \"template",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\"},\n  {\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\"}]}",
            "config-semantic", "/content/1/name", "\"x\", \"type\": \"string\"}]",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"node.locale\", \"type\": \"string\"}]}",
            "config-semantic", "/content/0/name", "\"node.locale\"",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"list\", \"type\": \"assoc_array\"}]}",
            "config-semantic", "/content/0", "{\"category\": \"dynamic\", \"name\": \"list\"",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"static\", \"name\": \"logpath\", \"type\": \"string\"}]}",
            "config-semantic", "/content/0", "{\"category\": \"static\"",
        ),
        (
            "{\"category\": \"dynamic\", \"name\": \"t\",\n \"type\": \"array\", \"content\": [], \"type\": \"string\"}",
            "config-invalid-json", "/type", "\"type\": \"string\"}",
        ),
    ];
    for (i, (content, rule, pointer, marker)) in cases.iter().enumerate() {
        let (line, column) = locate(content, marker);
        let file = format!("c{i}.json");
        t.write(&file, content);
        let doc = run_json(t.cmd().args(["check", "--kind", "config", &file]), 1);
        assert_eq!(rules_of(&doc), [*rule], "case {i}: {doc:#}");
        let f = finding(&doc, rule);
        assert_eq!(
            at(f),
            (Some(*pointer), Some(line), Some(column)),
            "case {i}"
        );
        assert_eq!(f["path"], file);
    }
}

#[test]
fn invalid_json_gives_line_and_column_of_the_error() {
    let t = TestDir::new();
    let doc = run_json(
        t.cmd()
            .args(["check", "--kind", "config"])
            .arg(testdata("config/reference-malformed.json")),
        1,
    );
    let f = finding(&doc, "config-invalid-json");
    // The raw line break inside the "description" string that ends line 17.
    let text = std::fs::read_to_string(testdata("config/reference-malformed.json")).unwrap();
    let line17 = text.lines().nth(16).unwrap();
    assert!(line17.ends_with("with this deployment."), "{line17}");
    let column = line17.chars().count() as u64 + 1;
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(17), Some(column))
    );
    assert!(f.get("pointer").is_none());
}

#[test]
fn correct_files_give_nothing_in_both_forms() {
    let t = TestDir::new();
    for file in [
        "config/reference-corrected.json",
        "config/reference-import-body.json",
    ] {
        let doc = run_json(
            t.cmd()
                .args(["check", "--kind", "config"])
                .arg(testdata(file)),
            0,
        );
        assert!(rules_of(&doc).is_empty(), "{file}: {doc:#}");
    }
    // A .json file outside a profile is a config file by its extension.
    let doc = run_json(
        t.cmd()
            .arg("check")
            .arg(testdata("config/reference-corrected.json")),
        0,
    );
    assert_eq!(doc["summary"]["checked"], 1);
}

#[test]
fn unknown_members_warn_and_strict_fails_on_them() {
    let t = TestDir::new();
    t.write(
        "c.json",
        r#"{"category": "dynamic", "name": "t", "type": "string", "colour": "red"}"#,
    );
    let doc = run_json(t.cmd().args(["check", "--kind", "config", "c.json"]), 0);
    assert_eq!(finding(&doc, "config-schema")["severity"], "warning");
    run(
        t.cmd()
            .args(["check", "--strict", "--kind", "config", "c.json"]),
        1,
    );
}

#[test]
fn config_macros_lists_what_a_file_provides() {
    let t = TestDir::new();
    let out = run(
        t.cmd()
            .args(["config", "macros"])
            .arg(testdata("config/reference-import-body.json")),
        0,
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "#common-ntpservers.ntpserver#\n#logpath#\n#server-settings.server.keyboardLocale#\n#server-settings.server.locale#\n"
    );
    let out = run(
        t.cmd()
            .args(["config", "macros", "--format", "json"])
            .arg(testdata("config/reference-corrected.json")),
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["macros"].as_array().map(Vec::len), Some(4));
    t.write("bad.json", "{");
    let doc = run_json(t.cmd().args(["config", "macros", "bad.json"]), 1);
    assert_eq!(rules_of(&doc), ["config-invalid-json"]);
}

#[test]
fn the_custom_config_schema_is_printed() {
    let t = TestDir::new();
    let out = run(t.cmd().args(["schema", "custom-config"]), 0);
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["$defs"]["node"]["properties"]["autoCreateInstance"].is_object());
    assert_eq!(
        out.stdout,
        std::fs::read(crate::util::root().join("schemas/custom-config.schema.json")).unwrap()
    );
}

#[test]
fn a_profile_gets_exactly_its_unknown_macros() {
    let t = TestDir::new();
    let config = std::fs::read_to_string(testdata("config/reference-import-body.json")).unwrap();
    t.profile(
        "p",
        r#"{"name": "p", "os": "sles", "release": "15"}"#,
        &[
            ("config/settings.json", &config),
            (
                "unattend/autoyast.xml",
                "<profile xmlns='http://www.suse.com/1.0/yast2ns'>\n <l>#server-settings.server.locale#</l>\n <t>#timezone#</t>\n <n>#common-ntpservers.ntpserver#</n><x>#predefined.globalSettings.ipAssignment#</x>\n <k>#server-settings.server.keyboardLocale#</k> <z>#server-settings.node.locale#</z>\n</profile>\n",
            ),
        ],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    let got: Vec<(&str, u64, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["rule"], "unattend-unknown-macro");
            (
                f["path"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let unattend = std::fs::read_to_string(t.path().join("p/unattend/autoyast.xml")).unwrap();
    let (l1, c1) = locate(&unattend, "#timezone#");
    let (l2, c2) = locate(&unattend, "#server-settings.node.locale#");
    assert_eq!(
        got,
        [
            ("p/unattend/autoyast.xml", l1, c1),
            ("p/unattend/autoyast.xml", l2, c2)
        ]
    );
}
