//! The findings of a run and how much was checked: a leaf every checker fills and
//! every output format reads (`crate::report` writes it).

use serde::Serialize;

use super::{sort_findings, Finding, Severity};

/// The findings of a run and how much was checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Findings, in report order.
    pub findings: Vec<Finding>,
    /// How many files (or bundles) were checked.
    pub checked: usize,
    /// What was checked, by name, where the subcommand knows it (JUnit's testcases);
    /// may list fewer than `checked`.
    pub subjects: Vec<String>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files or bundles checked.
    pub checked: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
}

impl Report {
    /// The summary counts.
    pub fn summary(&self) -> Summary {
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let notes = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Note)
            .count();
        Summary {
            checked: self.checked,
            errors,
            warnings: self.findings.len() - errors - notes,
        }
    }

    /// Whether the run fails: any error, or any warning under `strict`.
    pub fn failed(&self, strict: bool) -> bool {
        let s = self.summary();
        s.errors > 0 || (strict && s.warnings > 0)
    }

    /// Merges another report into this one, keeping the report order.
    pub fn merge(&mut self, other: Report) {
        self.checked += other.checked;
        self.subjects.extend(other.subjects);
        self.findings.extend(other.findings);
        sort_findings(&mut self.findings);
    }
}
