//! Bundle layouts: what a bundle holds and how its parts must agree. Each layout is
//! one [`Layout`](super::stream::Layout) checker, handed every entry by the stream
//! layer ([`super::stream`]) and asked to conclude at the end.
//!
//! - [`Osbundle`]: what `build` writes (`docs/FORMAT.md`), checked strictly.
//!
//! A new layout is one more file here implementing the trait; the stream layer, the
//! limits, the safety rules and extraction stay as they are.

mod osbundle;

pub use osbundle::Osbundle;
