//! Unix `ar` archives (the container of a VMware VIB): the global header, every
//! member header, and members that cover the file exactly.
//!
//! Hand-written: an `ar` archive is an 8-byte magic and fixed 60-byte member headers
//! of ASCII fields; the crates for it write archives or extract them, and a preflight
//! only walks headers and keeps one small member.

use crate::{Cursor, Fault, Input};

const MAGIC: &[u8; 8] = b"!<arch>\n";
/// The largest GNU long-name table read.
const NAMES_MAX: u64 = 1 << 20;

/// One member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its name (GNU `name/` and long names resolved, BSD `#1/N` names read).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What an archive holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Archive {
    /// Every member, in order.
    pub members: Vec<Member>,
    /// The data of the members [`read`] was asked to keep.
    pub kept: Vec<(String, Vec<u8>)>,
}

fn field(h: &[u8], at: usize, len: usize, base: u32, what: &str, pos: u64) -> Result<u64, Fault> {
    let text = std::str::from_utf8(&h[at..at + len])
        .unwrap_or("")
        .trim_end();
    if text.is_empty() && base == 8 {
        return Ok(0);
    }
    u64::from_str_radix(text, base).map_err(|_| {
        Fault::Corrupt(format!(
            "the member header at byte {pos} has no number in its {what} field"
        ))
    })
}

/// Walks the archive `input` of `len` bytes, keeping the data of each member named
/// by `keep` of at most `keep_max` bytes.
pub fn read(
    input: &mut dyn Input,
    len: u64,
    keep: &dyn Fn(&str) -> bool,
    keep_max: u64,
) -> Result<Archive, Fault> {
    let mut c = Cursor::new(input, len);
    let mut magic = [0u8; 8];
    c.exact(&mut magic, "the ar magic")?;
    if &magic != MAGIC {
        return Err(Fault::Corrupt("no ar magic (!<arch>)".into()));
    }
    let mut archive = Archive::default();
    let mut long_names: Vec<u8> = Vec::new();
    loop {
        if !c.pos().is_multiple_of(2) {
            c.seek_to(c.pos() + 1, "the padding")?;
        }
        if c.pos() == len {
            break;
        }
        let pos = c.pos();
        if len - pos == 1 {
            // A final newline some writers add.
            break;
        }
        let mut h = [0u8; 60];
        c.exact(&mut h, "a member header")?;
        if &h[58..60] != b"`\n" {
            return Err(Fault::Corrupt(format!(
                "the member header at byte {pos} does not end in `\\n"
            )));
        }
        let mut size = field(&h, 48, 10, 10, "size", pos)?;
        let raw = String::from_utf8_lossy(&h[..16]).trim_end().to_string();
        let end = c
            .pos()
            .checked_add(size)
            .ok_or_else(|| Fault::Corrupt("size overflow".into()))?;
        if end > len {
            return Err(crate::cut_short(len, &format!("the member \"{raw}\""), end));
        }
        let name = if let Some(n) = raw.strip_prefix("#1/") {
            let n: u64 = n.parse().map_err(|_| {
                Fault::Corrupt(format!(
                    "the member header at byte {pos} has a bad BSD name length"
                ))
            })?;
            if n > size || n > 4096 {
                return Err(Fault::Corrupt(format!(
                    "the member at byte {pos} has a name longer than its data"
                )));
            }
            size -= n;
            String::from_utf8_lossy(&c.bytes(n, "a member name")?)
                .trim_end_matches('\0')
                .to_string()
        } else if raw == "//" {
            if size > NAMES_MAX {
                return Err(Fault::Unprovable(
                    "a long-name table over 1 MiB is not read".into(),
                ));
            }
            long_names = c.bytes(size, "the long-name table")?;
            continue;
        } else if raw == "/" || raw == "/SYM64/" {
            String::from("/")
        } else if let Some(off) = raw.strip_prefix('/') {
            let off: usize = off.parse().map_err(|_| {
                Fault::Corrupt(format!(
                    "the member header at byte {pos} has a bad long-name offset"
                ))
            })?;
            let rest = long_names.get(off..).unwrap_or_default();
            let end = rest
                .iter()
                .position(|&b| b == b'\n' || b == 0)
                .unwrap_or(rest.len());
            String::from_utf8_lossy(&rest[..end])
                .trim_end_matches('/')
                .to_string()
        } else {
            raw.strip_suffix('/').unwrap_or(&raw).to_string()
        };
        if keep(&name) && size <= keep_max {
            let data = c.bytes(size, &format!("the member \"{name}\""))?;
            archive.kept.push((name.clone(), data));
        } else {
            c.seek_to(end, &format!("the member \"{name}\""))?;
        }
        if name != "/" {
            archive.members.push(Member { name, size });
        }
    }
    Ok(archive)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ar_archive as archive;
    use crate::Sequential;

    fn walk(bytes: &[u8]) -> Result<Archive, Fault> {
        read(
            &mut Sequential(bytes),
            bytes.len() as u64,
            &|n| n == "b",
            100,
        )
    }

    #[test]
    fn members_and_kept_data() {
        let bytes = archive(&[("a", b"xyz"), ("b", b"kept")]);
        let a = walk(&bytes).unwrap();
        assert_eq!(
            a.members,
            [
                Member {
                    name: "a".into(),
                    size: 3
                },
                Member {
                    name: "b".into(),
                    size: 4
                }
            ]
        );
        assert_eq!(a.kept, [("b".to_string(), b"kept".to_vec())]);
        for cut in [0, 7, 30, 68, bytes.len() - 1] {
            assert!(walk(&bytes[..cut]).is_err(), "{cut}");
        }
    }
}
