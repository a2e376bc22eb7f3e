//! `osbundle config macros FILE`

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{emit, emit_document, GlobalArgs, Outcome};
use osbundle::{check_config, derive_macros, read_input, Payload, Report, Result};

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the custom macros a configuration-settings file provides.
    Macros(MacrosArgs),
}

/// Arguments of `config macros`.
#[derive(Debug, Clone, Args)]
pub struct MacrosArgs {
    /// The configuration-settings file; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Runs a `config` subcommand.
pub fn run(global: &GlobalArgs, cmd: ConfigCommand) -> Result<Outcome> {
    match cmd {
        ConfigCommand::Macros(args) => {
            let bytes = read_input(&args.file)?;
            let display = args.file.display().to_string();
            let checked = check_config(&bytes, &display);
            let macros = checked
                .value
                .as_ref()
                .map(derive_macros)
                .unwrap_or_default();
            let report = Report {
                findings: checked.findings,
                checked: 1,
            };
            if report.failed(global.strict) {
                return emit(global, &report, "file");
            }
            emit_document(global, &report, Payload::Macros(&macros), "file")
        }
    }
}
