//! `osbundle inspect BUNDLE`

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{emit_document, Outcome, RunSettings};
use osbundle::bundle::{self, InspectShown};
use osbundle::report::Report;
use osbundle::Result;

/// Arguments of `inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// The bundle; `-` reads standard input.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// Limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
}

/// Runs `inspect`: metadata and listing, then any findings (exit 1 on errors).
pub fn run(global: &RunSettings, args: InspectArgs) -> Result<Outcome> {
    let (settings, mut report) = settings(global, &args.limits)?;
    let mut verified = bundle::inspect(&args.bundle, &settings)?;
    report.merge(Report {
        findings: std::mem::take(&mut verified.findings),
        checked: 1,
        subjects: vec![osbundle::names::from_path(&args.bundle)],
    });
    // As emit_document applies them: `[[ignore]]`, then `[severity]`.
    let cwd = std::env::current_dir().unwrap_or_default();
    global.project.apply(&mut report, &cwd, false);
    let shown = osbundle::names::from_path(&args.bundle);
    let inspected = InspectShown {
        bundle: &shown,
        verified: &verified,
    };
    emit_document(global, &report, &inspected, "bundle")
}

impl super::Run for InspectArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default()
            .report(&self.report)
            .rules(&self.rules_file)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
