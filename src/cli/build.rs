//! `osbundle build PROFILE_DIR`

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::Args;

use super::{emit_document, load_rules_in_force, Outcome, RunSettings};
use osbundle::bundle::{self, BuildSettings, BuildShown};
use osbundle::check::{self, CheckSettings, WalkOptions};
use osbundle::profile::PROFILE_FILE;
use osbundle::report::Report;
use osbundle::{Error, Result};

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
    /// The folder to write the bundle to (created when missing).
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    pub output_dir: PathBuf,
    /// Build even when `check` finds errors in the files (an `.exe` in drivers/, an
    /// unknown macro, a file outside the kind folders, which is left out); never past
    /// names a bundle cannot hold, links, unreadable files or an unusable profile.json.
    #[arg(long)]
    pub force: bool,
    /// Do not write `<bundle>.sha256` beside the bundle.
    #[arg(long)]
    pub no_sha256_file: bool,
    /// Replace an existing bundle of the same name; the files beside it (.sha256,
    /// .minisig, .sig) go with it.
    #[arg(long)]
    pub overwrite: bool,
    /// Leave out of the bundle the entries of the profile that match GLOB (gitignore
    /// syntax, relative to the profile directory); adds to `exclude` of osbundle.toml.
    /// Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read no .gitignore or .ignore files (hidden entries stay left out).
    #[arg(long)]
    pub no_ignore: bool,
    /// gzip level, 0 (store) or 1 (fast) to 9 (small); what deflate cannot shrink is stored.
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=9))]
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
    /// How deep payloads are read.
    #[command(flatten)]
    pub deep: super::DeepArg,
}

/// `SOURCE_DATE_EPOCH`, or the current time.
pub(crate) fn epoch() -> Result<u64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => {
            let epoch: u64 = text.trim().parse().map_err(|_| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH=\"{text}\" is not a number of seconds"
                ))
            })?;
            if epoch > bundle::MAX_EPOCH {
                return Err(Error::Usage(format!(
                    "SOURCE_DATE_EPOCH={epoch} is past 9999-12-31T23:59:59Z ({}), the last time a bundle's 14-digit timestamp can hold",
                    bundle::MAX_EPOCH
                )));
            }
            Ok(epoch)
        }
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())),
    }
}

/// `-o DIR` names a folder: an existing one, or one to create. A path that exists
/// and is no folder, or that names a bundle file (`dist/x.tar.gz`), is a usage error.
fn check_output_dir(dir: &std::path::Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::Usage(format!(
            "-o {}: not a folder; -o takes the folder the bundle is written to",
            osbundle::names::from_path(dir)
        ))),
        Err(_) => {
            let name = dir.file_name().map(|n| n.to_string_lossy().to_lowercase());
            if name.is_some_and(|n| n.ends_with(".tar.gz") || n.ends_with(".tgz")) {
                return Err(Error::Usage(format!(
                    "-o {}: -o takes a folder, not a file name; the bundle is named <timestamp>_<profile name>.tar.gz",
                    osbundle::names::from_path(dir)
                )));
            }
            Ok(())
        }
    }
}

/// Runs `build`: `check` first, then the bundle.
pub fn run(global: &RunSettings, args: BuildArgs) -> Result<Outcome> {
    let epoch = epoch()?;
    let dir = &args.profile_dir;
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() || !dir.join(PROFILE_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{} is not a profile directory (a folder with profile.json)",
            osbundle::names::from_path(dir)
        )));
    }
    check_output_dir(&args.output_dir)?;
    osbundle::cleanup::install_signal_handlers()
        .map_err(|e| Error::Usage(format!("cannot handle signals: {e}")))?;
    let loaded = load_rules_in_force(global)?;
    let mut report = Report {
        findings: loaded.findings,
        checked: 0,
        subjects: Vec::new(),
    };
    let walk = WalkOptions {
        ignore_files: !args.no_ignore,
        exclude: super::exclude_globs(global, args.exclude),
        ..WalkOptions::default()
    };
    let settings = CheckSettings {
        rules: loaded.rules,
        os: None,
        release: None,
        platform: None,
        kind: None,
        progress: !global.quiet,
        walk,
        deep: args.deep.deep,
        ..CheckSettings::default()
    };
    report.merge(check::run(std::slice::from_ref(dir), &settings)?);
    // Judged as `emit_document` will show it: ignores and severities applied once
    // (there, to the report as it is).
    let mut judged = report.clone();
    global.project.apply(
        &mut judged,
        &std::env::current_dir().unwrap_or_default(),
        true,
    );
    if judged.failed(global.strict) && !args.force {
        let not_built = BuildShown {
            built: None,
            forced: None,
        };
        let outcome = emit_document(global, &report, &not_built, "file")?;
        if !global.quiet {
            let blocking = super::unforceable(&judged);
            if blocking.is_empty() {
                eprintln!(
                    "osbundle: not built: fix the errors above, or pass --force to build despite them"
                );
            } else {
                eprintln!(
                    "osbundle: not built: fix the errors above ({} cannot be forced)",
                    blocking.join(", ")
                );
            }
        }
        return Ok(outcome);
    }
    let errors = judged.summary().errors;
    let threads = global
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let out_dir = &args.output_dir;
    if std::fs::symlink_metadata(out_dir).is_err() {
        std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    }
    for note in osbundle::cleanup::sweep(out_dir) {
        super::say("note", &note);
    }
    let build_settings = BuildSettings {
        out_dir: args.output_dir.clone(),
        epoch,
        level: args.level,
        threads,
        sha256_file: !args.no_sha256_file,
        progress: !global.quiet,
        overwrite: args.overwrite,
        excludes: settings.walk.excludes(),
    };
    let outcome = bundle::build(dir, &osbundle::names::from_path(dir), &build_settings)?;
    report.merge(Report {
        findings: outcome.findings,
        checked: 0,
        subjects: Vec::new(),
    });
    let shown = BuildShown {
        built: outcome.built.as_ref(),
        forced: (errors > 0).then_some(errors),
    };
    let emitted = emit_document(global, &report, &shown, "file")?;
    if global.quiet {
        return Ok(emitted);
    }
    match &outcome.built {
        Some(built) => {
            for path in &built.removed {
                let shown = osbundle::names::from_path(path);
                super::say(
                    "note",
                    &format!("removed {shown}: it was of the bundle this build replaced"),
                );
            }
        }
        None => {
            let blocking = super::unforceable(&report);
            if blocking.is_empty() {
                eprintln!("osbundle: not built: fix the errors above");
            } else {
                eprintln!(
                    "osbundle: not built: --force does not build past {}; fix them",
                    blocking.join(", ")
                );
            }
        }
    }
    Ok(emitted)
}

impl super::Run for BuildArgs {
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
