//! The `<bundle>.sha256` sidecar beside a valid bundle: any content is read safely;
//! the right digest in `sha256sum` form (either case, text or binary marker) proves
//! the download (the findings without a sidecar, less the `download-unverified` note);
//! a wrong digest in that form is a checksum mismatch; whatever else it holds adds
//! only `bundle-*` findings.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use osbundle::bundle::verify_path;
use osbundle::{Finding, Rule};
use osbundle_fuzz::{oracle, sha256};

#[derive(Debug, Arbitrary)]
enum Side {
    Right {
        upper: bool,
        binary: bool,
        newline: bool,
    },
    Wrong(u8),
    Raw(Vec<u8>),
}

/// A valid bundle in a scratch folder, its digest, and its findings without a sidecar.
fn bundle() -> &'static (PathBuf, [u8; 32], Vec<Finding>) {
    static B: OnceLock<(PathBuf, [u8; 32], Vec<Finding>)> = OnceLock::new();
    B.get_or_init(|| {
        let dir = oracle::scratch();
        let bytes = osbundle_fuzz::valid_bundle();
        let path = dir.join("b.tar.gz");
        std::fs::write(&path, &bytes).unwrap_or_default();
        let baseline = verify_path(&path, &oracle::settings())
            .map(|v| v.findings)
            .unwrap_or_default();
        (path, sha256(&bytes), baseline)
    })
}

fuzz_target!(|side: Side| {
    let (path, digest, baseline) = bundle();
    let hex = |d: &[u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let text: Vec<u8> = match &side {
        Side::Right {
            upper,
            binary,
            newline,
        } => {
            let mut h = hex(digest);
            if *upper {
                h = h.to_uppercase();
            }
            let marker = if *binary { " *" } else { "  " };
            format!("{h}{marker}b.tar.gz{}", if *newline { "\n" } else { "" }).into_bytes()
        }
        Side::Wrong(k) => {
            let mut d = *digest;
            d[usize::from(*k) % 32] ^= 1 | k;
            format!("{}  b.tar.gz\n", hex(&d)).into_bytes()
        }
        Side::Raw(bytes) => bytes.clone(),
    };
    let side_path = path.with_file_name("b.tar.gz.sha256");
    if std::fs::write(&side_path, &text).is_err() {
        return;
    }
    let Ok(verified) = verify_path(path, &oracle::settings()) else {
        return;
    };
    let mismatch = verified
        .findings
        .iter()
        .any(|f| f.rule == Rule::BundleChecksumMismatch);
    match side {
        Side::Right { .. } => {
            let proved: Vec<&Finding> = baseline
                .iter()
                .filter(|f| f.rule != Rule::DownloadUnverified)
                .collect();
            assert!(
                proved.len() < baseline.len(),
                "no download-unverified note without a sidecar: {baseline:?}"
            );
            assert_eq!(
                verified.findings.iter().collect::<Vec<_>>(),
                proved,
                "the right digest did more than prove the download"
            );
        }
        Side::Wrong(_) => assert!(mismatch, "a wrong digest went unnoticed"),
        Side::Raw(_) => {
            for f in verified.findings.iter().filter(|f| !baseline.contains(f)) {
                assert!(oracle::is_bundle_rule(f), "{f:?}");
            }
        }
    }
});
