//! Output formats and the ecosystem around the binary: SARIF, GitHub workflow
//! commands, colours, completions, man page, version, progress bars.

use serde_json::Value;

use crate::util::{root, run, testdata, TestDir};

fn bad_tree(t: &TestDir) {
    t.profile(
        "p",
        r#"{"name": "p", "os": "win", "release": "2016", "platforms": ["IMM9"]}"#,
        &[
            ("drivers/nic, v2.exe", ""),
            ("config/c.json", "{\"category\": \"dynamic\", \"name\": \"t\", \"type\": \"array\",\n \"colour\": 1, \"content\": [{\"category\": \"dynamic\", \"name\": \"x\", \"type\": \"string\", \"choices\": [\"a\"], \"value\": \"b\"}]}"),
        ],
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_with_rules_and_regions() {
    let t = TestDir::new();
    bad_tree(&t);
    let out = run(t.cmd().args(["check", "--format", "sarif", "p"]), 1);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string(testdata("sarif-schema-2.1.0.json")).unwrap();
    // The OASIS schema's `language` patterns have a bare `]`, a literal in ECMA-262 that
    // the Rust engine rejects when the schema itself is checked; escape it (same meaning).
    let bare = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(bare).count(), 2);
    let text = text.replace(bare, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run0 = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty(), "{rule}");
    }
    // Default levels as the README's rule table gives them, not "error" for all.
    let level = |id: &str| {
        let rule = rules.iter().find(|r| r["id"] == id).unwrap();
        rule["defaultConfiguration"]["level"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(level("extension-not-allowed"), "error");
    assert_eq!(level("bundle-reencoded"), "warning");
    assert_eq!(level("unattend-empty"), "warning");
    assert_eq!(level("bundle-foreign"), "note");
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{results:#?}");
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
    }
    let semantic = results
        .iter()
        .find(|r| r["ruleId"] == "config-semantic")
        .unwrap();
    let loc = &semantic["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "p/config/c.json");
    assert_eq!(loc["region"]["startLine"], 2);
    assert!(loc["region"]["startColumn"].as_u64().unwrap() > 1);
    assert_eq!(semantic["properties"]["jsonPointer"], "/content/0/value");
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "config-schema")
        .unwrap();
    assert_eq!(warning["level"], "warning");
    let driver = results
        .iter()
        .find(|r| r["ruleId"] == "extension-not-allowed")
        .unwrap();
    assert_eq!(
        driver["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "p/drivers/nic,%20v2.exe"
    );
}

#[test]
fn github_format_lines_are_workflow_commands() {
    let t = TestDir::new();
    bad_tree(&t);
    let out = run(t.cmd().args(["check", "--format", "github", "p"]), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(
        lines[0],
        "::warning file=p/config/c.json,line=1,col=1,title=config-schema::unknown member \"colour\" (ignored)"
    );
    assert!(
        lines[1].starts_with("::error file=p/config/c.json,line=2,col="),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",title=config-semantic::value \"b\" is not among"),
        "{}",
        lines[1]
    );
    // Commas in the file name are escaped in the property; no line or column here.
    assert!(
        lines[2].starts_with("::error file=p/drivers/nic%2C v2.exe,title=extension-not-allowed::"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("::error file=p/profile.json,line=1,col="),
        "{}",
        lines[3]
    );
    assert!(lines[3].contains("(at /platforms/0)"));
    assert_eq!(
        lines[4],
        "checked 3 files: 3 errors, 1 warning; rules: embedded example (LXCA API documentation)"
    );
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let t = TestDir::new();
    bad_tree(&t);
    let piped = run(t.cmd().args(["check", "p"]), 1);
    assert!(!String::from_utf8(piped.stdout).unwrap().contains('\u{1b}'));
    let forced = run(t.cmd().args(["check", "--color", "always", "p"]), 1);
    assert!(String::from_utf8(forced.stdout).unwrap().contains('\u{1b}'));
    // JSON is never coloured.
    let json = run(
        t.cmd()
            .args(["check", "--color", "always", "--format", "json", "p"]),
        1,
    );
    assert!(serde_json::from_slice::<Value>(&json.stdout).is_ok());
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let t = TestDir::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(t.cmd().args(["completions", shell]), 0);
        let script = String::from_utf8(out.stdout).unwrap();
        for word in [
            "osbundle", "check", "rules", "format", "explain", "macros", "new",
        ] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        if ["bash", "zsh", "fish"].contains(&shell) {
            for value in ["sarif", "junit", "gitlab"] {
                assert!(
                    script.contains(value),
                    "{shell} completions lack --format {value}"
                );
            }
        }
    }
    let man = String::from_utf8(run(t.cmd().arg("man"), 0).stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH osbundle"),
        "{}",
        &man[..200]
    );
    assert!(man.contains("check") && man.contains("Exit codes"));
    for sub in ["explain", "macros", "new"] {
        assert!(
            man.contains(&format!("osbundle\\-{sub}(1)")),
            "the man page lacks {sub}"
        );
    }
    run(t.cmd().args(["completions", "tcsh"]), 2);
}

#[test]
fn version_names_the_release_and_commit_when_known() {
    let t = TestDir::new();
    let out = run(t.cmd().arg("--version"), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = format!("osbundle {}", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    let in_git = root().join(".git").exists();
    if in_git {
        assert!(
            text.contains(" ("),
            "a build from a checkout names its commit: {text}"
        );
    }
}

#[test]
fn no_progress_bar_in_a_pipe() {
    let t = TestDir::new();
    for i in 0..300 {
        t.write(&format!("tree/drivers/d{i}.rpm"), "");
    }
    let out = run(t.cmd().args(["check", "tree"]), 0);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `osbundle ARGS` under a pseudo-terminal with `script` (util-linux), if present,
/// with progress bars drawn at once.
fn under_pty(t: &TestDir, args: &str) -> Option<String> {
    under_pty_after(t, args, "0")
}

/// [`under_pty`] with bars drawn after `delay_ms`.
fn under_pty_after(t: &TestDir, args: &str, delay_ms: &str) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let bin = assert_cmd::cargo::cargo_bin("osbundle");
    let out = std::process::Command::new(script)
        .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .current_dir(t.path())
        .env("TERM", "xterm")
        .env("OSBUNDLE_PROGRESS_DELAY_MS", delay_ms)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn progress_bar_on_a_terminal_unless_quiet() {
    let t = TestDir::new();
    for p in 0..150 {
        t.profile(
            &format!("tree/p{p:03}"),
            r#"{"name": "p", "os": "sles", "release": "15"}"#,
            &[
                ("drivers/a.rpm", ""),
                ("unattend/u.xml", "#predefined.globalSettings.ipAssignment#"),
            ],
        );
    }
    let Some(shown) = under_pty(&t, "check -j 1 tree") else {
        eprintln!("script(1) not available: skipping the pseudo-terminal check");
        return;
    };
    assert!(
        shown.contains("checking"),
        "no progress bar on a terminal: {shown:?}"
    );
    let quiet = under_pty(&t, "check -q -j 1 tree").unwrap_or_default();
    assert!(!quiet.contains("checking"), "progress with -q: {quiet:?}");
}

#[test]
fn build_and_verify_draw_progress_only_on_a_terminal() {
    let t = TestDir::new();
    let big = "x".repeat(4 << 20);
    t.profile(
        "p",
        r#"{"name": "p", "os": "win", "release": "2016"}"#,
        &[("software/a.zip", &big), ("software/b.zip", &big)],
    );
    std::fs::create_dir_all(t.path().join("out")).unwrap();
    let Some(shown) = under_pty(&t, "build -o out p") else {
        eprintln!("script(1) not available: skipping the pseudo-terminal check");
        return;
    };
    assert!(
        shown.contains("building"),
        "no progress bar on a terminal: {shown:?}"
    );
    let bundle = std::fs::read_dir(t.path().join("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".tar.gz"))
        .expect("a bundle");
    let out = run(t.cmd().args(["verify", &format!("out/{bundle}")]), 0);
    assert!(out.stderr.is_empty(), "progress in a pipe");
    let shown = under_pty(&t, &format!("verify out/{bundle}")).unwrap_or_default();
    assert!(
        shown.contains("verifying"),
        "no progress bar on a terminal: {shown:?}"
    );
    // In bytes of the compressed bundle, not a count of bundles.
    assert!(
        shown.contains("B/") && !shown.contains("0/1"),
        "verify progress is not in bytes: {shown:?}"
    );
    std::fs::create_dir_all(t.path().join("x")).unwrap();
    let shown = under_pty(&t, &format!("extract out/{bundle} -C x")).unwrap_or_default();
    assert!(
        shown.contains("reading") && shown.contains("B/"),
        "extract progress is not in bytes: {shown:?}"
    );
}

#[test]
fn no_progress_bar_for_quick_runs() {
    // Regression: the bar flashed for runs that take no time.
    let t = TestDir::new();
    t.profile(
        "p",
        r#"{"name": "p", "os": "sles", "release": "15"}"#,
        &[("drivers/a.rpm", "")],
    );
    let Some(shown) = under_pty_after(&t, "check p", "1000") else {
        eprintln!("script(1) not available: skipping the pseudo-terminal check");
        return;
    };
    assert!(
        !shown.contains("checking"),
        "a bar for a quick run: {shown:?}"
    );
    let shown = under_pty_after(&t, "check p", "0").unwrap_or_default();
    assert!(shown.contains("checking"), "no bar at all: {shown:?}");
}

/// A name that holds a line break, a workflow command and an escape sequence forges
/// nothing: text escapes it (`\n`, `\x1b`), JSON and SARIF carry it in their own
/// escapes, GitHub percent-encodes it.
#[test]
fn hostile_names_forge_nothing_in_any_format() {
    let t = TestDir::new();
    let evil = "a\n::error file=x::forged\u{1b}[31m.exe";
    t.profile(
        "p",
        r#"{"name": "p", "os": "win", "release": "2016"}"#,
        &[(&format!("drivers/{evil}"), "")],
    );
    let text = run(t.cmd().args(["check", "p"]), 1);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.starts_with("p/drivers/a\\n::error file=x::forged\\x1b[31m.exe: error["),
        "{text}"
    );

    let github = run(t.cmd().args(["check", "--format", "github", "p"]), 1);
    let github = String::from_utf8(github.stdout).unwrap();
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 2, "{github}");
    assert!(
        lines[0].starts_with(
            "::error file=p/drivers/a%0A%3A%3Aerror file=x%3A%3Aforged\\x1b[31m.exe,title="
        ),
        "{}",
        lines[0]
    );
    assert!(!github.contains('\u{1b}'));

    for format in ["json", "sarif"] {
        let out = run(t.cmd().args(["check", "--format", format, "p"]), 1);
        let doc: Value = serde_json::from_slice(&out.stdout).expect("one document");
        let path = if format == "json" {
            doc["findings"][0]["path"].clone()
        } else {
            doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"]
                .clone()
        };
        let path = path.as_str().unwrap().to_string();
        assert!(path.contains("::error") && !path.contains('\n') || format == "json");
        if format == "json" {
            assert_eq!(path, format!("p/drivers/{evil}"));
        }
        assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    }
    // GitLab: JSON escapes the name; JUnit: escaped as in text, inside an attribute.
    let out = run(t.cmd().args(["check", "--format", "gitlab", "p"]), 1);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one document");
    assert_eq!(doc[0]["location"]["path"], format!("p/drivers/{evil}"));
    let out = run(t.cmd().args(["check", "--format", "junit", "p"]), 1);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(!xml.contains('\u{1b}'), "{xml}");
    assert!(
        xml.contains("<testcase name=\"p/drivers/a\\n::error file=x::forged\\x1b[31m.exe\""),
        "{xml}"
    );
}

/// Every subcommand writes one document for `--format json` and `--format sarif`,
/// fatal errors included, or refuses the format with exit 2.
#[test]
fn one_document_per_format_or_a_refusal() {
    let t = TestDir::new();
    for format in ["json", "sarif"] {
        for args in [
            &["rules"][..],
            &["config", "macros", "nowhere.json"],
            &["check", "nowhere"],
        ] {
            let out = t
                .cmd()
                .args(args)
                .args(["--format", format])
                .output()
                .unwrap();
            let code = out.status.code().unwrap();
            let doc: Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{args:?} {format}: {e}"));
            if code == 2 && format == "json" {
                assert!(doc["error"].is_string(), "{doc}");
            }
            if code == 2 && format == "sarif" {
                let note = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
                assert_eq!(note["level"], "error", "{doc}");
            }
        }
    }
    // schema, man and completions take no --format (nor --rules, --strict, -j): the
    // option is refused as bad usage, before anything is written.
    for args in [
        &["completions", "bash"][..],
        &["schema", "profile"],
        &["man"],
    ] {
        let out = run(t.cmd().args(args).args(["--format", "json"]), 2);
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
    }
}
