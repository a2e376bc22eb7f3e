//! `osbundle`: the offline packager and validator for OS-image profile bundles of
//! Lenovo XClarity Administrator (LXCA) style OS-deployment repositories.
//!
//! The library's face is its modules; every subcommand of the binary is a function
//! of one of them:
//! - [`check::run`] preflights files and profile directories against the
//!   `supportedImages` rules ([`rules::RuleSet`], [`rules::load_file`]);
//! - [`bundle::build`], [`bundle::verify_path`], [`bundle::inspect`] and
//!   [`bundle::extract`] build, verify, list and extract profile bundles;
//!   [`verification::verify_bundles`] is the whole of `verify` (signatures with
//!   [`sign`], a saved repository with [`repository`]);
//! - [`config::check_bytes`] validates configuration-settings JSON,
//!   [`macros::derive_macros`] lists the custom macros it provides;
//! - [`api::delete::lxca::plan`] and [`api::delete::ims::plan`] check delete requests
//!   offline against a saved [`api::delete::Inventory`]; [`api::reply::read`] reads
//!   the replies of those servers;
//! - [`project::Project`] reads the project configuration `osbundle.toml`;
//! - [`scaffold::create`] starts a profile directory, [`macro_sources::list`] lists
//!   the macros a profile can use, [`diff::compare`] compares two bundles or
//!   profiles, [`Rule::explanation`] explains a rule;
//! - findings are values ([`Finding`]) with stable rule IDs ([`Rule`]), gathered in a
//!   [`report::Report`] and written by [`report::write`] as text, JSON, SARIF, GitHub
//!   workflow commands, JUnit XML or GitLab Code Quality.
//!
//! Names stand alone under their module (`sign::Status`, `api::reply::Status`); the
//! crate root holds only what every module shares: [`Error`], [`Result`],
//! [`Finding`], [`Rule`], [`Severity`], [`Kind`] and [`VERSION`].
//!
//! Offline: nothing here reaches the network.
//!
//! ```
//! use osbundle::check::{self, CheckSettings};
//! use osbundle::report::{self, Format, WriteOptions};
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
//! // The embedded rules of the five reference OSes; `rules::load_file` reads your own.
//! let report = check::run(&[profile], &CheckSettings::default())?;
//! assert_eq!(report.findings[0].rule.as_str(), "extension-not-allowed");
//! assert!(report.failed(false));
//!
//! let mut out = Vec::new();
//! report::write(&report, WriteOptions::new(Format::Json, "file"), &mut out).unwrap();
//! assert!(String::from_utf8_lossy(&out).contains("\"extension-not-allowed\""));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(unreachable_pub)]

pub mod api;
pub mod bundle;
pub mod check;
pub mod cleanup;
pub mod config;
mod date;
pub mod diff;
mod error;
pub mod findings;
pub mod input;
mod json;
mod kind;
pub mod macro_sources;
pub mod macros;
pub mod names;
pub mod profile;
mod progress;
pub mod project;
pub mod report;
pub mod repository;
pub mod rules;
pub mod scaffold;
pub mod schemas;
pub mod sign;
mod suggest;
pub mod suppress;
pub mod verification;
mod version;

pub use error::{Error, Result};
pub use findings::{Finding, Rule, Severity};
pub use kind::Kind;

/// The version string: the crate version and, when known at build time, the commit
/// it was built from.
pub const VERSION: &str = version::LONG;

/// Internals for the fuzz targets and benchmarks of this repository. Not part of
/// the API: no stability promise. Each module mirrors the crate's path of what it
/// re-exports (`internals::bundle::format` is `crate::bundle::format`). (The archive
/// layer's pieces the fuzzers drive, the tar reader, the gzip writer, checksum lines
/// and the stream sink, are the public API of `osbundle-archive`.)
#[doc(hidden)]
pub mod internals {
    pub mod api {
        pub mod delete {
            pub mod ids {
                pub use crate::api::delete::ids::*;
            }
        }
    }
    pub mod bundle {
        pub mod format {
            pub use crate::bundle::format::*;
        }
        pub mod metadata {
            pub use crate::bundle::metadata::*;
        }
    }
    pub mod json {
        pub use crate::json::{join_pointer, Document};
    }
    pub mod sign {
        pub mod allowed {
            pub use crate::sign::allowed::*;
        }
        pub mod minisig {
            pub use crate::sign::minisig::*;
        }
        pub mod ssh {
            pub use crate::sign::ssh::*;
        }
    }
}
