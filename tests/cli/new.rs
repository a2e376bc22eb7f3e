//! `osbundle new --os OS --release R DIR`: a profile directory that checks clean.

use serde_json::Value;

use crate::util::{peer, run, run_json, TestDir};

/// `(os, last release)` of every OS of the rules `args` print.
fn oses(t: &TestDir, args: &[&str]) -> Vec<(String, String, Value)> {
    let doc = run_json(t.cmd().arg("rules").args(args), 0);
    doc["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|os| {
            let releases = os["releases"].as_array().unwrap();
            let last = releases.last().unwrap().as_object().unwrap();
            (
                os["name"].as_str().unwrap().to_string(),
                last.keys().next().unwrap().clone(),
                os.clone(),
            )
        })
        .collect()
}

fn assert_checks_clean(t: &TestDir, dir: &str, rules: &[&str]) {
    let doc = run_json(t.cmd().args(["check", "--strict"]).args(rules).arg(dir), 0);
    assert_eq!(doc["findings"], Value::Array(vec![]), "{dir}: {doc:#}");
    assert!(doc["summary"]["checked"].as_u64().unwrap() >= 1);
}

fn xmllint(path: &std::path::Path) {
    if !peer("xmllint", "libxml2-utils") {
        return;
    }
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn new_then_check_is_clean_for_every_os_of_the_embedded_rules() {
    let t = TestDir::new();
    for (os, release, rules) in oses(&t, &[]) {
        let dir = format!("profiles/{os}-new");
        let out = run(
            t.cmd()
                .args(["new", "--os", &os, "--release", &release, &dir]),
            0,
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("profile.json"), "{said}");
        let root = t.path().join(&dir);
        let profile: Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("profile.json")).unwrap())
                .unwrap();
        assert_eq!(
            (profile["name"].as_str(), profile["os"].as_str()),
            (Some(&*format!("{os}-new")), Some(&*os))
        );
        assert_eq!(profile["release"], release);
        // Exactly the kind folders the OS accepts custom files in.
        for (folder, flag) in [
            ("drivers", "allowCustomDriver"),
            ("boot", "allowCustomBootFile"),
            ("config", "allowCustomConfigFile"),
            ("scripts", "allowCustomInstallScriptFile"),
            ("software", "allowCustomSoftwareFile"),
            ("unattend", "allowCustomUnattendFile"),
        ] {
            assert_eq!(
                root.join(folder).is_dir(),
                rules[flag] == "true",
                "{os}: {folder}/"
            );
        }
        let unattend = rules["allowCustomUnattendFile"] == "true";
        if unattend {
            let files: Vec<_> = std::fs::read_dir(root.join("unattend"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
                .collect();
            assert_eq!(files.len(), 1, "{os}: {files:?}");
            let text = std::fs::read_to_string(&files[0]).unwrap();
            assert!(
                text.contains("#predefined.hostPlatforms.networkSettings.hostname#"),
                "{os}"
            );
            if rules["allowCustomConfigFile"] == "true" {
                assert!(
                    text.contains("#timezone#"),
                    "{os}: the config file's macro is used"
                );
                assert!(root.join("config/settings.json").is_file());
            }
            if files[0].extension().is_some_and(|e| e == "xml") {
                xmllint(&files[0]);
            }
        }
        assert_checks_clean(&t, &dir, &[]);
        // The macros of the new profile: the config file's macro with its source.
        let doc = run_json(t.cmd().args(["macros", &dir]), 0);
        let custom: Vec<_> = doc["macros"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["origin"] == "config")
            .collect();
        assert_eq!(
            custom.len(),
            usize::from(rules["allowCustomConfigFile"] == "true"),
            "{os}: {doc}"
        );
        // It builds.
        run(
            t.cmd()
                .env("SOURCE_DATE_EPOCH", "1482113961")
                .args(["build", "-o", "out"])
                .arg(&dir),
            0,
        );
    }
}

#[test]
fn new_follows_the_rules_in_force_esxi_with_custom_unattend_files() {
    let t = TestDir::new();
    let doc = run_json(t.cmd().arg("rules"), 0);
    let mut rules = doc["rules"].clone();
    for os in rules.as_array_mut().unwrap() {
        if os["name"] == "esxi" {
            os["allowCustomUnattendFile"] = "true".into();
        }
    }
    t.write("rules.json", rules.to_string());
    run(
        t.cmd().args([
            "new",
            "--rules",
            "rules.json",
            "--os",
            "esxi",
            "--release",
            "6.7",
            "esxi67",
        ]),
        0,
    );
    let ks = std::fs::read_to_string(t.path().join("esxi67/unattend/ks.cfg")).unwrap();
    for command in ["vmaccepteula", "rootpw", "install"] {
        assert!(
            ks.lines().any(|l| l.starts_with(command)),
            "{command}:\n{ks}"
        );
    }
    assert_checks_clean(&t, "esxi67", &["--rules", "rules.json"]);
    // The rules of osbundle.toml are the rules in force too, as for `check`.
    t.write("osbundle.toml", "rules = \"rules.json\"\n");
    run(
        t.cmd()
            .args(["new", "--os", "esxi", "--release", "6.7", "from-config"]),
        0,
    );
    assert!(t.path().join("from-config/unattend/ks.cfg").is_file());
    assert_checks_clean(&t, "from-config", &[]);
    run(
        t.cmd().args([
            "new",
            "--no-config",
            "--os",
            "esxi",
            "--release",
            "6.7",
            "no-config",
        ]),
        0,
    );
    assert!(!t.path().join("no-config/unattend").exists());
}

#[test]
fn new_refuses_an_existing_folder_and_unknown_os_or_release() {
    let t = TestDir::new();
    t.write("taken/keep.txt", "mine");
    let out = run(
        t.cmd()
            .args(["new", "--os", "win", "--release", "2016", "taken"]),
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(t.path().join("taken/keep.txt")).unwrap(),
        "mine"
    );
    assert!(!t.path().join("taken/profile.json").exists());
    let out = run(
        t.cmd()
            .args(["new", "--os", "windows", "--release", "2016", "w"]),
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"win\""));
    run(
        t.cmd()
            .args(["new", "--os", "win", "--release", "1999", "w"]),
        2,
    );
    run(
        t.cmd()
            .args(["new", "--os", "win", "--release", "2016", "bad name"]),
        2,
    );
    assert!(!t.path().join("w").exists());
}
