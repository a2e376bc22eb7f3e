//! `osbundle explain [RULE]`: what a rule means, its default severity, a failing and
//! a passing example, and how to change its severity or ignore it.

use clap::Args;

use super::{emit_document, Outcome, RunSettings};
use osbundle::report::{Explained, Report};
use osbundle::{Error, Result, Rule};

/// Arguments of `explain`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle explain                      every rule with its one-line help\n  \
osbundle explain extension-not-allowed\n  \
osbundle explain unattend-empty --format json")]
pub struct ExplainArgs {
    /// The rule ID (as in findings: `extension-not-allowed`); without it, every rule.
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

/// Prints one rule's explanation, or the list of rules. An unknown ID is exit 2.
pub fn run(global: &RunSettings, args: ExplainArgs) -> Result<Outcome> {
    let one;
    let (rules, detailed): (&[Rule], bool) = match &args.rule {
        None => (Rule::ALL, false),
        Some(id) => {
            let Some(rule) = Rule::from_id(id) else {
                return Err(Error::Usage(format!(
                    "unknown rule ID \"{id}\"{}; `osbundle explain` lists them",
                    Rule::did_you_mean(id)
                )));
            };
            one = [rule];
            (&one, true)
        }
    };
    emit_document(
        global,
        &Report::default(),
        &Explained { rules, detailed },
        "rule",
    )
}

impl super::Run for ExplainArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default().report(&self.report)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
