//! The invariants of `supportedImages` that a JSON Schema cannot express.
//!
//! - `custom*Releases` must be empty when the matching `allowCustom*` is "false";
//! - `custom*Releases` must name releases of that OS;
//! - OS names are unique, and so are the releases of one OS.
//!
//! Breaches are errors. The 2018 reference also says rhels must have
//! `allowCustomConfigFile` and `allowCustomUnattendFile` "false"; current LXCA takes
//! custom kickstart files for RHEL, and a server's own `supportedImages` is the truth
//! for that server. So rhels allowing custom config files is a note (the old page
//! disagrees, the rules are used as they are), and allowing unattend files nothing.

use std::collections::HashSet;

use super::{OsRules, RuleSet};
use crate::findings::{Finding, Rule, Severity};
use crate::json::Document;
use crate::kind::Kind;

/// Checks the invariants, returning one `rules-invalid` finding per breach (an
/// error) or per disagreement with the old reference (a note).
pub(super) fn check(rules: &RuleSet, doc: &Document, path: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut names = HashSet::new();
    for os in &rules.images {
        let mut emit = |severity: Severity, pointer: String, message: String| {
            let position = doc.position_of(&pointer);
            let finding = Finding::error(Rule::RulesInvalid, path, message);
            findings.push(
                Finding {
                    severity,
                    ..finding
                }
                .with_pointer(pointer)
                .at_opt(position),
            );
        };
        if !names.insert(os.name.as_str()) {
            emit(
                Severity::Error,
                format!("{}/name", os.pointer),
                format!("OS \"{}\" is listed more than once", os.name),
            );
        }
        check_os(os, &mut |pointer, message| {
            emit(Severity::Error, pointer, message)
        });
        if os.name == "rhels" && os.kind(Kind::Config).allowed {
            let field = Kind::Config.allow_field().unwrap_or_default();
            emit(
                Severity::Note,
                format!("{}/{field}", os.pointer),
                format!(
                    "rhels allows custom {}, which the 2018 GET /osImages reference says it must not; these rules are used as they are, as the server's own",
                    Kind::Config.noun()
                ),
            );
        }
    }
    findings
}

fn check_os(os: &OsRules, emit: &mut impl FnMut(String, String)) {
    let mut seen = HashSet::new();
    for (i, release) in os.releases.iter().enumerate() {
        if !seen.insert(release.name.as_str()) {
            emit(
                format!("{}/releases/{i}", os.pointer),
                format!(
                    "{}: release \"{}\" is listed more than once",
                    os.name, release.name
                ),
            );
        }
    }
    for kind in Kind::ALL {
        let (Some(allow_field), Some(releases_field)) = (kind.allow_field(), kind.releases_field())
        else {
            continue;
        };
        let rules = os.kind(kind);
        if !rules.allowed && !rules.custom_releases.is_empty() {
            emit(
                format!("{}/{releases_field}", os.pointer),
                format!(
                    "{}: {releases_field} must be empty while {allow_field} is \"false\"",
                    os.name
                ),
            );
        }
        for (i, release) in rules.custom_releases.iter().enumerate() {
            if os.release(release).is_none() {
                emit(
                    format!("{}/{releases_field}/{i}", os.pointer),
                    format!(
                        "{}: {releases_field} names release \"{release}\", which is not among its releases ({})",
                        os.name,
                        super::list_names(&os.release_names(), 8)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::findings::Rule;
    use crate::rules::load_slice;

    fn findings(json: &str) -> Vec<(String, Option<String>)> {
        let loaded = load_slice(json.as_bytes(), "r.json").expect("loads");
        loaded
            .findings
            .into_iter()
            .inspect(|f| assert_eq!(f.rule, Rule::RulesInvalid))
            .map(|f| (f.message, f.pointer))
            .collect()
    }

    fn severities(json: &str) -> Vec<(crate::findings::Severity, Option<String>)> {
        let loaded = load_slice(json.as_bytes(), "r.json").expect("loads");
        loaded
            .findings
            .into_iter()
            .map(|f| (f.severity, f.pointer))
            .collect()
    }

    #[test]
    fn rhels_with_custom_files_is_the_servers_truth_not_an_error() {
        use crate::findings::Severity;
        // The 2018 reference says rhels must have both flags "false"; current LXCA
        // takes kickstart files for RHEL. A server's own rules win: a custom config
        // flag that disagrees with the old page is a note, an unattend flag nothing.
        let server = r#"[{"name":"rhels","releases":[{"7.5":["IMM2"]}],
            "allowCustomConfigFile":"true","customConfigReleases":["7.5"],
            "allowCustomUnattendFile":true}]"#;
        let f = severities(server);
        assert_eq!(
            f,
            [(Severity::Note, Some("/0/allowCustomConfigFile".to_string()))]
        );
        let good = r#"[{"name":"rhels","releases":[{"7.5":["IMM2"]}],
            "allowCustomConfigFile":"false","allowCustomUnattendFile":false}]"#;
        assert!(findings(good).is_empty());
        // Any other OS may allow them.
        let sles = r#"[{"name":"sles","releases":[{"15":["IMM2"]}],
            "allowCustomConfigFile":"true","allowCustomUnattendFile":"true"}]"#;
        assert!(findings(sles).is_empty());
        // Real breaks stay errors.
        let broken = r#"[{"name":"rhels","releases":[{"7.5":["IMM2"]}],
            "allowCustomDriver":"false","customDriverReleases":["7.5"]}]"#;
        assert_eq!(severities(broken)[0].0, Severity::Error);
    }

    #[test]
    fn custom_releases_need_the_flag_and_known_releases() {
        let bad = r#"{"supportedImages":[{"name":"win","releases":[{"2016":["IMM2"]}],
            "allowCustomDriver":"false","customDriverReleases":["2016"],
            "allowCustomBootFile":"true","customBootReleases":["2016","2019"]}]}"#;
        let f = findings(bad);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            f[0].1.as_deref(),
            Some("/supportedImages/0/customDriverReleases")
        );
        assert!(f[0].0.contains("must be empty"), "{}", f[0].0);
        assert_eq!(
            f[1].1.as_deref(),
            Some("/supportedImages/0/customBootReleases/1")
        );
        assert!(f[1].0.contains("\"2019\""), "{}", f[1].0);
    }

    #[test]
    fn duplicate_names_and_releases() {
        let bad = r#"[{"name":"win","releases":[{"2016":[]},{"2016":[]}]},
                      {"name":"win","releases":[]}]"#;
        let f = findings(bad);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].1.as_deref(), Some("/0/releases/1"));
        assert_eq!(f[1].1.as_deref(), Some("/1/name"));
    }
}
