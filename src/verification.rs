//! `verify`, whole: each bundle read once (integrity, checksums, safety, rules), its
//! signatures checked in the same read, and, with a saved repository, the IDs it
//! names and its OS image checked against that. One library call; the binary only
//! dispatches it. The result is an [`Output`]: each bundle with the layout that
//! judged it, its download checksum and its signatures.

use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::api::delete::Inventory;
use crate::bundle::{DownloadChecksum, VerifySettings};
use crate::findings::Report;
use crate::names::{escape, from_path};
use crate::report::{text, Output, WriteOptions};
use crate::sign::{signature_line, verify_paths_signed, SignatureInfo, Trust};

/// What `verify` checks besides each bundle's own content.
#[derive(Debug, Clone, Copy)]
pub struct VerifyChecks<'a> {
    /// The keys signatures are checked with (none: each signature file found is
    /// listed, unchecked).
    pub trust: &'a Trust,
    /// A saved `GET /osImages`: the IDs each bundle names and its OS image must be
    /// in it.
    pub repository: Option<&'a Inventory>,
    /// Show progress on standard error.
    pub progress: bool,
}

/// What `verify` found: the findings of every bundle (one checked subject each, in
/// the order given) and what each bundle is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Findings of every bundle, in report order.
    pub report: Report,
    /// Each bundle, in the order given.
    pub bundles: Vec<VerifiedBundle>,
}

/// One bundle `verify` read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedBundle {
    /// The bundle as given.
    pub path: String,
    /// The layout that judged it (`osbundle`).
    pub layout: &'static str,
    /// Whether its stream was read to the end.
    pub complete: bool,
    /// The signature files beside it (`verify --key`, `--allowed-signers`, or found).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<SignatureInfo>,
    /// The checksum of the bundle file that was checked.
    #[serde(rename = "downloadChecksum", skip_serializing_if = "Option::is_none")]
    pub download_checksum: Option<DownloadChecksum>,
}

/// Verifies every bundle of `paths` (`-`: standard input) in parallel, with the
/// signatures and repository `checks`; findings in path order.
pub fn verify_bundles(
    paths: &[PathBuf],
    settings: &VerifySettings,
    checks: VerifyChecks<'_>,
) -> crate::Result<Verification> {
    // Signatures are checked in the same read of each bundle file.
    let verified = verify_paths_signed(paths, settings, checks.progress, checks.trust)?;
    let mut result = Verification::default();
    for (path, (verified, signed)) in paths.iter().zip(verified) {
        let shown = from_path(path);
        let mut findings = verified.findings.clone();
        if let Some(inventory) = checks.repository {
            findings.extend(crate::repository::check_bundle(
                inventory, &verified, &shown,
            ));
        }
        let mut signatures = Vec::new();
        if let Some(signed) = signed {
            findings.extend(signed.findings);
            signatures = signed.signatures;
        }
        result.bundles.push(VerifiedBundle {
            path: shown,
            layout: verified.layout,
            complete: verified.complete,
            signatures,
            download_checksum: Some(verified.download_checksum),
        });
        result.report.merge(Report {
            findings,
            checked: 1,
            subjects: vec![crate::names::from_path(path)],
        });
    }
    Ok(result)
}

#[derive(Serialize)]
struct Members<'a> {
    bundles: &'a [VerifiedBundle],
}

impl Output for Verification {
    fn members(&self) -> impl Serialize + '_ {
        Members {
            bundles: &self.bundles,
        }
    }

    /// The findings, then each bundle's download checksum and signatures, then the
    /// summary line.
    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut lines = Vec::new();
        for b in &self.bundles {
            // An absent checksum is a finding already: said once.
            if let Some(c) = b.download_checksum.as_ref().filter(|c| !c.absent()) {
                lines.push(escape(&c.line(&b.path)).into_owned());
            }
            lines.extend(b.signatures.iter().map(signature_line));
        }
        text::write_with_lines(report, options, &lines, out)
    }

    fn checks_files(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;
