//! Honest verdicts of check and build: what `check` passes, `build` writes and every
//! reader reads; what `--force` does and says; excludes inside profiles; flags a
//! profile overrides.

use std::fs;
use std::path::Path;

use crate::util::{peer, rules_and_paths, run, run_json, TestDir};

const WIN: &str = r#"{"name": "P", "os": "win", "release": "2016"}"#;
const EPOCH: &str = "1700000000";

fn the_bundle(dir: &Path) -> std::path::PathBuf {
    let names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    names[0].clone()
}

/// A driver named with 2-, 3- and 4-byte characters, up to the 255-byte component
/// limit: `check` passes it, `build` writes it, and `verify`, GNU tar and Python's
/// tarfile read the whole name back.
#[test]
fn multi_byte_names_check_accepts_are_built_and_read_back() {
    let tar = peer("tar", "GNU tar");
    let python = peer("python3", "python3");
    for (ch, count) in [
        ('\u{20ac}', 40),
        ('\u{e9}', 125),
        ('\u{20ac}', 83),
        ('\u{1f600}', 62),
    ] {
        let t = TestDir::new();
        let file: String = std::iter::repeat_n(ch, count).collect();
        let name = format!("{file}.zip");
        assert!(name.len() <= 255);
        t.profile("p", WIN, &[(&format!("drivers/{name}"), "zip")]);
        run(t.cmd().args(["check", "p"]), 0);
        run(
            t.cmd()
                .env("SOURCE_DATE_EPOCH", EPOCH)
                .args(["build", "-q", "-o", "dist", "p"]),
            0,
        );
        let bundle = the_bundle(&t.path().join("dist"));
        let doc = run_json(t.cmd().arg("inspect").arg(&bundle), 0);
        assert!(doc.to_string().contains(&name), "{name}: {doc}");
        run(t.cmd().arg("verify").arg(&bundle), 0);
        let entry = format!("drivers/{name}");
        if tar {
            let mut tar = std::process::Command::new("tar");
            tar.arg("-tzf").arg(&bundle);
            let out = run(&mut assert_cmd::Command::from_std(tar), 0);
            let listed = String::from_utf8_lossy(&out.stdout);
            assert!(listed.lines().any(|l| l == entry), "{listed}");
        }
        if python {
            let mut py = std::process::Command::new("python3");
            py.args([
                "-c",
                "import sys, tarfile; print('\\n'.join(tarfile.open(sys.argv[1]).getnames()))",
            ])
            .arg(&bundle)
            .env("PYTHONIOENCODING", "utf-8");
            let out = run(&mut assert_cmd::Command::from_std(py), 0);
            let listed = String::from_utf8_lossy(&out.stdout);
            assert!(listed.lines().any(|l| l == entry), "{listed}");
        }
    }
}

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn build_in(t: &TestDir, args: &[&str], code: i32) -> std::process::Output {
    run(
        t.cmd()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .arg("build")
            .args(args),
        code,
    )
}

/// `build` suggests `--force` only where it helps; `build --force` that cannot
/// build says why; one that builds despite errors says so, in text and JSON.
#[test]
fn build_force_is_suggested_where_it_helps_and_says_what_it_did() {
    // A rule finding: --force helps, and says it built despite it.
    let t = TestDir::new();
    t.profile(
        "p",
        WIN,
        &[("drivers/nic.exe", "x"), ("drivers/ok.zip", "z")],
    );
    let (_, err) = text(&build_in(&t, &["-o", "dist", "p"], 1));
    assert!(err.contains("pass --force to build despite them"), "{err}");
    let (out, _) = text(&build_in(&t, &["--force", "-o", "dist", "p"], 1));
    assert!(out.contains("built despite 1 error (--force)"), "{out}");
    let doc = run_json(
        t.cmd().env("SOURCE_DATE_EPOCH", EPOCH).args([
            "build",
            "--force",
            "--overwrite",
            "-o",
            "dist",
            "p",
        ]),
        1,
    );
    assert_eq!(doc["despiteErrors"], 1, "{doc}");
    assert!(doc["bundle"]["path"].is_string(), "{doc}");
    // A clean build has no such member.
    let clean = TestDir::new();
    clean.profile("p", WIN, &[("drivers/ok.zip", "z")]);
    let doc = run_json(
        clean
            .cmd()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["build", "-o", "dist", "p"]),
        0,
    );
    assert!(doc.get("despiteErrors").is_none(), "{doc}");

    // A name no bundle can hold: --force cannot help, and is not suggested.
    let t = TestDir::new();
    t.profile(
        "p",
        WIN,
        &[("drivers/CON.zip", "x"), ("drivers/nic.exe", "x")],
    );
    let (_, err) = text(&build_in(&t, &["-o", "dist", "p"], 1));
    assert!(!err.contains("pass --force"), "{err}");
    assert!(
        err.contains("bundle-unsafe-entry cannot be forced"),
        "{err}"
    );
    let (out, err) = text(&build_in(&t, &["--force", "-o", "dist", "p"], 1));
    assert!(
        err.contains("--force does not build past bundle-unsafe-entry"),
        "{err}"
    );
    assert!(out.contains("bundle-unsafe-entry"), "{out}");
    assert!(!out.contains("built"), "{out}");
    assert_eq!(fs::read_dir(t.path().join("dist")).unwrap().count(), 0);
}

/// `extract --force` extracts despite rule findings (an `.exe` in drivers/) and
/// says so; never despite damage.
#[test]
fn extract_force_goes_past_rule_findings_only() {
    let t = TestDir::new();
    t.profile(
        "p",
        WIN,
        &[("drivers/nic.exe", "x"), ("drivers/ok.zip", "z")],
    );
    build_in(&t, &["--force", "-o", "dist", "p"], 1);
    let bundle = the_bundle(&t.path().join("dist"));
    fs::create_dir(t.path().join("x")).unwrap();
    let (_, err) = text(&run(t.cmd().args(["extract", "-C", "x"]).arg(&bundle), 1));
    assert!(err.contains("pass --force to extract it"), "{err}");
    assert_eq!(fs::read_dir(t.path().join("x")).unwrap().count(), 0);
    let (out, _) = text(&run(
        t.cmd().args(["extract", "--force", "-C", "x"]).arg(&bundle),
        1,
    ));
    assert!(out.contains("extracted despite 1 error (--force)"), "{out}");
    let folder = t.path().join("x").join(
        bundle
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".tar.gz"),
    );
    assert_eq!(fs::read(folder.join("drivers/nic.exe")).unwrap(), b"x");
    fs::create_dir(t.path().join("y")).unwrap();
    let doc = run_json(
        t.cmd().args(["extract", "--force", "-C", "y"]).arg(&bundle),
        1,
    );
    assert_eq!(doc["despiteErrors"], 1, "{doc}");

    // One changed byte of a payload: a checksum mismatch, never forced.
    let mut bytes = Vec::new();
    {
        use std::io::Read;
        flate2::read::GzDecoder::new(&fs::read(&bundle).unwrap()[..])
            .read_to_end(&mut bytes)
            .unwrap();
    }
    let header = (0..bytes.len())
        .step_by(512)
        .find(|&at| bytes[at..].starts_with(b"drivers/ok.zip\0"))
        .unwrap();
    assert_eq!(bytes[header + 512], b'z');
    bytes[header + 512] = b'Z';
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let damaged = t.path().join("damaged.tar.gz");
    fs::write(&damaged, gz.finish().unwrap()).unwrap();
    fs::create_dir(t.path().join("z")).unwrap();
    let out = run(
        t.cmd()
            .args(["extract", "--force", "-C", "z"])
            .arg(&damaged),
        1,
    );
    let (stdout, err) = text(&out);
    assert!(stdout.contains("bundle-checksum-mismatch"), "{stdout}");
    assert!(
        err.contains("--force does not extract past bundle-checksum-mismatch"),
        "{err}"
    );
    assert_eq!(fs::read_dir(t.path().join("z")).unwrap().count(), 0);
}

/// A bundle replaced with `--overwrite` takes its stale signature and checksum with
/// it, and says so; without `--overwrite` a stale signature is not replaced.
#[test]
fn overwrite_removes_the_replaced_bundles_signature() {
    let t = TestDir::new();
    run(t.cmd().args(["keygen", "--unencrypted"]), 0);
    t.profile("p", WIN, &[("drivers/ok.zip", "one")]);
    build_in(&t, &["-o", "dist", "p"], 0);
    let bundle = the_bundle(&t.path().join("dist"));
    run(
        t.cmd().args(["sign", "--key", "osbundle.key"]).arg(&bundle),
        0,
    );
    let minisig = t.path().join(format!("{}.minisig", bundle.display()));
    assert!(minisig.exists());
    // Another bundle under the same name.
    t.write("p/drivers/ok.zip", "two");
    build_in(&t, &["-o", "dist", "p"], 2);
    let (_, err) = text(&build_in(&t, &["--overwrite", "-o", "dist", "p"], 0));
    assert!(!minisig.exists(), "the old signature is still there");
    assert!(
        err.contains("note: removed") && err.contains(".minisig"),
        "{err}"
    );
    let doc = run_json(
        t.cmd()
            .args(["verify", "--key", "osbundle.pub"])
            .arg(&bundle),
        1,
    );
    let rules = crate::util::rules_of(&doc);
    assert!(
        rules.contains(&"bundle-signature-missing".to_string()),
        "{doc}"
    );
    assert!(
        !rules.contains(&"bundle-signature-invalid".to_string()),
        "{doc}"
    );
    run(
        t.cmd().args(["sign", "--key", "osbundle.key"]).arg(&bundle),
        0,
    );
    run(
        t.cmd()
            .args(["verify", "--key", "osbundle.pub"])
            .arg(&bundle),
        0,
    );

    // --no-sha256-file on a rebuild: the old .sha256 goes too, and JSON lists it.
    t.write("p/drivers/ok.zip", "three");
    let doc = run_json(
        t.cmd().env("SOURCE_DATE_EPOCH", EPOCH).args([
            "build",
            "--overwrite",
            "--no-sha256-file",
            "-o",
            "dist",
            "p",
        ]),
        0,
    );
    let removed = doc["bundle"]["removed"].to_string();
    assert!(
        removed.contains(".sha256") && removed.contains(".minisig"),
        "{doc}"
    );
    let left: Vec<_> = fs::read_dir(t.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

/// A file of a profile outside the kind folders is an error with a did-you-mean, in
/// check and build alike; `--force` builds without it and says so.
#[test]
fn files_outside_kind_folders_are_errors_not_dropped_quietly() {
    let t = TestDir::new();
    t.profile("p", WIN, &[("driver/x.zip", "x"), ("drivers/ok.zip", "z")]);
    let doc = run_json(t.cmd().args(["check", "p"]), 1);
    assert_eq!(
        rules_and_paths(&doc, t.path()),
        [("kind-unknown".to_string(), "p/driver".to_string())]
    );
    let message = doc["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("did you mean drivers/?"), "{message}");
    assert_eq!(doc["findings"][0]["severity"], "error");
    let (out, err) = text(&build_in(&t, &["-o", "dist", "p"], 1));
    assert!(out.contains("kind-unknown"), "{out}");
    assert!(err.contains("pass --force"), "{err}");
    let (out, _) = text(&build_in(&t, &["--force", "-o", "dist", "p"], 1));
    assert!(out.contains("built despite 1 error (--force)"), "{out}");
    let bundle = the_bundle(&t.path().join("dist"));
    let doc = run_json(t.cmd().arg("inspect").arg(&bundle), 0);
    let names: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .filter(|n| n.contains('/'))
        .collect();
    assert_eq!(names, ["drivers/ok.zip"]);
}

fn packed(t: &TestDir, bundle: &Path) -> Vec<String> {
    let doc = run_json(t.cmd().arg("inspect").arg(bundle), 0);
    doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .filter(|n| n.contains('/'))
        .map(str::to_string)
        .collect()
}

/// `.gitignore`, `.ignore` and `exclude` of osbundle.toml apply inside profile
/// directories, to check and build alike: what check judged is what build packs.
#[test]
fn excludes_apply_inside_profiles_to_check_and_build_alike() {
    let files = [
        ("scripts/post.ps1", "Write-Host ok\n"),
        ("scripts/old.ps1.bak", "old"),
        ("drivers/nic.zip", "z"),
        ("drivers/scratch/x.exe", "x"),
    ];
    // A .gitignore of the profile and an .ignore above it.
    let t = TestDir::new();
    t.profile("p", WIN, &files);
    t.write("p/.gitignore", "*.bak\n");
    t.write(".ignore", "scratch/\n");
    run(t.cmd().args(["check", "p"]), 0);
    run(t.cmd().args(["check", "."]), 0);
    run(t.cmd().args(["check", "p/scripts/post.ps1"]), 0);
    build_in(&t, &["-o", "dist", "p"], 0);
    let bundle = the_bundle(&t.path().join("dist"));
    assert_eq!(packed(&t, &bundle), ["drivers/nic.zip", "scripts/post.ps1"]);
    // --no-ignore reads none, in check and build alike.
    run(t.cmd().args(["check", "--no-ignore", "p"]), 1);
    build_in(&t, &["--no-ignore", "-o", "dist2", "p"], 1);

    // `exclude` in osbundle.toml, relative to the profile directory.
    let t = TestDir::new();
    t.profile("p", WIN, &files);
    t.write(
        "osbundle.toml",
        "exclude = [\"*.bak\", \"/drivers/scratch/\"]\n",
    );
    run(t.cmd().args(["check", "p"]), 0);
    build_in(&t, &["-o", "dist", "p"], 0);
    let bundle = the_bundle(&t.path().join("dist"));
    assert_eq!(packed(&t, &bundle), ["drivers/nic.zip", "scripts/post.ps1"]);
    // --exclude adds to it, for build as for check.
    t.write("p/scripts/draft.ps1", "Write-Host draft\n");
    build_in(&t, &["--exclude", "draft.*", "-o", "dist3", "p"], 0);
    let bundle = the_bundle(&t.path().join("dist3"));
    assert_eq!(packed(&t, &bundle), ["drivers/nic.zip", "scripts/post.ps1"]);
}

/// `--os`/`--release`/`--platform` that a profile's profile.json contradicts are
/// warnings in the document, in every format, not only a line on stderr.
#[test]
fn flags_a_profile_overrides_are_warnings_in_the_document() {
    let t = TestDir::new();
    t.profile(
        "p",
        "{\"name\": \"P\",\n \"os\": \"win\",\n \"release\": \"2016\"}",
        &[("drivers/nic.zip", "z")],
    );
    let doc = run_json(
        t.cmd().args([
            "check",
            "--os",
            "sles",
            "--release",
            "99",
            "p/drivers/nic.zip",
        ]),
        0,
    );
    let found: Vec<(String, String, String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["pointer"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let warning = |pointer: &str, line| {
        (
            "flag-ignored".to_string(),
            "warning".to_string(),
            pointer.to_string(),
            line,
        )
    };
    assert_eq!(found, [warning("/os", 2), warning("/release", 3)]);
    assert!(doc["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("--os sles does not apply"));
    // --strict makes them fail, as any warning.
    run(t.cmd().args(["check", "--strict", "--os", "sles", "p"]), 1);
    let out = run(
        t.cmd()
            .args(["check", "--format", "sarif", "--os", "sles", "p"]),
        0,
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "flag-ignored");
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "warning");
    let out = run(
        t.cmd()
            .args(["check", "--format", "github", "--os", "sles", "p"]),
        0,
    );
    let (gh, _) = text(&out);
    assert!(gh.contains("::warning file=p/profile.json,line=2"), "{gh}");
    // Flags that agree, and `os` of osbundle.toml, are no finding.
    let doc = run_json(
        t.cmd()
            .args(["check", "--os", "win", "--release", "2016", "p"]),
        0,
    );
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc}");
    t.write("osbundle.toml", "os = \"sles\"\n");
    let doc = run_json(t.cmd().args(["check", "p"]), 0);
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc}");
}
