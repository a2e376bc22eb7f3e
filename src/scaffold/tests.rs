//! The examples `new` writes are valid for their installer once LXCA has replaced the
//! macros: XML well-formed with the right root and namespace (`xmllint`), RHEL
//! kickstarts valid for the release's pykickstart handler (`ksvalidator -v RHELn`),
//! autoinstall valid YAML (`python3 -c 'import yaml'`), ESXi with its required
//! commands. A missing peer fails under CI and is skipped elsewhere.

use std::io::Write;
use std::process::{Command, Stdio};

use super::*;

/// Runs `cmd` with `input` on stdin (or as the file `file` when given); `None` when the
/// program is missing outside CI.
fn peer(program: &str, args: &[&str], input: &str, install: &str) -> Option<(bool, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("example");
    std::fs::write(&file, input).expect("write");
    let mut cmd = Command::new(program);
    cmd.args(args).arg(&file).stdin(Stdio::null());
    match cmd.output() {
        Ok(out) => Some((
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )),
        Err(_) if std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false") => {
            panic!("{program} is missing: install {install} (.ci/install-peers)")
        }
        Err(_) => {
            let _ = writeln!(std::io::stderr(), "note: {program} missing; check skipped");
            None
        }
    }
}

/// The example as the installer sees it: macros replaced by LXCA.
fn substituted(d: Dialect) -> String {
    let zone = d.time_zones()[0];
    d.example("web-01", "os", "1", "host1", zone)
}

#[test]
fn xml_examples_are_well_formed_with_their_root_and_namespace() {
    for (d, root) in [
        (
            Dialect::AutoYast,
            r#"<profile xmlns="http://www.suse.com/1.0/yast2ns" xmlns:config="http://www.suse.com/1.0/configns">"#,
        ),
        (
            Dialect::Windows,
            r#"<unattend xmlns="urn:schemas-microsoft-com:unattend""#,
        ),
    ] {
        for text in [
            substituted(d),
            d.example(
                "a--b",
                "os",
                "1",
                &format!("#{HOSTNAME_MACRO}#"),
                "#timezone#",
            ),
        ] {
            assert!(text.contains(root), "{d:?}:\n{text}");
            if let Some((ok, out)) = peer("xmllint", &["--noout"], &text, "libxml2-utils") {
                assert!(ok, "{d:?}: {out}\n{text}");
            }
        }
    }
    let win = substituted(Dialect::Windows);
    for pass in ["specialize", "oobeSystem"] {
        assert_eq!(win.matches(&format!("pass=\"{pass}\"")).count(), 1);
    }
}

#[test]
fn rhel_kickstart_is_valid_for_pykickstart_of_each_release() {
    let text = substituted(Dialect::Kickstart);
    // Every major release of the embedded rules, and those of newer servers.
    let rules = RuleSet::embedded();
    let mut versions: Vec<String> = rules
        .os("rhels")
        .map(|os| os.release_names())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.split('.').next())
        .map(|major| format!("RHEL{major}"))
        .chain(["RHEL8", "RHEL9"].map(String::from))
        .collect();
    versions.sort();
    versions.dedup();
    assert!(versions.len() >= 4, "{versions:?}");
    for version in &versions {
        if let Some((ok, out)) = peer(
            "ksvalidator",
            &["-v", version],
            &text,
            "python3-pykickstart",
        ) {
            assert!(ok, "ksvalidator -v {version}: {out}\n{text}");
        }
    }
}

#[test]
fn esxi_kickstart_has_the_commands_esxi_requires() {
    let text = substituted(Dialect::EsxiKickstart);
    let commands: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for required in ["vmaccepteula", "rootpw", "install"] {
        assert_eq!(
            commands.iter().filter(|c| **c == required).count(),
            1,
            "{required}:\n{text}"
        );
    }
}

#[test]
fn autoinstall_is_yaml_with_its_version() {
    let text = substituted(Dialect::Autoinstall);
    assert!(text.starts_with("#cloud-config\n"));
    let script = "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); \
                  assert d['autoinstall']['version'] == 1, d; \
                  assert d['autoinstall']['identity']['hostname'] == 'host1', d; \
                  assert d['autoinstall']['timezone'] == 'Etc/UTC', d";
    if let Some((ok, out)) = peer("python3", &["-c", script], &text, "python3-yaml") {
        assert!(ok, "{out}\n{text}");
    }
    // With macros, still quoted strings, not comments.
    let raw = Dialect::Autoinstall.example(
        "p",
        "ubuntu",
        "22.04",
        &format!("#{HOSTNAME_MACRO}#"),
        "#timezone#",
    );
    assert!(raw.contains(&format!("hostname: \"#{HOSTNAME_MACRO}#\"")));
}

#[test]
fn settings_file_derives_the_macro_the_examples_use() {
    let text = settings_json(Dialect::Windows.time_zones());
    let checked = crate::config::check_bytes(text.as_bytes(), "settings.json");
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    let value = checked.value.expect("parses");
    assert_eq!(crate::macros::derive_macros(&value), [TIMEZONE_MACRO]);
}
