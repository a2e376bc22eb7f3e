//! What the osbundle layout reads whole, each under a fixed limit; the limits of
//! every archive read ([`Limits`]) and sizes in messages are the archive crate's.

pub(crate) use osbundle_archive::limits::show_size;
pub use osbundle_archive::limits::{parse_size, Limits};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// `metadata.json` is read whole up to this size.
pub(crate) const METADATA_MAX: u64 = 8 * MIB;
/// `SHA256SUMS` is read whole up to this size.
pub(crate) const MANIFEST_MAX: u64 = 8 * MIB;
/// `CHECKSUM` is read whole up to this size.
pub(crate) const CHECKSUM_MAX: u64 = 4 * KIB;
/// Configuration-settings files, unattend files and scripts are read whole for the
/// rules checks up to this size; larger ones are checked by name only (a warning).
pub(crate) const TEXT_MAX: u64 = 8 * MIB;
