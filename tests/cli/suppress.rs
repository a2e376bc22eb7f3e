//! Suppressing findings: inline `osbundle: ignore[...]` comments and `[[ignore]]` of
//! osbundle.toml, in check (profiles and loose files), build and verify.

use crate::util::{rules_and_paths, rules_of, run, run_json, TestDir};

const SLES: &str = r#"{"name": "p", "os": "sles", "release": "15"}"#;

fn findings(doc: &serde_json::Value) -> Vec<(String, String, Option<u64>)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str, Option<u64>)]) -> Vec<(String, String, Option<u64>)> {
    v.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect()
}

#[test]
fn inline_comments_silence_their_line_in_every_comment_syntax() {
    let t = TestDir::new();
    t.profile(
        "p",
        SLES,
        &[
            (
                "scripts/post.sh",
                "#!/bin/sh\necho #srv.name#   # osbundle: ignore[unattend-unknown-macro]\n# osbundle: ignore[unattend-unknown-macro]\necho #srv.ip#\necho #srv.gw#\n",
            ),
            (
                "unattend/autoinst.xml",
                "<profile xmlns=\"http://www.suse.com/1.0/yast2ns\">\n  <!-- osbundle: ignore[unattend-unknown-macro] -->\n  <host>#srv.name#</host>\n  <ip>#srv.ip#</ip>\n</profile>\n",
            ),
        ],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(
        findings(&doc),
        owned(&[
            ("unattend-unknown-macro", "p/scripts/post.sh", Some(5)),
            ("unattend-unknown-macro", "p/unattend/autoinst.xml", Some(4)),
        ]),
        "{doc:#}"
    );
    // A loose file (outside a profile only predefined macros are judged).
    t.write(
        "loose.sh",
        "#!/bin/sh\necho #predefined.a# # osbundle: ignore[unattend-unknown-macro]\necho #predefined.b#\n",
    );
    let doc = run_json(
        t.cmd()
            .args(["check", "--os", "sles", "--release", "15"])
            .arg("loose.sh"),
        1,
    );
    assert_eq!(
        findings(&doc),
        owned(&[("unattend-unknown-macro", "loose.sh", Some(3))])
    );
    // Windows scripts: REM and :: in cmd, # in PowerShell.
    t.write(
        "w/profile.json",
        r#"{"name": "w", "os": "win", "release": "2016"}"#,
    );
    t.write(
        "w/scripts/a.cmd",
        "REM osbundle: ignore[unattend-unknown-macro]\r\necho #predefined.nope#\r\n:: osbundle: ignore[unattend-unknown-macro]\r\necho #predefined.nope2#\r\n",
    );
    t.write(
        "w/scripts/b.ps1",
        "Write-Host \"#predefined.nope#\" # osbundle: ignore[unattend-unknown-macro]\n",
    );
    let doc = run_json(t.cmd().args(["check", "w"]), 0);
    assert_eq!(rules_of(&doc), Vec::<String>::new(), "{doc:#}");
}

#[test]
fn stale_and_misspelt_inline_ignores_are_warnings() {
    let t = TestDir::new();
    t.profile(
        "p",
        SLES,
        &[(
            "scripts/post.sh",
            "#!/bin/sh\necho ok # osbundle: ignore[unattend-unknown-macro]\necho #srv.x# # osbundle: ignore[unattend-unknown-macr]\n",
        )],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(
        findings(&doc),
        owned(&[
            ("ignore-unused", "p/scripts/post.sh", Some(2)),
            ("unattend-unknown-macro", "p/scripts/post.sh", Some(3)),
            ("ignore-unused", "p/scripts/post.sh", Some(3)),
        ])
    );
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f[0]["severity"], "warning");
    assert!(
        f[2]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"unattend-unknown-macro\""),
        "{}",
        f[2]["message"]
    );
}

#[test]
fn osbundle_toml_ignores_rules_for_paths_and_warns_when_stale() {
    let t = TestDir::new();
    t.profile(
        "profiles/p",
        SLES,
        &[
            ("scripts/legacy-old.sh", "#!/bin/sh\necho #srv.x#\n"),
            ("scripts/new.sh", "#!/bin/sh\necho #srv.y#\n"),
        ],
    );
    t.write(
        "osbundle.toml",
        "[[ignore]]\npaths = [\"profiles/*/scripts/legacy-*.sh\"]\nrules = [\"unattend-unknown-macro\"]\n\n[[ignore]]\npaths = [\"gone/*.sh\"]\nrules = [\"kind-unknown\"]\n",
    );
    let doc = run_json(t.cmd().args(["check", "profiles"]), 1);
    let got = rules_and_paths(&doc, t.path());
    assert_eq!(
        got,
        [
            ("ignore-unused".to_string(), "osbundle.toml".to_string()),
            (
                "unattend-unknown-macro".to_string(),
                "profiles/p/scripts/new.sh".to_string()
            ),
        ]
    );
    assert_eq!(doc["findings"][0]["line"], 5);
    // From a folder below, the globs are still relative to osbundle.toml.
    let doc = run_json(
        t.cmd()
            .current_dir(t.path().join("profiles"))
            .args(["check", "p"]),
        1,
    );
    assert_eq!(rules_of(&doc), ["ignore-unused", "unattend-unknown-macro"]);
    // An unknown rule ID stops the run at its line, with a did-you-mean.
    t.write(
        "osbundle.toml",
        "[[ignore]]\npaths = [\"x\"]\nrules = [\"unattend-unknown-macr\"]\n",
    );
    let out = run(t.cmd().args(["check", "profiles"]), 2);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("osbundle.toml:3:"), "{err}");
    assert!(
        err.contains("did you mean \"unattend-unknown-macro\""),
        "{err}"
    );
}

#[test]
fn build_and_verify_honour_the_same_inline_ignores() {
    let t = TestDir::new();
    let script = "#!/bin/sh\n# osbundle: ignore[unattend-unknown-macro]\necho #srv.name#\n";
    t.profile("p", SLES, &[("scripts/post.sh", script)]);
    // Without the comment, build refuses.
    t.write("q/profile.json", SLES.replace("\"p\"", "\"q\""));
    t.write("q/scripts/post.sh", "#!/bin/sh\necho #srv.name#\n");
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o", "dl", "q"]),
        1,
    );
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "-o", "dl", "p"]),
        0,
    );
    let bundle = std::fs::read_dir(t.path().join("dl"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("a bundle");
    let doc = run_json(t.cmd().arg("verify").arg(&bundle), 0);
    assert_eq!(rules_of(&doc), Vec::<String>::new(), "{doc:#}");
    // The bundle without the comment: verify finds what build found, and
    // `[[ignore]]` silences it there too (by the entry's path inside the bundle).
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", "1482113961")
            .args(["build", "--force", "-o", "forced", "q"]),
        1,
    );
    let forced = std::fs::read_dir(t.path().join("forced"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("a forced bundle");
    let doc = run_json(t.cmd().arg("verify").arg(&forced), 1);
    assert_eq!(rules_of(&doc), ["unattend-unknown-macro"], "{doc:#}");
    let line = doc["findings"][0]["line"].clone();
    assert_eq!(line, 2);
    t.write(
        "osbundle.toml",
        "[[ignore]]\npaths = [\"**/scripts/post.sh\"]\nrules = [\"unattend-unknown-macro\"]\n",
    );
    let doc = run_json(t.cmd().arg("verify").arg(&forced), 0);
    assert_eq!(rules_of(&doc), Vec::<String>::new(), "{doc:#}");
}

#[test]
fn runs_that_check_no_files_do_not_call_ignores_stale() {
    let t = TestDir::new();
    t.write(
        "osbundle.toml",
        "[[ignore]]\npaths = [\"p/scripts/*.sh\"]\nrules = [\"unattend-unknown-macro\"]\n",
    );
    t.write("reply.json", r#"{"result": "success", "messages": []}"#);
    let doc = run_json(t.cmd().args(["reply", "reply.json"]), 0);
    assert_eq!(rules_of(&doc), Vec::<String>::new(), "{doc:#}");
    let doc = run_json(t.cmd().args(["rules", "--os", "win"]), 0);
    assert_eq!(rules_of(&doc), Vec::<String>::new(), "{doc:#}");
}
