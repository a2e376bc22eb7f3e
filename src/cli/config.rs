//! `osbundle config macros FILE`

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{emit, emit_document, Outcome, RunSettings};
use osbundle::config;
use osbundle::input;
use osbundle::macros::{derive_macros, CustomMacros};
use osbundle::project::{ConfigFileShown, ConfigShown, Setting, SettingShown};
use osbundle::report::Report;
use osbundle::Result;

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the custom macros a configuration-settings file provides.
    Macros(MacrosArgs),
    /// Print the project configuration in force (osbundle.toml) and where each value
    /// comes from.
    Show(ShowArgs),
}

/// Arguments of `config show`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "The file is the first of: --no-config (none), --config FILE, \
$OSBUNDLE_CONFIG, the nearest osbundle.toml from the current directory upward. \
Command-line flags override its values."
)]
pub struct ShowArgs {
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

/// Arguments of `config macros`.
#[derive(Debug, Clone, Args)]
pub struct MacrosArgs {
    /// The configuration-settings file; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

/// Runs a `config` subcommand.
pub fn run(global: &RunSettings, cmd: ConfigCommand) -> Result<Outcome> {
    match cmd {
        ConfigCommand::Show(args) => show(global, &args),
        ConfigCommand::Macros(args) => {
            let bytes = input::read_path(&args.file)?;
            let display = osbundle::names::from_path(&args.file);
            let checked = config::check_bytes(&bytes, &display);
            let macros = checked
                .value
                .as_ref()
                .map(derive_macros)
                .unwrap_or_default();
            let report = Report {
                findings: checked.findings,
                checked: 1,
                subjects: vec![display.clone()],
            };
            if report.failed(global.strict) {
                return emit(global, &report, "file");
            }
            emit_document(global, &report, &CustomMacros(&macros), "file")
        }
    }
}

/// Runs `config show`.
fn show(global: &RunSettings, args: &ShowArgs) -> Result<Outcome> {
    let project = &global.project;
    let config = project.config();
    let from_file =
        |s: Option<&Setting<String>>| s.map(|s| (Some(s.value.clone()), project.at(s.line)));
    let unset = || (None, "not set".to_string());
    let mut shown = Vec::new();
    let rules = match (
        &args.rules_file.rules,
        config.and_then(|c| c.rules.as_ref()),
    ) {
        (Some(path), _) => (
            Some(osbundle::names::from_path(path)),
            "--rules".to_string(),
        ),
        (None, Some(s)) => (
            Some(osbundle::names::from_path(&s.value)),
            project.at(s.line),
        ),
        (None, None) => (
            Some(osbundle::rules::EMBEDDED_NAME.to_string()),
            "default".to_string(),
        ),
    };
    shown.push(("rules".to_string(), rules));
    for (key, setting) in [
        ("os", config.and_then(|c| c.os.as_ref())),
        ("release", config.and_then(|c| c.release.as_ref())),
        ("platform", config.and_then(|c| c.platform.as_ref())),
    ] {
        shown.push((key.to_string(), from_file(setting).unwrap_or_else(unset)));
    }
    let excludes = config.map(|c| c.exclude.as_slice()).unwrap_or_default();
    if excludes.is_empty() {
        shown.push(("exclude".to_string(), unset()));
    }
    for glob in excludes {
        shown.push((
            "exclude".to_string(),
            (Some(glob.value.clone()), project.at(glob.line)),
        ));
    }
    for (rule, level) in config.map(|c| &c.severity).into_iter().flatten() {
        shown.push((
            format!("severity.{rule}"),
            (
                Some(level.value.as_str().to_string()),
                project.at(level.line),
            ),
        ));
    }
    for entry in config.map(|c| c.ignore.as_slice()).unwrap_or_default() {
        let rules: Vec<&str> = entry.rules.iter().map(|r| r.as_str()).collect();
        shown.push((
            "ignore".to_string(),
            (
                Some(format!(
                    "{} in {}",
                    rules.join(", "),
                    entry.paths.join(", ")
                )),
                project.at(entry.line),
            ),
        ));
    }
    let shown = ConfigShown {
        config_file: project
            .file
            .as_ref()
            .map(|(path, origin, _)| ConfigFileShown {
                path: osbundle::names::from_path(path),
                origin: origin.as_str(),
            }),
        settings: shown
            .into_iter()
            .map(|(key, (value, source))| SettingShown { key, value, source })
            .collect(),
    };
    emit_document(global, &Report::default(), &shown, "setting")
}

impl super::Run for ConfigCommand {
    fn options(&self) -> super::Options<'_> {
        match self {
            ConfigCommand::Macros(a) => super::Options::default().report(&a.report),
            ConfigCommand::Show(a) => super::Options::default()
                .report(&a.report)
                .rules(&a.rules_file),
        }
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
