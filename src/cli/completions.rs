//! `osbundle completions SHELL` and `osbundle man`: generated from the same clap
//! definition as the parser, so they never drift from it.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{with_stdout, Cli, Outcome};
use osbundle::Result;

/// Arguments of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for a shell.
pub fn run(args: CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    with_stdout(|out| {
        clap_complete::generate(args.shell, &mut cmd, "osbundle", out);
        Ok(())
    })?;
    Ok(Outcome::Valid)
}

/// Prints the man page.
pub fn man() -> Result<Outcome> {
    let page = clap_mangen::Man::new(Cli::command());
    with_stdout(|out| page.render(out))?;
    Ok(Outcome::Valid)
}
