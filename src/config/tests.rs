use super::*;

/// (rule, pointer, line, column, is a warning)
type Row = (String, Option<String>, Option<usize>, Option<usize>, bool);

fn check(text: &str) -> Vec<Row> {
    check_bytes(text.as_bytes(), "c.json")
        .findings
        .into_iter()
        .map(|f| {
            (
                f.rule.as_str().to_string(),
                f.pointer,
                f.line,
                f.column,
                f.severity == crate::findings::Severity::Warning,
            )
        })
        .collect()
}

const CORRECTED: &str = include_str!("../../testdata/config/reference-corrected.json");
const BODY: &str = include_str!("../../testdata/config/reference-import-body.json");
const MALFORMED: &str = include_str!("../../testdata/config/reference-malformed.json");

#[test]
fn the_corrected_reference_example_is_valid_in_both_forms() {
    assert!(check(CORRECTED).is_empty(), "{:?}", check(CORRECTED));
    assert!(check(BODY).is_empty(), "{:?}", check(BODY));
    let macros = macros_of(CORRECTED);
    assert_eq!(
        macros,
        [
            "common-ntpservers.ntpserver",
            "logpath",
            "server-settings.server.keyboardLocale",
            "server-settings.server.locale"
        ]
    );
    assert_eq!(macros_of(BODY), macros);
}

#[test]
fn the_uncorrected_reference_example_fails_where_it_breaks() {
    // The first break: a line break inside the "description" string of line 17.
    let f = check(MALFORMED);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "config-invalid-json");
    let line17 = MALFORMED.lines().nth(16).unwrap();
    assert!(line17.ends_with("with this deployment."));
    assert_eq!(
        (f[0].2, f[0].3),
        (Some(17), Some(line17.chars().count() + 1))
    );
}

#[test]
fn schema_findings_point_at_the_deepest_value() {
    let text = "{\"category\": \"dynamic\", \"name\": \"top\", \"type\": \"array\",\n \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"é\", \"type\": \"strng\"},\n  {\"category\": \"dynamic\", \"type\": \"string\"}]}";
    let f = check(text);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].1.as_deref(), Some("/content/0/type"));
    assert_eq!((f[0].2, f[0].3), (Some(3), Some(48)));
    assert_eq!(f[1].1.as_deref(), Some("/content/1"));
    assert_eq!((f[1].2, f[1].3), (Some(4), Some(3)));
}

#[test]
fn import_body_errors_point_inside_content() {
    let text = r#"{"os": "win", "name": "f.json", "content": [{"category": "dynamic", "name": "t", "type": "array", "content": [{"category": "sometimes", "name": "x", "type": "string"}]}]}"#;
    let f = check(text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1.as_deref(), Some("/content/0/content/0/category"));
    let empty = check(r#"{"os": "win", "content": ""}"#);
    assert_eq!(empty[0].1.as_deref(), Some("/content"));
}

#[test]
fn string_content_is_checked_too() {
    let inner = r#"{"category": "dynamic", "name": "t", "type": "array", "content": [{"category": "dynamic", "name": "x", "type": "string", "choices": ["a"], "value": "b"}]}"#;
    let body = serde_json::json!({"os": "sles", "content": inner}).to_string();
    let f = check_bytes(body.as_bytes(), "c.json").findings;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, Rule::ConfigSemantic);
    assert_eq!(f[0].pointer.as_deref(), Some("/content"));
    assert!(
        f[0].message.contains("/content/0/value"),
        "{}",
        f[0].message
    );
    let broken = serde_json::json!({"os": "sles", "content": "{\"a\": }"}).to_string();
    assert_eq!(check(&broken)[0].0, "config-invalid-json");
}

#[test]
fn unknown_members_are_warnings() {
    let text = r#"{"category": "dynamic", "name": "t", "type": "array", "colour": "red", "content": [{"category": "dynamic", "name": "x", "type": "string"}]}"#;
    let f = check(text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "config-schema");
    assert!(f[0].4, "a warning");
    assert_eq!(f[0].1.as_deref(), Some(""));
}

#[test]
fn semantic_findings_have_positions() {
    let text = "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\", \"content\": [\n  {\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\",\n   \"choices\": [\"a\"], \"value\": \"b\"}]}";
    let f = check(text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "config-semantic");
    assert_eq!(f[0].1.as_deref(), Some("/content/0/value"));
    assert_eq!((f[0].2, f[0].3), (Some(3), Some(31)));
}

#[test]
fn hostile_inputs_are_findings() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let huge_string = format!(
        "{{\"category\": \"dynamic\", \"name\": \"{}\", \"type\": \"string\"}}",
        "x".repeat(5_000_000)
    );
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "config-invalid-json"),
        (b"\xEF\xBB\xBF{}".to_vec(), "config-invalid-json"),
        (b"{\"name\": \"\xff\"}".to_vec(), "config-invalid-json"),
        (deep.into_bytes(), "config-invalid-json"),
        (b"{\"maxElements\": 1e400}".to_vec(), "config-invalid-json"),
        (b"{\"name\": \"a\", \"name\": \"b\", \"type\": \"string\", \"category\": \"dynamic\"}".to_vec(), "config-invalid-json"),
        (b"[1, 2]".to_vec(), "config-schema"),
        (b"\"just a string\"".to_vec(), "config-schema"),
        (b"{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"string\", \"maxElements\": 123456789012345678901234567890}".to_vec(), "config-semantic"),
    ];
    for (bytes, rule) in cases {
        let f = check_bytes(&bytes, "c.json").findings;
        assert!(
            !f.is_empty(),
            "no finding for {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        );
        assert_eq!(f[0].rule.as_str(), rule, "{f:?}");
        assert!(f[0].line.is_some(), "position for {rule}");
    }
    let f = check_bytes(huge_string.as_bytes(), "c.json").findings;
    assert!(f.is_empty(), "a long but valid name is fine: {f:?}");
}

#[test]
fn duplicate_keys_say_which() {
    let f = check_bytes(
        br#"{"name": "a", "type": "string", "name": "b", "category": "dynamic"}"#,
        "c",
    )
    .findings;
    assert_eq!(f[0].rule, Rule::ConfigInvalidJson);
    assert!(
        f[0].message.contains("duplicate key \"name\""),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].pointer.as_deref(), Some("/name"));
}

#[test]
fn schema_and_semantic_findings_in_one_pass() {
    // Regression: schema errors hid semantic errors, so fixing took two passes.
    let mut doc: serde_json::Value = serde_json::from_str(CORRECTED).unwrap();
    let locale = "/content/0/template/0/content/0";
    let keyboard = "/content/0/template/0/content/1";
    *doc.pointer_mut(&format!("{locale}/optional")).unwrap() = serde_json::json!("no");
    *doc.pointer_mut(&format!("{keyboard}/value")).unwrap() = serde_json::json!("fr_FR");
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let f = check(&text);
    let rules: Vec<(&str, &str)> = f
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_deref().unwrap_or("")))
        .collect();
    assert!(
        rules.contains(&("config-schema", &format!("{locale}/optional"))),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("config-semantic", &format!("{keyboard}/value"))),
        "{rules:?}"
    );
}

fn macros_of(text: &str) -> Vec<String> {
    let value = check_bytes(text.as_bytes(), "c").value.expect("parses");
    crate::macros::derive_macros(&value)
}
