//! Custom configuration-settings files (reference 002/003): JSON Schema, meaning, and
//! the custom macros they provide.

mod macros;

use crate::findings::{Finding, Rule};
use crate::json::Document;

pub use macros::derive_macros;

/// The outcome of checking one configuration-settings file.
#[derive(Debug, Clone, Default)]
pub struct ConfigCheck {
    /// Findings, unsorted.
    pub findings: Vec<Finding>,
    /// The custom macros the file provides (empty when it does not parse).
    pub macros: Vec<String>,
}

/// Checks the configuration-settings file `bytes`, shown as `path`.
pub fn check_bytes(bytes: &[u8], path: &str) -> ConfigCheck {
    let doc = match Document::parse(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            return ConfigCheck {
                findings: vec![Finding::error(Rule::ConfigInvalidJson, path, e.message)
                    .at(e.position.line, e.position.column)],
                macros: Vec::new(),
            }
        }
    };
    let findings = doc.duplicate_key_findings(Rule::ConfigInvalidJson, path);
    ConfigCheck {
        findings,
        macros: derive_macros(doc.value()),
    }
}

/// The members that only an import request body (`POST /osImages` with
/// `imageType=CUSTOM_CONFIG`) has; a settings tree node has `type`/`category` instead.
pub const IMPORT_BODY_MEMBERS: [&str; 7] = [
    "os",
    "devicetype",
    "deviceType",
    "osrelease",
    "fileSize",
    "associatedFileId",
    "importByContent",
];

/// Whether `map` is an import request body rather than a settings tree node: it has
/// neither `type` nor `category`, and at least one import-only member.
pub fn is_import_body(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    !map.contains_key("type")
        && !map.contains_key("category")
        && IMPORT_BODY_MEMBERS.iter().any(|k| map.contains_key(*k))
}
