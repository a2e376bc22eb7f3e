//! Answer files and scripts read as their installer and interpreter read them
//! (issue 22, items 2 and 3), with the peers as oracles: `xmllint --noout`
//! (libxml2) on every XML fixture, pykickstart's `ksvalidator -v VERSION` on every
//! kickstart fixture. `tests/fixtures/answer/README.md` says where each file comes
//! from. A peer that is missing fails under CI=true and says what to install.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;

use crate::util::{root, rules_of, run, run_json, TestDir};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/answer")
}

/// Whether `program` runs; under CI=true its absence fails the test.
fn peer(program: &str, install: &str) -> bool {
    let found = Process::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is missing: install {install} (.ci/install-peers does)"
        );
        eprintln!("skipped: {program} is not installed ({install})");
    }
    found
}

fn files(ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["bento", "good", "broken"] {
        let mut here: Vec<PathBuf> = std::fs::read_dir(fixtures().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        here.sort();
        out.extend(here);
    }
    assert!(out.len() >= 5, "fixtures missing: {out:?}");
    out
}

/// The embedded rules with RHEL 8 and 9 releases added (the embedded set stops at
/// 7.5), so kickstart files are checked at their release's version.
fn rules_with_rhel_8_and_9(t: &TestDir) -> PathBuf {
    let text = std::fs::read_to_string(root().join("src/rules/default.json")).unwrap();
    let mut rules: Value = serde_json::from_str(&text).unwrap();
    for os in rules.as_array_mut().unwrap() {
        if os["name"] == "rhels" {
            let releases = os["releases"].as_array_mut().unwrap();
            for r in ["8.6", "9.2"] {
                releases.push(serde_json::json!({ r: ["IMM2", "thinkserver", "IMM3v1"] }));
            }
        }
    }
    t.write("rules.json", serde_json::to_vec(&rules).unwrap())
}

fn check_loose(t: &TestDir, file: &Path, args: &[&str]) -> Value {
    let out = t
        .cmd()
        .args(["check", "--format", "json", "--kind", "unattend"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (rule, line) of the answer-file findings of severity error.
fn answer_errors(doc: &Value) -> Vec<(String, Option<u64>)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter(|f| {
            let r = f["rule"].as_str().unwrap();
            r.starts_with("unattend-") && r != "unattend-unknown-macro"
                || r == "macro-breaks-document"
        })
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64()))
        .collect()
}

/// Where the XML readers differ on purpose: the byte-order mark says UTF-16 and the
/// declaration UTF-8. libxml2 follows the mark; Windows Setup's MSXML refuses the
/// file ("Switch from current encoding to specified encoding not supported").
const XML_DIVERGENCES: &[&str] = &["win-utf16-declared-utf8.xml"];

#[test]
fn every_xml_fixture_gets_xmllints_well_formedness_verdict() {
    if !peer("xmllint", "libxml2-utils") {
        return;
    }
    let t = TestDir::new();
    let mut both = [0, 0];
    for file in files("xml") {
        let name = file.file_name().unwrap().to_str().unwrap();
        let libxml_ok = Process::new("xmllint")
            .arg("--noout")
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success();
        let doc = check_loose(&t, &file, &[]);
        let ours_ok = !answer_errors(&doc)
            .iter()
            .any(|(r, _)| r == "unattend-malformed");
        if XML_DIVERGENCES.contains(&name) {
            assert!(
                libxml_ok && !ours_ok,
                "{name}: the known divergence changed"
            );
            continue;
        }
        assert_eq!(
            ours_ok, libxml_ok,
            "{name}: xmllint and check disagree: {doc:#}"
        );
        both[usize::from(ours_ok)] += 1;
    }
    // Both verdicts are exercised.
    assert!(both[0] >= 3 && both[1] >= 5, "{both:?}");
}

/// Each kickstart fixture and the pykickstart version of its release.
const KICKSTARTS: &[(&str, &str, &str)] = &[
    ("bento/http-rhel-7ks.cfg", "RHEL7", "7.5"),
    ("bento/http-rhel-8ks.cfg", "RHEL8", "8.6"),
    ("bento/http-rhel-ks.cfg", "RHEL9", "9.2"),
    ("good/rhel8-include.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-unknown-command.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-unclosed-post.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-unknown-option.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-ambiguous-option.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-unknown-section.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-post-option.cfg", "RHEL8", "8.6"),
    ("broken/rhel8-unclosed-quote.cfg", "RHEL8", "8.6"),
    ("broken/rhel7-authselect.cfg", "RHEL7", "7.5"),
    ("broken/rhel9-removed-install.cfg", "RHEL9", "9.2"),
    ("broken/rhel9-timezone-two-words.cfg", "RHEL9", "9.2"),
];

#[test]
fn every_kickstart_fixture_gets_pykickstarts_verdict_at_its_release() {
    if !peer("ksvalidator", "pykickstart (pip install pykickstart)") {
        return;
    }
    let t = TestDir::new();
    let rules = rules_with_rhel_8_and_9(&t);
    let mut both = [0, 0];
    for (rel, version, release) in KICKSTARTS {
        let file = fixtures().join(rel);
        let out = Process::new("ksvalidator")
            .args(["-v", version])
            .arg(&file)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        // ksvalidator exits 1 on deprecation warnings too, which Anaconda ignores:
        // a problem is what it reports as one.
        let problem =
            said.contains("The following problem occurred") || said.contains("General error");
        let line: Option<u64> = said
            .split("problem occurred on line ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|n| n.parse().ok());
        let doc = check_loose(
            &t,
            &file,
            &[
                "--rules",
                rules.to_str().unwrap(),
                "--os",
                "rhels",
                "--release",
                release,
            ],
        );
        let ours = answer_errors(&doc);
        assert_eq!(
            !ours.is_empty(),
            problem,
            "{rel}: pykickstart said {said}\ncheck said {doc:#}"
        );
        both[usize::from(problem)] += 1;
        // Where pykickstart names a line, the first error is there (an unclosed
        // section it reports at the end of the file; check at its header).
        if let (Some(line), false) = (line, said.contains("does not end with %end")) {
            assert_eq!(ours[0].1, Some(line), "{rel}: {said}\n{doc:#}");
        }
    }
    assert!(both[0] >= 3 && both[1] >= 7, "{both:?}");
}

#[test]
fn real_answer_files_pass_and_broken_ones_fail_with_the_right_rule() {
    let t = TestDir::new();
    let rules = rules_with_rhel_8_and_9(&t);
    let rules = rules.to_str().unwrap();
    // (fixture, check options, the answer-file errors: rule and line)
    type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, u64)]);
    let cases: &[Case] = &[
        (
            "bento/win_answer_files-2019-Autounattend.xml",
            &["--os", "win", "--release", "2019"],
            &[],
        ),
        (
            "good/win-utf16-sim.xml",
            &["--os", "win", "--release", "2019"],
            &[],
        ),
        (
            "bento/http-sles-15-autoinst.xml",
            &["--os", "sles", "--release", "15"],
            &[],
        ),
        (
            "bento/http-sles-12-autoinst.xml",
            &["--os", "sles", "--release", "12.3"],
            &[],
        ),
        (
            "broken/win-mismatched-tag.xml",
            &["--os", "win"],
            &[("unattend-malformed", 13)],
        ),
        (
            "broken/win-bare-ampersand.xml",
            &["--os", "win"],
            &[("unattend-malformed", 123)],
        ),
        (
            "broken/win-no-namespace.xml",
            &["--os", "win"],
            &[("unattend-structure", 2)],
        ),
        (
            "broken/win-pass-twice.xml",
            &["--os", "win"],
            &[("unattend-structure", 282)],
        ),
        (
            "broken/win-utf8-declared-utf16.xml",
            &["--os", "win"],
            &[("unattend-malformed", 1)],
        ),
        (
            "broken/sles-mismatched-tag.xml",
            &["--os", "sles"],
            &[("unattend-malformed", 20)],
        ),
        (
            "broken/sles-boolean-yes.xml",
            &["--os", "sles"],
            &[("unattend-structure", 66)],
        ),
        (
            "broken/esxi-no-rootpw.cfg",
            &["--os", "esxi"],
            &[("unattend-structure", 1)],
        ),
        ("good/esxi.cfg", &["--os", "esxi"], &[]),
        ("bento/http-ubuntu-user-data", &["--os", "ubuntu"], &[]),
        ("bento/http-debian-preseed.cfg", &["--os", "ubuntu"], &[]),
        (
            "broken/ubuntu-user-data-tab.cfg",
            &["--os", "ubuntu"],
            &[("unattend-malformed", 4)],
        ),
        (
            "broken/ubuntu-preseed-shape.cfg",
            &["--os", "ubuntu"],
            &[("unattend-malformed", 3)],
        ),
    ];
    for (rel, args, expected) in cases {
        let mut all = vec!["--rules", rules];
        all.extend_from_slice(args);
        let doc = check_loose(&t, &fixtures().join(rel), &all);
        let got = answer_errors(&doc);
        let want: Vec<(String, Option<u64>)> = expected
            .iter()
            .map(|(r, l)| (r.to_string(), Some(*l)))
            .collect();
        assert_eq!(got, want, "{rel}: {doc:#}");
    }
}

const CONFIG: &str = r#"{"category": "dynamic", "name": "s", "type": "array", "template": [{"category": "dynamic", "name": "org", "type": "string", "value": "AT&T"}]}"#;
const UNATTEND: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\n  <settings pass=\"specialize\">\n    <RegisteredOrganization>#org#</RegisteredOrganization>\n  </settings>\n</unattend>\n";
const WIN2016: &str = r#"{"name": "p", "os": "win", "release": "2016"}"#;

#[test]
fn a_macro_value_that_breaks_the_document_fails_check_and_build() {
    let t = TestDir::new();
    t.profile(
        "p",
        WIN2016,
        &[("config/c.json", CONFIG), ("unattend/u.xml", UNATTEND)],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(rules_of(&doc), ["macro-breaks-document"]);
    let f = &doc["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(29))
    );
    let message = f["message"].as_str().unwrap();
    for says in ["#org#", "\"AT&T\"", "p/config/c.json"] {
        assert!(message.contains(says), "{message}");
    }
    let out = run(t.cmd().args(["build", "p", "-o", "."]), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("macro-breaks-document"));
    // Escaped in the config file, the value reads.
    t.write("p/config/c.json", CONFIG.replace("AT&T", "AT&amp;T"));
    run(t.cmd().args(["check", "p"]), 0);
}

#[test]
fn a_crlf_script_and_a_broken_answer_file_fail_check_build_and_verify() {
    let t = TestDir::new();
    t.profile(
        "p",
        r#"{"name": "p", "os": "sles", "release": "15"}"#,
        &[
            ("scripts/post.sh", "#!/bin/bash\r\necho done\r\n"),
            (
                "unattend/a.xml",
                "<profile xmlns='http://www.suse.com/1.0/yast2ns'>\n<a>\n</b>\n</profile>\n",
            ),
        ],
    );
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(
        rules_of(&doc),
        ["script-line-endings", "unattend-malformed"]
    );
    assert!(doc["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("/bin/bash^M: bad interpreter"));
    assert_eq!(doc["findings"][1]["line"].as_u64(), Some(3));
    run(t.cmd().args(["build", "p", "-o", "."]), 1);
    // A foreign `tar czf` export of the same files: the same rules in verify.
    let status = Process::new("tar")
        .current_dir(t.path())
        .args(["czf", "export.tar.gz", "p"])
        .status()
        .unwrap();
    assert!(status.success());
    let doc = run_json(
        t.cmd()
            .args(["verify", "--os", "sles", "--release", "15", "export.tar.gz"]),
        1,
    );
    let rules = rules_of(&doc);
    for rule in ["script-line-endings", "unattend-malformed"] {
        assert!(rules.iter().any(|r| r == rule), "{rules:?}");
    }
}

#[test]
fn scripts_are_checked_for_their_interpreter() {
    let t = TestDir::new();
    t.write("scripts/ok.sh", "#!/bin/sh\necho\n");
    t.write("scripts/noshebang.sh", "echo\n");
    t.write("scripts/bom.py", "\u{feff}print(1)\n");
    t.write("scripts/empty.sh", "");
    t.write("scripts/lf.cmd", "@echo off\n:top\n");
    t.write("scripts/ok.cmd", "@echo off\r\n");
    t.write("scripts/latin1.ps1", b"$a = 'caf\xE9'\r\n");
    let doc = run_json(t.cmd().args(["check", "--os", "win", "scripts"]), 1);
    let got: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["rule"].as_str().unwrap().starts_with("extension"))
        .map(|f| {
            (
                f["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("bom.py", "script-encoding", "error"),
        ("empty.sh", "payload-empty", "warning"),
        ("latin1.ps1", "script-encoding", "error"),
        ("lf.cmd", "script-line-endings", "warning"),
        ("noshebang.sh", "script-shebang-missing", "warning"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want, "{doc:#}");
}

/// Generated one-line kickstart files: commands of the RHEL 8 tables and typos of
/// them, options valid, abbreviated, ambiguous and unknown, 0 to 3 positional words.
fn generated_kickstarts(count: usize) -> Vec<String> {
    let table =
        std::fs::read_to_string(root().join("crates/formats/src/kickstart/tables.rs")).unwrap();
    // The RHEL8 block's command names and options, read from the generated table.
    let block = table
        .split("name: \"RHEL8\"")
        .nth(1)
        .unwrap()
        .split("Version {")
        .next()
        .unwrap();
    let mut commands: Vec<(String, Vec<String>)> = Vec::new();
    for part in block.split("Command {").skip(1) {
        let name = part
            .split("name: \"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let options = part
            .split("options: &[")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap()
            .split(", ")
            .filter(|o| !o.is_empty())
            .map(|o| o.trim_matches('"').to_string())
            .collect();
        commands.push((name, options));
    }
    assert!(commands.len() > 50, "{}", commands.len());
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    (0..count)
        .map(|_| {
            let (name, options) = &commands[next(commands.len())];
            let mut line = match next(8) {
                0 => format!("{name}x"),
                1 => name.to_uppercase(),
                _ => name.clone(),
            };
            for _ in 0..next(3) {
                if options.is_empty() {
                    break;
                }
                let o = &options[next(options.len())];
                let written = match next(6) {
                    0 => format!("{o}-nope"),
                    1 if o.len() > 4 => o[..o.len() - 1].to_string(),
                    2 => "--b".to_string(),
                    _ => o.clone(),
                };
                line.push_str(&format!(" {written}={}", ["x", "1", "yes"][next(3)]));
            }
            for _ in 0..next(4) {
                line.push_str(" word");
            }
            line.push('\n');
            line
        })
        .collect()
}

#[test]
fn check_never_refuses_a_kickstart_line_pykickstart_takes() {
    if !peer("ksvalidator", "pykickstart (pip install pykickstart)") {
        return;
    }
    let t = TestDir::new();
    let rules = rules_with_rhel_8_and_9(&t);
    let lines = generated_kickstarts(300);
    let mut paths = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        paths.push(t.write(&format!("ks/{i:03}.ks"), line));
    }
    // One pykickstart run over all files, as ksvalidator parses each (errors
    // fatal, includes not followed, deprecation warnings not problems).
    let driver = "import sys, warnings\nwarnings.simplefilter('ignore')\nfrom pykickstart.parser import KickstartParser\nfrom pykickstart.version import makeVersion\nfrom pykickstart.errors import KickstartError\nfor f in sys.argv[1:]:\n    p = KickstartParser(makeVersion('RHEL8'), followIncludes=False)\n    try:\n        p.readKickstart(f)\n    except Exception:\n        print(f)\n";
    let out = Process::new("python3")
        .args(["-c", driver])
        .args(&paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let theirs: std::collections::BTreeSet<String> = said
        .lines()
        .map(|l| l.rsplit('/').next().unwrap().to_string())
        .collect();
    let mut args = vec![
        "--rules",
        rules.to_str().unwrap(),
        "--os",
        "rhels",
        "--release",
        "8.6",
    ];
    let shown: Vec<String> = paths
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    args.extend(shown.iter().map(String::as_str).take(shown.len() - 1));
    let doc = check_loose(&t, paths.last().unwrap(), &args);
    let ours: std::collections::BTreeSet<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unattend-malformed")
        .map(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let refused_wrongly: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        refused_wrongly.is_empty(),
        "check refuses lines pykickstart takes: {:?}\n{said}",
        refused_wrongly
            .iter()
            .map(|f| lines[f[..3].parse::<usize>().unwrap()].trim_end())
            .collect::<Vec<_>>()
    );
    // Both verdicts are exercised, and most refusals are found.
    eprintln!(
        "refused: check {}, pykickstart {} of {}",
        ours.len(),
        theirs.len(),
        lines.len()
    );
    assert!(
        ours.len() >= 60 && theirs.len() > ours.len() / 2,
        "{} {}",
        ours.len(),
        theirs.len()
    );
    assert!(theirs.len() < lines.len() - 30, "{}", theirs.len());
}
