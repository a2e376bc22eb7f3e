//! The command line: clap definitions (stage one) turned into validated settings
//! (stage two) and dispatched to the library. One file per subcommand.

pub mod build;
pub mod check;
pub mod completions;
pub mod config;
pub mod delete_plan;
pub mod diff;
pub mod explain;
pub mod extract;
pub mod inspect;
pub mod macros;
pub mod new;
pub mod reply;
pub mod rules;
pub mod schema;
pub mod sign;
pub mod verify;

use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use osbundle::project::Project;
use osbundle::report::{
    write_document, write_error, Findings, Format, Output, Report, WriteOptions,
};
use osbundle::rules::RuleSet;
use osbundle::{Error, Result};

/// Offline packager and validator for LXCA OS-image profile bundles.
#[derive(Debug, Parser)]
#[command(
    name = "osbundle",
    version = osbundle::VERSION,
    about,
    long_about = "Offline packager and validator for Lenovo XClarity Administrator OS-image \
profile bundles. It never touches the network.\n\n\
Preflight: check files and profile directories against the supportedImages rules before \
upload; validate configuration-settings JSON and unattend macros.\n\
Bundles: build reproducible checksummed profile bundles (.tar.gz); verify, inspect and \
extract downloads safely.\n\
Deletes and replies: check an LXCA or IMS delete request offline (delete-plan) and read a \
saved server reply (reply).\n\
Everyday: start a profile directory that checks clean (new), list the macros unattend \
files may use (macros), and explain a finding's rule (explain RULE).\n\n\
Defaults come from osbundle.toml (found from the current directory upward, or \
OSBUNDLE_CONFIG, or --config FILE); `osbundle config show` prints them.\n\n\
Exit codes: 0 valid (warnings allowed unless --strict), 1 at least one error finding, \
2 the tool could not do its job.",
    propagate_version = true
)]
pub struct Cli {
    /// Options for every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The global arguments: options that apply to every subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Errors and warnings only: no notes, no summary line, no progress.
    #[arg(long, short = 'q', global = true, display_order = 900)]
    pub quiet: bool,
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", display_order = 901)]
    pub color: ColorWhen,
}

/// Options of the subcommands that report findings.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Project configuration file [default: the nearest osbundle.toml from the current
    /// directory upward, or $OSBUNDLE_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no project configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// `--rules FILE`, for the subcommands that judge files against the rules.
#[derive(Debug, Clone, Default, Args)]
pub struct RulesFileArg {
    /// supportedImages rules: a GET /osImages response or a bare supportedImages array
    /// [default: `rules` of osbundle.toml, else the embedded example of the LXCA API
    /// documentation: pass your server's own saved GET /osImages for exact results].
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

/// `--jobs N`, for the subcommands that work in parallel.
#[derive(Debug, Clone, Default, Args)]
pub struct JobsArg {
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
}

/// `--deep`, for the subcommands that read payloads.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct DeepArg {
    /// Read every byte of every payload: each zip entry inflated and CRC-checked,
    /// RPM header and payload digests (as `unzip -t` and `rpm -K`), whole .tar.gz.
    /// Without it, only headers, a zip's central directory, the ISO volume descriptor.
    #[arg(long)]
    pub deep: bool,
}

/// The settings of a run, from the command line (the global arguments and the
/// subcommand's option groups) and the project configuration: validated, shared by
/// every subcommand.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// The rules file: `--rules`, else `rules` of the configuration file.
    pub rules: Option<PathBuf>,
    /// Output format.
    pub format: FormatArg,
    /// Worker threads.
    pub jobs: Option<NonZeroUsize>,
    /// Errors and warnings only: no notes, no summary line, no progress.
    pub quiet: bool,
    /// Colour in text output.
    pub color: ColorWhen,
    /// Fail on warnings too.
    pub strict: bool,
    /// The project configuration in force.
    pub project: Project,
    /// The rules in force as summaries and documents name them, for subcommands
    /// that judge files against rules (those with `--rules`).
    pub rules_in_force: Option<String>,
}

impl RunSettings {
    /// Settles the options of a run: the subcommand's own flags first, then the
    /// project configuration (read only for subcommands that report findings).
    pub fn resolve(global: &GlobalArgs, options: Options<'_>) -> Result<RunSettings> {
        let Options {
            report,
            rules,
            jobs,
        } = options;
        let project = match report {
            Some(r) => {
                let cwd = std::env::current_dir().unwrap_or_default();
                let env = std::env::var_os(osbundle::project::ENV_VAR);
                Project::resolve(r.config.as_deref(), r.no_config, env.as_deref(), &cwd)?
            }
            None => Project::default(),
        };
        let from_file = project
            .config()
            .and_then(|c| c.rules.as_ref())
            .map(|s| s.value.clone());
        let path = rules.and_then(|r| r.rules.clone()).or(from_file);
        let rules_in_force = rules.map(|_| match &path {
            Some(p) => osbundle::names::from_path(p),
            None => osbundle::rules::EMBEDDED_NAME.to_string(),
        });
        Ok(RunSettings {
            rules: path,
            rules_in_force,
            format: report.map_or(FormatArg::Text, |r| r.format),
            jobs: jobs.and_then(|j| j.jobs),
            quiet: global.quiet,
            color: global.color,
            strict: report.is_some_and(|r| r.strict),
            project,
        })
    }
}

/// `--format`: the library's [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FormatArg {
    /// `path:line:column: severity[rule]: message`, then a summary.
    #[default]
    Text,
    /// One JSON document: `{"version": 1, "findings": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
    /// JUnit XML for Jenkins, GitLab and Azure Pipelines: a testcase per checked file
    /// or bundle, a failure per error.
    Junit,
    /// GitLab Code Quality JSON (artifacts:reports:codequality), stable fingerprints.
    Gitlab,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Junit => Format::Junit,
            FormatArg::Gitlab => Format::Gitlab,
        }
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// One subcommand: the option groups it takes and how it runs. Each file under
/// `cli/` implements it for its arguments; [`commands!`] lists them.
pub trait Run {
    /// The option groups it takes (none by default).
    fn options(&self) -> Options<'_> {
        Options::default()
    }

    /// Runs it under the settings of the run.
    fn run(self, global: &RunSettings) -> Result<Outcome>;
}

/// The option groups of a subcommand: report, rules file, jobs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// `--format`, `--strict`, `--config`.
    pub report: Option<&'a ReportArgs>,
    /// `--rules FILE`.
    pub rules: Option<&'a RulesFileArg>,
    /// `--jobs N`.
    pub jobs: Option<&'a JobsArg>,
}

impl<'a> Options<'a> {
    /// With the report options.
    pub fn report(self, report: &'a ReportArgs) -> Self {
        Options {
            report: Some(report),
            ..self
        }
    }

    /// With `--rules`.
    pub fn rules(self, rules: &'a RulesFileArg) -> Self {
        Options {
            rules: Some(rules),
            ..self
        }
    }

    /// With `--jobs`.
    pub fn jobs(self, jobs: &'a JobsArg) -> Self {
        Options {
            jobs: Some(jobs),
            ..self
        }
    }
}

/// The subcommands, one line each (the doc comment is its `--help` line): the
/// [`Command`] enum and its dispatch to each one's [`Run`].
macro_rules! commands {
    ($( $(#[$attr:meta])* $variant:ident($args:ty), )*) => {
        /// The subcommands.
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $( $(#[$attr])* $variant($args), )*
        }

        impl Command {
            /// The option groups this subcommand takes.
            fn options(&self) -> Options<'_> {
                match self {
                    $( Command::$variant(args) => args.options(), )*
                }
            }

            /// Runs it.
            fn run(self, global: &RunSettings) -> Result<Outcome> {
                match self {
                    $( Command::$variant(args) => args.run(global), )*
                }
            }
        }
    };
}

commands! {
    /// Preflight files, profile directories or folders before upload.
    Check(check::CheckArgs),
    /// Print the rules in force (embedded default or --rules).
    Rules(rules::RulesArgs),
    /// Print one of the embedded JSON Schemas.
    Schema(schema::SchemaArgs),
    /// Macros of a configuration-settings file; the project configuration in force.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), or write one page per subcommand with --dir.
    Man(completions::ManArgs),
    /// Check an LXCA or IMS delete request offline: IDs, cascade, encoded path.
    DeletePlan(delete_plan::DeletePlanArgs),
    /// Read a saved server reply; exit 1 if it reports a failure.
    Reply(reply::ReplyArgs),
    /// Build a checksummed profile bundle (.tar.gz) from a profile directory.
    Build(build::BuildArgs),
    /// Verify bundles in one streaming pass: integrity, checksums, safety, rules.
    Verify(verify::VerifyArgs),
    /// Show a bundle's metadata and contents without extracting.
    Inspect(inspect::InspectArgs),
    /// Verify, then extract safely into a directory.
    Extract(extract::ExtractArgs),
    /// Sign bundles with a minisign secret key: writes <bundle>.minisig.
    Sign(sign::SignArgs),
    /// What changed between two bundles or profile directories (exit 1 if anything).
    Diff(diff::DiffArgs),
    /// Make a minisign key pair for `sign` (public key 0644, secret key 0600).
    Keygen(sign::KeygenArgs),
    /// What a rule means, its default severity, examples, how to change or ignore it.
    Explain(explain::ExplainArgs),
    /// The macros unattend files may use: predefined, and from the profile's config files.
    Macros(macros::MacrosArgs),
    /// Start a profile directory for an OS and release that checks clean.
    New(new::NewArgs),
}

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked is valid (exit 0).
    Valid,
    /// At least one error finding, or a warning under --strict (exit 1).
    Invalid,
}

impl Outcome {
    /// The outcome of a report.
    pub fn of(report: &Report, strict: bool) -> Outcome {
        if report.failed(strict) {
            Outcome::Invalid
        } else {
            Outcome::Valid
        }
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Valid => 0,
            Outcome::Invalid => 1,
        }
    }
}

impl Cli {
    /// The output format asked for (text where the subcommand takes no `--format`),
    /// for reporting a fatal error in that format.
    pub fn format(&self) -> Format {
        self.command
            .options()
            .report
            .map_or(Format::Text, |r| Format::from(r.format))
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let options = cli.command.options();
    let mut global = RunSettings::resolve(&cli.global, options)?;
    global.jobs = cap_jobs(global.jobs, global.quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(global.jobs.map_or(0, NonZeroUsize::get))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    pool.install(|| cli.command.run(&global))
}

/// Writes `osbundle: <level>: <message>` on standard error, the message escaped
/// as text output escapes names (it may quote some).
pub fn say(level: &str, message: &str) {
    eprintln!("osbundle: {level}: {}", osbundle::names::escape(message));
}

/// At most this many worker threads per core: more only costs memory and time.
pub const JOBS_PER_CORE: usize = 4;

/// `--jobs`, capped at [`JOBS_PER_CORE`] × the cores, with a note when it was capped.
pub fn cap_jobs(jobs: Option<NonZeroUsize>, quiet: bool) -> Option<NonZeroUsize> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let cap = NonZeroUsize::new(cores.saturating_mul(JOBS_PER_CORE)).unwrap_or(NonZeroUsize::MIN);
    match jobs {
        Some(n) if n > cap => {
            if !quiet {
                eprintln!(
                    "osbundle: note: --jobs {n} is more than {JOBS_PER_CORE} per core ({cores} cores); using {cap}"
                );
            }
            Some(cap)
        }
        other => other,
    }
}

/// Loads the rules in force: `--rules FILE` or the embedded default.
pub fn load_rules_in_force(global: &RunSettings) -> Result<osbundle::rules::Loaded> {
    match &global.rules {
        Some(path) => osbundle::rules::load_file(path),
        None => Ok(osbundle::rules::Loaded {
            rules: RuleSet::embedded(),
            findings: Vec::new(),
        }),
    }
}

/// Whether text output to stdout gets colour.
pub fn use_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            io::stdout().is_terminal()
                && anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
        }
    }
}

impl RunSettings {
    /// The output format.
    pub fn format(&self) -> Format {
        self.format.into()
    }

    /// How reports are written under these options; `noun` names what was checked.
    pub fn write_options(&self, noun: &'static str) -> WriteOptions<'_> {
        WriteOptions {
            format: self.format(),
            color: use_color(self.color),
            noun,
            quiet: self.quiet,
            rules: self.rules_in_force.as_deref(),
        }
    }
}

/// The `exclude` globs of `osbundle.toml`, then those of `--exclude`.
pub(crate) fn exclude_globs(global: &RunSettings, flags: Vec<String>) -> Vec<String> {
    let mut globs: Vec<String> = global
        .project
        .config()
        .map(|c| c.exclude.iter().map(|s| s.value.clone()).collect())
        .unwrap_or_default();
    globs.extend(flags);
    globs
}

/// The rule IDs of the errors in `report` that `--force` does not go past (see
/// `Rule::force_overrides`), sorted, each once.
pub(crate) fn unforceable(report: &Report) -> Vec<&'static str> {
    let mut rules: Vec<&'static str> = report
        .findings
        .iter()
        .filter(|f| f.severity == osbundle::Severity::Error && !f.rule.force_overrides())
        .map(|f| f.rule.as_str())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

/// Writes `report` (findings only) to stdout in the chosen format and returns the
/// outcome.
pub fn emit(global: &RunSettings, report: &Report, noun: &'static str) -> Result<Outcome> {
    emit_document(global, report, &Findings, noun)
}

/// Writes `report` and a subcommand's result `output` as one document to stdout in
/// the chosen format (or refuses the format: exit 2) and returns the outcome.
pub fn emit_document(
    global: &RunSettings,
    report: &Report,
    output: &impl Output,
    noun: &'static str,
) -> Result<Outcome> {
    if let Some(why) = output.refuses(global.format()) {
        return Err(Error::Usage(why));
    }
    // `[[ignore]]` and `[severity]` of the project configuration, before the exit
    // code is decided; stale `[[ignore]]` entries are reported by the runs that
    // check files.
    let checks_files = global.rules_in_force.is_some() && output.checks_files();
    let mut report = report.clone();
    let cwd = std::env::current_dir().unwrap_or_default();
    global.project.apply(&mut report, &cwd, checks_files);
    let options = global.write_options(noun);
    with_stdout(|out| write_document(&report, output, options, out))?;
    Ok(Outcome::of(&report, global.strict))
}

/// Writes a fatal error as the document of `format` on stdout (nothing for text:
/// the message goes to stderr).
pub fn fail(format: Format, error: &Error) {
    let _ = with_stdout(|out| write_error(format, &error.to_string(), out));
}

/// Runs `f` on a buffered, locked stdout and flushes it. A closed pipe is not an error.
pub fn with_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::Output(e)),
        _ => Ok(()),
    }
}
