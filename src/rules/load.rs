//! Loading rules from a `GET /osImages` response or a bare `supportedImages` array.

use std::path::Path;

use serde_json::{Map, Value};

use super::{invariants, CustomConfigFile, KindRules, OsRules, Release, RuleSet};
use crate::error::{Error, Result};
use crate::findings::Finding;
use crate::json::{strings, Document};
use crate::kind::Kind;
use crate::schemas;

/// Rules and the `rules-invalid` findings met while loading them.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The rules, as far as they could be read.
    pub rules: RuleSet,
    /// Schema and invariant breaches, in document order.
    pub findings: Vec<Finding>,
}

/// Loads a rules file. `-` reads standard input.
pub fn load_file(path: &Path) -> Result<Loaded> {
    let bytes = crate::input::read_path(path).map_err(|e| match e {
        Error::Io { path, source } => Error::Unreadable {
            what: "rules file",
            path,
            source,
        },
        other => other,
    })?;
    load_slice(&bytes, &crate::names::from_path(path))
}

/// Loads rules from bytes; `display` names them in findings and errors.
pub fn load_slice(bytes: &[u8], display: &str) -> Result<Loaded> {
    let doc = Document::parse(bytes).map_err(|e| Error::json(display, e))?;
    let (images, base) = match doc.value() {
        Value::Array(images) => (images, String::new()),
        Value::Object(map) => match map.get("supportedImages") {
            Some(Value::Array(images)) => (images, "/supportedImages".to_string()),
            _ => return Err(no_images(map, display)),
        },
        other => {
            return Err(Error::Rules {
                path: display.into(),
                message: format!(
                "expected a GET /osImages response (an object) or a supportedImages array, got {}",
                crate::json::type_name(other)
            ),
            })
        }
    };

    if images.is_empty() {
        return Err(Error::Rules {
            path: display.into(),
            message: format!(
                "the rules name no OS ({} is empty): nothing could be checked against them",
                if base.is_empty() {
                    "the array"
                } else {
                    "supportedImages"
                }
            ),
        });
    }
    let mut findings = schemas::RULES.check_parsed(&doc, display);

    let mut rules = RuleSet {
        images: images
            .iter()
            .enumerate()
            .filter_map(|(i, image)| os_rules(image, format!("{base}/{i}")))
            .collect(),
        ..RuleSet::default()
    };
    if let Value::Object(map) = doc.value() {
        rules.predefined_macros = map
            .get("predefinedMacros")
            .and_then(Value::as_array)
            .map(|list| macro_names(list));
        rules.custom_config_files = map
            .get("customConfigFiles")
            .and_then(Value::as_array)
            .map(|files| files.iter().filter_map(custom_config_file).collect())
            .unwrap_or_default();
    }
    findings.extend(invariants::check(&rules, &doc, display));
    crate::findings::sort_findings(&mut findings);
    Ok(Loaded { rules, findings })
}

fn no_images(map: &Map<String, Value>, display: &str) -> Error {
    let message = match (
        map.get("result").and_then(Value::as_str),
        map.get("messages"),
    ) {
        (Some("failed"), messages) => format!(
            "this is a failed server reply, not rules: {}",
            messages
                .and_then(Value::as_array)
                .and_then(|m| m.first())
                .and_then(|m| m.get("text"))
                .and_then(Value::as_str)
                .unwrap_or("no message")
        ),
        _ if map.contains_key("supportedImages") => "supportedImages is not an array".to_string(),
        _ => "no supportedImages array: pass a GET /osImages response or a supportedImages array"
            .to_string(),
    };
    Error::Rules {
        path: display.into(),
        message,
    }
}

/// Reads one `supportedImages` element leniently: anything the schema rejects is
/// already a finding, so a wrong field here falls back to "not allowed" / empty.
fn os_rules(image: &Value, pointer: String) -> Option<OsRules> {
    let map = image.as_object()?;
    let name = map.get("name")?.as_str()?.to_string();
    let kinds = Kind::ALL.map(|kind| KindRules {
        allowed: match kind.allow_field() {
            Some(field) => flag(map.get(field)),
            None => true,
        },
        extensions: strings(map.get(kind.extension_field()))
            .into_iter()
            .map(|e| e.trim_start_matches('.').to_string())
            .collect(),
        custom_releases: kind
            .releases_field()
            .map(|field| strings(map.get(field)))
            .unwrap_or_default(),
    });
    let releases = map
        .get("releases")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .flat_map(|one| {
                    one.iter().map(|(name, platforms)| Release {
                        name: name.clone(),
                        platforms: strings(Some(platforms)),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(OsRules {
        name,
        display_name: map
            .get("displayName")
            .and_then(Value::as_str)
            .map(str::to_string),
        allow_custom_path: flag(map.get("allowCustomPath")),
        kinds,
        releases,
        pointer,
    })
}

/// A flag: the strings "true"/"false" as documented, or JSON booleans.
fn flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn macro_names(list: &[Value]) -> Vec<String> {
    list.iter()
        .filter_map(|m| m.get("macroName").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

fn custom_config_file(file: &Value) -> Option<CustomConfigFile> {
    Some(CustomConfigFile {
        id: file.get("id")?.as_str()?.to_string(),
        macros: file
            .get("customMacros")
            .and_then(Value::as_array)
            .map(|list| macro_names(list))
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_load_the_same_rules() {
        let bare = crate::rules::EMBEDDED_RULES;
        let whole = format!(
            r#"{{"result":"success","predefinedMacros":[{{"macroName":"predefined.a"}}],
               "customConfigFiles":[{{"id":"1_c.json","customMacros":[{{"macroName":"x.y"}}]}}],
               "supportedImages":{bare}}}"#
        );
        let a = load_slice(bare.as_bytes(), "a").unwrap();
        let b = load_slice(whole.as_bytes(), "b").unwrap();
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert!(b.findings.is_empty(), "{:?}", b.findings);
        assert_eq!(a.rules.images.len(), 5);
        for (x, y) in a.rules.images.iter().zip(&b.rules.images) {
            assert_eq!(x.kinds, y.kinds);
            assert_eq!(x.releases, y.releases);
            assert_eq!(y.pointer, format!("/supportedImages{}", x.pointer));
        }
        assert_eq!(a.rules.predefined_macros, None);
        assert_eq!(
            b.rules.predefined_macros,
            Some(vec!["predefined.a".to_string()])
        );
        assert_eq!(b.rules.custom_config_files[0].macros, ["x.y"]);
    }

    #[test]
    fn flags_accept_strings_and_booleans() {
        assert!(flag(Some(&Value::String("true".into()))));
        assert!(flag(Some(&Value::Bool(true))));
        assert!(!flag(Some(&Value::String("false".into()))));
        assert!(!flag(Some(&Value::Bool(false))));
        assert!(!flag(None));
    }

    #[test]
    fn malformed_json_is_an_error_with_position() {
        let err = load_slice(b"[{\"name\": \"win\",\n  \"releases\": [}]", "r.json").unwrap_err();
        match err {
            Error::Json { line, column, .. } => assert_eq!((line, column), (2, 16)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn no_supported_images_is_an_error() {
        for text in [r#"{"items":[]}"#, "42", r#"{"supportedImages":{}}"#] {
            assert!(matches!(
                load_slice(text.as_bytes(), "r").unwrap_err(),
                Error::Rules { .. }
            ));
        }
        let failed = r#"{"result":"failed","messages":[{"id":"FQXHMFC0003M","text":"could not be retrieved"}]}"#;
        let err = load_slice(failed.as_bytes(), "r").unwrap_err().to_string();
        assert!(err.contains("could not be retrieved"), "{err}");
    }

    #[test]
    fn schema_breaches_are_findings_with_pointers() {
        let text = "[{\"name\": \"win\", \"releases\": [],\n \"allowCustomDriver\": \"yes\"}]";
        let loaded = load_slice(text.as_bytes(), "r.json").unwrap();
        let f = &loaded.findings;
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].pointer.as_deref(), Some("/0/allowCustomDriver"));
        assert_eq!((f[0].line, f[0].column), (Some(2), Some(23)));
    }
}
