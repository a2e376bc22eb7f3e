//! Profile bundles: reproducible [`build`], streaming [`verify_path`], [`inspect`] and
//! safe [`extract`] of the checksummed `.tar.gz` that LXCA's export endpoint
//! (`GET /osImages/{id}`) produces. The layout is documented in `docs/FORMAT.md`.
//!
//! Reading is two layers: the archive crate's stream layer
//! ([`osbundle_archive::stream`]: gzip, tar, limits, safety, digests, extraction
//! sink), wrapped by `stream` (the archive ledger), hands every entry to a
//! `stream::Layout` (`layout`), which judges what the bundle holds; the
//! archive layer's typed problems become findings in `faults`. This room reads
//! and writes archives; the profile's rules come from `crate::profile::Checker`,
//! never from `check`.
//!
//! Guarantees:
//! - a build is a pure function of the profile directory, `SOURCE_DATE_EPOCH`, the
//!   compression level and the osbundle version: the same bytes for any `--jobs`;
//! - every reader makes one streaming pass through bounded buffers: memory does not
//!   grow with the bundle (only `metadata.json`, `SHA256SUMS`, `CHECKSUM` and text
//!   files checked by the rules are held whole, each under a fixed limit);
//! - every problem with a bundle (damage, truncation, hostile names, limits) is a
//!   [`crate::findings::Finding`] with a `bundle-*` rule ID (`faults`), never a
//!   panic; a bundle (or a checksum file beside it) that cannot be read at all (an
//!   I/O error) is no finding but an [`crate::Error`] (exit 2), and an archive with no
//!   file in it never verifies;
//! - [`extract`] writes only inside a temporary folder in the target directory and
//!   renames it into place only when the whole bundle verified without errors.

pub(crate) mod build;
pub(crate) mod extract;
pub(crate) mod faults;
pub(crate) mod format;
pub(crate) mod layout;
pub(crate) mod limits;
pub(crate) mod metadata;
pub(crate) mod payload;
pub(crate) mod preflight;
pub(crate) mod shown;
pub(crate) mod stream;
pub(crate) mod verify;

/// The archive layer's modules, under the paths they had here: gzip, tar and
/// checksum lines are formats, not policy ([`osbundle_archive`]).
pub(crate) use osbundle_archive::{gzip, sums, tar};

pub use build::{build, BuildOutcome, BuildSettings, Built};
pub use extract::{extract, Extracted};
pub use format::{parse_rfc3339, MAX_EPOCH};
pub use limits::parse_size;
pub use limits::Limits;
pub use osbundle_archive::sums::parse_digest;
pub use shown::{BuildShown, ExtractShown, InspectShown};
pub use stream::EntryInfo;
pub(crate) use sums::hex;
pub use verify::{
    inspect, verify_path, verify_paths, verify_reader, ChecksumStatus, DownloadChecksum, Verified,
    VerifySettings,
};

/// What a profile's plan asks of this room ([`crate::profile::plan`]): the
/// preflight of the bundle's `metadata.json` and file name, and the `.tar.gz`
/// payload reader. Handed in by `check` and `build`, so that `profile` never imports
/// `bundle`.
pub(crate) const HOOKS: crate::profile::BundleHooks = crate::profile::BundleHooks {
    preflight: preflight::findings,
    tar_gz: payload::read_tar_gz,
};
