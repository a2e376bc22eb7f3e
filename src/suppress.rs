//! Suppressing findings: inline `osbundle: ignore[rule-id, ...]` comments in the
//! checked files, and `[[ignore]]` entries of `osbundle.toml` that ignore rules for
//! paths.
//!
//! Both apply to any finding, whatever rule produced it: an inline comment to the
//! findings with a line in the file it is written in, on its own line or, when the
//! comment is alone on its line, on the next; an `[[ignore]]` entry to the findings
//! whose path its globs match (gitignore syntax, relative to the folder of
//! `osbundle.toml`). A comment is a comment when it follows a comment opener of one
//! of the file kinds that have comments: `<!--` (XML), `#` (shell, Perl, Python,
//! PowerShell, kickstart, YAML), `<#` (PowerShell), `::` or `REM` (cmd). JSON has no
//! comments, so configuration-settings files take only `[[ignore]]`.
//!
//! An ignore that silences nothing is an `ignore-unused` warning, so that stale ones
//! do not pile up; so is an inline rule ID that names no rule (with "did you mean").

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use crate::findings::{Finding, Rule};

/// One inline `osbundle: ignore[...]` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment.
    pub line: usize,
    /// 1-based column (in characters) of `osbundle:`.
    pub column: usize,
    /// Whether the comment is alone on its line (then it covers the next line too).
    pub alone: bool,
    /// The rule IDs as written.
    pub ids: Vec<String>,
}

impl Directive {
    /// Whether the comment covers findings on `line`.
    pub fn covers(&self, line: usize) -> bool {
        line == self.line || (self.alone && line == self.line + 1)
    }
}

fn directive_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"osbundle:[ \t]*ignore\[([^\]\r\n]*)\]")
            .unwrap_or_else(|_| unreachable!("the directive pattern is a tested literal"))
    })
}

fn opener_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)<!--|<#|#|::|(?:^|[\s&(@])rem(?:\s|$)")
            .unwrap_or_else(|_| unreachable!("the opener pattern is a tested literal"))
    })
}

fn alone_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:<!--|<#|#+|::|@?rem)$")
            .unwrap_or_else(|_| unreachable!("the alone pattern is a tested literal"))
    })
}

/// The inline directives of a text file's bytes (decoded as macros are: UTF-16 with
/// a byte-order mark, else UTF-8).
pub fn directives(bytes: &[u8]) -> Vec<Directive> {
    let utf16 = matches!(bytes, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
    // Most files have none: no decoding needed to tell.
    if !utf16 && !bytes.windows(9).any(|w| w == b"osbundle:") {
        return Vec::new();
    }
    let text = crate::macros::decode_text(bytes);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(m) = directive_pattern().captures(line) else {
            continue;
        };
        let (Some(whole), Some(list)) = (m.get(0), m.get(1)) else {
            continue;
        };
        let prefix = &line[..whole.start()];
        if !opener_pattern().is_match(prefix) {
            continue;
        }
        out.push(Directive {
            line: i + 1,
            column: prefix.chars().count() + 1,
            alone: alone_pattern().is_match(prefix.trim()),
            ids: list
                .as_str()
                .split(',')
                .map(|id| id.trim().to_string())
                .filter(|id| !id.is_empty())
                .collect(),
        });
    }
    out
}

/// Drops the findings the inline `directives` of the files silence, given as
/// `(path, directive)`, and returns the `ignore-unused` warnings of those that
/// silence nothing or name no rule.
pub fn apply_inline(
    findings: &mut Vec<Finding>,
    directives: &[(String, Directive)],
) -> Vec<Finding> {
    if directives.is_empty() {
        return Vec::new();
    }
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|(_, d)| vec![false; d.ids.len()])
        .collect();
    findings.retain(|f| {
        let Some(line) = f.line else {
            return true;
        };
        let mut silenced = false;
        for ((path, d), used) in directives.iter().zip(used.iter_mut()) {
            if *path != f.path || !d.covers(line) {
                continue;
            }
            for (id, used) in d.ids.iter().zip(used.iter_mut()) {
                if id == f.rule.as_str() {
                    *used = true;
                    silenced = true;
                }
            }
        }
        !silenced
    });
    let mut unused = Vec::new();
    for ((path, d), used) in directives.iter().zip(&used) {
        let warn = |message: String| {
            Finding::warning(Rule::IgnoreUnused, path.as_str(), message).at(d.line, d.column)
        };
        if d.ids.is_empty() {
            unused.push(warn("osbundle: ignore[] names no rule ID".to_string()));
        }
        for (id, used) in d.ids.iter().zip(used) {
            match Rule::from_id(id) {
                None => unused.push(warn(format!(
                    "osbundle: ignore[{id}]: unknown rule ID{}",
                    Rule::did_you_mean(id)
                ))),
                Some(_) if !used => unused.push(warn(format!(
                    "osbundle: ignore[{id}] silences nothing: no {id} finding on {}; remove it",
                    if d.alone {
                        "this line or the next"
                    } else {
                        "this line"
                    }
                ))),
                Some(_) => {}
            }
        }
    }
    unused
}

/// One `[[ignore]]` entry of `osbundle.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathIgnore {
    /// Globs in gitignore syntax, relative to the project root.
    pub paths: Vec<String>,
    /// The rules ignored there.
    pub rules: Vec<Rule>,
    /// 1-based line of the entry in the file.
    pub line: usize,
}

/// Drops the findings that the `[[ignore]]` entries silence and returns the
/// `ignore-unused` warnings of those that silence nothing, reported at `file`.
/// Finding paths are taken relative to `cwd` and matched below `root`, the folder of
/// the configuration file.
pub(crate) fn apply_paths(
    findings: &mut Vec<Finding>,
    entries: &[PathIgnore],
    root: &Path,
    cwd: &Path,
    file: &str,
) -> Vec<Finding> {
    if entries.is_empty() {
        return Vec::new();
    }
    let root = normalize(&cwd.join(root));
    let matchers: Vec<Option<ignore::gitignore::Gitignore>> = entries
        .iter()
        .map(|entry| {
            let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
            for glob in &entry.paths {
                // Globs are checked when the file is read; one that still fails is skipped.
                let _ = builder.add_line(None, glob);
            }
            builder.build().ok()
        })
        .collect();
    let mut used = vec![false; entries.len()];
    findings.retain(|f| {
        let Some(relative) = relative_to(&root, &cwd.join(&f.path)) else {
            return true;
        };
        let mut silenced = false;
        for ((entry, matcher), used) in entries.iter().zip(&matchers).zip(used.iter_mut()) {
            let Some(matcher) = matcher else { continue };
            if entry.rules.contains(&f.rule)
                && matcher
                    .matched_path_or_any_parents(&relative, false)
                    .is_ignore()
            {
                *used = true;
                silenced = true;
            }
        }
        !silenced
    });
    entries
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(entry, _)| {
            let rules: Vec<&str> = entry.rules.iter().map(|r| r.as_str()).collect();
            Finding::warning(
                Rule::IgnoreUnused,
                file,
                format!(
                    "[[ignore]] of {} for {} silenced no finding in this run; remove it if it is stale",
                    rules.join(", "),
                    entry.paths.join(", ")
                ),
            )
            .at(entry.line, 1)
        })
        .collect()
}

/// `path` below `root`, both normalized, when it is below it.
fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let path = normalize(path);
    let relative = path.strip_prefix(root).ok()?;
    (!relative.as_os_str().is_empty()).then(|| relative.to_path_buf())
}

/// `.` and `..` resolved without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(usize, bool, Vec<String>)> {
        directives(text.as_bytes())
            .into_iter()
            .map(|d| (d.line, d.alone, d.ids))
            .collect()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn directives_in_every_kind_of_comment() {
        let text = "echo a  # osbundle: ignore[script-line-endings]\n\
                    # osbundle: ignore[a-b, c-d ]\n\
                    <x/> <!-- osbundle:ignore[unattend-unknown-macro] -->\n\
                    <!-- osbundle: ignore[x] -->\n\
                    REM osbundle: ignore[y]\n\
                    @echo off & rem osbundle: ignore[z]\n\
                    :: osbundle: ignore[w]\n\
                    <# osbundle: ignore[v] #>\n\
                    echo \"osbundle: ignore[not-a-comment]\"\n\
                    remove osbundle: ignore[nor-this]\n";
        assert_eq!(
            parsed(text),
            [
                (1, false, ids(&["script-line-endings"])),
                (2, true, ids(&["a-b", "c-d"])),
                (3, false, ids(&["unattend-unknown-macro"])),
                (4, true, ids(&["x"])),
                (5, true, ids(&["y"])),
                (6, false, ids(&["z"])),
                (7, true, ids(&["w"])),
                (8, true, ids(&["v"])),
            ]
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "# osbundle: ignore[q]\r\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(directives(&utf16).len(), 1);
        assert!(directives(b"no directive here").is_empty());
    }

    #[test]
    fn inline_ignores_silence_their_line_and_warn_when_stale() {
        let at = |rule, line| Finding::error(rule, "s.sh", "x").at(line, 1);
        let mut findings = vec![
            at(Rule::UnattendUnknownMacro, 2),
            at(Rule::UnattendUnknownMacro, 3),
            at(Rule::UnattendUnknownMacro, 5),
            Finding::error(Rule::UnattendUnknownMacro, "other.sh", "x").at(2, 1),
        ];
        let text = "# osbundle: ignore[unattend-unknown-macro]\nx\nx # osbundle: ignore[unattend-unknown-macro, unknown-oss]\n\n# osbundle: ignore[kind-unknown]\n";
        let dirs: Vec<(String, Directive)> = directives(text.as_bytes())
            .into_iter()
            .map(|d| ("s.sh".to_string(), d))
            .collect();
        let unused = apply_inline(&mut findings, &dirs);
        let left: Vec<_> = findings.iter().map(|f| (f.path.as_str(), f.line)).collect();
        assert_eq!(left, [("s.sh", Some(5)), ("other.sh", Some(2))]);
        let warned: Vec<_> = unused
            .iter()
            .map(|f| (f.line, f.message.as_str()))
            .collect();
        assert_eq!(warned.len(), 2, "{warned:?}");
        assert_eq!(warned[0].0, Some(3));
        assert!(
            warned[0].1.contains("did you mean \"unknown-os\""),
            "{}",
            warned[0].1
        );
        assert_eq!(warned[1].0, Some(5));
        assert!(warned[1].1.contains("silences nothing"), "{}", warned[1].1);
        assert!(unused.iter().all(|f| f.rule == Rule::IgnoreUnused));
    }

    #[test]
    fn path_ignores_match_below_the_project_root() {
        let entries = vec![
            PathIgnore {
                paths: vec!["profiles/win/scripts/legacy/*.sh".into()],
                rules: vec![Rule::UnattendUnknownMacro],
                line: 2,
            },
            PathIgnore {
                paths: vec!["**/old/".into()],
                rules: vec![Rule::KindUnknown],
                line: 5,
            },
        ];
        let mut findings = vec![
            Finding::error(Rule::UnattendUnknownMacro, "win/scripts/legacy/a.sh", "x"),
            Finding::error(Rule::UnattendUnknownMacro, "win/scripts/b.sh", "x"),
            Finding::error(Rule::ExtensionNotAllowed, "win/scripts/legacy/a.sh", "x"),
        ];
        let cwd = Path::new("/repo/profiles");
        let unused = apply_paths(
            &mut findings,
            &entries,
            Path::new("/repo"),
            cwd,
            "osbundle.toml",
        );
        let left: Vec<_> = findings.iter().map(|f| (f.rule, f.path.as_str())).collect();
        assert_eq!(
            left,
            [
                (Rule::UnattendUnknownMacro, "win/scripts/b.sh"),
                (Rule::ExtensionNotAllowed, "win/scripts/legacy/a.sh")
            ]
        );
        assert_eq!(unused.len(), 1);
        assert_eq!(
            (unused[0].path.as_str(), unused[0].line),
            ("osbundle.toml", Some(5))
        );
        // A path outside the root, or above it, is never matched.
        let mut outside = vec![Finding::error(
            Rule::KindUnknown,
            "../../elsewhere/old/x",
            "x",
        )];
        apply_paths(
            &mut outside,
            &entries,
            Path::new("/repo"),
            cwd,
            "osbundle.toml",
        );
        assert_eq!(outside.len(), 1);
    }
}
