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
    let digest = hash_file(path, sig.hash_alg())?;
    let mut blob = b"SSHSIG".to_vec();
    for part in [
        NAMESPACE.as_bytes(),
        sig.reserved(),
        sig.hash_alg().as_str().as_bytes(),
        &digest,
    ] {
        let len = u32::try_from(part.len()).map_err(|_| "oversized signature field".to_string())?;
        blob.extend_from_slice(&len.to_be_bytes());
        blob.extend_from_slice(part);
    }
    key.verify(&blob, sig.signature()).map_err(|_| {
        format!("the signature by {fingerprint} does not verify: the bundle changed after signing")
    })?;
    let who = identity.unwrap_or(&signer.principals);
    Ok(format!("{who} ({} key {fingerprint})", key.algorithm()))
}

fn hash_file(path: &Path, alg: HashAlg) -> Result<Vec<u8>, String> {
    let mut file = File::open(path).map_err(|e| format!("cannot read the bundle: {e}"))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut sha256 = Sha256::new();
    let mut sha512 = Sha512::new();
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("cannot read the bundle: {e}"))?;
        if n == 0 {
            break;
        }
        match alg {
            HashAlg::Sha256 => sha256.update(&buf[..n]),
            _ => sha512.update(&buf[..n]),
        }
    }
    Ok(match alg {
        HashAlg::Sha256 => sha256.finalize().to_vec(),
        _ => sha512.finalize().to_vec(),
    })
}
