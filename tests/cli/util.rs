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

/// A zip of one stored entry `payload.inf` holding `data` (a Windows driver zip).
pub fn stored_zip(data: &[u8]) -> Vec<u8> {
    let name = b"payload.inf";
    let crc = crc32(data);
    let mut fixed = Vec::new();
    fixed.extend_from_slice(&crc.to_le_bytes());
    fixed.extend_from_slice(&(data.len() as u32).to_le_bytes());
    fixed.extend_from_slice(&(data.len() as u32).to_le_bytes());
    fixed.extend_from_slice(&(name.len() as u16).to_le_bytes());
    let mut out = vec![0x50, 0x4b, 3, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0];
    out.extend_from_slice(&fixed);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(name);
    out.extend_from_slice(data);
    let start = out.len() as u32;
    let mut central = vec![0x50, 0x4b, 1, 2, 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0];
    central.extend_from_slice(&fixed);
    central.extend_from_slice(&[0; 12]);
    central.extend_from_slice(&0u32.to_le_bytes());
    central.extend_from_slice(name);
    out.extend_from_slice(&central);
    out.extend_from_slice(&[0x50, 0x4b, 5, 6, 0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// The parts of a zip of one stored entry `payload.inf` of `size` bytes around its
/// data, with CRC-32 0 in both headers: whole for a central-directory read, not for a
/// deep check (for data too large to hold).
pub fn stored_zip_frame(size: u32) -> (Vec<u8>, Vec<u8>) {
    let whole = stored_zip(&[]);
    let name_end = 30 + 11;
    let mut head = whole[..name_end].to_vec();
    head[14..18].copy_from_slice(&[0; 4]);
    head[18..22].copy_from_slice(&size.to_le_bytes());
    head[22..26].copy_from_slice(&size.to_le_bytes());
    let mut tail = whole[name_end..].to_vec();
    tail[16..20].copy_from_slice(&[0; 4]);
    tail[20..24].copy_from_slice(&size.to_le_bytes());
    tail[24..28].copy_from_slice(&size.to_le_bytes());
    let start = (name_end as u32) + size;
    let at = tail.len() - 6;
    tail[at..at + 4].copy_from_slice(&start.to_le_bytes());
    (head, tail)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// The bytes a test's payload file `rel` gets: in a payload folder, a real payload
/// of its extension (a zip of `content`, the example RPM or `.tar.gz` of
/// `testdata/`), or `content` itself when not empty; elsewhere `content`.
pub fn payload(rel: &str, content: &[u8]) -> Vec<u8> {
    let folder = rel.rsplit('/').nth(1).unwrap_or("");
    if !matches!(folder, "drivers" | "boot" | "software" | "bundles") {
        return content.to_vec();
    }
    let lower = rel.to_ascii_lowercase();
    let example = |rel: &str| std::fs::read(testdata(rel)).expect("example payload");
    if lower.ends_with(".zip") {
        stored_zip(content)
    } else if lower.ends_with(".rpm") {
        example("profiles/sles15-webserver/drivers/lsi-mpt3sas-kmp-default.x86_64.rpm")
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        example("profiles/sles15-webserver/software/jre-8u151-linux-x64.tar.gz")
    } else if content.is_empty() {
        b"MZ".to_vec()
    } else {
        content.to_vec()
    }
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

    /// Writes `content` to `rel`, creating folders; a payload (a file in a
    /// `drivers/`, `boot/`, `software/` or `bundles/` folder) as a real payload of
    /// its extension holding `content` ([`payload`]).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        self.write_raw(rel, payload(rel, content.as_ref()))
    }

    /// Writes `content` to `rel` as given, creating folders.
    pub fn write_raw(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    /// Writes a profile directory `name` with the given profile.json and files. A
    /// payload (in `drivers/`, `boot/`, `software/`, `bundles/`) is written as a real
    /// payload of its extension ([`payload`]), so that tests about names, macros and
    /// bundles are not about payload bytes; [`TestDir::profile_raw`] writes the bytes
    /// as given.
    pub fn profile(&self, name: &str, profile_json: &str, files: &[(&str, &str)]) -> PathBuf {
        self.write(&format!("{name}/profile.json"), profile_json);
        for (rel, content) in files {
            self.write(&format!("{name}/{rel}"), content);
        }
        self.dir.path().join(name)
    }

    /// [`TestDir::profile`] with every file's bytes as given.
    pub fn profile_raw(&self, name: &str, profile_json: &str, files: &[(&str, &str)]) -> PathBuf {
        self.write(&format!("{name}/profile.json"), profile_json);
        for (rel, content) in files {
            self.write_raw(&format!("{name}/{rel}"), content);
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
