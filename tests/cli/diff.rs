//! `osbundle diff` over the real binary: two exports of one profile, profile
//! directories, renames, metadata, damaged inputs.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{run, run_json, testdata, TestDir};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Builds `profile` at `epoch` into `t/out` and returns the bundle.
fn build(t: &TestDir, profile: &Path, epoch: &str, out: &str) -> PathBuf {
    let dir = t.path().join(out);
    fs::create_dir_all(&dir).unwrap();
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", epoch)
            .arg("build")
            .arg("-q")
            .arg("-o")
            .arg(&dir)
            .arg(profile),
        0,
    );
    fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .unwrap()
}

fn change_value(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from));
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn two_exports_show_exactly_the_driver_and_the_config_value() {
    let t = TestDir::new();
    let profile = t.path().join("p");
    copy_dir(&testdata("profiles/win2016-datacenter"), &profile);
    let a = build(&t, &profile, "1482113961", "a");
    let driver = profile.join("drivers/nic-broadcom-bnxtnd-win2016.zip");
    let mut bytes = fs::read(&driver).unwrap();
    bytes.extend_from_slice(b"v2");
    fs::write(&driver, bytes).unwrap();
    change_value(
        &profile.join("config/locale.json"),
        "\"value\": \"en_US\"",
        "\"value\": \"ja_JP\"",
    );
    let b = build(&t, &profile, "1500000000", "b");

    let doc = run_json(t.cmd().arg("diff").arg(&a).arg(&b), 1);
    let d = &doc["diff"];
    assert_eq!(d["same"], false);
    assert_eq!(d["metadata"], Value::Array(vec![]), "{d}");
    for list in ["added", "removed", "renamed"] {
        assert_eq!(d["files"][list], Value::Array(vec![]), "{list}: {d}");
    }
    let changed = d["files"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 2, "{d}");
    assert_eq!(changed[0]["path"], "config/locale.json");
    assert_eq!(
        changed[0]["changes"],
        serde_json::json!([{"pointer": "/content/0/template/0/content/0/value", "old": "en_US", "new": "ja_JP"}])
    );
    assert_eq!(
        changed[1]["path"],
        "drivers/nic-broadcom-bnxtnd-win2016.zip"
    );
    assert_eq!(
        changed[1]["new"]["size"].as_u64(),
        Some(changed[1]["old"]["size"].as_u64().unwrap() + 2)
    );
    assert!(changed[1].get("changes").is_none());

    let out = run(t.cmd().arg("diff").arg(&a).arg(&b), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("/content/0/template/0/content/0/value: \"en_US\" -> \"ja_JP\""),
        "{text}"
    );
    assert!(text.contains("2 differences"), "{text}");

    // The bundle against the profile directory it was built from, and itself.
    let doc = run_json(t.cmd().arg("diff").arg(&b).arg(&profile), 0);
    assert_eq!(doc["diff"]["same"], true, "{doc}");
    let out = run(t.cmd().arg("diff").arg(&a).arg(&a).arg("-j1"), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no differences"));
}

#[test]
fn renames_additions_and_metadata_between_profile_directories() {
    let t = TestDir::new();
    let json = r#"{"name": "p", "os": "win", "release": "2016", "description": "old"}"#;
    let a = t.profile(
        "a",
        json,
        &[
            ("scripts/post.ps1", "echo 1"),
            ("software/x.zip", "x"),
            ("drivers/d.zip", "d"),
        ],
    );
    let b = t.profile(
        "b",
        &json.replace("old", "new"),
        &[
            ("scripts/renamed.ps1", "echo 1"),
            ("software/y.zip", "y"),
            ("drivers/d.zip", "d"),
        ],
    );
    let doc = run_json(t.cmd().arg("diff").arg(&a).arg(&b), 1);
    let d = &doc["diff"];
    assert_eq!(d["files"]["renamed"][0]["from"], "scripts/post.ps1");
    assert_eq!(d["files"]["renamed"][0]["to"], "scripts/renamed.ps1");
    assert_eq!(d["files"]["added"][0]["path"], "software/y.zip");
    assert_eq!(d["files"]["removed"][0]["path"], "software/x.zip");
    let pointers: Vec<&str> = d["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pointer"].as_str().unwrap())
        .collect();
    // The custom script IDs follow the file's name.
    assert!(pointers.contains(&"/description"), "{pointers:?}");
    assert!(
        pointers.contains(&"/customizationOptions/installScriptOptions/scriptFileIds/0"),
        "{pointers:?}"
    );
    // Same answer on one worker.
    let again = run_json(t.cmd().arg("diff").arg(&a).arg(&b).arg("-j1"), 1);
    assert_eq!(again, doc);
}

#[test]
fn trouble_is_exit_2() {
    let t = TestDir::new();
    let a = build(
        &t,
        &testdata("profiles/win2016-datacenter"),
        "1482113961",
        "a",
    );
    let truncated = t.path().join("t.tar.gz");
    let bytes = fs::read(&a).unwrap();
    fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(t.cmd().arg("diff").arg(&truncated).arg(&a), 2);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bundle-corrupt"), "{text}");
    assert!(!text.contains("added"), "no misleading differences: {text}");
    run(t.cmd().arg("diff").arg("missing.tar.gz").arg(&a), 2);
    run(t.cmd().arg("diff").arg(t.path()).arg(&a), 2); // a folder without profile.json
    run(t.cmd().args(["diff", "-", "-"]), 2);
}
