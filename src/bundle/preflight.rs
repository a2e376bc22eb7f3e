//! What a bundle reader would refuse in what `build` writes for a profile, judged
//! before it is written: the bundle's file name and its `metadata.json` (rendered
//! by [`super::metadata`] at the widest timestamp and sizes). The profile's plan asks
//! this through [`super::HOOKS`], for `check` and `build` alike.

use super::format;
use super::limits::{show_size, METADATA_MAX};
use super::metadata::{from_profile, to_bytes};
use crate::findings::{Finding, Rule};
use crate::profile::{PlannedFile, ProfileInfo};

/// What a bundle reader would find wrong with what `build` writes for `profile`
/// with `files` (named `fallback_name` when profile.json names none), as
/// `profile-invalid` errors on `profile_json` (the path shown): the bundle's file
/// name, and its `metadata.json` against the metadata schema, the JSON reader's
/// nesting limit and the 8 MiB size limit of `metadata.json`. The profile's plan
/// (`crate::profile::plan`, through [`crate::bundle::HOOKS`]) calls this for
/// `check` and `build` alike, so that a profile `check` passes gives a bundle that
/// `verify` reads. It is judged at the longest timestamp and at the sizes `files`
/// carry, which the plan makes the largest (`u64::MAX`), so the answer does not
/// depend on `SOURCE_DATE_EPOCH` or on the files' contents.
pub(crate) fn findings(
    profile: &ProfileInfo,
    fallback_name: &str,
    files: &[PlannedFile],
    profile_json: &str,
) -> Vec<Finding> {
    let error = |message: String| Finding::error(Rule::ProfileInvalid, profile_json, message);
    let name = profile.name.as_deref().unwrap_or(fallback_name);
    let bundle_name = format::bundle_file_name(format::MAX_EPOCH, name);
    if let Some(problem) = crate::names::name_problem(bundle_name.as_bytes()).or_else(|| {
        bundle_name
            .contains('/')
            .then(|| "a slash in it".to_string())
    }) {
        return vec![error(format!(
            "the profile name \"{name}\" gives an unusable bundle file name: {problem}"
        ))];
    }
    let bytes = to_bytes(&from_profile(
        profile,
        fallback_name,
        format::MAX_EPOCH,
        files,
    ));
    if bytes.len() as u64 > METADATA_MAX {
        return vec![error(format!(
            "the bundle's metadata.json would be {} bytes, more than the {} bundle readers \
             accept: shorten description or installationOptions",
            bytes.len(),
            show_size(METADATA_MAX)
        ))];
    }
    crate::schemas::METADATA
        .check(&bytes, format::METADATA)
        .findings
        .into_iter()
        .filter(|f| f.severity == crate::findings::Severity::Error)
        .map(|f| {
            let at = f.pointer.map(|p| format!(" (at {p})")).unwrap_or_default();
            error(format!(
                "the bundle's metadata.json would not verify{at}: {}",
                f.message
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn metadata_past_the_reader_limits_is_a_profile_finding() {
        let info = |value: Value| ProfileInfo {
            name: Some("p".into()),
            os: Some("win".into()),
            release: Some("2016".into()),
            platforms: vec![],
            value,
        };
        let ok = info(serde_json::json!({"name": "p", "os": "win", "release": "2016"}));
        assert!(findings(&ok, "p", &[], "p/profile.json").is_empty());
        let big = "x".repeat(METADATA_MAX as usize);
        let big = info(
            serde_json::json!({"name": "p", "os": "win", "release": "2016", "description": big}),
        );
        let f = findings(&big, "p", &[], "p/profile.json");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, Rule::ProfileInvalid);
        assert!(f[0].message.contains("8 MiB"), "{f:?}");
        let mut deep = Value::Array(vec![]);
        for _ in 0..124 {
            deep = Value::Array(vec![deep]);
        }
        let deep = info(
            serde_json::json!({"name": "p", "os": "win", "release": "2016", "installationOptions": {"a": deep}}),
        );
        let f = findings(&deep, "p", &[], "p/profile.json");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("recursion"), "{f:?}");
    }

    /// `build` writes `<timestamp>_<name>.tar.gz`: a name that gives no usable file
    /// name is refused ahead, whatever the timestamp (the longest is judged).
    #[test]
    fn a_name_that_gives_an_unusable_bundle_file_name_is_a_profile_finding() {
        let info = |name: &str| ProfileInfo {
            name: Some(name.into()),
            os: Some("win".into()),
            release: Some("2016".into()),
            platforms: vec![],
            value: serde_json::json!({"name": name, "os": "win", "release": "2016"}),
        };
        for name in ["a:b", "a/b", "a\\b", &"n".repeat(250)] {
            let f = findings(&info(name), "p", &[], "p/profile.json");
            assert_eq!(f.len(), 1, "{name}: {f:?}");
            assert_eq!(f[0].rule, Rule::ProfileInvalid);
            assert!(f[0].message.contains("unusable bundle file name"), "{f:?}");
        }
        // The longest name profile.json allows, at the widest timestamp.
        assert!(findings(&info(&"n".repeat(200)), "p", &[], "p/profile.json").is_empty());
    }
}
