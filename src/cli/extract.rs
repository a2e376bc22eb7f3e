//! `osbundle extract BUNDLE -C DIR`

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{emit_document, Outcome, RunSettings};
use osbundle::bundle::{self, ExtractShown};
use osbundle::report::Report;
use osbundle::Result;

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
    /// Extract even when the files break the rules (an `.exe` in scripts/, an unknown
    /// macro), to look at them; never when the bundle is damaged, unsafe or past a
    /// limit.
    #[arg(long)]
    pub force: bool,
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
pub fn run(global: &RunSettings, args: ExtractArgs) -> Result<Outcome> {
    let (settings, mut report) = settings(global, &args.limits)?;
    osbundle::cleanup::install_signal_handlers()
        .map_err(|e| osbundle::Error::Usage(format!("cannot handle signals: {e}")))?;
    for note in osbundle::cleanup::sweep(&args.dir) {
        super::say("note", &note);
    }
    let extracted = bundle::extract(&args.bundle, &args.dir, &settings, args.force)?;
    report.merge(Report {
        findings: extracted.verified.findings.clone(),
        checked: 1,
        subjects: vec![osbundle::names::from_path(&args.bundle)],
    });
    // As emit_document applies them: `[[ignore]]`, then `[severity]`.
    let cwd = std::env::current_dir().unwrap_or_default();
    global.project.apply(&mut report, &cwd, false);
    let errors = report.summary().errors;
    let forced = (args.force && errors > 0).then_some(errors);
    let target = extracted.target.as_deref();
    let rebuild_epoch = extracted
        .verified
        .metadata
        .as_ref()
        .and_then(|m| m.get("created"))
        .and_then(serde_json::Value::as_str)
        .and_then(bundle::parse_rfc3339);
    let shown = osbundle::names::from_path(&args.bundle);
    let shown_extract = ExtractShown {
        target,
        rebuild_epoch,
        bundle: &shown,
        download_checksum: &extracted.verified.download_checksum,
        forced,
    };
    let outcome = emit_document(global, &report, &shown_extract, "bundle")?;
    if target.is_none() && !global.quiet {
        let blocking = super::unforceable(&report);
        let why = if !blocking.is_empty() && args.force {
            format!(
                "the bundle did not verify, and --force does not extract past {}",
                blocking.join(", ")
            )
        } else if !blocking.is_empty() {
            format!(
                "the bundle did not verify ({} cannot be forced)",
                blocking.join(", ")
            )
        } else if !extracted.verified.complete {
            "the bundle could not be read to its end".to_string()
        } else {
            "the bundle did not verify; pass --force to extract it despite its rule findings"
                .to_string()
        };
        eprintln!("osbundle: nothing extracted: {why}");
    }
    Ok(outcome)
}

impl super::Run for ExtractArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default()
            .report(&self.report)
            .rules(&self.rules_file)
            .jobs(&self.jobs)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
