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
    // The custom script IDs follow the file's name: a set, one member out, one in.
    assert!(pointers.contains(&"/description"), "{pointers:?}");
    let scripts: Vec<&Value> = d["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["pointer"] == "/customizationOptions/installScriptOptions/scriptFileIds")
        .collect();
    assert_eq!(
        scripts,
        [
            &serde_json::json!({"pointer": "/customizationOptions/installScriptOptions/scriptFileIds", "old": "post.ps1", "member": true}),
            &serde_json::json!({"pointer": "/customizationOptions/installScriptOptions/scriptFileIds", "new": "renamed.ps1", "member": true}),
        ],
        "{d}"
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

fn tar_czf(dir: &Path, archive: &str, folder: &str) {
    let status = std::process::Command::new("tar")
        .args(["czf", archive, folder])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

fn set_platforms(profile: &Path, platforms: &[&str]) {
    let path = profile.join("profile.json");
    let mut doc: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    doc["platforms"] = serde_json::json!(platforms);
    fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

/// A profile against a `tar czf` export of itself: the same. The archive's one top
/// folder is stripped (and the output says so); its folder entries and its
/// `profile.json` are no files of their own.
#[test]
fn a_profile_and_a_tar_of_itself_are_the_same() {
    let t = TestDir::new();
    let profile = t.path().join("p");
    copy_dir(&testdata("profiles/win2016-datacenter"), &profile);
    tar_czf(t.path(), "p.tgz", "p");

    let doc = run_json(t.cmd().args(["diff", "p", "p.tgz"]), 0);
    assert_eq!(doc["diff"]["same"], true, "{doc}");
    assert_eq!(doc["diff"]["bStripped"], "p/", "{doc}");
    assert!(doc["diff"].get("aStripped").is_none(), "{doc}");
    let out = run(t.cmd().args(["diff", "p.tgz", "p"]), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("p.tgz: top folder p/ stripped"),
        "says so:\n{text}"
    );
    assert!(text.contains("no differences"), "{text}");

    // A profile.json that changed inside the archive is a metadata change.
    let mut json = fs::read_to_string(profile.join("profile.json")).unwrap();
    json = json.replace("Windows Server 2016", "Windows Server 2019");
    fs::write(profile.join("profile.json"), json).unwrap();
    let doc = run_json(t.cmd().args(["diff", "p.tgz", "p"]), 1);
    assert_eq!(
        doc["diff"]["metadata"][0]["pointer"], "/description",
        "{doc}"
    );
    assert_eq!(doc["diff"]["files"]["added"], Value::Array(vec![]), "{doc}");
}

/// Platforms (and file ID lists) are sets: another order is no difference; a
/// member added or removed is one change each.
#[test]
fn platforms_are_compared_as_sets() {
    let t = TestDir::new();
    let a = t.path().join("a");
    let b = t.path().join("b");
    copy_dir(&testdata("profiles/win2016-datacenter"), &a);
    copy_dir(&testdata("profiles/win2016-datacenter"), &b);
    set_platforms(&a, &["IMM2", "IMM3v1"]);
    set_platforms(&b, &["IMM3v1", "IMM2"]);
    let doc = run_json(t.cmd().args(["diff", "a", "b"]), 0);
    assert_eq!(doc["diff"]["same"], true, "another order: {doc}");

    set_platforms(&b, &["XCC", "IMM3v1"]);
    let doc = run_json(t.cmd().args(["diff", "a", "b"]), 1);
    assert_eq!(
        doc["diff"]["metadata"],
        serde_json::json!([
            {"pointer": "/platforms", "old": "IMM2", "member": true},
            {"pointer": "/platforms", "new": "XCC", "member": true}
        ]),
        "{doc}"
    );
    let out = run(t.cmd().args(["diff", "a", "b"]), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("metadata /platforms: removed \"IMM2\""),
        "{text}"
    );
    assert!(
        text.contains("metadata /platforms: added \"XCC\""),
        "{text}"
    );
    assert!(text.contains("2 differences"), "{text}");
}

/// A changed script, unattend file or other text file shows as a unified diff of its
/// lines, in a bundle as in a profile directory; a binary file does not.
#[test]
fn text_files_show_a_unified_diff() {
    let t = TestDir::new();
    let profile = t.path().join("p");
    copy_dir(&testdata("profiles/win2016-datacenter"), &profile);
    let a = build(&t, &profile, "1482113961", "a");
    let script = profile.join("scripts/post-install.ps1");
    let text = fs::read_to_string(&script).unwrap();
    fs::write(
        &script,
        text.replace("$log = ", "$logfile = ") + "Write-Host done\n",
    )
    .unwrap();
    let mut zip = fs::read(profile.join("software/tools.zip")).unwrap();
    zip.push(0);
    fs::write(profile.join("software/tools.zip"), zip).unwrap();

    for b in [build(&t, &profile, "1500000000", "b"), profile.clone()] {
        let doc = run_json(t.cmd().arg("diff").arg(&a).arg(&b), 1);
        let changed = doc["diff"]["files"]["changed"].as_array().unwrap();
        let script = changed
            .iter()
            .find(|c| c["path"] == "scripts/post-install.ps1")
            .unwrap_or_else(|| panic!("{doc}"));
        let unified = script["textDiff"]["unified"].as_str().unwrap();
        assert_eq!(
            unified,
            "@@ -1,4 +1,5 @@\n # Post-installation script for #predefined.hostPlatforms.networkSettings.hostname#\n-$log = \"#logpath#\"\n+$logfile = \"#logpath#\"\n Set-WinSystemLocale -SystemLocale \"#server-settings.server.locale#\"\n foreach ($ntp in \"#common-ntpservers.ntpserver#\") { w32tm /config /manualpeerlist:$ntp }\n+Write-Host done\n",
            "{doc}"
        );
        assert_eq!(script["textDiff"]["cut"], false);
        let zip = changed
            .iter()
            .find(|c| c["path"] == "software/tools.zip")
            .unwrap();
        assert!(zip.get("textDiff").is_none(), "binary: {zip}");
        let out = run(t.cmd().arg("diff").arg(&a).arg(&b), 1);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("\n         @@ -1,4 +1,5 @@\n         -$log = \"#logpath#\"\n")
                || text.contains("         -$log = \"#logpath#\"\n         +$logfile"),
            "{text}"
        );
        assert!(text.contains("         +Write-Host done\n"), "{text}");
    }
}

/// A text diff is bounded: past its limit it is cut, and the output says so.
#[test]
fn a_long_text_diff_is_cut_and_says_so() {
    let t = TestDir::new();
    let json = r#"{"name": "p", "os": "win", "release": "2016"}"#;
    let old: String = (0..2000).map(|i| format!("echo {i}\n")).collect();
    let new: String = (0..2000).map(|i| format!("echo {}\n", i * 7)).collect();
    let a = t.profile("a", json, &[("scripts/s.ps1", &old)]);
    let b = t.profile("b", json, &[("scripts/s.ps1", &new)]);
    let doc = run_json(t.cmd().arg("diff").arg(&a).arg(&b), 1);
    let d = &doc["diff"]["files"]["changed"][0]["textDiff"];
    assert_eq!(d["cut"], true, "{d}");
    let shown = d["unified"].as_str().unwrap().lines().count();
    let omitted = d["omittedLines"].as_u64().unwrap();
    assert!(shown <= 200, "{shown} lines shown");
    assert!(omitted > 0);
    let out = run(t.cmd().arg("diff").arg(&a).arg(&b), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("diff cut: {omitted} more lines")),
        "{text}"
    );
}

/// An archive without a `profile.json` against its profile: the files are the same,
/// but one side has no metadata to compare, and the diff says so.
#[test]
fn metadata_on_one_side_only_is_a_difference() {
    let t = TestDir::new();
    let profile = t.path().join("p");
    copy_dir(&testdata("profiles/win2016-datacenter"), &profile);
    let export = t.path().join("export");
    copy_dir(&profile, &export);
    fs::remove_file(export.join("profile.json")).unwrap();
    tar_czf(t.path(), "export.tgz", "export");
    let doc = run_json(t.cmd().args(["diff", "p", "export.tgz"]), 1);
    assert_eq!(doc["diff"]["metadataOnlyIn"], "a", "{doc}");
    assert_eq!(
        doc["diff"]["files"]["changed"],
        Value::Array(vec![]),
        "{doc}"
    );
    let out = run(t.cmd().args(["diff", "export.tgz", "p"]), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("metadata only in p: export.tgz has no profile.json or metadata.json"),
        "{text}"
    );
    assert!(text.contains("1 difference\n"), "{text}");
}
