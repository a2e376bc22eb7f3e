//! Checking the signatures beside a bundle: the signature files and the keys decide
//! what they can without the bundle's bytes ([`prepare`]); the bundle's bytes come
//! once, through a [`FileTap`] fed by verify's own read, or read here
//! ([`Pending::finish`]); what became of each is a [`SignatureInfo`].

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{beside, minisig, read_small, ssh, Trust};
use crate::bundle::gzip::FileTap;
use crate::findings::{Finding, Rule};

/// What became of one signature file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It verified with the given key or allowed signers.
    Good,
    /// It did not verify (a `bundle-signature-invalid` finding says why).
    Bad,
    /// No key of its kind was given: it was not checked.
    Unchecked,
}

/// One signature file beside a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureInfo {
    /// The signature file, as shown.
    pub file: String,
    /// `minisign` or `ssh`.
    pub scheme: &'static str,
    /// Whether it verified.
    pub status: Status,
    /// Who signed: the minisign key ID, or the SSH principals and key fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// The minisign trusted comment, once verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_comment: Option<String>,
}

/// The signatures of one bundle.
#[derive(Debug, Default)]
pub struct Checked {
    /// `bundle-signature-*` findings.
    pub findings: Vec<Finding>,
    /// Every signature file found, checked or not.
    pub signatures: Vec<SignatureInfo>,
}

/// Checks the signatures beside the bundle at `bundle` (shown as `display`),
/// reading the bundle file once for all of them. A signature file that is there but
/// cannot be read (EIO, EACCES, a folder) is an error (exit 2): the check could not
/// be done. One past the size limit is a `bundle-signature-invalid` finding.
pub fn check(bundle: &Path, display: &str, trust: &Trust) -> crate::Result<Checked> {
    Ok(prepare(bundle, display, trust)?.finish())
}

/// Verifies the bundles of `paths` as [`crate::bundle::verify::verify_paths`] does
/// and checks the signatures beside each (`None` for standard input) in the same
/// read of each file: the minisign prehash and the SSHSIG digest are computed beside
/// inflate and the entry digests.
pub fn verify_paths_signed(
    paths: &[PathBuf],
    settings: &crate::bundle::VerifySettings,
    progress: bool,
    trust: &Trust,
) -> crate::Result<Vec<(crate::bundle::verify::Verified, Option<Checked>)>> {
    let mut pending: Vec<Option<Pending>> = paths
        .iter()
        .map(|path| {
            (path.as_os_str() != "-")
                .then(|| prepare(path, &crate::names::from_path(path), trust))
                .transpose()
        })
        .collect::<crate::Result<_>>()?;
    let taps = pending
        .iter_mut()
        .map(|p| match p {
            Some(p) if p.needs_file() => Some(p as &mut dyn FileTap),
            _ => None,
        })
        .collect();
    let verified = crate::bundle::verify::verify_paths_tapped(paths, settings, progress, taps)?;
    Ok(verified
        .into_iter()
        .zip(pending)
        .map(|(v, p)| (v, p.map(Pending::finish)))
        .collect())
}

/// One scheme's part of [`Checked`]: its findings and its signature file.
#[derive(Debug, Default)]
struct Part {
    findings: Vec<Finding>,
    info: Option<SignatureInfo>,
}

/// A scheme's check: decided without the bundle's bytes, or waiting for them.
enum Step<C, R> {
    Done(Part),
    Wait {
        check: C,
        shown: String,
        got: Option<R>,
    },
}

/// The signature checks of one bundle, prepared from the signature files beside it
/// and the keys; the bundle's bytes come through [`FileTap`] (or, when nothing fed
/// them, [`Pending::finish`] reads the file).
pub(super) struct Pending {
    bundle: PathBuf,
    minisign: Step<minisig::Check, Result<String, String>>,
    ssh: Step<ssh::Check, Result<Vec<u8>, String>>,
    key_id: String,
}

/// Reads the signature files beside `bundle` and decides what can be decided
/// without the bundle's bytes. A signature file that cannot be read is an error.
pub(super) fn prepare(bundle: &Path, display: &str, trust: &Trust) -> crate::Result<Pending> {
    let minisig = beside(bundle, "minisig");
    let sshsig = beside(bundle, "sig");
    let shown_minisig = format!("{display}.minisig");
    let shown_sshsig = format!("{display}.sig");
    let read = |path: &Path, shown: &str, part: &mut Part| match read_small(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            part.findings.push(Finding::error(
                Rule::BundleSignatureInvalid,
                shown,
                format!("not a signature file: {e}"),
            ));
            Ok(None)
        }
        Err(e) => Err(crate::Error::io(path, e)),
    };

    let mut part = Part::default();
    let minisig_text = read(&minisig, &shown_minisig, &mut part)?;
    let minisign = match (&minisig_text, &trust.minisign) {
        // A file past the size limit is there: its finding says why it is unusable.
        (None, _) if trust.minisign_given && !minisig.exists() => {
            part.findings.push(Finding::error(
                Rule::BundleSignatureMissing,
                &shown_minisig,
                "--key was given but the bundle has no minisign signature beside it",
            ));
            Step::Done(part)
        }
        (None, _) => Step::Done(part),
        (Some(text), Some(key)) => match minisig::prepare(text, key) {
            Ok(check) => Step::Wait {
                check,
                shown: shown_minisig,
                got: None,
            },
            Err(message) => {
                part.findings.push(Finding::error(
                    Rule::BundleSignatureInvalid,
                    &shown_minisig,
                    message,
                ));
                part.info = Some(bad(&shown_minisig, "minisign"));
                Step::Done(part)
            }
        },
        (Some(text), None) => {
            part.info = Some(SignatureInfo {
                file: shown_minisig.clone(),
                scheme: "minisign",
                status: if trust.minisign_given {
                    Status::Bad
                } else {
                    Status::Unchecked
                },
                signer: minisig::signer_of(text).map(|id| format!("minisign key {id}")),
                trusted_comment: None,
            });
            Step::Done(part)
        }
    };

    let mut part = Part::default();
    let ssh_text = read(&sshsig, &shown_sshsig, &mut part)?;
    let ssh = match (&ssh_text, &trust.allowed) {
        (None, Some(_)) if !sshsig.exists() => {
            part.findings.push(Finding::error(
                Rule::BundleSignatureMissing,
                &shown_sshsig,
                "--allowed-signers was given but the bundle has no SSH signature beside it",
            ));
            Step::Done(part)
        }
        (None, _) => Step::Done(part),
        (Some(text), Some(allowed)) => {
            match ssh::prepare(text, allowed, trust.identity.as_deref(), trust.now) {
                Ok(check) => Step::Wait {
                    check,
                    shown: shown_sshsig,
                    got: None,
                },
                Err(message) => {
                    part.findings.push(Finding::error(
                        Rule::BundleSignatureInvalid,
                        &shown_sshsig,
                        message,
                    ));
                    part.info = Some(bad(&shown_sshsig, "ssh"));
                    Step::Done(part)
                }
            }
        }
        (Some(text), None) => {
            part.info = Some(SignatureInfo {
                file: shown_sshsig.clone(),
                scheme: "ssh",
                status: Status::Unchecked,
                signer: ssh::signer_of(text),
                trusted_comment: None,
            });
            Step::Done(part)
        }
    };
    Ok(Pending {
        bundle: bundle.to_path_buf(),
        minisign,
        ssh,
        key_id: trust
            .minisign
            .as_ref()
            .map(|k| k.id.clone())
            .unwrap_or_default(),
    })
}

impl Pending {
    /// Whether a check waits for the bundle's bytes.
    pub(super) fn needs_file(&self) -> bool {
        matches!(self.minisign, Step::Wait { got: None, .. })
            || matches!(self.ssh, Step::Wait { got: None, .. })
    }

    /// The outcome, in the order of the signature files (minisign, then SSH). Reads
    /// the bundle file itself if a check still waits for its bytes.
    pub(super) fn finish(mut self) -> Checked {
        if self.needs_file() {
            match std::fs::File::open(&self.bundle) {
                Ok(file) => self.read_file(&mut std::io::BufReader::with_capacity(1 << 16, file)),
                Err(e) => {
                    let message = format!("cannot read the bundle: {e}");
                    if let Step::Wait { got, .. } = &mut self.minisign {
                        *got = Some(Err(message.clone()));
                    }
                    if let Step::Wait { got, .. } = &mut self.ssh {
                        *got = Some(Err(message));
                    }
                }
            }
        }
        let mut out = Checked::default();
        let minisign = match self.minisign {
            Step::Done(part) => part,
            Step::Wait { shown, got, .. } => {
                let mut part = Part::default();
                let got = got.unwrap_or_else(|| Err("the bundle was not read".to_string()));
                part.info = Some(match got {
                    Ok(comment) => SignatureInfo {
                        file: shown.clone(),
                        scheme: "minisign",
                        status: Status::Good,
                        signer: Some(format!("minisign key {}", self.key_id)),
                        trusted_comment: Some(comment),
                    },
                    Err(message) => {
                        part.findings.push(Finding::error(
                            Rule::BundleSignatureInvalid,
                            &shown,
                            message,
                        ));
                        bad(&shown, "minisign")
                    }
                });
                part
            }
        };
        let ssh = match self.ssh {
            Step::Done(part) => part,
            Step::Wait { check, shown, got } => {
                let mut part = Part::default();
                let got = got.unwrap_or_else(|| Err("the bundle was not read".to_string()));
                part.info = Some(match got.and_then(|digest| check.finish(&digest)) {
                    Ok(signer) => SignatureInfo {
                        file: shown.clone(),
                        scheme: "ssh",
                        status: Status::Good,
                        signer: Some(signer),
                        trusted_comment: None,
                    },
                    Err(message) => {
                        part.findings.push(Finding::error(
                            Rule::BundleSignatureInvalid,
                            &shown,
                            message,
                        ));
                        bad(&shown, "ssh")
                    }
                });
                part
            }
        };
        for part in [minisign, ssh] {
            out.findings.extend(part.findings);
            out.signatures.extend(part.info);
        }
        out
    }
}

impl FileTap for Pending {
    fn read_file(&mut self, file: &mut dyn Read) {
        let mut digest = match &self.ssh {
            Step::Wait {
                check, got: None, ..
            } => Some(ssh::FileDigest::new(check.hash_alg())),
            _ => None,
        };
        let mut file = Teed {
            inner: file,
            digest: digest.as_mut(),
            error: None,
        };
        if let Step::Wait { check, got, .. } = &mut self.minisign {
            if got.is_none() {
                *got = Some(check.verify(&mut file));
            }
        }
        if let Step::Wait { got, .. } = &mut self.ssh {
            if got.is_none() {
                let rest = std::io::copy(&mut file, &mut std::io::sink());
                let error = file.error.take();
                *got = Some(match (rest, error, digest) {
                    (_, Some(e), _) | (Err(e), _, _) => Err(format!("cannot read the bundle: {e}")),
                    (Ok(_), None, Some(d)) => Ok(d.finish()),
                    (Ok(_), None, None) => Err("the bundle was not read".to_string()),
                });
            }
        }
    }
}

/// A reader that also feeds the SSHSIG digest, and keeps the first read error.
struct Teed<'a> {
    inner: &'a mut dyn Read,
    digest: Option<&'a mut ssh::FileDigest>,
    error: Option<std::io::Error>,
}

impl Read for Teed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                if let Some(d) = self.digest.as_deref_mut() {
                    d.update(&buf[..n]);
                }
                Ok(n)
            }
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(std::io::Error::new(e.kind(), e.to_string()));
                }
                Err(e)
            }
        }
    }
}

fn bad(file: &str, scheme: &'static str) -> SignatureInfo {
    SignatureInfo {
        file: file.to_string(),
        scheme,
        status: Status::Bad,
        signer: None,
        trusted_comment: None,
    }
}
