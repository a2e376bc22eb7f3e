//! The project configuration, `osbundle.toml`, end to end.

use crate::util::{rules_and_paths, rules_of, run, run_json, testdata, TestDir};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn one_toml_line_sets_the_rules_for_every_command_below_it() {
    let t = TestDir::new();
    let rules = std::fs::read(testdata("osimages.json")).unwrap();
    t.write("lxca/osimages.json", &rules);
    t.write("osbundle.toml", "rules = \"lxca/osimages.json\"\n");
    // `rules` names the file in force, from a folder below the configuration.
    t.write(
        "profiles/p/profile.json",
        r#"{"name": "p", "os": "win", "release": "2016"}"#,
    );
    std::fs::create_dir_all(t.path().join("profiles/p/sub")).unwrap();
    let out = run(
        t.cmd()
            .current_dir(t.path().join("profiles/p/sub"))
            .arg("rules"),
        0,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("lxca/osimages.json"), "{text}");
    // --rules on the command line wins.
    t.write("other.json", r#"[{"name": "solo", "releases": []}]"#);
    let out = run(t.cmd().args(["rules", "--rules", "other.json"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("other.json") && text.contains("solo"),
        "{text}"
    );
    // --no-config and a missing rules file named by the config.
    t.write("osbundle.toml", "rules = \"missing.json\"\n");
    let out = run(t.cmd().args(["check", "profiles"]), 2);
    assert!(
        stderr(&out).contains("cannot read the rules file"),
        "{}",
        stderr(&out)
    );
    run_json(t.cmd().args(["check", "--no-config", "profiles"]), 0);
}

#[test]
fn unknown_keys_are_errors_with_their_line() {
    let t = TestDir::new();
    t.write(
        "osbundle.toml",
        "os = \"win\"\n\n[severity]\nunknown-os = \"warning\"\nkind-unknow = \"off\"\n",
    );
    t.write("x/drivers/a.zip", "");
    let out = run(t.cmd().args(["check", "x"]), 2);
    assert!(
        stderr(&out).contains("osbundle.toml:5:1: unknown rule ID \"kind-unknow\""),
        "{}",
        stderr(&out)
    );
    t.write("osbundle.toml", "os = \"win\"\nrule = \"r.json\"\n");
    let out = run(t.cmd().args(["check", "x"]), 2);
    assert!(
        stderr(&out).contains("osbundle.toml:2:1: unknown field `rule`"),
        "{}",
        stderr(&out)
    );
    // Subcommands that take no configuration do not read it.
    run(t.cmd().args(["schema", "profile"]), 0);
}

#[test]
fn os_release_platform_and_excludes_come_from_the_file_and_flags_override() {
    let t = TestDir::new();
    t.write(
        "osbundle.toml",
        "os = \"win\"\nrelease = \"2012\"\nexclude = [\"old\"]\n",
    );
    t.write("boot/winpe.zip", "");
    t.write("old/drivers/x.exe", "");
    // win 2012 takes no custom boot files.
    let doc = run_json(t.cmd().args(["check", "."]), 1);
    assert_eq!(rules_of(&doc), ["custom-release-not-allowed"]);
    // --release overrides the file; --os starts a new scope (no release from the file).
    run_json(t.cmd().args(["check", "--release", "2016", "."]), 0);
    run_json(t.cmd().args(["check", "--os", "win", "."]), 0);
    // --exclude adds to the file's globs.
    t.write("new/drivers/y.exe", "");
    let doc = run_json(
        t.cmd()
            .args(["check", "--release", "2016", "--exclude", "new", "."]),
        0,
    );
    assert_eq!(doc["summary"]["checked"], 1);
}

#[test]
fn severity_turns_rules_into_warnings_or_off() {
    let t = TestDir::new();
    t.write(
        "p/profile.json",
        r#"{"name": "p", "os": "win", "release": "2016"}"#,
    );
    // An empty stray folder: a profile-invalid warning.
    std::fs::create_dir_all(t.path().join("p/notes")).unwrap();
    t.write("p/drivers/nic.exe", "");
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(
        rules_and_paths(&doc, t.path()),
        [
            (
                "extension-not-allowed".to_string(),
                "p/drivers/nic.exe".to_string()
            ),
            ("profile-invalid".to_string(), "p/notes".to_string()),
        ]
    );
    t.write(
        "osbundle.toml",
        "[severity]\nprofile-invalid = \"off\"\nextension-not-allowed = \"warning\"\n",
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 0);
    assert_eq!(rules_of(&doc), ["extension-not-allowed"]);
    assert_eq!(doc["findings"][0]["severity"], "warning");
    run(t.cmd().args(["check", "--strict", "p"]), 1);
    // OSBUNDLE_CONFIG names another file; --config beats it.
    t.write("strict.toml", "[severity]\nprofile-invalid = \"error\"\n");
    let doc = run_json(
        t.cmd()
            .env("OSBUNDLE_CONFIG", "strict.toml")
            .args(["check", "p"]),
        1,
    );
    assert_eq!(doc["summary"]["errors"], 2);
    let doc = run_json(
        t.cmd().env("OSBUNDLE_CONFIG", "strict.toml").args([
            "check",
            "--config",
            "osbundle.toml",
            "p",
        ]),
        0,
    );
    assert_eq!(doc["summary"]["errors"], 0);
}

#[test]
fn config_show_says_where_each_value_comes_from() {
    let t = TestDir::new();
    t.write(
        "osbundle.toml",
        "rules = \"r.json\"\nos = \"win\"\n[severity]\nunknown-os = \"off\"\n",
    );
    let out = run(t.cmd().args(["config", "show"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("osbundle.toml (found from the current directory upward)"),
        "{text}"
    );
    assert!(text.contains("osbundle.toml:2)"), "os line: {text}");
    assert!(text.contains("severity.unknown-os"), "{text}");
    let out = run(
        t.cmd()
            .args(["config", "show", "--format", "json", "--rules", "mine.json"]),
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["settings"][0]["key"], "rules");
    assert_eq!(doc["settings"][0]["value"], "mine.json");
    assert_eq!(doc["settings"][0]["source"], "--rules");
    let out = run(t.cmd().args(["config", "show", "--no-config"]), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("configuration file: none"));
}
