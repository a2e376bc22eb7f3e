//! Opening the members of a profile relative to their folder: one `open` of each
//! folder, then each file by its name in it, so that the kernel looks up one path
//! component per file, not the whole path. Errors are those of opening the path
//! (the same `errno`), and a folder that cannot be opened falls back to the path.

use std::fs::File;
use std::io;
use std::path::Path;

/// The folders of a list of files, each opened once (where it can be).
pub(super) struct Folders {
    #[cfg(unix)]
    folders: Vec<Option<std::os::fd::OwnedFd>>,
    /// For each file, the index of its folder.
    of: Vec<usize>,
}

impl Folders {
    /// Opens the folders of `paths` (files of one folder listed together).
    pub(super) fn open<'a>(paths: impl Iterator<Item = &'a Path>) -> Folders {
        let mut last: Option<&Path> = None;
        let mut of = Vec::new();
        #[cfg(unix)]
        let mut folders = Vec::new();
        let mut count = 0;
        for path in paths {
            let parent = path.parent().unwrap_or(Path::new(""));
            if last != Some(parent) {
                #[cfg(unix)]
                {
                    use rustix::fs::{Mode, OFlags};
                    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
                    folders.push(rustix::fs::open(parent, flags, Mode::empty()).ok());
                }
                last = Some(parent);
                count += 1;
            }
            of.push(count - 1);
        }
        Folders {
            #[cfg(unix)]
            folders,
            of,
        }
    }

    /// Opens the `i`-th file, at `path`, for reading.
    pub(super) fn file(&self, i: usize, path: &Path) -> io::Result<File> {
        #[cfg(unix)]
        if let (Some(Some(folder)), Some(name)) = (
            self.of.get(i).and_then(|&f| self.folders.get(f)),
            path.file_name(),
        ) {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::openat(
                folder,
                name,
                OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            return Ok(File::from(fd));
        }
        let _ = i;
        File::open(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::path::PathBuf;

    /// Each file opens as by its path, and fails with the error its path gives.
    #[test]
    fn files_open_by_their_folder_as_by_their_path() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for (dir, name) in [("a", "1"), ("a", "2"), ("b", "1")] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(root.join(dir).join(name), format!("{dir}{name}")).unwrap();
        }
        let paths: Vec<PathBuf> = ["a/1", "a/2", "a/gone", "b/1", "c/1", "b/2"]
            .iter()
            .map(|p| root.join(p))
            .collect();
        let folders = Folders::open(paths.iter().map(PathBuf::as_path));
        for (i, path) in paths.iter().enumerate() {
            let by_folder = folders.file(i, path).map(|mut f| {
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                s
            });
            let by_path = std::fs::read_to_string(path);
            match (by_folder, by_path) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{path:?}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{path:?}"),
                other => panic!("{path:?}: {other:?}"),
            }
        }
    }
}
