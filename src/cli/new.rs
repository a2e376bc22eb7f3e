//! `osbundle new --os OS --release R DIR`: start a profile directory that checks clean.

use std::path::PathBuf;

use clap::Args;

use super::{load_rules_in_force, with_stdout, GlobalArgs, Outcome};
use osbundle::{new_profile, Error, Result};

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
}

/// Writes the profile directory and says what it wrote.
pub fn run(global: &GlobalArgs, args: NewArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
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
    let made = new_profile(&args.dir, &args.os, &args.release, &loaded.rules)?;
    if !global.quiet {
        for note in &made.notes {
            eprintln!("osbundle: note: {note}");
        }
    }
    let shown = osbundle::escape_text(&osbundle::shown_path(&made.dir)).into_owned();
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
