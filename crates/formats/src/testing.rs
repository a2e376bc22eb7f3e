//! Writers of small, well-formed files of the formats read here, for tests and fuzz
//! targets: an ISO 9660 image, an `ar` archive. Built for this crate's own tests,
//! and for other crates behind the `testing` feature (off by default; `osbundle`
//! enables it for its tests, the fuzz crate for its targets). Not for production
//! use: the writers take the shortest path to bytes a reader here accepts.

/// The size of an ISO 9660 logical block.
const BLOCK: usize = 2048;

/// An ISO 9660 image of `blocks` 2048-byte blocks (at least the 18 its descriptors
/// take): a primary volume descriptor at sector 16 with the volume size and the
/// label `LABEL`, a set terminator at sector 17, zeros after.
pub fn iso9660(blocks: u32) -> Vec<u8> {
    let mut img = vec![0u8; 18 * BLOCK];
    let pvd = &mut img[16 * BLOCK..17 * BLOCK];
    pvd[0] = 1;
    pvd[1..6].copy_from_slice(b"CD001");
    pvd[6] = 1;
    pvd[40..45].copy_from_slice(b"LABEL");
    pvd[80..84].copy_from_slice(&blocks.to_le_bytes());
    pvd[84..88].copy_from_slice(&blocks.to_be_bytes());
    pvd[128..130].copy_from_slice(&(BLOCK as u16).to_le_bytes());
    pvd[130..132].copy_from_slice(&(BLOCK as u16).to_be_bytes());
    let term = &mut img[17 * BLOCK..18 * BLOCK];
    term[0] = 255;
    term[1..6].copy_from_slice(b"CD001");
    img.resize(img.len().max(blocks as usize * BLOCK), 0);
    img
}

/// An `ar` archive of `(name, data)` members, as GNU ar writes short names
/// (`name/`, at most 15 bytes, no `/` in it), each member padded to an even size.
pub fn ar_archive(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = b"!<arch>\n".to_vec();
    for (name, data) in members {
        let h = format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            format!("{name}/"),
            0,
            0,
            0,
            644,
            data.len()
        );
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        if !data.len().is_multiple_of(2) {
            out.push(b'\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ar, iso, Sequential};

    #[test]
    fn what_is_written_reads_back() {
        let img = iso9660(20);
        assert_eq!(img.len(), 20 * BLOCK);
        let v = iso::read(&mut Sequential(&img[..]), img.len() as u64).unwrap();
        assert_eq!(
            (v.size, v.label.as_str()),
            (Some(20 * BLOCK as u64), "LABEL")
        );
        // Fewer blocks than the descriptors take: the descriptors stay.
        assert_eq!(iso9660(1).len(), 18 * BLOCK);
        let bytes = ar_archive(&[("a", b"odd"), ("b", b"")]);
        let a = ar::read(
            &mut Sequential(&bytes[..]),
            bytes.len() as u64,
            &|_| false,
            0,
        )
        .unwrap();
        let read: Vec<(&str, u64)> = a
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.size))
            .collect();
        assert_eq!(read, [("a", 3), ("b", 0)]);
    }
}
