//! `osbundle build PROFILE_DIR`

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::Args;

use super::{emit, load_rules_in_force, with_stdout, GlobalArgs, Outcome};
use osbundle::{
    build, check, write_report, BuildSettings, CheckSettings, Error, Format, Report, Result,
    WriteOptions, PROFILE_FILE,
};

/// Arguments of `build`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "The bundle is <yyyyMMddHmmss>_<profile name>.tar.gz (time from \
SOURCE_DATE_EPOCH, else now). The same directory and SOURCE_DATE_EPOCH give the same bytes \
for any --jobs.\n\nExamples:\n  \
osbundle build profiles/win2016-custom -o dist/\n  \
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) osbundle build profiles/win2016-custom"
)]
pub struct BuildArgs {
    /// The profile directory (with profile.json).
    #[arg(value_name = "PROFILE_DIR")]
    pub profile_dir: PathBuf,
    /// Where to write the bundle.
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    pub output_dir: PathBuf,
    /// Build even when `check` finds errors.
    #[arg(long)]
    pub force: bool,
    /// Do not write `<bundle>.sha256` beside the bundle.
    #[arg(long)]
    pub no_sha256_file: bool,
    /// gzip level, 1 (fast) to 9 (small).
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=9))]
    pub level: u32,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
    /// Worker threads.
    #[command(flatten)]
    pub jobs: super::JobsArg,
}

/// `SOURCE_DATE_EPOCH`, or the current time.
fn epoch() -> Result<u64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH=\"{text}\" is not a number of seconds"
            ))
        }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())),
    }
}

/// Runs `build`: `check` first, then the bundle.
pub fn run(global: &GlobalArgs, args: BuildArgs) -> Result<Outcome> {
    let epoch = epoch()?;
    let dir = &args.profile_dir;
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() || !dir.join(PROFILE_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{} is not a profile directory (a folder with profile.json)",
            dir.display()
        )));
    }
    std::fs::metadata(&args.output_dir).map_err(|e| Error::io(&args.output_dir, e))?;
    let loaded = load_rules_in_force(global)?;
    let mut report = Report {
        findings: loaded.findings,
        checked: 0,
    };
    let settings = CheckSettings {
        rules: loaded.rules,
        os: None,
        release: None,
        platform: None,
        kind: None,
        progress: !global.quiet,
        ..CheckSettings::default()
    };
    report.merge(check(std::slice::from_ref(dir), &settings)?);
    global.project.apply_severity(&mut report);
    if report.failed(global.strict) && !args.force {
        let outcome = emit(global, &report, "file")?;
        if !global.quiet {
            eprintln!("osbundle: not built: fix the errors above, or pass --force");
        }
        return Ok(outcome);
    }
    let threads = global
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let build_settings = BuildSettings {
        out_dir: args.output_dir.clone(),
        epoch,
        level: args.level,
        threads,
        sha256_file: !args.no_sha256_file,
        progress: !global.quiet,
    };
    let outcome = build(dir, &dir.display().to_string(), &build_settings)?;
    report.merge(Report {
        findings: outcome.findings,
        checked: 0,
    });
    global.project.apply_severity(&mut report);
    let Some(built) = outcome.built else {
        return emit(global, &report, "file");
    };
    if global.format() == Format::Json {
        let mut doc = Vec::new();
        let options = WriteOptions {
            format: Format::Json,
            color: false,
            noun: "file",
            quiet: global.quiet,
        };
        write_report(&report, options, &mut doc).map_err(Error::Output)?;
        let mut value: serde_json::Value =
            serde_json::from_slice(&doc).map_err(|e| Error::Output(e.into()))?;
        value["bundle"] = serde_json::json!({
            "path": built.path.display().to_string(),
            "sha256": built.sha256,
            "size": built.size,
            "files": built.files,
            "sha256File": built.sha256_path.as_ref().map(|p| p.display().to_string()),
        });
        with_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        })?;
        return Ok(Outcome::of(&report, global.strict));
    }
    let outcome = if report.findings.is_empty() {
        Outcome::Valid
    } else {
        emit(global, &report, "file")?
    };
    with_stdout(|out| {
        writeln!(
            out,
            "built {} ({} bytes, {} files)\n{}  {}",
            built.path.display(),
            built.size,
            built.files,
            built.sha256,
            built
                .path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        )
    })?;
    Ok(outcome)
}
