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

/// A profile.json that LXCA would not take (its IDs are never empty and listed
/// once): `check` says so as `profile-invalid` at `needle`, `build` refuses it, even
/// with `--force`, and writes nothing; the same profile with the defect mended
/// (`mended`) passes `check`, builds, and its bundle verifies (`bundle_build`,
/// `profile_json` targets: check passed these, and verify rejected the bundle).
fn refused_like_verify_would(case: &str, needle: &str, mended: &str) {
    let tmp = TestDir::new();
    let profile = fixture(case);
    let out = run(tmp.cmd().arg("check").arg(&profile), 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.contains("profile.json")
            && l.contains("profile-invalid")
            && l.contains(needle)),
        "{text}"
    );
    let dist = tmp.path().join("dist");
    for force in [false, true] {
        let mut cmd = tmp.cmd();
        cmd.env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o"])
            .arg(&dist)
            .arg(&profile);
        if force {
            cmd.arg("--force");
        }
        run(&mut cmd, 1);
        let written: Vec<_> = std::fs::read_dir(&dist)
            .map(|r| r.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(written.is_empty(), "force={force}: {written:?}");
    }

    let copy = tmp.path().join("x");
    std::fs::create_dir_all(copy.join("drivers")).expect("mkdir");
    std::fs::copy(
        profile.join("drivers/nic.zip"),
        copy.join("drivers/nic.zip"),
    )
    .expect("copy");
    std::fs::write(copy.join("profile.json"), mended).expect("write");
    run(tmp.cmd().arg("check").arg(&copy), 0);
    run(
        tmp.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o"])
            .arg(&dist)
            .arg(&copy),
        0,
    );
    run(
        tmp.cmd()
            .arg("verify")
            .arg(dist.join("2016121921921_x.tar.gz")),
        0,
    );
}

#[test]
fn empty_predefined_boot_id_is_refused_by_check_and_build() {
    refused_like_verify_would(
        "empty-boot-id",
        "shorter than 1 character",
        r#"{"name": "x", "os": "win", "release": "2016", "predefinedBootFileIds": ["winpe"]}"#,
    );
}

#[test]
fn empty_os_image_is_refused_by_check_and_build() {
    refused_like_verify_would(
        "empty-os-image",
        "must be an OS image ID",
        r#"{"name": "x", "os": "win", "release": "2016", "osImage": "win2016"}"#,
    );
}

#[test]
fn duplicate_predefined_boot_ids_are_refused_by_check_and_build() {
    refused_like_verify_would(
        "duplicate-boot-ids",
        "non-unique elements",
        r#"{"name": "x", "os": "win", "release": "2016", "predefinedBootFileIds": ["winpe", "winpe-64-base"]}"#,
    );
}

/// profile.json within its own limits (64 MiB, nesting 128 deep) whose metadata.json
/// would not be (8 MiB; one level deeper, below `installationOptions.options`):
/// `check` and `build` refuse it as `verify` would refuse the bundle.
#[test]
fn profile_whose_metadata_would_break_the_reader_limits_is_refused() {
    let nested = format!("{}{}", "[".repeat(125), "]".repeat(125));
    let big = "x".repeat(9 * 1024 * 1024);
    for (what, json, needle) in [
        (
            "deep",
            format!(
                r#"{{"name": "x", "os": "win", "release": "2016", "installationOptions": {{"a": {nested}}}}}"#
            ),
            "recursion limit",
        ),
        (
            "big",
            format!(r#"{{"name": "x", "os": "win", "release": "2016", "description": "{big}"}}"#),
            "more than the 8 MiB",
        ),
    ] {
        let tmp = TestDir::new();
        let p = tmp.path().join("p");
        std::fs::create_dir_all(p.join("drivers")).expect("mkdir");
        std::fs::write(p.join("drivers/nic.zip"), crate::util::stored_zip(b"zip")).expect("write");
        std::fs::write(p.join("profile.json"), json).expect("write");
        let out = run(tmp.cmd().arg("check").arg(&p), 1);
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("error[")).collect();
        assert_eq!(lines.len(), 1, "{what}: {text}");
        assert!(
            lines[0].contains("profile-invalid") && lines[0].contains(needle),
            "{what}: {text}"
        );
        run(
            tmp.cmd().args(["build", "--force", "-o", "dist"]).arg(&p),
            1,
        );
        let written: Vec<_> = std::fs::read_dir(tmp.path().join("dist"))
            .map(|r| r.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(written.is_empty(), "{what}: {written:?}");
    }
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
