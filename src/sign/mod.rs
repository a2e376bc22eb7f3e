//! Signatures of bundles: who made a bundle, where checksums only prove integrity.
//!
//! - `minisig`: minisign key pairs ([`minisig::generate`]), signatures written as
//!   `<bundle>.minisig` with a trusted comment naming the bundle, its profile ID and
//!   its ledger ([`minisig::sign_file`]), and their verification. The format is the
//!   `minisign` tool's: either side verifies the other's signatures.
//! - `ssh`: signatures made by `ssh-keygen -Y sign -n file`, `<bundle>.sig`, checked
//!   against an allowed-signers file (`allowed`) as `ssh-keygen -Y verify` does.
//! - `verify.rs`: the signatures beside a bundle checked in the one read of the
//!   bundle that verify makes ([`check`], [`verify_paths_signed`]); this file keeps
//!   the keys of a run ([`load_trust`]), signing ([`sign_bundle`]) and key pairs
//!   ([`keygen`]).
//!
//! Guarantees: signature and key files are read with a size limit; every damaged,
//! foreign or hostile signature or key is a finding (`bundle-signature-invalid`,
//! `bundle-signature-missing`, `signature-key-invalid`), never a panic; the bundle is
//! hashed in one streaming pass per signature (bounded memory, legacy minisign
//! signatures that would need the whole file in memory are refused); secret keys and
//! passwords are never printed, and key files are written atomically, the secret key
//! with mode 0600 and the public key 0644.

pub(crate) mod allowed;
pub(crate) mod minisig;
mod shown;
pub(crate) mod ssh;
mod verify;
pub(crate) mod write;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::findings::{Finding, Rule};

pub use allowed::AllowedSigners;
pub use minisig::{load_secret_key, read_password, LoadedKey, Password};
pub(crate) use shown::signature_line;
pub use shown::{sign_bundles, KeyPair, SignedBundle, Signing};
pub use verify::{check, verify_paths_signed, Checked, SignatureInfo, Status};

/// The largest signature, public key or allowed-signers file read: 1 MiB.
pub(crate) const MAX_KEY_FILE: u64 = 1024 * 1024;

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

/// `<bundle>.<ext>` beside the bundle.
pub(crate) fn beside(bundle: &Path, ext: &str) -> PathBuf {
    let mut name = bundle.as_os_str().to_os_string();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Reads a small text file (signature, key), refusing more than [`MAX_KEY_FILE`].
/// `Ok(None)` when it does not exist.
pub(crate) fn read_small(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::File::open(path) {
        Ok(file) => read_open(file).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads a small text file that must exist (a key, an allowed-signers file); a
/// missing one is the system's own error with the path ("No such file or
/// directory"), as for every other input.
pub(crate) fn read_required(path: &Path) -> crate::Result<String> {
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

/// Seconds since the epoch now (0 if the clock is before 1970).
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Replaces control characters other than tab so that a value stays on one line of
/// a signature file.
pub(crate) fn one_line(text: &str) -> String {
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

/// Makes a minisign key pair and writes it atomically: the secret key to `secret`
/// (mode 0600, encrypted with `password` unless it is `None`), the public key to
/// `public` (0644). Existing files are kept unless `force`. The result is what
/// `keygen` shows.
pub fn keygen(
    public: &Path,
    secret: &Path,
    password: Option<String>,
    force: bool,
) -> crate::Result<KeyPair> {
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
    let encrypted = password.is_some();
    let (public_text, secret_text, key_id) = minisig::generate(password)?;
    write::atomic(secret, secret_text.as_bytes(), 0o600, force)?;
    write::atomic(public, public_text.as_bytes(), 0o644, force)?;
    let public_key = public_text.lines().nth(1).unwrap_or("").to_string();
    Ok(KeyPair {
        key_id,
        public_key,
        public_key_file: crate::names::from_path(public),
        secret_key_file: crate::names::from_path(secret),
        encrypted,
    })
}
