//! `keygen`, `sign` and `verify --key/--allowed-signers` over the real binary, with
//! fixtures made by `minisign` and `ssh-keygen` (tests/fixtures/sign/README.md).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{run, run_json, TestDir};

const BUNDLE: &str = "2016121921921_Custom-2016-datacenter-profile.tar.gz";

fn fixture(name: &str) -> PathBuf {
    crate::util::root().join("tests/fixtures/sign").join(name)
}

/// A copy of the fixture bundle (with its signatures when `with_sigs`) in `t`.
fn bundle_copy(t: &TestDir, with_sigs: bool) -> PathBuf {
    let target = t.path().join(BUNDLE);
    fs::copy(fixture(BUNDLE), &target).unwrap();
    if with_sigs {
        for ext in ["minisig", "sig"] {
            let name = format!("{BUNDLE}.{ext}");
            fs::copy(fixture(&name), t.path().join(name)).unwrap();
        }
    }
    target
}

fn flip_byte(path: &Path, at: usize) {
    let mut bytes = fs::read(path).unwrap();
    bytes[at] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

/// The rules of the errors and warnings (notes, such as the absent download
/// checksum, left out).
fn rules_of(doc: &Value) -> Vec<String> {
    problems(doc)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The findings that are errors or warnings, in order.
fn problems(doc: &Value) -> Vec<Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "note")
        .cloned()
        .collect()
}

fn signature<'a>(doc: &'a Value, scheme: &str) -> &'a Value {
    doc["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["signatures"].as_array().into_iter().flatten())
        .find(|s| s["scheme"] == scheme)
        .unwrap_or_else(|| panic!("no {scheme} signature in {doc}"))
}

#[test]
fn fresh_minisign_key_signs_and_one_changed_byte_fails() {
    let t = TestDir::new();
    let out = run(t.cmd().args(["keygen", "--unencrypted"]), 0);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let secret = fs::read_to_string(t.path().join("osbundle.key")).unwrap();
    let secret_line = secret.lines().nth(1).unwrap();
    assert!(!text.contains(secret_line), "the secret key was printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| fs::metadata(t.path().join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("osbundle.key"), 0o600);
        assert_eq!(mode("osbundle.pub"), 0o644);
    }
    // keygen does not overwrite keys
    run(t.cmd().args(["keygen", "--unencrypted"]), 2);

    let bundle = bundle_copy(&t, false);
    let out = run(t.cmd().args(["sign", "--key", "osbundle.key", BUNDLE]), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed with minisign key"));
    let sig = fs::read_to_string(t.path().join(format!("{BUNDLE}.minisig"))).unwrap();
    let comment = sig.lines().nth(2).unwrap();
    assert!(comment.contains(&format!("file:{BUNDLE}")), "{comment}");
    assert!(
        comment.contains("profile:win2016|Custom-2016-datacenter-profile"),
        "{comment}"
    );
    assert!(comment.contains("ledger:sha256-ledger-v1 "), "{comment}");

    let doc = run_json(t.cmd().args(["verify", "--key", "osbundle.pub", BUNDLE]), 0);
    let s = signature(&doc, "minisign");
    assert_eq!(s["status"], "good");
    assert!(s["signer"].as_str().unwrap().starts_with("minisign key "));
    assert!(s["trustedComment"]
        .as_str()
        .unwrap()
        .contains("profile:win2016|"));
    // The RW... string works as well as the file.
    let public = fs::read_to_string(t.path().join("osbundle.pub")).unwrap();
    let rw = public.lines().nth(1).unwrap();
    run(t.cmd().args(["verify", "--key", rw, BUNDLE]), 0);

    flip_byte(&bundle, 700);
    let doc = run_json(t.cmd().args(["verify", "--key", "osbundle.pub", BUNDLE]), 1);
    assert!(
        rules_of(&doc).contains(&"bundle-signature-invalid".to_string()),
        "{doc}"
    );
    assert_eq!(signature(&doc, "minisign")["status"], "bad");
}

#[test]
fn a_minisign_signature_verifies_and_other_keys_do_not() {
    let t = TestDir::new();
    bundle_copy(&t, true);
    let key = fixture("minisign.pub");
    let doc = run_json(t.cmd().arg("verify").arg("--key").arg(&key).arg(BUNDLE), 0);
    let s = signature(&doc, "minisign");
    assert_eq!(s["status"], "good");
    assert_eq!(
        s["trustedComment"],
        "made by minisign -S for the osbundle tests"
    );
    // The SSH signature beside it is reported, not checked.
    assert_eq!(signature(&doc, "ssh")["status"], "unchecked");

    run(
        t.cmd().args([
            "keygen",
            "--unencrypted",
            "-p",
            "other.pub",
            "-s",
            "other.key",
        ]),
        0,
    );
    let doc = run_json(t.cmd().args(["verify", "--key", "other.pub", BUNDLE]), 1);
    let f = &problems(&doc)[0];
    assert_eq!(f["rule"], "bundle-signature-invalid");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("not by the given key"),
        "{f}"
    );

    // Keys of the wrong kind: a secret key, an SSH key, garbage.
    for (arg, words) in [
        (fixture("minisign.key"), "secret key"),
        (fixture("id_ed25519.pub"), "SSH public key"),
        (fixture("allowed_signers"), "not a minisign public key"),
    ] {
        let doc = run_json(t.cmd().arg("verify").arg("--key").arg(&arg).arg(BUNDLE), 1);
        let f = &problems(&doc)[0];
        assert_eq!(f["rule"], "signature-key-invalid", "{doc}");
        assert!(f["message"].as_str().unwrap().contains(words), "{f}");
    }
    // A key file that does not exist is exit 2.
    run(t.cmd().args(["verify", "--key", "missing.pub", BUNDLE]), 2);
}

#[test]
fn missing_and_damaged_signatures_are_findings() {
    let t = TestDir::new();
    bundle_copy(&t, false);
    let key = fixture("minisign.pub");
    let allowed = fixture("allowed_signers");
    let doc = run_json(
        t.cmd()
            .arg("verify")
            .arg("--key")
            .arg(&key)
            .arg("--allowed-signers")
            .arg(&allowed)
            .arg(BUNDLE),
        1,
    );
    assert_eq!(
        rules_of(&doc),
        ["bundle-signature-missing", "bundle-signature-missing"]
    );

    // Without a key, no signature is not a problem; an unchecked one is shown.
    let doc = run_json(t.cmd().args(["verify", BUNDLE]), 0);
    assert!(doc["bundles"][0].get("signatures").is_none(), "{doc}");

    let minisig = t.path().join(format!("{BUNDLE}.minisig"));
    let sshsig = t.path().join(format!("{BUNDLE}.sig"));
    for damage in [
        &b""[..],
        b"untrusted comment: x\n",
        b"untrusted comment: x\nRWQ\ntrusted comment: y\nzz\n",
        b"\xff\xfe\x00garbage",
    ] {
        fs::write(&minisig, damage).unwrap();
        fs::write(&sshsig, damage).unwrap();
        let doc = run_json(
            t.cmd()
                .arg("verify")
                .arg("--key")
                .arg(&key)
                .arg("--allowed-signers")
                .arg(&allowed)
                .arg(BUNDLE),
            1,
        );
        assert_eq!(
            rules_of(&doc),
            ["bundle-signature-invalid", "bundle-signature-invalid"],
            "{doc}"
        );
        let doc = run_json(t.cmd().args(["verify", BUNDLE]), 0);
        assert_eq!(signature(&doc, "minisign")["status"], "unchecked");
    }
    // A real SSH signature where the minisign one should be.
    fs::copy(fixture(&format!("{BUNDLE}.sig")), &minisig).unwrap();
    let doc = run_json(t.cmd().arg("verify").arg("--key").arg(&key).arg(BUNDLE), 1);
    assert!(problems(&doc)[0]["message"]
        .as_str()
        .unwrap()
        .contains("not a minisign signature"));
}

#[test]
fn ssh_signatures_follow_the_allowed_signers_file() {
    let t = TestDir::new();
    bundle_copy(&t, true);
    let allowed = fixture("allowed_signers");
    let ok = |identity: &[&str]| {
        let mut cmd = t.cmd();
        cmd.arg("verify")
            .arg("--allowed-signers")
            .arg(&allowed)
            .args(identity)
            .arg(BUNDLE);
        cmd
    };
    let doc = run_json(&mut ok(&["--identity", "ops@example.com"]), 0);
    let s = signature(&doc, "ssh");
    assert_eq!(s["status"], "good");
    assert!(
        s["signer"]
            .as_str()
            .unwrap()
            .starts_with("ops@example.com (ssh-ed25519 key SHA256:"),
        "{s}"
    );
    run_json(&mut ok(&[]), 0);
    let doc = run_json(&mut ok(&["--identity", "eve@example.com"]), 1);
    assert!(problems(&doc)[0]["message"]
        .as_str()
        .unwrap()
        .contains("do not match identity"));

    // Another namespace, an expired key, a cert-authority line, another key.
    let key = fs::read_to_string(fixture("id_ed25519.pub")).unwrap();
    let key = key.trim();
    for (line, code, words) in [
        (format!("ops@example.com namespaces=\"git\" {key}"), 1, "namespaces"),
        (format!("ops@example.com valid-before=\"20200101\" {key}"), 1, "expired"),
        (format!("ops@example.com valid-after=\"20200101Z\" {key}"), 0, ""),
        (format!("*@example.com cert-authority {key}"), 1, "cert-authority"),
        ("ops@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBxK2Cw2Fx7ovchVCj0HpFEebYy7cm6+4Pv8hDb9tUEi".to_string(), 1, "not in the allowed signers"),
    ] {
        let file = t.write("allowed", format!("{line}\n"));
        let doc = run_json(t.cmd().arg("verify").arg("--allowed-signers").arg(&file).arg(BUNDLE), code);
        if code == 1 {
            let messages = doc["findings"].to_string();
            assert!(messages.contains(words), "{words}: {doc}");
        }
    }

    flip_byte(&t.path().join(BUNDLE), 1000);
    let doc = run_json(&mut ok(&["--identity", "ops@example.com"]), 1);
    assert!(rules_of(&doc).contains(&"bundle-signature-invalid".to_string()));
    // --identity needs --allowed-signers; signatures need a file, not stdin.
    run(t.cmd().args(["verify", "--identity", "x", BUNDLE]), 2);
    run(
        t.cmd()
            .arg("verify")
            .arg("--key")
            .arg(fixture("minisign.pub"))
            .arg("-"),
        2,
    );
}

#[test]
fn encrypted_keys_take_their_password_from_the_environment_only() {
    let t = TestDir::new();
    bundle_copy(&t, false);
    let key = fixture("minisign-encrypted.key");
    let out = run(
        t.cmd()
            .arg("sign")
            .arg("--key")
            .arg(&key)
            .args(["--password-env", "FIXTURE_PW", BUNDLE])
            .env("FIXTURE_PW", "fixture-password"),
        0,
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("fixture-password"));
    run(
        t.cmd()
            .arg("verify")
            .arg("--key")
            .arg(fixture("minisign-encrypted.pub"))
            .arg(BUNDLE),
        0,
    );
    let out = run(
        t.cmd()
            .arg("sign")
            .arg("--key")
            .arg(&key)
            .args(["--password-env", "FIXTURE_PW", BUNDLE])
            .env("FIXTURE_PW", "wrong"),
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Wrong password"));
    // No terminal and no --password-env: a clear error, not a hang.
    let out = run(t.cmd().arg("sign").arg("--key").arg(&key).arg(BUNDLE), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-env"));
    // A public key is not a secret key.
    run(
        t.cmd()
            .arg("sign")
            .arg("--key")
            .arg(fixture("minisign.pub"))
            .arg(BUNDLE),
        2,
    );
    // keygen with a password from the environment writes an encrypted key.
    run(
        t.cmd()
            .args([
                "keygen",
                "--password-env",
                "PW",
                "-s",
                "e.key",
                "-p",
                "e.pub",
            ])
            .env("PW", "pw"),
        0,
    );
    assert!(fs::read_to_string(t.path().join("e.key"))
        .unwrap()
        .contains("encrypted"));
}

#[test]
fn a_damaged_bundle_is_not_signed() {
    let t = TestDir::new();
    let bundle = bundle_copy(&t, false);
    let len = fs::metadata(&bundle).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&bundle)
        .unwrap()
        .set_len(len - 100)
        .unwrap();
    let doc = run_json(
        t.cmd()
            .arg("sign")
            .arg("--key")
            .arg(fixture("minisign.key"))
            .arg(BUNDLE),
        1,
    );
    assert!(rules_of(&doc).contains(&"bundle-corrupt".to_string()));
    assert!(!t.path().join(format!("{BUNDLE}.minisig")).exists());
}

#[test]
fn keys_made_by_minisign_sign_in_osbundle() {
    // `minisign -G -W` writes an unencrypted key with a zero checksum.
    let t = TestDir::new();
    bundle_copy(&t, false);
    run(
        t.cmd()
            .arg("sign")
            .arg("--key")
            .arg(fixture("minisign.key"))
            .arg(BUNDLE),
        0,
    );
    let doc = run_json(
        t.cmd()
            .arg("verify")
            .arg("--key")
            .arg(fixture("minisign.pub"))
            .arg(BUNDLE),
        0,
    );
    assert_eq!(signature(&doc, "minisign")["status"], "good");
}

/// A missing key or allowed-signers file is named with the system's own words, as
/// every other missing input is (not "entity not found").
#[test]
fn missing_key_files_say_no_such_file_or_directory() {
    let t = TestDir::new();
    let bundle = bundle_copy(&t, false);
    let cases: [&[&str]; 3] = [
        &["verify", "--key", "nokey.pub"],
        &[
            "verify",
            "--allowed-signers",
            "no_signers",
            "--identity",
            "a@b",
        ],
        &["sign", "--key", "nokey.key"],
    ];
    for args in cases {
        let out = run(t.cmd().args(args).arg(&bundle), 2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let named = args.iter().find(|a| a.starts_with("no")).unwrap();
        assert!(
            stderr.contains(&format!("{named}: No such file or directory")),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("entity not found"), "{args:?}: {stderr}");
    }
}

/// `verify --key --allowed-signers` reads the bundle file once: the minisign
/// prehash and the SSHSIG digest are computed in the same read as inflate and the
/// entry digests. The bundle is a named pipe fed once; a second read would wait
/// for a writer that never comes (the timeout fails the test).
#[cfg(unix)]
#[test]
fn signatures_are_checked_in_the_one_read_of_the_bundle() {
    let t = TestDir::new();
    let pipe = t.path().join(BUNDLE);
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    for ext in ["minisig", "sig"] {
        let name = format!("{BUNDLE}.{ext}");
        fs::copy(fixture(&name), t.path().join(name)).unwrap();
    }
    let mut feeder = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"cat "$1" > "$2""#)
        .arg("sh")
        .arg(fixture(BUNDLE))
        .arg(&pipe)
        .spawn()
        .unwrap();
    let out = t
        .cmd()
        .args(["verify", "--format", "json", "--key"])
        .arg(fixture("minisign.pub"))
        .arg("--allowed-signers")
        .arg(fixture("allowed_signers"))
        .arg(BUNDLE)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let _ = feeder.kill();
    let _ = feeder.wait();
    assert_eq!(
        out.status.code(),
        Some(0),
        "verify did not finish on one read of the bundle: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(signature(&doc, "minisign")["status"], "good", "{doc}");
    assert_eq!(signature(&doc, "ssh")["status"], "good", "{doc}");
    assert_eq!(doc["bundles"][0]["complete"], true, "{doc}");
}
