//! Macros: `#name#` references in unattend files and installation scripts, the
//! predefined set, and the custom macros configuration-settings files provide
//! ([`derive_macros`]).
//!
//! A reference is a macro name between hash signs, `#predefined.globalSettings.ipAssignment#`:
//! a name is dot-separated segments of letters, digits, `_` and `-`, starting with a
//! letter or `_`. The scan goes left to right without overlap, like LXCA's
//! substitution. A reference is known when it is a predefined macro (the
//! `predefinedMacros` of the rules, or `DEFAULT_PREDEFINED` when the rules have none)
//! or a custom macro derived from the profile's configuration-settings files. Outside
//! a profile, custom macros cannot be judged: only `predefined.*` references are.
//!
//! In installation scripts `#word#` is often the script's own syntax (`sed
//! 's#a#b#'`, Perl `s#a#b#g`, a colour `"#ff0000#"`), and LXCA substitutes only macros
//! that exist: there an unknown name is judged only when it is dotted, starts with
//! `predefined.` or is close to a known macro ([`MacroCatalog::judge_script`]).
//!
//! Files are read as UTF-8 (invalid bytes replaced) or, with a byte-order mark,
//! UTF-16 (Windows unattend files are often saved so).

mod derive;
mod shown;
pub(crate) mod substitute;

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::findings::{Finding, Rule};
use crate::json::LineIndex;

pub use derive::derive_macros;
pub(crate) use derive::derive_values;
pub use shown::CustomMacros;

/// The predefined macros used when the rules carry no `predefinedMacros` list.
///
/// The names down to `predefined.hostPlatforms.networkSettings` are the documented
/// "Predefined macros" table of LXCA; the `unattendSettings` names and
/// `otherSettings.jobId`, `deployDataAndSoftwareLocation` and the `statusSettings`
/// locations are those of LXCA's current documentation and a real 2018 `GET
/// /osImages` reply (RHEL kickstarts are told to use `preinstallConfig` and
/// `postinstallConfig`); the children of `networkSettings` and
/// `storageSettings`, `selectedImage`, `uuid` and `otherSettings.statusSettings.urlStatus`
/// are the fields of LXCA's host-platform deployment settings, which the macros mirror.
/// A real `GET /osImages` response passed with `--rules` gives the exact set of a
/// server.
pub(crate) const DEFAULT_PREDEFINED: &[&str] = &[
    "predefined",
    "predefined.globalSettings",
    "predefined.globalSettings.credentials",
    "predefined.globalSettings.credentials.name",
    "predefined.globalSettings.credentials.type",
    "predefined.globalSettings.ipAssignment",
    "predefined.globalSettings.isVLANMode",
    "predefined.hostPlatforms",
    "predefined.hostPlatforms.licenseKey",
    "predefined.hostPlatforms.networkSettings",
    "predefined.hostPlatforms.networkSettings.dns1",
    "predefined.hostPlatforms.networkSettings.dns2",
    "predefined.hostPlatforms.networkSettings.gateway",
    "predefined.hostPlatforms.networkSettings.hostname",
    "predefined.hostPlatforms.networkSettings.ipAddress",
    "predefined.hostPlatforms.networkSettings.mtu",
    "predefined.hostPlatforms.networkSettings.prefixLength",
    "predefined.hostPlatforms.networkSettings.selectedMAC",
    "predefined.hostPlatforms.networkSettings.subnetMask",
    "predefined.hostPlatforms.networkSettings.vlanId",
    "predefined.hostPlatforms.selectedImage",
    "predefined.hostPlatforms.storageSettings",
    "predefined.hostPlatforms.storageSettings.targetDevice",
    "predefined.hostPlatforms.uuid",
    "predefined.otherSettings",
    "predefined.otherSettings.deployDataAndSoftwareLocation",
    "predefined.otherSettings.jobId",
    "predefined.otherSettings.statusSettings",
    "predefined.otherSettings.statusSettings.certLocation",
    "predefined.otherSettings.statusSettings.sdkLocation",
    "predefined.otherSettings.statusSettings.urlStatus",
    "predefined.unattendSettings",
    "predefined.unattendSettings.postinstallConfig",
    "predefined.unattendSettings.preinstallConfig",
    "predefined.unattendSettings.reportWorkloadNotComplete",
];

/// A `#name#` reference and where it starts (at the first `#`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroRef {
    /// The macro name, without hash signs.
    pub name: String,
    /// Byte offset of the opening `#`.
    pub offset: usize,
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // A literal, tested pattern: compiling it cannot fail at run time.
        Regex::new(r"#([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)#")
            .unwrap_or_else(|_| unreachable!("the macro pattern is a tested literal"))
    })
}

/// Every macro reference in `text`, in order.
pub fn scan(text: &str) -> Vec<MacroRef> {
    pattern()
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            Some(MacroRef {
                name: c.get(1)?.as_str().to_string(),
                offset: whole.start(),
            })
        })
        .collect()
}

/// Decodes a text file: UTF-16 with a byte-order mark, else UTF-8 (lossy, BOM dropped).
pub fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |le: bool| {
        let units = bytes[2..].chunks_exact(2).map(|p| {
            if le {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The macros a file may use.
#[derive(Debug, Clone)]
pub struct MacroCatalog {
    predefined: HashSet<String>,
    custom: Option<BTreeSet<String>>,
}

impl MacroCatalog {
    /// `predefined` from the rules (or the documented default when `None`); `custom`
    /// the macros of the profile's config files, or `None` outside a profile.
    pub fn new(predefined: Option<&[String]>, custom: Option<&BTreeSet<String>>) -> Self {
        let predefined = match predefined {
            Some(list) => list.iter().cloned().collect(),
            None => DEFAULT_PREDEFINED.iter().map(|s| s.to_string()).collect(),
        };
        MacroCatalog {
            predefined,
            custom: custom.cloned(),
        }
    }

    /// [`MacroCatalog::judge`] for a reference in an installation script: a name
    /// that is not dotted, not predefined and close to no known macro is the
    /// script's own syntax, not a macro.
    pub fn judge_script(&self, name: &str) -> Option<String> {
        let known = self.predefined.iter().chain(self.custom.iter().flatten());
        if !name.contains('.') && !is_predefined_name(name) && hint(name, known).is_empty() {
            return None;
        }
        self.judge(name)
    }

    /// Why `name` is unknown, or `None` when it is known or cannot be judged.
    pub fn judge(&self, name: &str) -> Option<String> {
        if self.predefined.contains(name) {
            return None;
        }
        if is_predefined_name(name) {
            return Some(format!(
                "unknown predefined macro #{name}#{}",
                hint(name, self.predefined.iter())
            ));
        }
        let custom = self.custom.as_ref()?;
        if custom.contains(name) {
            return None;
        }
        let provided = if custom.is_empty() {
            "the profile's config files provide none".to_string()
        } else {
            format!(
                "the profile's config files provide {}",
                crate::rules::list_names(&custom.iter().collect::<Vec<_>>(), 10)
            )
        };
        Some(format!(
            "unknown macro #{name}#: not predefined, and {provided}{}",
            hint(name, custom.iter())
        ))
    }
}

/// Whether `name` is in the predefined namespace (`predefined` or `predefined.*`),
/// which is judged even where custom macros cannot be.
pub(crate) fn is_predefined_name(name: &str) -> bool {
    name == "predefined" || name.starts_with("predefined.")
}

fn hint<'a>(name: &str, known: impl Iterator<Item = &'a String>) -> String {
    crate::suggest::did_you_mean(name, known)
        .map(|k| format!(" (did you mean #{k}#?)"))
        .unwrap_or_default()
}

/// A reference and where it is (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MacroUse {
    /// The macro name.
    pub name: String,
    /// Line of the opening `#`.
    pub line: usize,
    /// Column of the opening `#`.
    pub column: usize,
}

/// Every reference in the text file `bytes`, with its position.
pub(crate) fn references(bytes: &[u8]) -> Vec<MacroUse> {
    let text = decode_text(bytes);
    let refs = scan(&text);
    if refs.is_empty() {
        return Vec::new();
    }
    let lines = LineIndex::new(&text);
    refs.into_iter()
        .map(|r| {
            let at = lines.position(r.offset);
            MacroUse {
                name: r.name,
                line: at.line,
                column: at.column,
            }
        })
        .collect()
}

/// The `unattend-unknown-macro` finding of `reference` in the file `path` (an
/// installation script when `script`), if the catalog does not know it.
pub(crate) fn judge_use(
    reference: &MacroUse,
    path: &str,
    catalog: &MacroCatalog,
    script: bool,
) -> Option<Finding> {
    let message = match script {
        true => catalog.judge_script(&reference.name)?,
        false => catalog.judge(&reference.name)?,
    };
    Some(
        Finding::error(Rule::UnattendUnknownMacro, path, message)
            .at(reference.line, reference.column),
    )
}

/// `unattend-unknown-macro` findings for the file `display` with content `bytes`.
pub fn check_references(bytes: &[u8], display: &str, catalog: &MacroCatalog) -> Vec<Finding> {
    references(bytes)
        .iter()
        .filter_map(|r| judge_use(r, display, catalog, false))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_references_not_comments() {
        let text = "#!/bin/bash\n# comment #\nhost=#predefined.globalSettings.ipAssignment# x=#server-settings.node.locale#\n## #a b# #1x# #ok_1#";
        let names: Vec<_> = scan(text).into_iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "predefined.globalSettings.ipAssignment",
                "server-settings.node.locale",
                "ok_1"
            ]
        );
    }

    #[test]
    fn judge_predefined_and_custom() {
        let custom: BTreeSet<String> = ["server-settings.node.locale".to_string()].into();
        let c = MacroCatalog::new(None, Some(&custom));
        assert_eq!(c.judge("predefined.globalSettings.ipAssignment"), None);
        assert_eq!(c.judge("server-settings.node.locale"), None);
        let m = c.judge("server-settings.node.locle").unwrap();
        assert!(
            m.contains("did you mean #server-settings.node.locale#"),
            "{m}"
        );
        assert!(c.judge("predefined.globalSettings.ipAssignmnt").is_some());
        // Outside a profile only predefined names are judged.
        let loose = MacroCatalog::new(None, None);
        assert_eq!(loose.judge("anything.custom"), None);
        assert!(loose.judge("predefined.nope").is_some());
        // Rules with their own list replace the default.
        let own = vec!["predefined.x".to_string()];
        let c = MacroCatalog::new(Some(&own), None);
        assert_eq!(c.judge("predefined.x"), None);
        assert!(c.judge("predefined.globalSettings.ipAssignment").is_some());
    }

    #[test]
    fn the_documented_predefined_macros_are_known() {
        let c = MacroCatalog::new(None, None);
        for name in [
            "predefined.unattendSettings.preinstallConfig",
            "predefined.unattendSettings.postinstallConfig",
            "predefined.otherSettings.jobId",
            "predefined.otherSettings.deployDataAndSoftwareLocation",
            "predefined.otherSettings.statusSettings.urlStatus",
            "predefined.otherSettings.statusSettings.certLocation",
            "predefined.otherSettings.statusSettings.sdkLocation",
        ] {
            assert_eq!(c.judge(name), None, "{name}");
        }
    }

    #[test]
    fn findings_carry_line_and_column() {
        let custom = BTreeSet::new();
        let c = MacroCatalog::new(None, Some(&custom));
        let text = "<a>\n  <b>é#nope#</b>\n</a>";
        let f = check_references(text.as_bytes(), "u.xml", &c);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].line, f[0].column), (Some(2), Some(7)));
        assert_eq!(f[0].rule, Rule::UnattendUnknownMacro);
    }

    #[test]
    fn utf16_files_are_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "x #nope# y".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode_text(&bytes), "x #nope# y");
        let custom = BTreeSet::new();
        let f = check_references(&bytes, "u.xml", &MacroCatalog::new(None, Some(&custom)));
        assert_eq!(f[0].column, Some(3));
    }
}
