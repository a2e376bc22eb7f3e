//! Interrupted runs leave nothing behind (issue 12): real runs of `build` and
//! `extract` on a profile large enough to be caught mid-write are stopped with
//! SIGINT, SIGTERM and SIGHUP (exit 130, 143, 129, their temporary removed) and with
//! SIGKILL (the temporary stays, recognisable by name, and the next run in that
//! folder removes it). Folders are listed with their hidden files.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Size of the one driver: big enough that a run lasts well past the first write.
const DRIVER_MIB: usize = 160;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("osbundle")
}

/// Every name in `dir`, hidden ones included, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn big_profile(root: &Path) -> PathBuf {
    let dir = root.join("big");
    fs::create_dir_all(dir.join("drivers")).unwrap();
    fs::write(
        dir.join("profile.json"),
        r#"{"name": "Big", "os": "win", "release": "2016"}"#,
    )
    .unwrap();
    // Incompressible data, written quickly: one seeded random MiB, repeated.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let block: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut out = BufWriter::new(fs::File::create(dir.join("drivers/payload.zip")).unwrap());
    let (head, tail) = crate::util::stored_zip_frame((DRIVER_MIB << 20) as u32);
    out.write_all(&head).unwrap();
    for _ in 0..DRIVER_MIB {
        out.write_all(&block).unwrap();
    }
    out.write_all(&tail).unwrap();
    out.flush().unwrap();
    dir
}

fn spawn(cwd: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1482113961")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until `done` holds, or panics after a while.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The temporary in `dir` of process `pid`, once it holds data.
fn temporary(dir: &Path, pid: u32) -> Option<PathBuf> {
    let prefix = format!(".osbundle-tmp-{pid}-");
    let name = listing(dir).into_iter().find(|n| n.starts_with(&prefix))?;
    let path = dir.join(name);
    let size = if path.is_dir() {
        fs::metadata(path.join("drivers/payload.zip")).map_or(0, |m| m.len())
    } else {
        fs::metadata(&path).map_or(0, |m| m.len())
    };
    (size > 0).then_some(path)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Starts `args` in `cwd`, waits for its temporary in `dir` to hold data, sends
/// `sig`, and returns the exit code and stderr.
fn interrupt(cwd: &Path, args: &[&str], dir: &Path, sig: &str) -> (Option<i32>, String) {
    let child = spawn(cwd, args);
    let pid = child.id();
    wait_until(&format!("the temporary of {args:?}"), || {
        temporary(dir, pid).is_some()
    });
    signal(&child, sig);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn interrupted_build_and_extract_leave_nothing() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    big_profile(root);
    let out = root.join("out");
    fs::create_dir(&out).unwrap();
    // Level 9 on one thread: slow enough to be caught mid-write every time.
    let slow_build = ["build", "-q", "-j", "1", "--level", "9", "-o", "out", "big"];

    for (sig, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let (got, stderr) = interrupt(root, &slow_build, &out, sig);
        assert_eq!(got, Some(code), "build, SIG{sig}: {stderr}");
        assert_eq!(listing(&out), Vec::<String>::new(), "build, SIG{sig}");
    }

    // SIGKILL cannot be caught: the temporary stays, named for its process ...
    let (got, _) = interrupt(root, &slow_build, &out, "KILL");
    assert_eq!(got, None);
    let left = listing(&out);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".osbundle-tmp-"), "{left:?}");
    // ... and the next run in that folder removes it, and says so.
    let done = Command::new(bin())
        .args(["build", "-q", "--level", "1", "-o", "out", "big"])
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1482113961")
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        stderr.contains("removed") && stderr.contains(&left[0]),
        "{stderr}"
    );
    let bundle_name = "2016121921921_Big.tar.gz";
    assert_eq!(
        listing(&out),
        [bundle_name.to_string(), format!("{bundle_name}.sha256")]
    );

    let x = root.join("x");
    fs::create_dir(&x).unwrap();
    let bundle = format!("out/{bundle_name}");
    let extract = ["extract", "-q", "-C", "x", bundle.as_str()];
    for (sig, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let (got, stderr) = interrupt(root, &extract, &x, sig);
        assert_eq!(got, Some(code), "extract, SIG{sig}: {stderr}");
        assert_eq!(listing(&x), Vec::<String>::new(), "extract, SIG{sig}");
    }
    let (got, _) = interrupt(root, &extract, &x, "KILL");
    assert_eq!(got, None);
    let left = listing(&x);
    assert!(
        left.len() == 1 && left[0].starts_with(".osbundle-tmp-"),
        "{left:?}"
    );
    let done = Command::new(bin())
        .args(["extract", "-C", "x", &bundle])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    assert!(String::from_utf8_lossy(&done.stderr).contains("removed"));
    assert_eq!(listing(&x), ["2016121921921_Big"]);
}

/// A temporary of a process that still runs is reported, never removed.
#[test]
fn a_live_process_keeps_its_temporary() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    let profile = root.join("p");
    fs::create_dir_all(profile.join("drivers")).unwrap();
    fs::write(
        profile.join("profile.json"),
        r#"{"name": "P", "os": "win", "release": "2016"}"#,
    )
    .unwrap();
    fs::write(
        profile.join("drivers/nic.zip"),
        crate::util::stored_zip(b"x"),
    )
    .unwrap();
    fs::create_dir(root.join("out")).unwrap();
    // This test process is alive: its "temporary" must stay.
    let live = format!(".osbundle-tmp-{}-build-abc", std::process::id());
    fs::write(root.join("out").join(&live), b"partial").unwrap();
    let done = Command::new(bin())
        .args(["build", "-q", "-o", "out", "p"])
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1482113961")
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    assert!(root.join("out").join(&live).exists());
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        stderr.contains(&live) && stderr.contains("remove it if"),
        "{stderr}"
    );
}
