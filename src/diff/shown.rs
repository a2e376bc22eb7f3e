//! What `diff` shows: the differences as text (then their count) and as the member
//! `diff` of the JSON envelope; `null` when an input could not be read without
//! errors.

use std::io::{self, Write};

use serde::Serialize;

use super::{write_text, Diff};
use crate::findings::Report;
use crate::report::{plural, text, Output, WriteOptions};

/// `diff`: what changed, when both sides could be read without errors.
#[derive(Debug, Clone, Copy)]
pub struct DiffShown<'a>(pub Option<&'a Diff>);

#[derive(Serialize)]
struct Members<'a> {
    diff: Option<&'a Diff>,
}

impl Output for DiffShown<'_> {
    fn members(&self) -> impl Serialize + '_ {
        Members { diff: self.0 }
    }

    fn write_text(
        &self,
        report: &Report,
        options: WriteOptions<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if let Some(diff) = self.0 {
            write_text(diff, out)?;
            if !options.quiet {
                match diff.same {
                    true => writeln!(out, "no differences")?,
                    false => writeln!(out, "{}", plural(diff.count(), "difference"))?,
                }
            }
        }
        text::write(report, options, out)
    }
}
