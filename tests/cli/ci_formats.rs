//! `--format junit` and `--format gitlab` on every subcommand that has `--format`:
//! JUnit valid against the XSD Jenkins uses (`xmllint --schema`), GitLab Code Quality
//! valid against its documented format, fingerprints stable across runs and `--jobs`.

use std::path::Path;

use serde_json::Value;

use crate::util::{peer, root, run, TestDir};

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("tests/fixtures/ci-formats").join(name)
}

/// Validates `xml` with `xmllint --schema` against the Jenkins JUnit XSD.
fn assert_valid_junit(xml: &[u8], what: &str) {
    if !peer("xmllint", "libxml2-utils") {
        return;
    }
    let t = TestDir::new();
    let file = t.write("report.xml", xml);
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(fixture("junit-10.xsd"))
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "{what}: not valid JUnit:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(xml)
    );
}

/// Validates a GitLab Code Quality report against the schema fixture; returns it.
fn assert_valid_gitlab(json: &[u8], what: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(json)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{}", String::from_utf8_lossy(json)));
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("gitlab-codequality.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{doc:#}");
    let issues = doc.as_array().unwrap().clone();
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    let n = prints.len();
    prints.dedup();
    assert_eq!(prints.len(), n, "{what}: fingerprints are not unique");
    issues
}

fn output(t: &TestDir, args: &[&str], format: &str) -> (i32, Vec<u8>) {
    let out = t
        .cmd()
        .args(args)
        .args(["--format", format])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// A workspace with a bad and a good profile, a bundle, a reply and a delete inventory.
fn workspace() -> TestDir {
    let t = TestDir::new();
    t.profile(
        "bad",
        r#"{"name": "bad", "os": "win", "release": "2016"}"#,
        &[
            ("drivers/nic.exe", "x"),
            ("config/c.json", "{\"name\": "),
            ("unattend/u.xml", "<a>#predefined.nope#</a>\n"),
        ],
    );
    t.profile(
        "good",
        r#"{"name": "good", "os": "win", "release": "2016"}"#,
        &[(
            "drivers/nic.zip",
            "PK\u{5}\u{6}\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        )],
    );
    t.write(
        "reply.json",
        r#"{"result": "failed", "messages": [{"text": "no"}]}"#,
    );
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o", "out"])
            .arg(root().join("testdata/profiles/win2016-datacenter")),
        0,
    );
    t
}

fn bundle(t: &TestDir) -> String {
    let dir = t.path().join("out");
    let name = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".tar.gz"))
        .unwrap();
    format!("out/{name}")
}

#[test]
fn junit_and_gitlab_are_valid_on_every_subcommand_with_format() {
    let t = workspace();
    let b = bundle(&t);
    let inventory = root().join("testdata/osimages.json");
    let inventory = inventory.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "bad", "good"],
        vec!["check", "good"],
        vec!["verify", &b],
        vec!["inspect", &b],
        vec!["diff", "bad", "good"],
        vec!["rules", "--os", "win"],
        vec!["config", "macros", "bad/config/c.json"],
        vec!["macros", "bad"],
        vec!["reply", "reply.json"],
        vec!["delete-plan", "--inventory", inventory, "nope|,nope|"],
        vec!["delete-plan", "--ims", "NOT-A-UUID"],
        vec!["check", "missing-path"],
    ];
    for args in &cases {
        let what = args.join(" ");
        let (code, xml) = output(&t, args, "junit");
        assert_ne!(code, 101, "{what}");
        assert_valid_junit(&xml, &what);
        let (code_gl, json) = output(&t, args, "gitlab");
        assert_eq!(code, code_gl, "{what}: junit and gitlab exit differently");
        let issues = assert_valid_gitlab(&json, &what);
        // The same findings as the JSON document.
        let (_, doc) = output(&t, args, "json");
        let doc: Value = serde_json::from_slice(&doc).unwrap();
        let findings = doc["findings"].as_array().map_or(0, Vec::len);
        assert_eq!(issues.len(), findings, "{what}");
        // One failure per error finding.
        let errors = doc["summary"]["errors"].as_u64().unwrap_or(0) as usize;
        let xml = String::from_utf8_lossy(&xml);
        assert_eq!(xml.matches("<failure ").count(), errors, "{what}:\n{xml}");
    }
}

#[test]
fn junit_has_one_testcase_per_checked_file_and_a_failure_per_error() {
    let t = workspace();
    let (code, xml) = output(&t, &["check", "bad", "good"], "junit");
    assert_eq!(code, 1);
    let xml = String::from_utf8(xml).unwrap();
    let (_, doc) = output(&t, &["check", "bad", "good"], "json");
    let doc: Value = serde_json::from_slice(&doc).unwrap();
    let checked = doc["summary"]["checked"].as_u64().unwrap() as usize;
    assert_eq!(xml.matches("<testcase ").count(), checked, "{xml}");
    for name in [
        "bad/profile.json",
        "bad/drivers/nic.exe",
        "bad/config/c.json",
        "bad/unattend/u.xml",
        "good/profile.json",
        "good/drivers/nic.zip",
    ] {
        assert!(
            xml.contains(&format!("<testcase name=\"{name}\"")),
            "{name}:\n{xml}"
        );
    }
    assert!(xml.contains("type=\"extension-not-allowed\""), "{xml}");
    assert!(
        xml.contains(&format!("tests=\"{checked}\" failures=\"3\"")),
        "{xml}"
    );
    // A bundle is one testcase.
    let b = bundle(&t);
    let (_, xml) = output(&t, &["verify", &b], "junit");
    let xml = String::from_utf8(xml).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 1, "{xml}");
    assert!(xml.contains(&format!("<testcase name=\"{b}\"")), "{xml}");
}

#[test]
fn gitlab_fingerprints_are_stable_across_runs_and_jobs() {
    let t = workspace();
    let prints = |jobs: &str| {
        let (_, json) = output(&t, &["check", "--jobs", jobs, "bad", "good"], "gitlab");
        let issues = assert_valid_gitlab(&json, "check");
        issues
            .iter()
            .map(|i| {
                (
                    i["check_name"].as_str().unwrap().to_string(),
                    i["location"]["path"].as_str().unwrap().to_string(),
                    i["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let one = prints("1");
    assert!(one.len() >= 3, "{one:?}");
    assert_eq!(prints("1"), one);
    assert_eq!(prints("2"), one);
    assert!(one
        .iter()
        .any(|(rule, path, _)| rule == "extension-not-allowed" && path == "bad/drivers/nic.exe"));
    // GitLab's severities.
    let (_, json) = output(&t, &["check", "bad"], "gitlab");
    let issues: Vec<Value> = serde_json::from_slice(&json).unwrap();
    let ext = issues
        .iter()
        .find(|i| i["check_name"] == "extension-not-allowed")
        .unwrap();
    assert_eq!(ext["severity"], "major");
    assert!(ext["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
}

#[test]
fn documentation_payloads_refuse_junit_and_gitlab() {
    let t = TestDir::new();
    for format in ["junit", "gitlab"] {
        run(t.cmd().args(["explain", "--format", format]), 2);
        run(t.cmd().args(["config", "show", "--format", format]), 2);
    }
}

/// Every snapshot of the new formats (every subcommand of `output_snapshots`, including
/// `build`, `extract`, `sign` and `keygen`) is valid.
#[test]
fn every_junit_and_gitlab_snapshot_is_valid() {
    let dir = root().join("tests/cli/snapshots");
    let mut seen = [0, 0];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let stdout = stdout_of(&text);
        if name.ends_with("-junit.snap") {
            seen[0] += 1;
            assert_valid_junit(stdout.as_bytes(), &name);
        } else if name.ends_with("-gitlab.snap") {
            seen[1] += 1;
            assert_valid_gitlab(stdout.as_bytes(), &name);
        }
    }
    assert!(
        seen[0] >= 20 && seen[1] >= 20,
        "snapshots of junit and gitlab: {seen:?}"
    );
}

/// The stdout part of a snapshot: between `--- stdout` and `--- stderr`.
fn stdout_of(snapshot: &str) -> &str {
    let start = snapshot
        .find("--- stdout\n")
        .map_or(0, |i| i + "--- stdout\n".len());
    let end = snapshot.rfind("--- stderr").unwrap_or(snapshot.len());
    &snapshot[start..end.max(start)]
}

#[allow(dead_code)]
fn _unused(_: &Path) {}

#[test]
fn junit_names_a_bundle_whose_name_is_not_utf8_as_its_findings_do() {
    use std::os::unix::ffi::OsStrExt;
    let t = workspace();
    let b = bundle(&t);
    let odd = t
        .path()
        .join(std::ffi::OsStr::from_bytes(b"out/caf\xe9.tar.gz"));
    std::fs::copy(t.path().join(&b), &odd).unwrap();
    for sub in ["verify", "inspect"] {
        let out = t
            .cmd()
            .args([sub, "--format", "junit"])
            .arg(&odd)
            .output()
            .unwrap();
        let xml = String::from_utf8(out.stdout).unwrap();
        assert!(xml.contains(r"caf\xe9.tar.gz"), "{sub}: {xml}");
        assert!(!xml.contains('\u{fffd}'), "{sub}: {xml}");
    }
}
