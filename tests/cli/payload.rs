//! Payload content (`payload-*` rules): the binary examples of a download gone
//! wrong fail `check`, `build` and `verify` with the same rule; real fixtures made by
//! `zip`, `rpmbuild` and `genisoimage`, then truncated or corrupted, get the verdicts
//! `unzip -t`, `rpm -K` and `isoinfo -d` give them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{rules_and_paths, run, run_json, TestDir};
use osbundle_formats::testing::ar_archive;

const WIN: &str = r#"{"name": "p", "os": "win", "release": "2016"}"#;
const RHELS: &str = r#"{"name": "p", "os": "rhels", "release": "7.5"}"#;
const SLES: &str = r#"{"name": "p", "os": "sles", "release": "15"}"#;
const HTML: &str = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n";

/// Whether the peer `tool` is installed. Under CI=true a missing peer fails the test
/// and says what to install; elsewhere the test is skipped with a note.
fn peer(tool: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is missing: install {package} (.ci/install-peers does)"
        );
        eprintln!("skipped: {tool} is not installed (package {package})");
    }
    found
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `(rule, path)` pairs of payload findings of `check` on `paths`, with `args`.
fn payload_findings(
    t: &TestDir,
    args: &[&str],
    paths: &[&Path],
    code: i32,
) -> Vec<(String, String)> {
    let mut cmd = t.cmd();
    cmd.arg("check").args(args).args(paths);
    let doc = run_json(&mut cmd, code);
    rules_and_paths(&doc, t.path())
        .into_iter()
        .filter(|(r, _)| r.starts_with("payload-"))
        .collect()
}

fn pair(rule: &str, path: &str) -> (String, String) {
    (rule.to_string(), path.to_string())
}

#[test]
fn the_binary_examples_of_a_download_gone_wrong_fail_check_and_build() {
    let t = TestDir::new();
    let win = t.profile_raw(
        "win",
        WIN,
        &[("drivers/nic.zip", HTML), ("software/tools.zip", "")],
    );
    let truncated_iso = vec![0u8; 20 * 1024];
    let rhels = t.profile_raw(
        "rhels",
        RHELS,
        &[("drivers/dd.rpm", HTML), ("drivers/empty.iso", "")],
    );
    t.write_raw("rhels/drivers/cut.iso", &truncated_iso);
    // The old example's bytes: a gzip magic re-encoded as UTF-8 text; and a gzip cut
    // after its header.
    let sles = t.profile_raw("sles", SLES, &[("software/jre.tar.gz", "\x1f\u{8b}")]);
    t.write_raw(
        "sles/software/cut.tar.gz",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed",
    );
    let found = payload_findings(&t, &[], &[&win, &rhels, &sles], 1);
    assert_eq!(
        found,
        [
            pair("payload-corrupt", "rhels/drivers/cut.iso"),
            pair("payload-type-mismatch", "rhels/drivers/dd.rpm"),
            pair("payload-empty", "rhels/drivers/empty.iso"),
            pair("payload-corrupt", "sles/software/cut.tar.gz"),
            pair("payload-type-mismatch", "sles/software/jre.tar.gz"),
            pair("payload-type-mismatch", "win/drivers/nic.zip"),
            pair("payload-empty", "win/software/tools.zip"),
        ]
    );
    // The messages say what the bytes are.
    let out = run(t.cmd().args(["check", "win"]), 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("an HTML page, not a zip: a download that returned a login or error page?"),
        "{text}"
    );
    // build refuses what check refuses.
    for (dir, rule) in [
        (&win, "payload-type-mismatch"),
        (&rhels, "payload-corrupt"),
        (&sles, "payload-corrupt"),
    ] {
        let mut cmd = t.cmd();
        cmd.arg("build").arg(dir).args(["-o", "dist"]);
        let doc = run_json(&mut cmd, 1);
        let rules: Vec<String> = rules_and_paths(&doc, t.path())
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert!(rules.iter().any(|r| r == rule), "{dir:?}: {rules:?}");
        assert!(
            !t.path().join("dist").exists()
                || std::fs::read_dir(t.path().join("dist"))
                    .unwrap()
                    .next()
                    .is_none()
        );
    }
}

/// A zip of Windows driver files, made by `zip`.
fn driver_zip(t: &TestDir, name: &str, with_inf: bool) -> PathBuf {
    let src = t.path().join(format!("src-{name}"));
    std::fs::create_dir_all(&src).unwrap();
    let data: String = (0..4000)
        .map(|i| format!("line {i} of a driver file\n"))
        .collect();
    std::fs::write(src.join("nic.sys"), &data).unwrap();
    if with_inf {
        std::fs::write(src.join("nic.inf"), "[Version]\r\nClass=Net\r\n").unwrap();
    }
    let out = t.path().join(name);
    sh(&src, &format!("zip -q -X -r {} .", out.display()));
    out
}

fn unzip_ok(path: &Path) -> bool {
    Command::new("unzip")
        .args(["-tqq"])
        .arg(path)
        .output()
        .expect("unzip runs")
        .status
        .success()
}

#[test]
fn zips_agree_with_unzip_t_whole_truncated_and_corrupted() {
    if !peer("zip", "zip") || !peer("unzip", "unzip") {
        return;
    }
    let t = TestDir::new();
    let good = driver_zip(&t, "good.zip", true);
    let bytes = std::fs::read(&good).unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = vec![("whole".into(), bytes.clone())];
    for cut in [22, bytes.len() / 2, bytes.len() - 30, bytes.len() - 1] {
        cases.push((format!("cut at {cut}"), bytes[..cut].to_vec()));
    }
    // A byte in the middle of nic.sys's deflate data: only a CRC (or inflate) sees it.
    let mut flipped = bytes.clone();
    flipped[200] ^= 0x55;
    cases.push(("flipped data byte".into(), flipped));
    for (what, data) in cases {
        let name = format!("p/drivers/{}.zip", what.replace(' ', "-"));
        let path = t.write_raw(&name, &data);
        let peer_ok = unzip_ok(&path);
        for deep in [false, true] {
            let mut cmd = t.cmd();
            cmd.args([
                "check",
                "--os",
                "win",
                "--release",
                "2016",
                "--kind",
                "driver",
            ]);
            if deep {
                cmd.arg("--deep");
            }
            cmd.arg(&path);
            let out = cmd.output().unwrap();
            let ours_ok = !String::from_utf8_lossy(&out.stdout).contains("error[payload-");
            if deep || !peer_ok && what.starts_with("cut") {
                assert_eq!(
                    ours_ok,
                    peer_ok,
                    "{what} (deep {deep}): unzip -t says ok={peer_ok}\n{}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
    }
    // No .inf in a Windows driver zip.
    let no_inf = driver_zip(&t, "noinf.zip", false);
    let dir = t.profile("w", WIN, &[]);
    std::fs::copy(&no_inf, dir.join("drivers/x.zip")).unwrap_or_else(|_| {
        std::fs::create_dir_all(dir.join("drivers")).unwrap();
        std::fs::copy(&no_inf, dir.join("drivers/x.zip")).unwrap()
    });
    assert_eq!(
        payload_findings(&t, &[], &[&dir], 1),
        [pair("payload-content-missing", "w/drivers/x.zip")]
    );
}

#[test]
fn unsafe_zip_entries_are_refused() {
    if !peer("zip", "zip") {
        return;
    }
    let t = TestDir::new();
    let src = t.path().join("deep/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(t.path().join("deep/evil.inf"), "x").unwrap();
    // zip keeps ../ when given it (it warns).
    sh(&src, "zip -q ../../evil.zip ../evil.inf");
    let dir = t.profile("w", WIN, &[]);
    std::fs::create_dir_all(dir.join("drivers")).unwrap();
    std::fs::copy(t.path().join("evil.zip"), dir.join("drivers/evil.zip")).unwrap();
    let found = payload_findings(&t, &[], &[&dir], 1);
    assert_eq!(found, [pair("payload-unsafe-entry", "w/drivers/evil.zip")]);
}

fn rpm_package(t: &TestDir) -> PathBuf {
    let top = t.path().join("rpmbuild");
    std::fs::create_dir_all(top.join("SPECS")).unwrap();
    std::fs::write(
        top.join("SPECS/p.spec"),
        "Name: dd-test\nVersion: 1\nRelease: 1\nSummary: t\nLicense: MIT\nBuildArch: noarch\n%description\nt\n%install\nmkdir -p %{buildroot}/opt/t\nhead -c 200000 /dev/urandom > %{buildroot}/opt/t/blob\n%files\n/opt/t/blob\n",
    )
    .unwrap();
    sh(
        t.path(),
        &format!(
            "rpmbuild -bb --quiet --define '_topdir {}' rpmbuild/SPECS/p.spec",
            top.display()
        ),
    );
    top.join("RPMS/noarch/dd-test-1-1.noarch.rpm")
}

fn rpm_k_ok(path: &Path) -> bool {
    Command::new("rpm")
        .args(["-K", "--nosignature"])
        .arg(path)
        .output()
        .expect("rpm runs")
        .status
        .success()
}

#[test]
fn rpms_agree_with_rpm_k_whole_truncated_and_corrupted() {
    if !peer("rpmbuild", "rpm") || !peer("rpm", "rpm") {
        return;
    }
    let t = TestDir::new();
    let bytes = std::fs::read(rpm_package(&t)).unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = vec![("whole".into(), bytes.clone())];
    for cut in [50, 500, 3000, bytes.len() / 2, bytes.len() - 1] {
        cases.push((format!("cut at {cut}"), bytes[..cut].to_vec()));
    }
    let mut flipped = bytes.clone();
    let at = bytes.len() - 1000;
    flipped[at] ^= 1;
    cases.push(("payload byte flipped".into(), flipped));
    for (what, data) in cases {
        let path = t.write_raw(&format!("r/{}.rpm", what.replace(' ', "-")), &data);
        let peer_ok = rpm_k_ok(&path);
        let mut cmd = t.cmd();
        cmd.args([
            "check",
            "--deep",
            "--os",
            "rhels",
            "--release",
            "7.5",
            "--kind",
            "driver",
        ])
        .arg(&path);
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ours_ok = !stdout.contains("error[payload-");
        assert_eq!(
            ours_ok, peer_ok,
            "{what}: rpm -K says ok={peer_ok}\n{stdout}"
        );
        if what.starts_with("cut") {
            // Truncation is seen without --deep too: the sizes in the headers.
            let mut cmd = t.cmd();
            cmd.args([
                "check",
                "--os",
                "rhels",
                "--release",
                "7.5",
                "--kind",
                "driver",
            ])
            .arg(&path);
            let out = cmd.output().unwrap();
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("error[payload-corrupt]"),
                "{what}"
            );
        }
    }
}

#[test]
fn isos_agree_with_isoinfo_d_on_the_volume_size() {
    if !peer("genisoimage", "genisoimage") || !peer("isoinfo", "genisoimage") {
        return;
    }
    let t = TestDir::new();
    t.write("iso-src/dd/README", "driver disk\n");
    t.write("iso-src/dd/blob", vec![7u8; 300_000]);
    sh(t.path(), "genisoimage -quiet -V DD -o dd.iso iso-src");
    let bytes = std::fs::read(t.path().join("dd.iso")).unwrap();
    let info = Command::new("isoinfo")
        .args(["-d", "-i"])
        .arg(t.path().join("dd.iso"))
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| -> u64 {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("isoinfo -d prints {name}\n{info}"))
    };
    let size = field("Volume size is:") * field("Logical block size is:");
    for cut in [
        bytes.len(),
        size as usize,
        size as usize - 1,
        40_000,
        20 * 1024,
    ] {
        let path = t.write_raw(&format!("i/cut-{cut}.iso"), &bytes[..cut.min(bytes.len())]);
        let mut cmd = t.cmd();
        cmd.args([
            "check",
            "--os",
            "rhels",
            "--release",
            "7.5",
            "--kind",
            "driver",
        ])
        .arg(&path);
        let out = cmd.output().unwrap();
        let ours_ok = !String::from_utf8_lossy(&out.stdout).contains("error[payload-");
        assert_eq!(
            ours_ok,
            cut as u64 >= size,
            "cut at {cut}, isoinfo -d volume {size} bytes"
        );
    }
}

#[test]
fn a_broken_payload_inside_a_foreign_tar_czf_export_fails_verify_with_the_same_rule() {
    if !peer("zip", "zip") {
        return;
    }
    let t = TestDir::new();
    let good = driver_zip(&t, "good.zip", true);
    let bytes = std::fs::read(&good).unwrap();
    let export = t.path().join("export");
    std::fs::create_dir_all(export.join("drivers")).unwrap();
    std::fs::write(export.join("profile.json"), WIN).unwrap();
    std::fs::write(export.join("drivers/good.zip"), &bytes).unwrap();
    std::fs::write(export.join("drivers/cut.zip"), &bytes[..bytes.len() - 10]).unwrap();
    std::fs::write(export.join("drivers/page.zip"), HTML).unwrap();
    let mut flipped = bytes.clone();
    flipped[200] ^= 0x55;
    std::fs::write(export.join("drivers/flipped.zip"), &flipped).unwrap();
    sh(t.path(), "tar czf export.tar.gz -C export .");
    let tarball = t.path().join("export.tar.gz");
    let verify = |deep: bool| {
        let mut cmd = t.cmd();
        cmd.arg("verify");
        if deep {
            cmd.arg("--deep");
        }
        cmd.arg(&tarball);
        let doc = run_json(&mut cmd, 1);
        rules_and_paths(&doc, t.path())
            .into_iter()
            .filter(|(r, _)| r.starts_with("payload-"))
            .collect::<Vec<_>>()
    };
    let base = "export.tar.gz/drivers";
    assert_eq!(
        verify(false),
        [
            pair("payload-corrupt", &format!("{base}/cut.zip")),
            pair("payload-type-mismatch", &format!("{base}/page.zip")),
        ]
    );
    assert_eq!(
        verify(true),
        [
            pair("payload-corrupt", &format!("{base}/cut.zip")),
            pair("payload-corrupt", &format!("{base}/flipped.zip")),
            pair("payload-type-mismatch", &format!("{base}/page.zip")),
        ]
    );
    // The same files checked as a profile directory: the same rules.
    let found = payload_findings(&t, &["--deep"], &[&export], 1);
    assert_eq!(
        found,
        [
            pair("payload-corrupt", "export/drivers/cut.zip"),
            pair("payload-corrupt", "export/drivers/flipped.zip"),
            pair("payload-type-mismatch", "export/drivers/page.zip"),
        ]
    );
}

#[test]
fn an_osbundle_bundle_built_with_force_carries_its_broken_payload_into_verify() {
    let t = TestDir::new();
    let dir = t.profile_raw("p", WIN, &[("drivers/nic.zip", HTML)]);
    let mut cmd = t.cmd();
    cmd.env("SOURCE_DATE_EPOCH", "1482113961")
        .arg("build")
        .arg(&dir)
        .args(["--force", "-o", "dist"]);
    run(&mut cmd, 1);
    let bundle = std::fs::read_dir(t.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .unwrap();
    let mut cmd = t.cmd();
    cmd.arg("verify").arg(&bundle);
    let doc = run_json(&mut cmd, 1);
    let rules: Vec<String> = rules_and_paths(&doc, t.path())
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert!(
        rules.contains(&"payload-type-mismatch".to_string()),
        "{rules:?}"
    );
}

#[test]
fn the_test_helpers_zip_frame_passes_a_cheap_check_and_fails_a_deep_one() {
    // The frame the interrupt tests stream a large driver through.
    let t = TestDir::new();
    let (head, tail) = crate::util::stored_zip_frame(5);
    let mut bytes = head;
    bytes.extend_from_slice(b"12345");
    bytes.extend_from_slice(&tail);
    let path = t.write_raw("w/drivers/frame.zip", &bytes);
    let mut cmd = t.cmd();
    cmd.args(["check", "--os", "win", "--release", "2016"])
        .arg(&path);
    run(&mut cmd, 0);
    let mut cmd = t.cmd();
    cmd.args(["check", "--deep", "--os", "win", "--release", "2016"])
        .arg(&path);
    let out = run(&mut cmd, 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("CRC-32"));
    let whole = t.write_raw("w/drivers/whole.zip", crate::util::stored_zip(b"abc"));
    let mut cmd = t.cmd();
    cmd.args(["check", "--deep", "--os", "win", "--release", "2016"])
        .arg(&whole);
    run(&mut cmd, 0);
}

#[test]
fn esxi_drivers_are_offline_bundles_or_well_formed_vibs() {
    let t = TestDir::new();
    let dir = t.profile_raw("e", r#"{"name": "e", "os": "esxi", "release": "6.7"}"#, &[]);
    t.write_raw("e/drivers/not-a-bundle.zip", crate::util::stored_zip(b"x"));
    t.write_raw(
        "e/drivers/good.vib",
        ar_archive(&[
            (
                "descriptor.xml",
                b"<vib version=\"5.0\"><name>nic</name></vib>",
            ),
            ("sig.pkcs7", b""),
        ]),
    );
    t.write_raw(
        "e/drivers/bad.vib",
        ar_archive(&[("descriptor.xml", b"<vib>\n<name>nic</nam></vib>")]),
    );
    t.write_raw("e/drivers/none.vib", ar_archive(&[("payload1", b"x")]));
    t.write_raw(
        "e/drivers/cut.vib",
        &ar_archive(&[("descriptor.xml", b"<vib/>"), ("payload1", b"xyz")])[..80],
    );
    let found = payload_findings(&t, &[], &[&dir], 1);
    assert_eq!(
        found,
        [
            pair("payload-corrupt", "e/drivers/bad.vib"),
            pair("payload-corrupt", "e/drivers/cut.vib"),
            pair("payload-content-missing", "e/drivers/none.vib"),
            pair("payload-content-missing", "e/drivers/not-a-bundle.zip"),
        ]
    );
    let out = run(t.cmd().args(["check", "e"]), 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("index.xml and metadata.zip"), "{text}");
    assert!(
        text.contains("descriptor.xml is not well-formed XML: 2:"),
        "{text}"
    );
}
