//! `osbundle rules`: the rules in force, as a table or as JSON.

use clap::Args;

use super::{emit, emit_document, load_rules_in_force, Outcome, RunSettings};
use osbundle::report::Report;
use osbundle::rules::{self, RulesShown};
use osbundle::{Result, Severity};

/// Arguments of `rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Only this OS.
    #[arg(long)]
    pub os: Option<String>,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
}

/// Prints the rules in force. Rules that break their schema or invariants are reported
/// as findings instead (exit 1).
pub fn run(global: &RunSettings, args: RulesArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
    // Notes (a disagreement with the old reference) do not hide the rules.
    if loaded.findings.iter().any(|f| f.severity != Severity::Note) {
        let report = Report {
            findings: loaded.findings,
            checked: 1,
            subjects: Vec::new(),
        };
        return emit(global, &report, "rules file");
    }
    let mut rules = loaded.rules;
    if let Some(os) = &args.os {
        if rules.os(os).is_none() {
            return Err(osbundle::Error::Usage(rules.unknown_os(os)));
        }
        rules.images.retain(|o| &o.name == os);
    }
    let source = global
        .rules
        .as_ref()
        .map_or(rules::EMBEDDED_NAME.to_string(), |p| {
            osbundle::names::from_path(p)
        });
    let report = Report {
        findings: loaded.findings,
        checked: 1,
        subjects: vec![source.clone()],
    };
    let shown = RulesShown {
        rules: &rules,
        source: &source,
        embedded: global.rules.is_none(),
    };
    emit_document(global, &report, &shown, "rules file")
}

impl super::Run for RulesArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default()
            .report(&self.report)
            .rules(&self.rules_file)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
