//! Kinds of custom files and the `supportedImages` fields that govern each.
//!
//! | kind | folder | allow flag | extensions | custom releases |
//! |---|---|---|---|---|
//! | driver | `drivers/` | `allowCustomDriver` | `allowedDriverFileExtension` | `customDriverReleases` |
//! | boot | `boot/` | `allowCustomBootFile` | `allowedBootFileExtension` | `customBootReleases` |
//! | config | `config/` | `allowCustomConfigFile` | `allowedConfigFileExtension` | `customConfigReleases` |
//! | script | `scripts/` | `allowCustomInstallScriptFile` | `allowedScriptFileExtension` | `customInstallScriptReleases` |
//! | software | `software/` | `allowCustomSoftwareFile` | `allowedSoftwareFileExtension` | `customSoftwareReleases` |
//! | unattend | `unattend/` | `allowCustomUnattendFile` | `allowedUnattendFileExtension` | `customUnattendReleases` |
//! | bundle | `bundles/` | — | `allowedBundleFileExtension` | — |

use std::fmt;

/// The kind of a custom file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A device driver (DUD).
    Driver,
    /// A boot-options file (WinPE).
    Boot,
    /// A configuration-settings JSON file.
    Config,
    /// A post-installation script.
    Script,
    /// A software payload.
    Software,
    /// An unattend file (kickstart, AutoYaST, autounattend).
    Unattend,
    /// A Lenovo driver-and-boot-file bundle.
    Bundle,
}

impl Kind {
    /// Every kind, in table order.
    pub const ALL: [Kind; 7] = [
        Kind::Driver,
        Kind::Boot,
        Kind::Config,
        Kind::Script,
        Kind::Software,
        Kind::Unattend,
        Kind::Bundle,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Driver => "driver",
            Kind::Boot => "boot",
            Kind::Config => "config",
            Kind::Script => "script",
            Kind::Software => "software",
            Kind::Unattend => "unattend",
            Kind::Bundle => "bundle",
        }
    }

    /// The folder of a profile directory (and of a bundle) that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Driver => "drivers",
            Kind::Boot => "boot",
            Kind::Config => "config",
            Kind::Script => "scripts",
            Kind::Software => "software",
            Kind::Unattend => "unattend",
            Kind::Bundle => "bundles",
        }
    }

    /// The kind whose folder is `name`.
    pub fn from_folder(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == name)
    }

    /// The kind whose folder a folder named `name` was probably meant to be:
    /// its folder or kind name in another case (`Drivers`, `driver`), or a close
    /// spelling (`scirpts`). `None` for a kind folder itself.
    pub fn folder_meant(name: &str) -> Option<Kind> {
        if Kind::from_folder(name).is_some() {
            return None;
        }
        let lower = name.to_lowercase();
        let lower = lower.trim_end_matches('/');
        Kind::ALL
            .into_iter()
            .find(|k| lower == k.folder() || lower == k.as_str())
            .or_else(|| {
                let folders = Kind::ALL.map(Kind::folder);
                Kind::from_folder(crate::suggest::did_you_mean(
                    lower,
                    folders.iter().copied(),
                )?)
            })
    }

    /// The `allowCustom*` flag; bundles have none.
    pub fn allow_field(self) -> Option<&'static str> {
        match self {
            Kind::Driver => Some("allowCustomDriver"),
            Kind::Boot => Some("allowCustomBootFile"),
            Kind::Config => Some("allowCustomConfigFile"),
            Kind::Script => Some("allowCustomInstallScriptFile"),
            Kind::Software => Some("allowCustomSoftwareFile"),
            Kind::Unattend => Some("allowCustomUnattendFile"),
            Kind::Bundle => None,
        }
    }

    /// The `allowed*FileExtension` list.
    pub fn extension_field(self) -> &'static str {
        match self {
            Kind::Driver => "allowedDriverFileExtension",
            Kind::Boot => "allowedBootFileExtension",
            Kind::Config => "allowedConfigFileExtension",
            Kind::Script => "allowedScriptFileExtension",
            Kind::Software => "allowedSoftwareFileExtension",
            Kind::Unattend => "allowedUnattendFileExtension",
            Kind::Bundle => "allowedBundleFileExtension",
        }
    }

    /// The `custom*Releases` list; bundles have none.
    pub fn releases_field(self) -> Option<&'static str> {
        match self {
            Kind::Driver => Some("customDriverReleases"),
            Kind::Boot => Some("customBootReleases"),
            Kind::Config => Some("customConfigReleases"),
            Kind::Script => Some("customInstallScriptReleases"),
            Kind::Software => Some("customSoftwareReleases"),
            Kind::Unattend => Some("customUnattendReleases"),
            Kind::Bundle => None,
        }
    }

    /// A plural noun for messages ("drivers", "boot files", ...).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Driver => "drivers",
            Kind::Boot => "boot files",
            Kind::Config => "configuration-settings files",
            Kind::Script => "installation scripts",
            Kind::Software => "software files",
            Kind::Unattend => "unattend files",
            Kind::Bundle => "bundle files",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `file_name` ends in the extension `ext` (given without a leading dot).
///
/// Multi-part extensions match whole: `tar.gz` matches `a.tar.gz` but not `a.pkg.gz`,
/// and nothing matches `a.tar.gz.exe`. The comparison ignores ASCII case, and the
/// name must have a stem before the extension (`.zip` alone does not match `zip`).
pub(crate) fn has_extension(file_name: &str, ext: &str) -> bool {
    let ext = ext.trim_start_matches('.');
    if ext.is_empty() || file_name.len() <= ext.len() + 1 {
        return false;
    }
    let split = file_name.len() - ext.len();
    if !file_name.is_char_boundary(split) || !file_name.is_char_boundary(split - 1) {
        return false;
    }
    let (stem, tail) = file_name.split_at(split);
    stem.ends_with('.') && stem.len() > 1 && tail.eq_ignore_ascii_case(ext)
}

/// The extension to quote in messages: the text after the last dot, with the dot.
pub(crate) fn shown_extension(file_name: &str) -> String {
    match file_name.rfind('.') {
        Some(i) if i > 0 && i + 1 < file_name.len() => file_name[i..].to_string(),
        _ => "no extension".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_part_extensions_match_whole() {
        assert!(has_extension("jre.tar.gz", "tar.gz"));
        assert!(has_extension("JRE.TAR.GZ", "tar.gz"));
        assert!(!has_extension("pkg.gz", "tar.gz"));
        assert!(!has_extension("pkg.tar.gz.exe", "tar.gz"));
        assert!(!has_extension("x.targz", "tar.gz"));
        assert!(has_extension("nic.zip", "zip"));
        assert!(has_extension("nic.zip", ".zip"));
        assert!(!has_extension("zip", "zip"));
        assert!(!has_extension(".zip", "zip"));
        assert!(!has_extension("nic.exe", "zip"));
        assert!(!has_extension("nic.zip", ""));
        assert!(!has_extension("é.zip", "ézip"));
    }

    #[test]
    fn shown_extension_is_the_last_part() {
        assert_eq!(shown_extension("nic.exe"), ".exe");
        assert_eq!(shown_extension("a.tar.gz"), ".gz");
        assert_eq!(shown_extension("README"), "no extension");
        assert_eq!(shown_extension(".hidden"), "no extension");
    }

    proptest::proptest! {
        #[test]
        fn extensions_match_exactly_their_own_suffix(
            stem in "[^./]{1,12}",
            parts in proptest::collection::vec("[a-zA-Z0-9]{1,5}", 1..4),
            other in "[a-z]{1,4}",
        ) {
            let ext = parts.join(".");
            let name = format!("{stem}.{ext}");
            proptest::prop_assert!(has_extension(&name, &ext));
            proptest::prop_assert!(has_extension(&name.to_uppercase(), &ext));
            // Anything after the extension breaks the match...
            let longer = format!("{name}.{other}");
            proptest::prop_assert!(
                !has_extension(&longer, &ext) || ext.to_lowercase().ends_with(&other)
            );
            // ...and so does a different last part.
            let swapped = format!("{stem}.{}x", ext);
            proptest::prop_assert!(!has_extension(&swapped, &ext));
        }

        #[test]
        fn extension_checks_never_panic(name in "\\PC{0,20}", ext in "\\PC{0,8}") {
            let _ = has_extension(&name, &ext);
            let _ = shown_extension(&name);
        }
    }

    #[test]
    fn folders_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_folder(kind.folder()), Some(kind));
        }
        assert_eq!(Kind::from_folder("driver"), None);
        for (name, meant) in [
            ("driver", Some(Kind::Driver)),
            ("Drivers", Some(Kind::Driver)),
            ("script", Some(Kind::Script)),
            ("scirpts", Some(Kind::Script)),
            ("drv", Some(Kind::Driver)),
            ("bundle", Some(Kind::Bundle)),
            ("Config", Some(Kind::Config)),
            ("drivers", None),
            ("docs", None),
            ("misc", None),
        ] {
            assert_eq!(Kind::folder_meant(name), meant, "{name}");
        }
    }
}
