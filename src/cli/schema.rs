//! `osbundle schema NAME`

use clap::{Args, ValueEnum};

use super::{emit_document, Outcome, RunSettings};
use osbundle::report::Report;
use osbundle::schemas::SchemaName;
use osbundle::Result;

/// Arguments of `schema`.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub name: SchemaArg,
}

/// The embedded schemas (the library's [`SchemaName`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaArg {
    /// `supportedImages` rules: a `GET /osImages` response or a bare array.
    SupportedImages,
    /// `profile.json` of a profile directory.
    Profile,
    /// A custom configuration-settings file: the settings tree or an import body.
    CustomConfig,
    /// `metadata.json` of a profile bundle.
    BundleMetadata,
}

impl From<SchemaArg> for SchemaName {
    fn from(s: SchemaArg) -> SchemaName {
        match s {
            SchemaArg::SupportedImages => SchemaName::SupportedImages,
            SchemaArg::Profile => SchemaName::Profile,
            SchemaArg::CustomConfig => SchemaName::CustomConfig,
            SchemaArg::BundleMetadata => SchemaName::BundleMetadata,
        }
    }
}

/// Prints the schema.
pub fn run(global: &RunSettings, args: SchemaArgs) -> Result<Outcome> {
    let name = SchemaName::from(args.name);
    emit_document(global, &Report::default(), &name, "schema")
}

impl super::Run for SchemaArgs {
    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}
