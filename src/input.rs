//! Reading inputs: paths or `-` for standard input, with a size limit for documents
//! that are parsed whole (rules, profile.json, config files, replies).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// The largest JSON or text document read whole: 64 MiB. Real configuration-settings
/// files and `GET /osImages` responses are kilobytes to a few megabytes.
pub(crate) const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole document from `path` (`-` is standard input), refusing more than
/// 64 MiB (`MAX_DOCUMENT_BYTES`).
pub fn read_path(path: &Path) -> Result<Vec<u8>> {
    let result = if path.as_os_str() == "-" {
        read_limited(io::stdin().lock())
    } else {
        File::open(path).and_then(read_limited)
    };
    result.map_err(|e| Error::io(path, e))
}

/// Reads all of `reader`, failing with `InvalidData` past [`MAX_DOCUMENT_BYTES`].
pub(crate) fn read_limited(reader: impl Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "larger than the {} MiB limit for documents",
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_enforced() {
        let big = io::repeat(b' ').take(MAX_DOCUMENT_BYTES + 10);
        let err = read_limited(big).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(read_limited(&b"abc"[..]).unwrap(), b"abc");
    }
}
