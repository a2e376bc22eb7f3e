//! Help and man pages: options only where they apply, every job listed, one man page
//! per subcommand with EXIT STATUS, ENVIRONMENT and FILES.

use crate::util::{run, TestDir};

fn help(t: &TestDir, args: &[&str]) -> String {
    let out = run(t.cmd().args(args).arg("--help"), 0);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn report_options_show_only_where_they_apply() {
    let t = TestDir::new();
    for sub in ["schema", "man", "completions"] {
        let text = help(&t, &[sub]);
        for flag in ["--rules", "--strict", "--jobs", "--format", "--config"] {
            assert!(!text.contains(flag), "{sub} --help shows {flag}:\n{text}");
        }
        run(t.cmd().args([sub, "--rules", "x.json"]), 2);
    }
    for (sub, flags) in [
        (
            "check",
            &[
                "--rules",
                "--strict",
                "--jobs",
                "--format",
                "--config",
                "--exclude",
                "--no-ignore",
            ][..],
        ),
        (
            "verify",
            &["--rules", "--strict", "--jobs", "--format", "--config"][..],
        ),
        ("reply", &["--strict", "--format", "--config"][..]),
    ] {
        let text = help(&t, &[sub]);
        for flag in flags {
            assert!(text.contains(flag), "{sub} --help lacks {flag}:\n{text}");
        }
    }
    assert!(!help(&t, &["reply"]).contains("--rules"));
}

#[test]
fn top_level_help_names_every_job() {
    let t = TestDir::new();
    let text = help(&t, &[]);
    for word in [
        "bundles",
        "delete-plan",
        "reply",
        "build",
        "verify",
        "osbundle.toml",
        "Exit codes",
        "explain RULE",
        "macros",
        "(new)",
    ] {
        assert!(text.contains(word), "top-level help lacks {word}:\n{text}");
    }
}

#[test]
fn man_pages_for_every_subcommand_with_exit_status_environment_files() {
    let t = TestDir::new();
    std::fs::create_dir(t.path().join("man")).unwrap();
    run(t.cmd().args(["man", "--dir", "man"]), 0);
    let mut names: Vec<String> = std::fs::read_dir(t.path().join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for page in [
        "osbundle.1",
        "osbundle-check.1",
        "osbundle-build.1",
        "osbundle-verify.1",
        "osbundle-config-show.1",
        "osbundle-delete-plan.1",
        "osbundle-man.1",
        "osbundle-explain.1",
        "osbundle-macros.1",
        "osbundle-new.1",
    ] {
        assert!(names.iter().any(|n| n == page), "no {page} in {names:?}");
    }
    for name in &names {
        let text = std::fs::read_to_string(t.path().join("man").join(name)).unwrap();
        for section in [
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(text.contains(section), "{name} lacks {section}");
        }
    }
    // Every page the main page points at exists.
    let main = std::fs::read_to_string(t.path().join("man/osbundle.1")).unwrap();
    for sub in ["check", "build", "delete\\-plan", "reply"] {
        let name = format!("osbundle\\-{sub}(1)");
        assert!(main.contains(&name), "main page does not name {name}");
        let file = format!("osbundle-{}.1", sub.replace("\\-", "-"));
        assert!(names.contains(&file), "{file} is named but not written");
    }
    let check = std::fs::read_to_string(t.path().join("man/osbundle-check.1")).unwrap();
    assert!(check.contains("OSBUNDLE_CONFIG") && check.contains("osbundle.toml"));
    // Without --dir, the main page on stdout.
    let out = run(t.cmd().arg("man"), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains(".SH \"EXIT STATUS\""));
    run(t.cmd().args(["man", "--dir", "missing"]), 2);
}
