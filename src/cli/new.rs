//! `osbundle new --os OS --release R DIR`: start a profile directory that checks clean.

use std::path::PathBuf;

use clap::Args;

use super::{load_rules_in_force, with_stdout, Outcome, RunSettings};
use osbundle::project::Project;
use osbundle::scaffold;
use osbundle::{Error, Result};

/// Arguments of `new`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle new --os sles --release 15 profiles/web        AutoYaST example, config file\n  \
osbundle new --os win --release 2016 profiles/win-dc   Windows answer file example\n  \
osbundle new --rules osimages.json --os ubuntu --release 22.04 profiles/ubuntu\n\n\
The folder must not exist. What is written follows the rules in force: only the kind \
folders the OS accepts custom files in for that release, and an example unattend file \
and config-settings file where the OS accepts them. `osbundle check DIR` is clean \
right after.")]
pub struct NewArgs {
    /// The OS (a supportedImages name: esxi, rhels, sles, ubuntu, win, ...).
    #[arg(long)]
    pub os: String,
    /// A release of that OS, as `osbundle rules` lists it.
    #[arg(long)]
    pub release: String,
    /// The profile directory to create; its name is the profile's name.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
    /// Project configuration file, for its `rules` [default: the nearest osbundle.toml
    /// from the current directory upward, or $OSBUNDLE_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no project configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// Writes the profile directory and says what it wrote.
pub fn run(global: &RunSettings, args: NewArgs) -> Result<Outcome> {
    // The rules `check` will use: --rules, else `rules` of the project configuration.
    let mut global = global.clone();
    if global.rules.is_none() {
        let cwd = std::env::current_dir().unwrap_or_default();
        let env = std::env::var_os(osbundle::project::ENV_VAR);
        let project =
            Project::resolve(args.config.as_deref(), args.no_config, env.as_deref(), &cwd)?;
        global.rules = project
            .config()
            .and_then(|c| c.rules.as_ref())
            .map(|s| s.value.clone());
    }
    let loaded = load_rules_in_force(&global)?;
    if let Some(f) = loaded
        .findings
        .iter()
        .find(|f| f.severity == osbundle::Severity::Error)
    {
        return Err(Error::Usage(format!(
            "the rules are invalid ({}: {}); `osbundle rules` shows all",
            f.path, f.message
        )));
    }
    let made = scaffold::create(&args.dir, &args.os, &args.release, &loaded.rules)?;
    if !global.quiet {
        for note in &made.notes {
            eprintln!("osbundle: note: {note}");
        }
    }
    let shown = osbundle::names::escape(&osbundle::names::from_path(&made.dir)).into_owned();
    with_stdout(|out| {
        if global.quiet {
            return Ok(());
        }
        writeln!(out, "created {shown} ({} {})", args.os, args.release)?;
        for rel in &made.written {
            writeln!(out, "  {rel}")?;
        }
        writeln!(out, "next: osbundle check {shown}")
    })?;
    Ok(Outcome::Valid)
}

impl super::Run for NewArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default().rules(&self.rules_file)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
