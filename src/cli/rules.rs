//! `osbundle rules`: the rules in force, as a table or as JSON.

use clap::Args;

use super::{emit, emit_document, load_rules_in_force, GlobalArgs, Outcome};
use osbundle::{Payload, Report, Result, EMBEDDED_PATH};

/// Arguments of `rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Only this OS.
    #[arg(long)]
    pub os: Option<String>,
}

/// Prints the rules in force. Rules that break their schema or invariants are reported
/// as findings instead (exit 1).
pub fn run(global: &GlobalArgs, args: RulesArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
    if !loaded.findings.is_empty() {
        let report = Report {
            findings: loaded.findings,
            checked: 1,
        };
        return emit(global, &report, "rules file");
    }
    let mut rules = loaded.rules;
    if let Some(os) = &args.os {
        rules.images.retain(|o| &o.name == os);
    }
    let source = global
        .rules
        .as_ref()
        .map_or(EMBEDDED_PATH.to_string(), |p| p.display().to_string());
    let report = Report {
        findings: Vec::new(),
        checked: 1,
    };
    let payload = Payload::Rules {
        rules: &rules,
        source: &source,
        embedded: global.rules.is_none(),
    };
    emit_document(global, &report, payload, "rules file")
}
