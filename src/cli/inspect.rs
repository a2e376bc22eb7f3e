//! `osbundle inspect BUNDLE`

use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Value};

use super::verify::{settings, LimitArgs};
use super::{use_color, with_stdout, GlobalArgs, Outcome};
use osbundle::{inspect, write_report, Error, Format, Report, Result, WriteOptions};

/// Arguments of `inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// The bundle; `-` reads standard input.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// Limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
}

/// Runs `inspect`: metadata and listing, then any findings (exit 1 on errors).
pub fn run(global: &GlobalArgs, args: InspectArgs) -> Result<Outcome> {
    let (settings, mut report) = settings(global, &args.limits)?;
    let v = inspect(&args.bundle, &settings)?;
    report.merge(Report {
        findings: v.findings,
        checked: 1,
    });
    global.project.apply_severity(&mut report);
    let shown = args.bundle.display().to_string();
    let outcome = Outcome::of(&report, global.strict);
    if global.format() == Format::Json {
        let mut doc = Vec::new();
        let options = WriteOptions {
            format: Format::Json,
            color: false,
            noun: "bundle",
            quiet: true,
        };
        write_report(&report, options, &mut doc).map_err(Error::Output)?;
        let mut value: Value = serde_json::from_slice(&doc).map_err(|e| Error::Output(e.into()))?;
        value["bundle"] = json!(shown);
        value["metadata"] = v.metadata.clone().unwrap_or(Value::Null);
        value["entries"] = serde_json::to_value(&v.entries).map_err(|e| Error::Output(e.into()))?;
        with_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        })?;
        return Ok(outcome);
    }
    let text = |key: &str| {
        v.metadata
            .as_ref()
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    let options = WriteOptions {
        format: global.format(),
        color: use_color(global.color),
        noun: "bundle",
        quiet: global.quiet,
    };
    with_stdout(|out| {
        writeln!(out, "bundle   {shown}")?;
        if v.metadata.is_some() {
            writeln!(
                out,
                "profile  {} ({} {})",
                text("id"),
                text("os"),
                text("osrelease")
            )?;
            writeln!(out, "created  {} ({})", text("created"), text("timestamp"))?;
        }
        let total: u64 = v.entries.iter().map(|e| e.size).sum();
        writeln!(out, "entries  {} ({total} bytes)", v.entries.len())?;
        writeln!(out, "{:<9} {:>12}  {:<64}  NAME", "KIND", "SIZE", "SHA256")?;
        for e in &v.entries {
            writeln!(
                out,
                "{:<9} {:>12}  {}  {}",
                e.kind, e.size, e.sha256, e.name
            )?;
        }
        if !report.findings.is_empty() {
            writeln!(out)?;
            write_report(&report, options, out)?;
        }
        Ok(())
    })?;
    Ok(outcome)
}
