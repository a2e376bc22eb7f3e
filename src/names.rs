//! Profile files as bundle members: a local file that cannot be one (a link, a
//! special file, an unreadable file) and a member name that is unsafe, as findings
//! (`bundle-unsafe-entry`, `file-unreadable`). `check` and `build` call these for
//! every file of a profile, in the same order. The rules themselves (names, types,
//! modes, collisions) and the display of names (`\xNN` escapes, the one escaper of
//! text output) are the archive crate's ([`osbundle_archive::names`]), re-exported
//! here for the rest of the crate; the display half, [`from_path`] and [`escape`],
//! is public: every path and name printed, by the library or the binary, goes
//! through it.

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

pub use osbundle_archive::names::{escape, from_path};
pub(crate) use osbundle_archive::names::{from_os, name_problem, os_bytes, shown, NameSet};

use crate::findings::{Finding, Rule};

/// Why the local file `path` cannot be a member of a bundle, with the rule it
/// breaks: a link or special file ([`Rule::BundleUnsafeEntry`]) or a file that cannot
/// be opened for reading ([`Rule::FileUnreadable`]). `known` is the type a directory
/// listing already gave (it saves a `stat`). Never reads the data and never opens
/// anything but a regular file (a fifo would block).
pub(crate) fn local_file_problem(
    path: &Path,
    known: Option<fs::FileType>,
) -> Option<(Rule, String)> {
    local_type_problem(path, known).or_else(|| unreadable(path))
}

/// Why `path` cannot be opened for reading ([`Rule::FileUnreadable`]), with the
/// message an open of it would give (`cannot read: ...`): the same as
/// [`unreadable_finding`] for the error of an open.
pub(crate) fn unreadable(path: &Path) -> Option<(Rule, String)> {
    readable(path)
        .err()
        .map(|e| (Rule::FileUnreadable, format!("cannot read: {e}")))
}

/// The `file-unreadable` finding at `display` for `error`, the error of opening or
/// reading a file: what [`local_file_problem`] says of a file this process may not
/// open.
pub(crate) fn unreadable_finding(display: &str, error: &std::io::Error) -> Finding {
    Finding::error(
        Rule::FileUnreadable,
        display,
        format!("cannot read: {error}"),
    )
}

/// [`local_file_problem`] without the readability probe: for a caller that opens
/// the file anyway, and reports an open error as [`unreadable_finding`].
pub(crate) fn local_type_problem(
    path: &Path,
    known: Option<fs::FileType>,
) -> Option<(Rule, String)> {
    let file_type = match known {
        Some(t) => t,
        None => match fs::symlink_metadata(path) {
            Ok(meta) => meta.file_type(),
            Err(e) => return Some((Rule::FileUnreadable, format!("cannot read: {e}"))),
        },
    };
    if file_type.is_symlink() {
        let what = match fs::metadata(path) {
            Ok(_) => "a symbolic link",
            Err(_) => "a broken symbolic link",
        };
        return Some((
            Rule::BundleUnsafeEntry,
            format!("{what}: bundles hold regular files only; put the file itself here"),
        ));
    }
    if !file_type.is_file() {
        let what = if file_type.is_dir() {
            "a folder"
        } else {
            special_name(file_type)
        };
        return Some((
            Rule::BundleUnsafeEntry,
            format!("{what}: bundles hold regular files only"),
        ));
    }
    None
}

/// Whether this process may open `path` for reading, by its effective IDs.
#[cfg(unix)]
fn readable(path: &Path) -> std::io::Result<()> {
    use rustix::fs::{accessat, Access, AtFlags, CWD};
    accessat(CWD, path, Access::READ_OK, AtFlags::EACCESS).map_err(std::io::Error::from)
}

#[cfg(not(unix))]
fn readable(path: &Path) -> std::io::Result<()> {
    fs::File::open(path).map(drop)
}

fn special_name(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a fifo";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
    }
    let _ = file_type;
    "a special file"
}

/// The name checks of the member `folder/file_name` of a bundle-to-be, against the
/// names already in `names`: a `bundle-unsafe-entry` finding at `display`, or `None`.
/// `build` and `check` call this for every file of a profile, in the same order.
pub(crate) fn member_name_finding(
    folder: &str,
    file_name: &OsStr,
    display: &str,
    names: &mut NameSet,
) -> Option<Finding> {
    let raw = os_bytes(file_name);
    let mut entry = Vec::with_capacity(folder.len() + 1 + raw.len());
    entry.extend_from_slice(folder.as_bytes());
    entry.push(b'/');
    entry.extend_from_slice(raw);
    let problem = name_problem(&entry)
        .or_else(|| {
            raw.contains(&b'/')
                .then(|| "not a plain file name".to_string())
        })
        .or_else(|| {
            std::str::from_utf8(&entry)
                .ok()
                .and_then(|e| names.insert(e))
        })?;
    Some(Finding::error(
        Rule::BundleUnsafeEntry,
        display,
        format!("cannot be put in a bundle: {problem}"),
    ))
}
