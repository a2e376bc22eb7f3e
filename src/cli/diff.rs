//! `osbundle diff A B`

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{with_stdout, Outcome, RunSettings};
use osbundle::diff::{self, DiffShown};
use osbundle::report::{write_document, Report};
use osbundle::{Error, Result, Severity};

/// Arguments of `diff`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit codes: 0 the same, 1 different, 2 trouble (an input unreadable or \
damaged so that it cannot be compared).\n\nExamples:\n  \
osbundle diff old/2016121921921_Custom.tar.gz new/2017010112345_Custom.tar.gz\n  \
osbundle diff profiles/win2016-datacenter dl/2016121921921_Custom.tar.gz\n  \
osbundle diff profiles/win2016-datacenter export.tgz   # a tar czf of it\n  \
osbundle diff --format json a.tar.gz b.tar.gz"
)]
pub struct DiffArgs {
    /// The old side: a bundle or a profile directory (`-` reads a bundle from stdin).
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// The new side: a bundle or a profile directory.
    #[arg(value_name = "B")]
    pub b: PathBuf,
    /// Limits of the bundle reader.
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

/// Runs `diff`.
pub fn run(global: &RunSettings, args: DiffArgs) -> Result<Outcome> {
    if args.a.as_os_str() == "-" && args.b.as_os_str() == "-" {
        return Err(Error::Usage("only one side can be standard input".into()));
    }
    let (settings, _) = settings(global, &args.limits)?;
    let (a, b) = rayon::join(
        || diff::read(&args.a, &settings),
        || diff::read(&args.b, &settings),
    );
    let (a, b) = (a?, b?);
    let mut report = Report {
        findings: a.findings.clone(),
        checked: 2,
        subjects: vec![
            osbundle::names::from_path(&args.a),
            osbundle::names::from_path(&args.b),
        ],
    };
    report.merge(Report {
        findings: b.findings.clone(),
        checked: 0,
        subjects: Vec::new(),
    });
    let result = diff::compare(&a, &b);
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    // A damaged input cannot be compared: show why, not a misleading difference.
    let options = global.write_options("input");
    let shown = DiffShown((errors == 0).then_some(&result));
    with_stdout(|out| write_document(&report, &shown, options, out))?;
    if errors > 0 {
        return Err(Error::Usage(format!(
            "cannot compare reliably: {} reading the inputs",
            osbundle::report::plural(errors, "error")
        )));
    }
    Ok(if result.same {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

impl super::Run for DiffArgs {
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
