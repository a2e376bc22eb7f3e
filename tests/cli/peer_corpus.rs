//! Every file of the third-party peer corpus (`../shared/peer-corpus/`, or
//! `$OSBUNDLE_PEER_CORPUS`) through `verify`, `inspect` and `extract` over the real
//! binary: never a panic (exit 101), a signal, a hang or exit 2; every outcome
//! either success or error findings that say why; `extract` leaves nothing behind
//! when it refuses. Plain tar streams are read as they are and gzipped on the fly,
//! with the same outcome both ways. The files belong to
//! their authors and are never copied into this repository: where the folder is
//! absent, the test fails under CI (`CI=true`) and says where the corpus is
//! expected; elsewhere it says so and is skipped.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The corpus folder, or why it cannot be used: where it is expected.
fn corpus() -> Result<PathBuf, String> {
    let dir = std::env::var_os("OSBUNDLE_PEER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| super::util::root().join("../shared/peer-corpus"));
    match dir.is_dir() {
        true => Ok(dir),
        false => Err(format!(
            "peer corpus not found at {} (the folder ../shared/peer-corpus beside the repository, or $OSBUNDLE_PEER_CORPUS)",
            dir.display()
        )),
    }
}

/// Runs `args` with a time limit; the exit code and the findings of its JSON output.
fn run(args: &[&std::ffi::OsStr]) -> (i32, Vec<(String, String, String)>) {
    let out = Command::cargo_bin("osbundle")
        .unwrap()
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "{args:?}: killed by a signal or timed out: {:?}",
            out.status
        )
    });
    assert!(
        code == 0 || code == 1,
        "{args:?}: exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e})"));
    let findings = doc["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                    (s("rule"), s("severity"), s("message"))
                })
                .collect()
        })
        .unwrap_or_default();
    (code, findings)
}

#[test]
fn a_missing_corpus_fails_under_ci_and_says_where_it_is_expected() {
    let what = "peer corpus not found at /nowhere/peer-corpus";
    let failure = super::util::missing_in(true, what).unwrap_err();
    assert!(failure.contains("/nowhere/peer-corpus"), "{failure}");
    assert!(failure.contains("CI=true"), "{failure}");
    assert_eq!(super::util::missing_in(false, what), Ok(()));
}

/// Files whose outcome is known, and a word the reason must hold.
const REASONS: &[(&str, &str)] = &[
    ("go-neg-size.tar", "negative"),
    ("la-read_format_tar_V_negative_size.tar", "negative"),
    ("go-gnu-sparse-big.tar", "sparse"),
    ("go-pax-sparse-big.tar", "sparse"),
    ("go-sparse-formats.tar", "sparse"),
    ("tarrs-sparse.tar", "sparse"),
    ("go-hdr-only.tar", "fifo"),
    ("go-hardlink.tar", "link"),
    ("tarrs-link.tar", "link"),
    ("la-read_format_tar_acl_oob_read.tar", "checksum"),
    ("go-pax-path-hdr.tar", "extension header"),
    ("go-gzip-issue6550.gz", "gzip"),
];

#[test]
fn every_peer_file_is_read_without_a_crash_and_refusals_say_why() {
    let dir = match corpus() {
        Ok(dir) => dir,
        Err(missing) => return super::util::missing(&missing),
    };
    let tmp = TempDir::new().unwrap();
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    names.sort();
    assert!(
        names.len() > 50,
        "only {} files in {}",
        names.len(),
        dir.display()
    );
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap();
        let bundle = if bytes.starts_with(&[0x1f, 0x8b]) {
            path.clone()
        } else {
            let gz = tmp.path().join(format!("{name}.gz"));
            let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            w.write_all(&bytes).unwrap();
            fs::write(&gz, w.finish().unwrap()).unwrap();
            gz
        };
        let b = bundle.as_os_str();
        let json = std::ffi::OsStr::new("--format=json");
        let (code, findings) = run(&["verify".as_ref(), json, b]);
        let errors: Vec<_> = findings.iter().filter(|f| f.1 == "error").collect();
        if code == 1 {
            assert!(
                !errors.is_empty(),
                "{name}: exit 1 without an error finding"
            );
            assert!(
                errors
                    .iter()
                    .all(|f| !f.2.is_empty() && f.0 != "bundle-metadata-invalid" || f.2.len() > 10),
                "{name}: {errors:?}"
            );
        }
        if let Some((_, word)) = REASONS.iter().find(|(n, _)| *n == name) {
            assert!(
                errors.iter().any(|f| f.2.to_lowercase().contains(word)),
                "{name}: no error finding mentions \"{word}\": {errors:?}"
            );
        }
        let (inspect_code, _) = run(&["inspect".as_ref(), json, b]);
        assert_eq!(inspect_code, code, "{name}: inspect and verify disagree");
        let target = tmp.path().join(format!("x-{name}"));
        fs::create_dir(&target).unwrap();
        let (extract_code, _) = run(&[
            "extract".as_ref(),
            json,
            b,
            "-C".as_ref(),
            target.as_os_str(),
        ]);
        assert_eq!(extract_code, code, "{name}: extract and verify disagree");
        let left = fs::read_dir(&target).unwrap().count();
        assert_eq!(
            left,
            usize::from(code == 0),
            "{name}: {left} entries left in the target"
        );
        if bundle != path {
            // The plain tar as it is: the same outcome as gzipped.
            let p = path.as_os_str();
            let (plain_code, plain) = run(&["verify".as_ref(), json, p]);
            let plain_errors: Vec<_> = plain.iter().filter(|f| f.1 == "error").collect();
            assert_eq!(
                plain_code, code,
                "{name}: plain and gzipped disagree: {plain_errors:?}"
            );
            let target = tmp.path().join(format!("p-{name}"));
            fs::create_dir(&target).unwrap();
            let (extract_code, _) = run(&[
                "extract".as_ref(),
                json,
                p,
                "-C".as_ref(),
                target.as_os_str(),
            ]);
            assert_eq!(
                extract_code, code,
                "{name}: plain extract and verify disagree"
            );
            let left = fs::read_dir(&target).unwrap().count();
            assert_eq!(left, usize::from(code == 0), "{name}: {left} entries left");
        }
    }
}
