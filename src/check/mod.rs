//! `osbundle check`: preflight of files, profile directories and folders against the
//! `supportedImages` rules, before upload.
//!
//! Guarantees:
//! - every problem with an input is a [`Finding`]; only a missing command-line path
//!   is an [`crate::Error`] (exit 2);
//! - targets are collected by a sorted walk, checked in parallel (rayon), and the
//!   findings are sorted by path and position, so the report is the same for any
//!   `--jobs`;
//! - only configuration-settings files, unattend files and scripts are read; other
//!   files are judged by name.

mod file;
pub mod profile;
pub mod walk;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use file::{name_findings, Scope};

use crate::config;
use crate::error::Result;
use crate::findings::{sort_findings, Finding, Rule};
use crate::json::Document;
use crate::kind::Kind;
use crate::macros::{self, MacroCatalog};
use crate::progress::Progress;
use crate::report::Report;
use crate::rules::{list_names, RuleSet};
use walk::Target;

/// Validated settings of a check run, shared read-only by all workers.
#[derive(Debug, Clone, Default)]
pub struct CheckSettings {
    /// The rules in force.
    pub rules: RuleSet,
    /// `--os` for loose files.
    pub os: Option<String>,
    /// `--release` for loose files.
    pub release: Option<String>,
    /// `--platform` for loose files.
    pub platform: Option<String>,
    /// `--kind` for loose files.
    pub kind: Option<Kind>,
    /// Show a progress bar on stderr (when it is a terminal).
    pub progress: bool,
    /// How folders are walked.
    pub walk: walk::WalkOptions,
}

/// Checks `paths`. Errors only when a path does not exist.
pub fn run(paths: &[PathBuf], settings: &CheckSettings) -> Result<Report> {
    let targets = walk::collect_with(paths, &settings.walk)?;
    let mut findings = targets.findings;
    let progress = Progress::new(targets.targets.len() as u64, "checking", settings.progress);
    // Loose files cannot see any profile's config files: predefined macros only.
    let loose_catalog = MacroCatalog::new(settings.rules.predefined_macros.as_deref(), None);
    let results: Vec<(usize, Vec<Finding>)> = targets
        .targets
        .par_iter()
        .map(|target| {
            let result = match target {
                Target::Profile { dir } => check_profile(dir, settings),
                Target::Loose { path, folder_kind } => {
                    check_loose(path, *folder_kind, settings, &loose_catalog)
                }
            };
            progress.inc(1);
            result
        })
        .collect();
    progress.finish();
    let mut checked = 0;
    for (n, f) in results {
        checked += n;
        findings.extend(f);
    }
    sort_findings(&mut findings);
    Ok(Report { findings, checked })
}

/// Where the OS, release and platforms of a scope were written, for pointers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    pub(crate) path: &'a str,
    pub(crate) doc: Option<&'a Document>,
}

impl Source<'_> {
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
    os: Option<&'r str>,
    release: Option<&'r str>,
    platforms: &[String],
    source: Source<'_>,
) -> (Scope<'r>, Vec<Finding>) {
    let mut findings = Vec::new();
    let Some(os_name) = os else {
        return (Scope::default(), findings);
    };
    let Some(os) = rules.os(os_name) else {
        let names = rules.os_names();
        let hint = strsim_hint(os_name, &names);
        findings.push(source.finding(
            Rule::UnknownOs,
            "/os",
            format!(
                "unknown OS \"{os_name}\"; the rules know {}{hint}",
                list_names(&names, 20)
            ),
        ));
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
            "/release",
            format!(
                "{} has no release \"{release_name}\"; supported: {}",
                os.name,
                list_names(&os.release_names(), 30)
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

fn strsim_hint(given: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| (strsim::jaro_winkler(given, n), *n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| format!(" (did you mean \"{n}\"?)"))
        .unwrap_or_default()
}

fn check_loose(
    path: &Path,
    folder_kind: Option<Kind>,
    settings: &CheckSettings,
    catalog: &MacroCatalog,
) -> (usize, Vec<Finding>) {
    let display = path.display().to_string();
    let stdin = path.as_os_str() == "-";
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let platforms: Vec<String> = settings.platform.iter().cloned().collect();
    let (scope, mut findings) = resolve_scope(
        &settings.rules,
        settings.os.as_deref(),
        settings.release.as_deref(),
        &platforms,
        Source {
            path: &display,
            doc: None,
        },
    );
    let kind = settings.kind.or(folder_kind).or_else(|| {
        (!stdin)
            .then(|| settings.rules.kind_from_extension(&file_name))
            .flatten()
    });
    let Some(kind) = kind else {
        findings.push(Finding::error(
            Rule::KindUnknown,
            &display,
            if stdin {
                "the kind of standard input cannot be told; pass --kind".to_string()
            } else {
                format!(
                    "cannot tell the kind of \"{file_name}\" from its folder or its extension; pass --kind ({})",
                    Kind::ALL.map(Kind::as_str).join(", ")
                )
            },
        ));
        return (1, findings);
    };
    if !stdin {
        findings.extend(name_findings(
            &settings.rules,
            scope,
            kind,
            &display,
            &file_name,
        ));
    }
    findings.extend(content_findings(path, &display, kind, catalog).0);
    (1, findings)
}

/// Reads and checks the content of config, unattend and script files. Returns the
/// findings and, for a config file that parsed, the macros it provides.
fn content_findings(
    path: &Path,
    display: &str,
    kind: Kind,
    catalog: &MacroCatalog,
) -> (Vec<Finding>, Vec<String>) {
    if !matches!(kind, Kind::Config | Kind::Unattend | Kind::Script) {
        return (Vec::new(), Vec::new());
    }
    let bytes = match crate::input::read_path(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let message = match &e {
                crate::Error::Io { source, .. } => format!("cannot read: {source}"),
                other => other.to_string(),
            };
            return (
                vec![Finding::error(Rule::FileUnreadable, display, message)],
                Vec::new(),
            );
        }
    };
    match kind {
        Kind::Config => {
            let checked = config::check_bytes(&bytes, display);
            (checked.findings, checked.macros)
        }
        _ => (
            macros::check_references(&bytes, display, catalog),
            Vec::new(),
        ),
    }
}

fn check_profile(dir: &Path, settings: &CheckSettings) -> (usize, Vec<Finding>) {
    let display = dir.display().to_string();
    let loaded = profile::load(dir, &display);
    let mut findings = loaded.findings;
    let profile_json = profile::join_display(&display, walk::PROFILE_FILE);
    let info = loaded.info.unwrap_or_default();
    let (scope, scope_findings) = resolve_scope(
        &settings.rules,
        info.os.as_deref(),
        info.release.as_deref(),
        &info.platforms,
        Source {
            path: &profile_json,
            doc: loaded.doc.as_ref(),
        },
    );
    findings.extend(scope_findings);
    let (files, list_findings) = profile::list_files(dir, &display);
    findings.extend(list_findings);

    // Config files first: their macros are what unattend files and scripts may use.
    let empty = MacroCatalog::new(None, None);
    let configs: Vec<(Vec<Finding>, Vec<String>)> = files
        .par_iter()
        .filter(|f| f.kind == Kind::Config)
        .map(|f| {
            let mut out = name_findings(&settings.rules, scope, f.kind, &f.display, &f.name);
            let (content, provided) = content_findings(&f.path, &f.display, f.kind, &empty);
            out.extend(content);
            (out, provided)
        })
        .collect();
    let mut custom = BTreeSet::new();
    for (f, provided) in configs {
        findings.extend(f);
        custom.extend(provided);
    }
    let catalog = MacroCatalog::new(settings.rules.predefined_macros.as_deref(), Some(&custom));
    let rest: Vec<Vec<Finding>> = files
        .par_iter()
        .filter(|f| f.kind != Kind::Config)
        .map(|f| {
            let mut out = name_findings(&settings.rules, scope, f.kind, &f.display, &f.name);
            out.extend(content_findings(&f.path, &f.display, f.kind, &catalog).0);
            out
        })
        .collect();
    findings.extend(rest.into_iter().flatten());
    (files.len() + 1, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_resolution_reports_os_release_platform() {
        let rules = RuleSet::embedded();
        let src = Source {
            path: "p",
            doc: None,
        };
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
}
