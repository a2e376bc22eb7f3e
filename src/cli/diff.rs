//! `osbundle diff A B`

use std::path::PathBuf;

use clap::Args;

use super::verify::{settings, LimitArgs};
use super::{with_stdout, GlobalArgs, Outcome};
use osbundle::{
    diff_sides, read_diff_side, write_diff, write_report, Diff, Error, Format, Report, Result,
    Severity,
};

/// Arguments of `diff`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit codes: 0 the same, 1 different, 2 trouble (an input unreadable or \
damaged so that it cannot be compared).\n\nExamples:\n  \
osbundle diff old/2016121921921_Custom.tar.gz new/2017010112345_Custom.tar.gz\n  \
osbundle diff profiles/win2016-datacenter dl/2016121921921_Custom.tar.gz\n  \
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
pub fn run(global: &GlobalArgs, args: DiffArgs) -> Result<Outcome> {
    if args.a.as_os_str() == "-" && args.b.as_os_str() == "-" {
        return Err(Error::Usage("only one side can be standard input".into()));
    }
    let (settings, _) = settings(global, &args.limits)?;
    let (a, b) = rayon::join(
        || read_diff_side(&args.a, &settings),
        || read_diff_side(&args.b, &settings),
    );
    let (a, b) = (a?, b?);
    let mut report = Report {
        findings: a.findings.clone(),
        checked: 2,
    };
    report.merge(Report {
        findings: b.findings.clone(),
        checked: 0,
    });
    let result = diff_sides(&a, &b);
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    // A damaged input cannot be compared: show why, not a misleading difference.
    write(global, (errors == 0).then_some(&result), &report)?;
    if errors > 0 {
        return Err(Error::Usage(format!(
            "cannot compare reliably: {} reading the inputs",
            plural(errors, "error")
        )));
    }
    Ok(if result.same {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

fn write(global: &GlobalArgs, diff: Option<&Diff>, report: &Report) -> Result<()> {
    let options = global.write_options("input");
    with_stdout(|out| match global.format() {
        Format::Json => {
            let mut doc = Vec::new();
            write_report(report, options, &mut doc)?;
            let mut value: serde_json::Value = serde_json::from_slice(&doc)?;
            value["diff"] = serde_json::to_value(diff)?;
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        }
        Format::Text => {
            let Some(diff) = diff else {
                return write_report(report, options, out);
            };
            if !diff.same {
                write_diff(diff, out)?;
            }
            if !global.quiet {
                writeln!(
                    out,
                    "{}",
                    if diff.same {
                        "no differences".to_string()
                    } else {
                        plural(diff.count(), "difference")
                    }
                )?;
            }
            write_report(report, options, out)
        }
        _ => write_report(report, options, out),
    })
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
