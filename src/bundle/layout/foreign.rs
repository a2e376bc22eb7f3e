//! The foreign layout: any archive that is not what `build` writes (another
//! exporter's, or an osbundle bundle re-packed). What can be checked is checked,
//! and what cannot is said:
//!
//! - the container (the stream layer): gzip CRC-32 and size per member, tar header
//!   checksums, sizes, safety and limits;
//! - embedded checksum files wherever they stand, every listed file there and
//!   matching, and coverage ([`super::embedded_sums`]);
//! - the files inside, by kind (a kind folder at any depth, case-insensitive, else
//!   the extension), through the same [`Checker`] as `check`; the OS comes from the
//!   options, else from a `profile.json` or `metadata.json` inside.

use super::embedded_sums::{is_sum_file, split, EmbeddedSums};
use crate::bundle::format::{CHECKSUM, MANIFEST, METADATA};
use crate::bundle::limits::{show_size, MANIFEST_MAX, METADATA_MAX, TEXT_MAX};
use crate::bundle::stream::{Entry, EntryInfo, Finished, Head, Layout, Plan};
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
use crate::profile::{payload, Checker, Content, PROFILE_FILE};
use crate::rules::{RuleSet, ScopeSource};

/// The OS the files of a foreign archive are judged for, from the options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    /// `--os`.
    pub os: Option<String>,
    /// `--release`.
    pub release: Option<String>,
    /// `--platform`.
    pub platforms: Vec<String>,
}

/// The OS, release and platforms that a `profile.json` or an export's
/// `metadata.json` inside the archive gives.
#[derive(Debug)]
struct InnerScope {
    scope: Scope,
    /// The entry they were read from.
    from: String,
}

/// The checker of the foreign layout.
pub(super) struct Foreign<'r> {
    display: String,
    rules: &'r RuleSet,
    options: Scope,
    checker: Option<Checker<'r>>,
    findings: Vec<Finding>,
    sums: EmbeddedSums,
    inner_scope: Option<InnerScope>,
    unknown_kind: usize,
    checked: usize,
    deep: bool,
    payload: Option<payload::Stream>,
}

impl std::fmt::Debug for Foreign<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Foreign")
            .field("display", &self.display)
            .field("sums", &self.sums)
            .finish_non_exhaustive()
    }
}

impl<'r> Foreign<'r> {
    /// A checker of the archive shown as `display`, whose files are judged by
    /// `rules` for the OS of `options` (when given); `deep` reads every byte of the
    /// payloads.
    pub(super) fn new(display: &str, rules: &'r RuleSet, options: Scope, deep: bool) -> Self {
        Foreign {
            display: display.to_string(),
            rules,
            options,
            checker: Some(Checker::profile(rules)),
            findings: Vec::new(),
            sums: EmbeddedSums::default(),
            inner_scope: None,
            unknown_kind: 0,
            checked: 0,
            deep,
            payload: None,
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.display)
    }

    /// The kind of the file `name`: its nearest folder named like a kind folder
    /// (any depth, any case), else its extension when that names one kind.
    fn kind_of(&self, name: &str) -> Option<Kind> {
        let mut parts: Vec<&str> = name.split('/').collect();
        let file = parts.pop().unwrap_or(name);
        let by_folder = parts
            .iter()
            .rev()
            .find_map(|folder| Kind::from_folder(&folder.to_ascii_lowercase()));
        if by_folder.is_some() {
            return by_folder;
        }
        // The profile's own description and an export's metadata are not
        // configuration-settings files, whatever their extension says.
        if matches!(file, PROFILE_FILE | METADATA) {
            return None;
        }
        self.rules.kind_from_extension(file)
    }

    /// `os`, `osrelease`/`release` and `platforms` of a `profile.json` or an
    /// export's `metadata.json`, when the options give no OS.
    fn on_description(&mut self, name: &str, data: &[u8]) {
        if self.options.os.is_some() || self.inner_scope.is_some() {
            return;
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let Some(os) = text("os") else { return };
        let release = text("osrelease").or_else(|| text("release"));
        let platforms = value
            .get("platforms")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        self.inner_scope = Some(InnerScope {
            scope: Scope {
                os: Some(os),
                release,
                platforms,
            },
            from: name.to_string(),
        });
    }
}

impl Layout for Foreign<'_> {
    fn name(&self) -> &'static str {
        "foreign"
    }

    fn tolerant(&self) -> bool {
        true
    }

    fn begin(&mut self, head: &Head<'_>) -> Plan {
        if head.dir {
            return Plan {
                label: "folder",
                keep: false,
            };
        }
        let (_, file) = split(head.name);
        let is_sum = is_sum_file(file);
        let kind = if is_sum {
            None
        } else {
            self.kind_of(head.name)
        };
        let label = match (is_sum, kind) {
            (true, _) => "checksums",
            (_, Some(kind)) => kind.as_str(),
            _ if matches!(file, PROFILE_FILE | METADATA) => "metadata",
            _ => "other",
        };
        self.payload = None;
        if !head.safe {
            return Plan { label, keep: false };
        }
        if let Some(kind) = kind {
            self.payload = payload::Stream::start(
                kind,
                head.path,
                file,
                head.size,
                super::osbundle::payload_options(self.deep),
            );
        }
        let keep_max = match kind {
            _ if is_sum => MANIFEST_MAX,
            Some(kind) if Content::is_read(kind) => TEXT_MAX,
            None if label == "metadata" => METADATA_MAX,
            _ => 0,
        };
        let keep = keep_max > 0 && head.size <= keep_max;
        if keep_max > 0 && !keep {
            self.findings.push(Finding::warning(
                Rule::BundleLimitExceeded,
                head.path,
                format!(
                    "{} bytes is more than the {} read for content checks; only its name was checked",
                    head.size,
                    show_size(keep_max)
                ),
            ));
        }
        self.sums.begin_file();
        Plan { label, keep }
    }

    fn data(&mut self, chunk: &[u8]) {
        self.sums.data(chunk);
        if let Some(p) = &mut self.payload {
            p.feed(chunk);
        }
    }

    fn end(&mut self, entry: Entry<'_>) {
        let head = entry.head;
        self.sums.end_entry(head.name, head.dir, entry.sha256);
        if head.dir {
            return;
        }
        let (_, file) = split(head.name);
        let is_sum = is_sum_file(file);
        let payload = self.payload.take();
        let Some(data) = entry.data else {
            if let (false, Some(kind)) = (is_sum, self.kind_of(head.name)) {
                self.checked += 1;
                let content = payload.map(payload::Stream::finish).unwrap_or_default();
                if let Some(checker) = self.checker.as_mut() {
                    checker.file(kind, head.path, Some(file), content);
                }
            } else if !is_sum {
                self.unknown_kind += 1;
            }
            return;
        };
        if is_sum {
            self.sums.sum_file(head.name, &data);
        } else if let Some(kind) = self.kind_of(head.name) {
            self.checked += 1;
            let content = Content::of(kind, head.path, &data);
            if let Some(checker) = self.checker.as_mut() {
                checker.file(kind, head.path, Some(file), content);
            }
        } else if matches!(file, PROFILE_FILE | METADATA) {
            self.on_description(head.name, &data);
        }
    }

    fn finish(&mut self, entries: &[EntryInfo], complete: bool) -> Finished {
        let mut findings = std::mem::take(&mut self.findings);
        if complete && entries.iter().all(|e| e.label == "folder") {
            // Whole, but nothing in it: not an export of anything.
            findings.push(Finding::error(
                Rule::BundleMissingEntry,
                &self.display,
                format!(
                    "the archive holds no file{}: an export with no file in it is not a profile export",
                    match entries.len() {
                        0 => String::new(),
                        n => format!(" (only {n} folder entries)"),
                    }
                ),
            ));
            return Finished {
                findings,
                metadata: None,
            };
        }
        let repacked = self.sums.contains(METADATA)
            && self.sums.contains(MANIFEST)
            && self.sums.contains(CHECKSUM);
        // One note says every fact of the layout once: what the archive is, and
        // what could not be judged.
        let mut facts = Vec::new();
        if complete || !self.sums.no_files() {
            facts.push(
                "not in the osbundle layout (metadata.json first, SHA256SUMS, CHECKSUM last): checked as a foreign export"
                    .to_string(),
            );
        }
        if repacked {
            facts.push(
                "it holds an osbundle bundle's files but was re-packed, so its CHECKSUM (over the original tar headers) cannot be checked, only its SHA256SUMS"
                    .to_string(),
            );
        }
        if let Some(mut checker) = self.checker.take() {
            let scope = match (&self.options.os, &self.inner_scope) {
                (Some(_), _) => Some((&self.options, self.display.clone())),
                (None, Some(inner)) => Some((&inner.scope, self.path(&inner.from))),
                (None, None) => None,
            };
            match scope {
                Some((scope, path)) => {
                    checker.scope(
                        scope.os.as_deref(),
                        scope.release.as_deref(),
                        &scope.platforms,
                        ScopeSource::options(&path),
                    );
                }
                None if self.checked == 0 => {}
                None => facts.push(
                    "no OS known (give --os and --release, or ship a profile.json), so the OS checks of the files inside were skipped and extensions were checked against every OS"
                        .to_string(),
                ),
            }
            findings.extend(checker.finish());
        }
        match self.unknown_kind {
            0 => {}
            1 => facts.push(
                "1 file is in no kind folder and has no extension of one kind: checked for integrity and safety only"
                    .to_string(),
            ),
            n => facts.push(format!(
                "{n} files are in no kind folder and have no extension of one kind: checked for integrity and safety only"
            )),
        }
        if !facts.is_empty() {
            findings.push(Finding::note(
                Rule::BundleForeign,
                &self.display,
                facts.join("; "),
            ));
        }
        if complete {
            findings.extend(self.sums.check(&self.display));
        }
        Finished {
            findings,
            metadata: None,
        }
    }
}
