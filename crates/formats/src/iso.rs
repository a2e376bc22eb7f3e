//! ISO 9660 and UDF images: the volume descriptors from sector 16, and whether the
//! volume they record fits in the file (a truncated download does not).
//!
//! Hand-written: the descriptors are fixed-layout 2048-byte sectors (ECMA-119 §8,
//! ECMA-167 §2/§3), and only their identifiers and a few sizes are read; a crate that
//! mounts images would read far more than a preflight needs.

use crate::{be32, cut_short, le16, le32, Cursor, Fault, Input};

const SECTOR: u64 = 2048;
/// How many descriptors are read before giving up on a terminator.
const MAX_DESCRIPTORS: u64 = 64;

/// The file system of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An ISO 9660 primary volume descriptor (with or without UDF beside it).
    Iso9660,
    /// UDF only (a volume recognition sequence with an NSR descriptor).
    Udf,
}

/// What the volume descriptors say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The file system.
    pub format: Format,
    /// The volume identifier (ISO 9660), trimmed.
    pub label: String,
    /// The size the volume records, in bytes, when it was read.
    pub size: Option<u64>,
}

/// Reads the volume descriptors of the image `input` of `len` bytes.
pub fn read(input: &mut dyn Input, len: u64) -> Result<Volume, Fault> {
    let mut c = Cursor::new(input, len);
    c.seek_to(16 * SECTOR, "the volume descriptor at sector 16")?;
    let mut sector = vec![0u8; SECTOR as usize];
    let mut udf = false;
    for i in 0..MAX_DESCRIPTORS {
        let at = 16 + i;
        let what = format!("the volume descriptor at sector {at}");
        c.exact(&mut sector, &what)?;
        let id = &sector[1..6];
        match id {
            b"CD001" => match sector[0] {
                1 => return primary(&sector, len, at),
                255 => break,
                _ => {}
            },
            b"BEA01" | b"TEA01" => {}
            b"NSR02" | b"NSR03" => udf = true,
            _ if i == 0 => {
                return Err(Fault::Corrupt(
                    "no ISO 9660 or UDF volume descriptor at sector 16 (byte 32768)".into(),
                ))
            }
            _ => break,
        }
    }
    if !udf {
        return Err(Fault::Corrupt(
            "the volume descriptors from sector 16 hold no ISO 9660 primary volume descriptor and no UDF descriptor".into(),
        ));
    }
    udf_volume(&mut c, len)
}

fn primary(pvd: &[u8], len: u64, at: u64) -> Result<Volume, Fault> {
    if pvd[6] != 1 {
        return Err(Fault::Corrupt(format!(
            "the primary volume descriptor at sector {at} has version {}, not 1",
            pvd[6]
        )));
    }
    let blocks = le32(pvd, 80);
    let block = le16(pvd, 128);
    if blocks != be32(pvd, 84) || block != u16::from_be_bytes([pvd[130], pvd[131]]) {
        return Err(Fault::Corrupt(format!(
            "the primary volume descriptor at sector {at} is damaged: its little- and big-endian sizes differ"
        )));
    }
    if !matches!(block, 512 | 1024 | 2048) {
        return Err(Fault::Corrupt(format!(
            "the primary volume descriptor at sector {at} records a block size of {block}"
        )));
    }
    let size = u64::from(blocks) * u64::from(block);
    if size > len {
        return Err(cut_short(
            len,
            &format!("the volume ({blocks} blocks of {block} bytes)"),
            size,
        ));
    }
    let label = String::from_utf8_lossy(&pvd[40..72])
        .trim_matches([' ', '\0'])
        .to_string();
    Ok(Volume {
        format: Format::Iso9660,
        label,
        size: Some(size),
    })
}

/// A UDF descriptor tag (ECMA-167 3/7.2): identifier, checksum, location.
fn tag(sector: &[u8], location: u64) -> Option<u16> {
    let sum = sector[..16]
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .fold(0u8, |s, (_, b)| s.wrapping_add(*b));
    (sum == sector[4] && u64::from(le32(sector, 12)) == location).then(|| le16(sector, 0))
}

fn udf_volume(c: &mut Cursor<'_>, len: u64) -> Result<Volume, Fault> {
    let mut sector = vec![0u8; SECTOR as usize];
    c.seek_to(256 * SECTOR, "the UDF anchor at sector 256")?;
    c.exact(&mut sector, "the UDF anchor at sector 256")?;
    if tag(&sector, 256) != Some(2) {
        return Err(Fault::Corrupt(
            "no UDF anchor volume descriptor pointer at sector 256".into(),
        ));
    }
    let vds_len = u64::from(le32(&sector, 16));
    let vds = u64::from(le32(&sector, 20));
    let mut volume = Volume {
        format: Format::Udf,
        label: String::new(),
        size: None,
    };
    if vds <= 256 {
        // Before the anchor: a one-pass reader cannot go back; the size stays unknown.
        return Ok(volume);
    }
    c.seek_to(vds * SECTOR, "the UDF volume descriptor sequence")?;
    for i in 0..(vds_len / SECTOR).min(MAX_DESCRIPTORS) {
        c.exact(&mut sector, "the UDF volume descriptor sequence")?;
        match tag(&sector, vds + i) {
            // Partition descriptor: starting location and length in sectors.
            Some(5) => {
                let end = (u64::from(le32(&sector, 188)) + u64::from(le32(&sector, 192))) * SECTOR;
                if end > len {
                    return Err(cut_short(len, "the UDF partition", end));
                }
                volume.size = Some(volume.size.unwrap_or(0).max(end));
            }
            Some(8) | None => break,
            Some(_) => {}
        }
    }
    Ok(volume)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::iso9660 as image;
    use crate::Sequential;

    fn check(bytes: &[u8]) -> Result<Volume, Fault> {
        read(&mut Sequential(bytes), bytes.len() as u64)
    }

    #[test]
    fn a_whole_image_and_a_truncated_one() {
        let img = image(20);
        let v = check(&img).unwrap();
        assert_eq!(
            (v.format, v.size, v.label.as_str()),
            (Format::Iso9660, Some(40960), "LABEL")
        );
        let e = check(&img[..img.len() - 1]).unwrap_err();
        assert!(
            e.to_string()
                .contains("needs 40960 bytes, the file has 40959"),
            "{e}"
        );
        let e = check(&img[..20 * 1024]).unwrap_err();
        assert!(e.to_string().contains("sector 16"), "{e}");
        assert!(check(&[]).is_err());
    }

    #[test]
    fn damaged_descriptors() {
        let mut img = image(20);
        img[16 * 2048 + 84] ^= 1;
        assert!(check(&img).unwrap_err().to_string().contains("differ"));
        let mut img = image(20);
        img[16 * 2048 + 1] = b'X';
        assert!(check(&img).unwrap_err().to_string().contains("no ISO 9660"));
    }
}
