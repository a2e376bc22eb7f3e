//! `osbundle check PATH...`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{emit, load_rules_in_force, GlobalArgs, Outcome};
use osbundle::{
    check_repository, check_with_notes, CheckSettings, Inventory, Kind, Report, Result,
};

/// Arguments of `check`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle check profiles/                          every profile directory below profiles/\n  \
osbundle check --os win --release 2016 nic.zip    one loose driver\n  \
osbundle check --kind config settings.json        one configuration-settings file\n  \
osbundle check --rules osimages.json --format json profiles/win2016\n  \
osbundle check --repository osimages.json profiles/   IDs and OS images the server holds")]
pub struct CheckArgs {
    /// Files, profile directories (with profile.json) or folders to walk; `-` is stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// OS of loose files (esxi, rhels, sles, ubuntu, win, ...).
    #[arg(long)]
    pub os: Option<String>,
    /// Release of loose files (e.g. 2016, 7.5).
    #[arg(long, requires = "os")]
    pub release: Option<String>,
    /// Hardware platform of loose files (IMM2, thinkserver, IMM3v1, ...).
    #[arg(long, requires = "release")]
    pub platform: Option<String>,
    /// Kind of loose files, when their folder and extension do not tell.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// A saved GET /osImages response: the file IDs and the OS image each profile
    /// names must be in it.
    #[arg(long, value_name = "FILE")]
    pub repository: Option<PathBuf>,
}

/// `--kind`: the kinds of custom files (the library's [`Kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A device driver (DUD).
    Driver,
    /// A boot-options file (WinPE).
    Boot,
    /// A configuration-settings JSON file.
    Config,
    /// A post-installation script.
    Script,
    /// A software payload.
    Software,
    /// An unattend file (kickstart, AutoYaST, autounattend).
    Unattend,
    /// A Lenovo driver-and-boot-file bundle.
    Bundle,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Driver => Kind::Driver,
            KindArg::Boot => Kind::Boot,
            KindArg::Config => Kind::Config,
            KindArg::Script => Kind::Script,
            KindArg::Software => Kind::Software,
            KindArg::Unattend => Kind::Unattend,
            KindArg::Bundle => Kind::Bundle,
        }
    }
}

/// Runs `check`.
pub fn run(global: &GlobalArgs, args: CheckArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
    let settings = CheckSettings {
        rules: loaded.rules,
        os: args.os,
        release: args.release,
        platform: args.platform,
        kind: args.kind.map(Kind::from),
        progress: !global.quiet,
    };
    let mut report = Report {
        findings: loaded.findings,
        checked: 0,
    };
    let inventory = match &args.repository {
        Some(path) => Some(Inventory::load(path)?),
        None => None,
    };
    let (checked, notes) = check_with_notes(&args.paths, &settings)?;
    for note in notes {
        eprintln!("osbundle: warning: {note}");
    }
    report.merge(checked);
    if let Some(inventory) = &inventory {
        report.merge(Report {
            findings: check_repository(&args.paths, inventory)?,
            checked: 0,
        });
    }
    emit(global, &report, "file")
}
