//! A saved `GET /osImages` response (reference 003), read as an inventory: OS images
//! with their profiles and the files each profile's `customizationOptions` references,
//! and the file lists (`driverFiles`, `bootFiles`, ...) with their `type`.
//!
//! Reading is tolerant of what the reference shows: `bootdFiles` (the reference's
//! misspelling) counts as `bootFiles`; `type` is compared case-insensitively
//! (`"Predefined"`); `customizationOptions` may be `null` and its children empty
//! strings; `unattendOptions` may be an object or an array of objects. Entries without
//! a string `id` are skipped. Only a document that is not JSON, or not an object with
//! an `items` array, is an error: the planner cannot work without it.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::json::{join_pointer, Document, LineIndex, Position};
use crate::kind::Kind;

/// The file lists of a `GET /osImages` response and the kind each holds.
pub(crate) const FILE_LISTS: [(&str, Kind); 8] = [
    ("driverFiles", Kind::Driver),
    ("bootFiles", Kind::Boot),
    ("bootdFiles", Kind::Boot),
    ("customConfigFiles", Kind::Config),
    ("installScriptFiles", Kind::Script),
    ("softwareFiles", Kind::Software),
    ("unattendFiles", Kind::Unattend),
    ("bundleFiles", Kind::Bundle),
];

/// Where a profile's `customizationOptions` lists file IDs: (option, member, kind).
pub(crate) const REFERENCE_FIELDS: [(&str, &str, Kind); 6] = [
    ("driverOptions", "driverFileIds", Kind::Driver),
    ("bootOptions", "bootFileIds", Kind::Boot),
    ("customConfigOptions", "customConfigFileIds", Kind::Config),
    ("installScriptOptions", "scriptFileIds", Kind::Script),
    ("customSoftwareOptions", "customSoftwareIds", Kind::Software),
    ("unattendOptions", "unattendFileIds", Kind::Unattend),
];

/// A located inventory element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// RFC 6901 pointer into the inventory.
    pub pointer: String,
    /// The byte offset where it starts in the inventory's text; turned into a line
    /// and column by [`Inventory::position`] only when a finding needs it.
    pub offset: Option<usize>,
}

/// An OS image (`items[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Its ID, such as `win2016|`.
    pub id: String,
    /// Its `profiles`.
    pub profiles: Vec<Profile>,
    /// Where its `id` is.
    pub at: Located,
    /// Its `name` (`win2016`), when given.
    pub name: Option<String>,
    /// Its `osrelease` and `supportedOsRelease` (`2016`), when given.
    pub releases: Vec<String>,
}

/// An OS-image profile (`items[].profiles[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Its ID, such as `win2016|win2016-x86_64-install-Datacenter`.
    pub id: String,
    /// Its `type` (`custom`, `predefined`), when given.
    pub profile_type: Option<String>,
    /// The file IDs its `customizationOptions` references, in document order.
    pub references: Vec<Reference>,
    /// Where its `id` is.
    pub at: Located,
}

/// One file ID in a profile's `customizationOptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referenced file ID.
    pub file_id: String,
    /// The kind the option holds.
    pub kind: Kind,
    /// Where the ID string is.
    pub at: Located,
}

/// A file of one of the file lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Its ID, such as `2018012943447_jre-8u151-linux-x64.tar.gz`.
    pub id: String,
    /// The list it is in.
    pub kind: Kind,
    /// Its `type` as written (`custom`, `Predefined`, ...), when given.
    pub file_type: Option<String>,
    /// Where the entry (the object) is.
    pub at: Located,
    /// Its `size` as written (KB as a number, or a text such as `454 MB`), when given.
    pub size: Option<String>,
}

impl FileEntry {
    /// Whether the file was preloaded by LXCA (`type` is "predefined", any case).
    pub fn is_predefined(&self) -> bool {
        self.file_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("predefined"))
    }
}

/// Everything the planner needs from a `GET /osImages` response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// OS images, in document order.
    pub images: Vec<Image>,
    /// Files of all lists, in list order, then document order.
    pub files: Vec<FileEntry>,
    lines: LineIndex,
}

/// What an ID names in the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// An OS image.
    Image(&'a Image),
    /// A profile and the image it belongs to.
    Profile(&'a Image, &'a Profile),
    /// A file.
    File(&'a FileEntry),
}

impl Inventory {
    /// Reads an inventory file (`-` is standard input).
    pub fn load(path: &Path) -> Result<Inventory> {
        let bytes = crate::input::read_path(path)?;
        Inventory::from_slice(&bytes, &crate::names::from_path(path))
    }

    /// Reads an inventory from bytes; `display` names it in errors.
    pub fn from_slice(bytes: &[u8], display: &str) -> Result<Inventory> {
        let doc = Document::parse(bytes).map_err(|e| Error::json(display, e))?;
        Inventory::from_document(&doc).map_err(|message| Error::Inventory {
            path: display.into(),
            message,
        })
    }

    /// Reads an inventory from a parsed document.
    pub fn from_document(doc: &Document) -> std::result::Result<Inventory, String> {
        let Value::Object(root) = doc.value() else {
            return Err(format!(
                "expected a saved GET /osImages response (an object with \"items\"), got {}",
                crate::json::type_name(doc.value())
            ));
        };
        let Some(Value::Array(items)) = root.get("items") else {
            return Err(
                "not a GET /osImages response: it has no \"items\" array of OS images".into(),
            );
        };
        let locate = |pointer: String| Located {
            offset: doc.offset_of(&pointer),
            pointer,
        };
        let mut inventory = Inventory {
            lines: LineIndex::new(doc.text()),
            ..Inventory::default()
        };
        for (i, item) in items.iter().enumerate() {
            let Some(id) = item.get("id").and_then(Value::as_str) else {
                continue;
            };
            let base = format!("/items/{i}");
            let mut image = Image {
                id: id.to_string(),
                profiles: Vec::new(),
                at: locate(format!("{base}/id")),
                name: item.get("name").and_then(Value::as_str).map(str::to_string),
                releases: ["osrelease", "supportedOsRelease"]
                    .iter()
                    .filter_map(|k| item.get(*k).and_then(Value::as_str))
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .collect(),
            };
            let profiles = item.get("profiles").and_then(Value::as_array);
            for (j, profile) in profiles.into_iter().flatten().enumerate() {
                let Some(id) = profile.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let base = format!("{base}/profiles/{j}");
                let mut references = Vec::new();
                if let Some(Value::Object(options)) = profile.get("customizationOptions") {
                    let base = format!("{base}/customizationOptions");
                    for (option, member, kind) in REFERENCE_FIELDS {
                        let base = join_pointer(&base, option);
                        let holders: Vec<(String, &Value)> = match options.get(option) {
                            Some(Value::Array(list)) => list
                                .iter()
                                .enumerate()
                                .map(|(k, v)| (format!("{base}/{k}"), v))
                                .collect(),
                            Some(v @ Value::Object(_)) => vec![(base.clone(), v)],
                            _ => Vec::new(),
                        };
                        for (holder_pointer, holder) in holders {
                            let Some(Value::Array(ids)) = holder.get(member) else {
                                continue;
                            };
                            for (k, file_id) in ids.iter().enumerate() {
                                if let Some(file_id) = file_id.as_str() {
                                    references.push(Reference {
                                        file_id: file_id.to_string(),
                                        kind,
                                        at: locate(format!(
                                            "{}/{k}",
                                            join_pointer(&holder_pointer, member)
                                        )),
                                    });
                                }
                            }
                        }
                    }
                }
                image.profiles.push(Profile {
                    id: id.to_string(),
                    profile_type: profile
                        .get("type")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    references,
                    at: locate(format!("{base}/id")),
                });
            }
            inventory.images.push(image);
        }
        for (list, kind) in FILE_LISTS {
            let Some(Value::Array(files)) = root.get(list) else {
                continue;
            };
            for (i, file) in files.iter().enumerate() {
                let Some(id) = file.get("id").and_then(Value::as_str) else {
                    continue;
                };
                inventory.files.push(FileEntry {
                    id: id.to_string(),
                    kind,
                    file_type: file.get("type").and_then(Value::as_str).map(str::to_string),
                    at: locate(format!("/{list}/{i}")),
                    size: match file.get("size") {
                        Some(Value::Number(n)) => Some(n.to_string()),
                        Some(Value::String(t)) => Some(t.clone()),
                        _ => None,
                    },
                });
            }
        }
        Ok(inventory)
    }

    /// The line and column of a located element.
    pub fn position(&self, at: &Located) -> Option<Position> {
        at.offset.map(|o| self.lines.position(o))
    }

    /// What `id` names: an image first, then a profile, then a file.
    pub fn find(&self, id: &str) -> Option<Target<'_>> {
        if let Some(image) = self.images.iter().find(|i| i.id == id) {
            return Some(Target::Image(image));
        }
        for image in &self.images {
            if let Some(profile) = image.profiles.iter().find(|p| p.id == id) {
                return Some(Target::Profile(image, profile));
            }
        }
        self.files.iter().find(|f| f.id == id).map(Target::File)
    }

    /// Every ID the inventory knows (images, profiles, files), for suggestions.
    pub fn all_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for image in &self.images {
            ids.push(&image.id);
            ids.extend(image.profiles.iter().map(|p| p.id.as_str()));
        }
        ids.extend(self.files.iter().map(|f| f.id.as_str()));
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
  "items": [{"id": "win2016|", "profiles": [
    {"id": "win2016|a", "type": "predefined", "customizationOptions": {
      "bootOptions": {"bootFileIds": ["winpe"]},
      "unattendOptions": [{"unattendFileIds": ["u1"]}],
      "customConfigOptions": "",
      "driverOptions": {"driverFileIds": ["d1", 7]}}},
    {"id": "win2016|b", "customizationOptions": null},
    {"name": "no id"}]}],
  "bootdFiles": [{"id": "winpe", "type": "Predefined"}],
  "unattendFiles": [{"id": "u1", "type": "Custom"}],
  "bundleFiles": [{"id": "bundle"}]
}"#;

    #[test]
    fn reads_images_profiles_references_and_files() {
        let inv = Inventory::from_slice(SMALL.as_bytes(), "inv.json").unwrap();
        assert_eq!(inv.images.len(), 1);
        let profiles = &inv.images[0].profiles;
        assert_eq!(profiles.len(), 2);
        let refs: Vec<_> = profiles[0]
            .references
            .iter()
            .map(|r| (r.file_id.as_str(), r.kind))
            .collect();
        assert_eq!(
            refs,
            [
                ("d1", Kind::Driver),
                ("winpe", Kind::Boot),
                ("u1", Kind::Unattend)
            ]
        );
        assert_eq!(
            profiles[0].references[2].at.pointer,
            "/items/0/profiles/0/customizationOptions/unattendOptions/0/unattendFileIds/0"
        );
        let at = &profiles[0].references[2].at;
        assert_eq!(
            inv.position(at),
            Some(Position {
                line: 5,
                column: 48
            })
        );
        // The line index agrees with the document's own positions everywhere.
        let doc = Document::parse(SMALL.as_bytes()).unwrap();
        let mut all: Vec<&Located> = vec![&inv.images[0].at];
        all.extend(profiles.iter().map(|p| &p.at));
        all.extend(
            profiles
                .iter()
                .flat_map(|p| p.references.iter().map(|r| &r.at)),
        );
        all.extend(inv.files.iter().map(|f| &f.at));
        for at in all {
            assert_eq!(
                inv.position(at),
                doc.position_of(&at.pointer),
                "{}",
                at.pointer
            );
        }
        assert_eq!(inv.files.len(), 3);
        assert!(inv.files[0].is_predefined());
        assert!(!inv.files[1].is_predefined());
        assert!(!inv.files[2].is_predefined());
        assert!(matches!(inv.find("win2016|"), Some(Target::Image(_))));
        assert!(
            matches!(inv.find("win2016|b"), Some(Target::Profile(_, p)) if p.id == "win2016|b")
        );
        assert!(matches!(inv.find("u1"), Some(Target::File(f)) if f.kind == Kind::Unattend));
        assert_eq!(inv.find("nope"), None);
    }

    #[test]
    fn invalid_json_is_an_error_with_position() {
        let err = Inventory::from_slice(b"{\n  \"items\": [,]\n}", "inv.json").unwrap_err();
        match err {
            Error::Json { line, column, .. } => assert_eq!((line, column), (2, 13)),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            Inventory::from_slice(b"[]", "x").unwrap_err(),
            Error::Inventory { .. }
        ));
        assert!(matches!(
            Inventory::from_slice(b"{\"result\": \"success\"}", "x").unwrap_err(),
            Error::Inventory { .. }
        ));
    }
}
