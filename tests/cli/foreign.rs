//! Real exports over the binary (issue 10's "done when"): our own bundle
//! recompressed by gzip and pigz or re-packed by tar, a `tar czf` of a profile
//! directory holding a `SHA256SUMS` made by `sha256sum`, sidecar checksums beside a
//! download, and one bundle's damage never hiding another's findings.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;
use tempfile::TempDir;

use super::bundle::{build, make_profile, osb, verify_json, NAME};

pub(crate) fn sh(script: &str, dir: &Path) {
    let status = Process::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "{script}");
}

fn have(tool: &str) -> bool {
    Process::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

pub(crate) fn errors(findings: &[(String, String)]) -> Vec<&(String, String)> {
    findings
        .iter()
        .filter(|(r, _)| {
            !matches!(
                r.as_str(),
                "bundle-foreign" | "bundle-unverified" | "download-unverified" | "bundle-reencoded"
            )
        })
        .collect()
}

/// The layout `inspect --format json` reports.
pub(crate) fn layout(bundle: &Path) -> String {
    let out = osb()
        .args(["inspect", "--format", "json"])
        .arg(bundle)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["layout"].as_str().unwrap_or_default().to_string()
}

fn built(tmp: &Path) -> PathBuf {
    let profile = make_profile(tmp, 7, 50_000);
    build(&profile, &tmp.join("dl"), "2")
}

#[test]
fn recompressed_own_bundles_verify_with_a_reencoded_warning() {
    let tmp = TempDir::new().unwrap();
    let bundle = built(tmp.path());
    let dl = bundle.parent().unwrap();
    let mut variants = vec![
        ("gzip-9", format!("gzip -dc {NAME} | gzip -9 > gzip9.tar.gz")),
        ("gzip-n", format!("gzip -dc {NAME} | gzip -n > gzipn.tar.gz")),
        ("members", format!("gzip -dc {NAME} | head -c 20000 | gzip > members.tar.gz && gzip -dc {NAME} | tail -c +20001 | gzip >> members.tar.gz")),
    ];
    if have("pigz") {
        variants.push(("pigz", format!("gzip -dc {NAME} | pigz -p 2 > pigz.tar.gz")));
    } else {
        eprintln!("pigz not installed: its case skipped");
    }
    for (case, script) in variants {
        sh(&script, dl);
        let file = dl.join(script.rsplit("> ").next().unwrap().trim());
        let (code, findings) = verify_json(&file, &[]);
        assert_eq!(code, 0, "{case}: {findings:?}");
        assert!(errors(&findings).is_empty(), "{case}: {findings:?}");
        assert!(
            findings.iter().any(|(r, _)| r == "bundle-reencoded"),
            "{case}: {findings:?}"
        );
        assert_eq!(verify_json(&file, &["--strict"]).0, 1, "{case}");
        assert_eq!(layout(&file), "osbundle", "{case}");
        let out = tmp.path().join(format!("x-{case}"));
        fs::create_dir(&out).unwrap();
        osb()
            .args(["extract", "-C"])
            .arg(&out)
            .arg(&file)
            .assert()
            .success();
    }
    assert_eq!(layout(&bundle), "osbundle");
}

#[test]
fn a_bundle_re_tarred_after_extraction_verifies_as_foreign() {
    let tmp = TempDir::new().unwrap();
    let bundle = built(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    osb()
        .args(["extract", "-C"])
        .arg(&out)
        .arg(&bundle)
        .assert()
        .success();
    let folder = NAME.trim_end_matches(".tar.gz");
    sh(
        &format!(
            "tar czf ../retar.tar.gz {folder} && tar czf ../dot.tar.gz -C {folder} . && cd .. && \
             sha256sum retar.tar.gz > retar.tar.gz.sha256 && sha256sum dot.tar.gz > dot.tar.gz.sha256"
        ),
        &out,
    );
    for name in ["retar.tar.gz", "dot.tar.gz"] {
        let file = tmp.path().join(name);
        let (code, findings) = verify_json(&file, &[]);
        assert_eq!(code, 0, "{name}: {findings:?}");
        assert!(errors(&findings).is_empty(), "{name}: {findings:?}");
        // Every file is in SHA256SUMS but the profile.json that extract rebuilt.
        let out = osb().arg("verify").arg(&file).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let unverified: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("warning[bundle-unverified]"))
            .collect();
        assert!(
            unverified.len() <= 1
                && unverified
                    .iter()
                    .all(|l| l.contains("1 of its") && l.contains("profile.json")),
            "{name}: {text}"
        );
        assert_eq!(layout(&file), "foreign", "{name}");
        let target = tmp.path().join(format!("x-{name}"));
        fs::create_dir(&target).unwrap();
        osb()
            .args(["extract", "-C"])
            .arg(&target)
            .arg(&file)
            .assert()
            .success();
    }
}

/// A profile directory with a `SHA256SUMS` of every file, by `sha256sum`.
fn summed_profile(tmp: &Path) -> PathBuf {
    let profile = make_profile(tmp, 9, 20_000);
    sh(
        "find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS",
        &profile,
    );
    profile
}

#[test]
fn a_tar_czf_profile_with_sha256sums_is_covered_and_changes_are_caught() {
    let tmp = TempDir::new().unwrap();
    let profile = summed_profile(tmp.path());
    let name = profile.file_name().unwrap().to_string_lossy().into_owned();
    sh(
        &format!("tar czf good.tar.gz {name} && sha256sum good.tar.gz > good.tar.gz.sha256"),
        tmp.path(),
    );
    let good = tmp.path().join("good.tar.gz");
    let (code, findings) = verify_json(&good, &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(
        !findings
            .iter()
            .any(|(r, _)| r == "bundle-unverified" || r == "download-unverified"),
        "{findings:?}"
    );
    assert!(findings.iter().any(|(r, _)| r == "bundle-foreign"));
    assert_eq!(layout(&good), "foreign");
    // One changed byte in a listed file.
    let nic = profile.join("drivers/nic.zip");
    let mut bytes = fs::read(&nic).unwrap();
    bytes[100] ^= 1;
    fs::write(&nic, &bytes).unwrap();
    sh(&format!("tar czf changed.tar.gz {name}"), tmp.path());
    let (code, findings) = verify_json(&tmp.path().join("changed.tar.gz"), &[]);
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, p)| r == "bundle-checksum-mismatch" && p.ends_with("drivers/nic.zip")),
        "{findings:?}"
    );
    // One listed file missing.
    fs::remove_file(&nic).unwrap();
    sh(&format!("tar czf missing.tar.gz {name}"), tmp.path());
    let (code, findings) = verify_json(&tmp.path().join("missing.tar.gz"), &[]);
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, p)| r == "bundle-missing-entry" && p.ends_with("drivers/nic.zip")),
        "{findings:?}"
    );
    // Without any checksum inside: one warning says nothing is covered.
    fs::remove_file(profile.join("SHA256SUMS")).unwrap();
    sh(
        &format!("tar czf bare.tar.gz {name} && sha256sum bare.tar.gz > bare.tar.gz.sha256"),
        tmp.path(),
    );
    let (code, findings) = verify_json(&tmp.path().join("bare.tar.gz"), &[]);
    assert_eq!(code, 0);
    let unverified: Vec<_> = findings
        .iter()
        .filter(|(r, _)| r == "bundle-unverified")
        .collect();
    assert_eq!(unverified.len(), 1, "{findings:?}");
}

#[test]
fn the_downloads_own_checksum_is_checked() {
    let tmp = TempDir::new().unwrap();
    let profile = summed_profile(tmp.path());
    let name = profile.file_name().unwrap().to_string_lossy().into_owned();
    let dl = tmp.path().join("dl");
    fs::create_dir(&dl).unwrap();
    sh(
        &format!("tar czf dl/x.tar.gz {name} && cd dl && sha256sum x.tar.gz > x.tar.gz.sha256"),
        tmp.path(),
    );
    let file = dl.join("x.tar.gz");
    assert_eq!(verify_json(&file, &[]).0, 0);
    let wrong = "0".repeat(64);
    fs::write(dl.join("x.tar.gz.sha256"), format!("{wrong}  x.tar.gz\n")).unwrap();
    let (code, findings) = verify_json(&file, &[]);
    assert_eq!(code, 1);
    assert!(findings
        .iter()
        .any(|(r, _)| r == "bundle-checksum-mismatch"));
    // SHA512SUMS in the folder naming the file.
    fs::remove_file(dl.join("x.tar.gz.sha256")).unwrap();
    sh("sha512sum x.tar.gz > SHA512SUMS", &dl);
    assert_eq!(verify_json(&file, &[]).0, 0);
    sh("echo 00 | cat - x.tar.gz > y.tmp; sha512sum y.tmp | sed 's/y.tmp/x.tar.gz/' > SHA512SUMS; rm y.tmp", &dl);
    let (code, findings) = verify_json(&file, &[]);
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, _)| r == "bundle-checksum-mismatch"),
        "{findings:?}"
    );
    fs::remove_file(dl.join("SHA512SUMS")).unwrap();
    // --expect-sha256.
    let (code, _) = verify_json(&file, &["--expect-sha256", &wrong]);
    assert_eq!(code, 1);
    let (code, findings) = verify_json(&file, &[]);
    assert_eq!(code, 0);
    assert!(
        findings.iter().any(|(r, _)| r == "download-unverified"),
        "absence is a note"
    );
    osb()
        .args(["verify", "--expect-sha256", "xyz"])
        .arg(&file)
        .assert()
        .code(2);
}

#[test]
fn one_bundles_failure_never_hides_anothers_findings() {
    let tmp = TempDir::new().unwrap();
    let good = built(tmp.path());
    let bad = tmp.path().join("bad.tar.gz");
    let mut bytes = fs::read(&good).unwrap();
    let half = bytes.len() / 2;
    bytes.truncate(half);
    fs::write(&bad, &bytes).unwrap();
    let garbage = tmp.path().join("garbage.tar.gz");
    fs::write(&garbage, b"\x1f\x8b\x08\x00not really").unwrap();
    let out = osb()
        .args(["verify", "--format", "json"])
        .arg(&good)
        .arg(&bad)
        .arg(&garbage)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.ends_with("bad.tar.gz")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("garbage.tar.gz")),
        "{paths:?}"
    );
    assert_eq!(doc["summary"]["checked"], 3);
}

#[test]
fn foreign_extraction_meets_the_data_filter() {
    let tmp = TempDir::new().unwrap();
    let src = tmp.path().join("src");
    fs::create_dir_all(src.join("drivers/sub")).unwrap();
    fs::write(
        src.join("drivers/sub/nic.zip"),
        crate::util::stored_zip(b"zip"),
    )
    .unwrap();
    fs::write(src.join("run.sh"), b"#!/bin/sh\n").unwrap();
    sh(
        "chmod 4777 run.sh && mkdir empty && tar czf ../modes.tar.gz .",
        &src,
    );
    let file = tmp.path().join("modes.tar.gz");
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let run = osb()
        .args(["extract", "--format", "json", "-C"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"bundle-mode-cleared"), "{rules:?}");
    let root = out.join("modes");
    assert_eq!(
        fs::read(root.join("drivers/sub/nic.zip")).unwrap(),
        crate::util::stored_zip(b"zip")
    );
    assert!(root.join("empty").is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root.join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7022, 0, "{mode:o}");
    }
    // Links stay refused, and nothing is left behind.
    sh("ln -s run.sh link && tar czf ../link.tar.gz .", &src);
    let out2 = tmp.path().join("out2");
    fs::create_dir(&out2).unwrap();
    osb()
        .args(["extract", "-C"])
        .arg(&out2)
        .arg(tmp.path().join("link.tar.gz"))
        .assert()
        .code(1);
    assert_eq!(fs::read_dir(&out2).unwrap().count(), 0);
}

/// Messages in the user's words: a folder entry is a folder entry, a sparse file is
/// sparse.
#[test]
fn refusals_name_the_real_reason() {
    let tmp = TempDir::new().unwrap();
    let src = tmp.path().join("src");
    fs::create_dir_all(src.join("drivers")).unwrap();
    fs::write(src.join("metadata.json"), b"{}").unwrap();
    fs::write(src.join("drivers/nic.zip"), crate::util::stored_zip(b"zip")).unwrap();
    sh("tar czf ../dirs.tar.gz metadata.json drivers", &src);
    let out = osb()
        .args(["verify"])
        .arg(tmp.path().join("dirs.tar.gz"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a folder entry"), "{text}");
    assert!(!text.contains("empty path component"), "{text}");
    sh(
        "truncate -s 1M holes && printf x >> holes && tar --sparse -czf ../sparse.tar.gz holes",
        &src,
    );
    let out = osb()
        .args(["verify"])
        .arg(tmp.path().join("sparse.tar.gz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sparse file"), "{text}");
}

/// A foreign export says each fact once: one `bundle-foreign` note (the layout, the
/// unknown OS, the files of no kind), the download's missing checksum once; `-q`
/// drops every note and the summary (`verify`, `diff`).
#[test]
fn a_foreign_export_says_each_fact_once_and_quiet_drops_the_notes() {
    let tmp = TempDir::new().unwrap();
    let profile = super::util::testdata("profiles/win2016-datacenter");
    sh(
        &format!(
            "cp -r '{}' export && rm export/profile.json && printf 'hi\\n' > export/notes.txt && tar czf export.tgz export",
            profile.display()
        ),
        tmp.path(),
    );
    let text = |args: &[&str]| {
        let out = osb().args(args).current_dir(tmp.path()).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {out:?}"
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let shown = text(&["verify", "export.tgz"]);
    let lines: Vec<&str> = shown.lines().collect();
    let foreign = lines
        .iter()
        .filter(|l| l.contains("[bundle-foreign]"))
        .count();
    assert_eq!(foreign, 1, "one note for the layout facts:\n{shown}");
    let download = lines.iter().filter(|l| l.contains("download")).count();
    assert_eq!(download, 1, "the download's checksum, once:\n{shown}");
    let note = lines
        .iter()
        .find(|l| l.contains("[bundle-foreign]"))
        .unwrap();
    for fact in [
        "foreign export",
        "no OS known",
        "1 file is in no kind folder",
    ] {
        assert!(note.contains(fact), "{fact}: {note}");
    }
    assert!(shown.contains("checked 1 bundle"), "{shown}");

    for args in [
        &["verify", "-q", "export.tgz"][..],
        &["diff", "-q", "export.tgz", "export.tgz"],
    ] {
        let quiet = text(args);
        assert!(!quiet.contains("note["), "{args:?}:\n{quiet}");
        assert!(!quiet.contains("download"), "{args:?}:\n{quiet}");
        assert!(
            !quiet.lines().any(|l| l.starts_with("checked ")),
            "{args:?}:\n{quiet}"
        );
    }
    // The same in GitHub workflow commands: warnings stay, notices and summary go.
    let github = text(&["verify", "-q", "--format", "github", "export.tgz"]);
    assert!(github.contains("::warning "), "{github}");
    assert!(!github.contains("::notice "), "{github}");
    assert!(!github.contains("checked "), "{github}");
}
