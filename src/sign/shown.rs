//! What `sign` and `keygen` show, and the one text line of a signature file that
//! `verify` shows too: as text, GitHub notices and the members of the JSON envelope.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{sign_bundle, SignatureInfo, Status};
use crate::bundle::VerifySettings;
use crate::findings::Report;
use crate::names::{escape, from_path};
use crate::report::{text, Output, WriteOptions};

/// `keygen`: the key pair it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPair {
    /// The minisign key ID.
    pub key_id: String,
    /// The public key (`RW...`).
    pub public_key: String,
    /// Where the public key went.
    pub public_key_file: String,
    /// Where the secret key went.
    pub secret_key_file: String,
    /// Whether the secret key has a password.
    pub encrypted: bool,
}

impl Output for KeyPair {
    fn members(&self) -> impl Serialize + '_ {
        self
    }

    fn write_text(&self, _: &Report, _: WriteOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
        key_pair(self, out)
    }

    fn github_notice(&self) -> Option<String> {
        Some(format!(
            "key pair {} and {} (key ID {})",
            self.public_key_file, self.secret_key_file, self.key_id
        ))
    }

    // keygen checks nothing: its notice is the whole document, not a "checked 0
    // keys" summary.
    fn github_findings(&self) -> bool {
        false
    }
}

/// `sign`: what signing each bundle found, and the signature files written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signing {
    /// What verifying each bundle found (one checked subject per bundle); a bundle
    /// with errors was not signed.
    pub report: Report,
    /// The minisign key ID the bundles were signed with.
    pub key_id: String,
    /// Each signature file written, in the order of the bundles.
    pub written: Vec<SignedBundle>,
}

/// One signature file `sign` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBundle {
    /// The signature file (`<bundle>.minisig`).
    pub file: PathBuf,
    /// Its trusted comment.
    pub trusted_comment: String,
}

/// Verifies each of `bundles` with `settings`, then signs those without errors with
/// `key` (ID `key_id`) at `epoch`: `<bundle>.minisig` beside each.
pub fn sign_bundles(
    bundles: &[PathBuf],
    key: &minisign::SecretKey,
    key_id: &str,
    settings: &VerifySettings,
    epoch: u64,
) -> crate::Result<Signing> {
    let mut signing = Signing {
        key_id: key_id.to_string(),
        ..Signing::default()
    };
    for path in bundles {
        let signed = sign_bundle(path, key, settings, epoch)?;
        signing.report.merge(Report {
            findings: signed.findings,
            checked: 1,
            subjects: vec![crate::names::from_path(path)],
        });
        if let Some(file) = signed.written {
            signing.written.push(SignedBundle {
                file,
                trusted_comment: signed.trusted_comment,
            });
        }
    }
    Ok(signing)
}

/// A signed bundle in JSON, as `verify` shows a bundle with a good signature.
#[derive(Serialize)]
struct SignedJson {
    path: String,
    layout: &'static str,
    complete: bool,
    signatures: [SignatureInfo; 1],
}

#[derive(Serialize)]
struct SigningMembers {
    bundles: Vec<SignedJson>,
}

fn bundle_of(file: &Path) -> String {
    let file = from_path(file);
    file.strip_suffix(".minisig").unwrap_or(&file).to_string()
}

impl Output for Signing {
    fn members(&self) -> impl Serialize + '_ {
        let bundles = self
            .written
            .iter()
            .map(|signed| SignedJson {
                path: bundle_of(&signed.file),
                layout: "osbundle",
                complete: true,
                signatures: [SignatureInfo {
                    file: from_path(&signed.file),
                    scheme: "minisign",
                    status: Status::Good,
                    signer: Some(format!("minisign key {}", self.key_id)),
                    trusted_comment: Some(signed.trusted_comment.clone()),
                }],
            })
            .collect();
        SigningMembers { bundles }
    }

    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if !options.quiet {
            for signed in &self.written {
                writeln!(
                    out,
                    "{}: signed with minisign key {}; trusted comment: {}",
                    escape(&from_path(&signed.file)),
                    self.key_id,
                    escape(&signed.trusted_comment)
                )?;
            }
        }
        text::write(report, options, out)
    }

    fn checks_files(&self) -> bool {
        true
    }
}

/// `keygen`: the key ID and where the two keys went.
fn key_pair(key: &KeyPair, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "key ID      {}", key.key_id)?;
    writeln!(
        out,
        "public key  {} ({})",
        escape(&key.public_key_file),
        key.public_key
    )?;
    writeln!(
        out,
        "secret key  {} (mode 0600{})",
        escape(&key.secret_key_file),
        if key.encrypted { "" } else { ", unencrypted" }
    )
}

/// One text line for a signature file: status, scheme, signer, trusted comment.
pub(crate) fn signature_line(s: &SignatureInfo) -> String {
    let status = match s.status {
        Status::Good => "good",
        Status::Bad => "BAD",
        Status::Unchecked => "not checked (no key given)",
    };
    let mut line = format!("{}: {status} {} signature", escape(&s.file), s.scheme);
    if let Some(signer) = &s.signer {
        line.push_str(&format!(" by {}", escape(signer)));
    }
    if let Some(comment) = &s.trusted_comment {
        line.push_str(&format!("; trusted comment: {}", escape(comment)));
    }
    line
}
