//! `rules`: the rules in force, as a table (text) and as a `supportedImages` array
//! in the reference's field names (JSON).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{list_names, RuleSet};
use crate::findings::Report;
use crate::kind::Kind;
use crate::names::escape;
use crate::report::{text, Output, WriteOptions};

/// `rules`: the rules in force and where they come from.
#[derive(Debug, Clone, Copy)]
pub struct RulesShown<'a> {
    /// The rules.
    pub rules: &'a RuleSet,
    /// Where they come from (a path, or the embedded rules).
    pub source: &'a str,
    /// Whether they are the embedded defaults.
    pub embedded: bool,
}

#[derive(Serialize)]
struct Members {
    rules: Value,
}

impl Output for RulesShown<'_> {
    fn members(&self) -> impl Serialize + '_ {
        Members {
            rules: rules_json(self.rules),
        }
    }

    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        rules_table(self.rules, self.source, self.embedded, out)?;
        // Notes about the rules file, after the table (`-q`: none).
        if !report.findings.is_empty() && !options.quiet {
            writeln!(out)?;
            text::write_findings(report, options, out)?;
        }
        Ok(())
    }
}

/// The rules as a `supportedImages` array in the reference's field names (flags as
/// the strings "true"/"false").
fn rules_json(rules: &RuleSet) -> Value {
    let images: Vec<Value> = rules
        .images
        .iter()
        .map(|os| {
            let mut m = Map::new();
            m.insert("name".into(), json!(os.name));
            if let Some(d) = &os.display_name {
                m.insert("displayName".into(), json!(d));
            }
            m.insert(
                "allowCustomPath".into(),
                json!(os.allow_custom_path.to_string()),
            );
            for kind in Kind::ALL {
                let k = os.kind(kind);
                if let Some(field) = kind.allow_field() {
                    m.insert(field.into(), json!(k.allowed.to_string()));
                }
                m.insert(kind.extension_field().into(), json!(k.extensions));
                if let Some(field) = kind.releases_field() {
                    m.insert(field.into(), json!(k.custom_releases));
                }
            }
            let releases: Vec<Value> = os
                .releases
                .iter()
                .map(|r| json!({ r.name.clone(): r.platforms }))
                .collect();
            m.insert("releases".into(), Value::Array(releases));
            Value::Object(m)
        })
        .collect();
    Value::Array(images)
}

/// The rules as a table.
fn rules_table(
    rules: &RuleSet,
    source: &str,
    embedded: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "rules: {}", escape(source))?;
    if embedded {
        writeln!(
            out,
            "(an example from 2018: the OSes, releases and extensions of the LXCA API documentation, with what its current pages say of custom files; pass your server's own saved GET /osImages reply with --rules FILE, or `rules` in osbundle.toml, for exact results)"
        )?;
    }
    for os in &rules.images {
        writeln!(out)?;
        match &os.display_name {
            Some(d) => writeln!(out, "{} ({d})", os.name)?,
            None => writeln!(out, "{}", escape(&os.name))?,
        }
        let releases: Vec<String> = os
            .releases
            .iter()
            .map(|r| format!("{} [{}]", r.name, r.platforms.join(", ")))
            .collect();
        writeln!(out, "  releases: {}", list_names(&releases, 100))?;
        writeln!(
            out,
            "  {:<9} {:<8} {:<24} custom releases",
            "kind", "custom", "extensions"
        )?;
        for kind in Kind::ALL {
            let k = os.kind(kind);
            let allowed = match kind.allow_field() {
                None => "-",
                Some(_) if k.allowed => "yes",
                Some(_) => "no",
            };
            let exts: Vec<String> = k.extensions.iter().map(|e| format!(".{e}")).collect();
            let releases = match (
                kind.releases_field(),
                k.allowed,
                k.custom_releases.is_empty(),
            ) {
                (None, _, _) | (_, false, _) => "-".to_string(),
                (_, true, true) => "all".to_string(),
                _ => list_names(&k.custom_releases, 100),
            };
            writeln!(
                out,
                "  {:<9} {:<8} {:<24} {releases}",
                kind.as_str(),
                allowed,
                if exts.is_empty() {
                    "-".to_string()
                } else {
                    exts.join(" ")
                },
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_slice;

    #[test]
    fn json_round_trips_through_the_loader() {
        let rules = RuleSet::embedded();
        let text = serde_json::to_string(&rules_json(&rules)).unwrap();
        let again = load_slice(text.as_bytes(), "x").unwrap();
        assert!(again.findings.is_empty(), "{:?}", again.findings);
        assert_eq!(again.rules.images, rules.images);
    }
}
