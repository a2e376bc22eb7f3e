//! Bundle layouts: what a bundle holds and how its parts must agree. Each layout is
//! one [`Layout`](super::stream::Layout) checker, handed every entry by the stream
//! layer ([`super::stream`]) and asked to conclude at the end.
//!
//! - [`Osbundle`]: what `build` writes (`docs/FORMAT.md`), checked strictly.
//! - [`Foreign`]: any other archive: container, embedded checksum files, coverage,
//!   and the `check` rules on the files whose kind shows.
//! - [`Detect`]: picks one of them from the first entry (`metadata.json`).
//!
//! A new layout is one more file here implementing the trait; the stream layer, the
//! limits, the safety rules and extraction stay as they are.

mod detect;
mod embedded_sums;
mod foreign;
mod osbundle;

pub(crate) use detect::Detect;
pub(crate) use foreign::Scope;
