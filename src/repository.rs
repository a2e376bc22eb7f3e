//! Checks of a profile or bundle against a repository snapshot: a saved
//! `GET /osImages` response (`--repository`), read by the same reader as
//! `delete-plan` ([`crate::api::delete::Inventory`]).
//!
//! - every file ID the profile names (`customizationOptions` of a bundle, the
//!   `predefined*FileIds` of `profile.json`) must be one of the profile's own custom
//!   files or a file of the same kind in the repository (`repository-missing-file`);
//! - the profile's OS and release must be an OS image of the repository
//!   (`repository-image-missing`);
//! - a custom file that the repository already holds under the same ID (bundles) or
//!   the same file name (profile directories) with another size is a warning
//!   (`repository-size-differs`). The repository gives sizes in KB (numbers) or as
//!   text (`454 MB`); sizes within one unit count as equal.
//!
//! One checker for both input forms: bundles and profile directories are first
//! turned into a [`Subject`].

use std::collections::BTreeSet;

use crate::api::delete::Inventory;
use crate::findings::{Finding, Rule};
use crate::json::Position;
use crate::kind::Kind;

/// Where a value was written: the file as shown, a JSON Pointer, a position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The file, as shown in findings.
    pub path: String,
    /// RFC 6901 pointer into it.
    pub pointer: Option<String>,
    /// Line and column, when known.
    pub position: Option<Position>,
}

impl Place {
    fn finding(&self, finding: Finding) -> Finding {
        let finding = match &self.pointer {
            Some(p) => finding.with_pointer(p.clone()),
            None => finding,
        };
        finding.at_opt(self.position)
    }
}

/// A file ID the profile names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The ID.
    pub id: String,
    /// The kind of the list it is in.
    pub kind: Kind,
    /// Where it is written.
    pub at: Place,
}

/// A custom file of the profile or bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFile {
    /// Its ID (bundles: `<timestamp>_<name>`); `None` before a build gives it one.
    pub id: Option<String>,
    /// Its file name.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// Its size in bytes.
    pub size: u64,
    /// The file as shown in findings.
    pub path: String,
}

/// What the checker needs to know of a profile or bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// The OS (`win`).
    pub os: Option<String>,
    /// The release (`2016`).
    pub release: Option<String>,
    /// The OS image it names (`win2016`), when it names one.
    pub os_image: Option<String>,
    /// Where the release is written.
    pub release_at: Place,
    /// The file IDs it names.
    pub references: Vec<Reference>,
    /// Its custom files.
    pub custom: Vec<CustomFile>,
}

/// Checks `subject` against the repository `inventory`, shown as `repository`.
pub fn check(inventory: &Inventory, subject: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    if let (Some(os), Some(release)) = (&subject.os, &subject.release) {
        let wanted = subject
            .os_image
            .clone()
            .unwrap_or_else(|| format!("{os}{release}"));
        let found = inventory.images.iter().any(|image| {
            let id = image.id.trim_end_matches('|');
            let name = image.name.as_deref().unwrap_or(id);
            id == wanted
                || name == wanted
                || ((name.starts_with(os.as_str()) || id.starts_with(os.as_str()))
                    && image
                        .releases
                        .iter()
                        .any(|r| crate::rules::same_release(r, release)))
        });
        if !found {
            let held: Vec<&str> = inventory.images.iter().map(|i| i.id.as_str()).collect();
            out.push(subject.release_at.finding(Finding::error(
                Rule::RepositoryImageMissing,
                &subject.release_at.path,
                format!(
                    "the repository holds no OS image for {os} {release} (no image \"{wanted}\", none named {os}... with osrelease {release}); it holds {}",
                    if held.is_empty() { "none".to_string() } else { held.join(", ") }
                ),
            )));
        }
    }
    let own: BTreeSet<&str> = subject
        .custom
        .iter()
        .filter_map(|c| c.id.as_deref())
        .collect();
    for r in &subject.references {
        if own.contains(r.id.as_str()) {
            continue;
        }
        let same_id: Vec<Kind> = inventory
            .files
            .iter()
            .filter(|f| f.id == r.id)
            .map(|f| f.kind)
            .collect();
        if same_id.contains(&r.kind) {
            continue;
        }
        let message = match same_id.first() {
            Some(other) => format!(
                "\"{}\" is a {} file in the repository, not a {} file",
                r.id,
                other.as_str(),
                r.kind.as_str()
            ),
            None => format!(
                "{} file \"{}\" is neither in the profile nor in the repository",
                r.kind.as_str(),
                r.id
            ),
        };
        out.push(r.at.finding(Finding::error(
            Rule::RepositoryMissingFile,
            &r.at.path,
            message,
        )));
    }
    for c in &subject.custom {
        for f in inventory.files.iter().filter(|f| f.kind == c.kind) {
            let same = match &c.id {
                Some(id) => &f.id == id,
                None => f.id.split_once('_').is_some_and(|(stamp, name)| {
                    name == c.name && stamp.bytes().all(|b| b.is_ascii_digit())
                }),
            };
            if !same {
                continue;
            }
            let Some(text) = &f.size else { continue };
            let Some((low, high)) = size_range(text) else {
                continue;
            };
            if c.size < low || c.size > high {
                out.push(Finding::warning(
                    Rule::RepositorySizeDiffers,
                    &c.path,
                    format!(
                        "the repository already holds {} file \"{}\" with size {text} ({}), but this file has {} bytes",
                        c.kind.as_str(),
                        f.id,
                        if text.chars().all(|ch| ch.is_ascii_digit()) { "KB" } else { "as given" },
                        c.size
                    ),
                ));
            }
        }
    }
    out
}

/// The byte range a repository size stands for: a number is KB; a text is a number
/// and a unit (B, KB, MB, GB). Within one unit either way.
pub fn size_range(text: &str) -> Option<(u64, u64)> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let unit = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "K" | "KB" | "KIB" => 1024.0,
        "B" => 1.0,
        "M" | "MB" | "MIB" => 1024.0 * 1024.0,
        "G" | "GB" | "GIB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    if !(0.0..=1e12).contains(&number) {
        return None;
    }
    let low = ((number - 1.0).max(0.0) * unit) as u64;
    let high = ((number + 1.0) * unit) as u64;
    Some((low, high))
}

/// The subject of a bundle, from its `metadata.json` (shown as `metadata_path`).
pub(crate) fn subject_of_bundle(
    metadata: &crate::bundle::metadata::Metadata,
    metadata_path: &str,
    bundle_display: &str,
) -> Subject {
    let at = |pointer: String| Place {
        path: metadata_path.to_string(),
        pointer: Some(pointer),
        position: None,
    };
    let mut references = Vec::new();
    for (kind, list_pointer, list) in metadata.customization_options.lists() {
        for (i, id) in list.iter().enumerate() {
            references.push(Reference {
                id: id.clone(),
                kind,
                at: at(format!("/customizationOptions{list_pointer}/{i}")),
            });
        }
    }
    let custom = metadata
        .files
        .iter()
        .map(|f| CustomFile {
            id: Some(f.id.clone()),
            name: f.name.clone(),
            kind: f.kind,
            size: f.size,
            path: format!("{bundle_display}/{}", f.path),
        })
        .collect();
    Subject {
        os: Some(metadata.os.clone()),
        release: Some(metadata.osrelease.clone()),
        os_image: Some(metadata.os_image.clone()),
        release_at: at("/osrelease".into()),
        references,
        custom,
    }
}

/// The subject of a profile directory `dir` (shown as `display`): the files a
/// bundle of it would hold.
pub(crate) fn subject_of_profile(
    dir: &std::path::Path,
    display: &str,
    excludes: &crate::profile::Excludes,
) -> Option<Subject> {
    use crate::profile;
    let loaded = profile::load(dir, display);
    let info = loaded.info?;
    let shown = profile::join_display(display, profile::PROFILE_FILE);
    let doc = loaded.doc.as_ref();
    let at = |pointer: String| Place {
        path: shown.clone(),
        position: doc.and_then(|d| d.position_of(&pointer)),
        pointer: Some(pointer),
    };
    let mut references = Vec::new();
    for (key, kind) in [
        ("predefinedDriverFileIds", Kind::Driver),
        ("predefinedBootFileIds", Kind::Boot),
        ("predefinedUnattendFileIds", Kind::Unattend),
    ] {
        for (i, id) in crate::json::strings(info.value.get(key))
            .into_iter()
            .enumerate()
        {
            references.push(Reference {
                id,
                kind,
                at: at(format!("/{key}/{i}")),
            });
        }
    }
    let custom = profile::members(dir, display, excludes)
        .files
        .into_iter()
        .filter_map(|f| {
            let size = std::fs::metadata(&f.path).ok()?.len();
            Some(CustomFile {
                id: None,
                name: f.name,
                kind: f.kind,
                size,
                path: f.display,
            })
        })
        .collect();
    Some(Subject {
        os: info.os.clone(),
        release: info.release.clone(),
        os_image: info
            .value
            .get("osImage")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string),
        release_at: at("/release".into()),
        references,
        custom,
    })
}

/// Checks a verified bundle (shown as `display`) against `inventory`: nothing when
/// its metadata could not be read (the bundle's own findings say why).
pub fn check_bundle(
    inventory: &Inventory,
    verified: &crate::bundle::Verified,
    display: &str,
) -> Vec<Finding> {
    let Some(value) = &verified.metadata else {
        return Vec::new();
    };
    let Ok(metadata) = serde_json::from_value::<crate::bundle::metadata::Metadata>(value.clone())
    else {
        return Vec::new();
    };
    let subject = subject_of_bundle(&metadata, &format!("{display}/metadata.json"), display);
    check(inventory, &subject)
}

/// Checks every profile directory among `paths` (as `check` finds them) against
/// `inventory`; loose files have no profile to check. Findings in report order.
pub fn check_profiles(
    paths: &[std::path::PathBuf],
    walk: &crate::check::walk::WalkOptions,
    inventory: &Inventory,
) -> crate::Result<Vec<Finding>> {
    use rayon::prelude::*;
    let targets = crate::check::walk::collect_with(paths, walk)?;
    let mut findings: Vec<Finding> = targets
        .targets
        .par_iter()
        .filter_map(|t| match t {
            crate::check::walk::Target::Profile { dir } => {
                subject_of_profile(dir, &crate::names::from_path(dir), &walk.excludes())
            }
            _ => None,
        })
        .flat_map_iter(|subject| check(inventory, &subject))
        .collect();
    crate::findings::sort_findings(&mut findings);
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO: &str = r#"{"items": [{"id": "win2016|", "name": "win2016", "osrelease": "2016", "profiles": []}],
      "bootdFiles": [{"id": "winpe-64-base", "type": "Predefined", "size": 480224}],
      "softwareFiles": [{"id": "2018012943447_jre.tar.gz", "type": "Custom", "size": 8596}],
      "unattendFiles": [{"id": "u-std", "type": "Predefined"}]}"#;

    fn subject() -> Subject {
        let at = |p: &str| Place {
            path: "p/profile.json".into(),
            pointer: Some(p.into()),
            position: None,
        };
        Subject {
            os: Some("win".into()),
            release: Some("2016".into()),
            os_image: None,
            release_at: at("/release"),
            references: vec![
                Reference {
                    id: "winpe-64-base".into(),
                    kind: Kind::Boot,
                    at: at("/predefinedBootFileIds/0"),
                },
                Reference {
                    id: "u-std".into(),
                    kind: Kind::Unattend,
                    at: at("/predefinedUnattendFileIds/0"),
                },
                Reference {
                    id: "u-missing".into(),
                    kind: Kind::Unattend,
                    at: at("/predefinedUnattendFileIds/1"),
                },
                Reference {
                    id: "winpe-64-base".into(),
                    kind: Kind::Driver,
                    at: at("/predefinedDriverFileIds/0"),
                },
            ],
            custom: vec![CustomFile {
                id: None,
                name: "jre.tar.gz".into(),
                kind: Kind::Software,
                size: 100,
                path: "p/software/jre.tar.gz".into(),
            }],
        }
    }

    #[test]
    fn missing_ids_images_and_sizes() {
        let inv = Inventory::from_slice(REPO.as_bytes(), "r.json").unwrap();
        let f = check(&inv, &subject());
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.rule, f.pointer.as_deref().unwrap_or(f.path.as_str())))
            .collect();
        assert_eq!(
            got,
            [
                (Rule::RepositoryMissingFile, "/predefinedUnattendFileIds/1"),
                (Rule::RepositoryMissingFile, "/predefinedDriverFileIds/0"),
                (Rule::RepositorySizeDiffers, "p/software/jre.tar.gz"),
            ]
        );
        assert!(f[0].message.contains("unattend file \"u-missing\""));
        assert!(f[1].message.contains("is a boot file"));
        let mut s = subject();
        s.release = Some("2019".into());
        s.references.clear();
        s.custom[0].size = 8596 * 1024 + 10;
        let f = check(&inv, &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, Rule::RepositoryImageMissing);
        assert!(f[0].message.contains("win2016|"));
    }

    #[test]
    fn sizes_are_ranges() {
        assert_eq!(size_range("2"), Some((1024, 3072)));
        assert_eq!(size_range("454 MB").map(|r| r.0), Some(453 * 1024 * 1024));
        assert_eq!(size_range("lots"), None);
        assert_eq!(size_range("1e400"), None);
        assert_eq!(size_range(""), None);
    }
}
