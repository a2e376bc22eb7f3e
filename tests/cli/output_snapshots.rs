//! Snapshots of every subcommand's output in every format, for a fixed set of inputs:
//! exit code, stdout and stderr. They pin the output contract, so that moving the
//! writers around shows any change byte for byte. Temporary paths and the version
//! are redacted. `INSTA_UPDATE=always cargo test --test cli output_snapshots`
//! rewrites them after a deliberate change.

use std::path::Path;

use assert_cmd::Command;

use crate::util::{root, TestDir};

const FORMATS: [&str; 6] = ["text", "json", "sarif", "github", "junit", "gitlab"];
const EPOCH: &str = "1482113961";
const BUNDLE: &str = "2016121921921_Custom-2016-datacenter-profile.tar.gz";

fn osb(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("osbundle").expect("binary");
    cmd.current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("NO_COLOR")
        .env_remove("OSBUNDLE_CONFIG");
    cmd
}

/// Exit code, stdout and stderr of one run, redacted.
fn shot(cmd: &mut Command, tmp: Option<&Path>) -> String {
    let out = cmd.output().expect("runs");
    let mut text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(tmp) = tmp {
        text = text.replace(&tmp.display().to_string(), "[tmp]");
    }
    let text = text
        .replace(&root().display().to_string(), "[repo]")
        .replace(
            &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
            "\"[version]\"",
        );
    redact_fingerprints(&text)
}

/// GitLab fingerprints hash the path as given, which holds the checkout's or a
/// temporary folder's absolute path in most snapshots: shown as `[fingerprint N]`,
/// N counting distinct fingerprints in order, so that which findings share one
/// still shows. Their stability across runs and `--jobs` has a test of its own
/// (`ci_formats`).
fn redact_fingerprints(text: &str) -> String {
    const KEY: &str = "\"fingerprint\": \"";
    let mut seen: Vec<&str> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        out.push_str(head);
        let hex = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex == 64 {
            let print = &tail[..hex];
            let n = match seen.iter().position(|s| *s == print) {
                Some(i) => i + 1,
                None => {
                    seen.push(print);
                    seen.len()
                }
            };
            out.push_str(&format!("[fingerprint {n}]"));
            rest = &tail[hex..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Snapshots `args` in every format, named `<name>-<format>`.
fn every_format(name: &str, dir: &Path, tmp: Option<&Path>, args: &[&str]) {
    for format in FORMATS {
        let text = shot(osb(dir).args(args).args(["--format", format]), tmp);
        insta::assert_snapshot!(format!("{name}-{format}"), text);
    }
}

#[test]
fn check_profiles_and_loose_files() {
    every_format(
        "check-profiles",
        &root(),
        None,
        &["check", "testdata/profiles"],
    );
    every_format(
        "check-loose-config",
        &root(),
        None,
        &[
            "check",
            "--kind",
            "config",
            "testdata/config/reference-malformed.json",
        ],
    );
    let t = TestDir::new();
    t.write("loose/nic.exe", "");
    t.write("loose/ks.cfg", "#predefined.nope# #custom.one#\n");
    every_format(
        "check-loose-os",
        t.path(),
        None,
        // Named: a folder walk skips files outside profiles and kind folders.
        &[
            "check",
            "--os",
            "win",
            "--release",
            "2016",
            "loose/ks.cfg",
            "loose/nic.exe",
        ],
    );
    every_format("check-missing-path", t.path(), None, &["check", "nowhere"]);
}

#[test]
fn rules_schema_and_config_macros() {
    every_format("rules-win", &root(), None, &["rules", "--os", "win"]);
    every_format(
        "rules-invalid",
        &root(),
        None,
        &[
            "rules",
            "--rules",
            "testdata/osimages-reference-malformed.json",
        ],
    );
    every_format(
        "config-macros",
        &root(),
        None,
        &[
            "config",
            "macros",
            "testdata/config/reference-corrected.json",
        ],
    );
    every_format(
        "config-macros-invalid",
        &root(),
        None,
        &[
            "config",
            "macros",
            "testdata/config/reference-malformed.json",
        ],
    );
}

#[test]
fn delete_plan_and_reply() {
    let inventory = "tests/fixtures/delete/osimages.json";
    every_format(
        "delete-plan-lxca",
        &root(),
        None,
        &[
            "delete-plan",
            "--inventory",
            inventory,
            "win2016|win2016-x86_64-install-Datacenter,,2018012943447_jre-8u151-linux-x64.tar.gz",
        ],
    );
    every_format(
        "delete-plan-ims",
        &root(),
        None,
        &[
            "delete-plan",
            "--ims",
            "4CA46BF1-5c61-48ff-b4f3-0ad4e5e3ba90",
        ],
    );
    every_format(
        "reply-failed",
        &root(),
        None,
        &["reply", "tests/fixtures/delete/lxca-failed.json"],
    );
    every_format(
        "reply-success",
        &root(),
        None,
        &["reply", "tests/fixtures/delete/export-reply.json"],
    );
    every_format(
        "macros-profile",
        &root(),
        None,
        &["macros", "testdata/profiles/win2016-datacenter"],
    );
    for format in ["text", "json"] {
        for (name, args) in [
            ("explain-all", &["explain"][..]),
            ("explain-rule", &["explain", "extension-not-allowed"][..]),
        ] {
            let text = shot(osb(&root()).args(args).args(["--format", format]), None);
            insta::assert_snapshot!(format!("{name}-{format}"), text);
        }
    }
}

#[test]
fn build_verify_inspect_extract() {
    let t = TestDir::new();
    let tmp = t.path().to_path_buf();
    let profile = root().join("testdata/profiles/win2016-datacenter");
    for format in FORMATS {
        let out = tmp.join(format!("out-{format}"));
        std::fs::create_dir_all(&out).unwrap();
        let text = shot(
            osb(&tmp)
                .args(["build", "-o"])
                .arg(format!("out-{format}"))
                .arg(&profile)
                .args(["--format", format]),
            Some(&tmp),
        );
        insta::assert_snapshot!(format!("build-{format}"), text);
    }
    let bad = root().join("testdata/profiles/win2012-bad");
    every_format(
        "build-refused",
        &tmp,
        Some(&tmp),
        &["build", "-o", ".", bad.to_str().unwrap()],
    );
    for format in FORMATS {
        let out = tmp.join(format!("forced-{format}"));
        std::fs::create_dir_all(&out).unwrap();
        let text = shot(
            osb(&tmp)
                .args(["build", "--force", "--no-sha256-file", "-o"])
                .arg(format!("forced-{format}"))
                .arg(&bad)
                .args(["--format", format]),
            Some(&tmp),
        );
        insta::assert_snapshot!(format!("build-forced-{format}"), text);
    }

    std::fs::copy(tmp.join("out-text").join(BUNDLE), tmp.join(BUNDLE)).unwrap();
    every_format("verify-good", &tmp, Some(&tmp), &["verify", BUNDLE]);
    every_format("inspect-good", &tmp, Some(&tmp), &["inspect", BUNDLE]);
    for format in FORMATS {
        let dir = tmp.join(format!("x-{format}"));
        std::fs::create_dir_all(&dir).unwrap();
        let text = shot(
            osb(&tmp)
                .args(["extract", BUNDLE, "-C"])
                .arg(format!("x-{format}"))
                .args(["--format", format]),
            Some(&tmp),
        );
        insta::assert_snapshot!(format!("extract-good-{format}"), text);
    }

    let bytes = std::fs::read(tmp.join(BUNDLE)).unwrap();
    std::fs::write(tmp.join("cut.tar.gz"), &bytes[..bytes.len() / 2]).unwrap();
    every_format(
        "verify-truncated",
        &tmp,
        Some(&tmp),
        &["verify", "cut.tar.gz"],
    );
    every_format(
        "inspect-truncated",
        &tmp,
        Some(&tmp),
        &["inspect", "cut.tar.gz"],
    );
    every_format(
        "extract-truncated",
        &tmp,
        Some(&tmp),
        &["extract", "cut.tar.gz", "-C", "."],
    );
}

#[test]
fn diff_config_show_and_keygen() {
    let t = TestDir::new();
    let tmp = t.path().to_path_buf();
    let profile = root().join("testdata/profiles/win2016-datacenter");
    every_format(
        "diff-same",
        &root(),
        None,
        &[
            "diff",
            "testdata/profiles/win2016-datacenter",
            "testdata/profiles/win2016-datacenter",
        ],
    );
    std::fs::create_dir_all(tmp.join("out")).unwrap();
    let built = osb(&tmp)
        .args(["build", "-q", "--no-sha256-file", "-o", "out"])
        .arg(&profile)
        .output()
        .unwrap();
    assert!(built.status.success());
    every_format(
        "diff-changed",
        &tmp,
        Some(&tmp),
        &[
            "diff",
            &format!("out/{BUNDLE}"),
            root()
                .join("testdata/profiles/win2012-bad")
                .to_str()
                .unwrap(),
        ],
    );
    every_format(
        "config-show",
        &tmp,
        Some(&tmp),
        &["config", "show", "--no-config"],
    );
    for format in FORMATS {
        let text = shot(
            osb(&tmp)
                .args(["keygen", "--unencrypted", "-p"])
                .arg(format!("{format}.pub"))
                .arg("-s")
                .arg(format!("{format}.key"))
                .args(["--format", format]),
            Some(&tmp),
        );
        // The key differs on every run: keep the shape, not the key.
        let pub_line = std::fs::read_to_string(tmp.join(format!("{format}.pub"))).unwrap();
        let key = pub_line.lines().nth(1).unwrap_or_default().to_string();
        let id = pub_line
            .lines()
            .next()
            .and_then(|l| l.rsplit(' ').next())
            .unwrap_or_default()
            .to_string();
        let text = text.replace(&key, "[public key]").replace(&id, "[key id]");
        insta::assert_snapshot!(format!("keygen-{format}"), text);
    }
}
