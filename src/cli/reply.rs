//! `osbundle reply FILE|-`: read a saved server reply; exit 1 if it reports a failure.

use std::path::PathBuf;

use clap::Args;

use super::{emit_document, Outcome, RunSettings};
use osbundle::api::reply;
use osbundle::input;
use osbundle::report::Report;
use osbundle::Result;

/// Arguments of `reply`.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = "Examples:\n  \
code=$(curl -s -o reply.json -w '%{http_code}' -X DELETE ...)\n  \
osbundle reply --status \"$code\" reply.json && echo deleted\n  \
osbundle reply --format json export-reply.json\n\n\
Exit codes: 0 the reply reports success (LXCA result \"success\", an export reply with \
filename and jobID, an empty body with --status 204); 1 it reports a failure (result \"failed\", an IMS or \
OpenStack error body), is of no known form, or is not valid JSON (the position is given, \
and the reply is still read as far as possible); 2 the file cannot be read.")]
pub struct ReplyArgs {
    /// The saved reply body; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub path: PathBuf,
    /// The HTTP status of the reply (curl -w '%{http_code}'): judges empty and non-JSON
    /// bodies, and a 4xx or 5xx status always fails.
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(100..=599))]
    pub status: Option<u16>,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

/// Runs `reply`.
pub fn run(global: &RunSettings, args: ReplyArgs) -> Result<Outcome> {
    let bytes = input::read_path(&args.path)?;
    let reply =
        reply::read_with_status(&bytes, &osbundle::names::from_path(&args.path), args.status);
    let report = Report {
        findings: reply.findings.clone(),
        checked: 1,
        subjects: vec![osbundle::names::from_path(&args.path)],
    };
    emit_document(global, &report, &reply, "reply")
}

impl super::Run for ReplyArgs {
    fn options(&self) -> super::Options<'_> {
        super::Options::default().report(&self.report)
    }

    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
