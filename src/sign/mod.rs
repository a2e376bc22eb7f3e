//! Signatures of bundles: who made a bundle, where checksums only prove integrity.
//!
//! - [`minisig`]: minisign key pairs ([`minisig::generate`]), signatures written as
//!   `<bundle>.minisig` with a trusted comment naming the bundle, its profile ID and
//!   its ledger ([`minisig::sign_file`]), and their verification. The format is the
//!   `minisign` tool's: either side verifies the other's signatures.
//! - [`ssh`]: signatures made by `ssh-keygen -Y sign -n file`, `<bundle>.sig`, checked
//!   against an allowed-signers file ([`allowed`]) as `ssh-keygen -Y verify` does.
//!
//! Guarantees: signature and key files are read with a size limit; every damaged,
//! foreign or hostile signature or key is a finding (`bundle-signature-invalid`,
//! `bundle-signature-missing`, `signature-key-invalid`), never a panic; the bundle is
//! hashed in one streaming pass per signature (bounded memory, legacy minisign
//! signatures that would need the whole file in memory are refused); secret keys and
//! passwords are never printed, and key files are written atomically, the secret key
//! with mode 0600 and the public key 0644.

pub mod allowed;
pub mod minisig;
mod shown;
pub mod ssh;
pub mod write;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::bundle::gzip::FileTap;

use serde::Serialize;

use crate::findings::{Finding, Rule};

pub use allowed::AllowedSigners;
pub(crate) use shown::signature_line;
pub use shown::{sign_bundles, KeyPair, SignedBundle, Signing};

/// The largest signature, public key or allowed-signers file read: 1 MiB.
pub const MAX_KEY_FILE: u64 = 1024 * 1024;

/// The keys a `verify` run checks signatures with.
#[derive(Debug, Default)]
pub struct Trust {
    /// `--key`: a minisign public key, when one was given and is usable.
    pub minisign: Option<minisig::LoadedKey>,
    /// Whether `--key` was given at all (usable or not).
    pub minisign_given: bool,
    /// `--allowed-signers`, parsed.
    pub allowed: Option<AllowedSigners>,
    /// `--identity`.
    pub identity: Option<String>,
    /// The time validity periods are judged at, seconds since the epoch.
    pub now: u64,
}

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

/// `<bundle>.<ext>` beside the bundle.
pub fn beside(bundle: &Path, ext: &str) -> PathBuf {
    let mut name = bundle.as_os_str().to_os_string();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Reads a small text file (signature, key), refusing more than [`MAX_KEY_FILE`].
/// `Ok(None)` when it does not exist.
pub fn read_small(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::File::open(path) {
        Ok(file) => read_open(file).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads a small text file that must exist (a key, an allowed-signers file); a
/// missing one is the system's own error with the path ("No such file or
/// directory"), as for every other input.
pub fn read_required(path: &Path) -> crate::Result<String> {
    std::fs::File::open(path)
        .and_then(read_open)
        .map_err(|e| crate::Error::io(path, e))
}

fn read_open(file: std::fs::File) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} KiB", MAX_KEY_FILE / 1024),
        ));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
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
pub struct Pending {
    bundle: PathBuf,
    minisign: Step<minisig::Check, Result<String, String>>,
    ssh: Step<ssh::Check, Result<Vec<u8>, String>>,
    key_id: String,
}

/// Reads the signature files beside `bundle` and decides what can be decided
/// without the bundle's bytes. A signature file that cannot be read is an error.
pub fn prepare(bundle: &Path, display: &str, trust: &Trust) -> crate::Result<Pending> {
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
    pub fn needs_file(&self) -> bool {
        matches!(self.minisign, Step::Wait { got: None, .. })
            || matches!(self.ssh, Step::Wait { got: None, .. })
    }

    /// The outcome, in the order of the signature files (minisign, then SSH). Reads
    /// the bundle file itself if a check still waits for its bytes.
    pub fn finish(mut self) -> Checked {
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

/// Seconds since the epoch now (0 if the clock is before 1970).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Replaces control characters other than tab so that a value stays on one line of
/// a signature file.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { '?' } else { c })
        .collect()
}

/// The outcome of [`sign_bundle`].
#[derive(Debug, Default)]
pub struct Signed {
    /// What verifying the bundle first found; on any error nothing was signed.
    pub findings: Vec<Finding>,
    /// The signature file written, when the bundle verified.
    pub written: Option<PathBuf>,
    /// Its trusted comment.
    pub trusted_comment: String,
}

/// Keeps the `CHECKSUM` entry of a bundle while it is verified.
#[derive(Default)]
struct LedgerSink {
    in_checksum: bool,
    ledger: Vec<u8>,
}

impl crate::bundle::stream::Sink for LedgerSink {
    fn begin(&mut self, name: &str, _mode: u32) -> std::io::Result<()> {
        self.in_checksum = name == crate::bundle::format::CHECKSUM;
        Ok(())
    }
    fn data(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.in_checksum && self.ledger.len() < 4096 {
            self.ledger.extend_from_slice(chunk);
        }
        Ok(())
    }
    fn end(&mut self) -> std::io::Result<()> {
        self.in_checksum = false;
        Ok(())
    }
}

/// Verifies the bundle at `bundle` and, when it holds no errors, signs it with `sk`
/// into `<bundle>.minisig` (replacing an older one). The trusted comment names the
/// signing time (`epoch`), the bundle's file name, its profile ID and its ledger
/// (the `CHECKSUM` line).
pub fn sign_bundle(
    bundle: &Path,
    sk: &minisign::SecretKey,
    settings: &crate::bundle::VerifySettings,
    epoch: u64,
) -> crate::Result<Signed> {
    if bundle.as_os_str() == "-" {
        return Err(crate::Error::Usage(
            "sign needs a bundle file, not standard input".into(),
        ));
    }
    let mut sink = LedgerSink::default();
    let verified = crate::bundle::verify::verify_path_into(bundle, settings, Some(&mut sink))?;
    let failed = !verified.complete
        || verified
            .findings
            .iter()
            .any(|f| f.severity == crate::findings::Severity::Error);
    let mut out = Signed {
        findings: verified.findings,
        ..Signed::default()
    };
    if failed {
        return Ok(out);
    }
    let profile = verified
        .metadata
        .as_ref()
        .and_then(|m| m.get("id"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("?");
    let ledger = String::from_utf8_lossy(&sink.ledger).trim().to_string();
    let name = bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.trusted_comment = one_line(&format!(
        "timestamp:{epoch}\tfile:{name}\tprofile:{profile}\tledger:{ledger}"
    ));
    let text = minisig::sign_file(bundle, sk, &out.trusted_comment)?;
    let target = beside(bundle, "minisig");
    write::atomic(&target, text.as_bytes(), 0o644, true)?;
    out.written = Some(target);
    Ok(out)
}

/// Reads `--key` (a minisign public key file or `RW...` string) and
/// `--allowed-signers` into a [`Trust`]. A key or line that cannot be used is a
/// `signature-key-invalid` finding; a file that cannot be read is an error.
pub fn load_trust(
    key: Option<&str>,
    allowed_signers: Option<&Path>,
    identity: Option<String>,
) -> crate::Result<(Trust, Vec<Finding>)> {
    let mut findings = Vec::new();
    let mut trust = Trust {
        identity,
        now: now(),
        minisign_given: key.is_some(),
        ..Trust::default()
    };
    if let Some(key) = key {
        match minisig::load_public_key(key)? {
            Ok(loaded) => trust.minisign = Some(loaded),
            Err(message) => findings.push(Finding::error(
                Rule::SignatureKeyInvalid,
                one_line(key),
                message,
            )),
        }
    }
    if let Some(path) = allowed_signers {
        let text = read_required(path)?;
        let allowed = AllowedSigners::parse(&text);
        let shown = crate::names::from_path(path);
        for p in &allowed.problems {
            findings.push(
                Finding::error(Rule::SignatureKeyInvalid, &shown, p.message.clone()).at(p.line, 1),
            );
        }
        if allowed.signers.is_empty() {
            findings.push(Finding::error(
                Rule::SignatureKeyInvalid,
                &shown,
                "the allowed-signers file names no usable signer",
            ));
        }
        trust.allowed = Some(allowed);
    }
    Ok((trust, findings))
}

/// A key pair written by [`keygen`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// The key ID.
    pub id: String,
    /// The public key's `RW...` line.
    pub public_line: String,
}

/// Makes a minisign key pair and writes it atomically: the secret key to `secret`
/// (mode 0600, encrypted with `password` unless it is `None`), the public key to
/// `public` (0644). Existing files are kept unless `force`.
pub fn keygen(
    public: &Path,
    secret: &Path,
    password: Option<String>,
    force: bool,
) -> crate::Result<NewKey> {
    for path in [public, secret] {
        if !force && std::fs::symlink_metadata(path).is_ok() {
            return Err(crate::Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists (use --force to replace it)",
                ),
            ));
        }
    }
    let (public_text, secret_text, id) = minisig::generate(password)?;
    write::atomic(secret, secret_text.as_bytes(), 0o600, force)?;
    write::atomic(public, public_text.as_bytes(), 0o644, force)?;
    let public_line = public_text.lines().nth(1).unwrap_or("").to_string();
    Ok(NewKey { id, public_line })
}
