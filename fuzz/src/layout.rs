//! Completes entries into an osbundle layout (`docs/FORMAT.md`): `metadata.json`
//! first, the custom files in their kind folders, `SHA256SUMS`, `CHECKSUM` last.
//!
//! Everything the format defines is written by the library's own code: the
//! metadata by `bundle::metadata::from_profile` and `to_bytes`, the manifest lines
//! by `bundle::format::manifest_line`, the ledger by `bundle::format::Ledger` and
//! `checksum_text`. Only the tar headers around them come from [`crate::tar`], in
//! any dialect, so that a bundle is valid whatever header form carries it.

use arbitrary::Arbitrary;
use osbundle::internals::bundle::format::{self, Ledger};
use osbundle::internals::bundle::metadata::{self, Metadata};
use osbundle::profile::{PlannedFile, ProfileInfo};
use osbundle::rules::RuleSet;
use osbundle::Kind;
use serde_json::json;

use crate::names::{Folder, NameClass};
use crate::sha256;
use crate::tar::{self, Dialect, Ending, EntrySpec, Expected, Extension, Mode, Number, TypeFlag};

/// The kind folders, indexed like [`Kind::ALL`].
pub const KIND_FOLDERS: [&str; 7] = [
    "drivers", "boot", "config", "scripts", "software", "unattend", "bundles",
];

/// Profile names (the schema allows `[A-Za-z0-9][A-Za-z0-9._-]*`).
const PROFILE_NAMES: &[&str] = &[
    "Custom-2016-datacenter-profile",
    "web",
    "rhels75_custom",
    "x",
    "a.b-c",
];

/// How one of the format's own entries is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub struct Style {
    /// Number encoding of its header.
    pub number: Number,
    /// Extension headers (a pax `path` record, a GNU long name, ...).
    pub extension: Extension,
    /// Its mode.
    pub mode: Mode,
}

/// One thing wrong with an otherwise valid bundle. Every defect must give at least
/// one error finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Defect {
    /// `metadata.json` is not the first entry.
    MetadataNotFirst,
    /// No `metadata.json`.
    NoMetadata,
    /// No `SHA256SUMS`.
    NoManifest,
    /// No `CHECKSUM`.
    NoChecksum,
    /// A manifest line left out.
    ManifestLineMissing(u8),
    /// A manifest digest that differs.
    ManifestWrongDigest(u8),
    /// A manifest line for an entry that is not there.
    ManifestExtraLine,
    /// A manifest line twice.
    ManifestDuplicateLine(u8),
    /// A manifest line that is not a `sha256sum` line.
    ManifestBadLine,
    /// `CHECKSUM` with another ledger digest.
    ChecksumWrong,
    /// `CHECKSUM` that is not `sha256-ledger-v1 <hex>\n`.
    ChecksumMalformed(u8),
    /// An entry after `CHECKSUM`.
    EntryAfterChecksum,
    /// A file listed by metadata and manifest but not in the archive.
    FileMissing(u8),
    /// A file in a kind folder, in the manifest, not in the metadata.
    FileUnlisted,
    /// A top-level file, listed in the manifest: not part of the format.
    OtherEntry,
    /// `files[i].size` off by one.
    WrongSize(u8),
    /// `files[i].id` not `<timestamp>_<name>`.
    WrongId(u8),
    /// `files[i].path` not `<kind folder>/<name>`.
    WrongPath(u8),
    /// A custom ID in `customizationOptions` that no file has.
    DanglingCustomId,
    /// A file's ID missing from its `customizationOptions` list.
    MissingFromOptions(u8),
    /// `metadata.json` cut short: not JSON.
    MetadataNotJson(u8),
    /// `metadata.json` breaking its schema.
    MetadataSchema(u8),
    /// A header field changed after the ledger was computed.
    HeaderChanged(u8),
    /// A data byte changed after every digest was computed.
    DataChanged(u8, u8),
}

/// The layout around the entries.
#[derive(Debug, Clone, Arbitrary)]
pub struct LayoutSpec {
    /// OS, picked from the embedded rules (or unknown).
    pub os: u8,
    /// Release, picked from the OS's releases.
    pub release: u8,
    /// Profile name.
    pub name: u8,
    /// `SOURCE_DATE_EPOCH`.
    pub epoch: u32,
    /// Predefined boot file IDs in the profile.
    pub predefined_boot: bool,
    /// How `metadata.json`, `SHA256SUMS` and `CHECKSUM` are written.
    pub styles: [Style; 3],
    /// Manifest lines with `sha256sum`'s binary marker (` *name`).
    pub binary_marker: bool,
    /// The one thing wrong, if any.
    pub defect: Option<Defect>,
}

struct Piece {
    name: Vec<u8>,
    header: Vec<u8>,
    data: Vec<u8>,
    expected: Expected,
    plain: bool,
    safe: bool,
}

impl Piece {
    fn new(spec: &EntrySpec, name: Vec<u8>, data: Vec<u8>, dialect: Dialect) -> Piece {
        let (header, expected, plain) = tar::entry_header(spec, &name, data.len() as u64, dialect);
        let safe = safe(spec, &name, dialect);
        Piece {
            name,
            header,
            data,
            expected,
            plain,
            safe,
        }
    }
}

/// A conservative, independent judgement of an entry osbundle must accept: a
/// regular file with a tame name and mode, in a form every reader agrees on.
fn safe(spec: &EntrySpec, name: &[u8], dialect: Dialect) -> bool {
    let Ok(text) = std::str::from_utf8(name) else {
        return false;
    };
    let tame = |c: char| {
        c.is_ascii_alphanumeric() || "-_.".contains(c) || (!c.is_ascii() && c.is_alphabetic())
    };
    let components_ok = text.split('/').all(|c| {
        !c.is_empty()
            && c != "."
            && c != ".."
            && c.len() <= 255
            && !c.ends_with('.')
            && c.chars().all(tame)
            && !is_device(c)
    });
    let fits = dialect != Dialect::V7 || name.len() <= 100;
    components_ok
        && fits
        && matches!(spec.typeflag, TypeFlag::Regular | TypeFlag::OldRegular)
        && spec.mode.value() & 0o7000 == 0
        && spec.extension != Extension::Global
}

fn is_device(component: &str) -> bool {
    let stem = component
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || ((stem.starts_with("COM") || stem.starts_with("LPT")) && stem.len() == 4)
}

fn style_spec(style: Style) -> EntrySpec {
    EntrySpec {
        folder: Folder::Top,
        name: NameClass::Plain(0),
        typeflag: TypeFlag::Regular,
        mode: style.mode,
        number: style.number,
        extension: style.extension,
        mtime: 1_482_113_961,
        data: Vec::new(),
        repeat: 1,
    }
}

impl LayoutSpec {
    /// The tar stream of a bundle holding `files`, what a reader should list, whether
    /// that listing is agreed, and whether the bundle must verify without findings
    /// of the `bundle-*` rules.
    pub fn render(
        &self,
        files: &[EntrySpec],
        dialect: Dialect,
        ending: Ending,
    ) -> (Vec<u8>, Vec<Expected>, bool, bool) {
        let epoch = u64::from(self.epoch);
        // The custom files: a kind folder each (from the spec, else by position).
        let mut planned_specs: Vec<EntrySpec> = Vec::with_capacity(files.len());
        for (i, spec) in files.iter().enumerate() {
            let kind = match spec.folder {
                Folder::Kind(k) => usize::from(k) % KIND_FOLDERS.len(),
                _ => i % KIND_FOLDERS.len(),
            };
            let mut spec = spec.clone();
            spec.folder = Folder::Kind(kind as u8);
            planned_specs.push(spec);
        }
        let planned = tar::plan(&planned_specs, &KIND_FOLDERS);
        let mut pieces: Vec<Piece> = Vec::new();
        let mut records = Vec::new();
        let mut names_seen = std::collections::HashSet::new();
        let mut unique = true;
        for p in &planned {
            let text = String::from_utf8_lossy(&p.name).into_owned();
            unique &= names_seen.insert(text.to_lowercase());
            let (folder, file) = text.split_once('/').unwrap_or(("", text.as_str()));
            let kind = KIND_FOLDERS
                .iter()
                .position(|k| *k == folder)
                .map_or(Kind::Driver, |i| Kind::ALL[i]);
            records.push(PlannedFile {
                kind,
                name: file.to_string(),
                size: p.data.len() as u64,
            });
            pieces.push(Piece::new(p.spec, p.name.clone(), p.data.clone(), dialect));
        }
        // The build's own order: sorted by entry name in byte order.
        let mut order: Vec<usize> = (0..pieces.len()).collect();
        order.sort_by(|&a, &b| pieces[a].name.cmp(&pieces[b].name));
        let mut sorted: Vec<Piece> = Vec::with_capacity(pieces.len());
        let mut sorted_records = Vec::with_capacity(records.len());
        let mut slots: Vec<Option<Piece>> = pieces.into_iter().map(Some).collect();
        for i in order {
            if let Some(piece) = slots[i].take() {
                sorted.push(piece);
                sorted_records.push(records[i].clone());
            }
        }
        let mut files = sorted;
        let records = sorted_records;

        let meta = self.metadata(epoch, &records);
        let mut meta_bytes = metadata::to_bytes(&meta);
        let mut defect = self.defect;
        // Metadata defects change its bytes before anything is hashed.
        match defect {
            Some(Defect::WrongSize(i)) | Some(Defect::WrongId(i)) | Some(Defect::WrongPath(i))
                if records.is_empty() =>
            {
                let _ = i;
                defect = Some(Defect::DanglingCustomId);
            }
            Some(Defect::MissingFromOptions(_))
                if !records.iter().any(|r| r.kind != Kind::Bundle) =>
            {
                defect = Some(Defect::DanglingCustomId);
            }
            Some(Defect::FileMissing(_) | Defect::ManifestLineMissing(_)) if files.is_empty() => {
                defect = Some(Defect::NoChecksum);
            }
            _ => {}
        }
        if let Some(d) = defect {
            if let Some(bytes) = metadata_defect(&meta, d, &meta_bytes) {
                meta_bytes = bytes;
            }
        }
        let style = |i: usize| style_spec(self.styles[i]);
        let meta_piece = Piece::new(
            &style(0),
            format::METADATA.as_bytes().to_vec(),
            meta_bytes,
            dialect,
        );
        // Entry order before SHA256SUMS.
        let mut before: Vec<Piece> = Vec::new();
        match defect {
            Some(Defect::NoMetadata) => before.append(&mut files),
            Some(Defect::MetadataNotFirst) if !files.is_empty() => {
                let first = files.remove(0);
                before.push(first);
                before.push(meta_piece);
                before.append(&mut files);
            }
            Some(Defect::MetadataNotFirst) => {
                // No files: metadata.json after the manifest, below.
            }
            _ => {
                before.push(meta_piece);
                before.append(&mut files);
            }
        }
        let meta_late = matches!(defect, Some(Defect::MetadataNotFirst))
            && !before.iter().any(|p| p.name == format::METADATA.as_bytes());
        match defect {
            Some(Defect::FileUnlisted) => {
                let spec = style_spec(self.styles[0]);
                before.push(Piece::new(
                    &spec,
                    b"drivers/unlisted-extra.zip".to_vec(),
                    b"extra".to_vec(),
                    dialect,
                ));
            }
            Some(Defect::OtherEntry) => {
                let spec = style_spec(self.styles[0]);
                before.push(Piece::new(
                    &spec,
                    b"notes.txt".to_vec(),
                    b"notes".to_vec(),
                    dialect,
                ));
            }
            _ => {}
        }
        // The manifest, by the library's line writer.
        let mut manifest = String::new();
        for (i, piece) in before.iter().enumerate() {
            let name = String::from_utf8_lossy(&piece.name);
            let mut digest = sha256(&piece.data);
            match defect {
                Some(Defect::ManifestLineMissing(k))
                    if usize::from(k) % before.len().max(1) == i =>
                {
                    continue
                }
                Some(Defect::ManifestWrongDigest(k))
                    if usize::from(k) % before.len().max(1) == i =>
                {
                    digest[0] ^= 1
                }
                _ => {}
            }
            let mut line = format::manifest_line(&digest, &name);
            if self.binary_marker {
                line = line.replacen("  ", " *", 1);
            }
            manifest.push_str(&line);
            if matches!(defect, Some(Defect::ManifestDuplicateLine(k)) if usize::from(k) % before.len().max(1) == i)
            {
                manifest.push_str(&format::manifest_line(&digest, &name));
            }
        }
        match defect {
            Some(Defect::ManifestExtraLine) => {
                manifest.push_str(&format::manifest_line(&[7; 32], "drivers/absent.zip"))
            }
            Some(Defect::ManifestBadLine) => manifest.push_str("not a sha256sum line\n"),
            Some(Defect::FileMissing(k)) => {
                // Drop a custom file from the archive; metadata and manifest still list it.
                let files_at: Vec<usize> = (0..before.len())
                    .filter(|&i| before[i].name.contains(&b'/'))
                    .collect();
                if !files_at.is_empty() {
                    before.remove(files_at[usize::from(k) % files_at.len()]);
                }
            }
            _ => {}
        }
        let mut all = before;
        if defect != Some(Defect::NoManifest) {
            all.push(Piece::new(
                &style(1),
                format::MANIFEST.as_bytes().to_vec(),
                manifest.into_bytes(),
                dialect,
            ));
        }
        if meta_late {
            let meta = self.metadata(epoch, &records);
            all.push(Piece::new(
                &style(0),
                format::METADATA.as_bytes().to_vec(),
                metadata::to_bytes(&meta),
                dialect,
            ));
        }
        // The ledger, by the library's code, over the headers as written.
        let mut ledger = Ledger::default();
        // The entries the ledger covers: every one before `CHECKSUM`, whose own header
        // only the download's checksum or a signature can cover (docs/FORMAT.md).
        // Never none with a `HeaderChanged` defect: metadata.json is written then.
        let covered = all.len();
        for piece in &all {
            ledger.add(&piece.header, &sha256(&piece.data));
        }
        let mut digest = ledger.digest();
        if defect == Some(Defect::ChecksumWrong) {
            digest[31] ^= 0x80;
        }
        let mut checksum = format::checksum_text(&digest).into_bytes();
        if let Some(Defect::ChecksumMalformed(k)) = defect {
            match k % 4 {
                0 => {
                    checksum.pop();
                }
                1 => checksum[0] = b'S',
                2 => checksum.truncate(20),
                _ => checksum.insert(0, b' '),
            }
        }
        if defect != Some(Defect::NoChecksum) {
            all.push(Piece::new(
                &style(2),
                format::CHECKSUM.as_bytes().to_vec(),
                checksum,
                dialect,
            ));
        }
        if defect == Some(Defect::EntryAfterChecksum) {
            let spec = style_spec(self.styles[0]);
            all.push(Piece::new(
                &spec,
                b"drivers/late.zip".to_vec(),
                b"late".to_vec(),
                dialect,
            ));
        }
        // Changes after every digest was computed.
        match defect {
            Some(Defect::HeaderChanged(k)) => {
                let i = usize::from(k) % covered;
                let piece = &mut all[i];
                // The mtime of the main header (its last block), checksum fixed.
                let at = piece.header.len() - tar::BLOCK;
                let mut block = [0u8; tar::BLOCK];
                block.copy_from_slice(&piece.header[at..]);
                let flip = if block[136] & 0x80 != 0 { 147 } else { 146 };
                block[flip] = if block[flip] == b'1' { b'2' } else { b'1' };
                tar::checksum(&mut block);
                piece.header[at..].copy_from_slice(&block);
            }
            Some(Defect::DataChanged(k, b)) => {
                let with_data: Vec<usize> = (0..all.len())
                    .filter(|&i| !all[i].data.is_empty())
                    .collect();
                if let Some(&i) = with_data.get(usize::from(k) % with_data.len().max(1)) {
                    let data = &mut all[i].data;
                    let at = usize::from(b) % data.len();
                    data[at] ^= 1 << (b % 8);
                }
            }
            _ => {}
        }
        let mut bytes = Vec::new();
        let mut expected = Vec::new();
        let mut plain = true;
        let mut all_safe = unique;
        for piece in &all {
            bytes.extend_from_slice(&piece.header);
            bytes.extend_from_slice(&piece.data);
            tar::pad_to_block(&mut bytes);
            expected.push(piece.expected.clone());
            plain &= piece.plain;
            all_safe &= piece.safe;
        }
        tar::finish(&mut bytes, ending);
        plain &= matches!(ending, Ending::Marker | Ending::Record);
        let valid =
            defect.is_none() && all_safe && matches!(ending, Ending::Marker | Ending::Record);
        (bytes, expected, plain, valid)
    }

    fn metadata(&self, epoch: u64, records: &[PlannedFile]) -> Metadata {
        let rules = embedded();
        let (os, release) = match rules
            .images
            .get(usize::from(self.os) % (rules.images.len() + 1))
        {
            Some(os) => {
                let release = os
                    .releases
                    .get(usize::from(self.release) % os.releases.len().max(1))
                    .map_or_else(|| "1".to_string(), |r| r.name.clone());
                (os.name.clone(), release)
            }
            None => ("centos".to_string(), "8".to_string()),
        };
        let name = PROFILE_NAMES[usize::from(self.name) % PROFILE_NAMES.len()];
        let mut value = json!({"name": name, "os": os, "release": release});
        if self.predefined_boot {
            value["predefinedBootFileIds"] = json!(["winpe-64-base"]);
            value["installationOptions"] = json!({"locale": "en-US"});
        }
        let info = ProfileInfo {
            name: Some(name.to_string()),
            os: Some(os),
            release: Some(release),
            platforms: Vec::new(),
            value,
        };
        metadata::from_profile(&info, "profile", epoch, records)
    }
}

/// The embedded rules, loaded once.
pub fn embedded() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(RuleSet::embedded)
}

/// The metadata bytes a metadata defect gives, if it is one.
fn metadata_defect(meta: &Metadata, defect: Defect, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut m = meta.clone();
    let n = m.files.len().max(1);
    match defect {
        Defect::WrongSize(i) => m.files.get_mut(usize::from(i) % n)?.size += 1,
        Defect::WrongId(i) => m.files.get_mut(usize::from(i) % n)?.id.push('x'),
        Defect::WrongPath(i) => {
            let f = m.files.get_mut(usize::from(i) % n)?;
            f.path = format!("elsewhere/{}", f.name);
        }
        Defect::DanglingCustomId => m
            .customization_options
            .driver_options
            .driver_file_ids
            .push(format!("{}_absent.zip", m.timestamp)),
        Defect::MissingFromOptions(i) => {
            let with_list: Vec<usize> = (0..m.files.len())
                .filter(|&k| m.files[k].kind != Kind::Bundle)
                .collect();
            let f = m
                .files
                .get(*with_list.get(usize::from(i) % with_list.len().max(1))?)?
                .clone();
            let lists = [
                &mut m.customization_options.driver_options.driver_file_ids,
                &mut m.customization_options.boot_options.boot_file_ids,
                &mut m
                    .customization_options
                    .custom_config_options
                    .custom_config_file_ids,
                &mut m
                    .customization_options
                    .install_script_options
                    .script_file_ids,
                &mut m
                    .customization_options
                    .custom_software_options
                    .custom_software_ids,
                &mut m.customization_options.unattend_options.unattend_file_ids,
            ];
            for list in lists {
                list.retain(|id| *id != f.id);
            }
        }
        Defect::MetadataNotJson(k) => {
            let cut = usize::from(k) % bytes.len().max(1);
            return Some(bytes[..cut.max(1).min(bytes.len().saturating_sub(2))].to_vec());
        }
        Defect::MetadataSchema(k) => {
            let mut value = serde_json::to_value(&m).ok()?;
            let object = value.as_object_mut()?;
            match k % 4 {
                0 => {
                    object.remove("os");
                }
                1 => {
                    object.insert("formatVersion".into(), json!(2));
                }
                2 => {
                    object.insert("files".into(), json!("none"));
                }
                _ => {
                    object.insert("timestamp".into(), json!(12));
                }
            }
            let mut out = serde_json::to_vec_pretty(&value).ok()?;
            out.push(b'\n');
            return Some(out);
        }
        _ => return None,
    }
    Some(metadata::to_bytes(&m))
}

fn file(kind: u8, name: u8, data: &[u8], number: Number, extension: Extension) -> EntrySpec {
    EntrySpec {
        folder: Folder::Kind(kind),
        name: NameClass::Plain(name),
        typeflag: TypeFlag::Regular,
        mode: Mode::File,
        number,
        extension,
        mtime: 1_482_113_961,
        data: data.to_vec(),
        repeat: 3,
    }
}

/// A hand-made bundle: four files in four kinds (one with a long name), every
/// header form, and `defect` (none gives a valid bundle).
pub fn example(dialect: Dialect, defect: Option<Defect>) -> crate::Spec {
    let style = Style {
        number: Number::Spaces,
        extension: Extension::PaxPath,
        mode: Mode::File,
    };
    crate::Spec {
        entries: vec![
            file(0, 0, b"driver", Number::Octal, Extension::Auto),
            file(2, 2, br#"{"name": "x"}"#, Number::Nuls, Extension::GnuLong),
            file(4, 4, b"software", Number::Spaces, Extension::PaxSize),
            EntrySpec {
                name: NameClass::Long(120),
                ..file(6, 0, b"bundle", Number::Octal, Extension::Auto)
            },
        ],
        dialect,
        ending: Ending::Marker,
        container: crate::gzip::Container::Canonical,
        layout: Some(LayoutSpec {
            os: 4,
            release: 0,
            name: 0,
            epoch: 1_700_000_000,
            predefined_boot: true,
            styles: [
                style,
                Style {
                    extension: Extension::Auto,
                    ..style
                },
                style,
            ],
            binary_marker: true,
            defect,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle;

    #[test]
    fn a_layout_without_defect_verifies_in_every_dialect() {
        for dialect in [Dialect::Ustar, Dialect::Gnu] {
            let r = example(dialect, None).render();
            assert!(r.valid && r.plain, "{dialect:?}");
            let v = oracle::check_verify(&r, false);
            assert!(
                v.complete && v.entries.len() == 7,
                "{dialect:?}: {:?}",
                v.entries
            );
        }
    }

    #[test]
    fn every_defect_is_found() {
        let defects = [
            Defect::MetadataNotFirst,
            Defect::NoMetadata,
            Defect::NoManifest,
            Defect::NoChecksum,
            Defect::ManifestLineMissing(1),
            Defect::ManifestWrongDigest(2),
            Defect::ManifestExtraLine,
            Defect::ManifestDuplicateLine(0),
            Defect::ManifestBadLine,
            Defect::ChecksumWrong,
            Defect::ChecksumMalformed(0),
            Defect::ChecksumMalformed(1),
            Defect::ChecksumMalformed(2),
            Defect::ChecksumMalformed(3),
            Defect::EntryAfterChecksum,
            Defect::FileMissing(1),
            Defect::FileUnlisted,
            Defect::OtherEntry,
            Defect::WrongSize(0),
            Defect::WrongId(1),
            Defect::WrongPath(2),
            Defect::DanglingCustomId,
            Defect::MissingFromOptions(0),
            Defect::MetadataNotJson(40),
            Defect::MetadataSchema(0),
            Defect::MetadataSchema(1),
            Defect::MetadataSchema(2),
            Defect::MetadataSchema(3),
            Defect::DataChanged(0, 5),
            Defect::DataChanged(3, 1),
        ];
        // A changed header of every entry, twice round: never `CHECKSUM`'s own,
        // which the ledger cannot cover (the bundle_gen campaign's k = 161).
        let headers = (0..14).map(Defect::HeaderChanged);
        for defect in defects.into_iter().chain(headers) {
            let r = example(Dialect::Ustar, Some(defect)).render();
            assert!(!r.valid);
            let v = oracle::check_verify(&r, true);
            let errors: Vec<_> = v
                .findings
                .iter()
                .filter(|f| oracle::is_bundle_rule(f))
                .collect();
            assert!(!errors.is_empty(), "{defect:?} not found");
        }
    }
}
