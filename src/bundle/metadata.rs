//! `metadata.json`: the profile as LXCA's repository listing (`GET /osImages`)
//! describes it (`os`, `osrelease`, `id`, `customizationOptions` with its file-ID
//! lists), plus the list of custom files the bundle holds. Its schema is
//! `schemas/bundle-metadata.schema.json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::format::{self, FORMAT_VERSION};
use crate::kind::Kind;
use crate::profile::{PlannedFile, ProfileInfo};

/// The whole of `metadata.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The bundle format version ([`FORMAT_VERSION`]).
    pub format_version: u64,
    /// `osbundle <version>`.
    pub generator: String,
    /// Profile ID, `<osImage>|<name>` (as `win2016|win2016-x86_64-install-Standard_core`).
    pub id: String,
    /// Profile name.
    pub name: String,
    /// OS name of the rules (`win`, `rhels`, ...).
    pub os: String,
    /// OS release (`2016`, `7.5`, ...).
    pub osrelease: String,
    /// OS image ID (`win2016`).
    pub os_image: String,
    /// The predefined profile this one customizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_profile: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Hardware platforms.
    #[serde(default)]
    pub platforms: Vec<String>,
    /// Build time, `yyyyMMddHmmss` (the prefix of the file name and of custom IDs).
    pub timestamp: String,
    /// Build time, RFC 3339 UTC.
    pub created: String,
    /// What LXCA's `customizationOptions` would say.
    pub customization_options: CustomizationOptions,
    /// Installation options: predefined unattend files and free-form options.
    pub installation_options: InstallationOptions,
    /// The custom files, in archive order.
    pub files: Vec<FileRecord>,
}

/// `customizationOptions`, with the reference's names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomizationOptions {
    /// `bootOptions.bootFileIds`.
    pub boot_options: BootOptions,
    /// `customConfigOptions.customConfigFileIds`.
    pub custom_config_options: CustomConfigOptions,
    /// `customSoftwareOptions.customSoftwareIds`.
    pub custom_software_options: CustomSoftwareOptions,
    /// `customType` (1 to 5), when the profile says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_type: Option<u64>,
    /// `deployDataAndSoftwareLocation`, when the profile says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_data_and_software_location: Option<String>,
    /// `driverOptions.driverFileIds`.
    pub driver_options: DriverOptions,
    /// `installScriptOptions.scriptFileIds`.
    pub install_script_options: InstallScriptOptions,
    /// `unattendOptions.unattendFileIds`.
    pub unattend_options: UnattendOptions,
}

macro_rules! id_list {
    ($name:ident, $field:ident, $json:literal) => {
        #[doc = concat!("An object holding `", $json, "`.")]
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            #[doc = concat!("`", $json, "`: predefined IDs first, then custom file IDs.")]
            #[serde(rename = $json)]
            pub $field: Vec<String>,
        }
    };
}

id_list!(BootOptions, boot_file_ids, "bootFileIds");
id_list!(
    CustomConfigOptions,
    custom_config_file_ids,
    "customConfigFileIds"
);
id_list!(
    CustomSoftwareOptions,
    custom_software_ids,
    "customSoftwareIds"
);
id_list!(DriverOptions, driver_file_ids, "driverFileIds");
id_list!(InstallScriptOptions, script_file_ids, "scriptFileIds");
id_list!(UnattendOptions, unattend_file_ids, "unattendFileIds");

/// Installation options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationOptions {
    /// Predefined unattend files the profile uses.
    #[serde(default)]
    pub predefined_unattend_file_ids: Vec<String>,
    /// `installationOptions` of `profile.json`, as given.
    #[serde(default)]
    pub options: Map<String, Value>,
}

/// One custom file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// `<timestamp>_<name>`.
    pub id: String,
    /// Its kind (`driver`, `boot`, ...).
    pub kind: Kind,
    /// The entry name, `<kind folder>/<name>`.
    pub path: String,
    /// The file name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
}

impl CustomizationOptions {
    /// The ID list for custom files of `kind`; bundles of drivers and boot files
    /// (Lenovo's `.zip` bundles) have none in the reference.
    pub fn ids(&self, kind: Kind) -> Option<&Vec<String>> {
        match kind {
            Kind::Driver => Some(&self.driver_options.driver_file_ids),
            Kind::Boot => Some(&self.boot_options.boot_file_ids),
            Kind::Config => Some(&self.custom_config_options.custom_config_file_ids),
            Kind::Script => Some(&self.install_script_options.script_file_ids),
            Kind::Software => Some(&self.custom_software_options.custom_software_ids),
            Kind::Unattend => Some(&self.unattend_options.unattend_file_ids),
            Kind::Bundle => None,
        }
    }

    fn ids_mut(&mut self, kind: Kind) -> Option<&mut Vec<String>> {
        match kind {
            Kind::Driver => Some(&mut self.driver_options.driver_file_ids),
            Kind::Boot => Some(&mut self.boot_options.boot_file_ids),
            Kind::Config => Some(&mut self.custom_config_options.custom_config_file_ids),
            Kind::Script => Some(&mut self.install_script_options.script_file_ids),
            Kind::Software => Some(&mut self.custom_software_options.custom_software_ids),
            Kind::Unattend => Some(&mut self.unattend_options.unattend_file_ids),
            Kind::Bundle => None,
        }
    }

    /// Every ID list with its JSON Pointer below `customizationOptions`.
    pub fn lists(&self) -> Vec<(Kind, &'static str, &Vec<String>)> {
        vec![
            (
                Kind::Driver,
                "/driverOptions/driverFileIds",
                &self.driver_options.driver_file_ids,
            ),
            (
                Kind::Boot,
                "/bootOptions/bootFileIds",
                &self.boot_options.boot_file_ids,
            ),
            (
                Kind::Config,
                "/customConfigOptions/customConfigFileIds",
                &self.custom_config_options.custom_config_file_ids,
            ),
            (
                Kind::Script,
                "/installScriptOptions/scriptFileIds",
                &self.install_script_options.script_file_ids,
            ),
            (
                Kind::Software,
                "/customSoftwareOptions/customSoftwareIds",
                &self.custom_software_options.custom_software_ids,
            ),
            (
                Kind::Unattend,
                "/unattendOptions/unattendFileIds",
                &self.unattend_options.unattend_file_ids,
            ),
        ]
    }
}

/// The metadata of a bundle built at `epoch` from `profile` with `files`.
pub fn from_profile(
    profile: &ProfileInfo,
    fallback_name: &str,
    epoch: u64,
    files: &[PlannedFile],
) -> Metadata {
    let v = &profile.value;
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let list = |key: &str| crate::json::strings(v.get(key));
    let name = profile
        .name
        .clone()
        .unwrap_or_else(|| fallback_name.to_string());
    let os = profile.os.clone().unwrap_or_default();
    let osrelease = profile.release.clone().unwrap_or_default();
    let os_image = text("osImage").unwrap_or_else(|| format!("{os}{osrelease}"));
    let mut options = CustomizationOptions {
        custom_type: v.get("customType").and_then(whole_number),
        deploy_data_and_software_location: text("deployDataAndSoftwareLocation"),
        ..CustomizationOptions::default()
    };
    options.driver_options.driver_file_ids = list("predefinedDriverFileIds");
    options.boot_options.boot_file_ids = list("predefinedBootFileIds");
    let predefined_unattend = list("predefinedUnattendFileIds");
    options.unattend_options.unattend_file_ids = predefined_unattend.clone();
    let mut records = Vec::with_capacity(files.len());
    for file in files {
        let id = format::file_id(epoch, &file.name);
        if let Some(ids) = options.ids_mut(file.kind) {
            ids.push(id.clone());
        }
        records.push(FileRecord {
            id,
            kind: file.kind,
            path: format!("{}/{}", file.kind.folder(), file.name),
            name: file.name.clone(),
            size: file.size,
        });
    }
    Metadata {
        format_version: FORMAT_VERSION,
        generator: format!("osbundle {}", env!("CARGO_PKG_VERSION")),
        id: format!("{os_image}|{name}"),
        name,
        os,
        osrelease,
        os_image,
        base_profile: text("baseProfile"),
        description: text("description").unwrap_or_default(),
        platforms: profile.platforms.clone(),
        timestamp: format::timestamp(epoch),
        created: format::rfc3339(epoch),
        customization_options: options,
        installation_options: InstallationOptions {
            predefined_unattend_file_ids: predefined_unattend,
            options: v
                .get("installationOptions")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        },
        files: records,
    }
}

/// A JSON number that is a whole non-negative number (`2` and `2.0` alike: JSON
/// Schema's `integer` takes both), as `u64`.
fn whole_number(n: &Value) -> Option<u64> {
    n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX as f64)
            .map(|f| f as u64)
    })
}

/// The `profile.json` that [`from_profile`] turns back into `metadata` (with the same
/// files and epoch): what `extract` writes, so that a bundle's profile directory
/// rebuilds to the same bytes. Members equal to their defaults are left out.
pub fn to_profile(metadata: &Metadata) -> Value {
    let m = metadata;
    let mut p = Map::new();
    p.insert("name".into(), Value::from(m.name.clone()));
    p.insert("os".into(), Value::from(m.os.clone()));
    p.insert("release".into(), Value::from(m.osrelease.clone()));
    if m.os_image != format!("{}{}", m.os, m.osrelease) {
        p.insert("osImage".into(), Value::from(m.os_image.clone()));
    }
    if let Some(base) = &m.base_profile {
        p.insert("baseProfile".into(), Value::from(base.clone()));
    }
    if !m.description.is_empty() {
        p.insert("description".into(), Value::from(m.description.clone()));
    }
    if !m.platforms.is_empty() {
        p.insert("platforms".into(), Value::from(m.platforms.clone()));
    }
    let o = &m.customization_options;
    if let Some(t) = o.custom_type {
        p.insert("customType".into(), Value::from(t));
    }
    if let Some(location) = &o.deploy_data_and_software_location {
        p.insert(
            "deployDataAndSoftwareLocation".into(),
            Value::from(location.clone()),
        );
    }
    let custom: std::collections::HashSet<&str> = m.files.iter().map(|f| f.id.as_str()).collect();
    let predefined = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|id| !custom.contains(id.as_str()))
            .cloned()
            .collect()
    };
    for (key, ids) in [
        (
            "predefinedUnattendFileIds",
            m.installation_options.predefined_unattend_file_ids.clone(),
        ),
        (
            "predefinedDriverFileIds",
            predefined(&o.driver_options.driver_file_ids),
        ),
        (
            "predefinedBootFileIds",
            predefined(&o.boot_options.boot_file_ids),
        ),
    ] {
        if !ids.is_empty() {
            p.insert(key.into(), Value::from(ids));
        }
    }
    if !m.installation_options.options.is_empty() {
        p.insert(
            "installationOptions".into(),
            Value::Object(m.installation_options.options.clone()),
        );
    }
    Value::Object(p)
}

/// Serializes metadata as `metadata.json` bytes (pretty, final newline).
pub fn to_bytes(metadata: &Metadata) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(metadata).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Records by path, for lookups.
pub fn by_path(metadata: &Metadata) -> BTreeMap<&str, (usize, &FileRecord)> {
    metadata
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), (i, f)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Document;
    use crate::schemas::{validate, SchemaName};

    /// Each member of profile.json that build carries into metadata.json has the
    /// same constraints in both schemas (descriptions aside), so that what `check`
    /// accepts the metadata schema of `verify` accepts.
    #[test]
    fn profile_and_metadata_schemas_agree_on_every_carried_member() {
        let parse = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
        let profile = parse(include_str!("../../schemas/profile.schema.json"));
        let meta = parse(include_str!("../../schemas/bundle-metadata.schema.json"));
        let bare = |v: &Value| -> Value {
            let mut v = v.clone();
            if let Some(o) = v.as_object_mut() {
                o.remove("description");
            }
            v
        };
        let options = "/properties/customizationOptions/properties";
        let pairs = [
            ("name", "/properties/name".to_string()),
            ("os", "/properties/os".into()),
            ("release", "/properties/osrelease".into()),
            ("osImage", "/properties/osImage".into()),
            ("baseProfile", "/properties/baseProfile".into()),
            ("description", "/properties/description".into()),
            ("platforms", "/properties/platforms".into()),
            ("customType", format!("{options}/customType")),
            (
                "deployDataAndSoftwareLocation",
                format!("{options}/deployDataAndSoftwareLocation"),
            ),
            (
                "predefinedUnattendFileIds",
                "/properties/installationOptions/properties/predefinedUnattendFileIds".into(),
            ),
            (
                "installationOptions",
                "/properties/installationOptions/properties/options".into(),
            ),
        ];
        let members = profile["properties"].as_object().unwrap();
        for (member, pointer) in &pairs {
            let p = bare(&members[*member]);
            let m = bare(meta.pointer(pointer).unwrap());
            assert_eq!(
                p, m,
                "profile.json {member} and metadata.json {pointer} differ"
            );
        }
        // Predefined boot and driver IDs share their lists with custom file IDs:
        // the profile's items must be at least as strict as the lists' items.
        let ids = &meta["$defs"]["ids"]["additionalProperties"];
        for member in ["predefinedBootFileIds", "predefinedDriverFileIds"] {
            let p = &members[member];
            assert_eq!(p["uniqueItems"], ids["uniqueItems"], "{member}");
            for (key, value) in ids["items"].as_object().unwrap() {
                assert_eq!(&p["items"][key], value, "{member} items {key}");
            }
        }
        // Every member of profile.json is carried (or is build's business).
        let carried: Vec<&str> = pairs
            .iter()
            .map(|(m, _)| *m)
            .chain(["predefinedBootFileIds", "predefinedDriverFileIds"])
            .collect();
        for member in members.keys() {
            assert!(
                carried.contains(&member.as_str()),
                "{member} is not compared"
            );
        }
    }

    #[test]
    fn whole_numbers_are_kept_as_integers() {
        let info = ProfileInfo {
            name: Some("p".into()),
            os: Some("win".into()),
            release: Some("2016".into()),
            platforms: vec![],
            value: serde_json::json!({"name": "p", "os": "win", "release": "2016", "customType": 2.0}),
        };
        let m = from_profile(&info, "x", 1_482_113_961, &[]);
        assert_eq!(m.customization_options.custom_type, Some(2));
    }

    #[test]
    fn built_metadata_matches_its_schema() {
        let value = serde_json::json!({
            "name": "Custom-2016", "os": "win", "release": "2016",
            "baseProfile": "win2016|win2016-x86_64-install-Standard_core",
            "predefinedBootFileIds": ["winpe-64-base"],
            "deployDataAndSoftwareLocation": "C:\\lxca",
            "installationOptions": {"locale": "en-US"}
        });
        let info = ProfileInfo {
            name: Some("Custom-2016".into()),
            os: Some("win".into()),
            release: Some("2016".into()),
            platforms: vec![],
            value,
        };
        let files = [
            PlannedFile {
                kind: Kind::Driver,
                name: "nic.zip".into(),
                size: 3,
            },
            PlannedFile {
                kind: Kind::Bundle,
                name: "b.zip".into(),
                size: 1,
            },
        ];
        let m = from_profile(&info, "x", 1_482_113_961, &files);
        assert_eq!(m.id, "win2016|Custom-2016");
        assert_eq!(
            m.customization_options.boot_options.boot_file_ids,
            ["winpe-64-base"]
        );
        assert_eq!(
            m.customization_options.driver_options.driver_file_ids,
            ["2016121921921_nic.zip"]
        );
        let bytes = to_bytes(&m);
        let doc = Document::parse(&bytes).unwrap();
        let f = validate(
            SchemaName::BundleMetadata,
            &doc,
            crate::findings::Rule::BundleMetadataInvalid,
            "m",
        );
        assert!(f.is_empty(), "{f:?}");
        let back: Metadata = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, m);

        // The profile.json `extract` writes gives the same metadata again.
        let value = to_profile(&m);
        let again = ProfileInfo {
            name: value["name"].as_str().map(str::to_string),
            os: value["os"].as_str().map(str::to_string),
            release: value["release"].as_str().map(str::to_string),
            platforms: crate::json::strings(value.get("platforms")),
            value: value.clone(),
        };
        assert_eq!(from_profile(&again, "other", 1_482_113_961, &files), m);
        let doc = Document::parse(&serde_json::to_vec(&value).unwrap()).unwrap();
        let f = validate(
            SchemaName::Profile,
            &doc,
            crate::findings::Rule::ProfileInvalid,
            "p",
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
