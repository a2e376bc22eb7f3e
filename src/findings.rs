//! Findings: the values every check produces.
//!
//! A finding is data, not an error: a stable [`Rule`] ID, a [`Severity`], the path it is
//! about and, where it applies, a JSON Pointer and a 1-based line and column (columns
//! count Unicode characters). Rule IDs are kebab-case and never renamed; a test keeps
//! them unique.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

mod explanations;
pub(crate) mod report;

pub(crate) use report::Report;

pub use explanations::{Change, Example, Explanation};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Makes the run fail (exit 1).
    Error,
    /// Reported, but the run still succeeds unless `--strict` is given.
    Warning,
    /// Information about how something was checked; never fails a run.
    Note,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $help:literal; )+) => {
        /// A stable rule ID. The string form (`Rule::as_str`) is the contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )+
        }

        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )+ ];

            /// The rule's kebab-case ID.
            pub fn as_str(self) -> &'static str {
                match self { $( Rule::$variant => $id, )+ }
            }

            /// One-paragraph help text: when the rule fires and what to do about it.
            pub fn help(self) -> &'static str {
                match self { $( Rule::$variant => $help, )+ }
            }

            /// The help text's first sentence: the one-line help of `osbundle explain`
            /// and SARIF's `shortDescription`.
            pub fn summary(self) -> &'static str {
                let help = self.help();
                help.split(". ").next().unwrap_or(help)
            }
        }
    };
}

rules! {
    /// The OS name is not in the rules.
    UnknownOs = "unknown-os",
        "The operating system is not among the supportedImages of the rules in force. Use one of the names `osbundle rules` lists, or pass the repository's own rules with --rules.";
    /// The release is not among the OS's `releases`.
    ReleaseNotSupported = "release-not-supported",
        "The release is not listed in the OS's `releases`. Use a release that `osbundle rules` lists for this OS.";
    /// The platform is not listed for that release.
    PlatformNotSupported = "platform-not-supported",
        "The hardware platform (IMM2, thinkserver, IMM3v1, ...) is not listed for this release in `releases`.";
    /// The OS's `allowCustom*` flag for this kind of file is "false".
    CustomKindNotAllowed = "custom-kind-not-allowed",
        "The OS does not accept custom files of this kind (its allowCustom* flag is \"false\"). Remove the file from the profile.";
    /// The release is not in the OS's `custom*Releases` for this kind.
    CustomReleaseNotAllowed = "custom-release-not-allowed",
        "The OS accepts custom files of this kind only for the releases in its custom*Releases list, and this release is not one of them.";
    /// The file's extension is not allowed for its kind.
    ExtensionNotAllowed = "extension-not-allowed",
        "The file name does not end in one of the extensions of the OS's allowed*FileExtension list for this kind. Multi-part extensions such as tar.gz must match whole.";
    /// The kind of a loose file cannot be told.
    KindUnknown = "kind-unknown",
        "The kind of the file (driver, boot, config, script, software, unattend, bundle) cannot be told from its folder or its extension. Pass --kind, or put it in the matching folder of a profile. In a profile directory: a file outside the kind folders (`driver/` for `drivers/`), or in a folder below one, which a bundle would leave out; move it into its kind's folder, or exclude it (`exclude` in osbundle.toml, .gitignore).";
    /// A file could not be read.
    FileUnreadable = "file-unreadable",
        "The file or folder could not be read (permissions, a broken link, an I/O error). Nothing in it was checked.";
    /// A configuration-settings file is not valid JSON.
    ConfigInvalidJson = "config-invalid-json",
        "The configuration-settings file is not valid JSON (or not UTF-8). The position given is where parsing stopped.";
    /// A configuration-settings file violates the custom-config JSON Schema.
    ConfigSchema = "config-schema",
        "The configuration-settings file violates the custom-config JSON Schema (`osbundle schema custom-config`). Unknown properties are warnings.";
    /// A configuration-settings file is schema-valid but wrong.
    ConfigSemantic = "config-semantic",
        "The configuration-settings file is schema-valid but wrong: a value outside its choices, a regex that does not compile or that its value does not match, minElements above maxElements, duplicate sibling names, a name unusable in a macro, an array without content or template, a static node without a value.";
    /// An unattend file or script references an unknown macro.
    UnattendUnknownMacro = "unattend-unknown-macro",
        "An unattend file or installation script references a #macro# that is neither predefined nor derived from the profile's configuration-settings files.";
    /// `profile.json` of a profile directory is missing or wrong.
    ProfileInvalid = "profile-invalid",
        "The profile directory's profile.json is missing, not valid JSON, or breaks schemas/profile.schema.json; or the directory holds something a profile cannot.";
    /// The rules file breaks its schema or its own invariants.
    RulesInvalid = "rules-invalid",
        "The rules file breaks schemas/supported-images.schema.json or its own invariants (custom*Releases given while allowCustom* is \"false\", custom*Releases naming releases the OS does not have, an OS or release listed twice). Where the rules only disagree with the 2018 GET /osImages reference (rhels allowing custom config files), the finding is a note: a server's own rules are the truth for that server.";
    /// The gzip or tar stream is damaged or truncated.
    BundleCorrupt = "bundle-corrupt",
        "The gzip or tar stream of the bundle is damaged or truncated. Download or build it again.";
    /// A digest differs from the recorded one.
    BundleChecksumMismatch = "bundle-checksum-mismatch",
        "A file's or the archive's SHA-256 digest differs from the one recorded in the bundle: the bundle was changed or damaged after it was built.";
    /// The manifest or metadata names a file the archive does not hold.
    BundleMissingEntry = "bundle-missing-entry",
        "The bundle's manifest or metadata names a file that the archive does not hold.";
    /// The archive holds an entry nothing accounts for.
    BundleUnexpectedEntry = "bundle-unexpected-entry",
        "The archive holds an entry that neither its manifest nor its metadata accounts for.";
    /// An entry is unsafe to extract.
    BundleUnsafeEntry = "bundle-unsafe-entry",
        "An entry is unsafe to extract: an absolute path, `..`, a link, a device or fifo, a duplicate or case-colliding name, NUL, backslash or a drive letter in its name, or setuid/setgid bits.";
    /// A size or count limit was exceeded.
    BundleLimitExceeded = "bundle-limit-exceeded",
        "The bundle exceeds a limit on entry count, entry size, total size or compression ratio. Raise the limit with the matching option if the bundle is trusted.";
    /// The bundle's metadata is wrong.
    BundleMetadataInvalid = "bundle-metadata-invalid",
        "The bundle's metadata breaks schemas/bundle-metadata.schema.json or disagrees with the bundle's contents.";
    /// An osbundle bundle whose gzip encoding is not what `build` writes.
    BundleReencoded = "bundle-reencoded",
        "The bundle's content and ledger are intact, but its gzip bytes are not what `build` writes (another header, level or member layout, or zero bytes after the end): it was recompressed or written by another tool. A warning: exit 1 only with --strict.";
    /// Files of a foreign archive that no checksum covers.
    BundleUnverified = "bundle-unverified",
        "Files of a foreign archive (or the whole archive) that no checksum inside it covers: their integrity rests on the gzip CRC-32 and tar header checksums alone. A warning. (A download with no checksum of its own beside it is `download-unverified`.)";
    /// `extract` cleared setuid/setgid/sticky or group/other write bits.
    BundleModeCleared = "bundle-mode-cleared",
        "An entry of a foreign archive has setuid, setgid or sticky bits or is writable by group or others; extraction clears those bits, as Python's tarfile data filter does. A warning.";
    /// How a foreign archive was checked (a note).
    BundleForeign = "bundle-foreign",
        "The archive is not in the osbundle layout (metadata.json first, SHA256SUMS, CHECKSUM), so it was checked as a foreign export: container integrity, embedded checksum files, safety, and the check rules on what can be inferred. A note, never an error.";
    /// An ID of a delete request is not in the inventory.
    DeleteUnknownId = "delete-unknown-id",
        "An ID of the DELETE /osImages list names no OS image, profile or file of the inventory (the saved GET /osImages response). Image IDs end in a bar (`win2016|`), profile IDs are `image|profile`, custom file IDs are `<timestamp>_<file name>`; give them unencoded, as GET /osImages lists them.";
    /// An ID appears twice in a delete request.
    DeleteDuplicateId = "delete-duplicate-id",
        "The same ID appears more than once in the DELETE /osImages list; the second deletion of it would fail. List each ID once.";
    /// An ID of a delete request is empty.
    DeleteEmptyId = "delete-empty-id",
        "The DELETE /osImages list has an empty ID: two commas in a row, or a comma at the start or the end. Remove the extra comma.";
    /// An ID of a delete request has whitespace around it.
    DeleteIdWhitespace = "delete-id-whitespace",
        "An ID of the DELETE /osImages list has spaces around it. The endpoint splits at commas and does not document trimming, so the spaces would be sent (as %20) and the ID not found. Write the list without spaces: `a,b`.";
    /// An inventory ID holds a comma and cannot be addressed.
    DeleteIdContainsComma = "delete-id-contains-comma",
        "The inventory holds an ID with a comma in it (a custom file whose name has a comma). The endpoint splits its list at every comma, and an encoded %2C is decoded before that split, so the ID cannot be deleted through DELETE /osImages. Delete it in the web interface, or re-import the file under a name without a comma.";
    /// An image and one of its own profiles in one delete request.
    DeleteMixedImageProfile = "delete-mixed-image-profile",
        "The DELETE /osImages list names an OS image and one of that image's own profiles. The reference forbids it (it \"might result in errors\"): deleting the image deletes all of its profiles. Give either the image ID or the profile IDs.";
    /// A predefined file in a delete request.
    DeletePredefined = "delete-predefined",
        "The DELETE /osImages list names a file whose type is predefined: it was preloaded by LXCA and cannot be removed. Only custom files can be deleted.";
    /// A deleted custom file is still referenced by a remaining profile.
    DeleteStillReferenced = "delete-still-referenced",
        "A custom file the request deletes is still referenced by the customizationOptions of a profile that the request keeps; that profile would lose the file. Remove the file from the profile first, or delete the profile too.";
    /// An IMS image ID is not a canonical UUID.
    ImsInvalidImageId = "ims-invalid-image-id",
        "The image ID of DELETE /v2/images/{image_id} (Huawei Cloud IMS, OpenStack Glance) must be a UUID in its canonical form: 36 characters, lowercase hex digits in groups of 8-4-4-4-12 separated by hyphens, as IMS lists image IDs.";
    /// A saved server reply is not valid JSON.
    ReplyInvalidJson = "reply-invalid-json",
        "The saved server reply is not valid JSON (or not UTF-8). The position given is where parsing stopped. Replies are read as far as possible anyway.";
    /// A saved server reply reports a failure.
    ReplyFailed = "reply-failed",
        "The server reply reports a failure: LXCA's result \"failed\" with its messages, or an IMS/OpenStack error body ({\"error\": {...}}, {\"error_code\": ..., \"error_msg\": ...}, {\"badRequest\": {...}}). The message, explanation and recovery are shown with it.";
    /// A saved server reply is of no known form.
    ReplyUnrecognized = "reply-unrecognized",
        "The reply is JSON but of no form osbundle knows: not LXCA's envelope (result, messages), not an export reply (filename, jobID), not an IMS or OpenStack error body. It is treated as a failure so that pipelines stop.";
    /// A bundle `.zip` in `bundles/` has no BUNDLESIG signature beside it.
    BundlesigMissing = "bundlesig-missing",
        "A Lenovo bundle file (.zip in bundles/) has no BUNDLESIG signature (<name>.zip.asc) beside it. LXCA's BUNDLE import takes the .zip together with its .asc; put the signature Lenovo ships with the bundle next to it.";
    /// A key was given and no signature for it is beside the bundle.
    BundleSignatureMissing = "bundle-signature-missing",
        "A public key (--key) or an allowed-signers file (--allowed-signers) was given, but the bundle has no signature beside it: `<bundle>.minisig` (minisign, `osbundle sign` or `minisign -S`) or `<bundle>.sig` (`ssh-keygen -Y sign -n file`).";
    /// A signature does not verify, or is malformed.
    BundleSignatureInvalid = "bundle-signature-invalid",
        "The signature beside the bundle does not verify: the bundle's bytes changed after signing, it was made by another key or for another identity or namespace, the signer's key is outside its validity period, or the signature file is damaged. Do not trust the bundle.";
    /// A key or allowed-signers line cannot be used.
    SignatureKeyInvalid = "signature-key-invalid",
        "The key given with --key is not a minisign public key (an RW... string or a minisign .pub file), or a line of the --allowed-signers file is malformed, has an unsupported option or key type, or is a cert-authority line (certificates are not supported). The line is ignored.";
    /// An ID the profile names is neither in it nor in the repository.
    RepositoryMissingFile = "repository-missing-file",
        "The profile's customizationOptions (or profile.json's predefined*FileIds) name a file ID that is neither a custom file of the profile or bundle nor a file of that kind in the repository snapshot (--repository, a saved GET /osImages response). Upload the file first, or fix the ID.";
    /// The profile's OS image is not in the repository.
    RepositoryImageMissing = "repository-image-missing",
        "The repository snapshot (--repository) holds no OS image for the profile's OS and release (its osImage, or an image whose name starts with the OS and whose osrelease is the release). Import the OS image first.";
    /// A custom file's ID is in the repository with another size.
    RepositorySizeDiffers = "repository-size-differs",
        "The repository snapshot already holds a custom file with this ID (bundles) or this file name (profile directories) but of another size: importing would put two different files under one name. The repository gives sizes in KB (MB for bundle files), so sizes within one unit count as equal.";
    /// An unattend file of 0 bytes or only whitespace.
    UnattendEmpty = "unattend-empty",
        "An unattend file is empty: 0 bytes, or nothing but whitespace (after a UTF-8 or UTF-16 byte-order mark). It answers none of the installer's questions; it is usually a failed download or export, or an editor that saved nothing. Put the answers in it, or remove it from the profile. A warning: exit 1 only with --strict.";
    /// No checksum of the downloaded file itself (a note).
    DownloadUnverified = "download-unverified",
        "No checksum of the downloaded bundle file itself was found: no <bundle>.sha256, .sha512 or .md5 beside it, no line naming it in a SHA256SUMS, SHA512SUMS or MD5SUMS of its folder, no --expect-sha256. The checksums inside the bundle still prove it whole; only the publisher's checksum of the file ties it to what was published. A note; raise it with `[severity] download-unverified = \"error\"` in osbundle.toml to insist on one.";
    /// A command-line flag for loose files that a profile's profile.json overrides.
    FlagIgnored = "flag-ignored",
        "--os, --release or --platform was given for loose files, but the path is (or lies in) a profile directory, whose profile.json says otherwise; the profile is checked for what its profile.json says. Check the profile without the flag, or fix profile.json if the flag is right. A warning.";
    /// An ignore that silences nothing, or names no rule.
    IgnoreUnused = "ignore-unused",
        "An inline `osbundle: ignore[rule-id]` comment silences no finding on its line (or, alone on its line, on the next), or names a rule ID that does not exist; or an [[ignore]] entry of osbundle.toml silenced no finding in the run. Remove stale ignores so that they do not hide a new problem later. A warning: exit 1 only with --strict.";
    /// A payload of 0 bytes (a warning for scripts).
    PayloadEmpty = "payload-empty",
        "A driver, boot file, software or bundle file is empty (0 bytes): an error, it would fail to install; an empty or whitespace-only script is a warning, nothing would run. Usually a failed download or copy: fetch the file again.";
    /// An answer file does not parse as its installer parses it.
    UnattendMalformed = "unattend-malformed",
        "The answer file does not parse as its installer parses it, after macro substitution: not well-formed XML (with the line and column of the first error), an encoding declaration that disagrees with the bytes, a kickstart line with an unknown command, option or section or an unclosed section (pykickstart's tables for the release), YAML that does not parse, a preseed line that is not `owner question type value`, or bytes not valid in their encoding.";
    /// An answer file parses but is not one of its kind.
    UnattendStructure = "unattend-structure",
        "The answer file parses but is not what its installer expects: a wrong root element or namespace, an unknown or repeated Windows configuration pass, an AutoYaST type or value that YaST refuses, ESXi's required commands missing, #cloud-config without autoinstall. Deprecated kickstart commands are warnings; %include and %ksappend, which are not followed, are notes.";
    /// Substituting a macro's configured value breaks the document.
    MacroBreaksDocument = "macro-breaks-document",
        "LXCA substitutes macros before the installer reads the file, and with this macro's configured value (its config file's value, or first choice) the file no longer parses: an & or < in XML text, a quote or newline in a kickstart line, or a macro in an XML element or attribute name. Escape the value in the config file (&amp;), or move the macro to where any value is valid.";
    /// CR LF line endings in a Unix script; LF-only in a .cmd.
    ScriptLineEndings = "script-line-endings",
        "A .sh, .py, .pl or .pm script has Windows line endings (CR LF): the carriage returns become part of every command, and a #! line names an interpreter that does not exist (`/bin/bash^M: bad interpreter`). Convert with dos2unix. A .cmd with LF-only lines is a warning: cmd.exe misreads labels and goto in them; convert with unix2dos.";
    /// A script's bytes are not in an encoding its interpreter reads.
    ScriptEncoding = "script-encoding",
        "A script's bytes are not in an encoding its interpreter on the target reads: a byte-order mark or UTF-16 in a shell, Python or Perl script (the kernel does not see #!), bytes that are not UTF-8, a PowerShell script neither UTF-8 nor UTF-16 with BOM, a UTF-16 or BOM-prefixed .cmd.";
    /// A shell script without a #! line.
    ScriptShebangMissing = "script-shebang-missing",
        "A .sh script does not start with a #! line: which shell runs it depends on how the target starts it (sh or bash, with different syntax). Begin it with #!/bin/sh or #!/bin/bash. A warning.";
    /// A payload's bytes are not what its extension says.
    PayloadTypeMismatch = "payload-type-mismatch",
        "A payload's bytes are not what its extension says: an HTML page or a JSON or XML error body (what a browser or `curl` without `-f` saves when a vendor download needs a login), or another container (a gzip stream named .zip, a zip named .iso). Download the file again and check what it is.";
    /// A payload of the right type that is damaged or truncated.
    PayloadCorrupt = "payload-corrupt",
        "A payload of the right type is damaged or truncated: a zip's end record or central directory missing or disagreeing with its local headers, encrypted zip entries, an ISO volume larger than the file, RPM headers cut short or sizes that disagree with the file, a VIB's descriptor.xml not well-formed, a .tar.gz cut short; under --deep, a CRC-32 or digest mismatch (as `unzip -t` and `rpm -K` check). As a note: what one pass could not check.";
    /// A zip or tar.gz payload holds an entry that unpacks outside its folder.
    PayloadUnsafeEntry = "payload-unsafe-entry",
        "A zip or .tar.gz payload holds an entry whose name is absolute or has a `..` component, or a link whose target does: LXCA and the target host unpack these, and such an entry would be written outside the folder it is unpacked into.";
    /// A payload lacks what its kind needs on its OS.
    PayloadContentMissing = "payload-content-missing",
        "A payload lacks what its kind needs: a Windows driver zip with no .inf file (LXCA takes Windows drivers as zips of .inf drivers), an ESXi driver zip without index.xml and metadata.zip (an offline bundle), a VIB without descriptor.xml.";
}

impl Rule {
    /// Whether `build --force` and `extract --force` go ahead despite an error of
    /// this rule: they do despite what the rules, schemas and checks say of a
    /// profile's content, never despite what makes a bundle damaged, unsafe,
    /// unauthenticated or unwritable (corruption, digests, entries missing or
    /// unaccounted for, unsafe names and types, limits, signatures, metadata, an
    /// unusable profile.json, files that cannot be read).
    pub fn force_overrides(self) -> bool {
        !matches!(
            self,
            Rule::FileUnreadable
                | Rule::ProfileInvalid
                | Rule::BundleCorrupt
                | Rule::BundleChecksumMismatch
                | Rule::BundleMissingEntry
                | Rule::BundleUnexpectedEntry
                | Rule::BundleUnsafeEntry
                | Rule::BundleLimitExceeded
                | Rule::BundleMetadataInvalid
                | Rule::BundleSignatureMissing
                | Rule::BundleSignatureInvalid
                | Rule::SignatureKeyInvalid
        )
    }
}

impl Rule {
    /// The rule whose ID is `id`.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.as_str() == id)
    }

    /// ` (did you mean "<id>"?)` with the rule ID closest to the unknown `id`, or
    /// nothing when none is close.
    pub fn did_you_mean(id: &str) -> String {
        crate::suggest::did_you_mean(id, Rule::ALL.iter().map(|r| r.as_str()))
            .map(|n| format!(" (did you mean \"{n}\"?)"))
            .unwrap_or_default()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem found in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable rule ID.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// The path as given on the command line joined with the path below it; for a
    /// bundle entry, the bundle's path and the entry's name.
    pub path: String,
    /// What is wrong and what would be allowed instead.
    pub message: String,
    /// RFC 6901 JSON Pointer into the checked JSON document, when it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in Unicode characters, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Finding {
    /// An error finding with no position.
    pub fn error(rule: Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
            pointer: None,
            line: None,
            column: None,
        }
    }

    /// A warning finding with no position.
    pub fn warning(rule: Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, path, message)
        }
    }

    /// A note: how something was checked.
    pub fn note(rule: Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Note,
            ..Finding::error(rule, path, message)
        }
    }

    /// Sets the JSON Pointer.
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets line and column (both 1-based).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets line and column from an optional position.
    pub fn at_opt(self, position: Option<crate::json::Position>) -> Self {
        match position {
            Some(p) => self.at(p.line, p.column),
            None => self,
        }
    }

    /// The deterministic report order: path, then position, then rule and message.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        self.path
            .cmp(&other.path)
            .then(self.line.unwrap_or(0).cmp(&other.line.unwrap_or(0)))
            .then(self.column.unwrap_or(0).cmp(&other.column.unwrap_or(0)))
            .then(self.pointer.cmp(&other.pointer))
            .then(self.rule.cmp(&other.rule))
            .then(self.severity.cmp(&other.severity))
            .then(self.message.cmp(&other.message))
    }
}

impl Rule {
    /// The severity this rule's findings have unless one says otherwise: SARIF's
    /// `defaultConfiguration.level`, and the README rule table's "(warning)" or
    /// "(note)". A finding may differ (a `bundle-corrupt` damage the reader
    /// tolerates is a warning; a `bundle-unverified` download checksum is a note).
    pub fn default_severity(self) -> Severity {
        match self {
            Rule::BundleForeign | Rule::DownloadUnverified => Severity::Note,
            Rule::UnattendEmpty
            | Rule::BundleReencoded
            | Rule::BundleUnverified
            | Rule::BundleModeCleared
            | Rule::DeleteStillReferenced
            | Rule::RepositorySizeDiffers
            | Rule::BundlesigMissing
            | Rule::FlagIgnored
            | Rule::IgnoreUnused
            | Rule::ScriptShebangMissing => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Sorts findings into the report order and drops exact duplicates.
pub(crate) fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(Finding::sort_key_cmp);
    findings.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_documented() {
        let mut seen = HashSet::new();
        for rule in Rule::ALL {
            let id = rule.as_str();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id} is not kebab-case"
            );
            assert!(!rule.help().is_empty(), "{id} has no help text");
        }
    }

    #[test]
    fn every_rule_is_in_the_readme_rule_table() {
        let readme = include_str!("../README.md");
        for rule in Rule::ALL {
            let row = format!("\n| `{}` | ", rule.as_str());
            let Some(at) = readme.find(&row) else {
                panic!("README's rule table lacks {rule}");
            };
            let text = &readme[at + row.len()..];
            let shown = if text.starts_with("(warning)") {
                Severity::Warning
            } else if text.starts_with("(note)") {
                Severity::Note
            } else {
                Severity::Error
            };
            assert_eq!(
                shown,
                rule.default_severity(),
                "README's row of {rule} and Rule::default_severity disagree"
            );
        }
    }

    #[test]
    fn contract_rule_ids_are_stable() {
        // The IDs the contract names; renaming one breaks users' scripts.
        let contract = [
            "unknown-os",
            "release-not-supported",
            "platform-not-supported",
            "custom-kind-not-allowed",
            "custom-release-not-allowed",
            "extension-not-allowed",
            "kind-unknown",
            "config-invalid-json",
            "config-schema",
            "config-semantic",
            "unattend-unknown-macro",
            "profile-invalid",
            "rules-invalid",
            "bundle-corrupt",
            "bundle-checksum-mismatch",
            "bundle-missing-entry",
            "bundle-unexpected-entry",
            "bundle-unsafe-entry",
            "bundle-limit-exceeded",
            "bundle-metadata-invalid",
            "bundle-signature-missing",
            "bundle-signature-invalid",
        ];
        let ids: HashSet<_> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        for id in contract {
            assert!(ids.contains(id), "contract rule {id} is missing");
        }
    }

    #[test]
    fn sorting_orders_by_path_then_position() {
        let mut v = vec![
            Finding::error(Rule::KindUnknown, "b", "x"),
            Finding::error(Rule::ConfigSchema, "a", "y").at(3, 1),
            Finding::error(Rule::ConfigSchema, "a", "y").at(2, 9),
            Finding::error(Rule::ConfigSchema, "a", "y").at(2, 9),
        ];
        sort_findings(&mut v);
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].path.as_str(), v[0].line), ("a", Some(2)));
        assert_eq!((v[1].path.as_str(), v[1].line), ("a", Some(3)));
        assert_eq!(v[2].path, "b");
    }
}
