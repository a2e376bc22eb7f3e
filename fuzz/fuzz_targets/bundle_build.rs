//! `build` of a generated profile directory (profile.json fields, files of every
//! kind with names of every class, data), then `verify`. Oracles: the same bytes
//! for 1 and 3 threads; a build that succeeds has no findings and gives a bundle
//! that verifies without `bundle-*` findings, whose `.sha256` matches, and whose
//! entries are metadata.json, the files in name order, SHA256SUMS and CHECKSUM; a
//! build that refuses says why with an error finding and writes nothing.
#![no_main]

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle::bundle::{build, verify_path, BuildSettings};
use osbundle::Severity;
use osbundle_fuzz::layout::KIND_FOLDERS;
use osbundle_fuzz::names::NameClass;
use osbundle_fuzz::oracle;
use serde_json::json;

#[derive(Debug, Arbitrary)]
struct Profile {
    name: u8,
    os: u8,
    release: u8,
    description: Option<String>,
    base_profile: Option<String>,
    boot_ids: Vec<String>,
    epoch: u32,
    level: u8,
    files: Vec<(u8, NameClass, Vec<u8>)>,
}

const NAMES: &[&str] = &["Custom-2016-datacenter-profile", "web", "x", "bad name", ""];

fuzz_target!(|p: Profile| {
    let Ok(dir) = tempfile::tempdir_in(oracle::scratch()) else {
        return;
    };
    let root = dir.path().join("profile");
    let rules = osbundle_fuzz::layout::embedded();
    let (os, release) = match rules
        .images
        .get(usize::from(p.os) % rules.images.len().max(1))
    {
        Some(os) => (
            os.name.clone(),
            os.releases
                .get(usize::from(p.release) % os.releases.len().max(1))
                .map_or_else(String::new, |r| r.name.clone()),
        ),
        None => return,
    };
    let mut value =
        json!({"name": NAMES[usize::from(p.name) % NAMES.len()], "os": os, "release": release});
    if let Some(d) = &p.description {
        value["description"] = json!(d);
    }
    if let Some(b) = &p.base_profile {
        value["baseProfile"] = json!(b);
    }
    if !p.boot_ids.is_empty() {
        value["predefinedBootFileIds"] = json!(p.boot_ids);
    }
    if std::fs::create_dir(&root).is_err()
        || std::fs::write(root.join("profile.json"), value.to_string()).is_err()
    {
        return;
    }
    let mut written = Vec::new();
    for (kind, class, data) in p.files.iter().take(12) {
        let name = class.file_name(None);
        // Names a file system cannot hold as one file are out of scope here.
        if name.is_empty()
            || name.contains(&b'/')
            || name.contains(&0)
            || name == b"."
            || name == b".."
        {
            continue;
        }
        let folder = root.join(KIND_FOLDERS[usize::from(*kind) % KIND_FOLDERS.len()]);
        let path = folder.join(std::ffi::OsStr::from_bytes(&name));
        if std::fs::create_dir_all(&folder).is_err() || std::fs::write(&path, data).is_err() {
            continue;
        }
        written.push(path);
    }
    let out = |n: &str| {
        let d = dir.path().join(n);
        std::fs::create_dir(&d).ok().map(|()| d)
    };
    let (Some(one), Some(three)) = (out("one"), out("three")) else {
        return;
    };
    let settings = |out_dir: PathBuf, threads| BuildSettings {
        out_dir,
        epoch: u64::from(p.epoch),
        level: u32::from(p.level % 9) + 1,
        threads,
        sha256_file: true,
        progress: false,
        overwrite: false,
        excludes: osbundle::profile::Excludes::default(),
    };
    let Ok(a) = build(&root, "profile", &settings(one.clone(), 1)) else {
        return;
    };
    let Ok(b) = build(&root, "profile", &settings(three.clone(), 3)) else {
        return;
    };
    assert_eq!(
        a.findings, b.findings,
        "findings differ with the thread count"
    );
    match (&a.built, &b.built) {
        (Some(x), Some(y)) => {
            assert!(a.findings.is_empty());
            let bytes = std::fs::read(&x.path).unwrap_or_default();
            assert_eq!(
                bytes,
                std::fs::read(&y.path).unwrap_or_default(),
                "bytes differ with the thread count"
            );
            assert_eq!(x.sha256, y.sha256);
            let Ok(v) = verify_path(&x.path, &oracle::settings()) else {
                return;
            };
            let bad: Vec<_> = v
                .findings
                .iter()
                .filter(|f| oracle::is_bundle_rule(f))
                .collect();
            assert!(bad.is_empty(), "a built bundle fails verify: {bad:#?}");
            assert!(v.complete);
            let names: Vec<&str> = v.entries.iter().map(|e| e.name.as_str()).collect();
            assert_eq!(names.first(), Some(&"metadata.json"));
            assert_eq!(&names[names.len() - 2..], ["SHA256SUMS", "CHECKSUM"]);
            let files = &names[1..names.len() - 2];
            assert!(
                files.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()),
                "files out of order"
            );
            assert_eq!(files.len(), x.files);
        }
        (None, None) => {
            assert!(
                a.findings.iter().any(|f| f.severity == Severity::Error),
                "refused without an error"
            );
            for out in [&one, &three] {
                assert_eq!(
                    oracle::listing(out),
                    Vec::new(),
                    "a refused build left files"
                );
            }
        }
        _ => panic!("one thread count built, the other did not"),
    }
    let _ = written;
});
