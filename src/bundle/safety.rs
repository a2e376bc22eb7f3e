//! The safety rules of entry names, types and modes live in [`crate::names`], shared
//! with `check` and `build`; this module keeps the readers' paths to them.

pub use crate::names::{mode_problem, name_problem, type_problem, NameSet};
