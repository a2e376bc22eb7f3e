//! The gzip framing of a stream as read: members, header bytes, what follows the
//! last member; and how it differs from the framing the writer produces.

use super::HEADER;

/// The gzip framing of a stream: enough to tell whether its bytes are exactly what
/// `build` writes ([`GzipInfo::is_canonical`]), and to describe them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GzipInfo {
    /// A plain tar, not gzip-compressed at all (no members).
    pub plain_tar: bool,
    /// gzip members read (`cat a.gz b.gz` has two).
    pub members: u64,
    /// The first 10 bytes of the first member's header (magic, method, flags,
    /// mtime, XFL, OS).
    pub first_header: [u8; 10],
    /// The first member's file name (FNAME), if any.
    pub file_name: Option<Vec<u8>>,
    /// Whether any member's header differs from [`HEADER`] (flags, mtime, XFL, OS).
    pub other_header: bool,
    /// Zero bytes after the last member.
    pub trailing_zeros: u64,
    /// Where data other than zeros and gzip members starts after the last member
    /// (GNU gzip ignores it with a warning), and how many bytes follow from there.
    pub trailing_garbage: Option<(u64, u64)>,
}

impl GzipInfo {
    /// Exactly one member with the fixed [`HEADER`] and nothing after it: the framing
    /// `build` writes.
    pub fn is_canonical(&self) -> bool {
        self.members == 1
            && !self.other_header
            && self.trailing_zeros == 0
            && self.trailing_garbage.is_none()
    }

    /// How the framing differs from what `build` writes, in words; `None` when it
    /// does not.
    pub fn difference(&self) -> Option<String> {
        if self.is_canonical() {
            return None;
        }
        if self.plain_tar {
            return Some(
                "a plain tar, not gzip-compressed: osbundle build writes .tar.gz (one gzip member with the header 1f8b 0800 0000 0000 00ff); unpacked with gunzip or written by another tool".to_string(),
            );
        }
        let mut what = Vec::new();
        if self.other_header {
            let h = &self.first_header;
            let mut fields = Vec::new();
            if h[3] & 8 != 0 {
                fields.push("a file name".to_string());
            }
            if h[3] & !8 != 0 {
                fields.push(format!("flags {:#04x}", h[3]));
            }
            if h[4..8] != [0; 4] {
                fields.push("a modification time".to_string());
            }
            if h[8] != 0 {
                fields.push(format!("XFL {}", h[8]));
            }
            if h[9] != HEADER[9] {
                fields.push(format!("OS byte {}", h[9]));
            }
            if fields.is_empty() {
                what.push("a gzip header other than the fixed one".to_string());
            } else {
                what.push(format!("a gzip header with {}", fields.join(", ")));
            }
        }
        if self.members != 1 {
            what.push(format!("{} gzip members", self.members));
        }
        if self.trailing_zeros > 0 {
            what.push(format!(
                "{} zero bytes after the last member",
                self.trailing_zeros
            ));
        }
        if let Some((at, n)) = self.trailing_garbage {
            what.push(format!(
                "{n} bytes of other data after the last member, from byte {at}"
            ));
        }
        Some(format!(
            "the gzip encoding is not what osbundle build writes ({}; build writes one member with the header 1f8b 0800 0000 0000 00ff): recompressed or written by another tool",
            what.join("; ")
        ))
    }
}
