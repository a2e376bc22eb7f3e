//! `osbundle check PATH...`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{emit, load_rules_in_force, Outcome, RunSettings};
use osbundle::api::delete::Inventory;
use osbundle::check::{self, CheckSettings, ScopeFlags, WalkOptions};
use osbundle::project::Setting;
use osbundle::report::Report;
use osbundle::repository;
use osbundle::{Error, Kind, Result};

/// Arguments of `check`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle check profiles/                          every profile directory below profiles/\n  \
osbundle check --os win --release 2016 nic.zip    one loose driver\n  \
osbundle check --kind config settings.json        one configuration-settings file\n  \
osbundle check --rules osimages.json --format json profiles/win2016\n  \
osbundle check --repository osimages.json profiles/   IDs and OS images the server holds\n\n\
Folder walks skip hidden entries, what .gitignore and .ignore exclude, --exclude globs, \
and files that are not part of a profile (outside profile directories and kind folders \
such as drivers/ or config/: README.md, package.json, ...). Files named on the command \
line are always checked.\n\n\
`osbundle explain` lists the rule IDs and `osbundle explain RULE` explains one, \
with examples and how to change its severity or ignore it; config-semantic covers \
settings that pass the schema but are wrong: a value not among choices, a regex that \
does not compile or that the value does not match, minElements > maxElements, duplicate \
sibling names, an array without template.")]
pub struct CheckArgs {
    /// Files, profile directories (with profile.json) or folders to walk; `-` is stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// OS of loose files (esxi, rhels, sles, ubuntu, win, ...).
    #[arg(long)]
    pub os: Option<String>,
    /// Release of loose files (e.g. 2016, 7.5).
    #[arg(long)]
    pub release: Option<String>,
    /// Hardware platform of loose files (IMM2, thinkserver, IMM3v1, ...).
    #[arg(long)]
    pub platform: Option<String>,
    /// Kind of loose files, when their folder and extension do not tell; folder walks
    /// then also take the files whose extension this kind allows.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// A saved GET /osImages response: the file IDs and the OS image each profile
    /// names must be in it.
    #[arg(long, value_name = "FILE")]
    pub repository: Option<PathBuf>,
    /// Skip entries of folder walks that match GLOB (gitignore syntax, relative to the
    /// folder walked); adds to `exclude` of osbundle.toml. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Folder walks read no .gitignore or .ignore files (hidden entries stay skipped).
    #[arg(long)]
    pub no_ignore: bool,
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
pub fn run(global: &RunSettings, args: CheckArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
    // Options for loose files that a profile overrides are findings (or, for
    // --kind, notes) only when they are on the command line.
    let flags = ScopeFlags {
        os: args.os.is_some(),
        release: args.release.is_some(),
        platform: args.platform.is_some(),
    };
    let flagged = args.kind.is_some();
    let config = global.project.config();
    let from_config = |s: Option<&Setting<String>>| s.map(|s| s.value.clone());
    // Flags override the file; a flag for the OS starts a new scope.
    let (os, release, platform) = if args.os.is_some() {
        (args.os, args.release, args.platform)
    } else {
        (
            from_config(config.and_then(|c| c.os.as_ref())),
            args.release
                .or_else(|| from_config(config.and_then(|c| c.release.as_ref()))),
            args.platform
                .or_else(|| from_config(config.and_then(|c| c.platform.as_ref()))),
        )
    };
    if os.is_none() && release.is_some() {
        return Err(Error::Usage(
            "--release needs --os (or `os` in osbundle.toml)".into(),
        ));
    }
    if release.is_none() && platform.is_some() {
        return Err(Error::Usage(
            "--platform needs --release (or `release` in osbundle.toml)".into(),
        ));
    }
    let exclude = super::exclude_globs(global, args.exclude);
    let loose_extensions = args
        .kind
        .map(|kind| loaded.rules.all_extensions(kind.into()))
        .unwrap_or_default();
    let settings = CheckSettings {
        rules: loaded.rules,
        os,
        release,
        platform,
        kind: args.kind.map(Kind::from),
        flags,
        progress: !global.quiet,
        walk: WalkOptions {
            ignore_files: !args.no_ignore,
            exclude,
            loose_extensions,
        },
        deep: args.deep.deep,
    };
    let mut report = Report {
        findings: loaded.findings,
        checked: 0,
        subjects: Vec::new(),
    };
    let inventory = match &args.repository {
        Some(path) => Some(Inventory::load(path)?),
        None => None,
    };
    let (checked, notes) = check::run_with_notes(&args.paths, &settings)?;
    for note in notes.into_iter().filter(|_| flagged) {
        super::say("warning", &note);
    }
    report.merge(checked);
    if let Some(inventory) = &inventory {
        report.merge(Report {
            findings: repository::check_profiles(&args.paths, &settings.walk, inventory)?,
            checked: 0,
            subjects: Vec::new(),
        });
    }
    emit(global, &report, "file")
}

impl super::Run for CheckArgs {
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
