//! Text views of what subcommands report besides findings: the rules table, the
//! bundle listing, delete plans, replies. Every name from a file or an archive goes
//! through [`escape`].

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::document::{ConfigShown, KeyPair};
use super::text::one_line;
use crate::api::delete::ims::ImsPlan;
use crate::api::delete::lxca::{LxcaPlan, Via};
use crate::api::reply::{Reply, Server, Status};
use crate::bundle::{Built, Verified};
use crate::kind::Kind;
use crate::names::escape;
use crate::rules::{list_names, RuleSet};

/// The rules as a `supportedImages` array in the reference's field names (flags as
/// the strings "true"/"false").
pub(crate) fn rules_json(rules: &RuleSet) -> Value {
    let images: Vec<Value> = rules
        .images
        .iter()
        .map(|os| {
            let mut m = Map::new();
            m.insert("name".into(), json!(os.name));
            if let Some(d) = &os.display_name {
                m.insert("displayName".into(), json!(d));
            }
            m.insert(
                "allowCustomPath".into(),
                json!(os.allow_custom_path.to_string()),
            );
            for kind in Kind::ALL {
                let k = os.kind(kind);
                if let Some(field) = kind.allow_field() {
                    m.insert(field.into(), json!(k.allowed.to_string()));
                }
                m.insert(kind.extension_field().into(), json!(k.extensions));
                if let Some(field) = kind.releases_field() {
                    m.insert(field.into(), json!(k.custom_releases));
                }
            }
            let releases: Vec<Value> = os
                .releases
                .iter()
                .map(|r| json!({ r.name.clone(): r.platforms }))
                .collect();
            m.insert("releases".into(), Value::Array(releases));
            Value::Object(m)
        })
        .collect();
    Value::Array(images)
}

/// The rules as a table.
pub(crate) fn rules_table(
    rules: &RuleSet,
    source: &str,
    embedded: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "rules: {}", escape(source))?;
    if embedded {
        writeln!(
            out,
            "(an example from 2018: the OSes, releases and extensions of the LXCA API documentation, with what its current pages say of custom files; pass your server's own saved GET /osImages reply with --rules FILE, or `rules` in osbundle.toml, for exact results)"
        )?;
    }
    for os in &rules.images {
        writeln!(out)?;
        match &os.display_name {
            Some(d) => writeln!(out, "{} ({d})", os.name)?,
            None => writeln!(out, "{}", escape(&os.name))?,
        }
        let releases: Vec<String> = os
            .releases
            .iter()
            .map(|r| format!("{} [{}]", r.name, r.platforms.join(", ")))
            .collect();
        writeln!(out, "  releases: {}", list_names(&releases, 100))?;
        writeln!(
            out,
            "  {:<9} {:<8} {:<24} custom releases",
            "kind", "custom", "extensions"
        )?;
        for kind in Kind::ALL {
            let k = os.kind(kind);
            let allowed = match kind.allow_field() {
                None => "-",
                Some(_) if k.allowed => "yes",
                Some(_) => "no",
            };
            let exts: Vec<String> = k.extensions.iter().map(|e| format!(".{e}")).collect();
            let releases = match (
                kind.releases_field(),
                k.allowed,
                k.custom_releases.is_empty(),
            ) {
                (None, _, _) | (_, false, _) => "-".to_string(),
                (_, true, true) => "all".to_string(),
                _ => list_names(&k.custom_releases, 100),
            };
            writeln!(
                out,
                "  {:<9} {:<8} {:<24} {releases}",
                kind.as_str(),
                allowed,
                if exts.is_empty() {
                    "-".to_string()
                } else {
                    exts.join(" ")
                },
            )?;
        }
    }
    Ok(())
}

/// `inspect`: the bundle, its metadata and the entries.
pub(crate) fn inspected(shown: &str, v: &Verified, out: &mut dyn Write) -> io::Result<()> {
    let text = |key: &str| {
        v.metadata
            .as_ref()
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .map_or_else(|| "?".to_string(), |s| escape(s).into_owned())
    };
    writeln!(out, "bundle   {}", escape(shown))?;
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
            e.label,
            e.size,
            e.sha256,
            escape(&e.name)
        )?;
    }
    Ok(())
}

/// `build`: where the bundle went and its `sha256sum` line.
pub(crate) fn built(built: &Built, out: &mut dyn Write) -> io::Result<()> {
    let path = crate::names::from_path(&built.path);
    let name = built
        .path
        .file_name()
        .map(crate::names::from_os)
        .unwrap_or_default();
    writeln!(
        out,
        "built {} ({} bytes, {} files)\n{}  {}",
        escape(&path),
        built.size,
        built.files,
        built.sha256,
        escape(&name)
    )
}

/// An LXCA delete plan.
pub(crate) fn lxca_plan(plan: &LxcaPlan, out: &mut dyn Write) -> io::Result<()> {
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
pub(crate) fn ims_plan(plan: &ImsPlan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "request: {} {}", plan.method, plan.path)?;
    writeln!(out, "Content-Type: application/json")?;
    writeln!(out)?;
    serde_json::to_writer_pretty(&mut *out, &plan.body)?;
    writeln!(out)?;
    writeln!(out)
}

/// The reply, readably: server, status, job, messages with explanation and recovery.
pub(crate) fn reply(reply: &Reply, out: &mut dyn Write) -> io::Result<()> {
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
            crate::api::reply::status_meaning(code)
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

/// `config show`: the file in force, then one line per setting with its source.
pub(crate) fn config_shown(shown: &ConfigShown, out: &mut dyn Write) -> io::Result<()> {
    match &shown.config_file {
        Some(file) => writeln!(
            out,
            "configuration file: {} ({})",
            escape(&file.path),
            file.origin
        )?,
        None => writeln!(
            out,
            "configuration file: none (no {} from the current directory upward)",
            crate::project::FILE_NAME
        )?,
    }
    let width = shown
        .settings
        .iter()
        .map(|s| s.key.len())
        .max()
        .unwrap_or(0);
    for s in &shown.settings {
        let value = s.value.as_deref().map_or("-".into(), escape);
        writeln!(out, "{:<width$}  {value}  ({})", s.key, escape(&s.source))?;
    }
    Ok(())
}

/// `keygen`: the key ID and where the two keys went.
pub(crate) fn key_pair(key: &KeyPair, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "key ID      {}", key.key_id)?;
    writeln!(
        out,
        "public key  {} ({})",
        escape(&key.public_key_file),
        key.public_key
    )?;
    writeln!(
        out,
        "secret key  {} (mode 0600{})",
        escape(&key.secret_key_file),
        if key.encrypted { "" } else { ", unencrypted" }
    )
}

/// One text line for a signature file: status, scheme, signer, trusted comment.
pub(crate) fn signature_line(s: &crate::sign::SignatureInfo) -> String {
    use crate::sign::Status as SignatureStatus;
    let status = match s.status {
        SignatureStatus::Good => "good",
        SignatureStatus::Bad => "BAD",
        SignatureStatus::Unchecked => "not checked (no key given)",
    };
    let mut line = format!("{}: {status} {} signature", escape(&s.file), s.scheme);
    if let Some(signer) = &s.signer {
        line.push_str(&format!(" by {}", escape(signer)));
    }
    if let Some(comment) = &s.trusted_comment {
        line.push_str(&format!("; trusted comment: {}", escape(comment)));
    }
    line
}

/// `macros`: one line per macro, `#name#` and where it comes from.
pub(crate) fn macro_sources(
    macros: &[crate::macro_sources::MacroSource],
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = macros
        .iter()
        .map(|m| m.name.chars().count() + 2)
        .max()
        .unwrap_or(0);
    for m in macros {
        let name = format!("#{}#", escape(&m.name));
        writeln!(out, "{name:width$}  {}", escape(&m.source))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_slice;

    #[test]
    fn json_round_trips_through_the_loader() {
        let rules = RuleSet::embedded();
        let text = serde_json::to_string(&rules_json(&rules)).unwrap();
        let again = load_slice(text.as_bytes(), "x").unwrap();
        assert!(again.findings.is_empty(), "{:?}", again.findings);
        assert_eq!(again.rules.images, rules.images);
    }
}
