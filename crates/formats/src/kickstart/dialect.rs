//! The kickstart dialects: Anaconda at one pykickstart version (its commands,
//! options and sections, from the generated tables), Anaconda at any version, and
//! the ESXi installer.

use super::tables;

/// The kickstart syntax of one release line (a pykickstart handler).
#[derive(Debug)]
pub struct Version {
    /// pykickstart's name of the version: `RHEL7`, `RHEL8`, ...
    pub name: &'static str,
    /// The section headers it knows (`%post`, `%packages`, ...).
    pub sections: &'static [&'static str],
    /// The `--options` of the section headers that parse them, sorted; a section
    /// not listed takes any (`%addon`, `%anaconda`).
    pub section_options: &'static [(&'static str, &'static [&'static str])],
    /// The commands it knows, sorted by name.
    pub commands: &'static [Command],
}

/// A command of a kickstart version.
#[derive(Debug)]
pub struct Command {
    /// The command's name.
    pub name: &'static str,
    /// Accepted and ignored with a deprecation warning.
    pub deprecated: bool,
    /// Takes any arguments: its line is passed through unparsed (`auth`,
    /// `authconfig`), or it is deprecated.
    pub free: bool,
    /// Its `--options`, sorted (empty for commands that take any).
    pub options: &'static [&'static str],
    /// The options that take a value (`--opt v` or `--opt=v`), sorted.
    pub valued: &'static [&'static str],
    /// The most positional arguments it takes, where pykickstart limits them.
    pub max_arguments: Option<u8>,
}

impl Version {
    /// The version called `name` (`RHEL8`), if the tables have it.
    pub fn named(name: &str) -> Option<&'static Version> {
        tables::VERSIONS.iter().find(|v| v.name == name)
    }

    /// Every version of the tables, oldest first.
    pub fn all() -> &'static [Version] {
        tables::VERSIONS
    }

    /// The command called `name`.
    pub fn command(&self, name: &str) -> Option<&'static Command> {
        let commands: &'static [Command] = self.commands;
        commands
            .binary_search_by(|c| c.name.cmp(name))
            .ok()
            .map(|i| &commands[i])
    }
}

/// Which installer reads the file.
#[derive(Debug, Clone, Copy)]
pub enum Dialect {
    /// Anaconda, at one pykickstart version.
    Anaconda(&'static Version),
    /// Anaconda at a version not known: a command or option is accepted when any
    /// version knows it.
    AnacondaAny,
    /// The ESXi installer.
    Esxi,
}

/// The ESXi installer's commands (VMware, "Installation and Upgrade Script
/// Commands"), sorted; `vm`-prefixed spellings are the older ones.
pub const ESXI_COMMANDS: &[&str] = &[
    "accepteula",
    "clearpart",
    "dryrun",
    "include",
    "install",
    "installorupgrade",
    "keyboard",
    "network",
    "paranoid",
    "part",
    "partition",
    "reboot",
    "rootpw",
    "serialnum",
    "upgrade",
    "vmaccepteula",
    "vmserialnum",
];

/// The ESXi installer's sections.
pub const ESXI_SECTIONS: &[&str] = &["%firstboot", "%post", "%pre"];

impl Dialect {
    /// Every command name the dialect knows, sorted and unique.
    pub fn command_names(self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = match self {
            Dialect::Anaconda(v) => v.commands.iter().map(|c| c.name).collect(),
            Dialect::AnacondaAny => Version::all()
                .iter()
                .flat_map(|v| v.commands.iter().map(|c| c.name))
                .collect(),
            Dialect::Esxi => ESXI_COMMANDS.to_vec(),
        };
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The `--options` of the command or section header `name`, sorted (empty when
    /// it takes any or is not known).
    pub fn options_of(self, name: &str) -> Vec<&'static str> {
        if name.starts_with('%') {
            return self.section_options(name).unwrap_or_default();
        }
        let mut out: Vec<&'static str> = match self {
            Dialect::Anaconda(v) => v
                .command(name)
                .map(|c| c.options.to_vec())
                .unwrap_or_default(),
            Dialect::AnacondaAny => Version::all()
                .iter()
                .filter_map(|v| v.command(name))
                .flat_map(|c| c.options.iter().copied())
                .collect(),
            Dialect::Esxi => Vec::new(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The header options of `section`; `None` when any goes.
    pub(super) fn section_options(self, section: &str) -> Option<Vec<&'static str>> {
        let versions: Vec<&'static Version> = match self {
            Dialect::Anaconda(v) => vec![v],
            Dialect::AnacondaAny => Version::all().iter().collect(),
            Dialect::Esxi => return None,
        };
        let mut out = Vec::new();
        for v in versions {
            let (_, options) = v.section_options.iter().find(|(s, _)| *s == section)?;
            out.extend_from_slice(options);
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The section headers the dialect knows.
    pub(super) fn sections(self) -> Vec<&'static str> {
        match self {
            Dialect::Anaconda(v) => v.sections.to_vec(),
            Dialect::AnacondaAny => {
                let mut s: Vec<_> = Version::all()
                    .iter()
                    .flat_map(|v| v.sections.iter().copied())
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            }
            Dialect::Esxi => ESXI_SECTIONS.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_versions_differ() {
        for v in Version::all() {
            assert!(
                v.commands.windows(2).all(|w| w[0].name < w[1].name),
                "{}",
                v.name
            );
            for c in v.commands {
                assert!(c.options.windows(2).all(|w| w[0] < w[1]), "{}", c.name);
            }
        }
        assert!(ESXI_COMMANDS.windows(2).all(|w| w[0] < w[1]));
        // `upgrade` is gone after RHEL 7; `authselect` came with RHEL 8, `bootc` with 10.
        let v7 = Version::named("RHEL7").unwrap();
        let v9 = Version::named("RHEL9").unwrap();
        let v10 = Version::named("RHEL10").unwrap();
        assert!(v7.command("upgrade").is_some() && v9.command("upgrade").is_none());
        assert!(v9.command("bootc").is_none() && v10.command("bootc").is_some());
        assert!(v7.command("authselect").is_none() && v9.command("authselect").is_some());
    }
}
