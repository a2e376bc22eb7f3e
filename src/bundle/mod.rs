//! Profile bundles: reproducible [`build`], streaming [`verify`], [`inspect`] and
//! safe [`extract`] of the checksummed `.tar.gz` that LXCA's export endpoint
//! (`GET /osImages/{id}`) produces. The layout is documented in `docs/FORMAT.md`.
//!
//! Reading is two layers: [`stream`] (gzip, tar, limits, safety, digests, ledger,
//! extraction sink) hands every entry to a [`Layout`] ([`layout`]), which judges
//! what the bundle holds. This room reads and writes archives; the profile's rules
//! come from [`crate::profile::Checker`], never from `check`.
//!
//! Guarantees:
//! - a build is a pure function of the profile directory, `SOURCE_DATE_EPOCH`, the
//!   compression level and the osbundle version: the same bytes for any `--jobs`;
//! - every reader makes one streaming pass through bounded buffers: memory does not
//!   grow with the bundle (only `metadata.json`, `SHA256SUMS`, `CHECKSUM` and text
//!   files checked by the rules are held whole, each under a fixed limit);
//! - every problem with a bundle (damage, truncation, hostile names, limits) is a
//!   [`crate::findings::Finding`] with a `bundle-*` rule ID, never a panic; a
//!   bundle (or a checksum file beside it) that cannot be read at all (an I/O
//!   error) is no finding but an [`crate::Error`] (exit 2), and an archive with no
//!   file in it never verifies;
//! - [`extract`] writes only inside a temporary folder in the target directory and
//!   renames it into place only when the whole bundle verified without errors.

pub mod build;
pub mod extract;
pub mod format;
pub mod gzip;
pub mod layout;
pub mod limits;
pub mod metadata;
pub mod payload;
mod shown;
pub mod stream;
pub mod sums;
pub mod tar;
pub mod verify;

use std::fmt;

use crate::findings::Rule;

pub use build::{build, BuildOutcome, BuildSettings, Built};
pub use extract::{extract, Extracted};
pub use limits::Limits;
pub use shown::{BuildShown, ExtractShown, InspectShown};
pub use stream::EntryInfo;
pub use sums::hex;
pub use verify::{
    inspect, verify_path, verify_paths, verify_reader, ChecksumStatus, DownloadChecksum, Verified,
    VerifySettings,
};

/// Why a bundle stream stopped: damage ([`Rule::BundleCorrupt`]), a limit
/// ([`Rule::BundleLimitExceeded`]) or an unsafe construct, each a finding; or the
/// bundle file could not be read ([`Fault::unreadable`]), which is no finding but
/// the tool failing (exit 2). Carried inside `std::io::Error` between the inflate
/// thread and the tar reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The rule the finding gets.
    pub rule: Rule,
    /// What went wrong, and where in the stream.
    pub message: String,
    /// The kind of the I/O error reading the bundle failed with, when it did: then
    /// the stream says nothing about the bundle, and there is no finding.
    pub unreadable: Option<std::io::ErrorKind>,
}

impl Fault {
    /// A `bundle-corrupt` fault.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Fault {
            rule: Rule::BundleCorrupt,
            message: message.into(),
            unreadable: None,
        }
    }

    /// Reading the bundle failed with `error` (EIO, EACCES, a file that vanished):
    /// not damage in its data, but the tool unable to do its job.
    pub fn unreadable(error: &std::io::Error) -> Self {
        Fault {
            unreadable: Some(error.kind()),
            ..Fault::corrupt(format!("cannot read: {error}"))
        }
    }

    /// The I/O error of an [unreadable](Fault::unreadable) bundle; `None` for a
    /// fault that is a finding.
    pub fn read_error(&self) -> Option<std::io::Error> {
        self.unreadable
            .map(|kind| std::io::Error::new(kind, self.message.clone()))
    }

    /// A `bundle-limit-exceeded` fault.
    pub fn limit(message: impl Into<String>) -> Self {
        Fault {
            rule: Rule::BundleLimitExceeded,
            message: message.into(),
            unreadable: None,
        }
    }

    /// Wraps the fault in an I/O error.
    pub fn into_io(self) -> std::io::Error {
        std::io::Error::other(self)
    }

    /// The fault an I/O error carries. Of the others, an unexpected end of the
    /// decoded data is a truncated bundle (`bundle-corrupt`); any other is a failure
    /// to read ([`Fault::unreadable`]), not damage.
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
        assert_eq!(Fault::from_io(&eof).rule, Rule::BundleCorrupt);
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
