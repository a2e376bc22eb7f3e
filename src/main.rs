//! The `osbundle` binary: parse arguments, run the library, map the outcome to an exit
//! code (0 valid, 1 findings, 2 could not do the job). The command-line layer
//! (`cli/`) is the binary's own: the library carries no clap types.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let format = cli.format();
    match cli::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            cli::fail(format, &e);
            eprintln!(
                "osbundle: error: {}",
                osbundle::names::escape(&e.to_string())
            );
            ExitCode::from(2)
        }
    }
}
