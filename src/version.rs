//! The version string: the crate version and, when known at build time, the commit
//! it was built from (set by `build.rs`).

/// `0.1.0 (abc1234)`, or `0.1.0` when built outside a git checkout.
pub(crate) const LONG: &str = env!("OSBUNDLE_VERSION_LONG");
