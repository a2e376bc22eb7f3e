//! `osbundle verify BUNDLE...`

use std::path::PathBuf;

use clap::Args;

use super::{emit_document, load_rules_in_force, Outcome, RunSettings};
use osbundle::api::delete::Inventory;
use osbundle::bundle::{parse_size, Limits, VerifySettings};
use osbundle::report::Report;
use osbundle::sign::load_trust;
use osbundle::verification::{verify_bundles, VerifyChecks};
use osbundle::{Error, Result};

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
    /// Foreign archives: the OS their files are for (osbundle bundles carry theirs).
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,
    /// Foreign archives: the OS release.
    #[arg(long, requires = "os")]
    pub release: Option<String>,
    /// Foreign archives: the hardware platform (IMM2, thinkserver, IMM3v1, ...).
    #[arg(long, requires = "release")]
    pub platform: Option<String>,
    /// The SHA-256 the bundle file must have (64 hex digits), as published beside a
    /// download.
    #[arg(long, value_name = "HEX", value_parser = parse_sha256)]
    pub expect_sha256: Option<[u8; 32]>,
}

fn parse_sha256(text: &str) -> std::result::Result<[u8; 32], String> {
    osbundle::bundle::parse_digest(text.trim())
        .ok_or_else(|| format!("\"{text}\" is not a SHA-256 digest (64 hex digits)"))
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
osbundle verify --key osbundle.pub dl/*.tar.gz               with <bundle>.minisig\n  \
osbundle verify --allowed-signers allowed_signers --identity ops@example.com dl/x.tar.gz\n  \
osbundle verify --repository osimages.json dl/x.tar.gz      file IDs and OS image in the repository\n  \
curl ... | osbundle verify -")]
pub struct VerifyArgs {
    /// Bundles (`.tar.gz`); `-` reads standard input. A `<bundle>.sha256` beside a
    /// bundle is checked too.
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
    /// Limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Signatures and repository snapshot.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
    /// Worker threads.
    #[command(flatten)]
    pub jobs: super::JobsArg,
    /// How deep payloads are read.
    #[command(flatten)]
    pub deep: super::DeepArg,
}

/// Signature keys and the repository snapshot of `verify`.
#[derive(Debug, Clone, Args)]
pub struct TrustArgs {
    /// Check <bundle>.minisig with this minisign public key (a .pub file or the RW... string).
    #[arg(long, value_name = "PUBLIC_KEY")]
    pub key: Option<String>,
    /// Check <bundle>.sig (ssh-keygen -Y sign -n file) against this allowed-signers file.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// The principal that must have signed (as ssh-keygen -Y verify -I).
    #[arg(long, value_name = "ID", requires = "allowed_signers")]
    pub identity: Option<String>,
    /// A saved GET /osImages response: the IDs the bundles name and their OS image
    /// must be in it.
    #[arg(long, value_name = "FILE")]
    pub repository: Option<PathBuf>,
}

/// Builds the settings shared by verify, inspect and extract, with the rules'
/// own findings.
pub fn settings(global: &RunSettings, limits: &LimitArgs) -> Result<(VerifySettings, Report)> {
    let loaded = load_rules_in_force(global)?;
    let report = Report {
        findings: loaded.findings,
        checked: 0,
        subjects: Vec::new(),
    };
    Ok((
        VerifySettings {
            rules: loaded.rules,
            limits: limits.limits(),
            os: limits.os.clone(),
            release: limits.release.clone(),
            platforms: limits.platform.iter().cloned().collect(),
            expect_sha256: limits.expect_sha256,
            progress: !global.quiet,
            deep: false,
        },
        report,
    ))
}

/// Runs `verify`: every bundle in parallel, findings in path order.
pub fn run(global: &RunSettings, args: VerifyArgs) -> Result<Outcome> {
    let (mut settings, mut report) = settings(global, &args.limits)?;
    settings.deep = args.deep.deep;
    let checking = args.trust.key.is_some() || args.trust.allowed_signers.is_some();
    if checking && args.bundles.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Usage(
            "signatures are checked beside a bundle file; standard input has none".into(),
        ));
    }
    let (trust, trust_findings) = load_trust(
        args.trust.key.as_deref(),
        args.trust.allowed_signers.as_deref(),
        args.trust.identity.clone(),
    )?;
    report.findings.extend(trust_findings);
    let repository = match &args.trust.repository {
        Some(path) => Some(Inventory::load(path)?),
        None => None,
    };
    let checks = VerifyChecks {
        trust: &trust,
        repository: repository.as_ref(),
        progress: !global.quiet,
    };
    let mut verification = verify_bundles(&args.bundles, &settings, checks)?;
    report.merge(std::mem::take(&mut verification.report));
    emit_document(global, &report, &verification, "bundle")
}

impl super::Run for VerifyArgs {
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
