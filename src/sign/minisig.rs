//! minisign keys and signatures, through the `minisign` crate (Ed25519 over the
//! BLAKE2b-512 of the file: the "prehashed" signatures minisign writes by default).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use minisign::{PublicKey, SecretKey, SecretKeyBox, SignatureBox};

use crate::error::{Error, Result};

/// A usable minisign public key.
#[derive(Debug, Clone)]
pub struct LoadedKey {
    /// The key.
    pub key: PublicKey,
    /// Its key ID, 16 uppercase hex digits as minisign shows it.
    pub id: String,
}

/// Where a password comes from: never from an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// The environment variable of this name.
    Env(String),
    /// Asked on the terminal.
    Prompt,
}

/// A key's ID as minisign prints it.
pub fn key_id(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    for (b, k) in bytes.iter_mut().zip(keynum) {
        *b = *k;
    }
    format!("{:016X}", u64::from_le_bytes(bytes))
}

/// Reads a minisign public key from the text of a `.pub` file (its untrusted
/// comment line is optional) or from the bare `RW...` string.
pub fn parse_public_key(text: &str) -> std::result::Result<LoadedKey, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut line = lines.next().unwrap_or("");
    if let Some(comment) = line.strip_prefix("untrusted comment:") {
        if comment.contains("secret key") {
            return Err("this is a minisign secret key; give the public key (the .pub file or its RW... string)".into());
        }
        line = lines.next().unwrap_or("");
    }
    if line.starts_with("RW") && line.len() > 200 {
        // 158 bytes in base64: the length of a minisign secret key.
        return Err("this looks like a minisign secret key; give the public key (the .pub file or its RW... string)".into());
    }
    if line.starts_with("ssh-") || line.starts_with("ecdsa-") || line.starts_with("sk-") {
        return Err(
            "this is an SSH public key; SSH signatures are checked with --allowed-signers".into(),
        );
    }
    if line.starts_with("-----BEGIN") {
        return Err(
            "this is a PEM file (an SSH or X.509 key or signature), not a minisign public key"
                .into(),
        );
    }
    let key = PublicKey::from_base64(line).map_err(|_| {
        "not a minisign public key (expected an RW... line of 56 base64 characters)".to_string()
    })?;
    let bytes = key.to_bytes();
    if bytes.get(..2) != Some(b"Ed".as_slice()) {
        return Err("not a minisign Ed25519 public key (its algorithm is not \"Ed\")".into());
    }
    let id = key_id(key.keynum());
    Ok(LoadedKey { key, id })
}

/// Loads `--key`: a public key file, or an `RW...` string when no such file exists.
/// `Ok(Err(message))` when the file or string is not a usable public key; `Err` when
/// a file cannot be read.
pub fn load_public_key(arg: &str) -> Result<std::result::Result<LoadedKey, String>> {
    let path = Path::new(arg);
    match File::open(path).and_then(super::read_open) {
        Ok(text) => Ok(parse_public_key(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && arg.trim().starts_with("RW") => {
            Ok(parse_public_key(arg))
        }
        // The system's own words for a missing file, as for every other input.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::io(
            path,
            std::io::Error::new(e.kind(), format!("{e}; nor is it an RW... public key")),
        )),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The key ID a signature names, without checking anything.
pub fn signer_of(signature: &str) -> Option<String> {
    SignatureBox::from_string(signature)
        .ok()
        .map(|s| key_id(s.keynum()))
}

/// Parses a `.minisig` file, refusing legacy (not prehashed) signatures, which would
/// need the whole bundle in memory.
pub fn parse_signature(text: &str) -> std::result::Result<SignatureBox, String> {
    let sig = SignatureBox::from_string(text)
        .map_err(|e| format!("not a minisign signature file: {e}"))?;
    if !sig.is_prehashed() {
        return Err("a legacy minisign signature (not prehashed); sign again with minisign 0.8 or newer, or osbundle sign".into());
    }
    Ok(sig)
}

/// Verifies the signature `text` of the file at `path` with `key`; returns the
/// trusted comment.
pub fn verify_file(
    path: &Path,
    text: &str,
    key: &LoadedKey,
) -> std::result::Result<String, String> {
    let check = prepare(text, key)?;
    let file = File::open(path).map_err(|e| format!("cannot read the bundle: {e}"))?;
    check.verify(BufReader::with_capacity(1 << 16, file))
}

/// A prehashed minisign signature by the given key, waiting for the file's bytes.
pub struct Check {
    sig: SignatureBox,
    key: LoadedKey,
}

/// Everything of a minisign check that does not need the file: the signature parses,
/// is prehashed and names `key`.
pub fn prepare(text: &str, key: &LoadedKey) -> std::result::Result<Check, String> {
    let sig = parse_signature(text)?;
    let signed_by = key_id(sig.keynum());
    if signed_by != key.id {
        return Err(format!(
            "signed by minisign key {signed_by}, not by the given key {}",
            key.id
        ));
    }
    Ok(Check {
        sig,
        key: key.clone(),
    })
}

impl Check {
    /// Verifies the signature over the bytes `file` reads (to its end); returns the
    /// trusted comment.
    pub fn verify(&self, file: impl Read) -> std::result::Result<String, String> {
        let (key, sig) = (&self.key, &self.sig);
        minisign::verify(&key.key, sig, Unseekable(file), true, false, false)
            .map_err(|e| format!("the signature does not verify with key {}: {e}; the bundle or its trusted comment changed after signing", key.id))?;
        sig.trusted_comment()
            .map_err(|e| format!("unreadable trusted comment: {e}"))
    }
}

/// A reader handed to `minisign::verify`, which asks for `Seek` but, for prehashed
/// signatures, only reads forward.
struct Unseekable<R>(R);

impl<R: Read> Read for Unseekable<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R> Seek for Unseekable<R> {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "the bundle is read once, forward",
        ))
    }
}

/// A new key pair: (public key file text, secret key file text, key ID). The secret
/// key is encrypted with `password` unless it is `None`.
pub fn generate(password: Option<String>) -> Result<(String, String, String)> {
    let fail = |e: minisign::PError| Error::Usage(format!("cannot generate a key pair: {e}"));
    let pair = match password {
        Some(password) => minisign::KeyPair::generate_encrypted_keypair(Some(password)),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(fail)?;
    let id = key_id(pair.pk.keynum());
    let public = pair.pk.to_box().map_err(fail)?.into_string();
    let comment = if password_free(&pair.sk) {
        "minisign secret key (unencrypted)"
    } else {
        "minisign encrypted secret key"
    };
    let secret = pair.sk.to_box(Some(comment)).map_err(fail)?.into_string();
    Ok((public, secret, id))
}

fn password_free(sk: &SecretKey) -> bool {
    // An unencrypted key's bytes carry the KDF algorithm "\0\0" after the signature
    // algorithm.
    sk.to_bytes().get(2..4) == Some([0u8, 0].as_slice())
}

/// Reads a secret key file; an encrypted key takes its password from `password`.
pub fn load_secret_key(path: &Path, password: &Password) -> Result<(SecretKey, String)> {
    let text = super::read_required(path)?;
    let shown = crate::names::from_path(path);
    if parse_public_key(&text).is_ok() {
        return Err(Error::Usage(format!(
            "{shown}: this is a minisign public key; signing needs the secret key"
        )));
    }
    let first = text.lines().next().unwrap_or("");
    if !first.starts_with("untrusted comment:") {
        return Err(Error::Usage(format!(
            "{shown}: not a minisign secret key (no `untrusted comment:` line)"
        )));
    }
    let sk_box = SecretKeyBox::from_string(&text)
        .map_err(|e| Error::Usage(format!("{shown}: not a minisign secret key: {e}")))?;
    let sk = match sk_box.clone().into_unencrypted_secret_key() {
        Ok(sk) => sk,
        Err(e) if e.to_string().contains("encrypted") => {
            let pw = read_password(password, &format!("Password for {shown}: "))?;
            SecretKey::from_box(sk_box, Some(pw))
                .map_err(|e| Error::Usage(format!("{shown}: cannot decrypt the secret key: {e}")))?
        }
        Err(e) => match zero_checksum_key(&text) {
            Some(sk) => sk,
            None => {
                return Err(Error::Usage(format!(
                    "{shown}: not a usable minisign secret key: {e}"
                )))
            }
        },
    };
    let id = key_id(sk.keynum());
    Ok((sk, id))
}

/// An unencrypted key as `minisign -G -W` writes it: KDF algorithm `\0\0` and an
/// all-zero checksum, which the minisign crate takes for corruption. A damaged key
/// still fails when signing: the signature is checked with the key's public half.
fn zero_checksum_key(text: &str) -> Option<SecretKey> {
    use ct_codecs::{Base64, Decoder};
    let line = text.lines().nth(1)?.trim();
    let bytes = Base64::decode_to_vec(line, None).ok()?;
    let unencrypted = bytes.get(2..4) == Some([0u8, 0].as_slice());
    let zero_checksum = bytes.len() >= 32 && bytes[bytes.len() - 32..].iter().all(|&b| b == 0);
    if !(unencrypted && zero_checksum) {
        return None;
    }
    SecretKey::from_bytes(&bytes).ok()
}

/// A password from the environment or the terminal.
pub fn read_password(source: &Password, prompt: &str) -> Result<String> {
    match source {
        Password::Env(name) => match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(value),
            _ => Err(Error::Usage(format!(
                "--password-env {name}: the environment variable is not set or empty"
            ))),
        },
        Password::Prompt => rpassword::prompt_password(prompt).map_err(|e| {
            Error::Usage(format!(
                "cannot ask for the password on the terminal ({e}); use --password-env NAME"
            ))
        }),
    }
}

/// Signs the file at `path` with `sk`; returns the `.minisig` text.
pub fn sign_file(path: &Path, sk: &SecretKey, trusted_comment: &str) -> Result<String> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let pk = PublicKey::from_secret_key(sk).ok();
    let sig = minisign::sign(
        pk.as_ref(),
        sk,
        BufReader::with_capacity(1 << 16, file),
        Some(trusted_comment),
        Some("signature from osbundle secret key"),
    )
    .map_err(|e| {
        Error::Usage(format!(
            "{}: cannot sign: {e}",
            crate::names::from_path(path)
        ))
    })?;
    Ok(sig.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_sign_and_verify() {
        let (public, secret, id) = generate(None).unwrap();
        let key = parse_public_key(&public).unwrap();
        assert_eq!(key.id, id);
        assert!(parse_public_key(&secret)
            .unwrap_err()
            .contains("secret key"));
        let tmp = tempfile::tempdir().unwrap();
        let sk_path = tmp.path().join("k.key");
        std::fs::write(&sk_path, &secret).unwrap();
        let (sk, sk_id) = load_secret_key(&sk_path, &Password::Prompt).unwrap();
        assert_eq!(sk_id, id);
        let data = tmp.path().join("data");
        std::fs::write(&data, b"hello").unwrap();
        let sig = sign_file(&data, &sk, "file:data").unwrap();
        assert_eq!(verify_file(&data, &sig, &key).unwrap(), "file:data");
        std::fs::write(&data, b"hellO").unwrap();
        assert!(verify_file(&data, &sig, &key).is_err());
        let (other, _, _) = generate(None).unwrap();
        let other = parse_public_key(&other).unwrap();
        assert!(verify_file(&data, &sig, &other)
            .unwrap_err()
            .contains("signed by"));
    }

    #[test]
    fn wrong_kinds_of_keys_are_explained() {
        assert!(parse_public_key("ssh-ed25519 AAAA x")
            .unwrap_err()
            .contains("SSH"));
        assert!(parse_public_key("").is_err());
        assert!(parse_public_key("RWxyz").is_err());
        assert!(parse_signature("untrusted comment: x\n!!\n").is_err());
        assert!(parse_signature("").is_err());
    }
}
