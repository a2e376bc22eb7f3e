//! `unattend-empty` (a warning): an unattend file of 0 bytes or only whitespace, found
//! the same way in a profile directory, a loose file (`--kind unattend`), an osbundle
//! bundle and a foreign export (`tar czf` of a profile directory).

use std::path::Path;
use std::process::Command as Process;

use tempfile::TempDir;

use super::bundle::{build, make_profile, osb, verify_json};
use super::util::{rules_and_paths, run_json};

const RULE: &str = "unattend-empty";

/// The profile of `make_profile` with an empty and a blank unattend file beside its
/// filled one.
fn profile_with_empty_unattend(tmp: &Path) -> std::path::PathBuf {
    let profile = make_profile(tmp, 3, 4000);
    std::fs::write(profile.join("unattend/empty.xml"), "").unwrap();
    std::fs::write(profile.join("unattend/blank.xml"), " \r\n\t\n").unwrap();
    profile
}

/// The paths of the `unattend-empty` findings, sorted.
fn warned(findings: &[(String, String)]) -> Vec<String> {
    let mut paths: Vec<String> = findings
        .iter()
        .filter(|(r, _)| r == RULE)
        .map(|(_, p)| p.clone())
        .collect();
    paths.sort();
    paths
}

/// The two expected paths, each ending as given, and nothing about `unattend.xml`.
fn assert_both(paths: &[String], findings: &[(String, String)]) {
    assert_eq!(paths.len(), 2, "{findings:?}");
    assert!(paths[0].ends_with("unattend/blank.xml"), "{findings:?}");
    assert!(paths[1].ends_with("unattend/empty.xml"), "{findings:?}");
}

#[test]
fn a_profile_directory_warns_on_empty_and_blank_unattend_files() {
    let tmp = TempDir::new().unwrap();
    let profile = profile_with_empty_unattend(tmp.path());
    let doc = run_json(osb().arg("check").arg(&profile), 0);
    let findings = rules_and_paths(&doc, tmp.path());
    assert_both(&warned(&findings), &findings);
    let warning = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == RULE)
        .unwrap();
    assert_eq!(warning["severity"], "warning");
    // A warning: it fails the run only with --strict.
    run_json(osb().args(["check", "--strict"]).arg(&profile), 1);
    // Help text, in SARIF's rule list.
    let out = osb()
        .args(["check", "--format", "sarif"])
        .arg(&profile)
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == RULE).unwrap();
    assert!(rule["help"]["text"]
        .as_str()
        .unwrap()
        .contains("nothing but whitespace"));
}

#[test]
fn a_loose_file_of_kind_unattend_is_warned_about() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("answers.xml");
    std::fs::write(&file, "\n  \n").unwrap();
    let args = [
        "check",
        "--os",
        "win",
        "--release",
        "2016",
        "--kind",
        "unattend",
    ];
    let doc = run_json(osb().args(args).arg(&file), 0);
    assert_eq!(
        rules_and_paths(&doc, tmp.path()),
        [(RULE.to_string(), "answers.xml".to_string())]
    );
    // Standard input, empty.
    let doc = run_json(osb().args(args).arg("-").write_stdin(""), 0);
    assert_eq!(super::util::rules_of(&doc), [RULE]);
    // The same bytes as a script: no unattend rule.
    let doc = run_json(
        osb()
            .args([
                "check",
                "--os",
                "win",
                "--release",
                "2016",
                "--kind",
                "script",
            ])
            .arg("-")
            .write_stdin("\n  \n"),
        0,
    );
    assert!(!super::util::rules_of(&doc).iter().any(|r| r == RULE));
}

#[test]
fn an_osbundle_bundle_warns_on_empty_and_blank_unattend_files() {
    let tmp = TempDir::new().unwrap();
    let profile = profile_with_empty_unattend(tmp.path());
    let bundle = build(&profile, &tmp.path().join("dl"), "2");
    let (code, findings) = verify_json(&bundle, &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert_both(&warned(&findings), &findings);
    assert!(findings.iter().all(|(r, _)| r != "bundle-foreign"));
    assert_eq!(verify_json(&bundle, &["--strict"]).0, 1);
}

#[test]
fn a_foreign_export_warns_on_empty_and_blank_unattend_files() {
    let tmp = TempDir::new().unwrap();
    let profile = profile_with_empty_unattend(tmp.path());
    let name = profile.file_name().unwrap().to_string_lossy().into_owned();
    let status = Process::new("tar")
        .args(["czf", "export.tar.gz", &name])
        .current_dir(tmp.path())
        .status()
        .unwrap();
    assert!(status.success());
    let (code, findings) = verify_json(&tmp.path().join("export.tar.gz"), &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(findings.iter().any(|(r, _)| r == "bundle-foreign"));
    assert_both(&warned(&findings), &findings);
}
