//! The project configuration, `osbundle.toml`: defaults for the command line, kept
//! beside the profiles in version control (as `rustfmt.toml` and `ruff.toml` are).
//!
//! ```toml
//! rules = "lxca/osimages.json"      # relative to this file
//! os = "win"                        # loose files of `check`
//! release = "2016"
//! platform = "IMM3v1"
//! exclude = ["build/", "*.bak"]     # gitignore syntax, skipped by folder walks
//!
//! [severity]                        # error, warning or off, per rule ID
//! delete-still-referenced = "error"
//! profile-invalid = "off"
//!
//! [[ignore]]                        # rules ignored for paths (gitignore globs,
//! paths = ["profiles/win/scripts/legacy/*.sh"]   # relative to this file)
//! rules = ["script-line-endings"]
//! ```
//!
//! Which file is read (the first that applies): `--no-config` (none), `--config FILE`,
//! the environment variable `OSBUNDLE_CONFIG`, else the first `osbundle.toml` found from
//! the current directory upward. Command-line flags override the file. Unknown keys,
//! unknown rule IDs, invalid globs and wrong types are errors (exit 2) with the file's
//! line and column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::findings::Report;
use crate::findings::{Rule, Severity};
use crate::json::position_at;

mod shown;

pub use shown::{ConfigFileShown, ConfigShown, SettingShown};

/// The file name looked for from the current directory upward.
pub const FILE_NAME: &str = "osbundle.toml";

/// The environment variable naming a configuration file.
pub const ENV_VAR: &str = "OSBUNDLE_CONFIG";

/// What the `[severity]` table sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Findings of the rule are errors.
    Error,
    /// Findings of the rule are warnings.
    Warning,
    /// Findings of the rule are dropped.
    Off,
}

impl Level {
    /// The name written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Off => "off",
        }
    }
}

/// The file as written; every key is optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    rules: Option<Spanned<String>>,
    os: Option<Spanned<String>>,
    release: Option<Spanned<String>>,
    platform: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<Level>>>,
    ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// One `[[ignore]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    paths: Vec<Spanned<String>>,
    rules: Vec<Spanned<String>>,
}

/// A value of the file and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// 1-based line in the file.
    pub line: usize,
}

/// A parsed, validated `osbundle.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectConfig {
    /// `rules`, resolved against the file's folder.
    pub rules: Option<Setting<PathBuf>>,
    /// `os`.
    pub os: Option<Setting<String>>,
    /// `release`.
    pub release: Option<Setting<String>>,
    /// `platform`.
    pub platform: Option<Setting<String>>,
    /// `exclude` globs.
    pub exclude: Vec<Setting<String>>,
    /// `[severity]`, by rule.
    pub severity: BTreeMap<Rule, Setting<Level>>,
    /// `[[ignore]]` entries, in file order.
    pub ignore: Vec<crate::suppress::PathIgnore>,
}

/// Why a configuration file was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl ProjectConfig {
    /// Parses the text of a configuration file; `base` is its folder, against which
    /// `rules` is resolved.
    pub fn parse(bytes: &[u8], base: &Path) -> std::result::Result<ProjectConfig, ConfigError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let prefix = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let at = position_at(prefix, prefix.len());
            ConfigError {
                line: at.line,
                column: at.column,
                message: format!("invalid UTF-8 (byte at offset {})", e.valid_up_to()),
            }
        })?;
        let error_at = |offset: usize, message: String| {
            let at = position_at(text, offset);
            ConfigError {
                line: at.line,
                column: at.column,
                message,
            }
        };
        let line_of = |offset: usize| position_at(text, offset).line;
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error_at(offset, e.message().trim().to_string())
        })?;
        let setting = |s: Spanned<String>| Setting {
            line: line_of(s.span().start),
            value: s.into_inner(),
        };
        let mut config = ProjectConfig {
            rules: raw.rules.map(|s| {
                let line = line_of(s.span().start);
                Setting {
                    value: base.join(s.into_inner()),
                    line,
                }
            }),
            os: raw.os.map(setting),
            release: raw.release.map(setting),
            platform: raw.platform.map(setting),
            ..ProjectConfig::default()
        };
        for glob in raw.exclude.unwrap_or_default() {
            let start = glob.span().start;
            crate::profile::check_globs(std::slice::from_ref(glob.get_ref()))
                .map_err(|m| error_at(start, m))?;
            config.exclude.push(setting(glob));
        }
        for (key, level) in raw.severity.unwrap_or_default() {
            let Some(rule) = Rule::from_id(key.get_ref()) else {
                return Err(error_at(
                    key.span().start,
                    unknown_rule(key.get_ref(), "[severity]"),
                ));
            };
            config.severity.insert(
                rule,
                Setting {
                    line: line_of(level.span().start),
                    value: level.into_inner(),
                },
            );
        }
        for entry in raw.ignore.unwrap_or_default() {
            let line = line_of(entry.span().start);
            let entry = entry.into_inner();
            if entry.paths.is_empty() || entry.rules.is_empty() {
                return Err(error_at(
                    position_of_line(text, line),
                    "[[ignore]] needs both `paths` and `rules`, each with at least one entry"
                        .to_string(),
                ));
            }
            let mut paths = Vec::new();
            for glob in entry.paths {
                let start = glob.span().start;
                crate::profile::check_globs(std::slice::from_ref(glob.get_ref())).map_err(|m| {
                    error_at(start, m.replacen("exclude glob", "[[ignore]] glob", 1))
                })?;
                paths.push(glob.into_inner());
            }
            let mut rules = Vec::new();
            for id in entry.rules {
                let Some(rule) = Rule::from_id(id.get_ref()) else {
                    return Err(error_at(
                        id.span().start,
                        unknown_rule(id.get_ref(), "[[ignore]]"),
                    ));
                };
                rules.push(rule);
            }
            config
                .ignore
                .push(crate::suppress::PathIgnore { paths, rules, line });
        }
        Ok(config)
    }

    /// Reads and parses the configuration file `path`.
    pub fn load(path: &Path) -> Result<ProjectConfig> {
        let bytes = std::fs::File::open(path)
            .and_then(crate::input::read_limited)
            .map_err(|source| Error::Unreadable {
                what: "configuration file",
                path: path.to_path_buf(),
                source,
            })?;
        let base = path.parent().unwrap_or(Path::new(""));
        ProjectConfig::parse(&bytes, base).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message,
        })
    }
}

fn unknown_rule(key: &str, table: &str) -> String {
    format!(
        "unknown rule ID \"{key}\" in {table}{}; `osbundle explain` lists them",
        Rule::did_you_mean(key)
    )
}

/// The byte offset where 1-based `line` of `text` starts.
fn position_of_line(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

/// How the configuration file in force was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--config FILE`.
    Flag,
    /// `OSBUNDLE_CONFIG`.
    Env,
    /// Found from the current directory upward.
    Found,
}

impl Origin {
    /// In words, for `config show`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Flag => "--config",
            Origin::Env => ENV_VAR,
            Origin::Found => "found from the current directory upward",
        }
    }
}

/// The configuration file in force, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    /// The file, how it was chosen, and what it says.
    pub file: Option<(PathBuf, Origin, ProjectConfig)>,
}

impl Project {
    /// Chooses and reads the configuration file: none under `no_config`, else
    /// `flag`, else `env` (when not empty), else the nearest `osbundle.toml` from `cwd`
    /// upward. A file that is named but missing is an error.
    pub fn resolve(
        flag: Option<&Path>,
        no_config: bool,
        env: Option<&std::ffi::OsStr>,
        cwd: &Path,
    ) -> Result<Project> {
        if no_config {
            return Ok(Project::default());
        }
        let chosen = match (flag, env.filter(|e| !e.is_empty())) {
            (Some(path), _) => Some((path.to_path_buf(), Origin::Flag)),
            (None, Some(env)) => Some((PathBuf::from(env), Origin::Env)),
            (None, None) => discover(cwd).map(|p| (p, Origin::Found)),
        };
        let Some((path, origin)) = chosen else {
            return Ok(Project::default());
        };
        let config = ProjectConfig::load(&path)?;
        Ok(Project {
            file: Some((path, origin, config)),
        })
    }

    /// What the file says, if there is one.
    pub fn config(&self) -> Option<&ProjectConfig> {
        self.file.as_ref().map(|(_, _, c)| c)
    }

    /// Where a value of the file came from: `path:line`.
    pub fn at(&self, line: usize) -> String {
        match &self.file {
            Some((path, _, _)) => format!("{}:{line}", crate::names::from_path(path)),
            None => String::new(),
        }
    }

    /// Applies the file to a report, once, before the exit code is decided:
    /// `[[ignore]]` (findings whose path its globs match, relative to the file's
    /// folder; `cwd` is what relative finding paths are relative to), then
    /// `[severity]`. With `report_unused` (a run that checks files: `check`, `build`,
    /// `verify`), an entry that silenced nothing is an `ignore-unused` warning.
    pub fn apply(&self, report: &mut Report, cwd: &Path, report_unused: bool) {
        if let Some((path, _, config)) = &self.file {
            let root = path.parent().unwrap_or(Path::new(""));
            let shown = crate::names::from_path(path);
            let unused = crate::suppress::apply_paths(
                &mut report.findings,
                &config.ignore,
                root,
                cwd,
                &shown,
            );
            if report_unused && !unused.is_empty() {
                report.findings.extend(unused);
                crate::findings::sort_findings(&mut report.findings);
            }
        }
        self.apply_severity(report);
    }

    /// Applies `[severity]` to a report: changes the severity of findings, drops
    /// those of rules set to `off`.
    pub fn apply_severity(&self, report: &mut Report) {
        let Some(config) = self.config() else {
            return;
        };
        if config.severity.is_empty() {
            return;
        }
        report
            .findings
            .retain(|f| config.severity.get(&f.rule).map(|s| s.value) != Some(Level::Off));
        for finding in &mut report.findings {
            match config.severity.get(&finding.rule).map(|s| s.value) {
                Some(Level::Error) => finding.severity = Severity::Error,
                Some(Level::Warning) => finding.severity = Severity::Warning,
                _ => {}
            }
        }
    }
}

/// The nearest `osbundle.toml` in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;

    fn parse(text: &str) -> std::result::Result<ProjectConfig, ConfigError> {
        ProjectConfig::parse(text.as_bytes(), Path::new("/repo"))
    }

    #[test]
    fn every_key_parses_with_its_line() {
        let c = parse(
            "rules = \"lxca/osimages.json\"\nos = \"win\"\nrelease = \"2016\"\n\
             platform = \"IMM2\"\nexclude = [\"build/\", \"*.bak\"]\n\n[severity]\n\
             profile-invalid = \"off\"\nunknown-os = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(
            c.rules,
            Some(Setting {
                value: PathBuf::from("/repo/lxca/osimages.json"),
                line: 1
            })
        );
        assert_eq!(c.os.as_ref().map(|s| s.value.as_str()), Some("win"));
        assert_eq!(c.platform.as_ref().map(|s| s.line), Some(4));
        let globs: Vec<_> = c.exclude.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(globs, ["build/", "*.bak"]);
        assert_eq!(
            c.severity.get(&Rule::ProfileInvalid),
            Some(&Setting {
                value: Level::Off,
                line: 8
            })
        );
        assert_eq!(parse("").unwrap(), ProjectConfig::default());
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let e = parse("os = \"win\"\n\nrule = \"x.json\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("unknown field `rule`"), "{e}");
        assert!(e.message.contains("`rules`"), "lists the known keys: {e}");

        let e = parse("[severity]\nunknown-oss = \"off\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("did you mean \"unknown-os\""), "{e}");

        let e = parse("[severity]\nunknown-os = \"warn\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("`warning`"), "{e}");

        let e = parse("os = 5\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");

        let e = parse("exclude = [\"ok\", \"a[\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 18), "{e}");

        let e = parse("os = \"win\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");

        let e = ProjectConfig::parse(b"os = \"\xff\"", Path::new("")).unwrap_err();
        assert_eq!((e.line, e.column), (1, 7), "{e}");
    }

    #[test]
    fn ignore_entries_parse_and_refuse_what_cannot_work() {
        let c = parse(
            "os = \"win\"\n\n[[ignore]]\npaths = [\"a/*.sh\", \"b/\"]\nrules = [\"unattend-unknown-macro\", \"unknown-os\"]\n",
        )
        .unwrap();
        assert_eq!(
            c.ignore,
            [crate::suppress::PathIgnore {
                paths: vec!["a/*.sh".into(), "b/".into()],
                rules: vec![Rule::UnattendUnknownMacro, Rule::UnknownOs],
                line: 3,
            }]
        );
        let e = parse("[[ignore]]\npaths = [\"a\"]\nrules = [\"unknown-oss\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 10), "{e}");
        assert!(
            e.message
                .contains("in [[ignore]] (did you mean \"unknown-os\"?)"),
            "{e}"
        );
        let e = parse("[[ignore]]\npaths = [\"a[\"]\nrules = [\"unknown-os\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("[[ignore]] glob"), "{e}");
        let e = parse("[[ignore]]\npaths = []\nrules = [\"unknown-os\"]\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        let e = parse("[[ignore]]\npath = [\"a\"]\nrules = [\"unknown-os\"]\n").unwrap_err();
        assert!(e.message.contains("unknown field `path`"), "{e}");
    }

    #[test]
    fn resolution_order_and_discovery() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join(FILE_NAME), "os = \"win\"\n").unwrap();
        std::fs::write(root.join("other.toml"), "os = \"sles\"\n").unwrap();
        let os = |p: &Project| p.config().and_then(|c| c.os.clone()).map(|s| s.value);

        let found = Project::resolve(None, false, None, &root.join("a/b")).unwrap();
        assert_eq!(os(&found).as_deref(), Some("win"));
        assert_eq!(found.file.as_ref().map(|f| f.1), Some(Origin::Found));

        let env = root.join("other.toml");
        let p = Project::resolve(None, false, Some(env.as_os_str()), root).unwrap();
        assert_eq!(os(&p).as_deref(), Some("sles"));
        let p = Project::resolve(
            Some(&root.join(FILE_NAME)),
            false,
            Some(env.as_os_str()),
            root,
        )
        .unwrap();
        assert_eq!(
            os(&p).as_deref(),
            Some("win"),
            "--config beats the environment"
        );
        let p = Project::resolve(Some(&env), true, None, root).unwrap();
        assert!(p.file.is_none(), "--no-config reads nothing");

        let err = Project::resolve(Some(&root.join("missing.toml")), false, None, root);
        assert!(
            matches!(
                err,
                Err(Error::Unreadable {
                    what: "configuration file",
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn severity_changes_and_drops_findings() {
        let config =
            parse("[severity]\nunknown-os = \"warning\"\nkind-unknown = \"off\"\n").unwrap();
        let project = Project {
            file: Some((PathBuf::from("osbundle.toml"), Origin::Found, config)),
        };
        let mut report = Report {
            findings: vec![
                Finding::error(Rule::UnknownOs, "a", "x"),
                Finding::error(Rule::KindUnknown, "b", "y"),
                Finding::error(Rule::ConfigSchema, "c", "z"),
            ],
            checked: 3,
            subjects: Vec::new(),
        };
        project.apply_severity(&mut report);
        let got: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.rule, f.severity))
            .collect();
        assert_eq!(
            got,
            [
                (Rule::UnknownOs, Severity::Warning),
                (Rule::ConfigSchema, Severity::Error)
            ]
        );
    }
}
