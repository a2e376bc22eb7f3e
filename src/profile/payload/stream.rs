//! A payload entry of a bundle, checked as its data streams past ([`Stream`]): one
//! pass, bounded memory, nothing written anywhere.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use osbundle_formats::{sniff, Sequential};

use super::{is_payload, read, read_head, Format, Judged, PayloadOptions};
use crate::findings::{Finding, Rule};
use crate::kind::Kind;
use crate::profile::Content;

/// Entries up to this size are held and judged at their end, with no thread.
const SMALL: usize = 1 << 20;

/// The thread a large entry is read on: its feed (`None` once it has its answer)
/// and its answer.
type Reader = (
    Option<SyncSender<Vec<u8>>>,
    std::thread::JoinHandle<Content>,
);

/// A payload entry of a bundle, checked as its data streams past. A small entry is
/// held (up to [`SMALL`]); a larger one is read on its own thread, fed through a
/// small bounded channel, so memory stays at a few chunks whatever the entry's size,
/// and nothing is written anywhere.
pub(crate) struct Stream {
    kind: Kind,
    path: String,
    name: String,
    size: u64,
    options: PayloadOptions,
    held: Vec<u8>,
    thread: Option<Reader>,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The receiving end of a [`Stream`]'s thread: the entry's bytes as a `Read`.
struct Chunks {
    rx: Receiver<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.current.len() {
            match self.rx.recv() {
                Ok(chunk) => {
                    self.current = chunk;
                    self.pos = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.pos);
        buf[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Judges the payload whose bytes `input` gives, front to back.
fn judge_stream(
    kind: Kind,
    path: &str,
    name: &str,
    size: u64,
    options: PayloadOptions,
    mut input: impl Read + Send,
) -> Content {
    let format = Format::of(name);
    let mut judged = Judged::new(kind, path, format);
    let Ok(head) = read_head(&mut input, size.min(sniff::HEAD as u64)) else {
        return judged.into_content();
    };
    if !judged.sniffed(&head, size) {
        return judged.into_content();
    }
    let Some(format) = format else {
        return judged.into_content();
    };
    let mut input = Sequential(io::Cursor::new(head).chain(input));
    let verdict = read(format, &mut input, size, options);
    judged.verdict(verdict);
    judged.into_content()
}

impl Stream {
    /// Starts checking an entry of `kind` named `name`, of `size` bytes, reported at
    /// `path`; `None` when the kind is no payload.
    pub(crate) fn start(
        kind: Kind,
        path: &str,
        name: &str,
        size: u64,
        options: PayloadOptions,
    ) -> Option<Stream> {
        is_payload(kind).then(|| Stream {
            kind,
            path: path.to_string(),
            name: name.to_string(),
            size,
            options,
            held: Vec::new(),
            thread: None,
        })
    }

    /// The next piece of the entry's data.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        match &mut self.thread {
            Some((tx, _)) => {
                if let Some(sender) = tx {
                    if sender.send(chunk.to_vec()).is_err() {
                        // The reader has its answer: the rest is not needed.
                        *tx = None;
                    }
                }
            }
            None if self.held.len() + chunk.len() <= SMALL => self.held.extend_from_slice(chunk),
            None => {
                let (tx, rx) = sync_channel::<Vec<u8>>(4);
                let (kind, path, name, size, options) = (
                    self.kind,
                    self.path.clone(),
                    self.name.clone(),
                    self.size,
                    self.options,
                );
                let done = std::thread::spawn(move || {
                    let chunks = Chunks {
                        rx,
                        current: Vec::new(),
                        pos: 0,
                    };
                    judge_stream(kind, &path, &name, size, options, chunks)
                });
                let mut tx = Some(tx);
                for piece in [std::mem::take(&mut self.held), chunk.to_vec()] {
                    if tx.as_ref().is_some_and(|t| t.send(piece).is_err()) {
                        tx = None;
                    }
                }
                self.thread = Some((tx, done));
            }
        }
    }

    /// The entry is complete: what its content says.
    pub(crate) fn finish(self) -> Content {
        match self.thread {
            None => judge_stream(
                self.kind,
                &self.path,
                &self.name,
                self.size,
                self.options,
                &self.held[..],
            ),
            Some((tx, done)) => {
                drop(tx);
                done.join().unwrap_or_else(|_| {
                    Content::unreadable(Finding::error(
                        Rule::PayloadCorrupt,
                        &self.path,
                        "the payload reader stopped",
                    ))
                })
            }
        }
    }
}
