//! `osbundle reply FILE|-`: read a saved server reply; exit 1 if it reports a failure.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{with_stdout, GlobalArgs, Outcome};
use osbundle::{
    read_input, read_reply, write_report, Finding, Format, Reply, ReplyStatus as Status, Report,
    Result, Server, Summary,
};

/// Arguments of `reply`.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = "Examples:\n  \
curl -s -X DELETE ... | osbundle reply - && echo deleted\n  \
osbundle reply --format json export-reply.json\n\n\
Exit codes: 0 the reply reports success (LXCA result \"success\", an export reply with \
filename and jobID, an empty 204 body); 1 it reports a failure (result \"failed\", an IMS or \
OpenStack error body), is of no known form, or is not valid JSON (the position is given, \
and the reply is still read as far as possible); 2 the file cannot be read.")]
pub struct ReplyArgs {
    /// The saved reply body; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub path: PathBuf,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
}

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    reply: &'a Reply,
    findings: &'a [Finding],
    summary: Summary,
}

/// Runs `reply`.
pub fn run(global: &GlobalArgs, args: ReplyArgs) -> Result<Outcome> {
    let bytes = read_input(&args.path)?;
    let reply = read_reply(&bytes, &args.path.display().to_string());
    let mut report = Report {
        findings: reply.findings.clone(),
        checked: 1,
    };
    global.project.apply_severity(&mut report);
    let options = global.write_options("reply");
    with_stdout(|out| match global.format() {
        Format::Json => {
            let doc = Doc {
                version: 1,
                reply: &reply,
                findings: &report.findings,
                summary: report.summary(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Text => {
            write_text(&reply, out)?;
            write_report(&report, options, out)
        }
        Format::Sarif | Format::Github => write_report(&report, options, out),
    })?;
    Ok(Outcome::of(&report, global.strict))
}

/// The reply, readably: server, status, job, messages with explanation and recovery.
pub fn write_text(reply: &Reply, out: &mut dyn Write) -> io::Result<()> {
    let server = match reply.server {
        Server::Lxca => "LXCA",
        Server::Ims => "IMS / OpenStack",
        Server::None => "empty body (a 204 No Content reply of either server)",
        Server::Unknown => "unknown",
    };
    let status = match reply.status {
        Status::Success => "success",
        Status::Failed => "FAILED",
        Status::Unknown => "unknown",
    };
    writeln!(out, "server:  {server}")?;
    match &reply.result {
        Some(result) => writeln!(out, "status:  {status} (result \"{result}\")")?,
        None => writeln!(out, "status:  {status}")?,
    }
    if reply.lenient {
        writeln!(out, "note:    not valid JSON; read leniently")?;
    }
    if let Some(filename) = &reply.filename {
        writeln!(out, "file:    {filename}")?;
    }
    if let Some(job) = &reply.job_id {
        writeln!(
            out,
            "job:     {job} (the job runs in the background; follow it with GET /tasks/{job})"
        )?;
    }
    if let Some(error) = &reply.error {
        if !error.kind.is_empty() {
            writeln!(out, "error:   {}", error.kind)?;
        }
        if let Some(code) = &error.code {
            writeln!(out, "code:    {code}")?;
        }
        if let Some(message) = &error.message {
            writeln!(out, "message: {}", one_line(message))?;
        }
    }
    for m in &reply.messages {
        writeln!(out, "message {}", one_line(&m.headline()))?;
        if let Some(e) = m.explanation.as_deref().filter(|e| !e.is_empty()) {
            writeln!(out, "  explanation: {}", one_line(e))?;
        }
        for r in &m.recovery {
            if let Some(t) = r.text.as_deref().filter(|t| !t.is_empty()) {
                writeln!(out, "  recovery:    {}", one_line(t))?;
            }
            if let Some(u) = r.url.as_deref().filter(|u| !u.is_empty()) {
                writeln!(out, "  see:         {u}")?;
            }
        }
    }
    Ok(())
}

/// Messages are single lines in the text output.
fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\r', '\n'], " ")
}
