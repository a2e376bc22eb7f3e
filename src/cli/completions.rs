//! `osbundle completions SHELL` and `osbundle man`: generated from the same clap
//! definition as the parser, so they never drift from it.

use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{with_stdout, Cli, Outcome, RunSettings};
use osbundle::{Error, Result};

/// Arguments of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for a shell.
pub fn run(_global: &RunSettings, args: CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    with_stdout(|out| {
        clap_complete::generate(args.shell, &mut cmd, "osbundle", out);
        Ok(())
    })?;
    Ok(Outcome::Valid)
}

/// Arguments of `man`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
osbundle man | man -l -\n  \
osbundle man --dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Write osbundle.1 and one page per subcommand (osbundle-check.1, ...) into DIR
    /// (which must exist) instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the main man page, or writes every page into a folder.
pub fn man(_global: &RunSettings, args: ManArgs) -> Result<Outcome> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = args.dir else {
        let page = page(&cmd, "osbundle").map_err(Error::Output)?;
        with_stdout(|out| out.write_all(&page))?;
        return Ok(Outcome::Valid);
    };
    std::fs::metadata(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut pages = Vec::new();
    collect_pages(&cmd, "osbundle", &mut pages);
    for (name, cmd) in pages {
        let page = page(&cmd, &name).map_err(Error::Output)?;
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page).map_err(|e| Error::io(&path, e))?;
    }
    Ok(Outcome::Valid)
}

/// Every command with its page name (`osbundle`, `osbundle-check`,
/// `osbundle-config-macros`, ...).
fn collect_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((name.to_string(), cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

/// One man page: clap_mangen's sections, then EXIT STATUS, ENVIRONMENT, FILES and
/// SEE ALSO.
fn page(cmd: &clap::Command, name: &str) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone().display_name(name.to_string()))
        .title(name.to_uppercase())
        .render(&mut out)?;
    let has = |id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
    let mut roff = String::new();
    roff.push_str(".SH \"EXIT STATUS\"\n");
    let codes: &[(&str, &str)] = if has("format") {
        &[
            ("0", "Everything checked is valid (warnings allowed unless \\-\\-strict)."),
            ("1", "At least one finding of severity error (or a warning under \\-\\-strict)."),
            ("2", "The tool could not do its job: bad usage, a missing path, an unreadable rules or configuration file."),
        ]
    } else if name == "osbundle" {
        &[
            ("0", "Everything checked is valid (warnings allowed unless \\-\\-strict)."),
            ("1", "At least one finding of severity error."),
            ("2", "The tool could not do its job: bad usage, a missing path, an unreadable rules or configuration file."),
        ]
    } else {
        &[
            ("0", "Success."),
            ("2", "Bad usage, or the output could not be written."),
        ]
    };
    for (code, text) in codes {
        roff.push_str(&format!(".TP\n{code}\n{text}\n"));
    }
    roff.push_str(".SH ENVIRONMENT\n");
    if has("config") || name == "osbundle" {
        roff.push_str(
            ".TP\nOSBUNDLE_CONFIG\nThe project configuration file to read when \\-\\-config is not given (instead of the nearest osbundle.toml).\n",
        );
    }
    if name == "osbundle" || name == "osbundle-build" {
        roff.push_str(
            ".TP\nSOURCE_DATE_EPOCH\nBuild time of bundles, in seconds since 1970 (reproducible builds); else the current time.\n",
        );
    }
    roff.push_str(
        ".TP\nNO_COLOR\nNo colour in text output, unless \\-\\-color always.\n.TP\nCLICOLOR_FORCE\nColour even when standard output is not a terminal.\n",
    );
    roff.push_str(".SH FILES\n");
    if has("config") || name == "osbundle" {
        roff.push_str(
            ".TP\nosbundle.toml\nProject configuration, found from the current directory upward: rules, os, release, platform, exclude and [severity]. Command\\-line flags override it; \\-\\-no\\-config ignores it.\n",
        );
    }
    roff.push_str(
        ".TP\n\\&.gitignore, .ignore\nFolder walks of check, and the listings of profile directories by check and build, skip what they exclude (\\-\\-no\\-ignore reads none).\n.TP\nBUNDLE.sha256\nThe sidecar checksum build writes beside a bundle and verify checks when present.\n",
    );
    roff.push_str(".SH \"SEE ALSO\"\n");
    let see_also: Vec<String> = if name == "osbundle" {
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| format!("osbundle\\-{}(1)", s.get_name().replace('-', "\\-")))
            .collect()
    } else {
        vec!["osbundle(1)".to_string()]
    };
    roff.push_str(&see_also.join(", "));
    roff.push('\n');
    out.extend_from_slice(roff.as_bytes());
    Ok(out)
}

impl super::Run for CompletionsArgs {
    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        run(global, self)
    }
}

impl super::Run for ManArgs {
    fn run(self, global: &super::RunSettings) -> Result<Outcome> {
        man(global, self)
    }
}
