//! The command line: clap definitions (stage one) turned into validated settings
//! (stage two) and dispatched to the library. One file per subcommand.

pub mod build;
pub mod check;
pub mod completions;
pub mod config;
pub mod delete_plan;
pub mod diff;
pub mod extract;
pub mod inspect;
pub mod reply;
pub mod rules;
pub mod schema;
pub mod sign;
pub mod verify;

use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use osbundle::{
    load_rules, refuses, write_document, write_error, Error, Format, LoadedRules, Payload, Report,
    Result, RuleSet, WriteOptions,
};

/// Offline packager and validator for LXCA OS-image profile bundles.
#[derive(Debug, Parser)]
#[command(
    name = "osbundle",
    version = osbundle::VERSION,
    about,
    long_about = "Offline packager and validator for Lenovo XClarity Administrator OS-image \
profile bundles: preflight files and profile directories against the supportedImages rules \
before upload, validate configuration-settings JSON and unattend macros.\n\n\
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

/// Options shared by all subcommands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// supportedImages rules: a GET /osImages response or a bare supportedImages array
    /// [default: embedded rules of the five reference OSes]
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// No progress and no summary line.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Fail (exit 1) on warnings too.
    #[arg(long, global = true)]
    pub strict: bool,
}

/// `--format`: the library's [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// `path:line:column: severity[rule]: message`, then a summary.
    Text,
    /// One JSON document: `{"version": 1, "findings": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
        }
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Preflight files, profile directories or folders before upload.
    Check(check::CheckArgs),
    /// Print the rules in force (embedded default or --rules).
    Rules(rules::RulesArgs),
    /// Print one of the embedded JSON Schemas.
    Schema(schema::SchemaArgs),
    /// Configuration-settings files.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), e.g. `osbundle man > osbundle.1`.
    Man,
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

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let mut global = cli.global;
    global.jobs = cap_jobs(global.jobs, global.quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(global.jobs.map_or(0, NonZeroUsize::get))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    pool.install(|| match cli.command {
        Command::Check(args) => check::run(&global, args),
        Command::Rules(args) => rules::run(&global, args),
        Command::Schema(args) => schema::run(&global, args),
        Command::Config(cmd) => config::run(&global, cmd),
        Command::Completions(args) => completions::run(&global, args),
        Command::Man => completions::man(&global),
        Command::DeletePlan(args) => delete_plan::run(&global, args),
        Command::Reply(args) => reply::run(&global, args),
        Command::Build(args) => build::run(&global, args),
        Command::Verify(args) => verify::run(&global, args),
        Command::Inspect(args) => inspect::run(&global, args),
        Command::Extract(args) => extract::run(&global, args),
        Command::Sign(args) => sign::run_sign(&global, args),
        Command::Keygen(args) => sign::run_keygen(&global, args),
        Command::Diff(args) => diff::run(&global, args),
    })
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
pub fn load_rules_in_force(global: &GlobalArgs) -> Result<LoadedRules> {
    match &global.rules {
        Some(path) => load_rules(path),
        None => Ok(LoadedRules {
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

impl GlobalArgs {
    /// The output format.
    pub fn format(&self) -> Format {
        self.format.into()
    }

    /// How reports are written under these options; `noun` names what was checked.
    pub fn write_options(&self, noun: &'static str) -> WriteOptions {
        WriteOptions {
            format: self.format(),
            color: use_color(self.color),
            noun,
            quiet: self.quiet,
        }
    }
}

/// Writes `report` (findings only) to stdout in the chosen format and returns the
/// outcome.
pub fn emit(global: &GlobalArgs, report: &Report, noun: &'static str) -> Result<Outcome> {
    emit_document(global, report, Payload::Findings, noun)
}

/// Writes `report` and a subcommand's `payload` as one document to stdout in the
/// chosen format (or refuses the format: exit 2) and returns the outcome.
pub fn emit_document(
    global: &GlobalArgs,
    report: &Report,
    payload: Payload<'_>,
    noun: &'static str,
) -> Result<Outcome> {
    if let Some(why) = refuses(&payload, global.format()) {
        return Err(Error::Usage(why));
    }
    let options = global.write_options(noun);
    with_stdout(|out| write_document(report, &payload, options, out))?;
    Ok(Outcome::of(report, global.strict))
}

/// Writes a fatal error as the document of `format` on stdout (nothing for text:
/// the message goes to stderr).
pub fn fail(format: Format, error: &Error) {
    let _ = with_stdout(|out| write_error(format, &error.to_string(), out));
}

/// Refuses every format but text, for subcommands whose output is no report.
pub fn text_only(global: &GlobalArgs, what: &str) -> Result<()> {
    match global.format() {
        Format::Text => Ok(()),
        other => Err(Error::Usage(format!(
            "{what}: --format {} is not available (text only)",
            other.name()
        ))),
    }
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
