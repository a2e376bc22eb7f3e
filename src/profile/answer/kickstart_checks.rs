//! Kickstart files of Anaconda (by pykickstart version) and of the ESXi installer:
//! the problems the `osbundle_formats` reader finds as findings, and the commands
//! the ESXi installer cannot do without.

use osbundle_formats::kickstart::{self, Problem as KsProblem};

use super::{did_you_mean, offset_of, Issue};
use crate::findings::{Rule, Severity};

/// The issues of a kickstart file read in `dialect`; `esxi` adds the ESXi
/// installer's required commands.
pub(super) fn judge(dialect: kickstart::Dialect, text: &str, esxi: bool) -> Vec<Issue> {
    let parsed = kickstart::parse(text, dialect);
    let installer = match dialect {
        kickstart::Dialect::Anaconda(v) => format!("Anaconda ({} kickstart)", v.name),
        kickstart::Dialect::AnacondaAny => "Anaconda".to_string(),
        kickstart::Dialect::Esxi => "the ESXi installer".to_string(),
    };
    let mut issues = Vec::new();
    for l in &parsed.problems {
        let offset = offset_of(text, l.position);
        let (rule, severity, message) = match &l.problem {
            KsProblem::Syntax(e) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("the line does not split into words: {e}"),
            ),
            KsProblem::UnknownCommand(c) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("unknown kickstart command \"{c}\" for {installer}{}", {
                    let names = dialect.command_names();
                    let lower = c.to_lowercase();
                    if &lower != c && names.contains(&lower.as_str()) {
                        format!(" (did you mean \"{lower}\"? commands are lowercase)")
                    } else {
                        did_you_mean(c, &names)
                    }
                }),
            ),
            KsProblem::UnknownOption {
                command,
                option,
                candidates,
            } => (
                Rule::UnattendMalformed,
                Severity::Error,
                if candidates.is_empty() {
                    format!(
                        "{command} has no option {option} in {installer}{}",
                        did_you_mean(option, &dialect.options_of(command))
                    )
                } else {
                    format!(
                        "{command} option {option} is ambiguous: it could be {}",
                        candidates.join(", ")
                    )
                },
            ),
            KsProblem::UnknownSection(s) if s == "%end" => (
                Rule::UnattendMalformed,
                Severity::Error,
                "%end without an open section".to_string(),
            ),
            KsProblem::UnknownSection(s) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("unknown kickstart section {s} for {installer}"),
            ),
            KsProblem::UnclosedSection(s) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("section {s} does not end with %end"),
            ),
            KsProblem::Deprecated(c) => (
                Rule::UnattendStructure,
                Severity::Warning,
                format!("{c} is deprecated in {installer}: it is accepted and ignored"),
            ),
            KsProblem::NotFollowed { directive, target } => (
                Rule::UnattendStructure,
                Severity::Note,
                format!("{directive} {target} is read by the installer at install time; it is not followed here, so its content is not checked"),
            ),
            KsProblem::TooManyArguments { command, max, given } => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!(
                    "{command} takes at most {max} argument{} besides its options in {installer}; got {}: {}",
                    if *max == 1 { "" } else { "s" },
                    given.len(),
                    given.join(" ")
                ),
            ),
            KsProblem::IncludeWithoutFile(d) => (
                Rule::UnattendMalformed,
                Severity::Error,
                format!("{d} without a file name"),
            ),
        };
        issues.push(Issue {
            rule,
            severity,
            offset,
            message,
        });
    }
    if esxi {
        let has = |names: &[&str]| {
            parsed
                .commands
                .iter()
                .any(|(c, _)| names.contains(&c.as_str()))
        };
        let includes = parsed
            .problems
            .iter()
            .any(|l| matches!(l.problem, KsProblem::NotFollowed { .. }));
        let required: [(&[&str], &str); 3] = [
            (
                &["vmaccepteula", "accepteula"],
                "vmaccepteula (or accepteula)",
            ),
            (&["rootpw"], "rootpw"),
            (
                &["install", "upgrade", "installorupgrade"],
                "one of install, upgrade, installorupgrade",
            ),
        ];
        for (names, what) in required {
            if !has(names) && !includes {
                issues.push(Issue::error(
                    Rule::UnattendStructure,
                    0,
                    format!("the ESXi installer needs {what}; the file has none"),
                ));
            }
        }
    }
    issues
}
