//! The README runs: every `sh` block (but those marked `no-run`) is run line by line
//! with the built `osbundle` on `PATH`, in a fresh folder holding a copy of
//! `testdata/`; a line ending in `# exit N` must exit N, every other line 0. A `text`
//! block right after an `sh` block is output: each of its lines must appear in what
//! the block printed. Every `toml` block is a valid `osbundle.toml`.

use std::path::Path;

use crate::util::root;

struct Block {
    info: String,
    lines: Vec<String>,
    /// 1-based line of the opening fence, for messages.
    at: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match current.take() {
                Some(block) => out.push(block),
                None => {
                    current = Some(Block {
                        info: info.trim().to_string(),
                        lines: Vec::new(),
                        at: i + 1,
                    })
                }
            }
            continue;
        }
        if let Some(block) = &mut current {
            let indent = line.len() - trimmed.len();
            block.lines.push(line[indent.min(line.len())..].to_string());
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `N` of a trailing `# exit N`, else 0.
fn expected_code(line: &str) -> i32 {
    line.rsplit_once("# exit ")
        .and_then(|(_, n)| n.trim().parse().ok())
        .unwrap_or(0)
}

fn run_block(block: &Block, bin_dir: &Path) -> String {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join("testdata"), &tmp.path().join("testdata"));
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut printed = String::new();
    for line in &block.lines {
        let command = line.trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        let out = std::process::Command::new("bash")
            .args(["-c", command])
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env_remove("OSBUNDLE_CONFIG")
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(expected_code(command)),
            "README line {} block: `{command}`\nstdout:\n{stdout}\nstderr:\n{}",
            block.at,
            String::from_utf8_lossy(&out.stderr)
        );
        printed.push_str(&stdout);
    }
    printed
}

#[test]
fn every_readme_command_runs_as_written() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("osbundle");
    let bin_dir = bin.parent().unwrap();
    let blocks = blocks(&text);
    let mut commands = 0;
    let mut last_output: Option<String> = None;
    for block in &blocks {
        let words: Vec<&str> = block.info.split_whitespace().collect();
        match words.as_slice() {
            ["sh"] => {
                commands += block
                    .lines
                    .iter()
                    .filter(|l| l.trim().contains("osbundle "))
                    .count();
                last_output = Some(run_block(block, bin_dir));
            }
            ["text"] => {
                if let Some(printed) = last_output.take() {
                    for line in block.lines.iter().filter(|l| !l.trim().is_empty()) {
                        assert!(
                            printed.contains(line.as_str()),
                            "README line {}: shown output `{line}` is not what the commands print:\n{printed}",
                            block.at
                        );
                    }
                }
            }
            ["toml"] => {
                let body = block.lines.join("\n");
                let parsed = osbundle::ProjectConfig::parse(body.as_bytes(), &root());
                assert!(parsed.is_ok(), "README line {}: {parsed:?}", block.at);
                last_output = None;
            }
            _ => last_output = None,
        }
    }
    assert!(
        commands >= 20,
        "only {commands} osbundle commands found in the README"
    );
}

#[test]
fn osbundle_is_installed_before_it_is_used() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = text.find("## Install").expect("an Install section");
    let first_use = blocks(&text)
        .into_iter()
        .find(|b| {
            b.lines
                .iter()
                .any(|l| l.trim_start().starts_with("osbundle "))
        })
        .map(|b| b.at)
        .expect("a command");
    let install_line = text[..install].lines().count() + 1;
    assert!(
        install_line < first_use,
        "osbundle is used on line {first_use}, installed on line {install_line}"
    );
    for way in [
        "cargo install --locked --git",
        "cargo install --locked --path",
        "SHA256SUMS",
        "action.yml",
    ] {
        assert!(
            text[install..].contains(way),
            "Install does not mention {way}"
        );
    }
    assert!(
        !text.contains("$OSBUNDLE_GIT_URL"),
        "a placeholder variable in a CI snippet"
    );
}
