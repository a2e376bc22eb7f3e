//! `osbundle schema NAME`

use clap::Args;

use super::{with_stdout, Outcome};
use crate::error::Result;
use crate::schemas::SchemaName;

/// Arguments of `schema`.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub name: SchemaName,
}

/// Prints the schema.
pub fn run(args: SchemaArgs) -> Result<Outcome> {
    with_stdout(|out| out.write_all(args.name.text().as_bytes()))?;
    Ok(Outcome::Valid)
}
