//! Integration tests of the `osbundle` binary: one test binary, one module per
//! subcommand, a small temp-dir harness in `util`.

mod agree;
mod bundle;
mod check;
mod config;
mod delete_reply;
mod distribution;
mod doors;
mod help;
mod interrupt;
mod output;
mod output_snapshots;
mod project;
mod readme;
mod rules;
mod util;
