//! One side of a diff: a bundle, read in the single streaming pass of `verify`, or a
//! profile directory, hashed in parallel. Either becomes a [`Side`]: digests and sizes
//! of the custom files, the profile metadata in one normalized form, the JSON of
//! configuration-settings files within the metadata size limit, and text files within
//! [`TEXT_DIFF_MAX`] for a line diff.
//!
//! An archive whose every entry is below one folder (`tar czf export.tgz export`) is
//! read as if that folder were its root ([`Side::stripped`] says which); its folder
//! entries are no files, and a `profile.json` or `metadata.json` at its root is its
//! metadata, as in a profile directory or an osbundle bundle. What is kept of file
//! contents is decided in archive or sorted-walk order under [`KEPT_TOTAL_MAX`], so it
//! is the same for any `--jobs`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::bundle::format::{CHECKSUM, MANIFEST, METADATA};
use crate::bundle::limits::METADATA_MAX;
use crate::bundle::metadata;
use crate::bundle::stream::Sink;
use crate::bundle::verify::verify_path_into;
use crate::bundle::{hex, VerifySettings};
use crate::error::{Error, Result};
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
use crate::profile::{self, PlannedFile, BUNDLE_RECORDS, PROFILE_FILE};

/// The most file contents kept from one side (JSON and text), all files together.
pub(super) const KEPT_TOTAL_MAX: u64 = 64 * 1024 * 1024;

/// The largest text file compared line by line; a larger one is compared by digest.
pub(super) const TEXT_DIFF_MAX: u64 = 256 * 1024;

/// The most bytes kept of a file named `name` (below the root): configuration
/// settings and the profile's description up to the metadata limit, as JSON;
/// anything else up to [`TEXT_DIFF_MAX`], as text.
fn keep_max(name: &str) -> u64 {
    if name.starts_with("config/") || name == PROFILE_FILE || name == METADATA {
        METADATA_MAX
    } else {
        TEXT_DIFF_MAX
    }
}

/// The bytes as text: UTF-8 without control characters but tab, line feed, carriage
/// return and form feed; `None` for anything else (a binary file).
fn text_of(bytes: Vec<u8>) -> Option<String> {
    let text = String::from_utf8(bytes).ok()?;
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
        .then_some(text)
}

/// The one folder every entry is below (`export/`, with its slash), when there is
/// one, it holds a file, and it is no kind folder (an archive of `drivers/` alone
/// keeps its names). `entries` are names and whether each is a folder entry.
fn common_top<'a>(entries: impl Iterator<Item = (&'a str, bool)>) -> Option<String> {
    let mut top: Option<&str> = None;
    let mut files = false;
    for (name, dir) in entries {
        let first = match name.split_once('/') {
            Some((first, rest)) => {
                files |= !dir && !rest.is_empty();
                first
            }
            None if dir => name,
            None => return None,
        };
        match top {
            None => top = Some(first),
            Some(t) if t == first => {}
            Some(_) => return None,
        }
    }
    let top = top.filter(|t| files && !t.is_empty() && Kind::from_folder(t).is_none())?;
    Some(format!("{top}/"))
}

/// Size and digest of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDigest {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// What a diff knows of one input.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// The input as shown.
    pub display: String,
    /// `bundle` or `profile`.
    pub form: &'static str,
    /// The top folder stripped from every name of an archive (`export/`), if any.
    pub stripped: Option<String>,
    /// The custom files by their path below the root (`drivers/nic.zip`).
    pub files: BTreeMap<String, FileDigest>,
    /// The profile metadata, normalized (build time and generator left out); `None` when unreadable.
    pub metadata: Option<Value>,
    /// Configuration-settings files that parsed as JSON, by path.
    pub json: BTreeMap<String, Value>,
    /// Other text files within 256 KiB (`TEXT_DIFF_MAX`; and configuration-settings files
    /// that are not JSON), by path.
    pub text: BTreeMap<String, String>,
    /// Problems reading the input (integrity and profile findings only).
    pub findings: Vec<Finding>,
}

/// Reads `path`: a profile directory (with `profile.json`) or a bundle (`-` is
/// standard input).
pub fn read(path: &Path, settings: &VerifySettings) -> Result<Side> {
    let display = crate::names::from_path(path);
    if path.as_os_str() != "-" {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            if !path.join(crate::profile::PROFILE_FILE).is_file() {
                return Err(Error::io(
                    path,
                    io::Error::other(
                        "a folder without profile.json is neither a bundle nor a profile directory",
                    ),
                ));
            }
            return Ok(read_profile(path, display));
        }
    }
    read_bundle(path, display, settings)
}

/// Whether a finding is about reading the input (kept) rather than about the rules.
fn is_reading(f: &Finding) -> bool {
    f.rule.as_str().starts_with("bundle-")
        || matches!(
            f.rule,
            Rule::DownloadUnverified | Rule::ProfileInvalid | Rule::FileUnreadable
        )
}

/// Keeps the contents of a bundle's entries for comparison: each within its
/// [`keep_max`] (judged with and without a top folder, not yet known), none with a
/// NUL byte, all together within [`KEPT_TOTAL_MAX`]; in archive order.
#[derive(Default)]
struct ContentSink {
    current: Option<(String, Vec<u8>, u64)>,
    kept: BTreeMap<String, Vec<u8>>,
    total: u64,
}

impl Sink for ContentSink {
    fn begin(&mut self, name: &str, _mode: u32) -> io::Result<()> {
        let below = name.split_once('/').map_or(name, |(_, rest)| rest);
        let max = keep_max(name).max(keep_max(below));
        self.current = Some((name.to_string(), Vec::new(), max));
        Ok(())
    }
    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        if let Some((_, buf, max)) = &mut self.current {
            let len = (buf.len() + chunk.len()) as u64;
            if len > *max || self.total + len > KEPT_TOTAL_MAX || chunk.contains(&0) {
                self.current = None;
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        Ok(())
    }
    fn end(&mut self) -> io::Result<()> {
        if let Some((name, buf, _)) = self.current.take() {
            self.total += buf.len() as u64;
            self.kept.insert(name, buf);
        }
        Ok(())
    }
}

fn read_bundle(path: &Path, display: String, settings: &VerifySettings) -> Result<Side> {
    let mut sink = ContentSink::default();
    let verified = verify_path_into(path, settings, Some(&mut sink))?;
    let mut side = Side {
        display,
        form: "bundle",
        ..Side::default()
    };
    side.findings = verified.findings.into_iter().filter(is_reading).collect();
    if !verified.complete {
        return Ok(side);
    }
    let osbundle = verified.layout == "osbundle";
    let entries: Vec<_> = verified.entries.iter().filter(|e| e.safe).collect();
    // The osbundle layout has its records at the root; another archive may hold a
    // profile below one folder.
    let top = match osbundle {
        true => None,
        false => common_top(
            entries
                .iter()
                .map(|e| (e.name.as_str(), e.label == "folder")),
        ),
    };
    let below = |name: &str| -> String {
        match &top {
            Some(t) => name.strip_prefix(t.as_str()).unwrap_or(name).to_string(),
            None => name.to_string(),
        }
    };
    let records: &[&str] = match osbundle {
        true => &[METADATA, MANIFEST, CHECKSUM],
        false => &[
            PROFILE_FILE,
            BUNDLE_RECORDS[0],
            BUNDLE_RECORDS[1],
            BUNDLE_RECORDS[2],
        ],
    };
    for e in entries.iter().filter(|e| e.label != "folder") {
        let name = below(&e.name);
        if records.contains(&name.as_str()) {
            continue;
        }
        side.files.insert(
            name,
            FileDigest {
                size: e.size,
                sha256: e.sha256.clone(),
            },
        );
    }
    let mut kept: BTreeMap<String, Vec<u8>> = sink
        .kept
        .into_iter()
        .map(|(name, bytes)| (below(&name), bytes))
        .collect();
    let description =
        |kept: &mut BTreeMap<String, Vec<u8>>, name: &str| kept.remove(name).filter(|_| !osbundle);
    let metadata_json = description(&mut kept, METADATA);
    let profile_json = description(&mut kept, PROFILE_FILE);
    side.metadata = if osbundle {
        verified.metadata.map(normalize)
    } else if let Some(value) = metadata_json.and_then(|b| serde_json::from_slice(&b).ok()) {
        Some(normalize(value))
    } else if let Some(bytes) = profile_json {
        // A profile packed by another tool: its metadata as `build` would write it.
        let shown = format!("{}/{}", side.display, PROFILE_FILE);
        profile::parse(&bytes, &shown).info.and_then(|info| {
            let m = metadata::from_profile(&info, "profile", 0, &planned(&side.files));
            serde_json::to_value(m).ok().map(normalize)
        })
    } else {
        None
    };
    kept.retain(|name, _| side.files.contains_key(name));
    (side.json, side.text) = split_kept(kept);
    side.stripped = top;
    Ok(side)
}

/// The files of kind folders, as `build` would list them.
fn planned(files: &BTreeMap<String, FileDigest>) -> Vec<PlannedFile> {
    files
        .iter()
        .filter_map(|(name, digest)| {
            let (folder, file) = name.split_once('/')?;
            Some(PlannedFile {
                kind: Kind::from_folder(folder)?,
                name: file.to_string(),
                size: digest.size,
            })
        })
        .collect()
}

/// Kept contents as JSON (configuration settings that parse) and text (the rest that
/// is text).
fn split_kept(
    kept: BTreeMap<String, Vec<u8>>,
) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
    let mut json = BTreeMap::new();
    let mut text = BTreeMap::new();
    for (name, bytes) in kept {
        if name.starts_with("config/") {
            if let Ok(value) = serde_json::from_slice(&bytes) {
                json.insert(name, value);
                continue;
            }
        }
        if bytes.len() as u64 > TEXT_DIFF_MAX {
            continue;
        }
        if let Some(t) = text_of(bytes) {
            text.insert(name, t);
        }
    }
    (json, text)
}

/// A hashed profile file: path below the root, kind, digest and kept bytes, as shown.
type Hashed = (
    String,
    Kind,
    io::Result<(FileDigest, Option<Vec<u8>>)>,
    String,
);

fn read_profile(dir: &Path, display: String) -> Side {
    let loaded = profile::load(dir, &display);
    let (files, listing) = profile::list_files(dir, &display, &profile::Excludes::default());
    let mut findings: Vec<Finding> = loaded.findings;
    findings.extend(listing);
    let rel = |f: &profile::ProfileFile| format!("{}/{}", f.kind.folder(), f.name);
    // What is kept is planned from the sizes in sorted order, so it is the same for
    // any number of workers.
    let sizes: Vec<Option<u64>> = files
        .par_iter()
        .map(|f| std::fs::symlink_metadata(&f.path).ok().map(|m| m.len()))
        .collect();
    let mut total = 0u64;
    let keep: Vec<Option<u64>> = files
        .iter()
        .zip(sizes)
        .map(|(f, size)| {
            let size = size.filter(|s| *s <= keep_max(&rel(f)) && total + s <= KEPT_TOTAL_MAX)?;
            total += size;
            Some(size)
        })
        .collect();
    let hashed: Vec<Hashed> = files
        .par_iter()
        .zip(keep)
        .map(|(f, keep)| (rel(f), f.kind, hash_file(&f.path, keep), f.display.clone()))
        .collect();
    let mut side = Side {
        display,
        form: "profile",
        ..Side::default()
    };
    let mut planned = Vec::new();
    let mut kept = BTreeMap::new();
    for (rel, kind, result, shown) in hashed {
        match result {
            Ok((digest, bytes)) => {
                planned.push(PlannedFile {
                    kind,
                    name: rel
                        .split_once('/')
                        .map_or(rel.as_str(), |(_, n)| n)
                        .to_string(),
                    size: digest.size,
                });
                if let Some(bytes) = bytes {
                    kept.insert(rel.clone(), bytes);
                }
                side.files.insert(rel, digest);
            }
            Err(e) => findings.push(Finding::error(
                Rule::FileUnreadable,
                shown,
                format!("cannot read: {e}"),
            )),
        }
    }
    if let Some(info) = &loaded.info {
        let m = metadata::from_profile(info, "profile", 0, &planned);
        side.metadata = serde_json::to_value(m).ok().map(normalize);
    }
    (side.json, side.text) = split_kept(kept);
    side.findings = findings.into_iter().filter(is_reading).collect();
    side
}

/// SHA-256 and size of a file in one pass; its bytes too when it is at most `keep`
/// bytes long and holds no NUL byte.
fn hash_file(path: &Path, keep: Option<u64>) -> io::Result<(FileDigest, Option<Vec<u8>>)> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut sha = Sha256::new();
    let mut size = 0u64;
    let mut kept = keep.map(|_| Vec::new());
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        size += n as u64;
        if let Some(k) = &mut kept {
            if Some(size) > keep || buf[..n].contains(&0) {
                kept = None;
            } else {
                k.extend_from_slice(&buf[..n]);
            }
        }
    }
    let digest: [u8; 32] = sha.finalize().into();
    Ok((
        FileDigest {
            size,
            sha256: hex(&digest),
        },
        kept,
    ))
}

/// The profile metadata without what differs between two builds of the same profile:
/// `generator`, `timestamp`, `created` and `files` (compared as files) are left out,
/// and custom file IDs `<timestamp>_<name>` of the bundle's own timestamp become
/// `<name>`.
pub(super) fn normalize(metadata: Value) -> Value {
    let Value::Object(mut map) = metadata else {
        return metadata;
    };
    let stamp = map
        .get("timestamp")
        .and_then(Value::as_str)
        .map(|t| format!("{t}_"));
    for key in ["generator", "timestamp", "created", "files"] {
        map.remove(key);
    }
    if let (Some(stamp), Some(Value::Object(options))) =
        (stamp, map.get_mut("customizationOptions"))
    {
        for holder in options.values_mut() {
            let Value::Object(holder) = holder else {
                continue;
            };
            for list in holder.values_mut() {
                let Value::Array(ids) = list else { continue };
                for id in ids {
                    if let Some(rest) = id.as_str().and_then(|s| s.strip_prefix(&stamp)) {
                        *id = Value::String(rest.to_string());
                    }
                }
            }
        }
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_top_folder_is_stripped_unless_it_is_a_kind_folder() {
        let top = |names: &[(&str, bool)]| common_top(names.iter().copied());
        assert_eq!(
            top(&[("p", true), ("p/profile.json", false), ("p/drivers", true)]),
            Some("p/".into())
        );
        assert_eq!(top(&[("p/a", false), ("q/b", false)]), None);
        assert_eq!(top(&[("p/a", false), ("b", false)]), None);
        assert_eq!(top(&[("drivers/a.zip", false)]), None, "a kind folder");
        assert_eq!(top(&[("p", true), ("p/d", true)]), None, "no file");
        assert_eq!(top(&[]), None);
    }

    #[test]
    fn text_is_utf8_without_control_characters() {
        assert_eq!(text_of(b"a\tb\r\n".to_vec()).as_deref(), Some("a\tb\r\n"));
        assert_eq!(text_of(b"PK\x05\x06".to_vec()), None);
        assert_eq!(text_of(vec![0xff]), None);
    }
}
