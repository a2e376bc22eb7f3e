//! Distribution: the GitHub Action (`action.yml`) and the release workflow parse as
//! YAML, name real subcommands and flags, and the action's run step works for real
//! against testdata/.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

use crate::util::{root, run, TestDir};

fn load(rel: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one document");
    docs.remove(0)
}

fn help(t: &TestDir, sub: &str) -> String {
    String::from_utf8(run(t.cmd().args([sub, "--help"]), 0).stdout).unwrap()
}

/// Every `--flag` in `script` that follows an `osbundle` command.
fn flags(script: &str) -> Vec<String> {
    script
        .lines()
        .filter(|l| l.contains("osbundle ") || l.contains("options+=("))
        .flat_map(|l| {
            l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|w| w.starts_with("--") && w.len() > 2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn action_is_a_composite_action_with_real_subcommands_and_flags() {
    let action = load("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for input in [
        "command", "paths", "rules", "sarif", "version", "strict", "args",
    ] {
        assert!(
            !action["inputs"][input].is_badvalue(),
            "action.yml has no input {input}"
        );
    }
    let steps = action["runs"]["steps"].as_vec().expect("steps");
    let t = TestDir::new();
    let (check, verify) = (help(&t, "check"), help(&t, "verify"));
    for step in steps {
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "every step says its shell"
        );
        let script = step["run"].as_str().expect("run");
        for flag in flags(script) {
            if [
                "--locked",
                "--path",
                "--root",
                "--repo",
                "--pattern",
                "--clobber",
                "--strip-components",
            ]
            .contains(&flag.as_str())
            {
                continue; // cargo, gh and tar flags
            }
            assert!(
                check.contains(&flag) && verify.contains(&flag),
                "action.yml uses {flag}, which check or verify does not take"
            );
        }
    }
}

/// Runs the action's second step (the osbundle run) with bash, as the runner would.
fn run_step(dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let action = load("action.yml");
    let script = action["runs"]["steps"][1]["run"]
        .as_str()
        .unwrap()
        .to_string();
    let bin = assert_cmd::cargo::cargo_bin("osbundle");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-c", &script])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("OSBUNDLE_CONFIG");
    for (k, v) in [
        ("COMMAND", "check"),
        ("PATHS", "."),
        ("RULES", ""),
        ("SARIF", ""),
        ("STRICT", "false"),
        ("ARGS", ""),
    ] {
        cmd.env(k, v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_action_run_step_annotates_and_writes_sarif() {
    let dir = root();
    let tmp = tempfile::tempdir().unwrap();
    let sarif = tmp.path().join("out.sarif");
    let out = run_step(
        &dir,
        &[
            (
                "PATHS",
                "testdata/profiles/win2012-bad testdata/profiles/win2016-*",
            ),
            ("RULES", "testdata/osimages.json"),
            ("SARIF", sarif.to_str().unwrap()),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("::error file=testdata/profiles/win2012-bad/drivers/nic.exe"),
        "{stdout}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let good = run_step(&dir, &[("PATHS", "testdata/profiles/win2016-datacenter")]);
    assert_eq!(good.status.code(), Some(0));
    let bad = run_step(&dir, &[("COMMAND", "build")]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("::error::command must be"));
}

#[test]
fn release_workflow_builds_static_linux_windows_macos_with_checksums() {
    let wf = load(".github/workflows/release.yml");
    let include = wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("a build matrix");
    let targets: Vec<&str> = include
        .iter()
        .filter_map(|e| e["target"].as_str())
        .collect();
    for target in [
        "x86_64-unknown-linux-musl",
        "x86_64-pc-windows-msvc",
        "aarch64-apple-darwin",
    ] {
        assert!(targets.contains(&target), "no {target} in {targets:?}");
    }
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(text.contains("cargo build --release --locked"));
    assert!(text.contains("sha256sum osbundle-* > SHA256SUMS"));
    // The action downloads what the workflow publishes.
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains("osbundle-$VERSION-$target.$ext"));
    assert!(text.contains("osbundle-${GITHUB_REF_NAME}-${TARGET}"));
    for target in targets {
        assert!(
            action.contains(target),
            "the action cannot install {target}"
        );
    }
}

/// CI builds the API documentation with warnings as errors (a public doc linking to
/// a private item is one), so `cargo doc` stays clean.
#[test]
fn ci_builds_the_docs_with_warnings_denied() {
    let script = std::fs::read_to_string(crate::util::root().join(".ci/run")).unwrap();
    let line = script
        .lines()
        .find(|l| l.contains("cargo doc"))
        .expect(".ci/run builds the docs");
    for part in [
        "RUSTDOCFLAGS=\"-D warnings\"",
        "--workspace",
        "--no-deps",
        "--locked",
    ] {
        assert!(line.contains(part), "{line}: no {part}");
    }
}
