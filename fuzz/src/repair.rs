//! Repairs a mutated tar stream so that it gets past the checks a mutation almost
//! always breaks: every header checksum is recomputed and, when the stream looks
//! like an osbundle bundle, `SHA256SUMS` and `CHECKSUM` are rewritten (with the
//! library's writers) to match the entries as they now are. What the mutation did
//! to names, types, modes, sizes, metadata or data stays for the reader to judge.

use osbundle::internals::bundle::format::{self, Ledger};

use crate::sha256;
use crate::tar::{checksum, write_number, Number, BLOCK};

/// One entry: its header blocks (extensions included) and its data.
#[derive(Debug, Clone)]
struct Entry {
    raw: Vec<u8>,
    data: Vec<u8>,
    name: Vec<u8>,
}

/// A lenient numeric field: octal digits anywhere, or base-256.
fn number(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        let tail = &field[field.len().saturating_sub(8)..];
        return Some(
            tail.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)) & 0x7fff_ffff_ffff_ffff,
        );
    }
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .filter(|b| (b'0'..=b'7').contains(b))
        .collect();
    if digits.is_empty() {
        return Some(0);
    }
    digits.iter().try_fold(0u64, |n, &b| {
        n.checked_mul(8)?.checked_add(u64::from(b - b'0'))
    })
}

fn field_name(block: &[u8]) -> Vec<u8> {
    let end = block[..100].iter().position(|&b| b == 0).unwrap_or(100);
    block[..end].to_vec()
}

/// Fixes every header checksum; with `seed` odd and a bundle's entries present,
/// also rewrites `SHA256SUMS` and `CHECKSUM`.
pub fn repair(tar: &[u8], seed: u32) -> Vec<u8> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut pending_raw = Vec::new();
    let mut pending_name: Option<Vec<u8>> = None;
    let mut pos = 0;
    let mut rest: &[u8] = &[];
    while pos + BLOCK <= tar.len() {
        let mut block = [0u8; BLOCK];
        block.copy_from_slice(&tar[pos..pos + BLOCK]);
        if block.iter().all(|&b| b == 0) {
            rest = &tar[pos..];
            break;
        }
        checksum(&mut block);
        let Some(size) = number(&block[124..136]) else {
            rest = &tar[pos..];
            break;
        };
        let size = usize::try_from(size)
            .unwrap_or(usize::MAX)
            .min(tar.len() - pos - BLOCK);
        let data_end = pos + BLOCK + size;
        let padded = data_end.div_ceil(BLOCK) * BLOCK;
        let data = tar[pos + BLOCK..data_end].to_vec();
        let typeflag = block[156];
        if matches!(typeflag, b'x' | b'L' | b'g') {
            pending_raw.extend_from_slice(&block);
            pending_raw.extend_from_slice(&data);
            pending_raw.resize(pending_raw.len() + (padded.min(tar.len()) - data_end), 0);
            if typeflag == b'L' {
                pending_name = Some(data.split(|&b| b == 0).next().unwrap_or(&[]).to_vec());
            } else if let Some(at) = find(&data, b" path=") {
                let value = &data[at + 6..];
                let end = value
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap_or(value.len());
                pending_name = Some(value[..end].to_vec());
            }
        } else {
            let mut raw = std::mem::take(&mut pending_raw);
            raw.extend_from_slice(&block);
            let name = pending_name.take().unwrap_or_else(|| field_name(&block));
            entries.push(Entry { raw, data, name });
        }
        pos = padded.min(tar.len());
    }
    if pos + BLOCK > tar.len() && rest.is_empty() {
        rest = &tar[pos.min(tar.len())..];
    }
    let is = |e: &Entry, n: &str| e.name == n.as_bytes();
    let manifest_at = entries.iter().position(|e| is(e, format::MANIFEST));
    let checksum_at = entries.iter().position(|e| is(e, format::CHECKSUM));
    if seed % 4 != 3 {
        if let Some(m) = manifest_at {
            let mut text = String::new();
            for e in &entries[..m] {
                text.push_str(&format::manifest_line(
                    &sha256(&e.data),
                    &String::from_utf8_lossy(&e.name),
                ));
            }
            set_data(&mut entries[m], text.into_bytes());
        }
        if let Some(c) = checksum_at {
            let mut ledger = Ledger::default();
            for e in &entries[..c] {
                ledger.add(&e.raw, &sha256(&e.data));
            }
            set_data(
                &mut entries[c],
                format::checksum_text(&ledger.digest()).into_bytes(),
            );
        }
    }
    let mut out = Vec::with_capacity(tar.len() + 2 * BLOCK);
    for e in &entries {
        out.extend_from_slice(&e.raw);
        out.extend_from_slice(&e.data);
        crate::tar::pad_to_block(&mut out);
    }
    out.extend_from_slice(rest);
    out
}

/// Replaces an entry's data and the size in its main header.
fn set_data(e: &mut Entry, data: Vec<u8>) {
    let at = e.raw.len() - BLOCK;
    let mut block = [0u8; BLOCK];
    block.copy_from_slice(&e.raw[at..]);
    write_number(&mut block[124..136], data.len() as u64, Number::Octal);
    checksum(&mut block);
    e.raw[at..].copy_from_slice(&block);
    e.data = data;
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_checksum_is_repaired() {
        let spec = crate::tar::EntrySpec {
            folder: crate::names::Folder::Top,
            name: crate::names::NameClass::Plain(0),
            typeflag: crate::tar::TypeFlag::Regular,
            mode: crate::tar::Mode::File,
            number: Number::Octal,
            extension: crate::tar::Extension::Auto,
            mtime: 1,
            data: b"hello".to_vec(),
            repeat: 1,
        };
        let archive = crate::tar::render(
            &[spec],
            crate::tar::Dialect::Ustar,
            crate::tar::Ending::Marker,
        );
        let mut damaged = archive.bytes.clone();
        damaged[0] = b'N';
        let fixed = repair(&damaged, 0);
        let mut r = osbundle_archive::tar::TarReader::new(&fixed[..]);
        let h = r.next_header().unwrap().unwrap();
        assert_eq!(h.name[0], b'N');
    }
}
