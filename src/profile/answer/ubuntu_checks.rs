//! Ubuntu answer files: a preseed file (told by its first answer line) or
//! autoinstall YAML (`#cloud-config` user-data needs an `autoinstall:` key).

use osbundle_formats::{preseed, yaml};

use super::{did_you_mean, offset_of, Issue};
use crate::findings::Rule;

/// The issues of an Ubuntu answer file, preseed or YAML by its content.
pub(super) fn judge(text: &str) -> Vec<Issue> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let cloud_config = first.starts_with("#cloud-config");
    let preseed_like = !cloud_config
        && text
            .lines()
            .map(str::trim_start)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .is_some_and(|l| {
                let mut w = l.split_whitespace();
                w.next().is_some_and(|o| !o.ends_with(':'))
                    && w.next().is_some_and(|q| q.contains('/'))
            });
    if preseed_like {
        return preseed::parse(text)
            .problems
            .into_iter()
            .map(|l| {
                Issue::error(
                    Rule::UnattendMalformed,
                    offset_of(text, l.position),
                    match l.problem {
                        preseed::Problem::Shape(line) => {
                            format!("not a preseed answer (owner question type value): \"{line}\"")
                        }
                        preseed::Problem::UnknownType(t) => format!(
                            "unknown debconf type \"{t}\"; debconf knows {}{}",
                            preseed::TYPES.join(", "),
                            did_you_mean(&t, preseed::TYPES)
                        ),
                    },
                )
            })
            .collect();
    }
    match yaml::parse(text) {
        Err(e) => vec![Issue::error(
            Rule::UnattendMalformed,
            offset_of(text, e.position),
            format!("not well-formed YAML: {}", e.message),
        )],
        Ok(summary) => {
            let keys: Vec<&str> = summary.top_keys.iter().map(|(k, _)| k.as_str()).collect();
            if cloud_config && !keys.contains(&"autoinstall") {
                vec![Issue::error(
                    Rule::UnattendStructure,
                    0,
                    "#cloud-config user-data without an autoinstall: key; Subiquity would install interactively".to_string(),
                )]
            } else if !cloud_config && !summary.root_is_mapping {
                vec![Issue::error(
                    Rule::UnattendStructure,
                    0,
                    "neither autoinstall YAML (a mapping with version:) nor a preseed file"
                        .to_string(),
                )]
            } else {
                Vec::new()
            }
        }
    }
}
