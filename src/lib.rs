//! `osbundle`: the offline packager and validator for OS-image profile bundles of
//! Lenovo XClarity Administrator (LXCA) style OS-deployment repositories.
//!
//! Every subcommand of the binary is a function of this library:
//! - [`check::run`] preflights files and profile directories against the
//!   `supportedImages` [`rules`];
//! - [`bundle`] builds, verifies, inspects and extracts profile bundles;
//! - [`config::check_bytes`] validates configuration-settings JSON and derives its
//!   macros; [`macros`] cross-checks `#macro#` references;
//! - [`delete`] plans LXCA and IMS image deletions offline (IDs, cascade, encoded
//!   path); [`reply`] reads the replies those servers send;
//! - [`project`] reads the project configuration `osbundle.toml`;
//! - findings are values ([`findings::Finding`]) with stable rule IDs, written by
//!   [`report`] as text, JSON, SARIF or GitHub workflow commands.
//!
//! Offline: nothing here reaches the network.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bundle;
pub mod check;
pub mod cli;
pub mod config;
pub mod delete;
pub mod error;
pub mod findings;
pub mod input;
pub mod json;
pub mod kind;
pub mod macros;
pub mod progress;
pub mod project;
pub mod reply;
pub mod report;
pub mod rules;
pub mod schemas;
pub mod version;

pub use error::{Error, Result};
