//! Writers of small archives for tests and fuzz targets, built for this crate's own
//! tests and for other crates behind the `testing` feature (off by default;
//! `osbundle` enables it for its tests). Not for production use: names go in raw,
//! unchecked, so that tests can write what the safe writer refuses.

use std::io::Write;

use crate::tar::{field, file_header, pad, END};

/// A gzip'd tar of `(name, data)` entries, regular files of mode 0644, each name
/// written raw into the header's name field (`..` and absolute names included;
/// names up to 100 bytes).
///
/// # Panics
/// On a name longer than 100 bytes: a test's mistake, not an input.
pub fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, data) in entries {
        let mut header = file_header("placeholder", data.len() as u64, 0o644, 0)
            .expect("a fixed short name always fits");
        // Names the header writer refuses (`..`) go in raw.
        header[field::NAME].fill(0);
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[field::PREFIX].fill(0);
        header[field::CHECKSUM].fill(b' ');
        let sum: u32 = header[..512].iter().map(|&b| u32::from(b)).sum();
        header[field::CHECKSUM].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(data);
        tar.resize(tar.len() + pad(data.len() as u64) as usize, 0);
    }
    tar.extend_from_slice(&END);
    let mut gz = crate::gzip::ParGzWriter::new(Vec::new(), 1, 1).expect("one job, one block");
    gz.write_all(&tar).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_is_written_reads_back_name_for_name() {
        let gz = super::tar_gz(&[("a/b.txt", b"hello"), ("../up", b"")]);
        let mut tar = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut tar).unwrap();
        assert_eq!(&tar[..7], b"a/b.txt");
        assert_eq!(&tar[512..517], b"hello");
        assert_eq!(&tar[1024..1029], b"../up");
        assert_eq!(
            tar.len(),
            3 * 512 + 1024,
            "two headers, one data block, the end"
        );
    }
}
