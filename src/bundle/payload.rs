//! `.tar.gz` payloads (software a profile carries) read with the bundle readers: a
//! whole gzip stream and a whole tar archive, and no entry that unpacks outside the
//! folder it is unpacked into. The meaning of the answer for a profile is
//! [`crate::profile::payload`]'s.

use std::io::Read;

use osbundle_formats::zip::Listing;
use osbundle_formats::{is_unsafe_name, Fault};

use super::gzip::with_inflated;
use super::tar::{EntryKind, TarReader};
use super::Limits;

/// Reads the `.tar.gz` `input`: without `deep`, the gzip header and the first tar
/// header; with `deep`, every entry to the gzip trailer. The listing holds the names
/// read, and those that are unsafe (absolute, `..`, a link whose target is).
pub(crate) fn read_tar_gz(input: &mut (dyn Read + Send), deep: bool) -> Result<Listing, Fault> {
    let limits = Limits {
        max_ratio: u64::MAX,
        ..Limits::default()
    };
    with_inflated(input, &limits, false, |inflated| {
        let mut tar = TarReader::new(&mut *inflated);
        let mut listing = Listing::default();
        loop {
            let header = match tar.next_header() {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(f) => return Err(Fault::Corrupt(f.message)),
            };
            let name = String::from_utf8_lossy(&header.name).into_owned();
            let link = String::from_utf8_lossy(&header.link_name).into_owned();
            let link_out = matches!(header.kind(), EntryKind::Symlink | EntryKind::Hardlink)
                && is_unsafe_name(&link);
            if is_unsafe_name(&name) || link_out {
                listing.unsafe_names.push(if link_out {
                    format!("{name} -> {link}")
                } else {
                    name.clone()
                });
            }
            listing.names.push(name);
            if !deep {
                return Ok(listing);
            }
            tar.read_data(|_| {})
                .map_err(|f| Fault::Corrupt(f.message))?;
        }
        match inflated.end() {
            Some(Ok(_)) | None if !deep => Ok(listing),
            Some(Ok(_)) => Ok(listing),
            Some(Err(f)) => Err(Fault::Corrupt(f.message.clone())),
            None => Err(Fault::Corrupt("the gzip stream ended early".into())),
        }
    })
}
