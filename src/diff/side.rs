//! One side of a diff: a bundle, read in the single streaming pass of `verify`, or a
//! profile directory, hashed in parallel. Either becomes a [`Side`]: digests and sizes
//! of the custom files, the profile metadata in one normalized form, and the JSON of
//! configuration-settings files within the metadata size limit.

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
use crate::bundle::metadata::{self, PlannedFile};
use crate::bundle::stream::Sink;
use crate::bundle::verify::verify_path_into;
use crate::bundle::{hex, VerifySettings};
use crate::error::{Error, Result};
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
use crate::profile;

/// The most JSON kept from one side, all configuration-settings files together.
pub const JSON_TOTAL_MAX: u64 = 64 * 1024 * 1024;

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
    /// The custom files by their path below the root (`drivers/nic.zip`).
    pub files: BTreeMap<String, FileDigest>,
    /// The profile metadata, normalized (build time and generator left out); `None` when unreadable.
    pub metadata: Option<Value>,
    /// Configuration-settings files that parsed as JSON, by path.
    pub json: BTreeMap<String, Value>,
    /// Problems reading the input (integrity and profile findings only).
    pub findings: Vec<Finding>,
}

/// Reads `path`: a profile directory (with `profile.json`) or a bundle (`-` is
/// standard input).
pub fn read(path: &Path, settings: &VerifySettings) -> Result<Side> {
    let display = path.display().to_string();
    if path.as_os_str() != "-" {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            if !path.join("profile.json").is_file() {
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
        || matches!(f.rule, Rule::ProfileInvalid | Rule::FileUnreadable)
}

/// Keeps the configuration-settings files of a bundle, each within the limit.
#[derive(Default)]
struct JsonSink {
    current: Option<(String, Vec<u8>)>,
    kept: BTreeMap<String, Vec<u8>>,
    total: u64,
}

impl Sink for JsonSink {
    fn begin(&mut self, name: &str, _mode: u32) -> io::Result<()> {
        self.current = (name.starts_with("config/") && self.total < JSON_TOTAL_MAX)
            .then(|| (name.to_string(), Vec::new()));
        Ok(())
    }
    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        if let Some((_, buf)) = &mut self.current {
            if (buf.len() + chunk.len()) as u64 > METADATA_MAX {
                self.current = None;
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        Ok(())
    }
    fn end(&mut self) -> io::Result<()> {
        if let Some((name, buf)) = self.current.take() {
            self.total += buf.len() as u64;
            self.kept.insert(name, buf);
        }
        Ok(())
    }
}

fn read_bundle(path: &Path, display: String, settings: &VerifySettings) -> Result<Side> {
    let mut sink = JsonSink::default();
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
    for e in verified.entries.iter().filter(|e| e.safe) {
        if [METADATA, MANIFEST, CHECKSUM].contains(&e.name.as_str()) {
            continue;
        }
        side.files.insert(
            e.name.clone(),
            FileDigest {
                size: e.size,
                sha256: e.sha256.clone(),
            },
        );
    }
    side.metadata = verified.metadata.map(normalize);
    side.json = parse_kept(sink.kept);
    Ok(side)
}

fn parse_kept(kept: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Value> {
    kept.into_iter()
        .filter_map(|(name, bytes)| Some((name, serde_json::from_slice(&bytes).ok()?)))
        .collect()
}

/// A hashed profile file: path below the root, kind, digest and kept JSON, as shown.
type Hashed = (
    String,
    Kind,
    io::Result<(FileDigest, Option<Vec<u8>>)>,
    String,
);

fn read_profile(dir: &Path, display: String) -> Side {
    let loaded = profile::load(dir, &display);
    let (files, listing) = profile::list_files(dir, &display);
    let mut findings: Vec<Finding> = loaded.findings;
    findings.extend(listing);
    let hashed: Vec<Hashed> = files
        .par_iter()
        .map(|f| {
            let rel = format!("{}/{}", f.kind.folder(), f.name);
            (
                rel,
                f.kind,
                hash_file(&f.path, f.kind == Kind::Config),
                f.display.clone(),
            )
        })
        .collect();
    let mut side = Side {
        display,
        form: "profile",
        ..Side::default()
    };
    let mut planned = Vec::new();
    let mut kept = BTreeMap::new();
    let mut total = 0u64;
    for (rel, kind, result, shown) in hashed {
        match result {
            Ok((digest, json)) => {
                planned.push(PlannedFile {
                    kind,
                    name: rel
                        .split_once('/')
                        .map_or(rel.as_str(), |(_, n)| n)
                        .to_string(),
                    size: digest.size,
                });
                if let Some(bytes) = json {
                    if total < JSON_TOTAL_MAX {
                        total += bytes.len() as u64;
                        kept.insert(rel.clone(), bytes);
                    }
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
    side.json = parse_kept(kept);
    side.findings = findings.into_iter().filter(is_reading).collect();
    side
}

/// SHA-256 and size of a file in one pass; its bytes too when `keep` and within
/// [`METADATA_MAX`].
fn hash_file(path: &Path, keep: bool) -> io::Result<(FileDigest, Option<Vec<u8>>)> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut sha = Sha256::new();
    let mut size = 0u64;
    let mut kept = keep.then(Vec::new);
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        size += n as u64;
        if let Some(k) = &mut kept {
            if size > METADATA_MAX {
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
pub fn normalize(metadata: Value) -> Value {
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
