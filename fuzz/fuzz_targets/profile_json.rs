//! `profile.json` of a profile directory, fuzzed: `check` of the directory never
//! panics and reports only under the directory; when `check` finds nothing wrong
//! with profile.json, `build` writes a bundle and that bundle's metadata verifies
//! (whatever free-form fields the profile holds); when profile.json is not JSON,
//! `check` says so.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osbundle::bundle::{build, verify_path, BuildSettings};
use osbundle::check::{self, CheckSettings};
use osbundle::{Rule, Severity};
use osbundle_fuzz::{layout, oracle};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir_in(oracle::scratch()) else {
        return;
    };
    let root = dir.path().join("p");
    let drivers = root.join("drivers");
    if std::fs::create_dir_all(&drivers).is_err()
        || std::fs::write(root.join("profile.json"), data).is_err()
        || std::fs::write(drivers.join("nic.zip"), b"zip").is_err()
    {
        return;
    }
    let settings = CheckSettings {
        rules: layout::embedded().clone(),
        ..CheckSettings::default()
    };
    let Ok(report) = check::run(std::slice::from_ref(&root), &settings) else {
        return;
    };
    let shown = root.display().to_string();
    for f in &report.findings {
        assert!(f.path.starts_with(&shown), "{f:?} is not under the profile");
    }
    let profile_errors = report
        .findings
        .iter()
        .any(|f| f.rule == Rule::ProfileInvalid && f.severity == Severity::Error);
    if serde_json::from_slice::<serde_json::Value>(data).is_err() {
        assert!(
            profile_errors,
            "profile.json is not JSON, and check did not say so"
        );
    }
    if profile_errors {
        return;
    }
    let out = dir.path().join("out");
    if std::fs::create_dir(&out).is_err() {
        return;
    }
    let build_settings = BuildSettings {
        out_dir: out,
        epoch: 1_482_113_961,
        level: 1,
        threads: 1,
        // The digest file beside the bundle, as a user would download both: verify
        // then proves the download too (no download-unverified note).
        sha256_file: true,
        progress: false,
        overwrite: false,
        excludes: osbundle::profile::Excludes::default(),
    };
    let Ok(outcome) = build(&root, "p", &build_settings) else {
        return;
    };
    let Some(built) = outcome.built else {
        panic!(
            "check accepts profile.json, build refuses: {:?}",
            outcome.findings
        );
    };
    let Ok(v) = verify_path(&built.path, &oracle::settings()) else {
        return;
    };
    let bad: Vec<_> = v
        .findings
        .iter()
        .filter(|f| oracle::is_bundle_rule(f))
        .collect();
    assert!(
        bad.is_empty(),
        "profile.json accepted by check gives a bundle that fails verify: {bad:#?}"
    );
});
