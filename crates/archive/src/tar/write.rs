//! The header blocks a reproducible build writes, on the `tar` crate's ustar
//! headers (path splitting, checksums).

use std::io::ErrorKind;

use super::{pad, BLOCK};

/// The header blocks `build` writes for a regular file: ustar, `mode`, owner 0:0 with
/// empty owner names, `mtime`, and a pax `path` record first when the name does not
/// fit the ustar name and prefix fields.
pub fn file_header(name: &str, size: u64, mode: u32, mtime: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(BLOCK);
    let mut header = ::tar::Header::new_ustar();
    let fits = header.set_path(name).is_ok() && header.path_bytes().as_ref() == name.as_bytes();
    if !fits {
        let record = pax_record("path", name);
        let mut pax = ::tar::Header::new_ustar();
        pax.set_path("PaxHeader")
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e))?;
        fill(
            &mut pax,
            record.len() as u64,
            0o644,
            mtime,
            ::tar::EntryType::XHeader,
        );
        out.extend_from_slice(pax.as_bytes());
        out.extend_from_slice(record.as_bytes());
        out.resize(out.len() + pad(record.len() as u64) as usize, 0);
        header = ::tar::Header::new_ustar();
        let short = short_name(name);
        header
            .set_path(short)
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e))?;
    }
    fill(&mut header, size, mode, mtime, ::tar::EntryType::Regular);
    out.extend_from_slice(header.as_bytes());
    Ok(out)
}

/// The ustar name beside a pax `path` record, for readers that know no pax: the
/// last bytes of `name` (at most [`SHORT_NAME_MAX`], cut at a character boundary, no
/// leading `/`), so that it fits the 100-byte name field whatever the characters.
pub(super) fn short_name(name: &str) -> &str {
    let mut start = name.len().saturating_sub(SHORT_NAME_MAX);
    while !name.is_char_boundary(start) {
        start += 1;
    }
    name[start..].trim_start_matches('/')
}

/// The longest ustar name [`file_header`] writes beside a pax `path` record.
pub(super) const SHORT_NAME_MAX: usize = 90;

fn fill(header: &mut ::tar::Header, size: u64, mode: u32, mtime: u64, kind: ::tar::EntryType) {
    header.set_size(size);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    header.set_entry_type(kind);
    header.set_cksum();
}

/// One pax record, its length prefix counting itself.
pub(super) fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    loop {
        let candidate = format!("{len}{body}");
        if candidate.len() == len {
            return candidate;
        }
        len = candidate.len();
    }
}
