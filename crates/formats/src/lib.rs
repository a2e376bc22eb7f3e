//! Readers of the payload formats that an OS-deployment profile carries.
//!
//! Each module knows one format: what a file of that format is, whether it is whole,
//! and where (byte offset, line and column) it is not. None of them knows profiles,
//! kinds, operating systems, rule IDs or severities: the caller (the `osbundle`
//! crate's profile checker) decides what a reader's answer means for a file of a
//! given kind and OS. This crate depends on no domain code, and the compiler keeps
//! it so: nothing of `osbundle` can be named from here.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod kickstart;
pub mod preseed;
pub mod text;
pub mod xml;
pub mod yaml;
