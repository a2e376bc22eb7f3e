//! `osbundle`: the offline packager and validator for OS-image profile bundles of
//! Lenovo XClarity Administrator (LXCA) style OS-deployment repositories.
//!
//! Every subcommand of the binary is a function here:
//! - [`check`] preflights files and profile directories against the
//!   `supportedImages` rules ([`RuleSet`], [`load_rules`]);
//! - [`build()`], [`verify_path`], [`inspect`] and [`extract()`] build, verify, list and
//!   extract profile bundles;
//! - [`check_config`] validates configuration-settings JSON, [`derive_macros`] lists
//!   the custom macros it provides;
//! - [`plan_lxca_delete`] and [`plan_ims_delete`] check delete requests offline
//!   against a saved [`Inventory`]; [`read_reply`] reads the replies of those servers;
//! - [`Project`] reads the project configuration `osbundle.toml`;
//! - [`new_profile`] starts a profile directory, [`list_macros`] lists the macros a
//!   profile can use, [`Rule::explanation`] explains a rule;
//! - findings are values ([`Finding`]) with stable rule IDs ([`Rule`]), gathered in a
//!   [`Report`] and written by [`write_report`] as text, JSON, SARIF, GitHub
//!   workflow commands, JUnit XML or GitLab Code Quality.
//!
//! Offline: nothing here reaches the network.
//!
//! ```
//! use osbundle::{check, write_report, CheckSettings, Format, WriteOptions};
//!
//! # fn main() -> osbundle::Result<()> {
//! let dir = tempfile::tempdir().map_err(|e| osbundle::Error::io(".", e))?;
//! let profile = dir.path().join("p");
//! std::fs::create_dir_all(profile.join("drivers")).unwrap();
//! std::fs::write(
//!     profile.join("profile.json"),
//!     r#"{"name": "p", "os": "win", "release": "2016"}"#,
//! )
//! .unwrap();
//! std::fs::write(profile.join("drivers/nic.exe"), b"").unwrap();
//!
//! // The embedded rules of the five reference OSes; `load_rules` reads your own.
//! let report = check(&[profile], &CheckSettings::default())?;
//! assert_eq!(report.findings[0].rule.as_str(), "extension-not-allowed");
//! assert!(report.failed(false));
//!
//! let mut out = Vec::new();
//! write_report(&report, WriteOptions::new(Format::Json, "file"), &mut out).unwrap();
//! assert!(String::from_utf8_lossy(&out).contains("\"extension-not-allowed\""));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod bundle;
mod check;
mod cleanup;
mod config;
mod date;
mod diff;
mod error;
mod findings;
mod input;
mod json;
mod kind;
mod macro_sources;
mod macros;
mod names;
mod profile;
mod progress;
mod project;
mod report;
mod repository;
mod rules;
mod scaffold;
mod schemas;
mod sign;
mod suggest;
mod suppress;
mod verification;
mod version;

pub use api::delete::ims::{plan as plan_ims_delete, ImsBody, ImsPlan};
pub use api::delete::lxca::{
    plan as plan_lxca_delete, LxcaPlan, Named, PlannedId, Removal, RemovedFile, RemovedProfile, Via,
};
pub use api::delete::{Inventory, Status as ResponseStatus, IMS_STATUS, LXCA_STATUS};
pub use api::reply::Status as ReplyStatus;
pub use api::reply::{
    read as read_reply, read_with_status as read_reply_with_status, status_meaning, Message,
    Recovery, Reply, Server, ServiceError,
};
pub use bundle::format::{parse_rfc3339, MAX_EPOCH};
pub use bundle::limits::parse_size;
pub use bundle::sums::parse_digest as parse_sha256;
pub use bundle::{
    build, extract, inspect, verify_path, verify_paths, verify_reader, BuildOutcome, BuildSettings,
    BuildShown, Built, ChecksumStatus, DownloadChecksum, EntryInfo, ExtractShown, Extracted,
    InspectShown, Limits, Verified, VerifySettings,
};
pub use check::walk::WalkOptions;
pub use check::{run as check, run_with_notes as check_with_notes, CheckSettings, ScopeFlags};
pub use cleanup::{install_signal_handlers, sweep as sweep_temporaries};
pub use config::{check_bytes as check_config, ConfigCheck};
pub use diff::{
    compare as diff_sides, read as read_diff_side, write_text as write_diff, Change, Changed, Diff,
    DiffShown, FileDiff, FileDigest, OneFile, Renamed, Side as DiffSide, TextDiff,
};
pub use error::{Error, Result};
pub use findings::{
    Change as RuleChange, Example as RuleExample, Explanation, Finding, Rule, Severity,
};
pub use input::read_path as read_input;
pub use kind::Kind;
pub use macro_sources::{
    list as list_macros, MacroList, MacroSource, MacroSources, Origin as MacroOrigin,
};
pub use macros::{derive_macros, CustomMacros};
pub use names::{escape as escape_text, from_path as shown_path};
pub use profile::{Excludes, PROFILE_FILE};
pub use project::{
    discover as discover_config, ConfigError, ConfigFileShown, ConfigShown, Level, Origin, Project,
    ProjectConfig, Setting, SettingShown, ENV_VAR as CONFIG_ENV, FILE_NAME as CONFIG_FILE,
};
pub use report::{
    write as write_report, write_document, write_error, Explained, Findings, Format, Output,
    Report, Summary, WriteOptions,
};
pub use repository::{check_bundle as check_bundle_repository, check_profiles as check_repository};
pub use rules::{
    list_names, load_file as load_rules, load_slice as load_rules_slice, same_release, KindRules,
    Loaded as LoadedRules, OsRules, Release, RuleSet, RulesShown,
    EMBEDDED_NAME as EMBEDDED_RULES_NAME, EMBEDDED_PATH,
};
pub use scaffold::{create as new_profile, Dialect, NewProfile};
pub use schemas::SchemaName;
pub use sign::minisig::{
    load_secret_key as load_minisign_secret_key, read_password, LoadedKey as MinisignKey, Password,
};
pub use sign::{
    check as check_signatures, keygen, load_trust, sign_bundle, sign_bundles, verify_paths_signed,
    AllowedSigners, Checked as CheckedSignatures, KeyPair, NewKey, SignatureInfo, Signed,
    SignedBundle, Signing, Status as SignatureStatus, Trust,
};
pub use suppress::PathIgnore;
pub use verification::{verify_bundles, Verification, VerifiedBundle, VerifyChecks};
pub use version::LONG as VERSION;

/// Internals for the fuzz targets and benchmarks of this repository. Not part of
/// the API: no stability promise. (The archive layer's pieces the fuzzers drive,
/// the tar reader, the gzip writer, checksum lines and the stream sink, are the
/// public API of `osbundle-archive`.)
#[doc(hidden)]
pub mod internals {
    pub use crate::api::delete::ids;
    pub use crate::bundle::format as bundle_format;
    pub use crate::bundle::metadata as bundle_metadata;
    pub use crate::json::{join_pointer, Document};
    pub use crate::macros::{check_references, decode_text, scan, MacroCatalog};
    pub use crate::profile::{PlannedFile, ProfileInfo};
    pub use crate::repository::{
        check as check_repository_subject, size_range, CustomFile, Place, Reference, Subject,
    };
    pub use crate::sign::{allowed, minisig, ssh};
    pub use crate::suppress::{apply_inline, directives, Directive};
}
