//! Integration tests of the `osbundle` binary: one test binary, one module per
//! subcommand, a small temp-dir harness in `util`.

mod agree;
mod bundle;
mod check;
mod config;
mod delete_reply;
mod diff;
mod doors;
mod foreign;
mod fuzz_regressions;
mod interrupt;
mod output;
mod output_snapshots;
mod peer_corpus;
mod repository;
mod rules;
mod sign;
mod util;
