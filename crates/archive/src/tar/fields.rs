//! The fields of a header block as numbers: octal or GNU base-256 numeric fields,
//! the header checksum, and the decimal numbers and records of pax extension data.

use super::{field, BLOCK};
use crate::Fault;

pub(super) fn check_checksum(block: &[u8; BLOCK], at: u64) -> Result<(), Fault> {
    let recorded = number_field(block, NumberField::Checksum, at)?;
    if sums_match(block, recorded) {
        Ok(())
    } else {
        Err(Fault::corrupt(format!(
            "tar header checksum mismatch at byte {at} (damaged header, or not a tar archive)"
        )))
    }
}

/// Whether `block` is a tar header with a readable checksum field that matches its
/// bytes: how a reader tells a tar archive from other data by its first block.
pub fn checksum_ok(block: &[u8; BLOCK]) -> bool {
    number(&block[field::CHECKSUM]).is_ok_and(|recorded| sums_match(block, recorded))
}

/// Whether `recorded` is the unsigned or the signed byte sum of `block`, its
/// checksum field counted as spaces (tar writers use either sum).
fn sums_match(block: &[u8; BLOCK], recorded: i64) -> bool {
    let mut unsigned: i64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in block.iter().enumerate() {
        let b = if field::CHECKSUM.contains(&i) {
            b' '
        } else {
            b
        };
        unsigned += i64::from(b);
        signed += i64::from(b as i8);
    }
    recorded == unsigned || recorded == signed
}

pub(super) fn size_field(block: &[u8; BLOCK], at: u64) -> Result<u64, Fault> {
    let size = number_field(block, NumberField::Size, at)?;
    u64::try_from(size).map_err(|_| {
        Fault::corrupt(format!(
            "negative size ({size}) in the tar header at byte {at}"
        ))
    })
}

/// The numeric fields of a header block that the reader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberField {
    Mode,
    Uid,
    Gid,
    Size,
    Mtime,
    Checksum,
    /// GNU sparse header (`S`).
    RealSize,
}

impl NumberField {
    fn range(self) -> std::ops::Range<usize> {
        match self {
            NumberField::Mode => field::MODE,
            NumberField::Uid => field::UID,
            NumberField::Gid => field::GID,
            NumberField::Size => field::SIZE,
            NumberField::Mtime => field::MTIME,
            NumberField::Checksum => field::CHECKSUM,
            NumberField::RealSize => field::GNU_REAL_SIZE,
        }
    }

    /// Its name in messages.
    fn what(self) -> &'static str {
        match self {
            NumberField::Mode => "mode",
            NumberField::Uid => "uid",
            NumberField::Gid => "gid",
            NumberField::Size => "size",
            NumberField::Mtime => "mtime",
            NumberField::Checksum => "checksum",
            NumberField::RealSize => "sparse real size",
        }
    }

    /// Whether a value too large for 64 bits is clamped rather than damage: a time
    /// is only shown, so an absurd one is no reason to stop reading.
    fn saturates(self) -> bool {
        self == NumberField::Mtime
    }
}

/// A numeric header field as [`number`] reads it; damage is a fault, except that an
/// overflowing field that [saturates](NumberField::saturates) is clamped.
pub(super) fn number_field(block: &[u8; BLOCK], which: NumberField, at: u64) -> Result<i64, Fault> {
    let bytes = &block[which.range()];
    let what = which.what();
    match number(bytes) {
        Ok(n) => Ok(n),
        Err(NumberError::Overflow) if which.saturates() => {
            Ok(if bytes[0] == 0xff { i64::MIN } else { i64::MAX })
        }
        Err(NumberError::Overflow) if bytes[0] & 0xc0 == 0xc0 => Err(Fault::corrupt(format!(
            "{what} in the tar header at byte {at} is a negative number out of range"
        ))),
        Err(NumberError::Overflow) => Err(Fault::corrupt(format!(
            "{what} in the tar header at byte {at} is too large"
        ))),
        Err(NumberError::Invalid) => Err(Fault::corrupt(format!(
            "bad {what} field in the tar header at byte {at}: {}",
            show_field(bytes)
        ))),
    }
}

fn show_field(field: &[u8]) -> String {
    field
        .iter()
        .map(|&b| std::ascii::escape_default(b).to_string())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberError {
    Invalid,
    Overflow,
}

/// A numeric header field of any length: octal digits, padded with spaces or NULs on
/// either side (an empty field is 0), or GNU base-256 (first byte `0x80` for a
/// positive, `0xff` for a negative two's-complement number, as GNU tar and Go read it).
pub(super) fn number(field: &[u8]) -> Result<i64, NumberError> {
    let Some(&first) = field.first() else {
        return Ok(0);
    };
    if first & 0x80 != 0 {
        let inv = if first & 0x40 != 0 { 0xff } else { 0 };
        let mut x: u64 = 0;
        for (i, &c) in field.iter().enumerate() {
            let mut c = c ^ inv;
            if i == 0 {
                c &= 0x7f;
            }
            if x >> 56 != 0 {
                return Err(NumberError::Overflow);
            }
            x = (x << 8) | u64::from(c);
        }
        if x >> 63 != 0 {
            return Err(NumberError::Overflow);
        }
        let x = x as i64;
        return Ok(if inv == 0xff { !x } else { x });
    }
    let pad = |b: &u8| *b == b' ' || *b == 0;
    let start = field.iter().position(|b| !pad(b)).unwrap_or(field.len());
    let end = field.iter().rposition(|b| !pad(b)).map_or(start, |e| e + 1);
    let text = until_nul(&field[start..end]);
    let mut n: i64 = 0;
    for &b in text {
        if !(b'0'..=b'7').contains(&b) {
            return Err(NumberError::Invalid);
        }
        n = n
            .checked_mul(8)
            .and_then(|n| n.checked_add(i64::from(b - b'0')))
            .ok_or(NumberError::Overflow)?;
    }
    Ok(n)
}

/// A decimal pax number: ASCII digits only.
pub(super) fn decimal(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text)
        .ok()?
        .parse::<u64>()
        .ok()
        .filter(|&n| n <= i64::MAX as u64)
}

pub(super) type PaxRecord<'a> = (&'a [u8], &'a [u8]);

/// The records of pax extension data: `"<len> <key>=<value>\n"`. As tolerant as
/// Python's reader: a record whose last byte is not a newline is taken (a NUL there
/// is dropped) and noted in `odd`; trailing NULs after the last record are padding.
pub(super) fn pax_records<'a>(
    data: &'a [u8],
    at: u64,
    odd: &mut Vec<String>,
) -> Result<Vec<PaxRecord<'a>>, Fault> {
    let bad =
        |why: &str| Fault::corrupt(format!("malformed pax extended header at byte {at}: {why}"));
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if rest.iter().all(|&b| b == 0) {
            break;
        }
        let space = rest
            .iter()
            .take(21)
            .position(|&b| b == b' ')
            .ok_or_else(|| bad("a record does not start with its length"))?;
        let len = decimal(&rest[..space])
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| bad("a record's length is not a number"))?;
        if len <= space + 1 || len > rest.len() {
            return Err(bad("a record's length does not fit the data"));
        }
        let mut record = &rest[space + 1..len];
        match record.last() {
            Some(b'\n') => record = &record[..record.len() - 1],
            Some(0) => {
                record = &record[..record.len() - 1];
                odd.push("a pax record ends in NUL, not a newline".into());
            }
            _ => odd.push("a pax record does not end in a newline".into()),
        }
        let eq = record
            .iter()
            .position(|&b| b == b'=')
            .ok_or_else(|| bad("a record has no `=`"))?;
        if eq == 0 {
            return Err(bad("a record has an empty key"));
        }
        out.push((&record[..eq], &record[eq + 1..]));
        rest = &rest[len..];
    }
    Ok(out)
}

/// The bytes of `field` up to its first NUL.
pub(super) fn until_nul(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..end]
}
