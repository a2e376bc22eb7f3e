//! `osbundle extract BUNDLE -C DIR`

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{emit, with_stdout, GlobalArgs, Outcome};
use osbundle::{extract, Format, Report, Result};

/// Arguments of `extract`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "The bundle X.tar.gz is extracted to DIR/X/, which must not exist. \
Nothing is written unless the whole bundle verifies."
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
    let extracted = extract(&args.bundle, &args.dir, &settings)?;
    report.merge(Report {
        findings: extracted.verified.findings,
        checked: 1,
    });
    let outcome = emit(global, &report, "bundle")?;
    if let Some(target) = extracted.target {
        if global.format() == Format::Text && !global.quiet {
            with_stdout(|out| writeln!(out, "extracted to {}", target.display()))?;
        }
    } else if !global.quiet {
        eprintln!("osbundle: nothing extracted: the bundle did not verify");
    }
    Ok(outcome)
}
