//! Honest verdicts of the bundle readers: an archive with no file in it is no
//! profile export; the download's own checksum has its own rule; an I/O error is
//! the tool failing (exit 2), not a corrupt bundle; names are printed one way.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;
use tempfile::TempDir;

use super::bundle::{build, make_profile, osb, NAME};

/// Runs `script` in `dir` with `sh`; `false` (and [`super::util::missing`]) when
/// `tool` is not installed.
fn made_with(tool: &str, script: &str, dir: &Path) -> bool {
    let have = Process::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        super::util::missing(&format!("{tool} not installed (.ci/install-peers)"));
        return false;
    }
    let status = Process::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "{script}");
    true
}

/// `osbundle <args> --format json`: the exit code and the document.
fn json(args: &[&str], bundle: &Path) -> (i32, Value) {
    let out = osb()
        .args(args)
        .args(["--format", "json"])
        .arg(bundle)
        .output()
        .unwrap();
    let code = out.status.code().expect("exit code, not a signal");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} {}: not one JSON document ({e}): {}",
            bundle.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, doc)
}

fn error_rules(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn empty_archives_do_not_verify_inspect_or_extract() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut cases: Vec<(&str, &str)> = Vec::new();
    if made_with("tar", "tar czf x.tgz --files-from /dev/null", dir) {
        cases.push(("x.tgz", "bundle-missing-entry"));
    }
    if made_with("tar", "mkdir -p d/e && tar czf d.tgz d", dir) {
        cases.push(("d.tgz", "bundle-missing-entry"));
    }
    if made_with(
        "python3",
        "python3 -c \"import tarfile; tarfile.open('p.tar.gz', 'w:gz').close()\"",
        dir,
    ) {
        cases.push(("p.tar.gz", "bundle-missing-entry"));
    }
    if made_with("gzip", "gzip -c </dev/null >gz0.tar.gz", dir) {
        cases.push(("gz0.tar.gz", "bundle-missing-entry"));
    }
    fs::write(dir.join("zero.tar.gz"), b"").unwrap();
    cases.push(("zero.tar.gz", "bundle-corrupt"));
    fs::write(dir.join("z.tar.gz"), vec![0u8; 1 << 20]).unwrap();
    cases.push(("z.tar.gz", "bundle-corrupt"));
    for (name, rule) in cases {
        let bundle = dir.join(name);
        for command in ["verify", "inspect"] {
            let (code, doc) = json(&[command], &bundle);
            assert_eq!(code, 1, "{command} {name}: {doc}");
            let errors = error_rules(&doc);
            assert_eq!(errors, [rule], "{command} {name}: {doc}");
        }
        let out = dir.join(format!("out-{name}"));
        fs::create_dir(&out).unwrap();
        let (code, doc) = json(&["extract", "-C", out.to_str().unwrap()], &bundle);
        assert_eq!(code, 1, "extract {name}: {doc}");
        assert_eq!(error_rules(&doc), [rule], "extract {name}: {doc}");
        let left: Vec<_> = fs::read_dir(&out).unwrap().collect();
        assert!(left.is_empty(), "extract {name} left {left:?}");
    }
}

#[test]
fn an_empty_archive_says_it_holds_no_file_in_text() {
    let tmp = TempDir::new().unwrap();
    if !made_with("tar", "tar czf x.tgz --files-from /dev/null", tmp.path()) {
        return;
    }
    let out = osb()
        .arg("verify")
        .arg(tmp.path().join("x.tgz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[bundle-missing-entry]") && text.contains("no file in it"),
        "{text}"
    );
    // An empty archive is no export at all: no note on how it was checked.
    assert!(!text.contains("bundle-foreign"), "{text}");
}

/// A bundle `build` wrote (every file covered inside), without its `.sha256`.
fn bundle_without_sidecar(tmp: &Path) -> std::path::PathBuf {
    let profile = make_profile(tmp, 3, 2000);
    let bundle = build(&profile, &tmp.join("dl"), "1");
    fs::remove_file(bundle.with_file_name(format!("{NAME}.sha256"))).unwrap();
    bundle
}

#[test]
fn raising_bundle_unverified_does_not_fail_a_covered_download_without_a_sidecar() {
    let tmp = TempDir::new().unwrap();
    let bundle = bundle_without_sidecar(tmp.path());
    fs::write(
        tmp.path().join("osbundle.toml"),
        "[severity]\nbundle-unverified = \"error\"\n",
    )
    .unwrap();
    let out = osb()
        .current_dir(tmp.path())
        .env_remove("OSBUNDLE_CONFIG")
        .args(["verify", "--format", "json"])
        .arg(&bundle)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{doc}");
    let rules: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("download-unverified", "note")], "{doc}");
    // Who insists on a checksum of every download says so with its own rule.
    fs::write(
        tmp.path().join("osbundle.toml"),
        "[severity]\ndownload-unverified = \"error\"\n",
    )
    .unwrap();
    let out = osb()
        .current_dir(tmp.path())
        .env_remove("OSBUNDLE_CONFIG")
        .arg("verify")
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[download-unverified]"), "{text}");
}

#[test]
fn a_download_without_a_checksum_is_said_once_in_text() {
    let tmp = TempDir::new().unwrap();
    let bundle = bundle_without_sidecar(tmp.path());
    let unpacked = tmp.path().join("unpacked");
    fs::create_dir(&unpacked).unwrap();
    // (`inspect` lists it in its header too, as it lists a checksum that was found.)
    for args in [
        vec!["verify"],
        vec!["extract", "-C", unpacked.to_str().unwrap()],
    ] {
        let out = osb().args(&args).arg(&bundle).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {text}");
        assert_eq!(
            text.matches("note[download-unverified]").count(),
            1,
            "{args:?}: {text}"
        );
        assert!(!text.contains("no download checksum"), "{args:?}: {text}");
        assert!(!text.contains("bundle-unverified"), "{args:?}: {text}");
    }
}

/// `osbundle <args> <bundle>` exits 2 with a message on stderr naming `named`.
fn fails_naming(args: &[&str], bundle: &Path, named: &str) {
    let out = osb().args(args).arg(bundle).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: stdout {} stderr {stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains(named), "{args:?}: {stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("bundle-corrupt"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_bundle_that_cannot_be_read_is_exit_2_not_a_corrupt_bundle() {
    // Reading /proc/self/mem from offset 0 fails with EIO (as root too).
    let mem = Path::new("/proc/self/mem");
    let tmp = TempDir::new().unwrap();
    let unpacked = tmp.path().to_str().unwrap();
    for args in [
        vec!["verify"],
        vec!["inspect"],
        vec!["extract", "-C", unpacked],
        vec!["verify", "--format", "json"],
    ] {
        fails_naming(&args, mem, "/proc/self/mem");
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn a_checksum_file_that_cannot_be_read_is_exit_2() {
    let tmp = TempDir::new().unwrap();
    let bundle = bundle_without_sidecar(tmp.path());
    // A folder where the sidecar would be: it opens, but reading it fails (EISDIR).
    let side = bundle.with_file_name(format!("{NAME}.sha256"));
    fs::create_dir(&side).unwrap();
    fails_naming(&["verify"], &bundle, &format!("{NAME}.sha256"));
}

/// Characters no text output may hold raw: bidirectional controls and other
/// invisible format characters.
const HIDDEN: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}',
];

/// Asserts that `out` shows the names `\u{202e}` and `\u{200b}` escaped, and holds no
/// hidden character raw.
fn escaped(what: &str, out: &std::process::Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains(HIDDEN),
        "{what}: a hidden character raw: {text:?}"
    );
    assert!(
        !text.contains('\u{fffd}'),
        "{what}: a name folded to U+FFFD: {text}"
    );
    assert!(text.contains("\\u{202e}"), "{what}: {text}");
}

/// A profile with a script named `run<U+202E>1sp.exe` (shown reversed by a terminal
/// as `runexe.ps1`) and an unattend file named `<U+200B>unattend.xml`.
fn hostile_profile(root: &Path) -> std::path::PathBuf {
    let profile = make_profile(root, 5, 1000);
    fs::write(profile.join("scripts/run\u{202e}1sp.exe"), b"echo\n").unwrap();
    fs::write(
        profile.join("unattend/\u{200b}unattend.xml"),
        b"<unattend>#nope#</unattend>\n",
    )
    .unwrap();
    profile
}

#[test]
fn a_bidi_override_in_a_name_is_escaped_in_check_output() {
    let tmp = TempDir::new().unwrap();
    let profile = hostile_profile(tmp.path());
    let out = osb().arg("check").arg(&profile).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    escaped("check", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("scripts/run\\u{202e}1sp.exe"), "{text}");
    assert!(text.contains("unattend/\\u{200b}unattend.xml"), "{text}");
}

#[test]
fn a_bidi_override_in_a_name_is_escaped_in_verify_inspect_and_extract_output() {
    let tmp = TempDir::new().unwrap();
    let profile = hostile_profile(tmp.path());
    // A foreign export of that profile, in a bundle whose own name has U+202E.
    let bundle = tmp.path().join("export\u{202e}zg.rat.tgz");
    let status = Process::new("tar")
        .arg("czf")
        .arg(&bundle)
        .arg("-C")
        .arg(tmp.path())
        .arg(profile.file_name().unwrap())
        .status();
    if !status.is_ok_and(|s| s.success()) {
        return super::util::missing("tar not installed (.ci/install-peers)");
    }
    let unpacked = tmp.path().join("unpacked");
    fs::create_dir(&unpacked).unwrap();
    for args in [
        vec!["verify"],
        vec!["inspect"],
        vec!["extract", "-C", unpacked.to_str().unwrap()],
    ] {
        let out = osb().args(&args).arg(&bundle).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        escaped(&format!("{args:?}"), &out);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("run\\u{202e}1sp.exe"), "{args:?}: {text}");
    }
    // The same in a message on stderr: a bundle that is not there.
    let missing = tmp.path().join("gone\u{202e}zg.rat.tgz");
    for args in [
        vec!["verify"],
        vec!["extract", "-C", unpacked.to_str().unwrap()],
    ] {
        let out = osb().args(&args).arg(&missing).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        escaped(&format!("{args:?} missing"), &out);
    }
}

#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_shown_with_x_escapes_on_stderr() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = TempDir::new().unwrap();
    let missing = tmp
        .path()
        .join(std::ffi::OsStr::from_bytes(b"gone\xff.tgz"));
    let out = osb().arg("verify").arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gone\\xff.tgz"), "{stderr}");
}

#[test]
fn a_bidi_override_in_a_name_is_escaped_in_diff_output() {
    let a = TempDir::new().unwrap();
    let b = TempDir::new().unwrap();
    let old = make_profile(a.path(), 5, 1000);
    let new = hostile_profile(b.path());
    let out = osb().arg("diff").arg(&old).arg(&new).output().unwrap();
    escaped("diff", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("added    scripts/run\\u{202e}1sp.exe"),
        "{text}"
    );
}

#[test]
fn a_signature_file_that_cannot_be_read_is_exit_2() {
    let tmp = TempDir::new().unwrap();
    let bundle = bundle_without_sidecar(tmp.path());
    let public = tmp.path().join("k.pub");
    osb()
        .args(["keygen", "--unencrypted", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(tmp.path().join("k.key"))
        .assert()
        .success();
    // A folder where the signature would be: it opens, but reading it fails.
    let minisig = bundle.with_file_name(format!("{NAME}.minisig"));
    fs::create_dir(&minisig).unwrap();
    fails_naming(
        &["verify", "--key", public.to_str().unwrap()],
        &bundle,
        &format!("{NAME}.minisig"),
    );
    // One that is read but is no signature file (past the size limit) is a finding,
    // and only one: it is not also missing.
    fs::remove_dir(&minisig).unwrap();
    fs::write(&minisig, vec![b'x'; (1 << 20) + 1]).unwrap();
    let (code, doc) = json(&["verify", "--key", public.to_str().unwrap()], &bundle);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(error_rules(&doc), ["bundle-signature-invalid"], "{doc}");
    assert!(doc.to_string().contains("larger than"), "{doc}");
}
