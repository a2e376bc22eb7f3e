//! `extract`: verify while extracting into a temporary folder inside the target
//! directory, and rename it into place only when the whole bundle holds.
//!
//! The bundle `DIR/.../<stamp>_<name>.tar.gz` is extracted to `DIR/<stamp>_<name>/`,
//! which must not exist yet. Only entries that passed the safety rules are written,
//! as new regular files below the temporary folder (which holds no links, so no path
//! can lead out of it); modes are 0644, or 0755 when the entry had an execute bit.
//! On any error finding, a failed write, or a panic-free early return, the temporary
//! folder is removed: nothing is left behind. The temporary is named
//! `.osbundle-tmp-<pid>-extract-*` and removed on SIGINT, SIGTERM and SIGHUP too
//! (`crate::cleanup`).
//!
//! The folder is a profile directory: besides the kind folders it gets a
//! `profile.json` rebuilt from `metadata.json` (`metadata::to_profile`), so
//! that `check` passes on it and `build` with the same `SOURCE_DATE_EPOCH` gives the
//! same bundle byte for byte. `metadata.json`, `SHA256SUMS` and `CHECKSUM` stay at its
//! root (so `sha256sum -c SHA256SUMS` works there); `check` and `build` ignore these
//! three names at the root of a profile directory.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::metadata::{to_profile, Metadata};
use super::stream::Sink;
use super::verify::{verify_path_into, Verified, VerifySettings};
use crate::error::{Error, Result};
use crate::findings::Severity;
use crate::profile::PROFILE_FILE;

/// The outcome of an extraction.
#[derive(Debug, Default)]
pub struct Extracted {
    /// What verification found.
    pub verified: Verified,
    /// Where the bundle was extracted, when it was valid.
    pub target: Option<PathBuf>,
}

/// The folder name a bundle extracts to: its file name without `.tar.gz`, `.tgz`,
/// `.gz` or `.tar`.
pub(crate) fn folder_name(bundle: &Path) -> String {
    let name = bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "-")
        .unwrap_or_else(|| "bundle".to_string());
    for ext in [".tar.gz", ".tgz", ".gz", ".tar"] {
        if let Some(stem) = name.strip_suffix(ext) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    format!("{name}.d")
}

/// Verifies `bundle` and, when it holds, extracts it to `dir/<folder_name>`. With
/// `force`, errors that [`crate::Rule::force_overrides`] (what the rules and checks say of
/// the profile's content) do not stop it; the bundle must still be complete, intact
/// and safe.
pub fn extract(
    bundle: &Path,
    dir: &Path,
    settings: &VerifySettings,
    force: bool,
) -> Result<Extracted> {
    let meta = fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() {
        return Err(Error::io(dir, io::Error::other("not a directory")));
    }
    let target = dir.join(folder_name(bundle));
    if fs::symlink_metadata(&target).is_ok() {
        return Err(Error::io(
            &target,
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "already exists; remove it or choose another -C",
            ),
        ));
    }
    let tmp = tempfile::Builder::new()
        .prefix(&crate::cleanup::prefix("extract"))
        .tempdir_in(dir)
        .map_err(|e| Error::io(&target, crate::cleanup::without_path(e)))?;
    let registered = crate::cleanup::register(tmp.path());
    let mut sink = FsSink {
        root: tmp.path().to_path_buf(),
        current: None,
    };
    let verified = verify_path_into(bundle, settings, Some(&mut sink))?;
    drop(sink);
    let ok = verified.complete
        && verified
            .findings
            .iter()
            .all(|f| f.severity != Severity::Error || (force && f.rule.force_overrides()));
    if !ok {
        tmp.close().map_err(|e| Error::io(dir, e))?;
        return Ok(Extracted {
            verified,
            target: None,
        });
    }
    let profile = verified
        .metadata
        .clone()
        .and_then(|value| serde_json::from_value::<Metadata>(value).ok())
        .map(|m| to_profile(&m));
    if let Some(profile) = profile {
        let mut bytes = serde_json::to_vec_pretty(&profile).unwrap_or_default();
        bytes.push(b'\n');
        fs::write(tmp.path().join(PROFILE_FILE), bytes).map_err(|e| Error::io(&target, e))?;
    }
    let kept = tmp.keep();
    if let Err(e) = fs::rename(&kept, &target) {
        let _ = fs::remove_dir_all(&kept);
        return Err(Error::io(&target, e));
    }
    drop(registered);
    Ok(Extracted {
        verified,
        target: Some(target),
    })
}

struct FsSink {
    root: PathBuf,
    current: Option<BufWriter<File>>,
}

impl Sink for FsSink {
    fn begin(&mut self, name: &str, mode: u32) -> io::Result<()> {
        if crate::cleanup::stopping() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        // `name` passed the safety rules: relative, normal components only.
        let path = self.root.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(if mode & 0o111 != 0 { 0o755 } else { 0o644 });
        }
        #[cfg(not(unix))]
        let _ = mode;
        self.current = Some(BufWriter::with_capacity(256 * 1024, options.open(path)?));
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        match &mut self.current {
            Some(w) => w.write_all(chunk),
            None => Err(io::Error::other("data outside an entry")),
        }
    }

    fn end(&mut self) -> io::Result<()> {
        match self.current.take() {
            Some(w) => w.into_inner().map_err(|e| e.into_error())?.sync_all(),
            None => Ok(()),
        }
    }

    fn dir(&mut self, name: &str) -> io::Result<()> {
        // A folder of a foreign archive, safe as a file name is; its mode is the
        // default (the data filter ignores folder modes too).
        fs::create_dir_all(self.root.join(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        assert_eq!(
            folder_name(Path::new("dl/2016121921921_x.tar.gz")),
            "2016121921921_x"
        );
        assert_eq!(folder_name(Path::new("a.tgz")), "a");
        assert_eq!(folder_name(Path::new("dl/a.tar")), "a");
        assert_eq!(folder_name(Path::new("-")), "bundle.d");
        assert_eq!(folder_name(Path::new("x.zip")), "x.zip.d");
    }
}
