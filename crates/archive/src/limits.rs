//! Limits that every archive read enforces, with defaults sane for OS-deployment
//! bundles (drivers and software of up to a few GiB) and options to raise them, and
//! the sizes in messages.

use std::fmt;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// The compression ratio is judged only once this many bytes were inflated, so that
/// small, very compressible archives pass.
pub const RATIO_GRACE: u64 = 16 * MIB;
/// Zero bytes allowed after the end-of-archive marker (GNU tar pads to 10 KiB).
pub const TRAILING_ZEROS_MAX: u64 = MIB;
/// The longest entry name, in bytes.
pub use crate::names::NAME_MAX;

/// The limits of one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries in one archive.
    pub max_entries: u64,
    /// Largest single entry, in bytes.
    pub max_entry_size: u64,
    /// Largest sum of entry sizes, in bytes.
    pub max_total_size: u64,
    /// Largest ratio of inflated to compressed bytes (past 16 MiB inflated).
    pub max_ratio: u64,
}
impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_entry_size: 16 * GIB,
            max_total_size: 64 * GIB,
            max_ratio: 200,
        }
    }
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} entries, {} per entry, {} in total, ratio {}:1",
            self.max_entries,
            show_size(self.max_entry_size),
            show_size(self.max_total_size),
            self.max_ratio
        )
    }
}

/// Parses a size: a number of bytes with an optional `K`, `M`, `G` or `T` suffix
/// (powers of 1024; `KiB`, `MB` and friends are accepted too).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("\"{text}\" is not a size (such as 512M or 8G)"))?;
    let factor = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => KIB,
        "M" | "MB" | "MIB" => MIB,
        "G" | "GB" | "GIB" => GIB,
        "T" | "TB" | "TIB" => 1024 * GIB,
        _ => {
            return Err(format!(
                "\"{text}\": unknown unit \"{unit}\" (use K, M, G or T)"
            ))
        }
    };
    if n == 0 {
        return Err(format!("\"{text}\": a limit must be more than 0"));
    }
    n.checked_mul(factor)
        .ok_or_else(|| format!("\"{text}\" is too large"))
}

/// A size for messages: `512 MiB`, `16 GiB`, `100 bytes`.
pub fn show_size(n: u64) -> String {
    for (unit, name) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if n >= unit && n.is_multiple_of(unit) {
            return format!("{} {name}", n / unit);
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("8G"), Ok(8 * GIB));
        assert_eq!(parse_size("512MiB"), Ok(512 * MIB));
        assert_eq!(parse_size("4 k"), Ok(4 * KIB));
        assert!(parse_size("x").is_err());
        assert!(parse_size("5Q").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert_eq!(show_size(16 * GIB), "16 GiB");
        assert_eq!(show_size(1000), "1000 bytes");
    }
}
