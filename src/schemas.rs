//! The embedded JSON Schemas (draft 2020-12), compiled once and shared by all workers,
//! and the one pipeline of every JSON document (`DocumentKind::check`): parse,
//! syntax finding, duplicate keys, schema.
//!
//! Validation errors become findings that point at the deepest offending value with a
//! JSON Pointer, line and column. `additionalProperties` breaches (unknown members)
//! are warnings; everything else is an error.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::Validator;
use serde_json::Value;

use crate::findings::{Finding, Rule};
use crate::json::{escape_token, Document, SyntaxError};

/// An embedded schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaName {
    /// `supportedImages` rules: a `GET /osImages` response or a bare array.
    SupportedImages,
    /// `profile.json` of a profile directory.
    Profile,
    /// A custom configuration-settings file: the settings tree or an import body.
    CustomConfig,
    /// `metadata.json` of a profile bundle.
    BundleMetadata,
}

impl SchemaName {
    /// Every embedded schema.
    pub const ALL: [SchemaName; 4] = [
        SchemaName::SupportedImages,
        SchemaName::Profile,
        SchemaName::CustomConfig,
        SchemaName::BundleMetadata,
    ];

    /// The schema's text, as shipped in `schemas/`.
    pub fn text(self) -> &'static str {
        match self {
            SchemaName::SupportedImages => {
                include_str!("../schemas/supported-images.schema.json")
            }
            SchemaName::Profile => include_str!("../schemas/profile.schema.json"),
            SchemaName::CustomConfig => include_str!("../schemas/custom-config.schema.json"),
            SchemaName::BundleMetadata => include_str!("../schemas/bundle-metadata.schema.json"),
        }
    }

    /// The file name under `schemas/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaName::SupportedImages => "supported-images.schema.json",
            SchemaName::Profile => "profile.schema.json",
            SchemaName::CustomConfig => "custom-config.schema.json",
            SchemaName::BundleMetadata => "bundle-metadata.schema.json",
        }
    }

    fn slot(self) -> &'static OnceLock<Option<Validator>> {
        static SUPPORTED: OnceLock<Option<Validator>> = OnceLock::new();
        static PROFILE: OnceLock<Option<Validator>> = OnceLock::new();
        static CUSTOM_CONFIG: OnceLock<Option<Validator>> = OnceLock::new();
        static BUNDLE_METADATA: OnceLock<Option<Validator>> = OnceLock::new();
        match self {
            SchemaName::SupportedImages => &SUPPORTED,
            SchemaName::Profile => &PROFILE,
            SchemaName::CustomConfig => &CUSTOM_CONFIG,
            SchemaName::BundleMetadata => &BUNDLE_METADATA,
        }
    }

    /// The compiled validator. Schemas are tested to compile; `None` would mean a
    /// broken build, and validation is then skipped rather than crashing.
    pub fn validator(self) -> Option<&'static Validator> {
        self.slot()
            .get_or_init(|| {
                let schema: Value = serde_json::from_str(self.text()).ok()?;
                jsonschema::draft202012::options()
                    .should_validate_formats(false)
                    .build(&schema)
                    .ok()
            })
            .as_ref()
    }
}

/// The one pipeline every JSON document goes through: parse (a syntax error is a
/// finding), duplicate keys, then the schema. A kind of document names its schema
/// and the rules its findings get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DocumentKind {
    /// Its schema.
    pub schema: SchemaName,
    /// The rule of a syntax error.
    pub syntax: Rule,
    /// The rule of a duplicate key.
    pub duplicate: Rule,
    /// The rule of a schema violation.
    pub violation: Rule,
    /// What syntax messages start with (`"profile.json is not valid JSON: "`).
    pub syntax_prefix: &'static str,
}

/// A configuration-settings file.
pub(crate) const CONFIG: DocumentKind = DocumentKind {
    schema: SchemaName::CustomConfig,
    syntax: Rule::ConfigInvalidJson,
    duplicate: Rule::ConfigInvalidJson,
    violation: Rule::ConfigSchema,
    syntax_prefix: "",
};

/// `profile.json` of a profile directory.
pub(crate) const PROFILE: DocumentKind = DocumentKind {
    schema: SchemaName::Profile,
    syntax: Rule::ProfileInvalid,
    duplicate: Rule::ProfileInvalid,
    violation: Rule::ProfileInvalid,
    syntax_prefix: "profile.json is not valid JSON: ",
};

/// `metadata.json` of a bundle.
pub(crate) const METADATA: DocumentKind = DocumentKind {
    schema: SchemaName::BundleMetadata,
    syntax: Rule::BundleMetadataInvalid,
    duplicate: Rule::BundleMetadataInvalid,
    violation: Rule::BundleMetadataInvalid,
    syntax_prefix: "metadata.json is not valid JSON: ",
};

/// A rules file (its syntax errors stop the run instead: [`crate::Error::Json`]).
pub(crate) const RULES: DocumentKind = DocumentKind {
    schema: SchemaName::SupportedImages,
    syntax: Rule::RulesInvalid,
    duplicate: Rule::RulesInvalid,
    violation: Rule::RulesInvalid,
    syntax_prefix: "",
};

/// A document that went through the pipeline.
#[derive(Debug)]
pub struct Checked {
    /// The document, when it parsed.
    pub doc: Option<Document>,
    /// Syntax, duplicate-key and schema findings.
    pub findings: Vec<Finding>,
}

impl Checked {
    /// Whether no finding is an error (warnings, such as unknown members, allowed).
    pub fn is_valid(&self) -> bool {
        self.findings
            .iter()
            .all(|f| f.severity != crate::findings::Severity::Error)
    }
}

impl DocumentKind {
    /// Parses and checks `bytes`, reported at `path`.
    pub(crate) fn check(&self, bytes: &[u8], path: &str) -> Checked {
        match Document::parse(bytes) {
            Ok(doc) => Checked {
                findings: self.check_parsed(&doc, path),
                doc: Some(doc),
            },
            Err(e) => Checked {
                doc: None,
                findings: vec![self.syntax_finding(&e, path)],
            },
        }
    }

    /// The finding of a syntax error.
    pub(crate) fn syntax_finding(&self, e: &SyntaxError, path: &str) -> Finding {
        Finding::error(
            self.syntax,
            path,
            format!("{}{}", self.syntax_prefix, e.message),
        )
        .at(e.position.line, e.position.column)
    }

    /// The findings of a parsed document: its duplicate keys, then its schema
    /// violations.
    pub(crate) fn check_parsed(&self, doc: &Document, path: &str) -> Vec<Finding> {
        let mut findings = duplicate_key_findings(doc, self.duplicate, path);
        findings.extend(validate(self.schema, doc, self.violation, path));
        findings
    }
}

/// One finding of `rule` per duplicate key of `doc`.
pub(crate) fn duplicate_key_findings(doc: &Document, rule: Rule, path: &str) -> Vec<Finding> {
    doc.duplicate_keys()
        .into_iter()
        .map(|d| {
            Finding::error(
                rule,
                path,
                format!(
                    "duplicate key \"{}\" (first at line {} column {}); JSON readers disagree on which one wins",
                    d.key, d.first.line, d.first.column
                ),
            )
            .with_pointer(format!("{}/{}", d.object, escape_token(&d.key)))
            .at(d.position.line, d.position.column)
        })
        .collect()
}

/// Validates `doc` against `schema`, one finding of `rule` per violation.
pub(crate) fn validate(schema: SchemaName, doc: &Document, rule: Rule, path: &str) -> Vec<Finding> {
    validate_value(schema, doc, doc.value(), "", rule, path)
}

/// Validates `value`, found at `base` inside `doc`, against `schema`.
pub(crate) fn validate_value(
    schema: SchemaName,
    doc: &Document,
    value: &Value,
    base: &str,
    rule: Rule,
    path: &str,
) -> Vec<Finding> {
    let Some(validator) = schema.validator() else {
        return Vec::new();
    };
    let mut missing: Vec<(String, Vec<String>)> = Vec::new();
    let mut findings: Vec<Finding> = validator
        .iter_errors(value)
        .filter_map(|error| {
            // Missing members of one object: one finding listing them all.
            if let ValidationErrorKind::Required { property } = error.kind() {
                let pointer = format!("{base}{}", error.instance_path().as_str());
                let name = property
                    .as_str()
                    .map_or_else(|| property.to_string(), |p| format!("\"{p}\""));
                match missing.iter_mut().find(|(p, _)| *p == pointer) {
                    Some((_, names)) => names.push(name),
                    None => missing.push((pointer, vec![name])),
                }
                return None;
            }
            Some(error)
        })
        .map(|error| {
            let pointer = format!("{base}{}", error.instance_path().as_str());
            let warning = matches!(
                error.kind(),
                ValidationErrorKind::AdditionalProperties { .. }
                    | ValidationErrorKind::UnevaluatedProperties { .. }
            );
            let message = message(&error);
            let finding = if warning {
                Finding::warning(rule, path, message)
            } else {
                Finding::error(rule, path, message)
            };
            let position = doc.position_of(&pointer);
            finding.with_pointer(pointer).at_opt(position)
        })
        .collect();
    for (pointer, names) in missing {
        let message = match names.as_slice() {
            [one] => format!("missing required member {one}"),
            _ => format!("missing required members {}", names.join(", ")),
        };
        let position = doc.position_of(&pointer);
        findings.push(
            Finding::error(rule, path, message)
                .with_pointer(pointer)
                .at_opt(position),
        );
    }
    findings
}

/// What the patterns of the embedded schemas allow, in words: users should not have
/// to read a regular expression.
const PATTERN_WORDS: &[(&str, &str)] = &[
    (
        "^[A-Za-z0-9][A-Za-z0-9._-]*$",
        "must start with a letter or digit and hold only letters (A-Z, a-z), digits, dots, underscores and hyphens: no spaces, slashes or other characters",
    ),
    (
        "^[^|]+\\|[^|]+$",
        "must be an OS image ID and a profile name joined by one \"|\", such as win2016|win2016-x86_64-install-Standard_core",
    ),
    ("^[0-9]+$", "must hold digits only"),
    (
        "^[^|]+$",
        "must be an OS image ID such as win2016, without \"|\" (the profile ID is <OS image ID>|<profile name>)",
    ),
    (
        "^[0-9]{13,14}$",
        "must be a timestamp yyyyMMddHmmss: 13 or 14 digits",
    ),
    (
        "^\\.?[A-Za-z0-9]+(\\.[A-Za-z0-9]+)*$",
        "must be a file extension such as zip or tar.gz (letters and digits, parts separated by dots)",
    ),
];

fn message(error: &jsonschema::ValidationError<'_>) -> String {
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|n| format!("\"{n}\"")).collect();
            format!("unknown member {} (ignored)", names.join(", "))
        }
        ValidationErrorKind::Required { property } => {
            format!("missing required member {property}")
        }
        ValidationErrorKind::Pattern { pattern } => {
            match PATTERN_WORDS.iter().find(|(p, _)| p == pattern) {
                Some((_, words)) => {
                    let value = error.instance();
                    let shown = value
                        .as_str()
                        .map_or_else(|| value.to_string(), |v| format!("\"{v}\""));
                    format!("{shown} {words}")
                }
                None => short(error.to_string()),
            }
        }
        _ => short(error.to_string()),
    }
}

/// jsonschema's messages quote the whole instance; keep them short.
fn short(text: String) -> String {
    if text.chars().count() > 200 {
        let cut: String = text.chars().take(200).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// `schema`: the schema's text as the text document, the schema itself as the JSON
/// member `schema`; no other format.
impl crate::report::Output for SchemaName {
    fn members(&self) -> impl serde::Serialize + '_ {
        #[derive(serde::Serialize)]
        struct Members {
            schema: Value,
        }
        Members {
            schema: serde_json::from_str(self.text()).unwrap_or(Value::Null),
        }
    }

    fn write_text(
        &self,
        _: &crate::findings::Report,
        _: crate::report::WriteOptions<'_>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(self.text().as_bytes())
    }

    fn refuses(&self, format: crate::report::Format) -> Option<String> {
        (!crate::report::text_or_json(format)).then(|| {
            format!(
                "`schema` prints a JSON Schema: use --format text or json, not {}",
                format.name()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_of_the_schemas_has_words() {
        for name in SchemaName::ALL {
            let text = name.text();
            for part in text.split("\"pattern\": \"").skip(1) {
                let Some(end) = part.find("\"") else { continue };
                let raw = format!("\"{}\"", &part[..end]);
                let pattern: String = serde_json::from_str(&raw).unwrap();
                assert!(
                    PATTERN_WORDS.iter().any(|(p, _)| *p == pattern)
                        || pattern.starts_with("^[0-9]{4}-")
                        || pattern.starts_with("^(drivers|")
                        || pattern.starts_with("^[0-9]{13,14}_"),
                    "{}: no words for {pattern}",
                    name.file_name()
                );
            }
        }
    }

    #[test]
    fn profile_name_pattern_in_words_and_missing_members_in_one_finding() {
        let doc = Document::parse(br#"{"name": "my profile", "platforms": []}"#).unwrap();
        let f = validate(SchemaName::Profile, &doc, Rule::ProfileInvalid, "p");
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m
                .starts_with("\"my profile\" must start with a letter or digit")
                && !m.contains("^[")),
            "{messages:?}"
        );
        let missing: Vec<_> = f
            .iter()
            .filter(|f| f.message.starts_with("missing"))
            .collect();
        assert_eq!(missing.len(), 1, "{messages:?}");
        assert_eq!(
            missing[0].message,
            "missing required members \"os\", \"release\""
        );
        assert_eq!(missing[0].pointer.as_deref(), Some(""));
        assert_eq!((missing[0].line, missing[0].column), (Some(1), Some(1)));
    }

    #[test]
    fn duplicate_keys_point_at_the_kept_occurrence() {
        let text = "{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2},\n \"a\": 3}";
        let doc = Document::parse(text.as_bytes()).unwrap();
        let f = duplicate_key_findings(&doc, Rule::ConfigSchema, "c.json");
        assert_eq!(f[1].pointer.as_deref(), Some("/a"));
        assert!(f[1].message.contains("\"a\""));
    }

    #[test]
    fn the_pipeline_reports_syntax_duplicates_and_schema() {
        let c = PROFILE.check(b"{\"name\": 1", "p.json");
        assert!(c.doc.is_none());
        assert!(c.findings[0]
            .message
            .starts_with("profile.json is not valid JSON: "));
        let c = PROFILE.check(br#"{"name": "x", "name": "y", "os": 5}"#, "p.json");
        let rules: Vec<_> = c.findings.iter().map(|f| f.pointer.as_deref()).collect();
        assert!(
            rules.contains(&Some("/name")) && rules.contains(&Some("/os")),
            "{rules:?}"
        );
        assert!(!c.is_valid());
    }

    #[test]
    fn every_schema_compiles() {
        for name in SchemaName::ALL {
            assert!(
                name.validator().is_some(),
                "{} does not compile",
                name.file_name()
            );
        }
    }
}
