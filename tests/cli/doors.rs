//! Inputs validated at the door, output files as users expect, and BUNDLESIG
//! signatures (issue 12): each case was silently accepted, or printed an internal
//! path, before.

use std::fs;

use predicates::prelude::*;

use crate::util::{rules_and_paths, run, run_json, TestDir};

const WIN2016: &str = r#"{"name": "P1", "os": "win", "release": "2016"}"#;

fn profile(t: &TestDir) {
    t.profile("p", WIN2016, &[("drivers/nic.zip", "x")]);
}

#[test]
fn source_date_epoch_past_year_9999_is_refused() {
    let t = TestDir::new();
    profile(&t);
    t.cmd()
        .args(["build", "-o", "dist", "p"])
        .env("SOURCE_DATE_EPOCH", "253402300800")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("9999-12-31T23:59:59Z"));
    assert!(!t.path().join("dist").exists());
    // The last second that fits builds a bundle that its own verify accepts.
    t.cmd()
        .args(["build", "-q", "-o", "dist", "p"])
        .env("SOURCE_DATE_EPOCH", "253402300799")
        .assert()
        .success();
    let bundle = t.path().join("dist/99991231235959_P1.tar.gz");
    t.cmd().arg("verify").arg(&bundle).assert().success();
}

#[test]
fn jobs_are_capped_with_a_note() {
    let t = TestDir::new();
    profile(&t);
    t.cmd()
        .args(["check", "-j", "100000", "p"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--jobs 100000 is more than 4 per core",
        ));
}

#[test]
fn limits_must_be_positive() {
    let t = TestDir::new();
    for args in [
        ["--max-ratio", "0"],
        ["--max-entries", "0"],
        ["--max-entry-size", "0"],
        ["--max-total-size", "0K"],
    ] {
        t.cmd()
            .arg("verify")
            .args(args)
            .arg("x.tar.gz")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(args[0]));
    }
}

#[test]
fn an_empty_rules_set_is_refused() {
    let t = TestDir::new();
    profile(&t);
    t.write("empty.json", "[]");
    t.write("empty-reply.json", r#"{"supportedImages": []}"#);
    for rules in ["empty.json", "empty-reply.json"] {
        t.cmd()
            .args(["check", "--rules", rules, "p"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("the rules name no OS"));
    }
}

#[test]
fn rules_for_an_unknown_os_is_refused_with_a_hint() {
    let t = TestDir::new();
    t.cmd()
        .args(["rules", "--os", "centos"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown OS \"centos\""));
    t.cmd()
        .args(["rules", "--os", "rhel"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"rhels\"?"));
    t.cmd().args(["rules", "--os", "sles"]).assert().success();
}

#[test]
fn loose_file_options_given_for_a_profile_are_flagged() {
    let t = TestDir::new();
    profile(&t);
    t.cmd()
        .args(["check", "--os", "rhels", "--kind", "driver", "p"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "warning[flag-ignored]: --os rhels does not apply to this profile directory",
        ))
        .stderr(predicate::str::contains(
            "--kind does not apply to the profile directory p",
        ));
    t.cmd()
        .args(["check", "--os", "rhels", "p/drivers/nic.zip"])
        .assert()
        .success()
        .stdout(predicate::str::contains("flag-ignored"));
}

#[test]
fn the_same_path_twice_is_checked_once() {
    let t = TestDir::new();
    t.profile("p", WIN2016, &[("drivers/nic.exe", "x")]);
    t.write("loose/drivers/d.exe", "x");
    let doc = run_json(
        t.cmd().args([
            "check",
            "p",
            "./p",
            "p/",
            "p/drivers/nic.exe",
            "loose",
            "./loose",
            "loose/drivers/d.exe",
        ]),
        1,
    );
    let got = rules_and_paths(&doc, t.path());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(doc["summary"]["checked"], 3, "{doc:#}");
}

#[test]
fn output_folder_is_created_and_bundles_are_not_overwritten() {
    let t = TestDir::new();
    profile(&t);
    let env = ("SOURCE_DATE_EPOCH", "1482113961");
    t.cmd()
        .args(["build", "-q", "-o", "dist/nested", "p"])
        .env(env.0, env.1)
        .assert()
        .success();
    let bundle = t.path().join("dist/nested/2016121921921_P1.tar.gz");
    let before = fs::read(&bundle).unwrap();
    // A second build of the same name is refused, the bundle left as it was ...
    t.cmd()
        .args(["build", "-o", "dist/nested", "p"])
        .env(env.0, env.1)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --overwrite"));
    assert_eq!(fs::read(&bundle).unwrap(), before);
    // ... unless --overwrite says so.
    t.write("p/drivers/nic.zip", "changed");
    t.cmd()
        .args(["build", "-q", "--overwrite", "-o", "dist/nested", "p"])
        .env(env.0, env.1)
        .assert()
        .success();
    assert_ne!(fs::read(&bundle).unwrap(), before);
    let mut names: Vec<String> = fs::read_dir(t.path().join("dist/nested"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["2016121921921_P1.tar.gz", "2016121921921_P1.tar.gz.sha256"]
    );
}

#[test]
fn no_temporary_path_in_any_message() {
    let t = TestDir::new();
    profile(&t);
    // A file name given as -o.
    let out = run(t.cmd().args(["build", "-o", "dist/file.tar.gz", "p"]), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("-o takes a folder"), "{stderr}");
    assert!(
        !stderr.contains(".tmp") && !stderr.contains("osbundle-tmp"),
        "{stderr}"
    );
    assert!(!t.path().join("dist").exists());
    // An -o that exists and is a file.
    t.write("plain", "x");
    let out = run(t.cmd().args(["build", "-o", "plain", "p"]), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a folder"));
    // An -o where nothing can be written (even root cannot create files in /proc).
    let out = run(t.cmd().args(["build", "-o", "/proc", "p"]), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/proc/"), "{stderr}");
    assert!(
        !stderr.contains("osbundle-tmp") && !stderr.contains(".tmp"),
        "{stderr}"
    );
}

#[test]
fn bundle_signatures_beside_their_zip() {
    let t = TestDir::new();
    t.profile(
        "p",
        WIN2016,
        &[
            ("bundles/lnvgy-drivers.zip", "z"),
            ("bundles/lnvgy-drivers.zip.asc", "sig"),
            ("bundles/unsigned.zip", "z"),
            ("bundles/orphan.zip.asc", "sig"),
        ],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    let got = rules_and_paths(&doc, t.path());
    assert_eq!(
        got,
        [
            (
                "extension-not-allowed".into(),
                "p/bundles/orphan.zip.asc".into()
            ),
            ("bundlesig-missing".into(), "p/bundles/unsigned.zip".into()),
        ]
    );
    assert_eq!(doc["findings"][1]["severity"], "warning");
    // Signed bundles alone pass, build, and their bundle verifies.
    fs::remove_file(t.path().join("p/bundles/orphan.zip.asc")).unwrap();
    fs::remove_file(t.path().join("p/bundles/unsigned.zip")).unwrap();
    run(t.cmd().args(["check", "--strict", "p"]), 0);
    t.cmd()
        .args(["build", "-q", "-o", "dist", "p"])
        .env("SOURCE_DATE_EPOCH", "1482113961")
        .assert()
        .success();
    t.cmd()
        .arg("verify")
        .arg(t.path().join("dist/2016121921921_P1.tar.gz"))
        .assert()
        .success();
}

#[test]
fn extract_gives_a_profile_directory() {
    let t = TestDir::new();
    t.profile(
        "p",
        r#"{"name": "P1", "os": "win", "release": "2016", "platforms": ["IMM2"],
            "baseProfile": "win2016|win2016-x86_64-install-Standard_core",
            "predefinedBootFileIds": ["winpe-64-base"]}"#,
        &[("drivers/nic.zip", "x"), ("boot/winpe.zip", "y")],
    );
    let env = ("SOURCE_DATE_EPOCH", "1482113961");
    t.cmd()
        .args(["build", "-q", "-o", "dist", "p"])
        .env(env.0, env.1)
        .assert()
        .success();
    fs::create_dir(t.path().join("x")).unwrap();
    // It says how to rebuild: the bundle's time is the metadata's `created`.
    t.cmd()
        .args(["extract", "-C", "x", "dist/2016121921921_P1.tar.gz"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "rebuild: SOURCE_DATE_EPOCH=1482113961 osbundle build x/2016121921921_P1",
        ));
    let back = t.path().join("x/2016121921921_P1");
    let profile: serde_json::Value =
        serde_json::from_slice(&fs::read(back.join("profile.json")).unwrap()).unwrap();
    assert_eq!(profile["name"], "P1");
    assert_eq!(profile["predefinedBootFileIds"][0], "winpe-64-base");
    // `check` passes with no finding at all: metadata.json, SHA256SUMS and CHECKSUM
    // at the root are the bundle's records, not stray files.
    let doc = run_json(t.cmd().args(["check", "--strict"]).arg(&back), 0);
    assert_eq!(doc["findings"], serde_json::json!([]));
    t.cmd()
        .args(["build", "-q", "-o", "again"])
        .arg(&back)
        .env(env.0, env.1)
        .assert()
        .success();
    assert_eq!(
        fs::read(t.path().join("again/2016121921921_P1.tar.gz")).unwrap(),
        fs::read(t.path().join("dist/2016121921921_P1.tar.gz")).unwrap()
    );
}

#[test]
fn profile_values_that_would_break_the_bundle_metadata_fail_check() {
    // Each built a bundle that its own verify rejected.
    for extra in [
        r#""osImage": "win|2016""#,
        r#""osImage": """#,
        r#""predefinedDriverFileIds": ["2016121921921_nic.zip"]"#,
        r#""predefinedBootFileIds": ["winpe", "winpe"]"#,
        r#""predefinedUnattendFileIds": [""]"#,
    ] {
        let t = TestDir::new();
        t.profile(
            "p",
            &format!(r#"{{"name": "P1", "os": "win", "release": "2016", {extra}}}"#),
            &[("drivers/nic.zip", "x")],
        );
        let doc = run_json(t.cmd().args(["check", "p"]), 1);
        assert_eq!(
            crate::util::rules_of(&doc),
            ["profile-invalid"],
            "{extra}: {doc:#}"
        );
        run(t.cmd().args(["build", "-o", "dist", "p"]), 1);
    }
}

#[test]
fn loose_names_that_are_not_utf8_are_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let t = TestDir::new();
    let name = std::ffi::OsStr::from_bytes(b"drivers/caf\xe9.exe");
    let path = t.path().join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, "x").unwrap();
    let doc = run_json(t.cmd().arg("check").arg(name), 1);
    assert_eq!(
        doc["findings"][0]["path"], "drivers/caf\\xe9.exe",
        "{doc:#}"
    );
    assert!(!doc.to_string().contains('\u{fffd}'));
}
