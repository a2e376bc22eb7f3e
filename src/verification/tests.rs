use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::findings::Severity;
use crate::report::{write_document, Format, WriteOptions};
use crate::sign::{load_trust, Status};

const BUNDLE: &str = "2016121921921_Custom-2016-datacenter-profile.tar.gz";

/// A repository without the bundle's OS image (win2016).
const REPOSITORY: &str = r#"{
  "items": [{"id": "win2019|", "name": "win2019", "osrelease": "2019", "profiles": []}],
  "bootFiles": [{"id": "winpe-64-base", "type": "Predefined", "size": 480224}],
  "driverFiles": [], "unattendFiles": [], "softwareFiles": []
}"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sign")
        .join(name)
}

/// A library caller of `verify_bundles` gets what `osbundle verify --key
/// --allowed-signers --repository` reports: the signatures checked in the same
/// read, the repository's findings, and the text view listing the signatures.
#[test]
fn one_call_checks_the_signatures_and_the_repository() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bundle = dir.path().join(BUNDLE);
    for ext in ["", ".minisig", ".sig"] {
        let name = format!("{BUNDLE}{ext}");
        fs::copy(fixture(&name), dir.path().join(&name)).expect("copy fixture");
    }
    let key = fixture("minisign.pub");
    let (trust, trust_findings) = load_trust(
        key.to_str(),
        Some(&fixture("allowed_signers")),
        Some("ops@example.com".to_string()),
    )
    .expect("trust");
    assert!(trust_findings.is_empty(), "{trust_findings:?}");
    let repository = dir.path().join("osimages.json");
    fs::write(&repository, REPOSITORY).expect("write repository");
    let inventory = Inventory::load(&repository).expect("inventory");
    let checks = VerifyChecks {
        trust: &trust,
        repository: Some(&inventory),
        progress: false,
    };
    let verification = verify_bundles(
        std::slice::from_ref(&bundle),
        &VerifySettings::default(),
        checks,
    )
    .expect("verify");

    assert_eq!(verification.report.checked, 1);
    assert_eq!(verification.report.subjects, [bundle.display().to_string()]);
    let problems: Vec<&str> = verification
        .report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(problems, ["repository-image-missing"]);
    let [shown] = verification.bundles.as_slice() else {
        panic!("one bundle: {:?}", verification.bundles);
    };
    assert_eq!(shown.layout, "osbundle");
    assert!(shown.complete);
    let mut schemes: Vec<(&str, Status)> = shown
        .signatures
        .iter()
        .map(|s| (s.scheme, s.status))
        .collect();
    schemes.sort_by_key(|(scheme, _)| *scheme);
    assert_eq!(schemes, [("minisign", Status::Good), ("ssh", Status::Good)]);

    let mut out = Vec::new();
    let options = WriteOptions::new(Format::Text, "bundle");
    write_document(&verification.report, &verification, options, &mut out).expect("write");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.contains(".minisig: good minisign signature"), "{text}");
    assert!(text.contains("repository-image-missing"), "{text}");
    assert!(
        text.ends_with("checked 1 bundle: 1 error, 0 warnings\n"),
        "{text}"
    );
}
