//! The one place where the archive layer's typed problems become findings: each
//! [`ProblemKind`] (and so each [`FaultKind`](osbundle_archive::FaultKind) a
//! stream stopped with) gets its rule
//! and severity here, nowhere else. The archive crate names no rule.

use osbundle_archive::stream::{Problem, ProblemKind};

use crate::findings::{Finding, Rule};

/// The rule of a problem of `kind`, and whether it is only a warning.
pub(crate) fn rule(kind: ProblemKind) -> (Rule, bool) {
    match kind {
        ProblemKind::Corrupt => (Rule::BundleCorrupt, false),
        ProblemKind::LimitExceeded => (Rule::BundleLimitExceeded, false),
        ProblemKind::Tolerated => (Rule::BundleCorrupt, true),
        ProblemKind::ModeCleared => (Rule::BundleModeCleared, true),
        ProblemKind::UnsafeEntry => (Rule::BundleUnsafeEntry, false),
        ProblemKind::ChecksumMismatch => (Rule::BundleChecksumMismatch, false),
    }
}

/// The finding of a problem of the stream layer, at its path.
pub(crate) fn finding(problem: &Problem) -> Finding {
    let (rule, warning) = rule(problem.kind);
    let message = problem.message.clone();
    match warning {
        true => Finding::warning(rule, &problem.path, message),
        false => Finding::error(rule, &problem.path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Severity;
    use osbundle_archive::FaultKind;

    #[test]
    fn every_problem_has_its_rule_and_severity() {
        let at = |kind, entry: Option<&str>| Problem {
            kind,
            path: entry.map_or("b".to_string(), |e| format!("b/{e}")),
            entry: entry.map(str::to_string),
            message: "m".to_string(),
        };
        let cases = [
            (ProblemKind::Corrupt, Rule::BundleCorrupt, Severity::Error),
            (
                ProblemKind::LimitExceeded,
                Rule::BundleLimitExceeded,
                Severity::Error,
            ),
            (
                ProblemKind::Tolerated,
                Rule::BundleCorrupt,
                Severity::Warning,
            ),
            (
                ProblemKind::ModeCleared,
                Rule::BundleModeCleared,
                Severity::Warning,
            ),
            (
                ProblemKind::UnsafeEntry,
                Rule::BundleUnsafeEntry,
                Severity::Error,
            ),
            (
                ProblemKind::ChecksumMismatch,
                Rule::BundleChecksumMismatch,
                Severity::Error,
            ),
        ];
        for (kind, rule, severity) in cases {
            let f = finding(&at(kind, Some("x")));
            assert_eq!(
                (f.rule, f.severity, f.path.as_str()),
                (rule, severity, "b/x")
            );
            assert_eq!(finding(&at(kind, None)).path, "b");
        }
        // A stream that stopped with a fault is a problem of the fault's kind.
        assert_eq!(rule(FaultKind::Corrupt.into()).0, Rule::BundleCorrupt);
        assert_eq!(
            rule(FaultKind::LimitExceeded.into()).0,
            Rule::BundleLimitExceeded
        );
    }
}
