//! What `osbundle explain RULE` says about each rule beyond its help text: a longer
//! explanation and a small failing and passing example. One row per [`Rule`]; a test
//! keeps the table complete, so a new rule cannot ship without its row.

use super::Rule;

/// A small example: the file (or command) it is about, and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The file the text is (`profile.json`, `unattend/autoinst.xml`), or `shell` for
    /// commands.
    pub file: &'static str,
    /// The file's text, or the commands.
    pub text: &'static str,
}

/// The longer explanation of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// The rule.
    pub rule: Rule,
    /// Why the rule exists and what it protects against, beyond [`Rule::help`].
    pub why: &'static str,
    /// Something the rule reports.
    pub fails: Example,
    /// The same thing put right.
    pub passes: Example,
}

const fn ex(file: &'static str, text: &'static str) -> Example {
    Example { file, text }
}

const fn row(rule: Rule, why: &'static str, fails: Example, passes: Example) -> Explanation {
    Explanation {
        rule,
        why,
        fails,
        passes,
    }
}

const PROFILE: &str = "profile.json";
const SHELL: &str = "shell";

/// Every rule's explanation, in the order of [`Rule::ALL`].
pub(super) const EXPLANATIONS: &[Explanation] = &[
    row(
        Rule::UnknownOs,
        "LXCA accepts profiles and files only for the operating systems its supportedImages list; any other name is refused at import.",
        ex(PROFILE, r#"{"name": "web", "os": "windows", "release": "2016"}"#),
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2016"}"#),
    ),
    row(
        Rule::ReleaseNotSupported,
        "Each OS lists the releases it deploys; a profile for another release has no OS image to attach to.",
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2010"}"#),
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2016"}"#),
    ),
    row(
        Rule::PlatformNotSupported,
        "A release is deployable only to the hardware platforms listed for it (IMM2, thinkserver, IMM3v1, ...).",
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2012", "platforms": ["IMM3v1"]}"#),
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2016", "platforms": ["IMM3v1"]}"#),
    ),
    row(
        Rule::CustomKindNotAllowed,
        "Each OS says which kinds of custom files it takes (allowCustomDriver, allowCustomUnattendFile, ...). RHEL takes no custom unattend or config files, ESXi no custom files at all in the embedded rules.",
        ex("rhels-profile/unattend/ks.cfg", "(a custom kickstart in a profile whose OS is rhels)"),
        ex("sles-profile/unattend/autoinst.xml", "(a custom AutoYaST file in a profile whose OS is sles)"),
    ),
    row(
        Rule::CustomReleaseNotAllowed,
        "Some OSes take custom files of a kind only for some releases (custom*Releases); other releases refuse them.",
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2012"}  with drivers/nic.zip, where customDriverReleases lists only 2016"#),
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2016"}  with drivers/nic.zip"#),
    ),
    row(
        Rule::ExtensionNotAllowed,
        "LXCA's import takes each kind of file only with the extensions its OS lists (allowed*FileExtension); a file with another extension is refused at upload.",
        ex("win-profile/drivers/nic.exe", "(a Windows driver as an installer)"),
        ex("win-profile/drivers/nic.zip", "(the driver's files, with its .inf, in a zip)"),
    ),
    row(
        Rule::KindUnknown,
        "What a file is decides which rules apply to it; a loose file outside a profile's kind folders says so only by its extension, and some extensions (.zip) fit several kinds.",
        ex(SHELL, "osbundle check --os win --release 2016 nic.zip"),
        ex(SHELL, "osbundle check --os win --release 2016 --kind driver nic.zip"),
    ),
    row(
        Rule::FileUnreadable,
        "A file that cannot be read cannot be checked, and would not upload either.",
        ex(SHELL, "chmod 000 web/config/settings.json && osbundle check web"),
        ex(SHELL, "chmod 644 web/config/settings.json && osbundle check web"),
    ),
    row(
        Rule::ConfigInvalidJson,
        "LXCA parses configuration-settings files as JSON; one that does not parse is refused at import. Duplicate keys are reported too: readers disagree on which one wins.",
        ex("config/settings.json", r#"{"category": "dynamic", "name": "myDeploy", "type": "array", "content": [],}"#),
        ex("config/settings.json", r#"{"category": "dynamic", "name": "myDeploy", "type": "array", "content": [{"category": "dynamic", "name": "tz", "type": "string", "value": "UTC"}]}"#),
    ),
    row(
        Rule::ConfigSchema,
        "A configuration-settings file is a tree of nodes with a name and a type (`osbundle schema custom-config` prints the schema); a node of the wrong shape is refused at import.",
        ex("config/settings.json", r#"{"category": "dynamic", "name": "myDeploy", "type": "list"}"#),
        ex("config/settings.json", r#"{"category": "dynamic", "name": "myDeploy", "type": "array", "content": [{"category": "dynamic", "name": "tz", "type": "string", "value": "UTC"}]}"#),
    ),
    row(
        Rule::ConfigSemantic,
        "The schema cannot see everything LXCA checks: a value must be among its node's choices and match its regex, and sibling names must differ.",
        ex("config/settings.json", r#"{"category": "dynamic", "name": "d", "type": "array", "content": [{"category": "dynamic", "name": "tz", "type": "string", "choices": ["UTC", "CET"], "value": "PST"}]}"#),
        ex("config/settings.json", r#"{"category": "dynamic", "name": "d", "type": "array", "content": [{"category": "dynamic", "name": "tz", "type": "string", "choices": ["UTC", "CET"], "value": "UTC"}]}"#),
    ),
    row(
        Rule::UnattendUnknownMacro,
        "LXCA replaces #macro# references when it deploys; one it does not know stays in the file as written and the installer sees `#...#`. `osbundle macros PROFILE_DIR` lists the macros a profile can use.",
        ex("unattend/autoinst.xml", "<hostname>#predefined.hostPlatforms.networkSettings.hostName#</hostname>"),
        ex("unattend/autoinst.xml", "<hostname>#predefined.hostPlatforms.networkSettings.hostname#</hostname>"),
    ),
    row(
        Rule::ProfileInvalid,
        "profile.json says what the profile is (name, OS, release); without it no other check can be made, and `build` cannot write the bundle's metadata.",
        ex(PROFILE, r#"{"name": "web server", "os": "win"}"#),
        ex(PROFILE, r#"{"name": "web-server", "os": "win", "release": "2016"}"#),
    ),
    row(
        Rule::RulesInvalid,
        "Every other check trusts the rules; rules that break their schema or the reference's invariants would make those checks wrong.",
        ex("rules.json", r#"[{"name": "rhels", ..., "allowCustomUnattendFile": "true"}]"#),
        ex("rules.json", r#"[{"name": "rhels", ..., "allowCustomUnattendFile": "false"}]"#),
    ),
    row(
        Rule::BundleCorrupt,
        "A damaged or cut download cannot be imported whole; LXCA would fail part-way or import less than was exported.",
        ex(SHELL, "head -c 4096 bundle.tar.gz > cut.tar.gz && osbundle verify cut.tar.gz"),
        ex(SHELL, "osbundle verify bundle.tar.gz"),
    ),
    row(
        Rule::BundleChecksumMismatch,
        "The bundle records a SHA-256 digest of every file and of the archive; a difference means the bytes changed after `build`.",
        ex(SHELL, "(a bundle whose drivers/nic.zip was replaced after it was built)\nosbundle verify bundle.tar.gz"),
        ex(SHELL, "osbundle build web && osbundle verify *_web.tar.gz"),
    ),
    row(
        Rule::BundleMissingEntry,
        "What the manifest or metadata promises must be in the archive, or the profile imports without it.",
        ex(SHELL, "(metadata.json lists drivers/nic.zip, the archive has no such entry)"),
        ex(SHELL, "(every file metadata.json lists is in the archive)"),
    ),
    row(
        Rule::BundleUnexpectedEntry,
        "An entry nothing accounts for was added after the bundle was built, and nothing vouches for it.",
        ex(SHELL, "(an entry extra.sh appended to a built bundle)"),
        ex(SHELL, "(the bundle as `build` wrote it)"),
    ),
    row(
        Rule::BundleUnsafeEntry,
        "Extracting such an entry could write outside the target folder, replace other files, or create a privileged program (the classic tar-slip).",
        ex(SHELL, "tar czf evil.tar.gz -P /etc/passwd && osbundle verify evil.tar.gz"),
        ex(SHELL, "tar czf good.tar.gz web && osbundle verify good.tar.gz"),
    ),
    row(
        Rule::BundleLimitExceeded,
        "Limits keep a hostile archive (a gzip bomb, millions of entries) from filling memory or disk. A trusted, very large bundle can raise them with the --max-* options.",
        ex(SHELL, "osbundle verify --max-total-size 1M bundle.tar.gz"),
        ex(SHELL, "osbundle verify bundle.tar.gz"),
    ),
    row(
        Rule::BundleMetadataInvalid,
        "The metadata says what the bundle holds and for which OS; metadata that lies about the contents misleads every reader.",
        ex("metadata.json", r#"{"format": 1, "profile": {"name": "web", "os": "win"}}"#),
        ex(SHELL, "(metadata.json as `build` writes it)"),
    ),
    row(
        Rule::BundleReencoded,
        "`build` writes one canonical gzip encoding, so that two builds of one profile are byte for byte the same; a recompressed bundle still holds the same files, but its digest no longer matches the one published.",
        ex(SHELL, "gunzip -c bundle.tar.gz | gzip -9 > again.tar.gz && osbundle verify again.tar.gz"),
        ex(SHELL, "osbundle verify bundle.tar.gz"),
    ),
    row(
        Rule::BundleUnverified,
        "A checksum proves the bytes are what was written. Files no checksum inside the archive covers rest on the gzip CRC-32 alone, which does not detect deliberate changes.",
        ex(SHELL, "tar czf export.tar.gz web && osbundle verify export.tar.gz"),
        ex(SHELL, "osbundle build web && osbundle verify *_web.tar.gz   (its ledger covers every file)"),
    ),
    row(
        Rule::BundleModeCleared,
        "Files writable by others or with setuid bits would let another user or a program change or escalate through what was extracted.",
        ex(SHELL, "chmod 4755 web/scripts/post.sh; tar czf web.tar.gz web; osbundle extract web.tar.gz -C out"),
        ex(SHELL, "chmod 755 web/scripts/post.sh; tar czf web.tar.gz web; osbundle extract web.tar.gz -C out"),
    ),
    row(
        Rule::BundleForeign,
        "A bundle in the osbundle layout is checked strictly against its own ledger; any other export can only be checked for what it shows.",
        ex(SHELL, "tar czf web.tar.gz web && osbundle verify web.tar.gz"),
        ex(SHELL, "osbundle build web && osbundle verify *_web.tar.gz"),
    ),
    row(
        Rule::DeleteUnknownId,
        "An ID the server does not hold makes the whole DELETE request fail.",
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'win2016'"),
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'win2016|'"),
    ),
    row(
        Rule::DeleteDuplicateId,
        "The second deletion of an ID finds nothing to delete and fails.",
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'a.zip,a.zip'"),
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'a.zip'"),
    ),
    row(
        Rule::DeleteEmptyId,
        "An empty piece of the comma-separated list is an ID the server does not hold.",
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'a.zip,,b.zip'"),
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'a.zip,b.zip'"),
    ),
    row(
        Rule::DeleteIdWhitespace,
        "Spaces are sent as part of the ID, which then names nothing.",
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'a.zip, b.zip'"),
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'a.zip,b.zip'"),
    ),
    row(
        Rule::DeleteIdContainsComma,
        "The endpoint splits its list at commas, so an ID with one cannot be named at all.",
        ex(SHELL, "(an inventory file ID 1480000000000_a,b.zip)"),
        ex(SHELL, "(the file re-imported as 1480000000000_a_b.zip)"),
    ),
    row(
        Rule::DeleteMixedImageProfile,
        "Deleting an image deletes its profiles; naming both in one request might fail, as the reference warns.",
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'win2016|,win2016|web'"),
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'win2016|'"),
    ),
    row(
        Rule::DeletePredefined,
        "Predefined files were preloaded by LXCA and cannot be removed; the request fails.",
        ex(SHELL, "osbundle delete-plan --inventory osimages.json 'winpe-64-base'"),
        ex(SHELL, "osbundle delete-plan --inventory osimages.json '1480000000000_nic.zip'"),
    ),
    row(
        Rule::DeleteStillReferenced,
        "A profile that keeps using a deleted file deploys without it.",
        ex(SHELL, "(deleting 1480000000000_nic.zip, which the kept profile win2016|web uses)"),
        ex(SHELL, "(deleting 1480000000000_nic.zip together with win2016|web)"),
    ),
    row(
        Rule::ImsInvalidImageId,
        "IMS addresses images by canonical UUID only; any other spelling names no image.",
        ex(SHELL, "osbundle delete-plan --ims ABCDEF01-2345-6789-ABCD-EF0123456789"),
        ex(SHELL, "osbundle delete-plan --ims abcdef01-2345-6789-abcd-ef0123456789"),
    ),
    row(
        Rule::ReplyInvalidJson,
        "A reply that is not JSON was cut or is not from the endpoint (a proxy's HTML page); what it says cannot be trusted.",
        ex("reply.json", r#"{"result": "success", "messages": ["#),
        ex("reply.json", r#"{"result": "success", "messages": []}"#),
    ),
    row(
        Rule::ReplyFailed,
        "A script must stop when the server says the call failed, even when the HTTP status looks fine.",
        ex("reply.json", r#"{"result": "failed", "messages": [{"id": "FQXHMSE0001J", "text": "The request failed."}]}"#),
        ex("reply.json", r#"{"result": "success", "messages": []}"#),
    ),
    row(
        Rule::ReplyUnrecognized,
        "A reply of no known form cannot be told to have succeeded, so it is treated as a failure.",
        ex("reply.json", r#"{"status": "ok"}"#),
        ex("reply.json", r#"{"result": "success", "messages": []}"#),
    ),
    row(
        Rule::BundlesigMissing,
        "LXCA imports a Lenovo bundle together with its BUNDLESIG signature; without the .asc the import is refused.",
        ex("bundles/", "bundles/lnvgy_os_bundle.zip"),
        ex("bundles/", "bundles/lnvgy_os_bundle.zip\nbundles/lnvgy_os_bundle.zip.asc"),
    ),
    row(
        Rule::BundleSignatureMissing,
        "A key was given because only a signature proves who made the bundle; without one, nothing is proven.",
        ex(SHELL, "osbundle verify --key minisign.pub bundle.tar.gz"),
        ex(SHELL, "osbundle sign bundle.tar.gz --key minisign.key && osbundle verify --key minisign.pub bundle.tar.gz"),
    ),
    row(
        Rule::BundleSignatureInvalid,
        "A signature that does not verify means the bundle changed after signing or was signed by someone else.",
        ex(SHELL, "echo x >> bundle.tar.gz && osbundle verify --key minisign.pub bundle.tar.gz"),
        ex(SHELL, "osbundle verify --key minisign.pub bundle.tar.gz"),
    ),
    row(
        Rule::SignatureKeyInvalid,
        "A key that cannot be read verifies nothing; the signatures it was meant for stay unchecked.",
        ex(SHELL, "osbundle verify --key id_ed25519.pub bundle.tar.gz"),
        ex(SHELL, "osbundle verify --key minisign.pub bundle.tar.gz"),
    ),
    row(
        Rule::RepositoryMissingFile,
        "A profile that names a file the server does not hold deploys without it, or fails to import.",
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2016", "predefinedBootFileIds": ["winpe-64-nope"]}"#),
        ex(PROFILE, r#"{"name": "web", "os": "win", "release": "2016", "predefinedBootFileIds": ["winpe-64-base"]}"#),
    ),
    row(
        Rule::RepositoryImageMissing,
        "A profile customizes an OS image; without that image on the server it has nothing to customize.",
        ex(SHELL, "osbundle check --repository osimages.json sles-15.4-profile  (no sles 15.4 image imported)"),
        ex(SHELL, "osbundle check --repository osimages.json win-2016-profile"),
    ),
    row(
        Rule::RepositorySizeDiffers,
        "Two different files under one name: the import either replaces the server's file or is refused.",
        ex(SHELL, "(drivers/nic.zip of 2 MB; the repository's nic.zip is 5 MB)"),
        ex(SHELL, "(drivers/nic_v2.zip, a name the repository does not hold)"),
    ),
    row(
        Rule::UnattendEmpty,
        "An empty answer file answers none of the installer's questions: the installation stops and waits.",
        ex("unattend/autoinst.xml", ""),
        ex("unattend/autoinst.xml", "<?xml version=\"1.0\"?>\n<profile xmlns=\"http://www.suse.com/1.0/yast2ns\" xmlns:config=\"http://www.suse.com/1.0/configns\"/>"),
    ),
    row(
        Rule::DownloadUnverified,
        "The checksums inside a bundle prove it whole, but only a checksum published beside the download ties the file to what its publisher released.",
        ex(SHELL, "osbundle verify bundle.tar.gz"),
        ex(SHELL, "sha256sum bundle.tar.gz > bundle.tar.gz.sha256 && osbundle verify bundle.tar.gz"),
    ),
    row(
        Rule::FlagIgnored,
        "A profile directory says in its profile.json what it is; an --os, --release or --platform for loose files that says otherwise is not used for it, so the check may not be the one that was meant.",
        ex(SHELL, "osbundle check --os win --release 2012 profiles/win2016-datacenter"),
        ex(SHELL, "osbundle check profiles/win2016-datacenter"),
    ),
    row(
        Rule::IgnoreUnused,
        "An ignore that silences nothing is stale: the problem it was written for is gone, and it would hide the next one on that line or path without anyone noticing.",
        ex("scripts/post.sh", "#!/bin/sh\necho ok  # osbundle: ignore[unattend-unknown-macro]"),
        ex("scripts/post.sh", "#!/bin/sh\necho #site.motd#  # osbundle: ignore[unattend-unknown-macro]"),
    ),
    row(
        Rule::PayloadEmpty,
        "A 0-byte payload is a download or copy that failed: LXCA imports it, and the installation fails when it reaches the file (an empty script does nothing, a warning).",
        ex("drivers/nic.rpm", ""),
        ex(SHELL, "curl -fLo drivers/nic.rpm https://vendor.example/nic.rpm   # -f: no file from an error page"),
    ),
    row(
        Rule::UnattendMalformed,
        "The installer reads the answer file after LXCA has substituted its macros; a file it cannot parse stops the installation at its first step, long after the upload succeeded.",
        ex("unattend/autoinst.xml", "<?xml version=\"1.0\"?>\n<profile xmlns=\"http://www.suse.com/1.0/yast2ns\" xmlns:config=\"http://www.suse.com/1.0/configns\">\n  <general>\n</profile>"),
        ex("unattend/autoinst.xml", "<?xml version=\"1.0\"?>\n<profile xmlns=\"http://www.suse.com/1.0/yast2ns\" xmlns:config=\"http://www.suse.com/1.0/configns\">\n  <general/>\n</profile>"),
    ),
    row(
        Rule::UnattendStructure,
        "A well-formed file is not yet an answer file: AutoYaST ignores a profile outside its namespace, Windows Setup a pass it does not know, and ESXi stops without vmaccepteula.",
        ex("unattend/autoinst.xml", "<?xml version=\"1.0\"?>\n<profile/>"),
        ex("unattend/autoinst.xml", "<?xml version=\"1.0\"?>\n<profile xmlns=\"http://www.suse.com/1.0/yast2ns\" xmlns:config=\"http://www.suse.com/1.0/configns\"/>"),
    ),
    row(
        Rule::MacroBreaksDocument,
        "LXCA pastes a macro's value into the file as it is; a value with & or < in XML text, or a quote in a kickstart line, makes a file that was valid in the repository invalid on the server.",
        ex("settings.json (its #org# used in unattend/autoinst.xml)", r#"{"category": "dynamic", "name": "org", "type": "string", "value": "Smith & Sons"}"#),
        ex("settings.json (its #org# used in unattend/autoinst.xml)", r#"{"category": "dynamic", "name": "org", "type": "string", "value": "Smith &amp; Sons"}"#),
    ),
    row(
        Rule::ScriptLineEndings,
        "A Unix interpreter takes the carriage return of a CR LF line as part of the line: the #! line names `/bin/bash\r`, which does not exist, and every command gets a stray character.",
        ex("scripts/post.sh", "#!/bin/bash\r\necho done\r\n"),
        ex("scripts/post.sh", "#!/bin/bash\necho done\n"),
    ),
    row(
        Rule::ScriptEncoding,
        "The kernel reads the first two bytes of a script for #!; a byte-order mark in front of them, or UTF-16, makes the script fail to start, and bytes that are not UTF-8 break the interpreter's parser.",
        ex("scripts/post.sh", "\u{feff}#!/bin/sh\necho done\n"),
        ex("scripts/post.sh", "#!/bin/sh\necho done\n"),
    ),
    row(
        Rule::ScriptShebangMissing,
        "Without a #! line the shell that runs a script depends on how the target starts it (sh or bash), and bash syntax fails under sh.",
        ex("scripts/post.sh", "echo done\n"),
        ex("scripts/post.sh", "#!/bin/sh\necho done\n"),
    ),
    row(
        Rule::PayloadTypeMismatch,
        "A browser, or curl without -f, saves whatever the server answered under the name asked for: a login or 404 page named nic.zip imports into LXCA and fails at deployment. The first bytes say what a file is.",
        ex("drivers/nic.zip", "<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>"),
        ex(SHELL, "curl -fLo drivers/nic.zip https://vendor.example/nic.zip   # -f: no file from an error page"),
    ),
    row(
        Rule::PayloadCorrupt,
        "A download cut short or a file damaged in a copy keeps its first bytes: only its end record, recorded sizes or checksums show the damage, and the installer finds it an hour into the deployment.",
        ex(SHELL, "head -c 20000 image.iso > boot/winpe.iso   # a truncated download"),
        ex(SHELL, "sha256sum -c image.iso.sha256 && cp image.iso boot/winpe.iso"),
    ),
    row(
        Rule::PayloadUnsafeEntry,
        "LXCA and the target host unpack zip and tar.gz payloads; an entry named /etc/x or ../x, or a link leading out, would be written outside the folder they are unpacked into.",
        ex(SHELL, "zip -r drivers/nic.zip ../shared/nic.inf   # stores a name with .."),
        ex(SHELL, "(cd ../shared && zip -r - nic.inf) > drivers/nic.zip"),
    ),
    row(
        Rule::PayloadContentMissing,
        "LXCA takes a Windows driver as a zip of .inf drivers, and an ESXi driver as an offline bundle or a VIB; a zip of setup.exe installers or a bundle without its metadata imports and then installs nothing.",
        ex(SHELL, "zip drivers/nic.zip setup.exe"),
        ex(SHELL, "zip -r drivers/nic.zip nic.inf nic.sys nic.cat"),
    ),
];

/// How to change a rule's severity or ignore it: `[severity]` and `[[ignore]]` of
/// `osbundle.toml` (docs/CONFIGURATION.md) and the inline comment of CONTRACT.md's
/// "Suppressing a finding", as snippets to copy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// `[severity]` in `osbundle.toml`.
    pub severity: String,
    /// The inline comment, on the offending line or alone on the line before it.
    pub inline: String,
    /// `[[ignore]]` for paths in `osbundle.toml`.
    pub paths: String,
}

impl Rule {
    /// How to change this rule's severity or ignore it.
    pub fn change(self) -> Change {
        let other = match self.default_severity() {
            super::Severity::Error => "warning",
            _ => "error",
        };
        Change {
            severity: format!("[severity]\n{self} = \"{other}\"   # \"error\", \"warning\" or \"off\""),
            inline: format!(
                "<!-- osbundle: ignore[{self}] -->   (XML; `# osbundle: ignore[{self}]` in kickstart and shell, `REM osbundle: ignore[{self}]` in .cmd)"
            ),
            paths: format!("[[ignore]]\npaths = [\"profiles/legacy/**\"]\nrules = [\"{self}\"]"),
        }
    }

    /// The longer explanation and examples of `osbundle explain`.
    pub fn explanation(self) -> Option<&'static Explanation> {
        EXPLANATIONS.iter().find(|e| e.rule == self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_one_explanation() {
        for rule in Rule::ALL {
            let n = EXPLANATIONS.iter().filter(|e| e.rule == *rule).count();
            assert_eq!(n, 1, "{rule} has {n} explanations in EXPLANATIONS");
            let e = rule.explanation().unwrap();
            assert!(!e.why.is_empty(), "{rule} has no explanation");
            assert_ne!(e.fails, e.passes, "{rule}: its examples are the same");
        }
        assert_eq!(EXPLANATIONS.len(), Rule::ALL.len());
    }

    #[test]
    fn rule_ids_are_found_and_near_misses_suggested() {
        assert_eq!(Rule::from_id("unknown-os"), Some(Rule::UnknownOs));
        assert_eq!(Rule::from_id("unknown_os"), None);
        assert_eq!(
            Rule::did_you_mean("unknown_os"),
            " (did you mean \"unknown-os\"?)"
        );
        assert_eq!(Rule::did_you_mean("zzzz"), "");
    }
}
