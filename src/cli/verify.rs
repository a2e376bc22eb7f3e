//! `osbundle verify BUNDLE...`

use std::path::PathBuf;

use clap::Args;

use super::{emit_document, load_rules_in_force, GlobalArgs, Outcome};
use osbundle::{
    parse_size, verify_paths, Limits, Payload, Report, Result, VerifiedBundle, VerifySettings,
};

/// Limits of every bundle reader (verify, inspect, extract).
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Most entries in a bundle.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_entries, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_entries: u64,
    /// Largest entry (K, M, G, T suffixes).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "16G")]
    pub max_entry_size: u64,
    /// Largest sum of entry sizes.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64G")]
    pub max_total_size: u64,
    /// Largest ratio of inflated to compressed size (judged past 16 MiB).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_ratio, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_ratio: u64,
}

impl LimitArgs {
    /// The limits these options give.
    pub fn limits(&self) -> Limits {
        Limits {
            max_entries: self.max_entries,
            max_entry_size: self.max_entry_size,
            max_total_size: self.max_total_size,
            max_ratio: self.max_ratio,
        }
    }
}

/// Arguments of `verify`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle verify dl/2016121921921_Custom-2016-datacenter-profile.tar.gz\n  \
osbundle verify --format json dl/*.tar.gz\n  \
curl ... | osbundle verify -")]
pub struct VerifyArgs {
    /// Bundles (`.tar.gz`); `-` reads standard input. A `<bundle>.sha256` beside a
    /// bundle is checked too.
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
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

/// Builds the settings shared by verify, inspect and extract, with the rules'
/// own findings.
pub fn settings(global: &GlobalArgs, limits: &LimitArgs) -> Result<(VerifySettings, Report)> {
    let loaded = load_rules_in_force(global)?;
    let report = Report {
        findings: loaded.findings,
        checked: 0,
    };
    Ok((
        VerifySettings {
            rules: loaded.rules,
            limits: limits.limits(),
            progress: !global.quiet,
        },
        report,
    ))
}

/// Runs `verify`: every bundle in parallel, findings in path order.
pub fn run(global: &GlobalArgs, args: VerifyArgs) -> Result<Outcome> {
    let (settings, mut report) = settings(global, &args.limits)?;
    let mut bundles = Vec::with_capacity(args.bundles.len());
    for (path, verified) in
        args.bundles
            .iter()
            .zip(verify_paths(&args.bundles, &settings, !global.quiet)?)
    {
        bundles.push(VerifiedBundle {
            path: path.display().to_string(),
            layout: verified.layout,
            complete: verified.complete,
        });
        report.merge(Report {
            findings: verified.findings,
            checked: 1,
        });
    }
    emit_document(global, &report, Payload::Verified(&bundles), "bundle")
}
