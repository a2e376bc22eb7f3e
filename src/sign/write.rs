//! Atomic writes of key and signature files: a temporary file in the target's folder,
//! created with its final mode (0600 for secrets), synced, then renamed into place.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` with `mode` (Unix), atomically. Without `overwrite`, an
/// existing file is an error and is left alone.
pub(crate) fn atomic(path: &Path, bytes: &[u8], mode: u32, overwrite: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !overwrite && std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "already exists (use --force to replace it)",
            ),
        ));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".osbundle-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    let persisted = if overwrite {
        tmp.persist(path).map(drop)
    } else {
        tmp.persist_noclobber(path).map(drop)
    };
    persisted.map_err(|e| Error::io(path, e.error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_no_clobber() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("k.key");
        atomic(&p, b"secret", 0o600, false).unwrap();
        assert!(atomic(&p, b"x", 0o600, false).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        atomic(&p, b"new", 0o644, true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
