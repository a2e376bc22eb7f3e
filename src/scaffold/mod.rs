//! `osbundle new`: a profile directory that checks clean, as `cargo new` starts a
//! crate. `profile.json` for the OS and release, the kind folders the OS accepts
//! custom files in (under the rules in force), an example unattend file in the OS's
//! dialect (AutoYaST, a Windows answer file, Ubuntu autoinstall, a kickstart) that
//! uses a predefined macro and the macro of a small configuration-settings file.
//!
//! Nothing is overwritten: an existing folder is refused (exit 2), and a folder left
//! half-written by an I/O error is removed.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::macros::DEFAULT_PREDEFINED;
use crate::rules::{resolve_scope, OsRules, RuleSet, ScopeSource};

/// The predefined macro the examples use.
pub(crate) const HOSTNAME_MACRO: &str = "predefined.hostPlatforms.networkSettings.hostname";

/// The custom macro of the example configuration-settings file.
pub(crate) const TIMEZONE_MACRO: &str = "timezone";

/// An answer-file dialect, chosen by OS name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SUSE AutoYaST profile (XML).
    AutoYast,
    /// Windows answer file (XML).
    Windows,
    /// Ubuntu autoinstall user-data (YAML).
    Autoinstall,
    /// Red Hat kickstart.
    Kickstart,
    /// VMware ESXi kickstart.
    EsxiKickstart,
}

impl Dialect {
    /// The dialect of the OS called `os`, when osbundle has an example for it.
    pub fn of(os: &str) -> Option<Dialect> {
        match os {
            "sles" => Some(Dialect::AutoYast),
            "win" => Some(Dialect::Windows),
            "ubuntu" => Some(Dialect::Autoinstall),
            "rhels" => Some(Dialect::Kickstart),
            "esxi" => Some(Dialect::EsxiKickstart),
            _ => None,
        }
    }

    /// The example's file name in `unattend/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Dialect::AutoYast => "autoinst.xml",
            Dialect::Windows => "autounattend.xml",
            Dialect::Autoinstall => "user-data.cfg",
            Dialect::Kickstart | Dialect::EsxiKickstart => "ks.cfg",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Dialect::AutoYast => include_str!("templates/autoyast.xml"),
            Dialect::Windows => include_str!("templates/autounattend.xml"),
            Dialect::Autoinstall => include_str!("templates/autoinstall.cfg"),
            Dialect::Kickstart => include_str!("templates/rhel-kickstart.cfg"),
            Dialect::EsxiKickstart => include_str!("templates/esxi-kickstart.cfg"),
        }
    }

    /// Time-zone names the installer takes, the first the default.
    fn time_zones(self) -> &'static [&'static str] {
        match self {
            Dialect::Windows => &[
                "UTC",
                "W. Europe Standard Time",
                "Eastern Standard Time",
                "Pacific Standard Time",
                "Tokyo Standard Time",
            ],
            _ => &[
                "Etc/UTC",
                "Europe/Berlin",
                "America/New_York",
                "America/Los_Angeles",
                "Asia/Tokyo",
            ],
        }
    }

    /// The example file for profile `name`. `hostname` and `timezone` are what goes
    /// where the host name and the time zone go: a `#macro#` or a literal value.
    pub fn example(
        self,
        name: &str,
        os: &str,
        release: &str,
        hostname: &str,
        timezone: &str,
    ) -> String {
        let xml = matches!(self, Dialect::AutoYast | Dialect::Windows);
        // Inside an XML comment, `--` is not allowed.
        let shown = |s: &str| match xml {
            true => s.replace("--", "- -"),
            false => s.to_string(),
        };
        self.template()
            .replace("{{name}}", &shown(name))
            .replace("{{os}}", &shown(os))
            .replace("{{release}}", &shown(release))
            .replace("{{hostname}}", hostname)
            .replace("{{timezone}}", timezone)
    }
}

/// What `new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProfile {
    /// The profile directory.
    pub dir: PathBuf,
    /// The files and folders written, relative to it, sorted.
    pub written: Vec<String>,
    /// What could not be written and why (a kind the OS does not accept, no example
    /// for this OS).
    pub notes: Vec<String>,
}

/// Writes a new profile directory `dir` for `os` and `release` under `rules`; the
/// profile's name is the folder's name.
pub fn create(dir: &Path, os: &str, release: &str, rules: &RuleSet) -> Result<NewProfile> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let valid = name
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_alphanumeric() || (i > 0 && matches!(c, '.' | '_' | '-')));
    if name.is_empty() || !valid || name.len() > 200 {
        return Err(Error::Usage(format!(
            "\"{}\" cannot be a profile name: letters, digits, '.', '_' and '-', starting with a letter or digit",
            crate::names::escape(&crate::names::from_path(dir))
        )));
    }
    let (scope, findings) = resolve_scope(
        rules,
        Some(os),
        Some(release),
        &[],
        ScopeSource::options("--os/--release"),
    );
    if let Some(f) = findings.first() {
        return Err(Error::Usage(f.message.clone()));
    }
    let Some(os_rules) = scope.os else {
        return Err(Error::Usage(format!("unknown OS \"{os}\"")));
    };
    if dir.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{} already exists: `osbundle new` writes a new folder and changes nothing that is there",
            crate::names::escape(&crate::names::from_path(dir))
        )));
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fs::create_dir(dir).map_err(|e| Error::io(dir, e))?;
    let plan = plan(&name, os_rules, release, rules);
    match write(dir, &plan) {
        Ok(()) => {
            let mut written: Vec<String> = plan.files.into_iter().map(|(rel, _)| rel).collect();
            written.sort();
            Ok(NewProfile {
                dir: dir.to_path_buf(),
                written,
                notes: plan.notes,
            })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(dir);
            Err(e)
        }
    }
}

/// Files to write (relative path, content; a path ending in `/` is a folder).
struct Plan {
    files: Vec<(String, String)>,
    notes: Vec<String>,
}

fn plan(name: &str, os: &OsRules, release: &str, rules: &RuleSet) -> Plan {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let platforms = os
        .release(release)
        .map(|r| r.platforms.clone())
        .unwrap_or_default();
    // A struct, so that the members come in this order.
    #[derive(serde::Serialize)]
    struct Profile<'a> {
        name: &'a str,
        os: &'a str,
        release: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        platforms: &'a [String],
        description: String,
    }
    let profile = Profile {
        name,
        os: &os.name,
        release,
        platforms: &platforms,
        description: format!(
            "{} {release}, started with osbundle new",
            os.display_name.as_deref().unwrap_or(&os.name)
        ),
    };
    let profile_text = serde_json::to_string_pretty(&profile).unwrap_or_default() + "\n";
    files.push((crate::profile::PROFILE_FILE.to_string(), profile_text));
    let accepts = |kind: Kind| {
        let k = os.kind(kind);
        k.allowed
            && (k.custom_releases.is_empty() || k.custom_releases.iter().any(|r| r == release))
    };
    for kind in Kind::ALL {
        if accepts(kind) {
            files.push((format!("{}/", kind.folder()), String::new()));
        } else {
            notes.push(format!(
                "no {}/ folder: {} {release} accepts no custom {}",
                kind.folder(),
                os.name,
                kind.noun()
            ));
        }
    }
    let dialect = Dialect::of(&os.name);
    let hostname = {
        let known = match &rules.predefined_macros {
            Some(own) => own.iter().any(|m| m == HOSTNAME_MACRO),
            None => DEFAULT_PREDEFINED.contains(&HOSTNAME_MACRO),
        };
        match known {
            true => format!("#{HOSTNAME_MACRO}#"),
            false => "server1".to_string(),
        }
    };
    let zones = dialect.map_or(&["Etc/UTC"][..], Dialect::time_zones);
    let config =
        accepts(Kind::Config) && os.kind(Kind::Config).extensions.iter().any(|e| e == "json");
    if config {
        files.push(("config/settings.json".to_string(), settings_json(zones)));
    }
    match dialect {
        Some(d) if accepts(Kind::Unattend) => {
            let file = d.file_name();
            let ext_ok = os
                .kind(Kind::Unattend)
                .extensions
                .iter()
                .any(|e| crate::kind::has_extension(file, e));
            if ext_ok {
                let timezone = match config {
                    true => format!("#{TIMEZONE_MACRO}#"),
                    false => zones[0].to_string(),
                };
                let text = d.example(name, &os.name, release, &hostname, &timezone);
                files.push((format!("unattend/{file}"), text));
            } else {
                notes.push(format!(
                    "no example unattend file: {} takes unattend files ending in {}, not {file}",
                    os.name,
                    crate::rules::list_names(&os.kind(Kind::Unattend).extensions, 8)
                ));
            }
        }
        Some(_) => {}
        None => notes.push(format!(
            "no example unattend file: osbundle has none for the OS \"{}\"",
            os.name
        )),
    }
    Plan { files, notes }
}

/// A configuration-settings file with one setting, the time zone, whose macro is
/// `#timezone#`.
fn settings_json(zones: &[&str]) -> String {
    let doc = json!({
        "category": "dynamic",
        "name": "settings",
        "label": "Deployment settings",
        "optional": false,
        "type": "array",
        "content": [{
            "category": "dynamic",
            "common": true,
            "name": TIMEZONE_MACRO,
            "label": "Time zone",
            "description": "The time zone of the installed system; unattend files use it as #timezone#.",
            "optional": false,
            "type": "string",
            "choices": zones,
            "value": zones[0],
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn write(dir: &Path, plan: &Plan) -> Result<()> {
    for (rel, text) in &plan.files {
        let path = dir.join(rel.trim_end_matches('/'));
        if rel.ends_with('/') {
            fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
            // Git keeps no empty folders; hidden files are no part of a profile.
            let keep = path.join(".gitkeep");
            fs::write(&keep, "").map_err(|e| Error::io(&keep, e))?;
        } else {
            fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
