//! The `supportedImages` checks of one file: kind allowed, release allowed for the
//! kind, extension allowed. These look at the name only, never the content.

use super::{list_names, same_release, OsRules, RuleSet};
use crate::findings::{Finding, Rule};
use crate::kind::{has_extension, shown_extension, Kind};

/// The OS context of a file: the OS's rules (when known) and the release (when
/// known and supported by that OS).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scope<'a> {
    /// The OS's rules; `None` skips the OS-dependent checks.
    pub os: Option<&'a OsRules>,
    /// A release the OS supports; `None` skips the per-release checks.
    pub release: Option<&'a str>,
}

/// The name checks of a file of `kind` called `file_name`, reported at `path`.
pub(crate) fn name_findings(
    rules: &RuleSet,
    scope: Scope<'_>,
    kind: Kind,
    path: &str,
    file_name: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    // A BUNDLESIG signature (`x.zip.asc`) is judged as the bundle file it signs.
    let file_name = match (kind, signed_file(file_name)) {
        (Kind::Bundle, Some(signed)) => signed,
        _ => file_name,
    };
    let Some(os) = scope.os else {
        let all = rules.all_extensions(kind);
        if !all.iter().any(|ext| has_extension(file_name, ext)) {
            findings.push(Finding::error(
                Rule::ExtensionNotAllowed,
                path,
                format!(
                    "no OS in the rules accepts {} ending in {}; allowed: {}",
                    kind.noun(),
                    shown_extension(file_name),
                    dotted(&all)
                ),
            ));
        }
        return findings;
    };
    let kind_rules = os.kind(kind);
    if !kind_rules.allowed {
        findings.push(Finding::error(
            Rule::CustomKindNotAllowed,
            path,
            format!(
                "{} does not accept custom {} ({} is \"false\"){}",
                os.name,
                kind.noun(),
                kind.allow_field().unwrap_or("its flag"),
                rules.example_note()
            ),
        ));
        return findings;
    }
    if let Some(release) = scope.release {
        let allowed = &kind_rules.custom_releases;
        if !allowed.is_empty() && !allowed.iter().any(|r| same_release(r, release)) {
            findings.push(Finding::error(
                Rule::CustomReleaseNotAllowed,
                path,
                format!(
                    "{} accepts custom {} only for releases {}; got {release}{}",
                    os.name,
                    kind.noun(),
                    list_names(allowed, 12),
                    rules.example_note()
                ),
            ));
        }
    }
    let exts = &kind_rules.extensions;
    if !exts.iter().any(|ext| has_extension(file_name, ext)) {
        let subject = match scope.release {
            Some(release) => format!("{} {release} {}", os.name, kind.noun()),
            None => format!("{} {}", os.name, kind.noun()),
        };
        let message = if exts.is_empty() {
            format!(
                "{subject}: no extension is allowed ({} is empty); got {}",
                kind.extension_field(),
                shown_extension(file_name)
            )
        } else {
            format!(
                "{subject} must end in {}; got {}",
                dotted(exts),
                shown_extension(file_name)
            )
        };
        findings.push(Finding::error(Rule::ExtensionNotAllowed, path, message));
    }
    findings
}

/// The file a detached BUNDLESIG signature `<file>.asc` signs.
pub(super) fn signed_file(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(4)?;
    let (stem, ext) = (name.get(..cut)?, name.get(cut..)?);
    (ext.eq_ignore_ascii_case(".asc") && !stem.is_empty()).then_some(stem)
}

/// The pairing of bundle files and their BUNDLESIG signatures among the files of
/// one `bundles/` folder, given as `(display path, file name)`: a signature without
/// its bundle file is an error (`extension-not-allowed`), a bundle file without a
/// signature a warning (`bundlesig-missing`).
pub(crate) fn signature_findings<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Finding> {
    let files: Vec<(&str, &str)> = files.into_iter().collect();
    let names: std::collections::HashSet<&str> = files.iter().map(|(_, n)| *n).collect();
    let mut findings = Vec::new();
    for (display, name) in &files {
        match signed_file(name) {
            Some(signed) if !names.contains(signed) => findings.push(Finding::error(
                Rule::ExtensionNotAllowed,
                *display,
                format!("a BUNDLESIG signature without its bundle file \"{signed}\" beside it"),
            )),
            Some(_) => {}
            None if !names.contains(format!("{name}.asc").as_str()) => {
                findings.push(Finding::warning(
                    Rule::BundlesigMissing,
                    *display,
                    format!("no BUNDLESIG signature \"{name}.asc\" beside it: LXCA's BUNDLE import needs one"),
                ))
            }
            None => {}
        }
    }
    findings
}

/// `.zip`, `.iso or .rpm`, `.a, .b or .c`.
fn dotted(exts: &[String]) -> String {
    let dotted: Vec<String> = exts.iter().map(|e| format!(".{e}")).collect();
    match dotted.as_slice() {
        [] => "none".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(os: Option<&str>, release: Option<&str>, kind: Kind, name: &str) -> Vec<Finding> {
        let rules = RuleSet::embedded();
        let scope = Scope {
            os: os.and_then(|o| rules.os(o)),
            release,
        };
        name_findings(&rules, scope, kind, name, name)
    }

    fn rules_of(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn extension_both_directions() {
        assert!(check(Some("win"), Some("2016"), Kind::Driver, "nic.zip").is_empty());
        let f = check(Some("win"), Some("2016"), Kind::Driver, "nic.exe");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
        assert_eq!(f[0].message, "win 2016 drivers must end in .zip; got .exe");
        assert!(check(Some("sles"), None, Kind::Software, "jre.tar.gz").is_empty());
        let f = check(Some("sles"), None, Kind::Software, "jre.pkg.gz");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
        let f = check(Some("sles"), None, Kind::Software, "jre.tar.gz.exe");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
    }

    #[test]
    fn custom_kind_both_directions() {
        assert!(check(Some("rhels"), Some("7.5"), Kind::Driver, "d.rpm").is_empty());
        assert!(check(Some("rhels"), Some("7.5"), Kind::Unattend, "ks.cfg").is_empty());
        assert!(check(Some("rhels"), Some("7.5"), Kind::Unattend, "ks.ks").is_empty());
        let f = check(Some("rhels"), Some("7.5"), Kind::Config, "c.json");
        assert_eq!(rules_of(&f), ["custom-kind-not-allowed"]);
        let m = &f[0].message;
        assert!(m.contains("allowCustomConfigFile"), "{m}");
        assert!(
            m.contains("embedded example") && m.contains("--rules"),
            "{m}"
        );
    }

    #[test]
    fn custom_releases_take_both_spellings() {
        let rules = crate::rules::load_slice(
            br#"[{"name":"sles","releases":[{"15.4":[]}],"allowCustomInstallScriptFile":"true",
                "customInstallScriptReleases":["15SP4"],"allowedScriptFileExtension":["sh"]}]"#,
            "r",
        )
        .unwrap();
        assert!(rules.findings.is_empty(), "{:?}", rules.findings);
        let rules = rules.rules;
        let scope = Scope {
            os: rules.os("sles"),
            release: Some("15.4"),
        };
        let f = name_findings(&rules, scope, Kind::Script, "s.sh", "s.sh");
        assert!(f.is_empty(), "{f:?}");
        let f = name_findings(
            &rules,
            Scope {
                release: Some("15.3"),
                ..scope
            },
            Kind::Script,
            "s.sh",
            "s.sh",
        );
        assert_eq!(rules_of(&f), ["custom-release-not-allowed"]);
        assert!(!f[0].message.contains("example"), "{}", f[0].message);
    }

    #[test]
    fn custom_release_both_directions() {
        assert!(check(Some("win"), Some("2016"), Kind::Boot, "winpe.zip").is_empty());
        let f = check(Some("win"), Some("2012"), Kind::Boot, "winpe.zip");
        assert_eq!(rules_of(&f), ["custom-release-not-allowed"]);
        assert!(
            f[0].message.contains("2012r2, 2016, 2019"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn without_os_the_union_of_extensions_applies() {
        assert!(check(None, None, Kind::Driver, "d.vib").is_empty());
        let f = check(None, None, Kind::Driver, "d.exe");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
        assert!(
            f[0].message.contains(".iso, .rpm, .vib or .zip"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn bundle_signatures_go_with_their_zip() {
        assert!(check(Some("esxi"), None, Kind::Bundle, "b.zip.asc").is_empty());
        assert!(check(None, None, Kind::Bundle, "b.zip.ASC").is_empty());
        let f = check(Some("esxi"), None, Kind::Bundle, "b.asc");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
        let f = check(Some("win"), Some("2016"), Kind::Driver, "nic.zip.asc");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
        let f = signature_findings([
            ("p/a.zip", "a.zip"),
            ("p/a.zip.asc", "a.zip.asc"),
            ("p/b.zip", "b.zip"),
            ("p/c.zip.asc", "c.zip.asc"),
        ]);
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.rule.as_str(), f.path.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("bundlesig-missing", "p/b.zip"),
                ("extension-not-allowed", "p/c.zip.asc")
            ]
        );
    }

    #[test]
    fn bundles_have_no_flag() {
        assert!(check(Some("esxi"), None, Kind::Bundle, "b.zip").is_empty());
        let f = check(Some("esxi"), None, Kind::Bundle, "b.tar");
        assert_eq!(rules_of(&f), ["extension-not-allowed"]);
    }
}
