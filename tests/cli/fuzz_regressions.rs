//! Regression tests for what the fuzz targets found (`fuzz/`, `scripts/fuzz.sh`),
//! each with its minimized input as a fixture under `tests/fixtures/fuzz/`.
//!
//! Tests of bugs that are not fixed yet are `#[ignore]`d with the bug as reason:
//! they fail today, and pass (and lose the `ignore`) with the fix.

use std::path::PathBuf;

use crate::util::{root, run, TestDir};

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures/fuzz").join(rel)
}

/// `check` accepts the profile, `build` writes its bundle, and `verify` of that
/// bundle must then find nothing either (`bundle_build`, `profile_json` targets).
fn check_build_verify(case: &str) {
    let tmp = TestDir::new();
    let profile = fixture(case);
    run(tmp.cmd().arg("check").arg(&profile), 0);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    run(
        tmp.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o"])
            .arg(&out)
            .arg(&profile),
        0,
    );
    run(
        tmp.cmd()
            .arg("verify")
            .arg(out.join("2016121921921_x.tar.gz")),
        0,
    );
}

#[test]
#[ignore = "bug: profile.json accepts an empty predefinedBootFileIds entry, the bundle metadata schema does not"]
fn empty_predefined_boot_id_builds_a_bundle_that_verifies() {
    check_build_verify("empty-boot-id");
}

#[test]
#[ignore = "bug: profile.json accepts an empty osImage, the bundle metadata schema does not (\"|x\" as id)"]
fn empty_os_image_builds_a_bundle_that_verifies() {
    check_build_verify("empty-os-image");
}

#[test]
fn base256_mode_is_read_not_a_panic() {
    let tmp = TestDir::new();
    // A plain ustar file `a.txt` with mode 0644 in base-256: read like any other
    // (a one-file foreign archive, exit 0 with warnings), not a panic (exit 101) and
    // not a damaged header.
    let out = run(
        tmp.cmd()
            .args(["verify", "--format", "json"])
            .arg(fixture("base256-mode.tar.gz")),
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["bundles"][0]["complete"], true, "{doc}");
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"bundle-corrupt"), "{rules:?}");
}

#[test]
#[ignore = "bug: profile.json accepts a predefined ID twice, the bundle metadata schema wants unique IDs"]
fn duplicate_predefined_boot_ids_build_a_bundle_that_verifies() {
    check_build_verify("duplicate-boot-ids");
}
