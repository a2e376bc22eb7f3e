//! Integration tests of the `osbundle` binary: one test binary, one module per
//! subcommand, a small temp-dir harness in `util`.

mod agree;
mod answer_files;
mod build_verdicts;
mod bundle;
mod check;
mod ci_formats;
mod config;
mod contract;
mod delete_reply;
mod diff;
mod distribution;
mod doors;
mod explain;
mod foreign;
mod fuzz_regressions;
mod help;
mod interrupt;
mod java;
mod macros;
mod new;
mod output;
mod output_snapshots;
mod payload;
mod peer_corpus;
mod plain_tar;
mod project;
mod readme;
mod repository;
mod rules;
mod sign;
mod suppress;
mod unattend_empty;
mod util;
mod verdicts;
