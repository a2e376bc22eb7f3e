//! Integration tests of `build`, `verify`, `inspect` and `extract` over the real
//! binary: round trips on generated profiles, reproducible rebuilds, seeded one-byte
//! corruption, truncation, and a corpus of hostile archives made with the `tar`
//! crate's raw header API.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::stored_zip;
use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const EPOCH: &str = "1482113961"; // 2016-12-19 02:19:21 UTC -> 2016121921921
pub(super) const NAME: &str = "2016121921921_Custom-2016-datacenter-profile.tar.gz";

pub(super) fn osb() -> Command {
    let mut cmd = Command::cargo_bin("osbundle").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", EPOCH).env_remove("NO_COLOR");
    cmd
}

/// SplitMix64: a seeded generator, enough for offsets and content.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Semi-compressible bytes: words from a small vocabulary mixed with noise.
fn content(rng: &mut Rng, len: usize) -> Vec<u8> {
    const WORDS: [&str; 8] = [
        "driver ",
        "lenovo ",
        "xclarity ",
        "0x1f8b ",
        "profile ",
        "\n",
        "win2016 ",
        "sles ",
    ];
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        if rng.below(4) == 0 {
            out.push(rng.next() as u8);
        } else {
            out.extend_from_slice(WORDS[rng.below(8) as usize].as_bytes());
        }
    }
    out.truncate(len);
    out
}

/// A Windows 2016 profile with a driver, a boot file, a config file, a script and
/// an unattend file that uses a macro of that config file.
pub(super) fn make_profile(root: &Path, seed: u64, driver_size: usize) -> PathBuf {
    let dir = root.join("win2016-custom");
    let mut rng = Rng(seed);
    for sub in ["drivers", "boot", "config", "scripts", "unattend"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
    }
    fs::write(
        dir.join("profile.json"),
        r#"{"name": "Custom-2016-datacenter-profile", "os": "win", "release": "2016",
  "baseProfile": "win2016|win2016-x86_64-install-Standard_core",
  "predefinedBootFileIds": ["winpe-64-base"], "deployDataAndSoftwareLocation": "C:\\lxca"}"#,
    )
    .unwrap();
    fs::write(
        dir.join("drivers/nic.zip"),
        stored_zip(&content(&mut rng, driver_size)),
    )
    .unwrap();
    fs::write(
        dir.join("drivers/storage raid.zip"),
        stored_zip(&content(&mut rng, 3000)),
    )
    .unwrap();
    fs::write(
        dir.join("boot/winpe.zip"),
        stored_zip(&content(&mut rng, 5000)),
    )
    .unwrap();
    fs::write(
        dir.join("config/settings.json"),
        r#"{"category": "dynamic", "name": "server-settings", "type": "array", "template": [{"category": "dynamic", "name": "locale", "type": "string", "value": "en-US"}]}"#,
    )
    .unwrap();
    fs::write(
        dir.join("scripts/post.ps1"),
        "Write-Host '#predefined.globalSettings.ipAssignment#'\n",
    )
    .unwrap();
    fs::write(
        dir.join("unattend/unattend.xml"),
        "<unattend xmlns='urn:schemas-microsoft-com:unattend'>#predefined.globalSettings.ipAssignment#</unattend>\n",
    )
    .unwrap();
    dir
}

pub(super) fn build(profile: &Path, out: &Path, jobs: &str) -> PathBuf {
    fs::create_dir_all(out).unwrap();
    osb()
        .args(["build", "--jobs", jobs, "-o"])
        .arg(out)
        .arg(profile)
        .assert()
        .success();
    out.join(NAME)
}

pub(super) fn verify_json(bundle: &Path, extra: &[&str]) -> (i32, Vec<(String, String)>) {
    let out = osb()
        .args(["verify", "--format", "json"])
        .args(extra)
        .arg(bundle)
        .output()
        .unwrap();
    let code = out.status.code().expect("exit code, not a signal");
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code, findings)
}

fn rules(findings: &[(String, String)]) -> Vec<&str> {
    findings.iter().map(|(r, _)| r.as_str()).collect()
}

/// Every file below `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            out.push((rel, fs::read(entry.path()).unwrap()));
        }
    }
    out
}

#[test]
fn round_trip_build_verify_inspect_extract() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 1, 700_000);
    let bundle = build(&profile, &tmp.path().join("dl"), "2");
    let side = fs::read_to_string(bundle.with_file_name(format!("{NAME}.sha256"))).unwrap();
    assert!(side.ends_with(&format!("  {NAME}\n")), "{side}");

    let (code, findings) = verify_json(&bundle, &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:?}");

    let out = osb()
        .args(["inspect", "--format", "json"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "metadata.json",
            "boot/winpe.zip",
            "config/settings.json",
            "drivers/nic.zip",
            "drivers/storage raid.zip",
            "scripts/post.ps1",
            "unattend/unattend.xml",
            "SHA256SUMS",
            "CHECKSUM"
        ]
    );
    assert_eq!(
        doc["metadata"]["id"],
        "win2016|Custom-2016-datacenter-profile"
    );
    assert_eq!(
        doc["metadata"]["customizationOptions"]["driverOptions"]["driverFileIds"][0],
        "2016121921921_nic.zip"
    );
    let text = osb().arg("inspect").arg(&bundle).output().unwrap();
    let listing = String::from_utf8_lossy(&text.stdout);
    assert!(
        listing.lines().any(|l| l.starts_with("driver")
            && l.contains(&format!(" {} ", stored_zip(&[]).len() + 700_000))),
        "{listing}"
    );

    let target = tmp.path().join("x");
    fs::create_dir(&target).unwrap();
    osb()
        .args(["extract", "-C"])
        .arg(&target)
        .arg(&bundle)
        .assert()
        .success();
    let root = target.join(NAME.trim_end_matches(".tar.gz"));
    let extracted = tree(&root);
    for (rel, bytes) in tree(&profile) {
        if rel == "profile.json" {
            continue;
        }
        assert!(extracted.contains(&(rel.clone(), bytes)), "{rel} differs");
    }
    // Only the extracted folder is in the target: no temporary folder is left.
    assert_eq!(fs::read_dir(&target).unwrap().count(), 1);
    // Extracting again refuses to overwrite (exit 2).
    osb()
        .args(["extract", "-C"])
        .arg(&target)
        .arg(&bundle)
        .assert()
        .code(2);
    // `sha256sum -c` accepts the manifest, when the tool exists.
    if let Ok(out) = std::process::Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(&root)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    if let Ok(out) = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(&bundle)
        .output()
    {
        assert!(out.status.success());
    }
}

#[test]
fn rebuilds_are_byte_identical_across_jobs() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 2, 1_100_000);
    let one = fs::read(build(&profile, &tmp.path().join("j1"), "1")).unwrap();
    let two = fs::read(build(&profile, &tmp.path().join("j2"), "2")).unwrap();
    assert!(one == two, "--jobs 1 and --jobs 2 differ");
    // Another time gives another name and other bytes; nothing else is left behind.
    let out = tmp.path().join("later");
    fs::create_dir(&out).unwrap();
    osb()
        .env("SOURCE_DATE_EPOCH", "1517200701")
        .args(["build", "-o"])
        .arg(&out)
        .arg(&profile)
        .assert()
        .success();
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names
        .iter()
        .any(|n| n == "2018012943821_Custom-2016-datacenter-profile.tar.gz"));
}

#[test]
fn build_runs_check_first_and_refuses_errors() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 3, 1000);
    fs::write(profile.join("drivers/nic.exe"), "x").unwrap();
    let out = tmp.path().join("dl");
    fs::create_dir(&out).unwrap();
    let res = osb()
        .args(["build", "-o"])
        .arg(&out)
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stdout).contains("extension-not-allowed"));
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0, "nothing written");
    // --force builds all the same; the errors still make the exit code 1.
    osb()
        .args(["build", "--force", "--no-sha256-file", "-o"])
        .arg(&out)
        .arg(&profile)
        .assert()
        .code(1);
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    // Not a profile directory, or a missing one: exit 2.
    osb().args(["build"]).arg(tmp.path()).assert().code(2);
    osb()
        .args(["verify"])
        .arg(tmp.path().join("missing.tar.gz"))
        .assert()
        .code(2);
}

#[test]
fn one_byte_corruption_anywhere_is_caught() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 4, 150_000);
    let bundle = build(&profile, &tmp.path().join("dl"), "2");
    let good = fs::read(&bundle).unwrap();
    let bad = tmp.path().join("bad");
    fs::create_dir(&bad).unwrap();
    let target = bad.join("b.tar.gz");
    let mut rng = Rng(0x05b0_0d1e);
    // Every gzip header and trailer byte, and a seeded sample of the rest.
    let mut offsets: Vec<usize> = (0..10).chain(good.len() - 8..good.len()).collect();
    offsets.extend((0..40).map(|_| rng.below(good.len() as u64) as usize));
    for at in offsets {
        let mut damaged = good.clone();
        damaged[at] ^= 1 + rng.below(255) as u8;
        fs::write(&target, &damaged).unwrap();
        if (4..10).contains(&at) {
            // mtime, XFL, OS: still valid gzip, the content intact: a warning that the
            // encoding is not what build writes, an error only with --strict.
            let (code, findings) = verify_json(&target, &[]);
            assert_eq!(code, 0, "byte {at}: {findings:?}");
            let findings: Vec<_> = findings
                .iter()
                .filter(|(r, _)| r != "download-unverified")
                .collect();
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].0, "bundle-reencoded");
            assert_eq!(verify_json(&target, &["--strict"]).0, 1);
            continue;
        }
        let (code, findings) = verify_json(&target, &[]);
        assert_eq!(code, 1, "byte {at} changed, not caught");
        assert!(!findings.is_empty());
        assert!(
            findings.iter().all(|(r, _)| r.starts_with("bundle-")
                || r == "download-unverified"
                || r == "config-invalid-json"
                || r.contains("macro")
                || r.contains("extension")
                || r.contains("kind")),
            "byte {at}: {findings:?}"
        );
    }
    // The .sha256 beside a bundle is checked against the download.
    fs::write(&target, &good).unwrap();
    let side = fs::read_to_string(bundle.with_file_name(format!("{NAME}.sha256"))).unwrap();
    let flipped = if side.starts_with('0') { "1" } else { "0" };
    fs::write(
        bad.join("b.tar.gz.sha256"),
        format!("{flipped}{}", &side[1..]),
    )
    .unwrap();
    let (_, findings) = verify_json(&target, &[]);
    assert!(
        rules(&findings).contains(&"bundle-checksum-mismatch"),
        "{findings:?}"
    );
}

#[test]
fn truncation_is_corrupt() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 5, 200_000);
    let bundle = build(&profile, &tmp.path().join("dl"), "2");
    let good = fs::read(&bundle).unwrap();
    let cut_dir = tmp.path().join("cut");
    fs::create_dir(&cut_dir).unwrap();
    let cut = cut_dir.join("c.tar.gz");
    for len in [
        0,
        1,
        9,
        10,
        100,
        good.len() / 3,
        good.len() / 2,
        good.len() - 9,
        good.len() - 1,
    ] {
        fs::write(&cut, &good[..len]).unwrap();
        let (code, findings) = verify_json(&cut, &[]);
        assert_eq!(code, 1, "cut at {len}");
        assert!(
            rules(&findings).contains(&"bundle-corrupt"),
            "cut at {len}: {findings:?}"
        );
        let target = cut_dir.join(format!("x{len}"));
        fs::create_dir(&target).unwrap();
        osb()
            .args(["extract", "-C"])
            .arg(&target)
            .arg(&cut)
            .assert()
            .code(1);
        assert_eq!(
            fs::read_dir(&target).unwrap().count(),
            0,
            "left behind at {len}"
        );
    }
}

/// One raw tar entry for the hostile corpus.
struct Raw {
    name: Vec<u8>,
    kind: tar::EntryType,
    mode: u32,
    data: Vec<u8>,
    link: Option<&'static str>,
}

fn file(name: &str, data: &[u8]) -> Raw {
    Raw {
        name: name.as_bytes().to_vec(),
        kind: tar::EntryType::Regular,
        mode: 0o644,
        data: data.to_vec(),
        link: None,
    }
}

/// A gzip'd tar of `entries`, names written raw (no checks by the tar crate).
fn hostile(entries: &[Raw]) -> Vec<u8> {
    let mut tar = Vec::new();
    for e in entries {
        let mut h = tar::Header::new_gnu();
        {
            let gnu = h.as_gnu_mut().unwrap();
            gnu.name[..e.name.len()].copy_from_slice(&e.name);
        }
        h.set_entry_type(e.kind);
        h.set_mode(e.mode);
        h.set_size(e.data.len() as u64);
        h.set_mtime(1);
        if let Some(link) = e.link {
            h.set_link_name(link).unwrap();
        }
        h.set_cksum();
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(&e.data);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.extend_from_slice(&[0; 1024]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn assert_refused(tmp: &Path, case: &str, bytes: &[u8], rule: &str, extra: &[&str]) {
    let dir = tmp.join(case);
    let target = dir.join("target");
    fs::create_dir_all(&target).unwrap();
    let bundle = dir.join("b.tar.gz");
    fs::write(&bundle, bytes).unwrap();
    let (code, findings) = verify_json(&bundle, extra);
    assert_eq!(code, 1, "{case}");
    assert!(rules(&findings).contains(&rule), "{case}: {findings:?}");
    osb()
        .args(["extract", "-C"])
        .arg(&target)
        .args(extra)
        .arg(&bundle)
        .assert()
        .code(1);
    assert_eq!(
        fs::read_dir(&target).unwrap().count(),
        0,
        "{case}: target not empty"
    );
    let mut around: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    around.sort();
    assert_eq!(
        around,
        ["b.tar.gz", "target"],
        "{case}: written outside the target"
    );
}

#[test]
fn hostile_archives_are_refused_and_write_nothing() {
    let tmp = TempDir::new().unwrap();
    let t = tmp.path();
    let meta = file("metadata.json", b"{}");
    let special = |name: &str, kind, link| Raw {
        name: name.as_bytes().to_vec(),
        kind,
        mode: 0o644,
        data: vec![],
        link,
    };
    let cases: Vec<(&str, Vec<Raw>, &str)> = vec![
        (
            "traversal",
            vec![file("metadata.json", b"{}"), file("../evil", b"x")],
            "bundle-unsafe-entry",
        ),
        (
            "deep-traversal",
            vec![file("drivers/../../evil", b"x")],
            "bundle-unsafe-entry",
        ),
        (
            "absolute",
            vec![file("/tmp/osbundle-evil", b"x")],
            "bundle-unsafe-entry",
        ),
        (
            "symlink",
            vec![special(
                "drivers/link",
                tar::EntryType::Symlink,
                Some("/etc/passwd"),
            )],
            "bundle-unsafe-entry",
        ),
        (
            "hardlink",
            vec![special(
                "drivers/hard",
                tar::EntryType::Link,
                Some("/etc/passwd"),
            )],
            "bundle-unsafe-entry",
        ),
        (
            "device",
            vec![special("drivers/dev", tar::EntryType::Char, None)],
            "bundle-unsafe-entry",
        ),
        (
            "block",
            vec![special("drivers/blk", tar::EntryType::Block, None)],
            "bundle-unsafe-entry",
        ),
        (
            "fifo",
            vec![special("drivers/fifo", tar::EntryType::Fifo, None)],
            "bundle-unsafe-entry",
        ),
        (
            "duplicate",
            vec![file("drivers/a.zip", b"1"), file("drivers/a.zip", b"2")],
            "bundle-unsafe-entry",
        ),
        (
            "case",
            vec![file("drivers/A.zip", b"1"), file("drivers/a.zip", b"2")],
            "bundle-unsafe-entry",
        ),
        (
            "nfc-nfd",
            vec![
                file("drivers/caf\u{e9}.zip", b"1"),
                file("drivers/cafe\u{301}.zip", b"2"),
            ],
            "bundle-unsafe-entry",
        ),
        (
            "setuid",
            vec![file("metadata.json", b"{}"), Raw {
                mode: 0o4755,
                ..file("scripts/run.sh", b"x")
            }],
            "bundle-unsafe-entry",
        ),
        (
            "setgid",
            vec![file("metadata.json", b"{}"), Raw {
                mode: 0o2755,
                ..file("scripts/run.sh", b"x")
            }],
            "bundle-unsafe-entry",
        ),
        (
            "backslash",
            vec![file("drivers\\..\\evil", b"x")],
            "bundle-unsafe-entry",
        ),
        ("drive", vec![file("C:/evil", b"x")], "bundle-unsafe-entry"),
        (
            "non-utf8",
            vec![Raw {
                name: b"drivers/\xff.zip".to_vec(),
                ..file("x", b"x")
            }],
            "bundle-unsafe-entry",
        ),
        (
            "listed-but-missing",
            vec![
                file("drivers/a.zip", b"1"),
                file(
                    "SHA256SUMS",
                    b"6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b  drivers/a.zip\n\
                      6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b  drivers/gone.zip\n",
                ),
            ],
            "bundle-missing-entry",
        ),
        (
            "stray",
            vec![meta, file("notes.txt", b"1")],
            "bundle-unexpected-entry",
        ),
        (
            "not-json",
            vec![file("metadata.json", b"{oops")],
            "bundle-metadata-invalid",
        ),
    ];
    for (case, entries, rule) in cases {
        assert_refused(t, case, &hostile(&entries), rule, &[]);
    }
    assert!(!Path::new("/tmp/osbundle-evil").exists());
    assert!(!t.join("evil").exists());

    // A gzip bomb: 48 MiB of zeros in a few KiB.
    let mut tar_bytes = Vec::new();
    let mut h = tar::Header::new_ustar();
    h.set_path("software/zeros.zip").unwrap();
    h.set_size(48 << 20);
    h.set_mode(0o644);
    h.set_cksum();
    tar_bytes.extend_from_slice(h.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    gz.write_all(&tar_bytes).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..48 {
        gz.write_all(&zeros).unwrap();
    }
    gz.write_all(&[0; 1024]).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 100_000);
    assert_refused(t, "bomb", &bomb, "bundle-limit-exceeded", &[]);

    // Count and size limits, lowered by options.
    let many: Vec<Raw> = (0..5)
        .map(|i| file(&format!("drivers/{i}.zip"), b"x"))
        .collect();
    assert_refused(
        t,
        "count",
        &hostile(&many),
        "bundle-limit-exceeded",
        &["--max-entries", "3"],
    );
    let big = vec![file("drivers/big.zip", &[7u8; 4096])];
    assert_refused(
        t,
        "size",
        &hostile(&big),
        "bundle-limit-exceeded",
        &["--max-entry-size", "1K"],
    );
    assert_refused(
        t,
        "total",
        &hostile(&many),
        "bundle-limit-exceeded",
        &["--max-total-size", "3"],
    );
    // Not gzip at all, and gzip of garbage.
    assert_refused(
        t,
        "not-gzip",
        b"PK\x03\x04 definitely a zip",
        "bundle-corrupt",
        &[],
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    gz.write_all(&[0x55; 3000]).unwrap();
    assert_refused(
        t,
        "garbage-tar",
        &gz.finish().unwrap(),
        "bundle-corrupt",
        &[],
    );
}

/// Rewrites a built bundle through `edit` (entries as (name, data)), with valid tar
/// and gzip framing, so that only the bundle's own checks can catch the change.
fn repack(bundle: &[u8], edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bundle));
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().display().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        entries.push((name, data));
    }
    edit(&mut entries);
    let raws: Vec<Raw> = entries.iter().map(|(n, d)| file(n, d)).collect();
    hostile(&raws)
}

#[test]
fn tampering_is_reported_with_the_right_rule() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 6, 20_000);
    let bundle = build(&profile, &tmp.path().join("dl"), "1");
    let good = fs::read(&bundle).unwrap();
    let dir = tmp.path().join("t");
    fs::create_dir(&dir).unwrap();
    let check = |case: &str, bytes: Vec<u8>, rule: &str, path_suffix: &str| {
        let p = dir.join(format!("{case}.tar.gz"));
        fs::write(&p, bytes).unwrap();
        let (code, findings) = verify_json(&p, &[]);
        assert_eq!(code, 1, "{case}");
        assert!(
            findings
                .iter()
                .any(|(r, path)| r == rule && path.ends_with(path_suffix)),
            "{case}: {findings:?}"
        );
    };
    let at = |e: &[(String, Vec<u8>)], name: &str| e.iter().position(|(n, _)| n == name).unwrap();
    check(
        "content",
        repack(&good, |e| {
            let i = at(e, "drivers/nic.zip");
            e[i].1[0] ^= 1;
        }),
        "bundle-checksum-mismatch",
        "/drivers/nic.zip",
    );
    check(
        "dropped",
        repack(&good, |e| {
            let i = at(e, "drivers/storage raid.zip");
            e.remove(i);
        }),
        "bundle-missing-entry",
        "/drivers/storage raid.zip",
    );
    check(
        "added",
        repack(&good, |e| {
            e.insert(3, ("drivers/extra.zip".into(), b"x".to_vec()))
        }),
        "bundle-unexpected-entry",
        "/drivers/extra.zip",
    );
    check(
        "metadata",
        repack(&good, |e| {
            let text = String::from_utf8(e[0].1.clone())
                .unwrap()
                .replace("\"osrelease\": \"2016\"", "\"osrelease\": 2016");
            e[0].1 = text.into_bytes();
        }),
        "bundle-metadata-invalid",
        "/metadata.json",
    );
    check(
        "unknown-os",
        repack(&good, |e| {
            let text = String::from_utf8(e[0].1.clone())
                .unwrap()
                .replace("\"os\": \"win\"", "\"os\": \"wim\"");
            e[0].1 = text.into_bytes();
        }),
        "unknown-os",
        "/metadata.json",
    );
    // A consistent re-pack with a changed mtime: only the archive checksum sees it.
    check(
        "ledger",
        repack(&good, |_| {}),
        "bundle-checksum-mismatch",
        ".tar.gz",
    );
}

#[test]
fn many_bundles_are_verified_and_reported_in_order() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 7, 10_000);
    let bundle = build(&profile, &tmp.path().join("dl"), "2");
    let broken = tmp.path().join("a-broken.tar.gz");
    let mut bytes = fs::read(&bundle).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(&broken, bytes).unwrap();
    let out = osb()
        .args(["verify", "--jobs", "2"])
        .arg(&bundle)
        .arg(&broken)
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("a-broken.tar.gz: error[bundle-corrupt]"),
        "{text}"
    );
    assert!(text.contains("checked 3 bundles: 1 error"), "{text}");
    // Standard input works too.
    osb()
        .args(["verify", "-"])
        .write_stdin(fs::read(&bundle).unwrap())
        .assert()
        .success();
}

/// Regression: a build after 10:00 UTC has a 14-digit timestamp (two-digit hour),
/// which the metadata schema once refused, so such bundles failed their own verify.
#[test]
fn bundles_built_in_the_afternoon_verify() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 7, 10_000);
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    osb()
        .env("SOURCE_DATE_EPOCH", "1700000000") // 2023-11-14 22:13:20 UTC
        .args(["build", "-q", "-o"])
        .arg(&out)
        .arg(&profile)
        .assert()
        .success();
    let bundle = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .unwrap();
    assert!(bundle
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("20231114221320_"));
    let (code, findings) = verify_json(&bundle, &[]);
    assert_eq!((code, findings), (0, vec![]));
}

/// Regression: macros were judged against the config files read so far, so a bundle
/// whose unattend file came before its config file got false `unattend-unknown-macro`.
#[test]
fn unattend_before_config_sees_the_config_macros() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 7, 1000);
    fs::write(
        profile.join("unattend/unattend.xml"),
        "<unattend xmlns='urn:schemas-microsoft-com:unattend'>#locale#</unattend>\n",
    )
    .unwrap();
    let bundle = build(&profile, &tmp.path().join("dl"), "1");
    let good = fs::read(&bundle).unwrap();
    let macros = |reorder: bool| -> Vec<String> {
        let bytes = repack(&good, |e| {
            let u = e
                .iter()
                .position(|(n, _)| n == "unattend/unattend.xml")
                .unwrap();
            let (name, _) = e.remove(u);
            let unattend = (name, b"<unattend xmlns='urn:schemas-microsoft-com:unattend'>#locale# #nope#</unattend>\n".to_vec());
            let at = if reorder {
                e.iter()
                    .position(|(n, _)| n == "config/settings.json")
                    .unwrap()
            } else {
                u
            };
            e.insert(at, unattend);
        });
        let p = tmp.path().join(format!("reordered-{reorder}.tar.gz"));
        fs::write(&p, bytes).unwrap();
        let (_, findings) = verify_json(&p, &[]);
        findings
            .iter()
            .filter(|(r, _)| r == "unattend-unknown-macro")
            .map(|(_, p)| p.rsplit('/').next().unwrap().to_string())
            .collect()
    };
    // Only #nope# is unknown, in both orders; #locale# comes from the config file.
    assert_eq!(macros(false), ["unattend.xml"]);
    assert_eq!(macros(true), ["unattend.xml"]);
}

/// Entry names with escape sequences, line breaks and bytes that are not UTF-8 are
/// printed escaped (`\x1b`, `\n`, `\xff`), never raw.
#[test]
fn hostile_entry_names_are_printed_escaped() {
    let tmp = TempDir::new().unwrap();
    let mut name = b"drivers/\x1b[2J".to_vec();
    name.extend_from_slice(b"\xff\n::error file=x::.zip");
    let bytes = hostile(&[
        file("metadata.json", b"{}"),
        Raw {
            name,
            ..file("x", b"data")
        },
    ]);
    let p = tmp.path().join("evil.tar.gz");
    fs::write(&p, bytes).unwrap();
    for cmd in ["verify", "inspect"] {
        let out = osb().arg(cmd).arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
        assert!(
            text.contains("drivers/\\x1b[2J\\xff\\n::error file=x::.zip"),
            "{text}"
        );
    }
}
