//! One incremental checker of a profile's content, fed the same way from a directory
//! walk (`check`) and from an archive stream (`verify`): the scope (OS, release,
//! platforms), then every file with its kind and, for configuration-settings files,
//! unattend files and scripts, what its content says ([`Content`]). Nothing is judged
//! against what came before: name checks, macro references and answer files (read
//! in their OS's dialect with the macros' configured values substituted) wait for
//! [`Checker::finish`], so the findings are the same whatever order the files come in.
//!
//! Reading a file's content ([`Content::of`]) is separate from feeding it, so that a
//! walk can read files in parallel and feed them in order.

use std::collections::{BTreeMap, BTreeSet};

use super::payload;
use crate::config;
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
use crate::macros::{self, MacroCatalog, MacroUse};
use crate::rules::{name_findings, resolve_scope, signature_findings, RuleSet, Scope, ScopeSource};
use crate::suppress::{self, Directive};

use super::answer::{self, MacroValue};
use super::script;

/// What the content of one file says: findings about it, the custom macros it
/// provides (configuration-settings files) and the macros it uses (unattend files
/// and scripts). Computed on any thread, fed to a [`Checker`] in any order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Content {
    pub(super) findings: Vec<Finding>,
    provides: Vec<String>,
    uses: Vec<MacroUse>,
    pub(super) payload: Option<payload::Facts>,
    /// Configured values of the custom macros it provides (config files).
    values: Vec<(String, String)>,
    /// The bytes of an answer file, read in its OS's dialect once the scope and the
    /// macros' values are known ([`Checker::finish`]).
    answer: Option<Vec<u8>>,
    /// Why the file's content could not be read or parsed (a configuration-settings
    /// file whose macros are then unknown).
    broken: Option<String>,
    /// Its inline `osbundle: ignore[...]` comments.
    ignores: Vec<Directive>,
}

impl Content {
    /// Whether files of `kind` are read whole for their content (payloads are read
    /// by [`payload::check_file`] and [`payload::Stream`], by seeking or as they
    /// stream).
    pub(crate) fn is_read(kind: Kind) -> bool {
        matches!(kind, Kind::Config | Kind::Unattend | Kind::Script)
    }

    /// Checks the content `bytes` of a file of `kind`, reported at `path`.
    pub(crate) fn of(kind: Kind, path: &str, bytes: &[u8]) -> Content {
        match kind {
            Kind::Config => {
                let checked = config::check_bytes(bytes, path);
                let broken = checked.value.is_none().then(|| {
                    match checked
                        .findings
                        .iter()
                        .find(|f| f.rule == Rule::ConfigInvalidJson)
                    {
                        Some(Finding {
                            line: Some(line),
                            column: Some(column),
                            ..
                        }) => format!("this file is not valid JSON ({line}:{column})"),
                        _ => "this file is not valid JSON".to_string(),
                    }
                });
                Content {
                    provides: checked
                        .value
                        .as_ref()
                        .map(macros::derive_macros)
                        .unwrap_or_default(),
                    values: checked
                        .value
                        .as_ref()
                        .map(macros::derive_values)
                        .unwrap_or_default(),
                    findings: checked.findings,
                    broken,
                    ..Content::default()
                }
            }
            Kind::Unattend if is_blank(bytes) => Content {
                findings: vec![Finding::warning(
                    Rule::UnattendEmpty,
                    path,
                    if bytes.is_empty() {
                        "the unattend file is empty (0 bytes)".to_string()
                    } else {
                        format!(
                            "the unattend file holds only whitespace ({} bytes)",
                            bytes.len()
                        )
                    },
                )],
                ..Content::default()
            },
            Kind::Unattend => Content {
                uses: macros::references(bytes),
                answer: Some(bytes.to_vec()),
                ignores: suppress::directives(bytes),
                ..Content::default()
            },
            Kind::Script => Content {
                uses: macros::references(bytes),
                findings: script::check(path, file_name(path), bytes),
                ignores: suppress::directives(bytes),
                ..Content::default()
            },
            _ => Content::default(),
        }
    }

    /// What a payload's bytes say ([`payload`]): findings, and facts for the OS.
    pub(super) fn of_payload(findings: Vec<Finding>, facts: Option<payload::Facts>) -> Content {
        Content {
            findings,
            payload: facts,
            ..Content::default()
        }
    }

    /// A file whose content could not be read: one finding instead.
    pub(crate) fn unreadable(finding: Finding) -> Content {
        Content {
            broken: Some(format!("this file could not be read ({})", finding.message)),
            findings: vec![finding],
            ..Content::default()
        }
    }
}

/// The last component of a reported path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether `bytes` are empty or only whitespace, read as [`macros::decode_text`]
/// reads them (UTF-16 with a byte-order mark, else UTF-8 without one).
fn is_blank(bytes: &[u8]) -> bool {
    // Most files start with markup: no decoding needed to tell them apart.
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return true,
        Some(b) if b.is_ascii_graphic() && !matches!(bytes[0], 0xEF | 0xFE | 0xFF) => return false,
        Some(_) => {}
    }
    macros::decode_text(bytes).trim().is_empty()
}

/// A file fed to the checker, judged by name at the end.
#[derive(Debug)]
struct Named {
    kind: Kind,
    path: String,
    name: String,
}

/// The checker of one profile (or of one loose file).
#[derive(Debug)]
pub(crate) struct Checker<'r> {
    rules: &'r RuleSet,
    scope: Scope<'r>,
    in_profile: bool,
    named: Vec<Named>,
    findings: Vec<Finding>,
    custom: BTreeSet<String>,
    payloads: Vec<payload::Facts>,
    values: BTreeMap<String, MacroValue>,
    answers: Vec<(String, Vec<u8>)>,
    uses: Vec<(String, Kind, MacroUse)>,
    /// Configuration-settings files that could not be read or parsed, and why.
    broken: Vec<(String, String)>,
    /// Inline ignores, by file path.
    ignores: Vec<(String, Directive)>,
}

impl<'r> Checker<'r> {
    /// A checker of a whole profile: custom macro references are judged against the
    /// macros of all its configuration-settings files.
    pub(crate) fn profile(rules: &'r RuleSet) -> Self {
        Checker::new(rules, true)
    }

    /// A checker of files outside any profile: only `predefined.*` references can be
    /// judged.
    pub(crate) fn loose(rules: &'r RuleSet) -> Self {
        Checker::new(rules, false)
    }

    fn new(rules: &'r RuleSet, in_profile: bool) -> Self {
        Checker {
            rules,
            scope: Scope::default(),
            in_profile,
            named: Vec::new(),
            findings: Vec::new(),
            custom: BTreeSet::new(),
            uses: Vec::new(),
            payloads: Vec::new(),
            values: BTreeMap::new(),
            answers: Vec::new(),
            broken: Vec::new(),
            ignores: Vec::new(),
        }
    }

    /// Sets the scope: OS, release and platforms, as written in `source`. Problems
    /// with them are findings at `source`.
    pub(crate) fn scope(
        &mut self,
        os: Option<&str>,
        release: Option<&str>,
        platforms: &[String],
        source: ScopeSource<'_>,
    ) {
        let (scope, findings) = resolve_scope(self.rules, os, release, platforms, source);
        self.scope = scope;
        self.findings.extend(findings);
    }

    /// Adds findings found elsewhere (the profile's own description, its listing).
    pub(crate) fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
    }

    /// Feeds one file of `kind` at `path`. `name` is its file name (`None` when it
    /// has none, as standard input: no name checks); `content` what its content says.
    pub(crate) fn file(&mut self, kind: Kind, path: &str, name: Option<&str>, content: Content) {
        if let Some(name) = name {
            self.named.push(Named {
                kind,
                path: path.to_string(),
                name: name.to_string(),
            });
        }
        self.findings.extend(content.findings);
        self.custom.extend(content.provides);
        self.payloads.extend(content.payload);
        for (name, value) in content.values {
            let source = path.to_string();
            // Two config files giving one macro: the first path in order decides,
            // whatever order the files came in.
            match self.values.get(&name) {
                Some(v) if v.source <= source => {}
                _ => {
                    self.values.insert(name, MacroValue { value, source });
                }
            }
        }
        if let Some(bytes) = content.answer {
            self.answers.push((path.to_string(), bytes));
        }
        self.ignores
            .extend(content.ignores.into_iter().map(|d| (path.to_string(), d)));
        if let (Kind::Config, Some(why)) = (kind, content.broken) {
            self.broken.push((path.to_string(), why));
        }
        self.uses.extend(
            content
                .uses
                .into_iter()
                .map(|u| (path.to_string(), kind, u)),
        );
    }

    /// Judges every name under the scope and every macro reference against every
    /// macro, drops what the files' inline `osbundle: ignore[...]` comments silence
    /// (warning about those that silence nothing), and returns all findings
    /// (unsorted).
    pub(crate) fn finish(mut self) -> Vec<Finding> {
        for f in &self.named {
            self.findings.extend(name_findings(
                self.rules, self.scope, f.kind, &f.path, &f.name,
            ));
        }
        let os = self.scope.os.map(|o| o.name.as_str());
        for facts in &self.payloads {
            self.findings.extend(payload::judge_os(facts, os));
        }
        if self.in_profile {
            // BUNDLESIG signatures beside their bundle files.
            self.findings.extend(signature_findings(
                self.named
                    .iter()
                    .filter(|f| f.kind == Kind::Bundle)
                    .map(|f| (f.path.as_str(), f.name.as_str())),
            ));
        }
        let os = self.scope.os.map(|o| o.name.as_str());
        let no_values = BTreeMap::new();
        let values = if self.in_profile {
            &self.values
        } else {
            &no_values
        };
        for (path, bytes) in &self.answers {
            if let Some(dialect) = answer::Dialect::of(os, self.scope.release, file_name(path)) {
                self.findings
                    .extend(answer::check(dialect, path, bytes, values));
            }
        }
        if !self.uses.is_empty() {
            let custom = self.in_profile.then_some(&self.custom);
            let catalog = MacroCatalog::new(self.rules.predefined_macros.as_deref(), custom);
            // With a config file unreadable, an unknown custom macro may be one of its
            // own: said once, at that file, instead of one error per reference.
            let mut unchecked = Vec::new();
            for (path, kind, reference) in &self.uses {
                let script = *kind == Kind::Script;
                let Some(finding) = macros::judge_use(reference, path, &catalog, script) else {
                    continue;
                };
                if self.broken.is_empty() || macros::is_predefined_name(&reference.name) {
                    self.findings.push(finding);
                } else {
                    unchecked.push((path.as_str(), reference));
                }
            }
            unchecked.sort_by_key(|(path, r)| (*path, r.line, r.column));
            self.findings
                .extend(unchecked_note(&self.broken, &unchecked));
        }
        let unused = suppress::apply_inline(&mut self.findings, &self.ignores);
        self.findings.extend(unused);
        self.findings
    }
}

/// The one note about the macro references that could not be checked because the
/// configuration-settings files `broken` could not be read, at the first of them.
fn unchecked_note(broken: &[(String, String)], unchecked: &[(&str, &MacroUse)]) -> Option<Finding> {
    let mut broken: Vec<&(String, String)> = broken.iter().collect();
    broken.sort();
    let (first, why) = broken.first()?;
    let (at_path, at) = unchecked.first()?;
    let names: BTreeSet<&str> = unchecked.iter().map(|(_, r)| r.name.as_str()).collect();
    let names: Vec<String> = names.iter().map(|n| format!("#{n}#")).collect();
    let others: Vec<&str> = broken[1..].iter().map(|(p, _)| p.as_str()).collect();
    let also = match others.is_empty() {
        true => String::new(),
        false => format!(" (nor could {})", others.join(", ")),
    };
    Some(Finding::note(
        Rule::UnattendUnknownMacro,
        first.as_str(),
        format!(
            "could not check {} ({}, first at {at_path}:{}:{}): {why}{also}, and the macros it provides are unknown",
            crate::rules::list_names(&names, 10),
            crate::report::plural(unchecked.len(), "reference"),
            at.line,
            at.column
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{"category": "dynamic", "name": "s", "type": "array", "template": [{"category": "dynamic", "name": "locale", "type": "string", "value": "en-US"}]}"#;
    const UNATTEND: &str =
        "<unattend xmlns='urn:schemas-microsoft-com:unattend'>#locale#\n<b>#nope#</b>\n#predefined.globalSettings.ipAssignment#</unattend>";

    fn feed(checker: &mut Checker<'_>, order: &[usize]) {
        let files = [
            (Kind::Config, "p/config/c.json", CONFIG),
            (Kind::Unattend, "p/unattend/u.xml", UNATTEND),
            (Kind::Driver, "p/drivers/n.exe", ""),
        ];
        for &i in order {
            let (kind, path, text) = files[i];
            let name = path.rsplit('/').next();
            checker.file(kind, path, name, Content::of(kind, path, text.as_bytes()));
        }
    }

    fn summary(findings: &[Finding]) -> Vec<(Rule, String, Option<usize>)> {
        let mut out: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.path.clone(), f.line))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn order_does_not_matter() {
        let rules = RuleSet::embedded();
        let mut results = Vec::new();
        for order in [[0, 1, 2], [1, 2, 0], [2, 1, 0]] {
            let mut checker = Checker::profile(&rules);
            feed(&mut checker, &order[..2]);
            checker.scope(
                Some("win"),
                Some("2016"),
                &[],
                ScopeSource::options("p/profile.json"),
            );
            feed(&mut checker, &order[2..]);
            results.push(summary(&checker.finish()));
        }
        assert_eq!(
            results[0],
            [
                (
                    Rule::ExtensionNotAllowed,
                    "p/drivers/n.exe".to_string(),
                    None
                ),
                (
                    Rule::UnattendUnknownMacro,
                    "p/unattend/u.xml".to_string(),
                    Some(2)
                ),
            ]
        );
        assert_eq!(results[0], results[1]);
        assert_eq!(results[0], results[2]);
    }

    fn profile_findings(files: &[(Kind, &str, &str)]) -> Vec<Finding> {
        let rules = RuleSet::embedded();
        let mut checker = Checker::profile(&rules);
        for (kind, path, text) in files {
            let name = path.rsplit('/').next();
            checker.file(*kind, path, name, Content::of(*kind, path, text.as_bytes()));
        }
        let mut f = checker.finish();
        crate::findings::sort_findings(&mut f);
        f
    }

    #[test]
    fn a_broken_config_file_says_once_which_macros_it_leaves_unchecked() {
        let f = profile_findings(&[
            (Kind::Config, "p/config/a.json", "{\"name\": \"s\",\n \"type\": \"array\",}"),
            (Kind::Config, "p/config/b.json", CONFIG),
            (
                Kind::Unattend,
                "p/unattend/u.xml",
                "<r><a>#host.name#</a>\n<b>#host.ip#</b><c>#locale#</c>\n#predefined.nope#\n#host.name#</r>",
            ),
        ]);
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.rule, f.severity, f.path.as_str(), f.line))
            .collect();
        use crate::findings::Severity::{Error, Note};
        assert_eq!(
            got,
            [
                (Rule::UnattendUnknownMacro, Note, "p/config/a.json", None),
                (Rule::ConfigInvalidJson, Error, "p/config/a.json", Some(2)),
                (
                    Rule::UnattendUnknownMacro,
                    Error,
                    "p/unattend/u.xml",
                    Some(3)
                ),
            ],
            "{f:#?}"
        );
        let note = &f[0].message;
        assert!(note.contains("#host.ip#, #host.name#"), "{note}");
        assert!(note.contains("3 references"), "{note}");
        assert!(note.contains("p/unattend/u.xml:1:7"), "{note}");
        assert!(
            note.contains("this file is not valid JSON (2:18)"),
            "why: {note}"
        );
        // With the config file repaired, they are unknown again.
        let f = profile_findings(&[
            (Kind::Config, "p/config/b.json", CONFIG),
            (Kind::Unattend, "p/unattend/u.xml", "<r>#host.name#</r>"),
        ]);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Error);
    }

    #[test]
    fn script_syntax_between_hash_signs_is_no_macro() {
        let script = "#!/bin/sh\nsed -i 's#PermitRootLogin yes#PermitRootLogin no#' f\nsed 's#foo#bar#' g\nperl -pe 's#foo#bar#g'\ncolor=\"#ff0000#\"\n#locle# #predefined.nope# #my.thing#\n";
        let f = profile_findings(&[
            (Kind::Config, "p/config/b.json", CONFIG),
            (Kind::Script, "p/scripts/s.sh", script),
        ]);
        let got: Vec<_> = f.iter().map(|f| (f.line, f.column)).collect();
        // Close to a known macro, predefined, dotted: still findings.
        assert_eq!(
            got,
            [(Some(6), Some(1)), (Some(6), Some(9)), (Some(6), Some(27))],
            "{f:#?}"
        );
        assert!(
            f[0].message.contains("did you mean #locale#"),
            "{}",
            f[0].message
        );
        // In an unattend file every unknown reference is a finding.
        let f = profile_findings(&[
            (Kind::Config, "p/config/b.json", CONFIG),
            (Kind::Unattend, "p/unattend/u.xml", "<a>#ff0000#</a>"),
        ]);
        assert_eq!(f.len(), 1, "{f:#?}");
    }

    #[test]
    fn loose_files_judge_predefined_macros_only() {
        let rules = RuleSet::embedded();
        let mut checker = Checker::loose(&rules);
        let text = b"#!/bin/sh\n#custom.thing# #predefined.nope#";
        checker.file(
            Kind::Script,
            "s.sh",
            None,
            Content::of(Kind::Script, "s.sh", text),
        );
        let f = checker.finish();
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("predefined.nope"), "{}", f[0].message);
    }

    fn empty_warnings(kind: Kind, bytes: &[u8]) -> Vec<Finding> {
        Content::of(kind, "u.xml", bytes)
            .findings
            .into_iter()
            .filter(|f| f.rule == Rule::UnattendEmpty)
            .collect()
    }

    #[test]
    fn empty_and_blank_unattend_files_are_warned_about() {
        let blank: [&[u8]; 7] = [
            b"",
            b" ",
            b"\r\n\t \n",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBF \r\n",
            "\u{a0}\u{3000}\n".as_bytes(),
            // UTF-16 LE and BE with a byte-order mark: a space and a line feed.
            b"\xFF\xFE\x20\x00\x0A\x00",
        ];
        for bytes in blank {
            let f = empty_warnings(Kind::Unattend, bytes);
            assert_eq!(f.len(), 1, "{bytes:?}");
            assert_eq!(f[0].severity, crate::findings::Severity::Warning);
            assert_eq!(f[0].path, "u.xml");
            let says = if bytes.is_empty() {
                "0 bytes"
            } else {
                "only whitespace"
            };
            assert!(f[0].message.contains(says), "{}", f[0].message);
        }
        assert!(empty_warnings(Kind::Unattend, b"\xFE\xFF\x00\x20\x30\x00").len() == 1);
    }

    #[test]
    fn unattend_files_with_content_and_other_kinds_are_not() {
        let full: [&[u8]; 6] = [
            b"<unattend/>",
            b"\n\n  x",
            b"\xEF\xBB\xBF<a/>",
            // UTF-16 LE "<" and BE "a".
            b"\xFF\xFE\x3C\x00",
            b"\xFE\xFF\x00\x61",
            // Not UTF-8: the replacement character is no whitespace.
            b" \xC3 ",
        ];
        for bytes in full {
            assert!(
                empty_warnings(Kind::Unattend, bytes).is_empty(),
                "{bytes:?}"
            );
        }
        for kind in [Kind::Script, Kind::Driver, Kind::Boot, Kind::Software] {
            assert!(empty_warnings(kind, b"").is_empty(), "{kind:?}");
            assert!(empty_warnings(kind, b" \n").is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn a_blank_unattend_file_uses_no_macros() {
        let c = Content::of(Kind::Unattend, "u.xml", b"  \n");
        assert!(c.uses.is_empty() && c.provides.is_empty());
    }
}
