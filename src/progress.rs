//! Progress bars on stderr for long runs: shown only when stderr is a terminal and
//! `--quiet` is not given; otherwise every call is a no-op. Progress never goes to
//! stdout, so reports stay byte-identical with or without a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar that may be hidden.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar of `len` steps labelled `what`, shown if `enabled` and stderr is a
    /// terminal.
    pub fn new(len: u64, what: &str, enabled: bool) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        Progress { bar: Some(bar) }
    }

    /// A bar of bytes (for archives), with throughput.
    pub fn bytes(len: u64, what: &str, enabled: bool) -> Progress {
        let progress = Progress::new(len, what, enabled);
        if let Some(bar) = &progress.bar {
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ({eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
        }
        progress
    }

    /// A bar that shows nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Advances by `n` steps.
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
