//! Progress bars on stderr for long runs: shown only when stderr is a terminal and
//! `--quiet` is not given; otherwise every call is a no-op. Progress never goes to
//! stdout, so reports stay byte-identical with or without a terminal.
//!
//! A bar appears only once a run has taken [`DEFAULT_DELAY`] (one second), so quick
//! runs never flash one; `OSBUNDLE_PROGRESS_DELAY_MS` changes the delay (tests use 0).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its bar is drawn.
pub(crate) const DEFAULT_DELAY: Duration = Duration::from_secs(1);

/// The environment variable that sets the delay in milliseconds.
pub(crate) const DELAY_ENV: &str = "OSBUNDLE_PROGRESS_DELAY_MS";

/// A progress bar that may be hidden.
#[derive(Debug, Clone, Default)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    delay: Duration,
    drawn: Arc<AtomicBool>,
}

fn delay() -> Duration {
    std::env::var(DELAY_ENV)
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(DEFAULT_DELAY, Duration::from_millis)
}

impl Progress {
    /// A bar of `len` steps labelled `what`, shown if `enabled` and stderr is a
    /// terminal.
    pub(crate) fn new(len: u64, what: &str, enabled: bool) -> Progress {
        Progress::with_template(
            len,
            what,
            enabled,
            "{prefix:>10} [{bar:30}] {pos}/{len} {msg} ({elapsed})",
        )
    }

    /// A bar of bytes (for archives), with throughput.
    pub(crate) fn bytes(len: u64, what: &str, enabled: bool) -> Progress {
        Progress::with_template(
            len,
            what,
            enabled,
            "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ({eta})",
        )
    }

    fn with_template(len: u64, what: &str, enabled: bool, template: &str) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        // Hidden until the delay has passed: see `reveal`.
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(template)
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        let progress = Progress {
            bar: Some(bar),
            delay: delay(),
            drawn: Arc::default(),
        };
        progress.reveal();
        progress
    }

    /// Starts drawing once the run has taken the delay, with a steady tick so that
    /// the elapsed time and rate stay current between steps.
    fn reveal(&self) {
        let Some(bar) = &self.bar else {
            return;
        };
        if self.drawn.load(Ordering::Relaxed) || bar.elapsed() < self.delay {
            return;
        }
        if !self.drawn.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.tick();
            bar.enable_steady_tick(Duration::from_millis(200));
        }
    }

    /// A bar that shows nothing.
    pub(crate) fn hidden() -> Progress {
        Progress::default()
    }

    /// Advances by `n` steps.
    pub(crate) fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
            self.reveal();
        }
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A reader that advances a progress bar by the bytes it reads.
#[derive(Debug)]
pub(crate) struct CountingReader<R> {
    inner: R,
    progress: Progress,
}

impl<R> CountingReader<R> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: R, progress: Progress) -> Self {
        CountingReader { inner, progress }
    }
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn hidden_progress_counts_nothing_and_reads_everything() {
        let progress = Progress::hidden();
        let mut reader = CountingReader::new(&b"abcdef"[..], progress.clone());
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abcdef");
        assert!(progress.bar.is_none() && !progress.drawn.load(Ordering::Relaxed));
    }
}
