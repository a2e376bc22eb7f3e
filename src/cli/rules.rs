//! `osbundle rules`: the rules in force, as a table or as JSON.

use std::io::Write;

use clap::Args;
use serde_json::{json, Map, Value};

use super::{emit, load_rules_in_force, with_stdout, GlobalArgs, Outcome};
use osbundle::{list_names, Format, Kind, Report, Result, RuleSet, EMBEDDED_PATH};

/// Arguments of `rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Only this OS.
    #[arg(long)]
    pub os: Option<String>,
    /// Output and configuration.
    #[command(flatten)]
    pub report: super::ReportArgs,
    /// The rules file.
    #[command(flatten)]
    pub rules_file: super::RulesFileArg,
}

/// Prints the rules in force. Rules that break their schema or invariants are reported
/// as findings instead (exit 1).
pub fn run(global: &GlobalArgs, args: RulesArgs) -> Result<Outcome> {
    let loaded = load_rules_in_force(global)?;
    if !loaded.findings.is_empty() {
        let report = Report {
            findings: loaded.findings,
            checked: 1,
        };
        return emit(global, &report, "rules file");
    }
    let mut rules = loaded.rules;
    if let Some(os) = &args.os {
        rules.images.retain(|o| &o.name == os);
    }
    let source = global
        .rules
        .as_ref()
        .map_or(EMBEDDED_PATH.to_string(), |p| p.display().to_string());
    with_stdout(|out| match global.format() {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(&rules))?;
            writeln!(out)
        }
        _ => write_table(&rules, &source, global.rules.is_none(), out),
    })?;
    Ok(Outcome::Valid)
}

/// The rules as a `supportedImages` array in the reference's field names (flags as
/// the strings "true"/"false").
pub fn to_json(rules: &RuleSet) -> Value {
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

fn write_table(
    rules: &RuleSet,
    source: &str,
    embedded: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "rules: {source}")?;
    if embedded {
        writeln!(
            out,
            "(the documented defaults; pass a real GET /osImages response with --rules for exact results)"
        )?;
    }
    for os in &rules.images {
        writeln!(out)?;
        match &os.display_name {
            Some(d) => writeln!(out, "{} ({d})", os.name)?,
            None => writeln!(out, "{}", os.name)?,
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
    use osbundle::load_rules_slice as load_slice;

    #[test]
    fn json_round_trips_through_the_loader() {
        let rules = RuleSet::embedded();
        let text = serde_json::to_string(&to_json(&rules)).unwrap();
        let again = load_slice(text.as_bytes(), "x").unwrap();
        assert!(again.findings.is_empty(), "{:?}", again.findings);
        assert_eq!(again.rules.images, rules.images);
    }
}
