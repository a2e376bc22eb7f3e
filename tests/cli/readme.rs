//! The README runs as a reader would run it: every `sh` block (but those marked
//! `no-run`) line by line, in order, in one scratch folder holding a copy of
//! `testdata/` (the folder the README names, [`SCRATCH`]), with the built `osbundle`
//! on `PATH`; a line ending in `# exit N` must exit N, every other line 0. A `text`
//! block after an `sh` block (in the same section) is what that block printed on
//! stdout: its lines, in order, all of them, where a `...` line stands for any lines
//! left out and a line ending in `...` for a line that starts so. Every code block
//! is tagged (`sh`, `sh no-run`, `text`, `toml`, `yaml`, `json`); every `toml` block
//! is a valid `osbundle.toml`.

use std::path::Path;

use crate::util::root;

struct Block {
    info: String,
    lines: Vec<String>,
    /// 1-based line of the opening fence, for messages.
    at: usize,
    /// A heading comes between the previous block and this one.
    after_heading: bool,
    /// The indentation of the opening fence.
    indent: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    let mut heading = false;
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
                        after_heading: std::mem::take(&mut heading),
                        indent: line.len() - trimmed.len(),
                    })
                }
            }
            continue;
        }
        heading |= current.is_none() && line.starts_with('#');
        if let Some(block) = &mut current {
            // The fence's own indentation (a block in a list), not the line's.
            let indent = (line.len() - trimmed.len()).min(block.indent);
            block.lines.push(line[indent..].to_string());
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

/// The README's line that makes the scratch folder the examples run in.
const SCRATCH: &str =
    "mkdir -p /tmp/osbundle-examples && cp -r testdata /tmp/osbundle-examples/ && cd /tmp/osbundle-examples";

fn run_block(block: &Block, bin_dir: &Path, dir: &Path) -> String {
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
            .current_dir(dir)
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

/// Whether `printed` is what `shown` says, line by line: `...` stands for any lines
/// (none too), a line ending in `...` for one line that starts with the rest.
fn shows(shown: &[&str], printed: &[&str]) -> bool {
    match shown.split_first() {
        None => printed.is_empty(),
        Some((&"...", rest)) => (0..=printed.len()).any(|i| shows(rest, &printed[i..])),
        Some((line, rest)) => printed.split_first().is_some_and(|(first, more)| {
            let same = match line.strip_suffix("...") {
                Some(prefix) => first.starts_with(prefix),
                None => first == line,
            };
            same && shows(rest, more)
        }),
    }
}

#[test]
fn shown_output_matches_in_order_with_gaps() {
    let printed = ["a", "b", "c", "d"];
    assert!(shows(&["a", "b", "c", "d"], &printed));
    assert!(shows(&["a", "...", "d"], &printed));
    assert!(shows(&["...", "c", "d"], &printed));
    assert!(
        shows(&["a", "b", "c", "...", "d"], &printed),
        "... may be nothing"
    );
    assert!(shows(&["a", "b...", "..."], &printed));
    assert!(!shows(&["a", "c", "d"], &printed), "a line left out unsaid");
    assert!(!shows(&["b", "a", "..."], &printed), "out of order");
    assert!(
        !shows(&["a", "b", "c"], &printed),
        "the end left out unsaid"
    );
    assert!(!shows(&["a", "b", "c", "d", "e"], &printed));
}

const TAGS: [&str; 6] = ["sh", "sh no-run", "text", "toml", "yaml", "json"];

#[test]
fn every_readme_command_runs_as_written() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        text.contains(SCRATCH),
        "the README names the scratch folder its examples run in: `{SCRATCH}`"
    );
    let bin = assert_cmd::cargo::cargo_bin("osbundle");
    let bin_dir = bin.parent().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    copy_dir(&root().join("testdata"), &scratch.path().join("testdata"));
    let blocks = blocks(&text);
    let mut commands = 0;
    let mut last_output: Option<String> = None;
    for block in &blocks {
        let words: Vec<&str> = block.info.split_whitespace().collect();
        assert!(
            TAGS.contains(&words.join(" ").as_str()),
            "README line {}: a code block tagged `{}`; tag each one {TAGS:?}",
            block.at,
            block.info
        );
        if block.after_heading {
            last_output = None;
        }
        match words.as_slice() {
            ["sh"] => {
                commands += block
                    .lines
                    .iter()
                    .filter(|l| l.trim().contains("osbundle "))
                    .count();
                last_output = Some(run_block(block, bin_dir, scratch.path()));
            }
            ["text"] => {
                if let Some(printed) = last_output.take() {
                    let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
                    let shown: Vec<&str> = block
                        .lines
                        .iter()
                        .map(|l| l.trim_end())
                        .filter(|l| !l.is_empty())
                        .collect();
                    assert!(
                        shows(&shown, &printed),
                        "README line {}: the output shown is not what the commands print (`...` for lines left out):\n{}",
                        block.at,
                        printed.join("\n")
                    );
                }
            }
            ["toml"] => {
                let body = block.lines.join("\n");
                let parsed = osbundle::project::ProjectConfig::parse(body.as_bytes(), &root());
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
    let section = &text[install..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    for way in ["cargo install --locked --path .", "action.yml"] {
        assert!(section.contains(way), "Install does not mention {way}");
    }
    // What does not exist yet is offered as what it is.
    for later in ["--git", "release binar"] {
        let at = section.find(later);
        assert!(
            at.is_some_and(|at| section[..at].rfind("when published").is_some()
                || section[at..]
                    .find("when published")
                    .is_some_and(|d| d < 200)),
            "Install offers {later} without saying it is for when osbundle is published"
        );
    }
    assert!(
        !text.contains("$OSBUNDLE_GIT_URL"),
        "a placeholder variable in a CI snippet"
    );
}
