//! `osbundle macros`: the macros an unattend file or script of a profile can use,
//! each with where it comes from: the predefined set (the rules' `predefinedMacros`,
//! else `crate::macros::DEFAULT_PREDEFINED`) and the custom macros the profile's
//! configuration-settings files derive ([`crate::macros::derive_macros`]), read from
//! a profile directory or from a bundle's `config` entries. This is the catalog the
//! `unattend-unknown-macro` check judges by.

use std::io;
use std::path::Path;

use serde::Serialize;

use crate::bundle::limits::TEXT_MAX;
use crate::bundle::stream::Sink;
use crate::bundle::verify::{verify_path_into, VerifySettings};
use crate::error::Result;
use crate::findings::{Finding, Severity};
use crate::kind::Kind;
use crate::macros::{derive_macros, DEFAULT_PREDEFINED};
use crate::rules::RuleSet;

/// Where a macro comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Predefined by LXCA.
    Predefined,
    /// Derived from a configuration-settings file of the profile.
    Config,
}

/// One macro and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MacroSource {
    /// The name, without hash signs.
    pub name: String,
    /// Predefined, or from a config file.
    pub origin: Origin,
    /// The rules file whose `predefinedMacros` lists it, the embedded list, or the
    /// configuration-settings file that derives it.
    pub source: String,
}

/// The macros in force and what reading their sources found.
#[derive(Debug, Clone, Default)]
pub struct MacroList {
    /// Predefined macros first, then custom ones by file and name.
    pub macros: Vec<MacroSource>,
    /// Findings about the config files read (or, for a bundle, its errors).
    pub findings: Vec<Finding>,
    /// The config files (or bundle) read.
    pub checked: Vec<String>,
}

/// The source named for predefined macros when the rules carry none.
pub(crate) const EMBEDDED_SOURCE: &str = "embedded list (LXCA's documented predefined macros)";

/// The predefined macros of `rules` (`rules_source` names its file), then those
/// derived from the config files of `subject` (a profile directory or a bundle)
/// when one is given. Errors (exit 2) only when `subject` cannot be read at all.
pub fn list(
    subject: Option<&Path>,
    rules: &RuleSet,
    rules_source: &str,
    settings: &VerifySettings,
) -> Result<MacroList> {
    let mut list = MacroList::default();
    let (names, source): (Vec<&str>, String) = match &rules.predefined_macros {
        Some(own) => (
            own.iter().map(String::as_str).collect(),
            format!("predefinedMacros of {rules_source}"),
        ),
        None => (DEFAULT_PREDEFINED.to_vec(), EMBEDDED_SOURCE.to_string()),
    };
    let mut names = names;
    names.sort_unstable();
    names.dedup();
    list.macros
        .extend(names.into_iter().map(|name| MacroSource {
            name: name.to_string(),
            origin: Origin::Predefined,
            source: source.clone(),
        }));
    let Some(subject) = subject else {
        return Ok(list);
    };
    let configs = if subject.is_dir() {
        profile_configs(subject)
    } else {
        bundle_configs(subject, settings, &mut list.findings)?
    };
    for (display, bytes) in configs {
        let checked = crate::config::check_bytes(&bytes, &display);
        list.findings.extend(checked.findings);
        let derived = checked
            .value
            .as_ref()
            .map(derive_macros)
            .unwrap_or_default();
        list.macros
            .extend(derived.into_iter().map(|name| MacroSource {
                name,
                origin: Origin::Config,
                source: display.clone(),
            }));
        list.checked.push(display);
    }
    if list.checked.is_empty() {
        list.checked.push(crate::names::from_path(subject));
    }
    crate::findings::sort_findings(&mut list.findings);
    Ok(list)
}

/// The config files of a profile directory, in listing order.
fn profile_configs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let display = crate::names::shown(crate::names::os_bytes(dir.as_os_str()));
    // The files `build` packs (no osbundle.toml excludes: the profile as it stands).
    let members = crate::profile::members(dir, &display, &Default::default());
    members
        .files
        .into_iter()
        .filter(|f| f.kind == Kind::Config)
        .filter_map(|f| {
            let bytes = crate::input::read_path(&f.path).ok()?;
            Some((f.display, bytes))
        })
        .collect()
}

/// The config entries of a bundle, read in one verifying pass; its errors join
/// `findings` (a damaged bundle may hide config files).
fn bundle_configs(
    bundle: &Path,
    settings: &VerifySettings,
    findings: &mut Vec<Finding>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut sink = JsonEntries::default();
    let verified = verify_path_into(bundle, settings, Some(&mut sink))?;
    findings.extend(
        verified
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error),
    );
    let display = crate::names::from_path(bundle);
    let configs = verified
        .entries
        .iter()
        .filter(|e| e.label == Kind::Config.as_str())
        .filter_map(|e| {
            let bytes = sink.entries.iter().find(|(n, _)| *n == e.name)?.1.clone();
            Some((format!("{display}/{}", e.name), bytes))
        })
        .collect();
    Ok(configs)
}

/// Keeps the data of `.json` entries up to the content limit; the layout says
/// afterwards which of them are config files.
#[derive(Default)]
struct JsonEntries {
    entries: Vec<(String, Vec<u8>)>,
    current: Option<(String, Vec<u8>)>,
}

impl Sink for JsonEntries {
    fn begin(&mut self, name: &str, _mode: u32) -> io::Result<()> {
        self.current = name
            .to_ascii_lowercase()
            .ends_with(".json")
            .then(|| (name.to_string(), Vec::new()));
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        if let Some((_, data)) = &mut self.current {
            if data.len() as u64 + chunk.len() as u64 > TEXT_MAX {
                self.current = None;
            } else {
                data.extend_from_slice(chunk);
            }
        }
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        if let Some(entry) = self.current.take() {
            self.entries.push(entry);
        }
        Ok(())
    }
}

/// `macros`: the macros in force, each with where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct MacroSources<'a>(pub &'a [MacroSource]);

#[derive(Serialize)]
struct Members<'a> {
    macros: &'a [MacroSource],
}

impl crate::report::Output for MacroSources<'_> {
    fn members(&self) -> impl Serialize + '_ {
        Members { macros: self.0 }
    }

    fn write_view(&self, out: &mut dyn std::io::Write) -> io::Result<()> {
        macro_sources(self.0, out)
    }
}

/// `macros`: one line per macro, `#name#` and where it comes from.
fn macro_sources(macros: &[MacroSource], out: &mut dyn std::io::Write) -> io::Result<()> {
    let width = macros
        .iter()
        .map(|m| m.name.chars().count() + 2)
        .max()
        .unwrap_or(0);
    for m in macros {
        let name = format!("#{}#", crate::names::escape(&m.name));
        writeln!(out, "{name:width$}  {}", crate::names::escape(&m.source))?;
    }
    Ok(())
}
