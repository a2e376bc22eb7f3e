//! `osbundle completions SHELL` and `osbundle man`: generated from the same clap
//! definition as the parser, so they never drift from it.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{text_only, with_stdout, Cli, GlobalArgs, Outcome};
use osbundle::Result;

/// Arguments of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for a shell.
pub fn run(global: &GlobalArgs, args: CompletionsArgs) -> Result<Outcome> {
    text_only(global, "completions print a shell script")?;
    let mut cmd = Cli::command();
    with_stdout(|out| {
        clap_complete::generate(args.shell, &mut cmd, "osbundle", out);
        Ok(())
    })?;
    Ok(Outcome::Valid)
}

/// Prints the man page.
pub fn man(global: &GlobalArgs) -> Result<Outcome> {
    text_only(global, "man prints a roff page")?;
    let page = clap_mangen::Man::new(Cli::command());
    with_stdout(|out| page.render(out))?;
    Ok(Outcome::Valid)
}
