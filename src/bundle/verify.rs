//! `verify` and `inspect`: one streaming pass over a bundle.
//!
//! The gzip stream is inflated on a second thread ([`super::gzip::with_inflated`]);
//! this thread parses tar headers, applies the [`super::safety`] rules and the
//! [`Limits`], hashes every entry, feeds the ledger and runs the rules checks of
//! `check` on the files inside. At the end of the stream it cross-checks the
//! entries against `SHA256SUMS`, `metadata.json` and `CHECKSUM`, and the bundle
//! file against `<bundle>.sha256` when that file is beside it.
//!
//! Memory: the inflate buffers, one digest state, and the small entries that are
//! read whole (each under its limit in [`super::limits`]), one at a time.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, BufRead, Read};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::format::{self, Ledger, Role, CHECKSUM, MANIFEST, METADATA};
use super::gzip::{self, StreamEnd};
use super::limits::{show_size, CHECKSUM_MAX, MANIFEST_MAX, METADATA_MAX, TEXT_MAX};
use super::metadata::{self, Metadata};
use super::safety::{mode_problem, name_problem, type_problem, NameSet};
use super::tar::{Header, TarReader};
use super::{hex, Fault, Limits};
use crate::check::{name_findings, resolve_scope, Scope, Source};
use crate::config;
use crate::error::{Error, Result};
use crate::findings::{sort_findings, Finding, Rule};
use crate::json::Document;
use crate::kind::Kind;
use crate::macros::{self, MacroCatalog};
use crate::rules::RuleSet;
use crate::schemas::{self, SchemaName};

/// Validated settings of a verify, inspect or extract run, shared by all workers.
#[derive(Debug, Clone, Default)]
pub struct VerifySettings {
    /// The rules the files inside are checked against.
    pub rules: RuleSet,
    /// The limits.
    pub limits: Limits,
    /// Advanced by the compressed bytes read from bundle files (not standard input).
    pub progress: crate::progress::Progress,
}

/// One entry of a bundle, as listed by `inspect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryInfo {
    /// The entry name (lossy UTF-8).
    pub name: String,
    /// What it is: `metadata`, a kind (`driver`, ...), `manifest`, `checksum`, `other`.
    pub kind: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of its data, hex.
    pub sha256: String,
    /// Whether it passed the safety rules.
    #[serde(skip)]
    pub safe: bool,
    #[serde(skip)]
    role: Role,
}

/// The outcome of reading one bundle.
#[derive(Debug, Default)]
pub struct Verified {
    /// Findings, in report order.
    pub findings: Vec<Finding>,
    /// Entries in archive order (up to where reading stopped).
    pub entries: Vec<EntryInfo>,
    /// `metadata.json`, when it parsed.
    pub metadata: Option<serde_json::Value>,
    /// Whether the whole stream was read (no damage, no limit hit).
    pub complete: bool,
}

/// Receives the data of every safe entry (extraction).
pub trait Sink {
    /// A new entry `name` (safe: checked by [`super::safety`]) with tar `mode`.
    fn begin(&mut self, name: &str, mode: u32) -> io::Result<()>;
    /// The next piece of its data.
    fn data(&mut self, chunk: &[u8]) -> io::Result<()>;
    /// The entry is complete.
    fn end(&mut self) -> io::Result<()>;
}

/// Verifies the bundle at `path` (`-` is standard input). An unreadable path is an
/// error (exit 2); everything about its content is a finding.
pub fn verify_path(path: &Path, settings: &VerifySettings) -> Result<Verified> {
    verify_path_into(path, settings, None)
}

/// `inspect`: the same single pass as [`verify_path`], kept for its listing.
pub fn inspect(path: &Path, settings: &VerifySettings) -> Result<Verified> {
    verify_path(path, settings)
}

/// [`verify_path`] that also hands every safe entry to `sink`.
pub fn verify_path_into(
    path: &Path,
    settings: &VerifySettings,
    sink: Option<&mut dyn Sink>,
) -> Result<Verified> {
    let display = path.display().to_string();
    if path.as_os_str() == "-" {
        let (verified, sink_error) = verify_reader(io::stdin(), &display, settings, None, sink);
        return finish(verified, sink_error, path);
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::io(
            path,
            io::Error::other("is a directory, not a bundle"),
        ));
    }
    let mut early = Vec::new();
    let side = sidecar(path, &display, &mut early);
    let file = crate::progress::CountingReader::new(file, settings.progress.clone());
    let (mut verified, sink_error) = verify_reader(file, &display, settings, side, sink);
    if !early.is_empty() {
        verified.findings.extend(early);
        sort_findings(&mut verified.findings);
    }
    finish(verified, sink_error, path)
}

fn finish(verified: Verified, sink_error: Option<io::Error>, path: &Path) -> Result<Verified> {
    match sink_error {
        Some(e) => Err(Error::io(path, e)),
        None => Ok(verified),
    }
}

/// The digest recorded in `<bundle>.sha256`, when that file exists.
fn sidecar(path: &Path, display: &str, findings: &mut Vec<Finding>) -> Option<[u8; 32]> {
    let mut name = path.file_name()?.to_os_string();
    name.push(".sha256");
    let side = path.with_file_name(name);
    let file = std::fs::File::open(&side).ok()?;
    let mut text = String::new();
    let shown = format!("{display}.sha256");
    if file.take(4096).read_to_string(&mut text).is_err() {
        findings.push(Finding::error(
            Rule::BundleChecksumMismatch,
            shown,
            "cannot read this checksum file",
        ));
        return None;
    }
    let digest = text.split_whitespace().next().and_then(super::parse_digest);
    if digest.is_none() {
        findings.push(Finding::error(
            Rule::BundleChecksumMismatch,
            shown,
            "not a `sha256sum` line (`<64 hex digits>  <file name>`)",
        ));
    }
    digest
}

enum Stop {
    Fault(Fault),
    Sink(io::Error),
}

impl From<Fault> for Stop {
    fn from(f: Fault) -> Self {
        Stop::Fault(f)
    }
}

/// Verifies the gzip bundle read from `source`, shown as `display`. `file_sha256`
/// is the digest the bundle file must have (from `<bundle>.sha256`). Returns the
/// outcome and the error of `sink`, if writing to it failed.
pub fn verify_reader(
    source: impl Read + Send,
    display: &str,
    settings: &VerifySettings,
    file_sha256: Option<[u8; 32]>,
    sink: Option<&mut dyn Sink>,
) -> (Verified, Option<io::Error>) {
    let mut state = State::new(display, settings);
    let (result, end) = gzip::with_inflated(
        source,
        &settings.limits,
        file_sha256.is_some(),
        |inflated| {
            let result = {
                let mut tar = TarReader::new(&mut *inflated);
                state.run(&mut tar, sink)
            };
            (result, inflated.end().cloned())
        },
    );
    let mut sink_error = None;
    let complete = match (result, end) {
        (Ok(()), Some(Ok(end))) => {
            state.end_of_stream(&end, file_sha256);
            true
        }
        (Ok(()), Some(Err(fault))) | (Err(Stop::Fault(fault)), _) => {
            state
                .findings
                .push(Finding::error(fault.rule, display, fault.message));
            false
        }
        (Ok(()), None) => {
            state.findings.push(Finding::error(
                Rule::BundleCorrupt,
                display,
                "the stream ended early",
            ));
            false
        }
        (Err(Stop::Sink(e)), _) => {
            sink_error = Some(e);
            false
        }
    };
    if complete {
        state.cross_check();
    }
    let mut findings = state.findings;
    sort_findings(&mut findings);
    let verified = Verified {
        findings,
        entries: state.entries,
        metadata: state.doc.map(|d| d.value().clone()),
        complete,
    };
    (verified, sink_error)
}

struct State<'a> {
    display: &'a str,
    rules: &'a RuleSet,
    limits: Limits,
    findings: Vec<Finding>,
    entries: Vec<EntryInfo>,
    names: NameSet,
    total: u64,
    ledger: Ledger,
    ledger_at_checksum: Option<[u8; 32]>,
    doc: Option<Document>,
    metadata: Option<Metadata>,
    scope: Scope<'a>,
    custom_macros: BTreeSet<String>,
    manifest: Option<Vec<u8>>,
    checksum: Option<Vec<u8>>,
}

impl<'a> State<'a> {
    fn new(display: &'a str, settings: &'a VerifySettings) -> Self {
        State {
            display,
            rules: &settings.rules,
            limits: settings.limits,
            findings: Vec::new(),
            entries: Vec::new(),
            names: NameSet::default(),
            total: 0,
            ledger: Ledger::default(),
            ledger_at_checksum: None,
            doc: None,
            metadata: None,
            scope: Scope::default(),
            custom_macros: BTreeSet::new(),
            manifest: None,
            checksum: None,
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.display)
    }

    fn run<R: BufRead>(
        &mut self,
        tar: &mut TarReader<R>,
        mut sink: Option<&mut dyn Sink>,
    ) -> Result<(), Stop> {
        while let Some(header) = tar.next_header()? {
            self.entry(tar, header, &mut sink)?;
        }
        Ok(())
    }

    fn entry<R: BufRead>(
        &mut self,
        tar: &mut TarReader<R>,
        h: Header,
        sink: &mut Option<&mut dyn Sink>,
    ) -> Result<(), Stop> {
        let limits = self.limits;
        if self.entries.len() as u64 >= limits.max_entries {
            return Err(Fault::limit(format!("more than {} entries", limits.max_entries)).into());
        }
        let name = String::from_utf8_lossy(&h.name).into_owned();
        let path = self.path(&name);
        if h.size > limits.max_entry_size {
            return Err(Fault::limit(format!(
                "entry \"{name}\" has {} bytes, more than the {} limit per entry",
                h.size,
                show_size(limits.max_entry_size)
            ))
            .into());
        }
        self.total = self.total.saturating_add(h.size);
        if self.total > limits.max_total_size {
            return Err(Fault::limit(format!(
                "entries add up to more than the {} limit in total (at \"{name}\")",
                show_size(limits.max_total_size)
            ))
            .into());
        }
        let problem = name_problem(&h.name)
            .or_else(|| type_problem(h.typeflag).map(str::to_string))
            .or_else(|| mode_problem(h.mode).map(str::to_string))
            .or_else(|| self.names.insert(&name));
        let role = Role::of(&name);
        if let Some(problem) = problem {
            self.findings.push(Finding::error(
                Rule::BundleUnsafeEntry,
                path,
                format!("unsafe entry: {problem}"),
            ));
            let mut sha = Sha256::new();
            tar.read_data(|c| sha.update(c))?;
            let digest: [u8; 32] = sha.finalize().into();
            self.ledger.add(&h.raw, &digest);
            self.entries.push(EntryInfo {
                name,
                kind: role.label(),
                size: h.size,
                sha256: hex(&digest),
                safe: false,
                role,
            });
            return Ok(());
        }
        if self.entries.is_empty() && role != Role::Metadata {
            self.findings.push(Finding::error(
                Rule::BundleMetadataInvalid,
                &path,
                "metadata.json must be the first entry of a bundle",
            ));
        }
        if self.ledger_at_checksum.is_some() {
            self.findings.push(Finding::error(
                Rule::BundleUnexpectedEntry,
                &path,
                "entry after CHECKSUM, which must be the last entry",
            ));
        }
        let keep_max = match role {
            Role::Metadata => METADATA_MAX,
            Role::Manifest => MANIFEST_MAX,
            Role::Checksum => CHECKSUM_MAX,
            Role::File(Kind::Config | Kind::Unattend | Kind::Script) => TEXT_MAX,
            _ => 0,
        };
        let keep = keep_max > 0 && h.size <= keep_max;
        if keep_max > 0 && !keep {
            let message = format!(
                "{} bytes is more than the {} this entry may have",
                h.size,
                show_size(keep_max)
            );
            self.findings.push(match role {
                Role::File(_) => Finding::warning(
                    Rule::BundleLimitExceeded,
                    &path,
                    format!("{message} for content checks; only its name was checked"),
                ),
                _ => Finding::error(Rule::BundleLimitExceeded, &path, message),
            });
        }
        let mut sha = Sha256::new();
        let mut kept = Vec::new();
        let mut sink_error = None;
        if let Some(s) = sink.as_deref_mut() {
            s.begin(&name, h.mode).map_err(Stop::Sink)?;
        }
        tar.read_data(|chunk| {
            sha.update(chunk);
            if keep {
                kept.extend_from_slice(chunk);
            }
            if let (Some(s), None) = (sink.as_deref_mut(), &sink_error) {
                if let Err(e) = s.data(chunk) {
                    sink_error = Some(e);
                }
            }
        })?;
        if let Some(e) = sink_error {
            return Err(Stop::Sink(e));
        }
        if let Some(s) = sink.as_deref_mut() {
            s.end().map_err(Stop::Sink)?;
        }
        let digest: [u8; 32] = sha.finalize().into();
        if role == Role::Checksum && self.ledger_at_checksum.is_none() {
            self.ledger_at_checksum = Some(self.ledger.digest());
        } else {
            self.ledger.add(&h.raw, &digest);
        }
        match role {
            Role::Metadata if keep => self.on_metadata(&kept, &path),
            Role::Manifest if keep => self.manifest = Some(kept),
            Role::Checksum if keep => self.checksum = Some(kept),
            Role::File(kind) => self.on_file(kind, &name, &path, keep.then_some(kept.as_slice())),
            _ => {}
        }
        self.entries.push(EntryInfo {
            name,
            kind: role.label(),
            size: h.size,
            sha256: hex(&digest),
            safe: true,
            role,
        });
        Ok(())
    }

    fn on_metadata(&mut self, bytes: &[u8], path: &str) {
        let doc = match Document::parse(bytes) {
            Ok(doc) => doc,
            Err(e) => {
                self.findings.push(
                    Finding::error(
                        Rule::BundleMetadataInvalid,
                        path,
                        format!("metadata.json is not valid JSON: {}", e.message),
                    )
                    .at(e.position.line, e.position.column),
                );
                return;
            }
        };
        self.findings
            .extend(doc.duplicate_key_findings(Rule::BundleMetadataInvalid, path));
        let schema = schemas::validate(
            SchemaName::BundleMetadata,
            &doc,
            Rule::BundleMetadataInvalid,
            path,
        );
        let schema_ok = schema
            .iter()
            .all(|f| f.severity != crate::findings::Severity::Error);
        self.findings.extend(schema);
        if schema_ok {
            match serde_json::from_value::<Metadata>(doc.value().clone()) {
                Ok(m) => self.metadata = Some(m),
                Err(e) => self.findings.push(Finding::error(
                    Rule::BundleMetadataInvalid,
                    path,
                    format!("metadata.json does not describe a bundle: {e}"),
                )),
            }
        }
        if let Some(m) = &self.metadata {
            let rules: &'a RuleSet = self.rules;
            let (_, found) = resolve_scope(
                rules,
                Some(m.os.as_str()),
                Some(m.osrelease.as_str()),
                &m.platforms,
                Source {
                    path,
                    doc: Some(&doc),
                },
            );
            for f in found {
                let f = if f.pointer.as_deref() == Some("/release") {
                    let at = doc.position_of("/osrelease");
                    Finding {
                        pointer: None,
                        line: None,
                        column: None,
                        ..f
                    }
                    .with_pointer("/osrelease")
                    .at_opt(at)
                } else {
                    f
                };
                self.findings.push(f);
            }
            let os = rules.os(&m.os);
            self.scope = Scope {
                os,
                release: os
                    .and_then(|o| o.release(&m.osrelease))
                    .map(|r| r.name.as_str()),
            };
        }
        self.doc = Some(doc);
    }

    fn on_file(&mut self, kind: Kind, name: &str, path: &str, content: Option<&[u8]>) {
        let file_name = name.split_once('/').map_or(name, |(_, f)| f);
        self.findings
            .extend(name_findings(self.rules, self.scope, kind, path, file_name));
        let Some(bytes) = content else { return };
        match kind {
            Kind::Config => {
                let checked = config::check_bytes(bytes, path);
                self.findings.extend(checked.findings);
                self.custom_macros.extend(checked.macros);
            }
            Kind::Unattend | Kind::Script => {
                let catalog = MacroCatalog::new(
                    self.rules.predefined_macros.as_deref(),
                    Some(&self.custom_macros),
                );
                self.findings
                    .extend(macros::check_references(bytes, path, &catalog));
            }
            _ => {}
        }
    }

    fn end_of_stream(&mut self, end: &StreamEnd, expected: Option<[u8; 32]>) {
        if let Some(note) = &end.header_note {
            self.findings.push(Finding::error(
                Rule::BundleCorrupt,
                self.display,
                note.clone(),
            ));
        }
        if let (Some(expected), Some(actual)) = (expected, end.file_sha256) {
            if expected != actual {
                self.findings.push(Finding::error(
                    Rule::BundleChecksumMismatch,
                    self.display,
                    format!(
                        "SHA-256 of the bundle file is {} but its .sha256 file says {}",
                        hex(&actual),
                        hex(&expected)
                    ),
                ));
            }
        }
    }

    /// The checks that need the whole archive: manifest, metadata, checksum.
    fn cross_check(&mut self) {
        let index: HashMap<&str, usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.safe)
            .map(|(i, e)| (e.name.as_str(), i))
            .collect();
        let mut out = Vec::new();
        let path = |name: &str| format!("{}/{name}", self.display);
        if !index.contains_key(METADATA) {
            out.push(Finding::error(
                Rule::BundleMissingEntry,
                path(METADATA),
                "the bundle has no metadata.json",
            ));
        }
        // SHA256SUMS.
        let mut listed: HashSet<&str> = HashSet::new();
        match &self.manifest {
            None if !index.contains_key(MANIFEST) => out.push(Finding::error(
                Rule::BundleMissingEntry,
                path(MANIFEST),
                "the bundle has no SHA256SUMS manifest",
            )),
            None => {}
            Some(bytes) => {
                let text = String::from_utf8_lossy(bytes);
                for line in format::parse_manifest(&text) {
                    match line {
                        Err((line, message)) => out.push(
                            Finding::error(Rule::BundleMetadataInvalid, path(MANIFEST), message)
                                .at(line, 1),
                        ),
                        Ok((digest, name)) => {
                            let Some(&i) = index.get(name.as_str()) else {
                                out.push(Finding::error(
                                    Rule::BundleMissingEntry,
                                    path(&name),
                                    "listed in SHA256SUMS but not in the archive",
                                ));
                                continue;
                            };
                            let entry = &self.entries[i];
                            if !listed.insert(entry.name.as_str()) {
                                out.push(Finding::error(
                                    Rule::BundleMetadataInvalid,
                                    path(MANIFEST),
                                    format!("\"{name}\" is listed twice"),
                                ));
                            } else if entry.sha256 != hex(&digest) {
                                out.push(Finding::error(
                                    Rule::BundleChecksumMismatch,
                                    path(&name),
                                    format!(
                                        "SHA-256 is {} but SHA256SUMS says {}",
                                        entry.sha256,
                                        hex(&digest)
                                    ),
                                ));
                            }
                        }
                    }
                }
                for entry in self.entries.iter().filter(|e| e.safe) {
                    if !matches!(entry.role, Role::Manifest | Role::Checksum)
                        && !listed.contains(entry.name.as_str())
                    {
                        out.push(Finding::error(
                            Rule::BundleUnexpectedEntry,
                            path(&entry.name),
                            "not listed in SHA256SUMS",
                        ));
                    }
                }
            }
        }
        // metadata.json files and customizationOptions.
        if let Some(m) = &self.metadata {
            let pos = |pointer: &str| self.doc.as_ref().and_then(|d| d.position_of(pointer));
            let meta_path = path(METADATA);
            let records = metadata::by_path(m);
            for (i, f) in m.files.iter().enumerate() {
                let pointer = format!("/files/{i}");
                let kind = metadata::kind_named(&f.kind);
                let expected_path = kind.map(|k| format!("{}/{}", k.folder(), f.name));
                if expected_path.as_deref() != Some(f.path.as_str()) {
                    out.push(
                        Finding::error(
                            Rule::BundleMetadataInvalid,
                            &meta_path,
                            format!(
                                "path \"{}\" is not the kind folder and name of the file",
                                f.path
                            ),
                        )
                        .with_pointer(format!("{pointer}/path"))
                        .at_opt(pos(&format!("{pointer}/path"))),
                    );
                }
                if f.id != format!("{}_{}", m.timestamp, f.name) {
                    out.push(
                        Finding::error(
                            Rule::BundleMetadataInvalid,
                            &meta_path,
                            format!(
                                "file ID \"{}\" is not \"<timestamp>_<name>\" ({}_{})",
                                f.id, m.timestamp, f.name
                            ),
                        )
                        .with_pointer(format!("{pointer}/id"))
                        .at_opt(pos(&format!("{pointer}/id"))),
                    );
                }
                match index.get(f.path.as_str()) {
                    None => out.push(Finding::error(
                        Rule::BundleMissingEntry,
                        path(&f.path),
                        "listed in metadata.json but not in the archive",
                    )),
                    Some(&e) if self.entries[e].size != f.size => out.push(Finding::error(
                        Rule::BundleMetadataInvalid,
                        path(&f.path),
                        format!(
                            "{} bytes, but metadata.json says {}",
                            self.entries[e].size, f.size
                        ),
                    )),
                    Some(_) => {}
                }
                if let Some(ids) = kind.and_then(|k| m.customization_options.ids(k)) {
                    if !ids.contains(&f.id) {
                        out.push(
                            Finding::error(
                                Rule::BundleMetadataInvalid,
                                &meta_path,
                                format!(
                                    "file ID \"{}\" is missing from customizationOptions",
                                    f.id
                                ),
                            )
                            .with_pointer(pointer.clone())
                            .at_opt(pos(&pointer)),
                        );
                    }
                }
            }
            let ids: HashSet<&str> = m.files.iter().map(|f| f.id.as_str()).collect();
            for (_, list_pointer, list) in m.customization_options.lists() {
                for (i, id) in list.iter().enumerate() {
                    if format::is_custom_id(id) && !ids.contains(id.as_str()) {
                        let pointer = format!("/customizationOptions{list_pointer}/{i}");
                        out.push(
                            Finding::error(
                                Rule::BundleMissingEntry,
                                &meta_path,
                                format!("custom file \"{id}\" is not in the bundle's files"),
                            )
                            .with_pointer(pointer.clone())
                            .at_opt(pos(&pointer)),
                        );
                    }
                }
            }
            for entry in self.entries.iter().filter(|e| e.safe) {
                if matches!(entry.role, Role::File(_)) && !records.contains_key(entry.name.as_str())
                {
                    out.push(Finding::error(
                        Rule::BundleUnexpectedEntry,
                        path(&entry.name),
                        "not listed in metadata.json",
                    ));
                }
            }
        }
        for entry in self
            .entries
            .iter()
            .filter(|e| e.safe && e.role == Role::Other)
        {
            out.push(Finding::error(
                Rule::BundleUnexpectedEntry,
                path(&entry.name),
                "not part of the bundle format (metadata.json, kind folders, SHA256SUMS, CHECKSUM)",
            ));
        }
        // CHECKSUM.
        match (&self.checksum, self.ledger_at_checksum) {
            (Some(bytes), Some(actual)) => {
                match std::str::from_utf8(bytes).ok().and_then(format::parse_checksum) {
                    None => out.push(Finding::error(
                        Rule::BundleMetadataInvalid,
                        path(CHECKSUM),
                        format!("not `{} <64 hex digits>`", format::LEDGER_TAG),
                    )),
                    Some(recorded) if recorded != actual => out.push(Finding::error(
                        Rule::BundleChecksumMismatch,
                        self.display,
                        format!(
                            "archive checksum mismatch: the entries before CHECKSUM hash to {}, CHECKSUM says {}",
                            hex(&actual),
                            hex(&recorded)
                        ),
                    )),
                    Some(_) => {}
                }
            }
            _ if !index.contains_key(CHECKSUM) => out.push(Finding::error(
                Rule::BundleMissingEntry,
                path(CHECKSUM),
                "the bundle has no CHECKSUM entry",
            )),
            _ => {}
        }
        self.findings.extend(out);
    }
}
