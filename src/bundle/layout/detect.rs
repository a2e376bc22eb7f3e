//! Layout detection: an archive whose first entry is `metadata.json` is judged as
//! an osbundle bundle (strictly, as `build` writes them); anything else, an empty
//! archive included, as a foreign export.

use super::foreign::{Foreign, Scope};
use super::osbundle::Osbundle;
use crate::bundle::format::METADATA;
use crate::bundle::stream::{Entry, EntryInfo, Finished, Head, Layout, Plan};
use crate::rules::RuleSet;

/// The layout chosen for one archive, boxed: the two differ in size.
#[derive(Debug)]
enum Chosen<'r> {
    Osbundle(Box<Osbundle<'r>>),
    Foreign(Box<Foreign<'r>>),
}

/// A layout that picks [`Osbundle`] or [`Foreign`] from the first entry and hands
/// everything to it.
#[derive(Debug)]
pub(crate) struct Detect<'r> {
    display: String,
    rules: &'r RuleSet,
    options: Scope,
    deep: bool,
    chosen: Option<Chosen<'r>>,
}

impl<'r> Detect<'r> {
    /// A detecting checker of the archive shown as `display`; `options` is the OS
    /// a foreign archive's files are judged for; `deep` reads every byte of the
    /// payloads.
    pub(crate) fn new(display: &str, rules: &'r RuleSet, options: Scope, deep: bool) -> Self {
        Detect {
            display: display.to_string(),
            rules,
            options,
            deep,
            chosen: None,
        }
    }

    fn choose(&mut self, osbundle: bool) -> &mut dyn Layout {
        let chosen = self.chosen.get_or_insert_with(|| {
            if osbundle {
                Chosen::Osbundle(Box::new(Osbundle::new(
                    &self.display,
                    self.rules,
                    self.deep,
                )))
            } else {
                Chosen::Foreign(Box::new(Foreign::new(
                    &self.display,
                    self.rules,
                    std::mem::take(&mut self.options),
                    self.deep,
                )))
            }
        });
        match chosen {
            Chosen::Osbundle(layout) => layout.as_mut(),
            Chosen::Foreign(layout) => layout.as_mut(),
        }
    }

    fn layout(&mut self) -> &mut dyn Layout {
        self.choose(false)
    }
}

impl Layout for Detect<'_> {
    fn name(&self) -> &'static str {
        match &self.chosen {
            Some(Chosen::Osbundle(_)) => "osbundle",
            _ => "foreign",
        }
    }

    fn detect(&mut self, first_name: &[u8]) {
        self.choose(first_name == METADATA.as_bytes());
    }

    fn tolerant(&self) -> bool {
        match &self.chosen {
            Some(Chosen::Osbundle(layout)) => layout.tolerant(),
            Some(Chosen::Foreign(layout)) => layout.tolerant(),
            None => true,
        }
    }

    fn begin(&mut self, head: &Head<'_>) -> Plan {
        self.layout().begin(head)
    }

    fn data(&mut self, chunk: &[u8]) {
        self.layout().data(chunk);
    }

    fn end(&mut self, entry: Entry<'_>) {
        self.layout().end(entry);
    }

    fn finish(&mut self, entries: &[EntryInfo], complete: bool) -> Finished {
        self.layout().finish(entries, complete)
    }
}
