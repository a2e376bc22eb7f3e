//! What `config show` shows: the configuration file in force and each setting with
//! its source, as text and as the members of the JSON envelope.

use std::io::{self, Write};

use serde::Serialize;

use crate::findings::Report;
use crate::names::escape;
use crate::report::{text_or_json, Format, Output, WriteOptions};

/// `config show`: the configuration file in force and each setting with its source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigShown {
    /// The configuration file, when one is in force.
    pub config_file: Option<ConfigFileShown>,
    /// Each setting in force.
    pub settings: Vec<SettingShown>,
}

/// The configuration file of `config show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFileShown {
    /// Its path.
    pub path: String,
    /// How it was found (`--config`, `OSBUNDLE_CONFIG`, `search`).
    pub origin: &'static str,
}

/// One setting of `config show` and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingShown {
    /// The key (`rules`, `severity.<rule>`, ...).
    pub key: String,
    /// The value, when set.
    pub value: Option<String>,
    /// Where the value comes from (`--rules`, `osbundle.toml:3`, `default`, `not set`).
    pub source: String,
}

impl Output for ConfigShown {
    fn members(&self) -> impl Serialize + '_ {
        self
    }

    fn write_text(&self, _: &Report, _: WriteOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
        config_shown(self, out)
    }

    fn refuses(&self, format: Format) -> Option<String> {
        (!text_or_json(format)).then(|| {
            format!(
                "config show: --format {} is not available (text or json)",
                format.name()
            )
        })
    }
}

/// `config show`: the file in force, then one line per setting with its source.
fn config_shown(shown: &ConfigShown, out: &mut dyn Write) -> io::Result<()> {
    match &shown.config_file {
        Some(file) => writeln!(
            out,
            "configuration file: {} ({})",
            escape(&file.path),
            file.origin
        )?,
        None => writeln!(
            out,
            "configuration file: none (no {} from the current directory upward)",
            super::FILE_NAME
        )?,
    }
    let width = shown
        .settings
        .iter()
        .map(|s| s.key.len())
        .max()
        .unwrap_or(0);
    for s in &shown.settings {
        let value = s.value.as_deref().map_or("-".into(), escape);
        writeln!(out, "{:<width$}  {value}  ({})", s.key, escape(&s.source))?;
    }
    Ok(())
}
