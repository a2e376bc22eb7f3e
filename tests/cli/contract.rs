//! The output contract over every subcommand that takes `--format`: one JSON
//! envelope `{version, ..., findings, summary}`, one SARIF document, workflow
//! commands only; and the download checksum each bundle reader names in its summary.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{root, run, run_json, testdata, TestDir};

const BUNDLE: &str = "2016121921921_Custom-2016-datacenter-profile.tar.gz";

/// Builds the reference profile into `t/<out>` (with its `.sha256` sidecar).
fn build(t: &TestDir, out: &str) -> PathBuf {
    fs::create_dir_all(t.path().join(out)).unwrap();
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-q", "-o", out])
            .arg(testdata("profiles/win2016-datacenter")),
        0,
    );
    t.path().join(out).join(BUNDLE)
}

/// Every subcommand with `--format`, as run in `t` for `format` (each run gets its
/// own output folder, key names and bundle copy).
fn invocations(t: &TestDir, format: &str) -> Vec<Vec<String>> {
    let bundle = build(t, &format!("b-{format}"));
    let bundle = bundle.display().to_string();
    let signed = t.path().join(format!("s-{format}.tar.gz"));
    fs::copy(&bundle, &signed).unwrap();
    let profile = testdata("profiles/win2016-datacenter")
        .display()
        .to_string();
    let fixtures = root().join("tests/fixtures/delete");
    let x = t.path().join(format!("x-{format}"));
    let o = t.path().join(format!("o-{format}"));
    fs::create_dir_all(&x).unwrap();
    fs::create_dir_all(&o).unwrap();
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        s(&["check", &profile]),
        s(&["rules", "--os", "win"]),
        s(&[
            "config",
            "macros",
            &testdata("config/reference-corrected.json")
                .display()
                .to_string(),
        ]),
        s(&["config", "show", "--no-config"]),
        s(&[
            "delete-plan",
            "--inventory",
            &fixtures.join("osimages.json").display().to_string(),
            "win2016|win2016-x86_64-install-Datacenter",
        ]),
        s(&[
            "reply",
            &fixtures.join("lxca-failed.json").display().to_string(),
        ]),
        s(&["build", "-o", &o.display().to_string(), &profile]),
        s(&["verify", &bundle]),
        s(&["inspect", &bundle]),
        s(&["extract", &bundle, "-C", &x.display().to_string()]),
        s(&["diff", &bundle, &profile]),
        s(&[
            "keygen",
            "--unencrypted",
            "-p",
            &format!("{format}.pub"),
            "-s",
            &format!("{format}.key"),
        ]),
        // After keygen: signs with the key just made.
        s(&[
            "sign",
            "--key",
            &format!("{format}.key"),
            &signed.display().to_string(),
        ]),
    ]
}

#[test]
fn every_subcommand_writes_one_document_in_every_format() {
    let t = TestDir::new();
    for format in ["json", "sarif", "github", "junit", "gitlab"] {
        for args in invocations(&t, format) {
            let out = t
                .cmd()
                .env("SOURCE_DATE_EPOCH", "1482113961")
                .args(&args)
                .args(["--format", format])
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let code = out.status.code();
            let what = format!("{args:?} --format {format} (exit {code:?}):\n{stdout}");
            assert!(matches!(code, Some(0..=2)), "{what}");
            match format {
                "json" => {
                    let doc: Value = serde_json::from_str(&stdout).expect(&what);
                    assert_eq!(doc["version"], 1, "{what}");
                    assert!(doc["findings"].is_array(), "{what}");
                    assert!(doc["summary"]["checked"].is_u64(), "{what}");
                    if code == Some(2) {
                        assert!(doc["error"].is_string(), "{what}");
                    }
                }
                "sarif" => {
                    let doc: Value = serde_json::from_str(&stdout).expect(&what);
                    assert_eq!(doc["version"], "2.1.0", "{what}");
                }
                "junit" => {
                    assert!(stdout.starts_with("<?xml"), "{what}");
                    assert!(stdout.trim_end().ends_with("</testsuites>"), "{what}");
                    assert_eq!(stdout.contains("<error "), code == Some(2), "{what}");
                }
                "gitlab" => {
                    let doc: Value = serde_json::from_str(&stdout).expect(&what);
                    assert!(doc.is_array(), "{what}");
                }
                _ => {
                    for line in stdout.lines() {
                        assert!(
                            line.starts_with("::") || line.starts_with("checked "),
                            "not a workflow command or the summary: {line:?} in {what}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn config_show_json_is_the_envelope() {
    let t = TestDir::new();
    let doc = run_json(t.cmd().args(["config", "show", "--no-config"]), 0);
    assert_eq!(doc["findings"], Value::Array(vec![]));
    assert_eq!(doc["settings"][0]["key"], "rules");
    assert!(doc["configFile"].is_null());
}

#[test]
fn diff_json_is_the_envelope_in_contract_order() {
    let t = TestDir::new();
    let profile = testdata("profiles/win2016-datacenter");
    let out = run(
        t.cmd()
            .arg("diff")
            .arg(&profile)
            .arg(&profile)
            .args(["--format", "json"]),
        0,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let at = |key: &str| text.find(&format!("\n  \"{key}\"")).expect(key);
    assert!(at("version") < at("diff"), "{text}");
    assert!(at("diff") < at("findings") && at("findings") < at("summary"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["diff"]["same"], true);
}

fn checksum_of(doc: &Value) -> &Value {
    &doc["bundles"][0]["downloadChecksum"]
}

fn verify_text(t: &TestDir, bundle: &Path, extra: &[&str], code: i32) -> String {
    let out = run(t.cmd().arg("verify").args(extra).arg(bundle), code);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn verify_names_the_sidecar_it_checked() {
    let t = TestDir::new();
    let bundle = build(&t, "out");
    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 0);
    let shown = format!("{}.sha256", bundle.display());
    assert_eq!(
        checksum_of(&doc),
        &serde_json::json!({"source": "sidecar", "file": shown, "algorithm": "sha256", "status": "ok"})
    );
    let text = verify_text(&t, &bundle, &[], 0);
    let line = format!("sha256 sidecar {shown}: ok\nchecked 1 bundle:");
    assert!(text.contains(&line), "{text}");
    // Quiet: no status lines either.
    assert_eq!(verify_text(&t, &bundle, &["-q"], 0), "");

    // Another digest in the sidecar: a mismatch, said in both forms.
    let sidecar = PathBuf::from(&shown);
    let digest = fs::read_to_string(&sidecar).unwrap();
    let flipped = if digest.starts_with('0') { "1" } else { "0" };
    fs::write(&sidecar, format!("{flipped}{}", &digest[1..])).unwrap();
    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 1);
    assert_eq!(checksum_of(&doc)["status"], "mismatch");
    let text = verify_text(&t, &bundle, &[], 1);
    assert!(
        text.contains(&format!("sha256 sidecar {shown}: MISMATCH")),
        "{text}"
    );

    // Not a checksum line at all.
    fs::write(&sidecar, "hello\n").unwrap();
    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 1);
    assert_eq!(checksum_of(&doc)["status"], "invalid");
    assert_eq!(checksum_of(&doc)["file"], shown.as_str());
}

#[test]
fn verify_names_a_sums_list_an_expected_digest_and_their_absence() {
    let t = TestDir::new();
    let bundle = build(&t, "out");
    let sidecar = PathBuf::from(format!("{}.sha256", bundle.display()));
    let line = fs::read_to_string(&sidecar).unwrap();
    let digest = line.split_whitespace().next().unwrap().to_string();
    fs::remove_file(&sidecar).unwrap();

    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 0);
    assert_eq!(checksum_of(&doc), &serde_json::json!({"status": "absent"}));
    // Said once: the note, not a second line before the summary.
    let text = verify_text(&t, &bundle, &[], 0);
    assert_eq!(
        text.lines().filter(|l| l.contains("download")).count(),
        1,
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}: note[download-unverified]: no checksum of the download itself",
            bundle.display()
        )),
        "{text}"
    );
    assert!(!text.contains("no download checksum"), "{text}");

    let doc = run_json(
        t.cmd()
            .arg("verify")
            .args(["--expect-sha256", &digest])
            .arg(&bundle),
        0,
    );
    assert_eq!(
        checksum_of(&doc),
        &serde_json::json!({"source": "option", "algorithm": "sha256", "status": "ok"})
    );

    let list = bundle.with_file_name("SHA256SUMS");
    fs::write(&list, format!("{digest}  {BUNDLE}\n")).unwrap();
    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 0);
    let shown = list.display().to_string();
    assert_eq!(
        checksum_of(&doc),
        &serde_json::json!({"source": "list", "file": shown, "algorithm": "sha256", "status": "ok"})
    );
    let text = verify_text(&t, &bundle, &[], 0);
    assert!(
        text.contains(&format!("sha256 of {} in {shown}: ok", bundle.display())),
        "{text}"
    );
}

#[test]
fn a_truncated_bundle_leaves_its_checksum_unchecked() {
    let t = TestDir::new();
    let bundle = build(&t, "out");
    let bytes = fs::read(&bundle).unwrap();
    fs::write(&bundle, &bytes[..bytes.len() / 2]).unwrap();
    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 1);
    assert_eq!(checksum_of(&doc)["status"], "unchecked");
}

#[test]
fn inspect_and_extract_name_the_checksum_too() {
    let t = TestDir::new();
    let bundle = build(&t, "out");
    let shown = format!("{}.sha256", bundle.display());
    let expected = serde_json::json!({"source": "sidecar", "file": shown, "algorithm": "sha256", "status": "ok"});
    let doc = run_json(t.cmd().arg("inspect").arg(&bundle), 0);
    assert_eq!(doc["downloadChecksum"], expected);
    let out = run(t.cmd().arg("inspect").arg(&bundle), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("sha256 sidecar {shown}: ok")),
        "{text}"
    );

    fs::create_dir_all(t.path().join("x")).unwrap();
    let doc = run_json(t.cmd().arg("extract").arg(&bundle).args(["-C", "x"]), 0);
    assert_eq!(doc["downloadChecksum"], expected);
    fs::create_dir_all(t.path().join("y")).unwrap();
    let out = run(t.cmd().arg("extract").arg(&bundle).args(["-C", "y"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("sha256 sidecar {shown}: ok\nchecked 1 bundle")),
        "{text}"
    );
}
