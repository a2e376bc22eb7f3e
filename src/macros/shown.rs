//! What `config macros` shows: the custom macros a configuration-settings file
//! provides, one `#name#` a line (text) or the member `macros` (JSON).

use std::io::{self, Write};

use serde::Serialize;

use crate::findings::Report;
use crate::report::{Output, WriteOptions};

/// `config macros`: the custom macros of a configuration-settings file.
#[derive(Debug, Clone, Copy)]
pub struct CustomMacros<'a>(pub &'a [String]);

#[derive(Serialize)]
struct Members<'a> {
    macros: &'a [String],
}

impl Output for CustomMacros<'_> {
    fn members(&self) -> impl Serialize + '_ {
        Members { macros: self.0 }
    }

    fn write_text(&self, _: &Report, _: WriteOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
        for m in self.0 {
            writeln!(out, "#{m}#")?;
        }
        Ok(())
    }
}
