//! The osbundle layout (`docs/FORMAT.md`): `metadata.json` first, the custom files
//! in their kind folders, `SHA256SUMS`, and `CHECKSUM` last. As entries come, it reads
//! the metadata (the scope of the profile [`Checker`]), keeps the manifest and the
//! checksum, and feeds every custom file to the checker; at the end it cross-checks
//! the entries against `SHA256SUMS`, `metadata.json` and `CHECKSUM`.
//!
//! Long: the cross-checks are one table of rules over the whole archive; splitting
//! them would scatter that table.

use std::collections::{HashMap, HashSet};

use crate::bundle::format::{self, Role, CHECKSUM, MANIFEST, METADATA};
use crate::bundle::limits::{show_size, CHECKSUM_MAX, MANIFEST_MAX, METADATA_MAX, TEXT_MAX};
use crate::bundle::metadata::{self, Metadata};
use crate::bundle::stream::{Entry, EntryInfo, Finished, Head, Layout, Plan};
use crate::bundle::sums::hex;
use crate::findings::{Finding, Rule};
use crate::json::Document;
use crate::profile::{payload, Checker, Content};
use crate::rules::{RuleSet, ScopeSource};
use crate::schemas;

/// The checker of the osbundle layout.
#[derive(Debug)]
pub(super) struct Osbundle<'r> {
    display: String,
    findings: Vec<Finding>,
    checker: Option<Checker<'r>>,
    ledger_at_checksum: Option<[u8; 32]>,
    doc: Option<Document>,
    metadata: Option<Metadata>,
    manifest: Option<Vec<u8>>,
    checksum: Option<Vec<u8>>,
    deep: bool,
    payload: Option<payload::Stream>,
}

impl<'r> Osbundle<'r> {
    /// A checker of the bundle shown as `display`, whose files are judged by `rules`;
    /// `deep` reads every byte of the payloads.
    pub(super) fn new(display: &str, rules: &'r RuleSet, deep: bool) -> Self {
        Osbundle {
            display: display.to_string(),
            findings: Vec::new(),
            checker: Some(Checker::profile(rules)),
            ledger_at_checksum: None,
            doc: None,
            metadata: None,
            manifest: None,
            checksum: None,
            deep,
            payload: None,
        }
    }

    fn checker(&mut self) -> Option<&mut Checker<'r>> {
        self.checker.as_mut()
    }
}

impl Layout for Osbundle<'_> {
    fn name(&self) -> &'static str {
        "osbundle"
    }

    fn begin(&mut self, head: &Head<'_>) -> Plan {
        let role = Role::of(head.name);
        let label = role.label();
        self.payload = None;
        if !head.safe {
            return Plan { label, keep: false };
        }
        let path = head.path;
        if let Role::File(kind) = role {
            let file_name = head.name.split_once('/').map_or(head.name, |(_, f)| f);
            self.payload = payload::Stream::start(
                kind,
                path,
                file_name,
                head.size,
                payload_options(self.deep),
            );
        }
        if head.index == 0 && role != Role::Metadata {
            self.findings.push(Finding::error(
                Rule::BundleMetadataInvalid,
                path,
                "metadata.json must be the first entry of a bundle",
            ));
        }
        if self.ledger_at_checksum.is_some() {
            self.findings.push(Finding::error(
                Rule::BundleUnexpectedEntry,
                path,
                "entry after CHECKSUM, which must be the last entry",
            ));
        }
        let keep_max = match role {
            Role::Metadata => METADATA_MAX,
            Role::Manifest => MANIFEST_MAX,
            Role::Checksum => CHECKSUM_MAX,
            Role::File(kind) if Content::is_read(kind) => TEXT_MAX,
            _ => 0,
        };
        let keep = keep_max > 0 && head.size <= keep_max;
        if keep_max > 0 && !keep {
            let message = format!(
                "{} bytes is more than the {} this entry may have",
                head.size,
                show_size(keep_max)
            );
            self.findings.push(match role {
                Role::File(_) => Finding::warning(
                    Rule::BundleLimitExceeded,
                    path,
                    format!("{message} for content checks; only its name was checked"),
                ),
                _ => Finding::error(Rule::BundleLimitExceeded, path, message),
            });
        }
        Plan { label, keep }
    }

    fn data(&mut self, chunk: &[u8]) {
        if let Some(p) = &mut self.payload {
            p.feed(chunk);
        }
    }

    fn end(&mut self, entry: Entry<'_>) {
        let head = entry.head;
        let role = Role::of(head.name);
        if role == Role::Checksum && self.ledger_at_checksum.is_none() {
            self.ledger_at_checksum = Some(entry.ledger_before.digest());
        }
        match (role, entry.data) {
            (Role::Metadata, Some(data)) => self.on_metadata(&data, head.path),
            (Role::Manifest, Some(data)) => self.manifest = Some(data),
            (Role::Checksum, Some(data)) => self.checksum = Some(data),
            (Role::File(kind), data) => {
                let file_name = head.name.split_once('/').map_or(head.name, |(_, f)| f);
                let content = match (self.payload.take(), data) {
                    (Some(stream), _) => stream.finish(),
                    (None, Some(bytes)) => Content::of(kind, head.path, &bytes),
                    (None, None) => Content::default(),
                };
                if let Some(checker) = self.checker() {
                    checker.file(kind, head.path, Some(file_name), content);
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, entries: &[EntryInfo], complete: bool) -> Finished {
        let mut findings = std::mem::take(&mut self.findings);
        if let Some(checker) = self.checker.take() {
            findings.extend(checker.finish());
        }
        if complete {
            findings.extend(self.cross_check(entries));
        }
        Finished {
            findings,
            metadata: self.doc.take().map(Document::into_value),
        }
    }
}

/// How the layouts read payload entries.
pub(crate) fn payload_options(deep: bool) -> payload::PayloadOptions {
    payload::PayloadOptions {
        deep,
        tar_gz: crate::bundle::payload::read_tar_gz,
    }
}

impl Osbundle<'_> {
    fn on_metadata(&mut self, bytes: &[u8], path: &str) {
        let checked = schemas::METADATA.check(bytes, path);
        let schema_ok = checked.is_valid();
        self.findings.extend(checked.findings);
        let Some(doc) = checked.doc else { return };
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
        if let (Some(m), Some(checker)) = (&self.metadata, self.checker.as_mut()) {
            checker.scope(
                Some(m.os.as_str()),
                Some(m.osrelease.as_str()),
                &m.platforms,
                ScopeSource {
                    path,
                    doc: Some(&doc),
                    release_pointer: "/osrelease",
                },
            );
        }
        self.doc = Some(doc);
    }

    /// The checks that need the whole archive: manifest, metadata, checksum.
    fn cross_check(&self, entries: &[EntryInfo]) -> Vec<Finding> {
        let index: HashMap<&str, usize> = entries
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
                            let entry = &entries[i];
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
                for entry in entries.iter().filter(|e| e.safe) {
                    if !matches!(Role::of(&entry.name), Role::Manifest | Role::Checksum)
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
                let expected_path = format!("{}/{}", f.kind.folder(), f.name);
                if expected_path != f.path {
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
                    Some(&e) if entries[e].size != f.size => out.push(Finding::error(
                        Rule::BundleMetadataInvalid,
                        path(&f.path),
                        format!(
                            "{} bytes, but metadata.json says {}",
                            entries[e].size, f.size
                        ),
                    )),
                    Some(_) => {}
                }
                if let Some(ids) = m.customization_options.ids(f.kind) {
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
            for entry in entries.iter().filter(|e| e.safe) {
                if matches!(Role::of(&entry.name), Role::File(_))
                    && !records.contains_key(entry.name.as_str())
                {
                    out.push(Finding::error(
                        Rule::BundleUnexpectedEntry,
                        path(&entry.name),
                        "not listed in metadata.json",
                    ));
                }
            }
        }
        for entry in entries
            .iter()
            .filter(|e| e.safe && Role::of(&e.name) == Role::Other)
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
                        &self.display,
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
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::verify::{read_with_layout, VerifySettings};
    use osbundle_archive::testing::tar_gz;

    const METADATA_JSON: &str = r#"{"formatVersion": 1, "generator": "t", "id": "win2016|p",
        "name": "p", "os": "win", "osrelease": "2016", "osImage": "win2016",
        "timestamp": "2016121921921", "created": "2016-12-19T02:19:21Z",
        "customizationOptions": {"bootOptions": {"bootFileIds": []},
          "customConfigOptions": {"customConfigFileIds": ["2016121921921_c.json"]},
          "customSoftwareOptions": {"customSoftwareIds": []},
          "driverOptions": {"driverFileIds": []},
          "installScriptOptions": {"scriptFileIds": []},
          "unattendOptions": {"unattendFileIds": ["2016121921921_u.xml"]}},
        "installationOptions": {"predefinedUnattendFileIds": [], "options": {}},
        "files": [
          {"id": "2016121921921_c.json", "kind": "config", "path": "config/c.json", "name": "c.json", "size": 150},
          {"id": "2016121921921_u.xml", "kind": "unattend", "path": "unattend/u.xml", "name": "u.xml", "size": 17}]}"#;
    const CONFIG: &str = r#"{"category": "dynamic", "name": "s", "type": "array", "template": [{"category": "dynamic", "name": "locale", "type": "string", "value": "en-US"}]}"#;
    const UNATTEND: &str = "#locale# #nope#\n";

    fn read(entries: &[(&str, &[u8])]) -> Vec<Finding> {
        let settings = VerifySettings::default();
        let bytes = tar_gz(entries);
        let mut layout = Osbundle::new("b", &settings.rules, false);
        let (verified, _) =
            read_with_layout(&bytes[..], "b", &settings, None, None, &mut layout, None);
        assert_eq!(verified.layout, "osbundle");
        verified.findings
    }

    fn rules(findings: &[Finding]) -> Vec<(Rule, &str)> {
        findings.iter().map(|f| (f.rule, f.path.as_str())).collect()
    }

    #[test]
    fn macros_are_judged_whatever_the_entry_order() {
        let meta = ("metadata.json", METADATA_JSON.as_bytes());
        let config = ("config/c.json", CONFIG.as_bytes());
        let unattend = ("unattend/u.xml", UNATTEND.as_bytes());
        let macro_findings = |entries: &[(&str, &[u8])]| {
            read(entries)
                .into_iter()
                .filter(|f| f.rule == Rule::UnattendUnknownMacro)
                .map(|f| (f.path, f.message))
                .collect::<Vec<_>>()
        };
        let in_order = macro_findings(&[meta, config, unattend]);
        assert_eq!(in_order.len(), 1, "{in_order:?}");
        assert!(in_order[0].1.contains("#nope#"), "{in_order:?}");
        assert_eq!(macro_findings(&[meta, unattend, config]), in_order);
    }

    #[test]
    fn the_layout_wants_metadata_first_and_its_parts() {
        let f = read(&[("config/c.json", CONFIG.as_bytes())]);
        let got = rules(&f);
        assert!(
            got.contains(&(Rule::BundleMetadataInvalid, "b/config/c.json")),
            "{got:?}"
        );
        assert!(
            got.contains(&(Rule::BundleMissingEntry, "b/metadata.json")),
            "{got:?}"
        );
        assert!(
            got.contains(&(Rule::BundleMissingEntry, "b/SHA256SUMS")),
            "{got:?}"
        );
        assert!(
            got.contains(&(Rule::BundleMissingEntry, "b/CHECKSUM")),
            "{got:?}"
        );
        let f = read(&[("metadata.json", METADATA_JSON.as_bytes()), ("x/y", b"")]);
        assert!(
            rules(&f).contains(&(Rule::BundleUnexpectedEntry, "b/x/y")),
            "{f:?}"
        );
    }

    #[test]
    fn metadata_scope_findings_point_at_osrelease() {
        let meta = METADATA_JSON.replace("\"osrelease\": \"2016\"", "\"osrelease\": \"2003\"");
        let f = read(&[("metadata.json", meta.as_bytes())]);
        let release = f
            .iter()
            .find(|f| f.rule == Rule::ReleaseNotSupported)
            .unwrap_or_else(|| panic!("{f:#?}"));
        assert_eq!(release.pointer.as_deref(), Some("/osrelease"));
        assert_eq!(release.path, "b/metadata.json");
    }
}
