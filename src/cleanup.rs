//! Temporary files and folders of a run, and what happens to them when the run is cut
//! short.
//!
//! Guarantees:
//! - every temporary that `build` and `extract` create is named
//!   `.osbundle-tmp-<pid>-<purpose>-<random>` (`prefix`) in the folder of its final
//!   name, so that it is recognisable after a crash;
//! - while it exists it is `register`ed: on SIGINT, SIGTERM or SIGHUP (once
//!   [`install_signal_handlers`] ran) every registered path is removed and the process
//!   exits with 128 + the signal number (130, 143, 129), as shells expect;
//! - what SIGKILL or a power cut leaves behind is found by [`sweep`], which the next
//!   run in that folder calls: a temporary whose process is gone is removed (on systems
//!   with `/proc`; elsewhere it is only reported, as a live process cannot be told
//!   from a dead one).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The start of every temporary's name.
pub(crate) const PREFIX: &str = ".osbundle-tmp-";

static REGISTRY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static STOPPING: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<()> = OnceLock::new();

/// The name prefix of a new temporary of this process for `purpose` (`build`,
/// `extract`, ...); the creator appends random characters.
pub(crate) fn prefix(purpose: &str) -> String {
    format!("{PREFIX}{}-{purpose}-", std::process::id())
}

/// Keeps a path registered for removal on a signal; unregisters it when dropped.
#[derive(Debug)]
#[must_use = "the path is unregistered when this is dropped"]
pub(crate) struct Registered(PathBuf);

/// Registers `path` (a file or a folder) for removal if a signal ends the run.
pub(crate) fn register(path: &Path) -> Registered {
    lock().push(path.to_path_buf());
    Registered(path.to_path_buf())
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut list = lock();
        if let Some(i) = list.iter().rposition(|p| p == &self.0) {
            list.swap_remove(i);
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    REGISTRY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether a signal is ending the run: writers stop creating files.
pub(crate) fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Handles SIGINT, SIGTERM and SIGHUP on a thread of their own: removes every
/// registered path, then exits with 128 + the signal number. Idempotent.
pub fn install_signal_handlers() -> io::Result<()> {
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
        std::thread::Builder::new()
            .name("osbundle-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    STOPPING.store(true, Ordering::SeqCst);
                    let list = lock();
                    for path in list.iter() {
                        remove(path);
                    }
                    std::process::exit(128 + signal);
                }
            })?;
    }
    let _ = INSTALLED.set(());
    Ok(())
}

/// Removes a file or folder; retries while another thread is still writing into it.
fn remove(path: &Path) {
    for _ in 0..50 {
        let result = match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
            Ok(_) => fs::remove_file(path),
            Err(_) => return,
        };
        match result {
            Ok(()) => return,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// `error` without the temporary's path that `tempfile` adds to its messages: users
/// are told about the final path, never the temporary one.
pub(crate) fn without_path(error: io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => {
            let kind = error.kind();
            io::Error::new(kind, kind.to_string())
        }
    }
}

/// The process ID in a temporary's name, if it is one.
fn pid_of(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?;
    let (digits, _) = rest.split_once('-')?;
    digits.parse().ok()
}

/// Whether process `pid` may still run. Without `/proc`, it may.
fn may_be_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Finds temporaries left in `dir` by runs that ended without cleaning up (SIGKILL,
/// a power cut). Those of a process that is gone are removed; the others are left
/// alone. Returns one note per temporary found, for the user.
pub fn sweep(dir: &Path) -> Vec<String> {
    let Ok(read) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, u32)> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name();
            let pid = pid_of(name.to_str()?)?;
            Some((e.path(), pid))
        })
        .filter(|(_, pid)| *pid != std::process::id())
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(path, pid)| {
            if may_be_alive(pid) {
                format!(
                    "{} is a temporary of osbundle process {pid}; remove it if no osbundle runs there",
                    crate::names::from_path(&path)
                )
            } else {
                remove(&path);
                match fs::symlink_metadata(&path) {
                    Err(_) => format!(
                        "removed {}, left by an interrupted run (process {pid})",
                        crate::names::from_path(&path)
                    ),
                    Ok(_) => format!(
                        "could not remove {}, left by an interrupted run (process {pid})",
                        crate::names::from_path(&path)
                    ),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_pid() {
        let p = prefix("build");
        assert!(p.starts_with(PREFIX));
        assert_eq!(pid_of(&format!("{p}abc123")), Some(std::process::id()));
        assert_eq!(pid_of(".osbundle-tmp-x-build-1"), None);
        assert_eq!(pid_of("other"), None);
    }

    #[test]
    fn sweep_removes_what_dead_processes_left() {
        let tmp = tempfile::tempdir().unwrap();
        // No process has this ID (above the Linux pid_max limit of 2^22).
        let dead = tmp.path().join(".osbundle-tmp-4194399-build-x");
        fs::write(&dead, b"partial").unwrap();
        let dead_dir = tmp.path().join(".osbundle-tmp-4194398-extract-y");
        fs::create_dir_all(dead_dir.join("drivers")).unwrap();
        let mine = tmp.path().join(format!("{}z", prefix("build")));
        fs::write(&mine, b"in use").unwrap();
        fs::write(tmp.path().join("keep.tar.gz"), b"").unwrap();
        let notes = sweep(tmp.path());
        if Path::new("/proc/self").exists() {
            assert_eq!(notes.len(), 2, "{notes:?}");
            assert!(notes[0].starts_with("removed"), "{notes:?}");
            assert!(!dead.exists() && !dead_dir.exists());
        }
        assert!(mine.exists());
        assert!(tmp.path().join("keep.tar.gz").exists());
    }

    #[test]
    fn registration_ends_with_the_guard() {
        let path = PathBuf::from("/nonexistent/osbundle-registry-test");
        {
            let _guard = register(&path);
            assert!(lock().contains(&path));
        }
        assert!(!lock().contains(&path));
    }
}
