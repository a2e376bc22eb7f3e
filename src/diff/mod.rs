//! `osbundle diff A B`: what changed between two bundles, two profile directories, or
//! one of each.
//!
//! Files are compared by SHA-256 and size: added, removed, changed, and renamed (the
//! same digest under another name). The profile metadata is compared as JSON, without
//! what differs between any two builds (see `side::normalize`), and so are
//! configuration-settings files within the metadata size limit: each change is a JSON
//! Pointer with its old and new value. The metadata's sets (platforms, file ID lists)
//! are compared as sets: another order is no change, and each member added or
//! removed is one. A changed text file (a script, an unattend file) within
//! `side::TEXT_DIFF_MAX` and `TEXT_DIFF_LINES_MAX` gets a unified diff of its
//! lines, cut at
//! `DIFF_LINES_MAX` lines or `DIFF_BYTES_MAX` bytes (and it says so).
//!
//! Guarantees: a bundle is read in one streaming pass, as `verify` reads it, and only
//! digests are kept (plus JSON and text within their limits); an archive whose
//! entries are all below one folder is compared from that folder; a profile
//! directory is hashed in parallel; every list is sorted, so the output is the same
//! for any `--jobs`. Exit codes (binary): 0 the same, 1 different, 2 trouble (an
//! input unreadable, or damaged so that it cannot be compared).

mod shown;
mod side;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

pub use shown::DiffShown;
pub use side::{read, FileDigest, Side};

/// The most lines of a text file (either side) that are compared line by line; a
/// longer one is compared by digest only.
pub(crate) const TEXT_DIFF_LINES_MAX: usize = 4000;

/// The most lines of one file's unified diff that are shown.
pub(crate) const DIFF_LINES_MAX: usize = 200;

/// The most bytes of one file's unified diff that are shown.
pub(crate) const DIFF_BYTES_MAX: usize = 32 * 1024;

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
    /// The pointer names a set (an array whose order means nothing), and `old` is a
    /// member removed from it or `new` one added.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub member: bool,
}

/// A unified diff of a text file's lines, three lines of context, bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextDiff {
    /// The hunks: `@@ -l,n +l,n @@` lines, then lines starting with ` `, `-` or `+`,
    /// each ending in a newline (`\ No newline at end of file` after a last line
    /// without one).
    pub unified: String,
    /// Whether it was cut (at 200 lines or 32 KiB, `DIFF_LINES_MAX` and `DIFF_BYTES_MAX`).
    pub cut: bool,
    /// How many lines were left out.
    pub omitted_lines: usize,
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
    /// For text files both sides hold within the limit: the changed lines.
    #[serde(rename = "textDiff", skip_serializing_if = "Option::is_none")]
    pub text_diff: Option<TextDiff>,
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
    /// The top folder stripped from the names of A (an archive), if any.
    #[serde(rename = "aStripped", skip_serializing_if = "Option::is_none")]
    pub a_stripped: Option<String>,
    /// The top folder stripped from the names of B, if any.
    #[serde(rename = "bStripped", skip_serializing_if = "Option::is_none")]
    pub b_stripped: Option<String>,
    /// Whether nothing differs.
    pub same: bool,
    /// Files.
    pub files: FileDiff,
    /// Profile metadata changes.
    pub metadata: Vec<Change>,
    /// `a` or `b` when only that side has metadata (the other, an archive without
    /// `profile.json` or `metadata.json`, has none to compare): one difference.
    #[serde(rename = "metadataOnlyIn", skip_serializing_if = "Option::is_none")]
    pub metadata_only_in: Option<&'static str>,
}

impl Diff {
    /// How many differences: files added, removed, changed, renamed, metadata values
    /// (metadata on one side only is one).
    pub fn count(&self) -> usize {
        self.files.added.len()
            + self.files.removed.len()
            + self.files.changed.len()
            + self.files.renamed.len()
            + self.metadata.len()
            + usize::from(self.metadata_only_in.is_some())
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
                let text_diff = match (a.text.get(path), b.text.get(path)) {
                    (Some(x), Some(y)) if changes.is_none() && diffable(x) && diffable(y) => {
                        Some(text_diff(x, y))
                    }
                    _ => None,
                };
                files.changed.push(Changed {
                    path: path.clone(),
                    old: old.clone(),
                    new: new.clone(),
                    changes,
                    text_diff,
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
    let metadata_only_in = match (&a.metadata, &b.metadata) {
        (Some(x), Some(y)) => {
            json_changes_in(x, y, "", &is_metadata_set, &mut metadata);
            None
        }
        (Some(_), None) => Some("a"),
        (None, Some(_)) => Some("b"),
        (None, None) => None,
    };
    let mut diff = Diff {
        a: a.display.clone(),
        b: b.display.clone(),
        a_stripped: a.stripped.clone(),
        b_stripped: b.stripped.clone(),
        same: false,
        files,
        metadata,
        metadata_only_in,
    };
    diff.same = diff.count() == 0;
    diff
}

/// Whether the array at `pointer` of the bundle metadata is a set: `platforms`, the
/// file ID lists of `customizationOptions`, `predefinedUnattendFileIds`.
fn is_metadata_set(pointer: &str) -> bool {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    matches!(
        parts.as_slice(),
        ["platforms"]
            | ["customizationOptions", _, _]
            | ["installationOptions", "predefinedUnattendFileIds"]
    )
}

/// The changes from `old` to `new` below `pointer`: objects member by member (in key
/// order), arrays element by element, anything else as a whole.
pub(crate) fn json_changes(old: &Value, new: &Value, pointer: &str, out: &mut Vec<Change>) {
    json_changes_in(old, new, pointer, &|_| false, out)
}

/// [`json_changes`], with the arrays at the pointers `is_set` names compared as sets:
/// each member removed, then each added, in their order, one change each.
fn json_changes_in(
    old: &Value,
    new: &Value,
    pointer: &str,
    is_set: &dyn Fn(&str) -> bool,
    out: &mut Vec<Change>,
) {
    let change = |pointer: String, old: Option<&Value>, new: Option<&Value>| Change {
        pointer,
        old: old.cloned(),
        new: new.cloned(),
        member: false,
    };
    match (old, new) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let p = crate::json::join_pointer(pointer, key);
                match (x.get(key), y.get(key)) {
                    (Some(a), Some(b)) => json_changes_in(a, b, &p, is_set, out),
                    (a, b) => out.push(change(p, a, b)),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if is_set(pointer) => {
            let mut unmatched: Vec<&Value> = y.iter().collect();
            let mut removed = Vec::new();
            for v in x {
                match unmatched.iter().position(|w| *w == v) {
                    Some(i) => {
                        unmatched.remove(i);
                    }
                    None => removed.push(v),
                }
            }
            let members = removed
                .into_iter()
                .map(|v| (Some(v), None))
                .chain(unmatched.into_iter().map(|v| (None, Some(v))));
            for (a, b) in members {
                out.push(Change {
                    member: true,
                    ..change(pointer.to_string(), a, b)
                });
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{pointer}/{i}");
                match (x.get(i), y.get(i)) {
                    (Some(a), Some(b)) => json_changes_in(a, b, &p, is_set, out),
                    (a, b) => out.push(change(p, a, b)),
                }
            }
        }
        _ if old == new => {}
        _ => out.push(change(pointer.to_string(), Some(old), Some(new))),
    }
}

/// Whether a text is short enough for a line diff: its cost grows with the lines
/// times the differences, and a deadline would make the output depend on the machine.
fn diffable(text: &str) -> bool {
    text.lines().count() <= TEXT_DIFF_LINES_MAX
}

/// The unified diff of `old` and `new` by lines (Myers, no deadline: the same for
/// the same input), cut at [`DIFF_LINES_MAX`] lines or [`DIFF_BYTES_MAX`] bytes.
pub(crate) fn text_diff(old: &str, new: &str) -> TextDiff {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_lines(old, new);
    let mut out = TextDiff::default();
    let mut shown = 0usize;
    let mut push = |line: String, out: &mut TextDiff| {
        if out.cut || shown == DIFF_LINES_MAX || out.unified.len() + line.len() > DIFF_BYTES_MAX {
            out.cut = true;
            out.omitted_lines += 1;
        } else {
            shown += 1;
            out.unified.push_str(&line);
        }
    };
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        push(format!("{}\n", hunk.header()), &mut out);
        for c in hunk.iter_changes() {
            let sign = match c.tag() {
                similar::ChangeTag::Equal => ' ',
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
            };
            let value = c.value();
            let body = value.strip_suffix('\n').unwrap_or(value);
            push(format!("{sign}{body}\n"), &mut out);
            if c.missing_newline() {
                push("\\ No newline at end of file\n".to_string(), &mut out);
            }
        }
    }
    out
}

/// Writes `diff` as text, one difference per line (nothing when there is none),
/// after the top folders stripped; names are escaped.
pub fn write_text(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let e = |s: &str| escape(s);
    for (side, top) in [(&diff.a, &diff.a_stripped), (&diff.b, &diff.b_stripped)] {
        if let Some(top) = top {
            writeln!(out, "{}: top folder {} stripped", e(side), e(top))?;
        }
    }
    if diff.same {
        return Ok(());
    }
    writeln!(out, "--- {}", e(&diff.a))?;
    writeln!(out, "+++ {}", e(&diff.b))?;
    let only = match diff.metadata_only_in {
        Some("a") => Some((&diff.a, &diff.b)),
        Some(_) => Some((&diff.b, &diff.a)),
        None => None,
    };
    if let Some((with, without)) = only {
        writeln!(
            out,
            "metadata only in {}: {} has no profile.json or metadata.json",
            e(with),
            e(without)
        )?;
    }
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
        if let Some(d) = &f.text_diff {
            for line in d.unified.lines() {
                writeln!(out, "         {}", escape_line(line))?;
            }
            if d.cut {
                writeln!(
                    out,
                    "         ... (diff cut: {} more lines)",
                    d.omitted_lines
                )?;
            }
        }
    }
    Ok(())
}

/// A line of a text file, escaped as names are but for tabs.
fn escape_line(line: &str) -> String {
    line.split('\t').map(escape).collect::<Vec<_>>().join("\t")
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
    match (c.member, &c.old, &c.new) {
        (true, Some(_), None) => format!("{}: removed {}", escape(pointer), show(&c.old)),
        (true, None, Some(_)) => format!("{}: added {}", escape(pointer), show(&c.new)),
        _ => format!("{}: {} -> {}", escape(pointer), show(&c.old), show(&c.new)),
    }
}

/// `text` escaped as every text output escapes names ([`crate::names::escape`]).
fn escape(text: &str) -> String {
    crate::names::escape(text).into_owned()
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
    fn text_diffs_mark_a_missing_newline_and_are_cut() {
        let d = text_diff("a\nb", "a\nc");
        assert_eq!(
            d.unified,
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
        assert!(!d.cut);
        let old: String = (0..500).map(|i| format!("{i}\n")).collect();
        let d = text_diff(&old, "");
        assert!(d.cut);
        assert_eq!(d.unified.lines().count(), DIFF_LINES_MAX);
        assert_eq!(d.omitted_lines, 501 - DIFF_LINES_MAX);
    }

    #[test]
    fn metadata_sets_ignore_order_and_count_members() {
        let mut out = Vec::new();
        let a = json!({"platforms": ["x", "y", "y"], "options": ["x", "y"]});
        let b = json!({"platforms": ["y", "z", "x"], "options": ["y", "x"]});
        json_changes_in(&a, &b, "", &is_metadata_set, &mut out);
        let shown: Vec<String> = out.iter().map(change_text).collect();
        assert_eq!(
            shown,
            [
                "/options/0: \"x\" -> \"y\"",
                "/options/1: \"y\" -> \"x\"",
                "/platforms: removed \"y\"",
                "/platforms: added \"z\"",
            ]
        );
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
                member: false,
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
