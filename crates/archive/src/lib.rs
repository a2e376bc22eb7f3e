//! The archive layer of osbundle: checksummed `.tar.gz` bundles read in one bounded,
//! streaming pass and written byte for byte reproducibly.
//!
//! - [`gzip`]: a deterministic parallel writer (pigz's scheme, the same bytes for any
//!   number of threads) and a pipelined reader that takes any gzip file GNU gzip
//!   reads, or a plain tar, with a compression-ratio limit and the file's own digest
//!   computed in the same read;
//! - [`tar`]: a bounded reader of the ustar, GNU, pax, star and v7 dialects, and the
//!   header blocks a reproducible build writes;
//! - [`stream`]: gzip → tar entries with [`Limits`], entry safety ([`names`]),
//!   digests and an extraction [`stream::Sink`], every entry handed to a
//!   [`stream::Visitor`];
//! - [`sums`]: checksum lines (`sha256sum`, BSD tags), bare digests, [`sums::Hasher`];
//! - [`names`]: entry-name safety rules, and the display of names (`\xNN`, the one
//!   escaper of text output).
//!
//! It knows no profile, rule, severity or report: what goes wrong is typed
//! ([`Fault`] for a stream that stops, [`stream::ProblemKind`] for what the stream
//! layer found), and the caller decides what each means. The compiler keeps it so:
//! this crate depends on no domain code.
//!
//! ```
//! use std::io::Write;
//! use osbundle_archive::{gzip::ParGzWriter, stream, tar, Limits};
//!
//! // A one-entry archive, as a reproducible build writes it.
//! let mut archive = tar::file_header("drivers/nic.zip", 5, 0o644, 0)?;
//! archive.extend_from_slice(b"hello");
//! archive.resize(archive.len() + tar::pad(5) as usize, 0);
//! archive.extend_from_slice(&tar::END);
//! let mut gz = ParGzWriter::new(Vec::new(), 6, 2)?;
//! gz.write_all(&archive)?;
//! let bundle = gz.finish()?;
//!
//! // Read it back: every entry goes to a visitor, problems come back typed.
//! struct Names(Vec<String>);
//! impl stream::Visitor for Names {
//!     fn begin(&mut self, head: &stream::Head<'_>) -> stream::Plan {
//!         self.0.push(head.name.to_string());
//!         stream::Plan { label: "file", keep: false }
//!     }
//! }
//! let mut names = Names(Vec::new());
//! let (streamed, error) =
//!     stream::read(&bundle[..], "b.tar.gz", &Limits::default(), None, None, &mut names, None);
//! assert!(error.is_none() && streamed.complete && streamed.problems.is_empty());
//! assert_eq!(names.0, ["drivers/nic.zip"]);
//! assert_eq!(streamed.gzip.map(|g| g.is_canonical()), Some(true));
//! # Ok::<(), std::io::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod gzip;
pub mod limits;
pub mod names;
pub mod stream;
pub mod sums;
pub mod tar;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::fmt;

pub use limits::Limits;

/// Why an archive stream stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Damage: the bytes are not a whole archive (truncation, a bad header, a bad
    /// checksum, a gzip member that does not inflate).
    Corrupt,
    /// A [`Limits`] bound or a fixed bound of the reader was reached.
    LimitExceeded,
}

/// Why an archive stream stopped: damage ([`FaultKind::Corrupt`]) or a limit
/// ([`FaultKind::LimitExceeded`]), with a message that says where (the byte offset,
/// the entry); or the file could not be read ([`Fault::unreadable`]), which says
/// nothing about the archive. Carried inside `std::io::Error` between the inflate
/// thread and the tar reader: the one error type of this crate's readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What kind of stop.
    pub kind: FaultKind,
    /// What went wrong, and where in the stream.
    pub message: String,
    /// The kind of the I/O error reading the file failed with, when it did: then
    /// the stream says nothing about the archive.
    pub unreadable: Option<std::io::ErrorKind>,
}

impl Fault {
    /// A [`FaultKind::Corrupt`] fault.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Fault {
            kind: FaultKind::Corrupt,
            message: message.into(),
            unreadable: None,
        }
    }

    /// Reading the file failed with `error` (EIO, EACCES, a file that vanished):
    /// not damage in its data, but the reader unable to do its job.
    pub fn unreadable(error: &std::io::Error) -> Self {
        Fault {
            unreadable: Some(error.kind()),
            ..Fault::corrupt(format!("cannot read: {error}"))
        }
    }

    /// The I/O error of an [unreadable](Fault::unreadable) file; `None` for a fault
    /// about the archive's bytes.
    pub fn read_error(&self) -> Option<std::io::Error> {
        self.unreadable
            .map(|kind| std::io::Error::new(kind, self.message.clone()))
    }

    /// A [`FaultKind::LimitExceeded`] fault.
    pub fn limit(message: impl Into<String>) -> Self {
        Fault {
            kind: FaultKind::LimitExceeded,
            message: message.into(),
            unreadable: None,
        }
    }

    /// Wraps the fault in an I/O error.
    pub fn into_io(self) -> std::io::Error {
        std::io::Error::other(self)
    }

    /// The fault an I/O error carries. Of the others, an unexpected end of the
    /// decoded data is a truncated archive ([`FaultKind::Corrupt`]); any other is a
    /// failure to read ([`Fault::unreadable`]), not damage.
    pub fn from_io(error: &std::io::Error) -> Fault {
        match error.get_ref().and_then(|e| e.downcast_ref::<Fault>()) {
            Some(fault) => fault.clone(),
            None if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                Fault::corrupt("unexpected end of data: the bundle is truncated")
            }
            None => Fault::unreadable(error),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fault {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_survive_io_errors() {
        let e = Fault::limit("too big").into_io();
        assert_eq!(Fault::from_io(&e), Fault::limit("too big"));
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert_eq!(Fault::from_io(&eof).kind, FaultKind::Corrupt);
        assert_eq!(Fault::from_io(&eof).read_error().map(|e| e.kind()), None);
        // Any other I/O error is no finding: the tool could not read.
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let fault = Fault::from_io(&denied);
        assert_eq!(
            fault.read_error().map(|e| e.kind()),
            Some(std::io::ErrorKind::PermissionDenied)
        );
        let carried = Fault::from_io(&fault.clone().into_io());
        assert_eq!(carried, fault);
    }
}
