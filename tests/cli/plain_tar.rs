//! Uncompressed tar archives (`x.tar`, as `tar xf` reads them) through verify,
//! inspect and extract, and folder entries that collide with files.

use std::fs;
use std::io::Write;

use serde_json::Value;
use tempfile::TempDir;

use super::bundle::{build, make_profile, osb, verify_json, NAME};
use super::foreign::{errors, layout, sh};

#[test]
fn our_own_bundle_gunzipped_verifies_as_reencoded_and_extracts() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 11, 30_000);
    let bundle = build(&profile, &tmp.path().join("dl"), "2");
    let dl = bundle.parent().unwrap();
    sh(&format!("gzip -dc {NAME} > own.tar"), dl);
    let plain = dl.join("own.tar");
    let (code, findings) = verify_json(&plain, &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(errors(&findings).is_empty(), "{findings:?}");
    assert!(
        findings.iter().any(|(r, _)| r == "bundle-reencoded"),
        "{findings:?}"
    );
    assert_eq!(verify_json(&plain, &["--strict"]).0, 1);
    assert_eq!(layout(&plain), "osbundle");
    let text = osb().arg("verify").arg(&plain).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("plain tar, not gzip-compressed"), "{text}");
    // Standard input takes a plain tar too.
    osb()
        .args(["verify", "-"])
        .write_stdin(fs::read(&plain).unwrap())
        .assert()
        .success();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    osb()
        .args(["extract", "-C"])
        .arg(&out)
        .arg(&plain)
        .assert()
        .success();
    assert!(out.join("own/metadata.json").is_file());
    assert!(out.join("own/profile.json").is_file());
}

#[test]
fn a_tar_cf_profile_with_sha256sums_verifies_as_foreign_and_changes_are_caught() {
    let tmp = TempDir::new().unwrap();
    let profile = make_profile(tmp.path(), 12, 20_000);
    sh(
        "find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS \
         && tar cf ../summed.tar . \
         && printf 'x' >> drivers/$(ls drivers | head -1) && tar cf ../changed.tar .",
        &profile,
    );
    let good = tmp.path().join("summed.tar");
    let (code, findings) = verify_json(&good, &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(errors(&findings).is_empty(), "{findings:?}");
    assert!(
        !findings.iter().any(|(r, _)| r == "bundle-reencoded"),
        "a foreign plain tar is no re-encoded osbundle bundle: {findings:?}"
    );
    assert_eq!(layout(&good), "foreign");
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    osb()
        .args(["extract", "-C"])
        .arg(&out)
        .arg(&good)
        .assert()
        .success();
    assert!(out.join("summed/SHA256SUMS").is_file());
    let (code, findings) = verify_json(&tmp.path().join("changed.tar"), &[]);
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, _)| r == "bundle-checksum-mismatch"),
        "{findings:?}"
    );
}

#[test]
fn what_is_neither_gzip_nor_tar_is_named() {
    let tmp = TempDir::new().unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "short",
            b"hello".to_vec(),
            "less than one 512-byte tar header",
        ),
        (
            "text.tar",
            vec![b'a'; 2048],
            "not a tar header with a valid checksum",
        ),
        ("x.tar.bz2", b"BZh91AY&SY".to_vec(), "bzip2-compressed"),
        ("x.tar.xz", b"\xfd7zXZ\0\0\x04".to_vec(), "xz-compressed"),
    ];
    for (name, bytes, says) in cases {
        let path = tmp.path().join(name);
        fs::write(&path, bytes).unwrap();
        let out = osb().arg("verify").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("error[bundle-corrupt]"), "{name}: {text}");
        assert!(text.contains(says), "{name}: {text}");
    }
    // A tar header with one byte changed is damage, not a tar archive.
    let mut builder = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(3);
    h.set_mode(0o644);
    h.set_cksum();
    builder.append_data(&mut h, "a.txt", &b"abc"[..]).unwrap();
    let mut bytes = builder.into_inner().unwrap();
    bytes[0] ^= 1;
    let path = tmp.path().join("damaged.tar");
    fs::write(&path, bytes).unwrap();
    let out = osb().arg("verify").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("neither a gzip file"), "{text}");
}

/// A tar of `(name, is_folder)` entries, written raw (folders with a trailing
/// slash), gzipped when `gz`.
fn archive(entries: &[(&str, bool)], gz: bool) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for &(name, folder) in entries {
        let mut h = tar::Header::new_gnu();
        if folder {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(0o755);
            h.set_size(0);
        } else {
            h.set_mode(0o644);
            h.set_size(3);
        }
        h.set_cksum();
        let data: &[u8] = if folder { b"" } else { b"abc" };
        builder.append_data(&mut h, name, data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    if !gz {
        return tar;
    }
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    w.write_all(&tar).unwrap();
    w.finish().unwrap()
}

#[test]
fn folders_and_files_of_one_name_are_unsafe_entries_and_nothing_is_written() {
    let tmp = TempDir::new().unwrap();
    type Case<'a> = (&'a str, &'a [(&'a str, bool)], &'a str);
    let cases: [Case; 5] = [
        ("file-then-folder", &[("a", false), ("a/", true)], "a"),
        ("folder-then-file", &[("a/", true), ("a", false)], "a"),
        ("file-below-file", &[("a", false), ("a/b", false)], "a/b"),
        ("folder-below-file", &[("a", false), ("a/b/", true)], "a/b"),
        (
            "implied-folder-then-file",
            &[("a/b", false), ("a", false)],
            "a",
        ),
    ];
    for (case, entries, at) in cases {
        for gz in [false, true] {
            let name = format!("{case}{}", if gz { ".tar.gz" } else { ".tar" });
            let path = tmp.path().join(&name);
            fs::write(&path, archive(entries, gz)).unwrap();
            let out_dir = tmp.path().join(format!("out-{name}"));
            fs::create_dir(&out_dir).unwrap();
            let run = osb()
                .args(["extract", "--format", "json", "-C"])
                .arg(&out_dir)
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(
                run.status.code(),
                Some(1),
                "{name}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
            let unsafe_at: Vec<&str> = doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["rule"] == "bundle-unsafe-entry")
                .map(|f| f["path"].as_str().unwrap())
                .collect();
            assert_eq!(unsafe_at, [format!("{}/{at}", path.display())], "{name}");
            assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 0, "{name}");
        }
    }
}
