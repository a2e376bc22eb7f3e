//! The `supportedImages` rules: what each OS accepts.
//!
//! Rules come from a `--rules FILE` (a whole `GET /osImages` response or a bare
//! `supportedImages` array) or from the embedded default ([`RuleSet::embedded`]). A
//! file that is not JSON, or that holds no `supportedImages`, is an [`crate::Error`]
//! (exit 2); one that breaks `schemas/supported-images.schema.json` or the invariants
//! of the reference is loaded as far as it can be and yields `rules-invalid` findings.
//!
//! Rule evaluation lives here too: `name_findings` judges a file by its kind and
//! name under a `Scope`, and `resolve_scope` resolves OS, release and platforms.

mod invariants;
mod load;
mod names;
mod scope;
mod shown;

use crate::kind::{has_extension, Kind};

pub use load::{load_file, load_slice, Loaded};
pub(crate) use names::{name_findings, signature_findings, Scope};
pub(crate) use scope::{resolve_scope, ScopeSource};
pub use shown::RulesShown;

/// The embedded default rules: the five OSes of the `GET /osImages` reference (a
/// 2018 example), with what LXCA's current documentation says of custom files (RHEL
/// takes kickstart unattend files; VMware no custom drivers, boot files or scripts).
/// No public page lists today's releases: a server's own saved `GET /osImages`
/// reply, passed with `--rules`, is the truth for that server.
pub(crate) const EMBEDDED_RULES: &str = include_str!("default.json");

/// The display name of the embedded rules in findings.
pub const EMBEDDED_PATH: &str = "<embedded rules>";

/// The embedded rules as every summary and document names them.
pub const EMBEDDED_NAME: &str = "embedded example (LXCA API documentation)";

/// What findings judged by the embedded rules add: where the rules come from and how
/// to pass the server's own.
const EXAMPLE_NOTE: &str = " (the embedded example rules of the LXCA API documentation: pass your server's own saved GET /osImages reply with --rules FILE, or `rules` in osbundle.toml)";

/// All rules in force.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// One entry per `supportedImages` element, in file order.
    pub images: Vec<OsRules>,
    /// `predefinedMacros[].macroName` of a whole response; `None` for a bare array.
    pub predefined_macros: Option<Vec<String>>,
    /// `customConfigFiles` of a whole response, with their derived macros.
    pub custom_config_files: Vec<CustomConfigFile>,
    /// Whether these are the embedded example rules ([`RuleSet::embedded`]).
    pub embedded: bool,
}

/// A configuration-settings file listed by the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomConfigFile {
    /// Its ID (`<timestamp>_<file name>`).
    pub id: String,
    /// `customMacros[].macroName`.
    pub macros: Vec<String>,
}

/// The rules of one OS (one `supportedImages` element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsRules {
    /// `name`: esxi, rhels, sles, ubuntu, win, ...
    pub name: String,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `allowCustomPath`.
    pub allow_custom_path: bool,
    /// Per-kind rules, indexed like [`Kind::ALL`].
    pub kinds: [KindRules; 7],
    /// `releases`, in file order: each release and its hardware platforms.
    pub releases: Vec<Release>,
    /// The JSON Pointer of this element in the rules file.
    pub pointer: String,
}

/// The rules for one kind of file under one OS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindRules {
    /// The `allowCustom*` flag (always true for bundles, which have none).
    pub allowed: bool,
    /// `allowed*FileExtension`, without leading dots.
    pub extensions: Vec<String>,
    /// `custom*Releases`. Empty with `allowed` means every release.
    pub custom_releases: Vec<String>,
}

/// One release and the hardware platforms it supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The release, such as `2016` or `7.5`.
    pub name: String,
    /// Platforms such as `IMM2`, `thinkserver`, `IMM3v1`.
    pub platforms: Vec<String>,
}

impl RuleSet {
    /// The embedded default rules.
    pub fn embedded() -> RuleSet {
        // The embedded file is tested to load without findings; should it ever be
        // broken, an empty rule set is still a usable (if strict) answer.
        let rules = load_slice(EMBEDDED_RULES.as_bytes(), EMBEDDED_PATH)
            .map(|loaded| loaded.rules)
            .unwrap_or_default();
        RuleSet {
            embedded: true,
            ..rules
        }
    }

    /// What a finding about the OS, release or kind of a file adds under these rules:
    /// for the embedded example, where they come from and how to pass the server's
    /// own; nothing for a rules file.
    pub fn example_note(&self) -> &'static str {
        if self.embedded {
            EXAMPLE_NOTE
        } else {
            ""
        }
    }

    /// The rules of the OS called `name`.
    pub fn os(&self, name: &str) -> Option<&OsRules> {
        self.images.iter().find(|os| os.name == name)
    }

    /// The names of all OSes, in file order.
    pub fn os_names(&self) -> Vec<&str> {
        self.images.iter().map(|os| os.name.as_str()).collect()
    }

    /// Why `name` is no OS of the rules: the names they know, the nearest one, and
    /// for the embedded rules that they are an example.
    pub fn unknown_os(&self, name: &str) -> String {
        let names = self.os_names();
        let hint = crate::suggest::did_you_mean(name, &names)
            .map(|n| format!(" (did you mean \"{n}\"?)"))
            .unwrap_or_default();
        format!(
            "unknown OS \"{name}\"; the rules know {}{hint}{}",
            list_names(&names, 20),
            self.example_note()
        )
    }

    /// The kind a loose file's extension implies: the one kind whose extension list,
    /// in any OS of the rules, holds the file's extension. `None` when no kind or
    /// several kinds claim it (`.zip`: drivers, boot files, software and bundles).
    pub fn kind_from_extension(&self, file_name: &str) -> Option<Kind> {
        let mut found = None;
        for kind in Kind::ALL {
            let claims = self.images.iter().any(|os| {
                os.kind(kind)
                    .extensions
                    .iter()
                    .any(|ext| has_extension(file_name, ext))
            });
            if claims {
                if found.is_some() {
                    return None;
                }
                found = Some(kind);
            }
        }
        found
    }

    /// The union of every OS's extensions for `kind`, sorted, for files with no OS.
    pub fn all_extensions(&self, kind: Kind) -> Vec<String> {
        let mut all: Vec<String> = self
            .images
            .iter()
            .flat_map(|os| os.kind(kind).extensions.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

impl OsRules {
    /// The rules for `kind`.
    pub fn kind(&self, kind: Kind) -> &KindRules {
        &self.kinds[kind_index(kind)]
    }

    /// The release called `name`, in either spelling ([`same_release`]).
    pub fn release(&self, name: &str) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| r.name == name)
            .or_else(|| self.releases.iter().find(|r| same_release(&r.name, name)))
    }

    /// All release names, in file order.
    pub fn release_names(&self) -> Vec<&str> {
        self.releases.iter().map(|r| r.name.as_str()).collect()
    }
}

/// Whether two release names are one release. Real `GET /osImages` replies spell
/// SLES service packs both ways (`12SP2` and `12.2`, `12SP2-sap` and `12.2-sap`), so
/// `<digits>SP<digits>` (any case, a space allowed before `SP`) reads as
/// `<digits>.<digits>`; letters compare without case (`2012r2`, `2012R2`).
pub fn same_release(a: &str, b: &str) -> bool {
    a == b || release_key(a) == release_key(b)
}

fn release_key(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(c) = rest.chars().next() {
        let after_digit = out.trim_end().ends_with(|p: char| p.is_ascii_digit());
        if after_digit
            && rest.starts_with("sp")
            && rest[2..].starts_with(|d: char| d.is_ascii_digit())
        {
            out.truncate(out.trim_end().len());
            out.push('.');
            rest = &rest[2..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The index of `kind` in [`Kind::ALL`] and [`OsRules::kinds`].
pub(crate) fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Up to `max` names from `names`, joined with commas, "..." when cut.
pub fn list_names<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut out: Vec<&str> = names.iter().take(max).map(|s| s.as_ref()).collect();
    if names.len() > max {
        out.push("...");
    }
    if out.is_empty() {
        "none".to_string()
    } else {
        out.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_have_the_five_reference_oses() {
        let rules = RuleSet::embedded();
        assert_eq!(rules.os_names(), ["esxi", "rhels", "sles", "ubuntu", "win"]);
        let rhels = rules.os("rhels").unwrap();
        assert!(!rhels.kind(Kind::Config).allowed);
        assert!(rhels.kind(Kind::Driver).allowed);
        assert_eq!(
            rhels.release("7.5").unwrap().platforms,
            ["IMM2", "thinkserver", "IMM3v1"]
        );
        let win = rules.os("win").unwrap();
        assert_eq!(win.kind(Kind::Driver).extensions, ["zip"]);
    }

    #[test]
    fn kind_from_extension_only_when_unambiguous() {
        let rules = RuleSet::embedded();
        assert_eq!(rules.kind_from_extension("a.rpm"), Some(Kind::Driver));
        assert_eq!(rules.kind_from_extension("a.json"), Some(Kind::Config));
        assert_eq!(rules.kind_from_extension("a.ps1"), Some(Kind::Script));
        assert_eq!(rules.kind_from_extension("a.tar.gz"), Some(Kind::Software));
        assert_eq!(rules.kind_from_extension("a.xml"), Some(Kind::Unattend));
        assert_eq!(rules.kind_from_extension("a.zip"), None);
        assert_eq!(rules.kind_from_extension("a.exe"), None);
        assert_eq!(rules.kind_from_extension("a.gz"), None);
    }

    #[test]
    fn release_spellings_of_real_replies_are_one_release() {
        for (a, b) in [
            ("15SP4", "15.4"),
            ("12SP3", "12.3"),
            ("12sp2", "12.2"),
            ("12SP2-sap", "12.2-sap"),
            ("11 SP4", "11.4"),
            ("7.5", "7.5"),
            ("2012r2", "2012R2"),
        ] {
            assert!(same_release(a, b), "{a} = {b}");
            assert!(same_release(b, a), "{b} = {a}");
        }
        for (a, b) in [
            ("15", "15.1"),
            ("15SP1", "15.10"),
            ("12.2", "12.2-sap"),
            ("SP1", ".1"),
        ] {
            assert!(!same_release(a, b), "{a} != {b}");
        }
        let rules = RuleSet::embedded();
        let sles = rules.os("sles").unwrap();
        assert_eq!(sles.release("12SP3").map(|r| r.name.as_str()), Some("12.3"));
    }

    #[test]
    fn the_embedded_rules_follow_the_current_documentation() {
        let rules = RuleSet::embedded();
        assert!(rules.embedded);
        // RHEL takes kickstart unattend files.
        let rhels = rules.os("rhels").unwrap().kind(Kind::Unattend);
        assert!(rhels.allowed);
        assert_eq!(rhels.extensions, ["cfg", "ks"]);
        // VMware takes no custom drivers, boot files or scripts.
        let esxi = rules.os("esxi").unwrap();
        for kind in [Kind::Driver, Kind::Boot, Kind::Script] {
            assert!(!esxi.kind(kind).allowed, "{kind:?}");
        }
        assert!(
            !load_slice(b"[{\"name\":\"win\",\"releases\":[]}]", "r")
                .unwrap()
                .rules
                .embedded
        );
    }

    #[test]
    fn list_names_cuts_long_lists() {
        assert_eq!(list_names(&["a", "b", "c"], 2), "a, b, ...");
        assert_eq!(list_names::<&str>(&[], 2), "none");
    }
}
