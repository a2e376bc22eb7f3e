//! `osbundle explain`: the rules as data (JSON members) and as text. The knowledge
//! itself is [`crate::findings`]'s (help texts, explanations, examples).

use std::io::{self, Write};

use serde::Serialize;

use super::{text_or_json, Format, Output, Report, WriteOptions};
use crate::findings::{Change, Example, Rule, Severity};

/// `explain`: rules, one line each or (`detailed`) with explanation and examples.
#[derive(Debug, Clone, Copy)]
pub struct Explained<'a> {
    /// The rules shown.
    pub rules: &'a [Rule],
    /// With explanation, examples and how to change them.
    pub detailed: bool,
}

#[derive(Serialize)]
struct Members {
    rules: Vec<RuleShown>,
}

impl Output for Explained<'_> {
    fn members(&self) -> impl Serialize + '_ {
        Members {
            rules: shown(self.rules, self.detailed),
        }
    }

    fn write_text(&self, _: &Report, _: WriteOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
        write(self.rules, self.detailed, out)
    }

    fn refuses(&self, format: Format) -> Option<String> {
        (!text_or_json(format)).then(|| {
            format!(
                "explain prints documentation: --format {} is not available (text or json)",
                format.name()
            )
        })
    }
}

/// One rule as `explain` shows it; `detailed` adds the explanation and examples.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleShown {
    id: &'static str,
    default_severity: Severity,
    summary: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fails: Option<ExampleShown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passes: Option<ExampleShown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Change>,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct ExampleShown {
    file: &'static str,
    text: &'static str,
}

impl From<Example> for ExampleShown {
    fn from(e: Example) -> Self {
        ExampleShown {
            file: e.file,
            text: e.text,
        }
    }
}

fn shown(rules: &[Rule], detailed: bool) -> Vec<RuleShown> {
    rules
        .iter()
        .map(|&rule| {
            let explanation = rule.explanation().filter(|_| detailed);
            RuleShown {
                id: rule.as_str(),
                default_severity: rule.default_severity(),
                summary: rule.summary(),
                help: detailed.then(|| rule.help()),
                why: explanation.map(|e| e.why),
                fails: explanation.map(|e| e.fails.into()),
                passes: explanation.map(|e| e.passes.into()),
                change: detailed.then(|| rule.change()),
            }
        })
        .collect()
}

/// The text of `explain`: one line per rule, or everything about each rule.
fn write(rules: &[Rule], detailed: bool, out: &mut dyn Write) -> io::Result<()> {
    if !detailed {
        let width = rules.iter().map(|r| r.as_str().len()).max().unwrap_or(0);
        for rule in rules {
            let severity = match rule.default_severity() {
                Severity::Error => String::new(),
                other => format!("({other}) "),
            };
            writeln!(
                out,
                "{:width$}  {severity}{}",
                rule.as_str(),
                rule.summary()
            )?;
        }
        return writeln!(out, "\n`osbundle explain RULE` says more about one rule.");
    }
    for (i, shown) in shown(rules, true).iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} (default severity: {})\n",
            shown.id, shown.default_severity
        )?;
        writeln!(out, "{}", shown.help.unwrap_or_default())?;
        if let Some(why) = shown.why {
            writeln!(out, "\n{why}")?;
        }
        for (title, example) in [("Fails:", shown.fails), ("Passes:", shown.passes)] {
            let Some(example) = example else { continue };
            writeln!(out, "\n{title}")?;
            if example.file != "shell" {
                writeln!(out, "  {}", example.file)?;
            }
            let text = if example.text.is_empty() {
                "(empty: 0 bytes)"
            } else {
                example.text
            };
            for line in text.lines() {
                writeln!(out, "    {line}")?;
            }
        }
        if let Some(change) = &shown.change {
            writeln!(out, "\nChange its severity, in osbundle.toml:")?;
            indent(&change.severity, out)?;
            writeln!(
                out,
                "\nIgnore it on one line (a comment on that line, or alone on the line before it):"
            )?;
            indent(&change.inline, out)?;
            writeln!(out, "\nIgnore it for some paths, in osbundle.toml:")?;
            indent(&change.paths, out)?;
        }
    }
    Ok(())
}

fn indent(text: &str, out: &mut dyn Write) -> io::Result<()> {
    for line in text.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}
