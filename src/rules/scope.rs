//! The OS, release and platforms a file is judged under, resolved against the rules.
//! They come from `profile.json`, from a bundle's `metadata.json` or from the command
//! line; findings about them point into the document they were written in.

use super::names::Scope;
use super::{list_names, RuleSet};
use crate::findings::{Finding, Rule};
use crate::json::Document;

/// Where the OS, release and platforms of a scope were written, for pointers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScopeSource<'a> {
    /// The path findings are reported at.
    pub path: &'a str,
    /// The document they were read from (`None` for command-line options).
    pub doc: Option<&'a Document>,
    /// The pointer of the release: `/release` in `profile.json`, `/osrelease` in
    /// bundle metadata.
    pub release_pointer: &'static str,
}

impl<'a> ScopeSource<'a> {
    /// Options given on the command line, reported at `path`.
    pub(crate) fn options(path: &'a str) -> Self {
        ScopeSource {
            path,
            doc: None,
            release_pointer: "/release",
        }
    }

    fn finding(&self, rule: Rule, pointer: &str, message: String) -> Finding {
        let finding = Finding::error(rule, self.path, message);
        match self.doc {
            Some(doc) => finding
                .with_pointer(pointer)
                .at_opt(doc.position_of(pointer)),
            None => finding,
        }
    }
}

/// Resolves OS, release and platforms against the rules.
pub(crate) fn resolve_scope<'r>(
    rules: &'r RuleSet,
    os: Option<&str>,
    release: Option<&str>,
    platforms: &[String],
    source: ScopeSource<'_>,
) -> (Scope<'r>, Vec<Finding>) {
    let mut findings = Vec::new();
    let Some(os_name) = os else {
        return (Scope::default(), findings);
    };
    let Some(os) = rules.os(os_name) else {
        findings.push(source.finding(Rule::UnknownOs, "/os", rules.unknown_os(os_name)));
        return (Scope::default(), findings);
    };
    let mut scope = Scope {
        os: Some(os),
        release: None,
    };
    let Some(release_name) = release else {
        return (scope, findings);
    };
    let Some(release) = os.release(release_name) else {
        findings.push(source.finding(
            Rule::ReleaseNotSupported,
            source.release_pointer,
            format!(
                "{} has no release \"{release_name}\"; supported: {}{}",
                os.name,
                list_names(&os.release_names(), 30),
                rules.example_note()
            ),
        ));
        return (scope, findings);
    };
    scope.release = Some(release.name.as_str());
    for (i, platform) in platforms.iter().enumerate() {
        if !release.platforms.iter().any(|p| p == platform) {
            findings.push(source.finding(
                Rule::PlatformNotSupported,
                &format!("/platforms/{i}"),
                format!(
                    "{} {} does not support platform \"{platform}\"; supported: {}",
                    os.name,
                    release.name,
                    list_names(&release.platforms, 20)
                ),
            ));
        }
    }
    (scope, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_resolution_reports_os_release_platform() {
        let rules = RuleSet::embedded();
        let src = ScopeSource::options("p");
        let (scope, f) = resolve_scope(&rules, Some("rhel"), None, &[], src);
        assert!(scope.os.is_none());
        assert_eq!(f[0].rule, Rule::UnknownOs);
        assert!(
            f[0].message.contains("did you mean \"rhels\""),
            "{}",
            f[0].message
        );

        let (scope, f) = resolve_scope(&rules, Some("win"), Some("2003"), &[], src);
        assert_eq!(scope.os.map(|o| o.name.as_str()), Some("win"));
        assert!(scope.release.is_none());
        assert_eq!(f[0].rule, Rule::ReleaseNotSupported);

        let platforms = vec!["IMM2".to_string(), "IMM3v1".to_string()];
        let (scope, f) = resolve_scope(&rules, Some("win"), Some("2012"), &platforms, src);
        assert_eq!(scope.release, Some("2012"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, Rule::PlatformNotSupported);
        assert!(f[0].message.contains("IMM3v1"));

        let (_, f) = resolve_scope(&rules, Some("win"), Some("2016"), &platforms, src);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn findings_of_the_embedded_example_say_so_and_how_to_do_better() {
        let embedded = RuleSet::embedded();
        let src = ScopeSource::options("p");
        for (os, release) in [("centos", None), ("sles", Some("15SP9"))] {
            let (_, f) = resolve_scope(&embedded, Some(os), release, &[], src);
            let m = &f[0].message;
            assert!(m.contains("embedded example"), "{m}");
            assert!(m.contains("--rules"), "{m}");
        }
        // Both spellings of a release.
        let (scope, f) = resolve_scope(&embedded, Some("sles"), Some("12SP3"), &[], src);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(scope.release, Some("12.3"));
        // A server's own rules are not an example.
        let own = crate::rules::load_slice(br#"[{"name":"sles","releases":[{"15":[]}]}]"#, "r")
            .unwrap()
            .rules;
        let (_, f) = resolve_scope(&own, Some("sles"), Some("16"), &[], src);
        assert!(!f[0].message.contains("example"), "{}", f[0].message);
    }

    #[test]
    fn metadata_release_points_at_osrelease() {
        let rules = RuleSet::embedded();
        let doc = Document::parse(br#"{"os": "win", "osrelease": "2003"}"#).unwrap();
        let src = ScopeSource {
            path: "m",
            doc: Some(&doc),
            release_pointer: "/osrelease",
        };
        let (_, f) = resolve_scope(&rules, Some("win"), Some("2003"), &[], src);
        assert_eq!(f[0].pointer.as_deref(), Some("/osrelease"));
        assert_eq!((f[0].line, f[0].column), (Some(1), Some(28)));
    }
}
