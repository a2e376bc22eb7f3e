//! `osbundle macros [PROFILE_DIR|BUNDLE]`: the predefined macros and those the
//! profile's configuration-settings files derive, each with where it comes from.

use std::path::PathBuf;

use clap::Args;

use super::{emit_document, load_rules_in_force, Outcome, RunSettings};
use osbundle::bundle::VerifySettings;
use osbundle::macro_sources::{self, MacroSources};
use osbundle::report::Report;
use osbundle::rules::EMBEDDED_PATH;
use osbundle::Result;

/// Arguments of `macros`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle macros                               the predefined macros (embedded list)\n  \
osbundle macros --rules osimages.json         those of your server's GET /osImages reply\n  \
osbundle macros profiles/sles15               and those the profile's config files derive\n  \
osbundle macros 20240101000000_sles15.tar.gz  the same from a bundle\n\n\
Unattend files and scripts may use exactly these; any other #macro# is an \
unattend-unknown-macro finding.")]
pub struct MacrosArgs {
    /// A profile directory or a bundle whose configuration-settings files derive
    /// custom macros; without it, only the predefined macros.
    #[arg(value_name = "PROFILE_DIR|BUNDLE")]
    pub subject: Option<PathBuf>,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
}

/// Lists the macros; findings about the config files read make it exit 1.
pub fn run(global: &RunSettings, args: MacrosArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
    let source = global
        .rules
        .as_ref()
        .map_or(EMBEDDED_PATH.to_string(), |p| osbundle::names::from_path(p));
    let settings = VerifySettings {
        rules: loaded.rules,
        ..VerifySettings::default()
    };
    let list = macro_sources::list(args.subject.as_deref(), &settings.rules, &source, &settings)?;
    let mut report = Report {
        findings: loaded.findings,
        checked: list.checked.len(),
        subjects: list.checked,
    };
    report.merge(Report {
        findings: list.findings,
        checked: 0,
        subjects: Vec::new(),
    });
    emit_document(global, &report, &MacroSources(&list.macros), "file")
}

impl super::Run for MacrosArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default()
            .report(&self.report)
            .rules(&self.rules_file)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
