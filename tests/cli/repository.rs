//! `check --repository` and `verify --repository` against a saved GET /osImages
//! response.

use std::fs;

use crate::util::{run, run_json, testdata, TestDir};

const REPOSITORY: &str = r#"{
  "items": [{"id": "win2016|", "name": "win2016", "osrelease": "2016", "profiles": []}],
  "bootFiles": [{"id": "winpe-64-base", "type": "Predefined", "size": 480224}],
  "driverFiles": [{"id": "nic-broadcom-bnxtnd-win2016", "type": "Predefined"}],
  "unattendFiles": [{"id": "win2016-unattend-standard", "type": "Predefined"}],
  "softwareFiles": [{"id": "2018012943447_tools.zip", "type": "Custom", "size": 8596}]
}"#;

const PROFILE: &str = r#"{
  "name": "p", "os": "win", "release": "2016",
  "predefinedBootFileIds": ["winpe-64-base"],
  "predefinedDriverFileIds": ["nic-broadcom-bnxtnd-win2016"],
  "predefinedUnattendFileIds": ["win2016-unattend-standard", "win2016-unattend-custom"]
}"#;

#[test]
fn a_profile_naming_an_unattend_file_the_repository_lacks() {
    let t = TestDir::new();
    t.write("osimages.json", REPOSITORY);
    let p = t.profile("p", PROFILE, &[("software/tools.zip", "zip")]);
    let doc = run_json(
        t.cmd()
            .args(["check", "--repository", "osimages.json"])
            .arg(&p),
        1,
    );
    let findings = doc["findings"].as_array().unwrap();
    let repo: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("repository-"))
        .collect();
    assert_eq!(repo.len(), 2, "{doc}");
    assert_eq!(repo[0]["rule"], "repository-missing-file");
    assert_eq!(repo[0]["pointer"], "/predefinedUnattendFileIds/1");
    assert_eq!(repo[0]["line"], 5);
    assert!(repo[0]["message"]
        .as_str()
        .unwrap()
        .contains("unattend file \"win2016-unattend-custom\""));
    assert_eq!(repo[1]["rule"], "repository-size-differs");
    assert_eq!(repo[1]["severity"], "warning");

    // Without --repository nothing of the sort is checked.
    let doc = run_json(t.cmd().arg("check").arg(&p), 0);
    assert!(!doc["findings"].to_string().contains("repository-"));
    // An unreadable or foreign snapshot stops the run.
    run(
        t.cmd()
            .args(["check", "--repository", "missing.json"])
            .arg(&p),
        2,
    );
    t.write("bad.json", "[1, 2]");
    run(
        t.cmd().args(["check", "--repository", "bad.json"]).arg(&p),
        2,
    );
}

#[test]
fn a_bundle_for_an_image_the_repository_lacks() {
    let t = TestDir::new();
    t.write(
        "osimages.json",
        REPOSITORY.replace(
            "\"win2016|\", \"name\": \"win2016\", \"osrelease\": \"2016\"",
            "\"win2019|\", \"name\": \"win2019\", \"osrelease\": \"2019\"",
        ),
    );
    let out = t.path().join("out");
    fs::create_dir_all(&out).unwrap();
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .arg("build")
            .arg("-q")
            .arg("-o")
            .arg(&out)
            .arg(testdata("profiles/win2016-datacenter")),
        0,
    );
    let bundle = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .unwrap();
    let doc = run_json(
        t.cmd()
            .args(["verify", "--repository", "osimages.json"])
            .arg(&bundle),
        1,
    );
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["repository-image-missing"], "{doc}");
    assert_eq!(doc["findings"][0]["pointer"], "/osrelease");
    // With the image there, the bundle's own files and the predefined boot file suffice.
    t.write("ok.json", REPOSITORY);
    run_json(
        t.cmd()
            .args(["verify", "--repository", "ok.json"])
            .arg(&bundle),
        0,
    );
}
