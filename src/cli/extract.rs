//! `osbundle extract BUNDLE -C DIR`

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{emit_document, GlobalArgs, Outcome};
use osbundle::{extract, Payload, Report, Result};

/// Arguments of `extract`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "The bundle X.tar.gz is extracted to DIR/X/, which must not exist. \
Nothing is written unless the whole bundle verifies. DIR/X/ is a profile directory: \
profile.json is rebuilt from metadata.json, so `osbundle check DIR/X` passes and \
`SOURCE_DATE_EPOCH=<the bundle's time> osbundle build DIR/X` gives the same bundle."
)]
pub struct ExtractArgs {
    /// The bundle; `-` reads standard input.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// The directory to extract into (it must exist).
    #[arg(
        short = 'C',
        long = "directory",
        value_name = "DIR",
        default_value = "."
    )]
    pub dir: PathBuf,
    /// Limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
    /// Worker threads.
    #[command(flatten)]
    pub jobs: super::JobsArg,
}

/// Runs `extract`.
pub fn run(global: &GlobalArgs, args: ExtractArgs) -> Result<Outcome> {
    let (settings, mut report) = settings(global, &args.limits)?;
    osbundle::install_signal_handlers()
        .map_err(|e| osbundle::Error::Usage(format!("cannot handle signals: {e}")))?;
    for note in osbundle::sweep_temporaries(&args.dir) {
        super::say("note", &note);
    }
    let extracted = extract(&args.bundle, &args.dir, &settings)?;
    report.merge(Report {
        findings: extracted.verified.findings.clone(),
        checked: 1,
    });
    let target = extracted.target.as_deref();
    let rebuild_epoch = extracted
        .verified
        .metadata
        .as_ref()
        .and_then(|m| m.get("created"))
        .and_then(serde_json::Value::as_str)
        .and_then(osbundle::parse_rfc3339);
    let shown = osbundle::shown_path(&args.bundle);
    let payload = Payload::Extracted {
        target,
        rebuild_epoch,
        bundle: &shown,
        download_checksum: &extracted.verified.download_checksum,
    };
    let outcome = emit_document(global, &report, payload, "bundle")?;
    if target.is_none() && !global.quiet {
        eprintln!("osbundle: nothing extracted: the bundle did not verify");
    }
    Ok(outcome)
}
