//! Answer files (unattend files) read as their installer reads them, after LXCA
//! has substituted the macros: Windows Setup's `unattend` XML, AutoYaST profiles,
//! Anaconda and ESXi kickstart files, Ubuntu autoinstall user-data and preseed
//! files. The readers are `osbundle_formats`' ; this module decides which one a
//! file of a given OS gets and what its answers mean as findings.
//!
//! Each file is read twice when it uses custom macros: first with every macro
//! replaced by a neutral placeholder (a problem then is the file's own), then with
//! the custom macros' configured values (a problem that only appears then is
//! `macro-breaks-document`, naming the macro, its value and its config file).
//!
//! This module chooses the dialect, decodes, substitutes and maps problems back to
//! the original text; one file per family of installer judges the substituted text:
//! [`xml_checks`] (Windows Setup, AutoYaST), [`kickstart_checks`] (Anaconda, ESXi),
//! [`ubuntu_checks`] (autoinstall YAML, preseed).

use std::collections::BTreeMap;

use osbundle_formats::kickstart;
use osbundle_formats::text::{self, Encoding, Position};
use osbundle_formats::xml;

use crate::findings::{Finding, Rule, Severity};
use crate::macros::substitute::{substitute, Substituted};

mod kickstart_checks;
mod ubuntu_checks;
mod xml_checks;

/// Which installer reads an answer file.
#[derive(Debug, Clone, Copy)]
pub(super) enum Dialect {
    /// Windows Setup (`autounattend.xml`).
    Windows,
    /// AutoYaST (SLES).
    AutoYast,
    /// XML of an OS this module has no installer for: well-formedness, and the
    /// checks of Windows or AutoYaST when the root says which it is.
    Xml,
    /// Anaconda (RHEL and rebuilds).
    Kickstart(kickstart::Dialect),
    /// The ESXi installer.
    Esxi,
    /// Ubuntu: autoinstall YAML or a preseed file, by content.
    Ubuntu,
}

impl Dialect {
    /// The dialect of an answer file called `name` for `os` at `release` (`None`:
    /// not known, as for a loose file without `--os`).
    pub(super) fn of(os: Option<&str>, release: Option<&str>, name: &str) -> Option<Dialect> {
        let lower = name.to_ascii_lowercase();
        let xml = lower.ends_with(".xml");
        let os = os.map(str::to_ascii_lowercase);
        // A name whose extension the OS's installer does not read is the
        // extension check's finding; its content is not read as another format.
        let dialect = match os.as_deref() {
            Some(o) if o == "win" || o.starts_with("windows") => Dialect::Windows,
            Some("sles" | "sled" | "suse" | "opensuse") => Dialect::AutoYast,
            Some("rhels" | "rhel" | "rocky" | "centos" | "almalinux" | "oraclelinux") => {
                Dialect::Kickstart(kickstart_version(release))
            }
            Some("esxi") => Dialect::Esxi,
            Some("ubuntu") => Dialect::Ubuntu,
            _ if xml => Dialect::Xml,
            _ if lower.ends_with(".ks") => Dialect::Kickstart(kickstart::Dialect::AnacondaAny),
            _ => return None,
        };
        (dialect.is_xml() == xml).then_some(dialect)
    }

    fn is_xml(self) -> bool {
        matches!(self, Dialect::Windows | Dialect::AutoYast | Dialect::Xml)
    }
}

/// The pykickstart version of a RHEL release (`7.5` → RHEL7); any version when the
/// release is not known.
fn kickstart_version(release: Option<&str>) -> kickstart::Dialect {
    release
        .and_then(|r| r.split(['.', '-', 'u', 'U']).next())
        .and_then(|major| kickstart::Version::named(&format!("RHEL{major}")))
        .map_or(
            kickstart::Dialect::AnacondaAny,
            kickstart::Dialect::Anaconda,
        )
}

/// A custom macro's configured value and the config file it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MacroValue {
    /// The value LXCA puts in without a user's answer.
    pub value: String,
    /// The config file (path as reported).
    pub source: String,
}

/// A problem found in the substituted text, before it is mapped back.
struct Issue {
    rule: Rule,
    severity: Severity,
    /// Byte offset in the substituted text.
    offset: usize,
    message: String,
}

impl Issue {
    fn error(rule: Rule, offset: usize, message: String) -> Issue {
        Issue {
            rule,
            severity: Severity::Error,
            offset,
            message,
        }
    }
}

/// The findings of the answer file `path` with content `bytes`, read in `dialect`;
/// `values` are the custom macros' configured values (empty outside a profile).
pub(super) fn check(
    dialect: Dialect,
    path: &str,
    bytes: &[u8],
    values: &BTreeMap<String, MacroValue>,
) -> Vec<Finding> {
    let decoded = if dialect.is_xml() {
        xml::decode(bytes)
            .map(|t| (t.encoding, t.text))
            .map_err(|e| {
                Finding::error(Rule::UnattendMalformed, path, e.message.clone())
                    .at(e.position.line, e.position.column)
            })
    } else {
        decode_plain(dialect, path, bytes)
    };
    let (_, text) = match decoded {
        Ok(d) => d,
        Err(f) => return vec![f],
    };
    let neutral = substitute(&text, |_| None);
    let first = judge(dialect, &neutral);
    let mut findings: Vec<Finding> = first
        .iter()
        .map(|i| place(i, path, &text, &neutral))
        .collect();
    let uses_values = neutral
        .replaced
        .iter()
        .any(|r| values.contains_key(&r.name));
    if !uses_values || first.iter().any(|i| i.severity == Severity::Error) {
        return findings;
    }
    let valued = substitute(&text, |name| values.get(name).map(|v| v.value.as_str()));
    for issue in judge(dialect, &valued) {
        if issue.severity != Severity::Error {
            continue;
        }
        // The value at the error, else one on its line (a line that no longer
        // splits is reported at its start), else the last before it.
        let line_end = valued.text[issue.offset.min(valued.text.len())..]
            .find('\n')
            .map_or(valued.text.len(), |i| issue.offset + i);
        let blamed = valued
            .overlapping(issue.offset..issue.offset + 1)
            .chain(valued.overlapping(issue.offset..line_end))
            .find(|r| r.value.is_some())
            .or_else(|| {
                valued
                    .at_or_before(issue.offset)
                    .filter(|r| r.value.is_some())
            })
            .or_else(|| valued.replaced.iter().find(|r| r.value.is_some()));
        let Some(r) = blamed else { continue };
        let source = values.get(&r.name).map_or("", |v| v.source.as_str());
        let at = text::position(&text, r.original.start);
        findings.push(
            Finding::error(
                Rule::MacroBreaksDocument,
                path,
                format!(
                    "with #{}# replaced by its value \"{}\" from {source}, the file no longer reads: {}",
                    r.name,
                    r.value.as_deref().unwrap_or_default(),
                    issue.message
                ),
            )
            .at(at.line, at.column),
        );
        // The installer stops at the first error; so does this report.
        break;
    }
    findings
}

/// Decodes a text answer file (kickstart, YAML, preseed): UTF-8; a byte-order mark
/// only where the reader skips it (YAML).
fn decode_plain(dialect: Dialect, path: &str, bytes: &[u8]) -> Result<(Encoding, String), Finding> {
    let d = text::decode(bytes).map_err(|e| {
        Finding::error(
            Rule::UnattendMalformed,
            path,
            format!("{e}: the installer reads this file as UTF-8"),
        )
        .at(e.position.line, e.position.column)
    })?;
    let yaml_ok = matches!(dialect, Dialect::Ubuntu) && d.encoding == Encoding::Utf8Bom;
    if d.encoding != Encoding::Utf8 && !yaml_ok {
        return Err(Finding::error(
            Rule::UnattendMalformed,
            path,
            format!(
                "the file is {}: the installer reads it as UTF-8 without a byte-order mark (the first line would not be read as written); save it as UTF-8",
                d.encoding
            ),
        )
        .at(1, 1));
    }
    Ok((d.encoding, d.text))
}

/// Maps an issue back to the original text.
fn place(issue: &Issue, path: &str, original: &str, sub: &Substituted) -> Finding {
    let at = text::position(original, sub.original_offset(issue.offset));
    let f = match issue.severity {
        Severity::Error => Finding::error(issue.rule, path, issue.message.clone()),
        Severity::Warning => Finding::warning(issue.rule, path, issue.message.clone()),
        Severity::Note => Finding::note(issue.rule, path, issue.message.clone()),
    };
    f.at(at.line, at.column)
}

/// The byte offset of a line and column (in characters) of `text`.
fn offset_of(text: &str, p: Position) -> usize {
    let mut line_start = 0;
    for _ in 1..p.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    text[line_start..]
        .char_indices()
        .nth(p.column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// The issues of the substituted text, by the dialect's installer.
fn judge(dialect: Dialect, sub: &Substituted) -> Vec<Issue> {
    match dialect {
        Dialect::Windows | Dialect::AutoYast | Dialect::Xml => xml_checks::judge(dialect, sub),
        Dialect::Kickstart(d) => kickstart_checks::judge(d, &sub.text, false),
        Dialect::Esxi => kickstart_checks::judge(kickstart::Dialect::Esxi, &sub.text, true),
        Dialect::Ubuntu => ubuntu_checks::judge(&sub.text),
    }
}

/// ` (did you mean "x"?)` for the name of `names` nearest to `given`
/// ([`crate::suggest::did_you_mean`]), or nothing when none is near.
fn did_you_mean(given: &str, names: &[&str]) -> String {
    crate::suggest::did_you_mean(given, names)
        .map(|n| format!(" (did you mean \"{n}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
