//! Records the commit the binary is built from, when built from a git checkout.
//!
//! Cargo reruns a build script whose `rerun-if-changed` path does not exist on every
//! build, so the paths watched are asked of git itself (in a linked worktree `HEAD`
//! lives under `.git/worktrees/`, the branches in the common folder); outside a
//! checkout only this file is watched.
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let long = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(c) => format!("{version} ({c})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=OSBUNDLE_VERSION_LONG={long}");
    println!("cargo:rerun-if-changed=build.rs");
    let git_path = |name: &str| git(&["rev-parse", "--path-format=absolute", "--git-path", name]);
    let watched = [
        git_path("HEAD"),
        git_path("refs/heads"),
        git_path("packed-refs"),
    ];
    for path in watched.into_iter().flatten() {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
