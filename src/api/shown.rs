//! What the `delete-plan` and `reply` subcommands show: a delete plan (its
//! request, what it removes, what it leaves unused) and a server's reply, as text
//! and as the members of the JSON envelope.

use std::io::{self, Write};

use serde::Serialize;

use super::delete::ims::ImsPlan;
use super::delete::lxca::{LxcaPlan, Via};
use super::delete::{Status as ResponseStatus, IMS_STATUS, LXCA_STATUS};
use super::reply::{Reply, Server, Status};
use crate::names::escape;
use crate::report::text::one_line;
use crate::report::Output;

/// A delete plan in JSON: the server, the request, the responses it may give.
#[derive(Serialize)]
struct Delete<'a, R: Serialize> {
    server: &'static str,
    request: &'a R,
    responses: &'a [ResponseStatus],
}

/// `delete-plan --inventory`.
impl Output for LxcaPlan {
    fn members(&self) -> impl Serialize + '_ {
        Delete {
            server: "lxca",
            request: self,
            responses: &LXCA_STATUS,
        }
    }

    fn write_view(&self, out: &mut dyn Write) -> io::Result<()> {
        lxca_plan(self, out)
    }
}

/// `delete-plan --ims`.
impl Output for ImsPlan {
    fn members(&self) -> impl Serialize + '_ {
        Delete {
            server: "ims",
            request: self,
            responses: &IMS_STATUS,
        }
    }

    fn write_view(&self, out: &mut dyn Write) -> io::Result<()> {
        ims_plan(self, out)
    }
}

#[derive(Serialize)]
struct ReplyMembers<'a> {
    reply: &'a Reply,
}

/// `reply`.
impl Output for Reply {
    fn members(&self) -> impl Serialize + '_ {
        ReplyMembers { reply: self }
    }

    fn write_view(&self, out: &mut dyn Write) -> io::Result<()> {
        reply(self, out)
    }
}

/// An LXCA delete plan.
fn lxca_plan(plan: &LxcaPlan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "request: {} {}", plan.method, plan.path)?;
    let r = &plan.removes;
    if r.images.is_empty() && r.profiles.is_empty() && r.files.is_empty() {
        writeln!(out, "removes: nothing")?;
    } else {
        writeln!(out, "removes:")?;
        for image in &r.images {
            writeln!(out, "  image    {}", escape(image))?;
            for p in r.profiles.iter().filter(|p| &p.image == image) {
                writeln!(out, "    profile  {} (with its image)", escape(&p.id))?;
            }
        }
        for p in r.profiles.iter().filter(|p| p.via == Via::Requested) {
            writeln!(out, "  profile  {}", escape(&p.id))?;
        }
        for f in &r.files {
            writeln!(out, "  file     {} ({})", escape(&f.id), f.kind)?;
        }
    }
    if !plan.unreferenced_files.is_empty() {
        writeln!(
            out,
            "left unused (custom files only the removed profiles reference):"
        )?;
        for f in &plan.unreferenced_files {
            writeln!(out, "  file     {}", escape(f))?;
        }
    }
    Ok(())
}

/// An IMS delete plan.
fn ims_plan(plan: &ImsPlan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "request: {} {}", plan.method, plan.path)?;
    writeln!(out, "Content-Type: application/json")?;
    writeln!(out)?;
    serde_json::to_writer_pretty(&mut *out, &plan.body)?;
    writeln!(out)?;
    writeln!(out)
}

/// The reply, readably: server, status, job, messages with explanation and recovery.
fn reply(reply: &Reply, out: &mut dyn Write) -> io::Result<()> {
    let server = match reply.server {
        Server::Lxca => "LXCA",
        Server::Ims => "IMS / OpenStack",
        Server::None => "empty body (a 204 No Content, or an error saved by curl -s)",
        Server::Unknown => "unknown",
    };
    let status = match reply.status {
        Status::Success => "success",
        Status::Failed => "FAILED",
        Status::Unknown => "unknown",
    };
    writeln!(out, "server:  {server}")?;
    if let Some(code) = reply.http_status {
        writeln!(
            out,
            "http:    {code} ({})",
            super::reply::status_meaning(code)
        )?;
    }
    match &reply.result {
        Some(result) => writeln!(out, "status:  {status} (result \"{}\")", escape(result))?,
        None => writeln!(out, "status:  {status}")?,
    }
    if reply.lenient {
        writeln!(out, "note:    not valid JSON; read leniently")?;
    }
    if let Some(filename) = &reply.filename {
        writeln!(out, "file:    {}", escape(filename))?;
    }
    if let Some(job) = &reply.job_id {
        let job = escape(job);
        writeln!(
            out,
            "job:     {job} (the job runs in the background; follow it with GET /tasks/{job})"
        )?;
    }
    if let Some(error) = &reply.error {
        if !error.kind.is_empty() {
            writeln!(out, "error:   {}", escape(&error.kind))?;
        }
        if let Some(code) = &error.code {
            writeln!(out, "code:    {}", escape(code))?;
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
                writeln!(out, "  see:         {}", escape(u))?;
            }
        }
    }
    Ok(())
}
