//! Names, in two halves: [`safety`], the rules an archive member's name, type and
//! mode must pass (with [`NameSet`] for duplicates and NFC or case collisions), and
//! [`display`], how every output shows a name (`\xNN` for bytes that are not UTF-8)
//! and the one escaper of line-based text ([`escape`]).

pub mod display;
pub mod safety;

pub use display::{escape, from_os, from_path, os_bytes, shown};
pub use safety::{fold, mode_problem, name_problem, type_problem, NameSet, NAME_MAX};
