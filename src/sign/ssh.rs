//! Signatures of `ssh-keygen -Y sign -n file` (the SSHSIG format of OpenSSH's
//! PROTOCOL.sshsig), checked against an allowed-signers file.
//!
//! The file is hashed in one streaming pass (SHA-256 or SHA-512, as the signature
//! says); the signed blob `"SSHSIG" || namespace || reserved || hash algorithm ||
//! digest` is then checked by `ssh-key` with the signer's key (Ed25519, ECDSA P-256
//! and P-384, RSA).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256, Sha512};
use signature::Verifier;
use ssh_key::{HashAlg, SshSig};

use super::allowed::AllowedSigners;

/// The namespace `ssh-keygen -Y sign -n file` signs in, and the only one accepted.
pub const NAMESPACE: &str = "file";

/// Parses an `.sig` file (PEM `SSH SIGNATURE`).
pub fn parse_signature(text: &str) -> Result<SshSig, String> {
    SshSig::from_pem(text.trim())
        .map_err(|e| format!("not an SSH signature (-----BEGIN SSH SIGNATURE-----): {e}"))
}

/// The key fingerprint a signature names, without checking anything.
pub fn signer_of(text: &str) -> Option<String> {
    parse_signature(text)
        .ok()
        .map(|sig| format!("SSH key {}", sig.public_key().fingerprint(HashAlg::Sha256)))
}

/// Verifies the SSH signature `text` of the file at `path` against `allowed`;
/// returns who signed (principals and key fingerprint).
pub fn verify_file(
    path: &Path,
    text: &str,
    allowed: &AllowedSigners,
    identity: Option<&str>,
    now: u64,
) -> Result<String, String> {
    let check = prepare(text, allowed, identity, now)?;
    let file = File::open(path).map_err(|e| format!("cannot read the bundle: {e}"))?;
    let mut digest = FileDigest::new(check.hash_alg());
    digest.read_all(file)?;
    check.finish(&digest.finish())
}

/// An SSH signature whose signer is allowed, waiting for the digest of the file.
#[derive(Debug)]
pub struct Check {
    sig: SshSig,
    fingerprint: ssh_key::Fingerprint,
    who: String,
}

/// Everything of an SSH signature check that does not need the file: the signature
/// parses, is in the `file` namespace, and its key is an allowed signer (for
/// `identity`, at `now`).
pub fn prepare(
    text: &str,
    allowed: &AllowedSigners,
    identity: Option<&str>,
    now: u64,
) -> Result<Check, String> {
    let sig = parse_signature(text)?;
    if sig.namespace() != NAMESPACE {
        return Err(format!(
            "the signature is for namespace \"{}\", not \"{NAMESPACE}\" (sign with ssh-keygen -Y sign -n {NAMESPACE})",
            super::one_line(sig.namespace())
        ));
    }
    let key = sig.public_key();
    let fingerprint = key.fingerprint(HashAlg::Sha256);
    let mut reasons = Vec::new();
    let mut signer = None;
    for result in allowed.matching(key, NAMESPACE, identity, now) {
        match result {
            Ok(s) => {
                signer = Some(s);
                break;
            }
            Err(reason) => reasons.push(reason),
        }
    }
    let Some(signer) = signer else {
        return Err(if reasons.is_empty() {
            format!(
                "signed by {} key {fingerprint}, which is not in the allowed signers",
                key.algorithm()
            )
        } else {
            format!(
                "signed by {fingerprint}, but not allowed: {}",
                reasons.join("; ")
            )
        });
    };
    let who = identity.unwrap_or(&signer.principals).to_string();
    Ok(Check {
        sig,
        fingerprint,
        who,
    })
}

impl Check {
    /// The digest of the file the signature is over (SHA-256 or SHA-512).
    pub fn hash_alg(&self) -> HashAlg {
        self.sig.hash_alg()
    }

    /// Checks the signature over `digest`, the file's digest in [`Check::hash_alg`];
    /// returns who signed (principals and key fingerprint).
    pub fn finish(&self, digest: &[u8]) -> Result<String, String> {
        let sig = &self.sig;
        let fingerprint = &self.fingerprint;
        let mut blob = b"SSHSIG".to_vec();
        for part in [
            NAMESPACE.as_bytes(),
            sig.reserved(),
            sig.hash_alg().as_str().as_bytes(),
            digest,
        ] {
            let len =
                u32::try_from(part.len()).map_err(|_| "oversized signature field".to_string())?;
            blob.extend_from_slice(&len.to_be_bytes());
            blob.extend_from_slice(part);
        }
        let key = sig.public_key();
        key.verify(&blob, sig.signature()).map_err(|_| {
            format!(
                "the signature by {fingerprint} does not verify: the bundle changed after signing"
            )
        })?;
        Ok(format!(
            "{} ({} key {fingerprint})",
            self.who,
            key.algorithm()
        ))
    }
}

/// The SHA-256 or SHA-512 of a file, fed as it is read.
pub enum FileDigest {
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-512 (also for any other algorithm a signature names: it does not verify).
    Sha512(Sha512),
}

impl FileDigest {
    /// A new digest in `alg`.
    pub fn new(alg: HashAlg) -> Self {
        match alg {
            HashAlg::Sha256 => FileDigest::Sha256(Sha256::new()),
            _ => FileDigest::Sha512(Sha512::new()),
        }
    }

    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            FileDigest::Sha256(d) => d.update(data),
            FileDigest::Sha512(d) => d.update(data),
        }
    }

    /// Adds everything `reader` reads, to its end.
    pub fn read_all(&mut self, mut reader: impl Read) -> Result<(), String> {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("cannot read the bundle: {e}")),
            };
            self.update(&buf[..n]);
        }
    }

    /// The digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            FileDigest::Sha256(d) => d.finalize().to_vec(),
            FileDigest::Sha512(d) => d.finalize().to_vec(),
        }
    }
}
