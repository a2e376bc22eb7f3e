//! `osbundle diff A B`: what changed between two bundles, two profile directories, or
//! one of each.
//!
//! Files are compared by SHA-256 and size: added, removed, changed, and renamed (the
//! same digest under another name). The profile metadata is compared as JSON, without
//! what differs between any two builds (see [`side::normalize`]), and so are
//! configuration-settings files within the metadata size limit: each change is a JSON
//! Pointer with its old and new value.
//!
//! Guarantees: a bundle is read in one streaming pass, as `verify` reads it, and only
//! digests are kept (plus configuration-settings JSON within its limit); a profile
//! directory is hashed in parallel; every list is sorted, so the output is the same
//! for any `--jobs`. Exit codes (binary): 0 the same, 1 different, 2 trouble (an
//! input unreadable, or damaged so that it cannot be compared).

pub mod side;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

pub use side::{read, FileDigest, Side};

/// One changed JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// RFC 6901 pointer to it.
    pub pointer: String,
    /// The old value (absent when it was added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value (absent when it was removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// A file only one side has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneFile {
    /// Its path below the root.
    pub path: String,
    /// Its size and digest.
    #[serde(flatten)]
    pub digest: FileDigest,
}

/// A file both sides have, with other contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Its path below the root.
    pub path: String,
    /// Size and digest in A.
    pub old: FileDigest,
    /// Size and digest in B.
    pub new: FileDigest,
    /// For JSON files both sides could parse: the changed values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Change>>,
}

/// The same contents under another name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renamed {
    /// The path in A.
    pub from: String,
    /// The path in B.
    pub to: String,
    /// Size and digest.
    #[serde(flatten)]
    pub digest: FileDigest,
}

/// File differences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// Only in B.
    pub added: Vec<OneFile>,
    /// Only in A.
    pub removed: Vec<OneFile>,
    /// In both, with other contents.
    pub changed: Vec<Changed>,
    /// Moved.
    pub renamed: Vec<Renamed>,
}

/// Everything that differs between A and B.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// A, as shown.
    pub a: String,
    /// B, as shown.
    pub b: String,
    /// Whether nothing differs.
    pub same: bool,
    /// Files.
    pub files: FileDiff,
    /// Profile metadata changes.
    pub metadata: Vec<Change>,
}

impl Diff {
    /// How many differences: files added, removed, changed, renamed, metadata values.
    pub fn count(&self) -> usize {
        self.files.added.len()
            + self.files.removed.len()
            + self.files.changed.len()
            + self.files.renamed.len()
            + self.metadata.len()
    }
}

/// Compares two sides.
pub fn compare(a: &Side, b: &Side) -> Diff {
    let mut files = FileDiff::default();
    let mut removed: Vec<(&String, &FileDigest)> = Vec::new();
    for (path, old) in &a.files {
        match b.files.get(path) {
            None => removed.push((path, old)),
            Some(new) if new == old => {}
            Some(new) => {
                let changes = match (a.json.get(path), b.json.get(path)) {
                    (Some(x), Some(y)) => {
                        let mut out = Vec::new();
                        json_changes(x, y, "", &mut out);
                        Some(out)
                    }
                    _ => None,
                };
                files.changed.push(Changed {
                    path: path.clone(),
                    old: old.clone(),
                    new: new.clone(),
                    changes,
                });
            }
        }
    }
    let mut added: BTreeMap<&String, &FileDigest> = b
        .files
        .iter()
        .filter(|(p, _)| !a.files.contains_key(*p))
        .collect();
    for (path, digest) in removed {
        let partner = added
            .iter()
            .find(|(_, d)| d.sha256 == digest.sha256)
            .map(|(p, _)| (*p).clone());
        match partner {
            Some(to) => {
                added.remove(&to);
                files.renamed.push(Renamed {
                    from: path.clone(),
                    to,
                    digest: digest.clone(),
                });
            }
            None => files.removed.push(OneFile {
                path: path.clone(),
                digest: digest.clone(),
            }),
        }
    }
    files.added = added
        .into_iter()
        .map(|(p, d)| OneFile {
            path: p.clone(),
            digest: d.clone(),
        })
        .collect();
    let mut metadata = Vec::new();
    if let (Some(x), Some(y)) = (&a.metadata, &b.metadata) {
        json_changes(x, y, "", &mut metadata);
    }
    let mut diff = Diff {
        a: a.display.clone(),
        b: b.display.clone(),
        same: false,
        files,
        metadata,
    };
    diff.same = diff.count() == 0;
    diff
}

/// The changes from `old` to `new` below `pointer`: objects member by member (in key
/// order), arrays element by element, anything else as a whole.
pub fn json_changes(old: &Value, new: &Value, pointer: &str, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let p = crate::json::join_pointer(pointer, key);
                match (x.get(key), y.get(key)) {
                    (Some(a), Some(b)) => json_changes(a, b, &p, out),
                    (a, b) => out.push(Change {
                        pointer: p,
                        old: a.cloned(),
                        new: b.cloned(),
                    }),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{pointer}/{i}");
                match (x.get(i), y.get(i)) {
                    (Some(a), Some(b)) => json_changes(a, b, &p, out),
                    (a, b) => out.push(Change {
                        pointer: p,
                        old: a.cloned(),
                        new: b.cloned(),
                    }),
                }
            }
        }
        _ if old == new => {}
        _ => out.push(Change {
            pointer: pointer.to_string(),
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

/// Writes `diff` as text, one difference per line; names are escaped.
pub fn write_text(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let e = |s: &str| escape(s);
    writeln!(out, "--- {}", e(&diff.a))?;
    writeln!(out, "+++ {}", e(&diff.b))?;
    for c in &diff.metadata {
        writeln!(out, "metadata {}", change_text(c))?;
    }
    for f in &diff.files.added {
        writeln!(out, "added    {} ({} bytes)", e(&f.path), f.digest.size)?;
    }
    for f in &diff.files.removed {
        writeln!(out, "removed  {} ({} bytes)", e(&f.path), f.digest.size)?;
    }
    for f in &diff.files.renamed {
        writeln!(
            out,
            "renamed  {} -> {} ({} bytes)",
            e(&f.from),
            e(&f.to),
            f.digest.size
        )?;
    }
    for f in &diff.files.changed {
        writeln!(
            out,
            "changed  {} ({} -> {} bytes, sha256 {} -> {})",
            e(&f.path),
            f.old.size,
            f.new.size,
            short(&f.old.sha256),
            short(&f.new.sha256)
        )?;
        for c in f.changes.iter().flatten() {
            writeln!(out, "         {}", change_text(c))?;
        }
    }
    Ok(())
}

fn short(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}

fn change_text(c: &Change) -> String {
    let show = |v: &Option<Value>| match v {
        Some(v) => escape(&v.to_string()),
        None => "(absent)".to_string(),
    };
    let pointer = if c.pointer.is_empty() {
        "/"
    } else {
        &c.pointer
    };
    format!("{}: {} -> {}", escape(pointer), show(&c.old), show(&c.new))
}

/// Control characters escaped (`\n`, `\u{1b}`), as names are in text output.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            s.extend(c.escape_default());
        } else {
            s.push(c);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn digest(size: u64, sha: &str) -> FileDigest {
        FileDigest {
            size,
            sha256: sha.repeat(64),
        }
    }

    #[test]
    fn files_added_removed_changed_renamed() {
        let mut a = Side::default();
        let mut b = Side::default();
        a.files.insert("drivers/nic.zip".into(), digest(3, "a"));
        a.files.insert("scripts/old.sh".into(), digest(4, "b"));
        a.files.insert("software/gone.zip".into(), digest(5, "c"));
        a.files.insert("config/c.json".into(), digest(6, "d"));
        b.files.insert("drivers/nic.zip".into(), digest(3, "e"));
        b.files.insert("scripts/new.sh".into(), digest(4, "b"));
        b.files.insert("software/new.zip".into(), digest(5, "f"));
        b.files.insert("config/c.json".into(), digest(6, "0"));
        a.json.insert(
            "config/c.json".into(),
            json!({"content": [{"value": "en"}], "x": 1}),
        );
        b.json.insert(
            "config/c.json".into(),
            json!({"content": [{"value": "de"}], "y": 1}),
        );
        let d = compare(&a, &b);
        assert!(!d.same);
        assert_eq!(d.files.added[0].path, "software/new.zip");
        assert_eq!(d.files.removed[0].path, "software/gone.zip");
        assert_eq!(
            (
                d.files.renamed[0].from.as_str(),
                d.files.renamed[0].to.as_str()
            ),
            ("scripts/old.sh", "scripts/new.sh")
        );
        assert_eq!(d.files.changed.len(), 2);
        let changes = d.files.changed[0].changes.as_ref().unwrap();
        let pointers: Vec<_> = changes.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(pointers, ["/content/0/value", "/x", "/y"]);
        assert_eq!(changes[1].new, None);
        assert!(d.files.changed[1].changes.is_none());
        assert_eq!(d.count(), 5);
        assert!(compare(&a, &a).same);
    }

    #[test]
    fn normalized_metadata_ignores_build_time() {
        let m = |stamp: &str| {
            side::normalize(json!({
                "generator": "osbundle 0.1.0", "timestamp": stamp, "created": "x", "files": [],
                "customizationOptions": {"driverOptions": {"driverFileIds": ["p", format!("{stamp}_nic.zip")]}},
                "description": "d"
            }))
        };
        let mut out = Vec::new();
        json_changes(&m("2016121921921"), &m("2017010112345"), "", &mut out);
        assert!(out.is_empty(), "{out:?}");
        let mut text = Vec::new();
        let diff = Diff {
            a: "a\n".into(),
            metadata: vec![Change {
                pointer: "/description".into(),
                old: Some(json!("x")),
                new: None,
            }],
            ..Diff::default()
        };
        write_text(&diff, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with("--- a\\n\n"), "{text}");
        assert!(
            text.contains("metadata /description: \"x\" -> (absent)"),
            "{text}"
        );
    }
}
