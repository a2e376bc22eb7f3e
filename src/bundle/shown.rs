//! What `build`, `inspect` and `extract` show: the bundle written, a bundle's
//! listing, where a bundle was extracted to, as text, GitHub notices and the members
//! of the JSON envelope.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{Built, DownloadChecksum, EntryInfo, Verified};
use crate::findings::Report;
use crate::names::{escape, from_path};
use crate::report::{despite, errors_forced, text, Output, WriteOptions};

/// `build`: the bundle, when one was written.
#[derive(Debug, Clone, Copy)]
pub struct BuildShown<'a> {
    /// The bundle, when one was written.
    pub built: Option<&'a Built>,
    /// `Some(n)`: written despite `n` errors, under `--force`.
    pub forced: Option<usize>,
}

/// `build`'s bundle in JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuiltJson {
    path: String,
    sha256: String,
    size: u64,
    files: usize,
    sha256_file: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    removed: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildMembers {
    bundle: Option<BuiltJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    despite_errors: Option<usize>,
}

impl Output for BuildShown<'_> {
    fn members(&self) -> impl Serialize + '_ {
        let path = |p: &Path| from_path(p);
        BuildMembers {
            bundle: self.built.map(|b| BuiltJson {
                path: path(&b.path),
                sha256: b.sha256.clone(),
                size: b.size,
                files: b.files,
                sha256_file: b.sha256_path.as_deref().map(path),
                removed: b.removed.iter().map(|p| path(p)).collect(),
            }),
            despite_errors: self.forced.filter(|_| self.built.is_some()),
        }
    }

    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let Some(b) = self.built else {
            return text::write(report, options, out);
        };
        // A clean build prints only what it built.
        if !report.findings.is_empty() {
            text::write(report, options, out)?;
        }
        if let Some(errors) = self.forced {
            writeln!(out, "built despite {}", errors_forced(errors))?;
        }
        built(b, out)
    }

    fn github_notice(&self) -> Option<String> {
        let b = self.built?;
        Some(format!(
            "built {} ({} bytes, {} files, SHA-256 {}){}",
            from_path(&b.path),
            b.size,
            b.files,
            b.sha256,
            despite(self.forced)
        ))
    }

    fn checks_files(&self) -> bool {
        true
    }
}

/// `inspect`: the bundle as shown, and what reading it gave.
#[derive(Debug, Clone, Copy)]
pub struct InspectShown<'a> {
    /// The bundle as given.
    pub bundle: &'a str,
    /// Metadata, entries and layout.
    pub verified: &'a Verified,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InspectMembers<'a> {
    layout: &'static str,
    bundle: &'a str,
    metadata: Option<&'a Value>,
    entries: &'a [EntryInfo],
    download_checksum: &'a DownloadChecksum,
}

impl Output for InspectShown<'_> {
    fn members(&self) -> impl Serialize + '_ {
        let verified = self.verified;
        InspectMembers {
            layout: verified.layout,
            bundle: self.bundle,
            metadata: verified.metadata.as_ref(),
            entries: &verified.entries,
            download_checksum: &verified.download_checksum,
        }
    }

    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        inspected(self.bundle, self.verified, out)?;
        let line = self.verified.download_checksum.line(self.bundle);
        writeln!(out, "{}", escape(&line))?;
        if !report.findings.is_empty() {
            writeln!(out)?;
            text::write(report, options, out)?;
        }
        Ok(())
    }
}

/// `extract`: where the bundle went, when it verified.
#[derive(Debug, Clone, Copy)]
pub struct ExtractShown<'a> {
    /// The folder it was extracted to.
    pub target: Option<&'a Path>,
    /// `SOURCE_DATE_EPOCH` that rebuilds the same bundle from that folder.
    pub rebuild_epoch: Option<u64>,
    /// The bundle as given.
    pub bundle: &'a str,
    /// The checksum of the bundle file that was checked.
    pub download_checksum: &'a DownloadChecksum,
    /// `Some(n)`: extracted despite `n` errors, under `--force`.
    pub forced: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractMembers<'a> {
    extracted_to: Option<String>,
    download_checksum: &'a DownloadChecksum,
    #[serde(skip_serializing_if = "Option::is_none")]
    despite_errors: Option<usize>,
}

impl Output for ExtractShown<'_> {
    fn members(&self) -> impl Serialize + '_ {
        ExtractMembers {
            extracted_to: self.target.map(from_path),
            download_checksum: self.download_checksum,
            despite_errors: self.forced.filter(|_| self.target.is_some()),
        }
    }

    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let checksum = self.download_checksum;
        // An absent checksum is a finding already: said once.
        let lines: Vec<String> = (!checksum.absent())
            .then(|| escape(&checksum.line(self.bundle)).into_owned())
            .into_iter()
            .collect();
        text::write_with_lines(report, options, &lines, out)?;
        let Some(target) = self.target.filter(|_| !options.quiet) else {
            return Ok(());
        };
        let shown = escape(&from_path(target)).into_owned();
        if let Some(errors) = self.forced {
            writeln!(out, "extracted despite {}", errors_forced(errors))?;
        }
        writeln!(out, "extracted to {shown}")?;
        match self.rebuild_epoch {
            Some(epoch) => writeln!(
                out,
                "rebuild: SOURCE_DATE_EPOCH={epoch} osbundle build {shown}"
            ),
            None => Ok(()),
        }
    }

    fn github_notice(&self) -> Option<String> {
        let target = self.target?;
        Some(format!(
            "extracted to {}{}",
            from_path(target),
            despite(self.forced)
        ))
    }
}

/// `inspect`: the bundle, its metadata and the entries.
fn inspected(shown: &str, v: &Verified, out: &mut dyn Write) -> io::Result<()> {
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
fn built(built: &Built, out: &mut dyn Write) -> io::Result<()> {
    let path = from_path(&built.path);
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
