//! `check` and `build` plan a profile once (`profile::plan`): what `build` refuses,
//! `check` reports.

use std::fs;
use std::path::Path;

use super::{run, CheckSettings};
use crate::bundle::{build, BuildSettings};
use crate::findings::{Finding, Severity};

/// Files of a profile: name in the profile directory, bytes.
type Files<'a> = &'a [(&'a str, &'a [u8])];

const PROFILE: &str = r#"{"name": "P1", "os": "win", "release": "2016"}"#;

/// A profile directory `p` in `root` with `profile_json` and `files` (name, bytes).
fn profile(root: &Path, profile_json: &str, files: Files) -> std::path::PathBuf {
    let dir = root.join("p");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("profile.json"), profile_json).unwrap();
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

/// Checks and builds `dir`; asserts that every finding `build` stops at is one
/// `check` reports, and that `build` stops exactly when `check` reports an error
/// `--force` does not go past. Returns whether it built.
fn check_and_build(dir: &Path, what: &str) -> bool {
    let report = run(&[dir.to_path_buf()], &CheckSettings::default()).unwrap();
    let out = dir.parent().unwrap().join("dist");
    fs::create_dir_all(&out).unwrap();
    let settings = BuildSettings {
        out_dir: out,
        epoch: 1_482_113_961,
        level: 1,
        threads: 1,
        sha256_file: false,
        progress: false,
        overwrite: true,
        excludes: crate::profile::Excludes::default(),
    };
    let display = crate::names::shown(crate::names::os_bytes(dir.as_os_str()));
    let outcome = build(dir, &display, &settings).unwrap();
    for finding in &outcome.findings {
        assert!(
            report.findings.contains(finding),
            "{what}: build stopped at a finding check does not report: {finding:?}\ncheck: {:#?}",
            report.findings
        );
    }
    let unforceable: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !f.rule.force_overrides())
        .collect();
    assert_eq!(
        outcome.built.is_none(),
        !unforceable.is_empty(),
        "{what}: build {:?} but check's unforceable errors are {unforceable:#?}",
        outcome.built.as_ref().map(|b| &b.path)
    );
    outcome.built.is_some()
}

#[test]
fn build_refuses_only_what_check_reports_from_the_same_plan() {
    let big = format!(
        r#"{{"name": "P1", "os": "win", "release": "2016", "description": "{}"}}"#,
        "x".repeat(9 << 20)
    );
    let mut deep = String::from("0");
    for _ in 0..124 {
        deep = format!("[{deep}]");
    }
    let deep = format!(
        r#"{{"name": "P1", "os": "win", "release": "2016", "installationOptions": {{"a": {deep}}}}}"#
    );
    let cases: [(&str, &str, Files, bool); 9] = [
        (
            "clean",
            PROFILE,
            &[("scripts/post.ps1", b"Write-Host hi\r\n")],
            true,
        ),
        (
            "stray file",
            PROFILE,
            &[("README.md", b"x"), ("scripts/a.ps1", b"x")],
            true,
        ),
        (
            "folder in a kind folder",
            PROFILE,
            &[("drivers/sub/c.zip", b"x")],
            true,
        ),
        (
            "unportable name",
            PROFILE,
            &[("scripts/a:b.ps1", b"x")],
            false,
        ),
        (
            "names that collide",
            PROFILE,
            &[("scripts/A.ps1", b"x"), ("scripts/a.ps1", b"x")],
            false,
        ),
        (
            "profile.json invalid",
            r#"{"name": "P1", "os": "win"}"#,
            &[],
            false,
        ),
        ("profile.json not JSON", "{", &[], false),
        ("metadata over its limit", &big, &[], false),
        (
            "metadata too deep, and an unportable name",
            &deep,
            &[("scripts/a|b.ps1", b"x")],
            false,
        ),
    ];
    for (what, json, files, builds) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = profile(tmp.path(), json, files);
        assert_eq!(check_and_build(&dir, what), builds, "{what}");
    }
}

#[cfg(unix)]
#[test]
fn build_refuses_links_that_check_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = profile(tmp.path(), PROFILE, &[("scripts/a.ps1", b"x")]);
    std::os::unix::fs::symlink("a.ps1", dir.join("scripts/b.ps1")).unwrap();
    std::os::unix::fs::symlink("missing", dir.join("scripts/c.ps1")).unwrap();
    assert!(!check_and_build(&dir, "links"));
}

/// A member `check` cannot open (here: gone between planning and reading, the one
/// way to make a file unreadable to root) is reported as the plan reports a file it
/// probes and cannot read: one `file-unreadable` error with the open's message,
/// nothing else about it, and it is not among the files checked.
#[test]
fn a_member_that_cannot_be_opened_is_one_unreadable_finding() {
    use crate::findings::Rule;
    let tmp = tempfile::tempdir().unwrap();
    let dir = profile(
        tmp.path(),
        PROFILE,
        &[
            ("drivers/nic.zip", b"not a zip"),
            ("config/settings.json", b"{}"),
            ("scripts/post.ps1", b"Write-Host hi\r\n"),
        ],
    );
    let settings = CheckSettings::default();
    let plan = || {
        crate::profile::plan_opening(
            &dir,
            "p",
            &settings.walk.excludes(),
            &crate::bundle::HOOKS,
            super::opened,
        )
    };
    let (whole, findings) = super::check_plan(plan(), &settings);
    assert!(
        findings.iter().all(|f| f.rule != Rule::FileUnreadable),
        "{findings:#?}"
    );
    assert_eq!(whole.subjects.len(), 4, "{:?}", whole.subjects);

    let planned = plan();
    let gone = ["drivers/nic.zip", "config/settings.json"];
    let mut expected = Vec::new();
    for name in gone {
        let path = dir.join(name);
        fs::remove_file(&path).unwrap();
        // What the probing plan (`build`'s) says of a file it cannot open.
        let (rule, message) = crate::names::local_file_problem(&path, None).unwrap();
        assert_eq!(rule, Rule::FileUnreadable);
        expected.push(Finding::error(rule, format!("p/{name}"), message));
    }
    let (checked, findings) = super::check_plan(planned, &settings);
    for (name, want) in gone.iter().zip(&expected) {
        let about: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.path == format!("p/{name}"))
            .collect();
        assert_eq!(about, [want], "{name}: {findings:#?}");
        assert!(want.message.starts_with("cannot read: "), "{want:?}");
        assert!(!checked.subjects.contains(&format!("p/{name}")));
    }
    assert_eq!(checked.count, whole.count);
    assert_eq!(
        checked.subjects,
        ["p/profile.json", "p/scripts/post.ps1"],
        "{:?}",
        checked.subjects
    );
}

/// A fifo among the payloads is refused by its type from the listing, never opened
/// (an open would block).
#[cfg(unix)]
#[test]
fn a_fifo_payload_is_refused_unopened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = profile(tmp.path(), PROFILE, &[("drivers/a.zip", b"x")]);
    let fifo = dir.join("drivers/b.zip");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let report = run(std::slice::from_ref(&dir), &CheckSettings::default()).unwrap();
    let about: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.path.ends_with("drivers/b.zip"))
        .collect();
    assert_eq!(about.len(), 1, "{about:#?}");
    assert_eq!(about[0].rule, crate::findings::Rule::BundleUnsafeEntry);
    assert!(about[0].message.starts_with("a fifo"), "{about:?}");
}
