//! The LXCA delete planner: `DELETE /osImages/{images_list}` against an inventory.
//!
//! Guarantees: every piece of the list is looked at (one bad ID never hides another);
//! findings about the list point at the column of the piece in the list as given;
//! the request path is the list as given, each piece percent-encoded, commas literal;
//! `removes` is what the server would really remove (an image takes all of its
//! profiles; predefined files, unknown and rejected pieces remove nothing).
//!
//! Long: about 430 lines of one planning pass, then its tests; the pass reads best
//! whole.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::ids::{self, ListedId};
use super::inventory::{Inventory, Target};
use super::REQUEST;
use crate::findings::{sort_findings, Finding, Rule};
use crate::kind::Kind;

/// What one piece of the list names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedId {
    /// The piece as written.
    pub id: String,
    /// 1-based column of the piece in the list.
    pub column: usize,
    /// What the piece names.
    pub target: Named,
    /// For a file, its kind (`driver`, `boot`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
}

/// What one piece of a delete request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Named {
    /// An OS image.
    Image,
    /// A profile.
    Profile,
    /// A custom or predefined file.
    File,
    /// Nothing in the inventory.
    Unknown,
    /// An empty piece (`a,,b`).
    Empty,
    /// A piece given twice.
    Duplicate,
    /// Part of an inventory ID that holds a comma.
    CommaId,
}

/// Why a profile is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// The request lists it.
    Requested,
    /// Its image is removed.
    Image,
}

/// A profile the request removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedProfile {
    /// The profile ID.
    pub id: String,
    /// The image it belongs to.
    pub image: String,
    /// Listed itself, or taken with its image.
    pub via: Via,
}

/// A file the request removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedFile {
    /// The file ID.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
}

/// Everything the request would remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// OS images.
    pub images: Vec<String>,
    /// Profiles, listed and cascaded, in inventory order.
    pub profiles: Vec<RemovedProfile>,
    /// Custom files.
    pub files: Vec<RemovedFile>,
}

/// The plan of one LXCA delete request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LxcaPlan {
    /// Always `DELETE`.
    pub method: &'static str,
    /// The percent-encoded request path, `/osImages/...`.
    pub path: String,
    /// Every piece of the list, in order.
    pub ids: Vec<PlannedId>,
    /// What the request would remove.
    pub removes: Removal,
    /// Custom files referenced only by removed profiles: the request leaves them in
    /// the repository, unused.
    pub unreferenced_files: Vec<String>,
    /// Findings, in report order.
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

/// Plans `DELETE /osImages/{list}` against `inventory`; `inventory_path` names the
/// inventory in findings.
pub fn plan(list: &str, inventory: &Inventory, inventory_path: &str) -> LxcaPlan {
    let pieces = ids::parse_list(list);
    let mut findings = Vec::new();
    let mut planned: Vec<PlannedId> = pieces
        .iter()
        .map(|p| PlannedId {
            id: p.raw.clone(),
            column: p.column,
            target: Named::Unknown,
            kind: None,
        })
        .collect();

    let consumed = comma_ids(&pieces, inventory, &mut findings, &mut planned);

    // Resolve every piece.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut images: BTreeSet<usize> = BTreeSet::new();
    let mut profiles: Vec<(usize, usize, usize)> = Vec::new(); // image, profile, piece
    let mut files: Vec<(usize, usize)> = Vec::new(); // file, piece
    for (n, piece) in pieces.iter().enumerate() {
        if consumed.contains(&n) {
            continue;
        }
        let id = piece.trimmed();
        if id.is_empty() {
            planned[n].target = Named::Empty;
            findings.push(at(
                Finding::error(Rule::DeleteEmptyId, REQUEST, empty_message(list, piece)),
                piece,
            ));
            continue;
        }
        if piece.is_padded() {
            findings.push(at(
                Finding::error(
                    Rule::DeleteIdWhitespace,
                    REQUEST,
                    format!(
                        "\"{}\" has whitespace around it, which would be sent as {}; write \"{id}\"",
                        piece.raw,
                        ids::encode_id(&piece.raw)
                    ),
                ),
                piece,
            ));
        }
        if let Some(&first) = seen.get(id) {
            planned[n].target = Named::Duplicate;
            findings.push(at(
                Finding::error(
                    Rule::DeleteDuplicateId,
                    REQUEST,
                    format!(
                        "\"{id}\" is listed twice (first at column {})",
                        pieces[first].column
                    ),
                ),
                piece,
            ));
            continue;
        }
        seen.insert(id, n);
        match inventory.find(id) {
            None => {
                findings.push(at(
                    Finding::error(
                        Rule::DeleteUnknownId,
                        REQUEST,
                        format!(
                            "\"{id}\" is not an OS image, profile or file of the inventory{}",
                            unknown_hint(id, inventory)
                        ),
                    ),
                    piece,
                ));
            }
            Some(Target::Image(image)) => {
                planned[n].target = Named::Image;
                if let Some(i) = inventory.images.iter().position(|x| std::ptr::eq(x, image)) {
                    images.insert(i);
                }
            }
            Some(Target::Profile(image, profile)) => {
                planned[n].target = Named::Profile;
                let i = inventory.images.iter().position(|x| std::ptr::eq(x, image));
                let j = image.profiles.iter().position(|x| std::ptr::eq(x, profile));
                if let (Some(i), Some(j)) = (i, j) {
                    profiles.push((i, j, n));
                }
            }
            Some(Target::File(file)) => {
                planned[n].target = Named::File;
                planned[n].kind = Some(file.kind);
                if file.is_predefined() {
                    let where_ = inventory
                        .position(&file.at)
                        .map(|p| format!(" (inventory line {})", p.line))
                        .unwrap_or_default();
                    findings.push(at(
                        Finding::error(
                            Rule::DeletePredefined,
                            REQUEST,
                            format!(
                                "\"{id}\" is a predefined {} file{where_}: LXCA preloaded it and it cannot be removed",
                                file.kind.as_str()
                            ),
                        ),
                        piece,
                    ));
                } else if let Some(k) = inventory.files.iter().position(|x| std::ptr::eq(x, file)) {
                    files.push((k, n));
                }
            }
        }
    }

    // An image with one of its own profiles.
    for &(i, j, n) in &profiles {
        if images.contains(&i) {
            let image = &inventory.images[i];
            let image_piece = seen.get(image.id.as_str()).map_or(0, |&m| pieces[m].column);
            findings.push(at(
                Finding::error(
                    Rule::DeleteMixedImageProfile,
                    REQUEST,
                    format!(
                        "profile \"{}\" belongs to image \"{}\" (column {image_piece}), which the same request deletes with all of its profiles; list either the image or its profiles",
                        image.profiles[j].id, image.id
                    ),
                ),
                &pieces[n],
            ));
        }
    }

    // The cascade.
    let mut removes = Removal::default();
    let mut removed_profiles: HashSet<(usize, usize)> = HashSet::new();
    for (i, image) in inventory.images.iter().enumerate() {
        if images.contains(&i) {
            removes.images.push(image.id.clone());
        }
        for (j, profile) in image.profiles.iter().enumerate() {
            let via = if images.contains(&i) {
                Via::Image
            } else if profiles.iter().any(|&(a, b, _)| (a, b) == (i, j)) {
                Via::Requested
            } else {
                continue;
            };
            removed_profiles.insert((i, j));
            removes.profiles.push(RemovedProfile {
                id: profile.id.clone(),
                image: image.id.clone(),
                via,
            });
        }
    }
    files.sort_unstable();
    let removed_files: HashSet<&str> = files
        .iter()
        .map(|&(k, _)| inventory.files[k].id.as_str())
        .collect();
    for &(k, _) in &files {
        let file = &inventory.files[k];
        removes.files.push(RemovedFile {
            id: file.id.clone(),
            kind: file.kind,
        });
    }

    // Kept profiles that still reference a removed file.
    let mut referenced_by_kept: HashSet<&str> = HashSet::new();
    let mut referenced_by_removed: Vec<(&str, Kind)> = Vec::new();
    for (i, image) in inventory.images.iter().enumerate() {
        for (j, profile) in image.profiles.iter().enumerate() {
            let removed = removed_profiles.contains(&(i, j));
            for reference in &profile.references {
                if removed {
                    referenced_by_removed.push((&reference.file_id, reference.kind));
                    continue;
                }
                referenced_by_kept.insert(&reference.file_id);
                if removed_files.contains(reference.file_id.as_str()) {
                    let column = files
                        .iter()
                        .find(|&&(k, _)| inventory.files[k].id == reference.file_id)
                        .map_or(0, |&(_, n)| pieces[n].column);
                    findings.push(
                        Finding::warning(
                            Rule::DeleteStillReferenced,
                            inventory_path,
                            format!(
                                "custom {} file \"{}\", which the request deletes (column {column} of the list), is still referenced by profile \"{}\", which the request keeps",
                                reference.kind.as_str(),
                                reference.file_id,
                                profile.id
                            ),
                        )
                        .with_pointer(reference.at.pointer.clone())
                        .at_opt(inventory.position(&reference.at)),
                    );
                }
            }
        }
    }
    let mut unreferenced = Vec::new();
    for (file_id, _) in referenced_by_removed {
        let custom = inventory
            .files
            .iter()
            .any(|f| f.id == file_id && !f.is_predefined());
        if custom
            && !referenced_by_kept.contains(file_id)
            && !removed_files.contains(file_id)
            && !unreferenced.iter().any(|u: &String| u == file_id)
        {
            unreferenced.push(file_id.to_string());
        }
    }

    sort_findings(&mut findings);
    let raws: Vec<&str> = pieces.iter().map(|p| p.raw.as_str()).collect();
    LxcaPlan {
        method: "DELETE",
        path: ids::request_path(&raws),
        ids: planned,
        removes,
        unreferenced_files: unreferenced,
        findings,
    }
}

fn at(finding: Finding, piece: &ListedId) -> Finding {
    finding.at(1, piece.column)
}

fn empty_message(list: &str, piece: &ListedId) -> String {
    if list.trim().is_empty() {
        "the ID list is empty; give one or more IDs separated by commas".to_string()
    } else if piece.column == 1 {
        "empty ID: the list starts with a comma".to_string()
    } else if piece.column > list.chars().count() {
        "empty ID: the list ends with a comma".to_string()
    } else {
        "empty ID between two commas".to_string()
    }
}

/// Pieces that together spell an inventory ID holding a comma: reported once, and not
/// looked up one by one.
fn comma_ids(
    pieces: &[ListedId],
    inventory: &Inventory,
    findings: &mut Vec<Finding>,
    planned: &mut [PlannedId],
) -> HashSet<usize> {
    let mut consumed = HashSet::new();
    for id in inventory.all_ids() {
        if !id.contains(',') {
            continue;
        }
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() > pieces.len() {
            continue;
        }
        for start in 0..=pieces.len() - parts.len() {
            let window = &pieces[start..start + parts.len()];
            let matches = window.iter().zip(&parts).all(|(p, part)| p.raw == *part);
            let span = start..start + parts.len();
            if matches && !span.clone().any(|k| consumed.contains(&k)) {
                for (k, p) in planned.iter_mut().enumerate().skip(start).take(parts.len()) {
                    consumed.insert(k);
                    p.target = Named::CommaId;
                }
                findings.push(at(
                    Finding::error(
                        Rule::DeleteIdContainsComma,
                        REQUEST,
                        format!(
                            "\"{id}\" holds a comma; the server would split it into {} IDs (\"{}\"), and encoding the comma does not help",
                            parts.len(),
                            parts.join("\", \"")
                        ),
                    ),
                    &pieces[start],
                ));
            }
        }
    }
    consumed
}

fn unknown_hint(id: &str, inventory: &Inventory) -> String {
    if let Some(decoded) = ids::decoded(id) {
        if inventory.find(&decoded).is_some() {
            return format!(
                "; it looks percent-encoded: give it as \"{decoded}\" (osbundle encodes the path itself)"
            );
        }
    }
    let with_bar = format!("{id}|");
    if inventory.images.iter().any(|i| i.id == with_bar) {
        return format!("; did you mean the image \"{with_bar}\"? Image IDs end in a bar");
    }
    let all = inventory.all_ids();
    if let Some(same) = all.iter().find(|c| c.eq_ignore_ascii_case(id)) {
        return format!("; did you mean \"{same}\"? IDs are case-sensitive");
    }
    crate::suggest::did_you_mean(id, &all)
        .map(|c| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INV: &str = r#"{"items": [
  {"id": "win2016|", "profiles": [
    {"id": "win2016|dc", "customizationOptions": {
      "installScriptOptions": {"scriptFileIds": ["s1"]},
      "unattendOptions": {"unattendFileIds": ["u1"]}}},
    {"id": "win2016|std", "customizationOptions": {
      "installScriptOptions": {"scriptFileIds": ["s1"]}}}]},
  {"id": "sles12|", "profiles": [{"id": "sles12|basic"}]}],
 "installScriptFiles": [{"id": "s1", "type": "Custom"}, {"id": "a,b.sh", "type": "custom"}],
 "unattendFiles": [{"id": "u1", "type": "custom"}],
 "driverFiles": [{"id": "pre", "type": "Predefined"}]}"#;

    fn inv() -> Inventory {
        Inventory::from_slice(INV.as_bytes(), "inv.json").unwrap()
    }

    fn rules(plan: &LxcaPlan) -> Vec<(&'static str, Option<usize>)> {
        plan.findings
            .iter()
            .map(|f| (f.rule.as_str(), f.column))
            .collect()
    }

    #[test]
    fn image_cascades_to_all_profiles() {
        let plan = plan("win2016|", &inv(), "inv.json");
        assert!(plan.findings.is_empty(), "{:?}", plan.findings);
        assert_eq!(plan.path, "/osImages/win2016%7C");
        assert_eq!(plan.removes.images, ["win2016|"]);
        let p: Vec<_> = plan
            .removes
            .profiles
            .iter()
            .map(|p| (p.id.as_str(), p.via))
            .collect();
        assert_eq!(p, [("win2016|dc", Via::Image), ("win2016|std", Via::Image)]);
        assert_eq!(plan.unreferenced_files, ["s1", "u1"]);
    }

    #[test]
    fn each_mistake_has_its_rule_and_column() {
        let plan = plan(
            "win2016|,win2016|dc,,nope,pre, sles12|basic,sles12|basic",
            &inv(),
            "inv.json",
        );
        assert_eq!(
            rules(&plan),
            [
                ("delete-mixed-image-profile", Some(10)),
                ("delete-empty-id", Some(21)),
                ("delete-unknown-id", Some(22)),
                ("delete-predefined", Some(27)),
                ("delete-id-whitespace", Some(31)),
                ("delete-duplicate-id", Some(45)),
            ]
        );
        assert_eq!(plan.removes.profiles.len(), 3);
        assert!(plan.removes.files.is_empty());
    }

    #[test]
    fn still_referenced_points_into_the_inventory() {
        let plan = plan("win2016|dc,s1,u1", &inv(), "inv.json");
        assert_eq!(rules(&plan).len(), 1, "{:?}", plan.findings);
        let f = &plan.findings[0];
        assert_eq!(f.rule, Rule::DeleteStillReferenced);
        assert_eq!(f.path, "inv.json");
        assert_eq!(
            f.pointer.as_deref(),
            Some("/items/0/profiles/1/customizationOptions/installScriptOptions/scriptFileIds/0")
        );
        assert!(f.message.contains("win2016|std"));
        let files: Vec<_> = plan.removes.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(files, ["s1", "u1"]);
    }

    #[test]
    fn comma_ids_and_hints() {
        let plan = plan("a,b.sh", &inv(), "inv.json");
        assert_eq!(rules(&plan), [("delete-id-contains-comma", Some(1))]);
        assert_eq!(plan.path, "/osImages/a,b.sh");
        let plan = plan_hint("win2016%7Cdc");
        assert!(plan.contains("percent-encoded"), "{plan}");
        assert!(plan_hint("win2016").contains("\"win2016|\""));
        assert!(plan_hint("WIN2016|DC").contains("case-sensitive"));
        assert_eq!(
            super::plan("", &inv(), "i").findings[0].rule,
            Rule::DeleteEmptyId
        );
    }

    fn plan_hint(id: &str) -> String {
        super::plan(id, &inv(), "i").findings[0].message.clone()
    }
}
