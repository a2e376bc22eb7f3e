//! One output contract for every subcommand: a [`Payload`] (what the subcommand
//! reports besides its findings) and the [`Report`] are written as one document in
//! the chosen format, from typed values.
//!
//! - text: the payload's view (see [`super::views`]), the findings, the summary;
//! - JSON: one envelope `{"version": 1, "rulesInForce": ..., <payload members>,
//!   "findings": [...], "summary": {...}}`, camelCase keys (`rulesInForce` where the
//!   run judged files against rules);
//! - SARIF: the findings (a payload has no place in SARIF), the rules in force as a
//!   property of the run;
//! - GitHub: the findings as workflow commands, then the summary line;
//! - JUnit and GitLab: the findings (and, for JUnit, what was checked).
//!
//! A fatal error (exit 2) is part of the document too ([`write_error`]).

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{github, gitlab, junit, sarif, text, views, Format, Report, Summary, WriteOptions};
use crate::api::delete::ims::ImsPlan;
use crate::api::delete::lxca::LxcaPlan;
use crate::api::delete::{Status, IMS_STATUS, LXCA_STATUS};
use crate::api::reply::Reply;
use crate::bundle::{Built, DownloadChecksum, EntryInfo, Verified};
use crate::diff::Diff;
use crate::findings::{Finding, Rule};
use crate::rules::RuleSet;
use crate::schemas::SchemaName;

/// What a subcommand reports besides its findings.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Findings only (`check`).
    Findings,
    /// `verify`: each bundle with the layout that judged it.
    Verified(&'a [VerifiedBundle]),
    /// `build`: the bundle, when one was written.
    Built {
        /// The bundle, when one was written.
        built: Option<&'a Built>,
        /// `Some(n)`: written despite `n` errors, under `--force`.
        forced: Option<usize>,
    },
    /// `inspect`: the bundle as shown, and what reading it gave.
    Inspected {
        /// The bundle as given.
        bundle: &'a str,
        /// Metadata, entries and layout.
        verified: &'a Verified,
    },
    /// `extract`: where the bundle went, when it verified.
    Extracted {
        /// The folder it was extracted to.
        target: Option<&'a Path>,
        /// `SOURCE_DATE_EPOCH` that rebuilds the same bundle from that folder.
        rebuild_epoch: Option<u64>,
        /// The bundle as given.
        bundle: &'a str,
        /// The checksum of the bundle file that was checked.
        download_checksum: &'a DownloadChecksum,
        /// `Some(n)`: extracted despite `n` errors, under `--force`.
        forced: Option<usize>,
    },
    /// `rules`: the rules in force.
    Rules {
        /// The rules.
        rules: &'a RuleSet,
        /// Where they come from (a path, or the embedded rules).
        source: &'a str,
        /// Whether they are the embedded defaults.
        embedded: bool,
    },
    /// `config macros`: the custom macros of a configuration-settings file.
    Macros(&'a [String]),
    /// `schema`: one embedded schema.
    Schema(SchemaName),
    /// `delete-plan --inventory`.
    LxcaPlan(&'a LxcaPlan),
    /// `delete-plan --ims`.
    ImsPlan(&'a ImsPlan),
    /// `reply`.
    Reply(&'a Reply),
    /// `diff`: what changed, when both sides could be read without errors.
    Diff(Option<&'a Diff>),
    /// `config show`: the project configuration in force.
    ConfigShown(&'a ConfigShown),
    /// `keygen`: the key pair written.
    KeyPair(&'a KeyPair),
    /// `macros`: the macros in force, each with where it comes from.
    MacroSources(&'a [crate::macro_sources::MacroSource]),
    /// `explain`: rules, one line each or (`detailed`) with explanation and examples.
    Explain {
        /// The rules shown.
        rules: &'a [Rule],
        /// With explanation, examples and how to change them.
        detailed: bool,
    },
}

/// `config show`: the configuration file in force and each setting with its source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigShown {
    /// The configuration file, when one is in force.
    pub config_file: Option<ConfigFileShown>,
    /// Each setting in force.
    pub settings: Vec<SettingShown>,
}

/// The configuration file of `config show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFileShown {
    /// Its path.
    pub path: String,
    /// How it was found (`--config`, `OSBUNDLE_CONFIG`, `search`).
    pub origin: &'static str,
}

/// One setting of `config show` and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingShown {
    /// The key (`rules`, `severity.<rule>`, ...).
    pub key: String,
    /// The value, when set.
    pub value: Option<String>,
    /// Where the value comes from (`--rules`, `osbundle.toml:3`, `default`, `not set`).
    pub source: String,
}

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

/// One bundle `verify` read, for its JSON document.
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
    pub signatures: Vec<crate::sign::SignatureInfo>,
    /// The checksum of the bundle file that was checked (`verify`).
    #[serde(rename = "downloadChecksum", skip_serializing_if = "Option::is_none")]
    pub download_checksum: Option<DownloadChecksum>,
}

/// `build`'s bundle in JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuiltJson {
    path: String,
    sha256: String,
    size: u64,
    files: usize,
    sha256_file: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    removed: Vec<String>,
}

/// The payload members of the JSON envelope.
#[derive(Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
enum Members<'a> {
    None {},
    Verified {
        bundles: &'a [VerifiedBundle],
    },
    Built {
        bundle: Option<BuiltJson>,
        #[serde(skip_serializing_if = "Option::is_none")]
        despite_errors: Option<usize>,
    },
    Inspected {
        layout: &'static str,
        bundle: &'a str,
        metadata: Option<&'a Value>,
        entries: &'a [EntryInfo],
        download_checksum: &'a DownloadChecksum,
    },
    Extracted {
        extracted_to: Option<String>,
        download_checksum: &'a DownloadChecksum,
        #[serde(skip_serializing_if = "Option::is_none")]
        despite_errors: Option<usize>,
    },
    Rules {
        rules: Value,
    },
    Macros {
        macros: &'a [String],
    },
    Schema {
        schema: Value,
    },
    Delete {
        server: &'static str,
        request: Request<'a>,
        responses: &'a [Status],
    },
    Reply {
        reply: &'a Reply,
    },
    Diff {
        diff: Option<&'a Diff>,
    },
    Config(&'a ConfigShown),
    KeyPair(&'a KeyPair),
    Explain {
        rules: Vec<super::explain::RuleShown>,
    },
    MacroSources {
        macros: &'a [crate::macro_sources::MacroSource],
    },
}

/// A delete plan's request.
#[derive(Serialize)]
#[serde(untagged)]
enum Request<'a> {
    Lxca(&'a LxcaPlan),
    Ims(&'a ImsPlan),
}

#[derive(Serialize)]
struct Envelope<'a> {
    version: u32,
    #[serde(rename = "rulesInForce", skip_serializing_if = "Option::is_none")]
    rules_in_force: Option<&'a str>,
    #[serde(flatten)]
    members: Members<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    findings: &'a [Finding],
    summary: Summary,
}

fn members<'a>(payload: &Payload<'a>) -> Members<'a> {
    let path = |p: &Path| crate::names::from_path(p);
    match *payload {
        Payload::Findings => Members::None {},
        Payload::Verified(bundles) => Members::Verified { bundles },
        Payload::Built { built, forced } => Members::Built {
            bundle: built.map(|b| BuiltJson {
                path: path(&b.path),
                sha256: b.sha256.clone(),
                size: b.size,
                files: b.files,
                sha256_file: b.sha256_path.as_deref().map(path),
                removed: b.removed.iter().map(|p| path(p)).collect(),
            }),
            despite_errors: forced.filter(|_| built.is_some()),
        },
        Payload::Inspected { bundle, verified } => Members::Inspected {
            layout: verified.layout,
            bundle,
            metadata: verified.metadata.as_ref(),
            entries: &verified.entries,
            download_checksum: &verified.download_checksum,
        },
        Payload::Extracted {
            target,
            download_checksum,
            forced,
            ..
        } => Members::Extracted {
            extracted_to: target.map(path),
            download_checksum,
            despite_errors: forced.filter(|_| target.is_some()),
        },
        Payload::Rules { rules, .. } => Members::Rules {
            rules: views::rules_json(rules),
        },
        Payload::Macros(macros) => Members::Macros { macros },
        Payload::Schema(name) => Members::Schema {
            schema: serde_json::from_str(name.text()).unwrap_or(Value::Null),
        },
        Payload::LxcaPlan(plan) => Members::Delete {
            server: "lxca",
            request: Request::Lxca(plan),
            responses: &LXCA_STATUS,
        },
        Payload::ImsPlan(plan) => Members::Delete {
            server: "ims",
            request: Request::Ims(plan),
            responses: &IMS_STATUS,
        },
        Payload::Reply(reply) => Members::Reply { reply },
        Payload::Diff(diff) => Members::Diff { diff },
        Payload::ConfigShown(shown) => Members::Config(shown),
        Payload::KeyPair(key) => Members::KeyPair(key),
        Payload::MacroSources(macros) => Members::MacroSources { macros },
        Payload::Explain { rules, detailed } => Members::Explain {
            rules: super::explain::shown(rules, detailed),
        },
    }
}

/// Why a subcommand cannot write its payload in a format: `schema` prints a JSON
/// Schema, which is no finding for SARIF or workflow commands.
pub fn refuses(payload: &Payload<'_>, format: Format) -> Option<String> {
    match (payload, format) {
        (Payload::Schema(_), f) if !matches!(f, Format::Text | Format::Json) => Some(format!(
            "`schema` prints a JSON Schema: use --format text or json, not {}",
            format.name()
        )),
        (Payload::ConfigShown(_), f) if !matches!(f, Format::Text | Format::Json) => Some(format!(
            "config show: --format {} is not available (text or json)",
            format.name()
        )),
        (Payload::Explain { .. }, f) if !matches!(f, Format::Text | Format::Json) => Some(format!(
            "explain prints documentation: --format {} is not available (text or json)",
            format.name()
        )),
        _ => None,
    }
}

/// Writes `report` and `payload` as one document in the format of `options`.
/// Call [`refuses`] first: a refused format writes nothing here.
pub fn write_document(
    report: &Report,
    payload: &Payload<'_>,
    options: WriteOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    if refuses(payload, options.format).is_some() {
        return Ok(());
    }
    match options.format {
        Format::Text => write_text(report, payload, options, out),
        Format::Json => write_json(report, payload, None, options.rules, out),
        Format::Sarif => sarif::write(report, None, options.rules, out),
        Format::Github => {
            // keygen checks nothing: its notice is the whole document, not a
            // "checked 0 keys" summary.
            if !matches!(payload, Payload::KeyPair(_)) {
                github::write(report, options, out)?;
            }
            github_notice(payload, out)
        }
        Format::Junit => junit::write(report, options, None, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}

/// `6 errors (--force)`.
fn errors_forced(errors: usize) -> String {
    let noun = if errors == 1 { "error" } else { "errors" };
    format!("{errors} {noun} (--force)")
}

/// ` despite 6 errors (--force)`, or nothing.
fn despite(forced: Option<usize>) -> String {
    forced
        .map(|errors| format!(" despite {}", errors_forced(errors)))
        .unwrap_or_default()
}

/// What `build` and `extract` did, as a `::notice::` command.
fn github_notice(payload: &Payload<'_>, out: &mut dyn Write) -> io::Result<()> {
    let notice = match *payload {
        Payload::Built {
            built: Some(b),
            forced,
        } => format!(
            "built {} ({} bytes, {} files, SHA-256 {}){}",
            crate::names::from_path(&b.path),
            b.size,
            b.files,
            b.sha256,
            despite(forced)
        ),
        Payload::Extracted {
            target: Some(target),
            forced,
            ..
        } => format!(
            "extracted to {}{}",
            crate::names::from_path(target),
            despite(forced)
        ),
        Payload::KeyPair(key) => format!(
            "key pair {} and {} (key ID {})",
            key.public_key_file, key.secret_key_file, key.key_id
        ),
        _ => return Ok(()),
    };
    writeln!(out, "::notice::{}", github::escape_data(&notice))
}

fn write_json(
    report: &Report,
    payload: &Payload<'_>,
    error: Option<&str>,
    rules: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let envelope = Envelope {
        version: 1,
        rules_in_force: rules,
        members: members(payload),
        error,
        findings: &report.findings,
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &envelope)?;
    writeln!(out)
}

fn write_text(
    report: &Report,
    payload: &Payload<'_>,
    options: WriteOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let findings = |out: &mut dyn Write| text::write(report, options, out);
    // Findings, then what was checked of each bundle file, then the summary line.
    let with_status = |lines: Vec<String>, out: &mut dyn Write| {
        text::write_findings(report, options, out)?;
        if options.quiet {
            return Ok(());
        }
        for line in lines {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "{}", super::summary_line(report, options))
    };
    match *payload {
        Payload::Findings => findings(out),
        Payload::Verified(bundles) => {
            let mut lines = Vec::new();
            for b in bundles {
                // An absent checksum is a finding already: said once.
                if let Some(c) = b.download_checksum.as_ref().filter(|c| !c.absent()) {
                    lines.push(crate::names::escape(&c.line(&b.path)).into_owned());
                }
                lines.extend(b.signatures.iter().map(views::signature_line));
            }
            with_status(lines, out)
        }
        Payload::Built { built: None, .. } => findings(out),
        Payload::Built {
            built: Some(built),
            forced,
        } => {
            // A clean build prints only what it built.
            if !report.findings.is_empty() {
                findings(out)?;
            }
            if let Some(errors) = forced {
                writeln!(out, "built despite {}", errors_forced(errors))?;
            }
            views::built(built, out)
        }
        Payload::Inspected { bundle, verified } => {
            views::inspected(bundle, verified, out)?;
            let line = verified.download_checksum.line(bundle);
            writeln!(out, "{}", crate::names::escape(&line))?;
            if !report.findings.is_empty() {
                writeln!(out)?;
                findings(out)?;
            }
            Ok(())
        }
        Payload::Extracted {
            target,
            rebuild_epoch,
            bundle,
            download_checksum,
            forced,
        } => {
            // An absent checksum is a finding already: said once.
            let lines = (!download_checksum.absent())
                .then(|| crate::names::escape(&download_checksum.line(bundle)).into_owned());
            with_status(lines.into_iter().collect(), out)?;
            let Some(target) = target.filter(|_| !options.quiet) else {
                return Ok(());
            };
            let shown = crate::names::escape(&crate::names::from_path(target)).into_owned();
            if let Some(errors) = forced {
                writeln!(out, "extracted despite {}", errors_forced(errors))?;
            }
            writeln!(out, "extracted to {shown}")?;
            match rebuild_epoch {
                Some(epoch) => writeln!(
                    out,
                    "rebuild: SOURCE_DATE_EPOCH={epoch} osbundle build {shown}"
                ),
                None => Ok(()),
            }
        }
        Payload::Rules {
            rules,
            source,
            embedded,
        } => {
            views::rules_table(rules, source, embedded, out)?;
            // Notes about the rules file, after the table (`-q`: none).
            if !report.findings.is_empty() && !options.quiet {
                writeln!(out)?;
                text::write_findings(report, options, out)?;
            }
            Ok(())
        }
        Payload::Macros(macros) => {
            for m in macros {
                writeln!(out, "#{m}#")?;
            }
            Ok(())
        }
        Payload::Schema(name) => out.write_all(name.text().as_bytes()),
        Payload::LxcaPlan(plan) => {
            views::lxca_plan(plan, out)?;
            findings(out)
        }
        Payload::ImsPlan(plan) => {
            views::ims_plan(plan, out)?;
            findings(out)
        }
        Payload::Reply(reply) => {
            views::reply(reply, out)?;
            findings(out)
        }
        Payload::Diff(None) => findings(out),
        Payload::Diff(Some(diff)) => {
            crate::diff::write_text(diff, out)?;
            if !options.quiet {
                match diff.same {
                    true => writeln!(out, "no differences")?,
                    false => writeln!(out, "{}", super::plural(diff.count(), "difference"))?,
                }
            }
            findings(out)
        }
        Payload::ConfigShown(shown) => views::config_shown(shown, out),
        Payload::KeyPair(key) => views::key_pair(key, out),
        Payload::Explain { rules, detailed } => super::explain::write(rules, detailed, out),
        Payload::MacroSources(macros) => {
            views::macro_sources(macros, out)?;
            findings(out)
        }
    }
}

/// Writes a fatal error (the tool could not do its job, exit 2) as the document of
/// `format`: JSON `"error"`, SARIF `toolExecutionNotifications`, a GitHub `::error::`
/// command. Text output has nothing on stdout (the message goes to stderr).
pub fn write_error(format: Format, message: &str, out: &mut dyn Write) -> io::Result<()> {
    let empty = Report::default();
    match format {
        Format::Text => Ok(()),
        Format::Json => write_json(&empty, &Payload::Findings, Some(message), None, out),
        Format::Sarif => sarif::write(&empty, Some(message), None, out),
        Format::Github => writeln!(out, "::error::{}", github::escape_data(message)),
        Format::Junit => junit::write(
            &empty,
            WriteOptions::new(format, "file"),
            Some(message),
            out,
        ),
        Format::Gitlab => gitlab::write(&empty, out),
    }
}
