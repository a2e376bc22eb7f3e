//! A small harness: a temporary directory to lay files in, and the binary run in it.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The repository root (for `testdata/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `testdata/<rel>`.
pub fn testdata(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// A temporary directory with helpers to write files.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` to `rel`, creating folders.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    /// Writes a profile directory `name` with the given profile.json and files.
    pub fn profile(&self, name: &str, profile_json: &str, files: &[(&str, &str)]) -> PathBuf {
        self.write(&format!("{name}/profile.json"), profile_json);
        for (rel, content) in files {
            self.write(&format!("{name}/{rel}"), content);
        }
        self.dir.path().join(name)
    }

    /// The binary, run in this directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("osbundle").expect("binary");
        cmd.current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env_remove("OSBUNDLE_CONFIG");
        cmd
    }
}

/// Runs and returns output, asserting the exit code.
pub fn run(cmd: &mut Command, code: i32) -> Output {
    let out = cmd.output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs with `--format json`, asserts the exit code, and parses the one document.
pub fn run_json(cmd: &mut Command, code: i32) -> Value {
    cmd.args(["--format", "json"]);
    let out = run(cmd, code);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().expect("findings array");
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert_eq!(doc["summary"]["errors"], errors, "summary counts errors");
    let warnings = findings
        .iter()
        .filter(|f| f["severity"] == "warning")
        .count();
    assert_eq!(
        doc["summary"]["warnings"], warnings,
        "summary counts warnings"
    );
    doc
}

/// `(rule, path)` of every finding, with paths relative to `base`.
pub fn rules_and_paths(doc: &Value, base: &Path) -> Vec<(String, String)> {
    let base = format!("{}/", base.display());
    doc["findings"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| {
                    let path = f["path"].as_str().unwrap_or_default();
                    (
                        f["rule"].as_str().unwrap_or_default().to_string(),
                        path.strip_prefix(&base).unwrap_or(path).to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The rule IDs of every finding.
pub fn rules_of(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the tests run in CI (`CI` set, as GitHub Actions and GitLab CI set it to
/// `true`, and not `false` or `0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"))
}

/// What a test does when something it needs is missing (`what`, with where it is
/// expected and how to get it): under CI it fails with that message, so that a test
/// never passes by checking nothing where it matters; elsewhere it says so on
/// stderr and the caller skips.
pub fn missing(what: &str) {
    if let Err(message) = missing_in(in_ci(), what) {
        panic!("{message}");
    }
    eprintln!("{what}: skipped (CI=true makes this a failure)");
}

/// [`missing`]'s verdict: `Err` (the failure message) under CI.
pub fn missing_in(ci: bool, what: &str) -> Result<(), String> {
    match ci {
        true => Err(format!("{what} (CI=true: a missing peer or fixture fails)")),
        false => Ok(()),
    }
}

/// Whether the peer program `name` runs (`name --version` or `name --help`); when it
/// does not, [`missing`] decides (a failure under CI, naming `install`).
pub fn peer(name: &str, install: &str) -> bool {
    let runs = ["--version", "--help"].iter().any(|flag| {
        std::process::Command::new(name)
            .arg(flag)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok()
    });
    if !runs {
        missing(&format!(
            "{name} not installed: install {install} (.ci/install-peers)"
        ));
    }
    runs
}
