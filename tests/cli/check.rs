//! `osbundle check` end to end.

use crate::util::{rules_and_paths, rules_of, run, run_json, testdata, TestDir};

const WIN2016: &str = r#"{"name": "p", "os": "win", "release": "2016"}"#;

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn testdata_profiles_give_the_expected_findings() {
    let t = TestDir::new();
    let profiles = testdata("profiles");
    let doc = run_json(
        t.cmd()
            .arg("check")
            .arg("--rules")
            .arg(testdata("osimages.json"))
            .arg(&profiles),
        1,
    );
    let got = rules_and_paths(&doc, &profiles);
    let expected = pairs(&[
        ("unknown-os", "centos-unknown/profile.json"),
        (
            "custom-kind-not-allowed",
            "rhels75-bad/config/settings.json",
        ),
        (
            "payload-type-mismatch",
            "rhels75-bad/drivers/dd-megaraid.rpm",
        ),
        (
            "extension-not-allowed",
            "rhels75-bad/drivers/dd-mgag200.exe",
        ),
        ("platform-not-supported", "rhels75-bad/profile.json"),
        ("custom-kind-not-allowed", "rhels75-bad/unattend/ks.cfg"),
        ("custom-release-not-allowed", "win2012-bad/boot/winpe.zip"),
        // The broken config file leaves #server-settings.server.hostname# unchecked:
        // said once, at that file; the misspelt predefined macro is an error.
        ("unattend-unknown-macro", "win2012-bad/config/broken.json"),
        ("config-invalid-json", "win2012-bad/config/broken.json"),
        ("extension-not-allowed", "win2012-bad/drivers/nic.exe"),
        ("extension-not-allowed", "win2012-bad/software/app.msi"),
        (
            "unattend-structure",
            "win2012-bad/unattend/autounattend.xml",
        ),
        (
            "unattend-unknown-macro",
            "win2012-bad/unattend/autounattend.xml",
        ),
    ]);
    assert_eq!(got, expected);
    // The good profiles give nothing on their own.
    for good in ["win2016-datacenter", "sles15-webserver"] {
        let doc = run_json(
            t.cmd()
                .arg("check")
                .arg("--rules")
                .arg(testdata("osimages.json"))
                .arg(profiles.join(good)),
            0,
        );
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0), "{good}");
        assert!(doc["summary"]["checked"].as_u64() > Some(3));
    }
}

#[test]
fn positions_are_given_for_json_findings() {
    let t = TestDir::new();
    let profiles = testdata("profiles");
    let doc = run_json(t.cmd().arg("check").arg(profiles.join("rhels75-bad")), 1);
    let platform = doc["findings"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["rule"] == "platform-not-supported"))
        .expect("platform finding");
    assert_eq!(platform["pointer"], "/platforms/1");
    assert_eq!(
        (platform["line"].as_u64(), platform["column"].as_u64()),
        (Some(7), Some(5))
    );
    // A file inside a profile stands for its profile; find the config finding there.
    let broken = run_json(
        t.cmd()
            .arg("check")
            .arg(profiles.join("win2012-bad/config/broken.json")),
        1,
    );
    let f = broken["findings"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["rule"] == "config-invalid-json"))
        .expect("config finding");
    assert!(f["path"]
        .as_str()
        .unwrap()
        .ends_with("win2012-bad/config/broken.json"));
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(3))
    );
}

#[test]
fn text_format_is_one_finding_per_line_then_a_summary() {
    let t = TestDir::new();
    t.profile(
        "p",
        WIN2016,
        &[("drivers/nic.exe", ""), ("drivers/ok.zip", "")],
    );
    let out = run(t.cmd().args(["check", "--color", "never", "p"]), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "p/drivers/nic.exe: error[extension-not-allowed]: win 2016 drivers must end in .zip; got .exe",
            "checked 3 files: 1 error, 0 warnings; rules: embedded example (LXCA API documentation)",
        ]
    );
    // --quiet drops the summary; --color always adds escapes.
    let out = run(t.cmd().args(["check", "-q", "p"]), 1);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    let out = run(t.cmd().args(["check", "--color", "always", "p"]), 1);
    assert!(String::from_utf8(out.stdout).unwrap().contains("\u{1b}["));
}

#[test]
fn every_name_rule_in_both_directions_on_loose_files() {
    let t = TestDir::new();
    // Real payloads: the test is about names.
    t.write_raw("nic.zip", crate::util::payload("drivers/nic.zip", b""));
    t.write_raw("nic.exe", "MZ");
    t.write_raw("winpe.zip", crate::util::payload("boot/winpe.zip", b""));
    // Not empty: an empty unattend file is a warning of its own (unattend-empty).
    t.write("ks.cfg", "text\n");
    t.write_raw(
        "jre.tar.gz",
        crate::util::payload("software/jre.tar.gz", b""),
    );
    t.write_raw("jre.pkg.gz", "x");
    t.write("esxi.cfg", "vmaccepteula\nrootpw x\ninstall --firstdisk\n");
    let cases: &[(&[&str], i32, &[&str])] = &[
        (
            &[
                "--os",
                "win",
                "--release",
                "2016",
                "nic.zip",
                "--kind",
                "driver",
            ],
            0,
            &[],
        ),
        (
            &[
                "--os",
                "win",
                "--release",
                "2016",
                "nic.exe",
                "--kind",
                "driver",
            ],
            1,
            &["extension-not-allowed"],
        ),
        (
            &[
                "--os",
                "win",
                "--release",
                "2016",
                "--kind",
                "boot",
                "winpe.zip",
            ],
            0,
            &[],
        ),
        (
            &[
                "--os",
                "win",
                "--release",
                "2012",
                "--kind",
                "boot",
                "winpe.zip",
            ],
            1,
            &["custom-release-not-allowed"],
        ),
        (
            &[
                "--os",
                "sles",
                "--release",
                "15",
                "ks.cfg",
                "--kind",
                "unattend",
            ],
            1,
            &["extension-not-allowed"],
        ),
        // Current LXCA takes kickstart files for RHEL.
        (&["--os", "rhels", "--release", "7.5", "ks.cfg"], 0, &[]),
        (
            &["--os", "esxi", "esxi.cfg"],
            1,
            &["custom-kind-not-allowed"],
        ),
        (&["--os", "sles", "jre.tar.gz"], 0, &[]),
        (
            &["--os", "sles", "jre.pkg.gz", "--kind", "software"],
            1,
            &["extension-not-allowed"],
        ),
        (
            &[
                "--os",
                "win",
                "--release",
                "2016",
                "--platform",
                "IMM3v1",
                "nic.zip",
                "--kind",
                "driver",
            ],
            0,
            &[],
        ),
        (
            &[
                "--os",
                "win",
                "--release",
                "2012",
                "--platform",
                "IMM3v1",
                "nic.zip",
                "--kind",
                "driver",
            ],
            1,
            &["platform-not-supported"],
        ),
        (
            &[
                "--os",
                "win",
                "--release",
                "2003",
                "nic.zip",
                "--kind",
                "driver",
            ],
            1,
            &["release-not-supported"],
        ),
        (
            &["--os", "windows", "nic.zip", "--kind", "driver"],
            1,
            &["unknown-os"],
        ),
        (&["nic.zip"], 1, &["kind-unknown"]),
        (&["nic.zip", "--kind", "driver"], 0, &[]),
        (&["nic.exe"], 1, &["kind-unknown"]),
        (&["jre.tar.gz"], 0, &[]),
    ];
    for (args, code, expected) in cases {
        let doc = run_json(t.cmd().arg("check").args(*args), *code);
        assert_eq!(rules_of(&doc), *expected, "check {args:?}");
    }
}

#[test]
fn folders_are_walked_and_kinds_come_from_folder_names() {
    let t = TestDir::new();
    t.write("repo/drivers/a.exe", "");
    t.write("repo/drivers/b.rpm", "");
    t.write("repo/misc/notes.zip", "");
    t.write("repo/.git/config.json", "{");
    t.profile("repo/profiles/p", WIN2016, &[("software/x.tar.gz", "")]);
    let doc = run_json(t.cmd().args(["check", "repo"]), 1);
    assert_eq!(
        rules_and_paths(&doc, t.path()),
        pairs(&[
            ("extension-not-allowed", "repo/drivers/a.exe"),
            ("extension-not-allowed", "repo/profiles/p/software/x.tar.gz"),
        ])
    );
    // misc/notes.zip is in no profile and no kind folder: not part of a profile.
    assert_eq!(doc["summary"]["checked"], 4);
}

#[test]
fn walks_skip_what_is_not_part_of_a_profile_and_what_git_ignores() {
    // Regression: `check .` in a real repository reported profiles/README.md as
    // kind-unknown and package.json, osimages.json as broken config files.
    let t = TestDir::new();
    t.write("README.md", "# profiles");
    t.write("LICENSE", "MIT");
    t.write("package.json", r#"{"name": "site", "private": true}"#);
    t.write("lxca/osimages.json", r#"{"supportedImages": []}"#);
    t.write("profiles/README.md", "how to add a profile");
    t.write(".gitignore", "dist/\n");
    t.write("dist/drivers/junk.exe", "");
    t.write("scratch/drivers/old.exe", "");
    t.write("extra/drivers/nic.exe", "");
    t.profile("profiles/win", WIN2016, &[("drivers/nic.zip", "")]);
    let doc = run_json(t.cmd().args(["check", "--exclude", "scratch", "."]), 1);
    assert_eq!(
        rules_and_paths(&doc, t.path()),
        [(
            "extension-not-allowed".to_string(),
            "./extra/drivers/nic.exe".to_string()
        )]
    );
    // --no-ignore reads no .gitignore: dist/ is walked too.
    let doc = run_json(
        t.cmd()
            .args(["check", "--no-ignore", "--exclude", "scratch", "."]),
        1,
    );
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(2), "{doc:#}");
    // Named on the command line, README.md is checked, and cannot be told.
    let doc = run_json(t.cmd().args(["check", "profiles/README.md"]), 1);
    assert_eq!(rules_of(&doc), ["kind-unknown"]);
    // A bad glob is bad usage.
    let out = run(t.cmd().args(["check", "--exclude", "a[", "."]), 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("exclude glob \"a[\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_file_inside_a_profile_checks_its_whole_profile() {
    let t = TestDir::new();
    t.profile(
        "p",
        WIN2016,
        &[
            ("drivers/ok.zip", ""),
            (
                "unattend/u.xml",
                "<unattend xmlns='urn:schemas-microsoft-com:unattend'>#nope#</unattend>",
            ),
        ],
    );
    // As a pre-commit hook passes it: a changed file name.
    let doc = run_json(t.cmd().args(["check", "p/drivers/ok.zip"]), 1);
    assert_eq!(
        rules_and_paths(&doc, t.path()),
        pairs(&[("unattend-unknown-macro", "p/unattend/u.xml")])
    );
}

#[test]
fn unattend_macros_are_cross_checked_with_the_profile_config() {
    let t = TestDir::new();
    let config = std::fs::read_to_string(testdata("config/reference-corrected.json")).unwrap();
    t.profile(
        "p",
        WIN2016,
        &[
            ("config/c.json", &config),
            (
                "unattend/u.xml",
                "<unattend xmlns='urn:schemas-microsoft-com:unattend'><a>#server-settings.server.locale#</a>\n<b>#logpath#</b> <c>#common-ntpservers.ntpserver#</c>\n<d>#server-settings.server.timezone#</d> #predefined.hostPlatforms.licenseKey#</unattend>",
            ),
            ("scripts/s.ps1", "# #predefined.nope#\n"),
        ],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_eq!(findings[0]["path"], "p/scripts/s.ps1");
    assert_eq!(
        (findings[0]["line"].as_u64(), findings[0]["column"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(findings[1]["path"], "p/unattend/u.xml");
    assert_eq!(
        (findings[1]["line"].as_u64(), findings[1]["column"].as_u64()),
        (Some(3), Some(4))
    );
    assert!(findings[1]["message"]
        .as_str()
        .unwrap()
        .contains("server-settings.server.timezone"));
}

#[test]
fn missing_path_is_exit_2_and_nothing_on_stdout() {
    let t = TestDir::new();
    let out = run(t.cmd().args(["check", "nope/here"]), 2);
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("nope/here"), "{err}");
}

#[test]
fn bad_usage_is_exit_2() {
    let t = TestDir::new();
    run(t.cmd().args(["check"]), 2);
    run(t.cmd().args(["check", "--kind", "nonsense", "x"]), 2);
    run(t.cmd().args(["check", "--release", "2016", "x"]), 2);
    run(t.cmd().args(["check", "--jobs", "0", "x"]), 2);
}

#[test]
fn odd_names_and_unreadable_files_are_findings() {
    let t = TestDir::new();
    t.profile("p p", WIN2016, &[("drivers/my nic.exe", "")]);
    std::fs::create_dir_all(t.path().join("p p/config")).unwrap();
    std::os::unix::fs::symlink(
        "/nonexistent/target.json",
        t.path().join("p p/config/gone.json"),
    )
    .unwrap();
    // A name that is not UTF-8 (Linux file systems allow it).
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.exe");
    std::fs::write(t.path().join("p p/drivers").join(name), "").unwrap();
    let doc = run_json(t.cmd().args(["check", "p p"]), 1);
    let got = rules_and_paths(&doc, t.path());
    assert!(
        got.contains(&(
            "extension-not-allowed".into(),
            "p p/drivers/my nic.exe".into()
        )),
        "{got:?}"
    );
    // A link, even a broken one, is what `build` refuses: the same rule here.
    assert!(
        got.contains(&("bundle-unsafe-entry".into(), "p p/config/gone.json".into())),
        "{got:?}"
    );
    // The name is shown with its byte escaped, never rewritten with U+FFFD.
    assert!(
        got.contains(&(
            "bundle-unsafe-entry".into(),
            "p p/drivers/caf\\xe9.exe".into()
        )),
        "{got:?}"
    );
    assert!(!format!("{doc}").contains('\u{fffd}'));
}

#[test]
fn standard_input_is_a_loose_file_of_the_given_kind() {
    let t = TestDir::new();
    let doc = run_json(
        t.cmd()
            .args(["check", "--kind", "config", "-"])
            .write_stdin("{\"a\": }"),
        1,
    );
    assert_eq!(rules_of(&doc), ["config-invalid-json"]);
    assert_eq!(doc["findings"][0]["path"], "-");
    let doc = run_json(t.cmd().args(["check", "-"]).write_stdin("{}"), 1);
    assert_eq!(rules_of(&doc), ["kind-unknown"]);
}

#[test]
fn output_is_identical_for_any_jobs() {
    let t = TestDir::new();
    for i in 0..40 {
        t.profile(
            &format!("p{i:02}"),
            WIN2016,
            &[
                ("drivers/a.exe", ""),
                ("drivers/b.zip", ""),
                ("unattend/u.xml", "#x.y#"),
            ],
        );
    }
    let one = run(
        t.cmd().args(["check", "--format", "json", "-j", "1", "."]),
        1,
    )
    .stdout;
    let two = run(
        t.cmd().args(["check", "--format", "json", "-j", "2", "."]),
        1,
    )
    .stdout;
    let many = run(
        t.cmd().args(["check", "--format", "json", "-j", "7", "."]),
        1,
    )
    .stdout;
    assert_eq!(one, two);
    assert_eq!(one, many);
}

#[test]
fn rules_invalid_findings_join_the_report() {
    let t = TestDir::new();
    t.write(
        "rules.json",
        r#"[{"name":"rhels","releases":[{"7.5":["IMM2"]}],"allowCustomDriver":"false","customDriverReleases":["7.5"],"allowedDriverFileExtension":["rpm"]}]"#,
    );
    t.write_raw("d.rpm", crate::util::payload("drivers/d.rpm", b""));
    let doc = run_json(t.cmd().args(["check", "--rules", "rules.json", "d.rpm"]), 1);
    assert_eq!(
        rules_and_paths(&doc, t.path()),
        pairs(&[("rules-invalid", "rules.json")])
    );
    assert_eq!(doc["findings"][0]["pointer"], "/0/customDriverReleases");
}

#[test]
fn a_server_that_takes_rhel_kickstarts_is_believed() {
    // Current LXCA takes custom kickstart (and its GET /osImages says so); the 2018
    // reference said rhels must not. The server's rules are the truth for it.
    let t = TestDir::new();
    t.write(
        "rules.json",
        r#"[{"name":"rhels","releases":[{"8.6":["IMM2"]}],
            "allowCustomConfigFile":"true","customConfigReleases":["8.6"],"allowedConfigFileExtension":["json"],
            "allowCustomUnattendFile":"true","customUnattendReleases":["8.6"],"allowedUnattendFileExtension":["cfg","ks"]}]"#,
    );
    t.profile(
        "ks",
        r#"{"name": "ks", "os": "rhels", "release": "8.6"}"#,
        &[(
            "unattend/ks.cfg",
            "text
%post
#predefined.unattendSettings.postinstallConfig#
%end
",
        )],
    );
    let doc = run_json(t.cmd().args(["check", "--rules", "rules.json", "ks"]), 0);
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["rule"], "rules-invalid");
    assert_eq!(f[0]["severity"], "note");
    assert_eq!(f[0]["pointer"], "/0/allowCustomConfigFile");
}

#[test]
fn a_config_with_a_trailing_comma_does_not_flood_the_report() {
    let t = TestDir::new();
    let settings: String = (1..=6)
        .map(|i| format!("<v{i}>#server.setting{i}#</v{i}>\n"))
        .collect();
    let unattend =
        format!("<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">{settings}</unattend>\n");
    t.profile(
        "p",
        r#"{"name": "p", "os": "win", "release": "2016"}"#,
        &[
            (
                "config/settings.json",
                "{\"category\": \"dynamic\", \"name\": \"s\", \"type\": \"array\", \"content\": [],}\n",
            ),
            ("unattend/autounattend.xml", &unattend),
        ],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    let got: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unattend-unknown-macro".to_string(), "note".to_string()),
            ("config-invalid-json".to_string(), "error".to_string()),
        ],
        "{doc:#}"
    );
    let note = doc["findings"][0]["message"].as_str().unwrap();
    assert_eq!(doc["findings"][0]["path"], "p/config/settings.json");
    assert!(note.contains("6 references"), "{note}");
    assert!(note.contains("#server.setting1#"), "{note}");
}

#[test]
fn sed_perl_and_colours_in_scripts_are_not_macros() {
    let t = TestDir::new();
    t.profile(
        "p",
        r#"{"name": "p", "os": "sles", "release": "15"}"#,
        &[(
            "scripts/post.sh",
            "#!/bin/sh\nsed -i 's#PermitRootLogin#PermitRootLogin no#' /etc/ssh/sshd_config\nperl -pi -e 's#foo#bar#g' f\ncolor=\"#ff0000#\"\necho #predefined.globalSettings.ipAssignment#\n",
        )],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 0);
    assert_eq!(rules_of(&doc), Vec::<String>::new(), "{doc:#}");
    // A dotted name is still judged.
    t.write("p/scripts/post.sh", "#!/bin/sh\necho #server.hostname#\n");
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(rules_of(&doc), ["unattend-unknown-macro"]);
}

#[test]
fn every_summary_and_document_names_the_rules_in_force() {
    let t = TestDir::new();
    t.write(
        "autoinst.xml",
        "<profile xmlns=\"http://www.suse.com/1.0/yast2ns\"/>\n",
    );
    let args = ["check", "--os", "sles", "--release", "15.4", "autoinst.xml"];
    // The embedded example knows no SLES 15 SP4, and says where that comes from.
    let out = run(t.cmd().args(args), 1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .last()
            .unwrap()
            .ends_with("; rules: embedded example (LXCA API documentation)"),
        "{text}"
    );
    assert!(text.contains("release-not-supported"), "{text}");
    assert!(text.contains("embedded example rules"), "{text}");
    assert!(
        text.contains("--rules FILE, or `rules` in osbundle.toml"),
        "{text}"
    );
    let doc = run_json(t.cmd().args(args), 1);
    assert_eq!(
        doc["rulesInForce"],
        "embedded example (LXCA API documentation)"
    );
    // A server's own rules, spelling the release the other way: exact, and named.
    t.write(
        "osimages.json",
        r#"[{"name":"sles","releases":[{"15SP4":["IMM2"]}],"allowCustomUnattendFile":"true",
            "customUnattendReleases":["15SP4"],"allowedUnattendFileExtension":["xml"]}]"#,
    );
    let mut with_rules: Vec<&str> = args.to_vec();
    with_rules.extend(["--rules", "osimages.json"]);
    let doc = run_json(t.cmd().args(&with_rules), 0);
    assert_eq!(doc["rulesInForce"], "osimages.json");
    let out = run(t.cmd().args(&with_rules), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with("0 warnings; rules: osimages.json\n"),
        "{text}"
    );
    let out = run(t.cmd().args(&with_rules).args(["--format", "sarif"]), 0);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["properties"]["rulesInForce"],
        "osimages.json"
    );
    // And in osbundle.toml.
    t.write("osbundle.toml", "rules = \"osimages.json\"\n");
    let doc = run_json(t.cmd().args(args), 0);
    let named = doc["rulesInForce"].as_str().unwrap();
    assert!(named.ends_with("osimages.json"), "{named}");
}
