//! The bundle format (`docs/FORMAT.md`): entry names and order, the bundle's file
//! name, the `SHA256SUMS` manifest and the archive ledger behind `CHECKSUM`.

use sha2::{Digest, Sha256};

use crate::date::Civil;
use crate::kind::Kind;

/// The first entry: the profile's metadata.
pub const METADATA: &str = "metadata.json";
/// The manifest: one `sha256sum` line per file, `metadata.json` included.
pub const MANIFEST: &str = "SHA256SUMS";
/// The last entry: the archive checksum.
pub const CHECKSUM: &str = "CHECKSUM";
/// The format version in `metadata.json` (`formatVersion`).
pub const FORMAT_VERSION: u64 = 1;
/// The algorithm tag that starts the `CHECKSUM` line.
pub const LEDGER_TAG: &str = "sha256-ledger-v1";
/// Mode of every entry.
pub const FILE_MODE: u32 = 0o644;
/// The files that travel beside a bundle `<bundle>.<extension>`: its checksum
/// (`build`, `sha256sum`), its minisign and its ssh-keygen signature. A bundle that
/// `build --overwrite` replaces takes them with it.
pub const SIDECARS: [&str; 3] = ["sha256", "minisig", "sig"];

/// The last `SOURCE_DATE_EPOCH` a bundle can carry: 9999-12-31T23:59:59Z, the end
/// of the 14-digit `yyyyMMddHmmss` timestamp (years 1970 to 9999).
pub const MAX_EPOCH: u64 = 253_402_300_799;

/// What an entry of a bundle is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `metadata.json`.
    Metadata,
    /// A custom file in its kind folder.
    File(Kind),
    /// `SHA256SUMS`.
    Manifest,
    /// `CHECKSUM`.
    Checksum,
    /// Anything else: not part of the format.
    Other,
}

impl Role {
    /// The role of the entry `name`.
    pub fn of(name: &str) -> Role {
        match name {
            METADATA => Role::Metadata,
            MANIFEST => Role::Manifest,
            CHECKSUM => Role::Checksum,
            _ => match name.split_once('/') {
                Some((folder, file)) if !file.is_empty() && !file.contains('/') => {
                    Kind::from_folder(folder).map_or(Role::Other, Role::File)
                }
                _ => Role::Other,
            },
        }
    }

    /// A short word for listings.
    pub fn label(self) -> &'static str {
        match self {
            Role::Metadata => "metadata",
            Role::File(kind) => kind.as_str(),
            Role::Manifest => "manifest",
            Role::Checksum => "checksum",
            Role::Other => "other",
        }
    }
}

/// `yyyyMMdd` + hour without leading zero + `mmss`, in UTC, as in the reference's
/// export file name `2016121921921_...` (2016-12-19 02:19:21).
pub fn timestamp(epoch: u64) -> String {
    let t = Civil::from_epoch(epoch);
    format!(
        "{:04}{:02}{:02}{}{:02}{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// RFC 3339 UTC time of `epoch`.
pub fn rfc3339(epoch: u64) -> String {
    let t = Civil::from_epoch(epoch);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// The `epoch` of an RFC 3339 UTC time as `rfc3339` writes it
/// (`2016-12-19T02:19:21Z`), within 1970 to 9999.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let t = Civil {
        year: i64::from(num(0..4)?),
        month: num(5..7)?,
        day: num(8..10)?,
        hour: num(11..13)?,
        minute: num(14..16)?,
        second: num(17..19)?,
    };
    if !(1..=12).contains(&t.month)
        || !(1..=31).contains(&t.day)
        || t.hour > 23
        || t.minute > 59
        || t.second > 59
    {
        return None;
    }
    let epoch = t.to_epoch()?;
    (rfc3339(epoch) == text).then_some(epoch)
}

/// The bundle's file name: `<timestamp>_<profile name>.tar.gz`.
pub fn bundle_file_name(epoch: u64, profile_name: &str) -> String {
    format!("{}_{profile_name}.tar.gz", timestamp(epoch))
}

/// A custom file's ID: `<timestamp>_<file name>`, as LXCA names imported files.
pub fn file_id(epoch: u64, file_name: &str) -> String {
    format!("{}_{file_name}", timestamp(epoch))
}

/// Whether `id` has the form of a custom file ID (`<12 to 14 digits>_<name>`).
pub fn is_custom_id(id: &str) -> bool {
    match id.split_once('_') {
        Some((digits, name)) => {
            (13..=14).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !name.is_empty()
        }
        None => false,
    }
}

/// One manifest line, as `sha256sum` writes it in text mode.
pub fn manifest_line(digest: &[u8; 32], name: &str) -> String {
    super::sums::line(digest, name)
}

/// One parsed manifest line: the digest and name, or the line number and why not.
pub type ManifestLine = Result<([u8; 32], String), (usize, String)>;

/// Parses a manifest: `(digest, name)` per line. Accepts `sha256sum`'s text (two
/// spaces) and binary (` *`) markers; a bad line is reported with its number.
pub fn parse_manifest(text: &str) -> Vec<ManifestLine> {
    super::sums::parse(text)
        .into_iter()
        .map(|parsed| {
            let bad = |n: usize| (n, format!("line {n} is not `<sha256>  <name>`"));
            let (n, line) = parsed.map_err(|(n, _)| bad(n))?;
            if line.algorithm != super::sums::Algorithm::Sha256 || line.tagged {
                return Err(bad(n));
            }
            let digest: [u8; 32] = line.digest.try_into().map_err(|_| bad(n))?;
            Ok((digest, line.name))
        })
        .collect()
}

/// The archive ledger: SHA-256 over, for every entry before `CHECKSUM` in archive
/// order, its raw header blocks (extension headers included) followed by the 32-byte
/// SHA-256 of its data. It covers every name, header field and data byte; padding
/// and end-of-archive blocks are checked to be zero by the reader.
#[derive(Debug, Clone, Default)]
pub struct Ledger(Sha256);

impl Ledger {
    /// Adds one entry.
    pub fn add(&mut self, raw_header: &[u8], data_digest: &[u8; 32]) {
        self.0.update(raw_header);
        self.0.update(data_digest);
    }

    /// The digest so far.
    pub fn digest(&self) -> [u8; 32] {
        self.0.clone().finalize().into()
    }
}

/// The content of `CHECKSUM`.
pub fn checksum_text(ledger: &[u8; 32]) -> String {
    format!("{LEDGER_TAG} {}\n", super::sums::hex(ledger))
}

/// Parses the content of `CHECKSUM`.
pub fn parse_checksum(text: &str) -> Option<[u8; 32]> {
    let rest = text
        .strip_suffix('\n')?
        .strip_prefix(LEDGER_TAG)?
        .strip_prefix(' ')?;
    super::sums::parse_digest(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_the_reference() {
        // 2016-12-19 02:19:21 UTC and 2018-01-29 04:38:21 UTC.
        assert_eq!(timestamp(1_482_113_961), "2016121921921");
        assert_eq!(timestamp(1_517_200_701), "2018012943821");
        // Hours 10 to 23 take two digits: 14 in all.
        assert_eq!(timestamp(1_700_000_000), "20231114221320");
        assert!(is_custom_id("20231114221320_db.json"));
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(MAX_EPOCH), "9999-12-31T23:59:59Z");
        for epoch in [0, 951_782_400, 1_482_113_961, 1_700_000_000, MAX_EPOCH] {
            assert_eq!(parse_rfc3339(&rfc3339(epoch)), Some(epoch));
        }
        assert_eq!(parse_rfc3339("2016-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2016-12-19 02:19:21Z"), None);
        assert_eq!(timestamp(MAX_EPOCH).len(), 14);
        assert!(rfc3339(MAX_EPOCH + 1).starts_with("10000-"));
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            bundle_file_name(1_482_113_961, "Custom-2016-datacenter-profile"),
            "2016121921921_Custom-2016-datacenter-profile.tar.gz"
        );
        assert!(is_custom_id("2018012943624_install_custom_sw.sh"));
        assert!(!is_custom_id("winpe-64-base"));
        assert!(!is_custom_id("nic-broadcom_x"));
    }

    #[test]
    fn roles() {
        assert_eq!(Role::of("metadata.json"), Role::Metadata);
        assert_eq!(Role::of("drivers/nic.zip"), Role::File(Kind::Driver));
        assert_eq!(Role::of("drivers/a/nic.zip"), Role::Other);
        assert_eq!(Role::of("drivers/"), Role::Other);
        assert_eq!(Role::of("x/nic.zip"), Role::Other);
        assert_eq!(Role::of("CHECKSUM"), Role::Checksum);
    }

    #[test]
    fn manifest_and_checksum_round_trip() {
        let d = [7u8; 32];
        let text = manifest_line(&d, "a b.zip") + &manifest_line(&d, "c");
        let parsed = parse_manifest(&text);
        assert_eq!(parsed[0], Ok((d, "a b.zip".to_string())));
        assert!(parse_manifest("zz  x\n")[0].is_err());
        assert_eq!(parse_checksum(&checksum_text(&d)), Some(d));
        assert_eq!(parse_checksum("sha256-ledger-v1 00\n"), None);
    }
}
