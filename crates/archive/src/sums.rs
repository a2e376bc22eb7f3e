//! Checksum lines, written and read in one place: the coreutils form
//! (`sha256sum`, `md5sum`, ...: `hex  name` in text mode, `hex *name` in binary mode,
//! a leading `\` when the name holds a backslash or a line break) and the BSD tag form
//! (`sha256sum --tag`, `shasum`, BSD `sha256`: `SHA256 (name) = hex`). The algorithm
//! comes from the tag, or from the digest's length: MD5, SHA-1, SHA-256 or SHA-512.
//! Bare digests (a `x.sha256` holding the hex digits alone) are read here too, and
//! [`Hasher`] is the one place an algorithm becomes a digest state. Used by `build`
//! (SHA256SUMS, the `.sha256` sidecar) and by every reader.

use std::fmt;

use sha2::Digest;

/// A digest algorithm of a checksum line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// MD5 (`md5sum`).
    Md5,
    /// SHA-1 (`sha1sum`).
    Sha1,
    /// SHA-256 (`sha256sum`).
    Sha256,
    /// SHA-512 (`sha512sum`).
    Sha512,
}

impl Algorithm {
    /// Every algorithm.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
    ];

    /// The BSD tag (`SHA256`).
    pub fn tag(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algorithm::Md5 => 16,
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// The algorithm of a BSD tag (`SHA256`, `SHA-256`, `sha256`).
    pub fn from_tag(tag: &str) -> Option<Algorithm> {
        let tag = tag.replace('-', "");
        Algorithm::ALL
            .into_iter()
            .find(|a| a.tag().eq_ignore_ascii_case(&tag))
    }

    /// The algorithm whose hex digests have `digits` digits.
    pub fn from_hex_len(digits: usize) -> Option<Algorithm> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.digest_len() * 2 == digits)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha1 => "SHA-1",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha512 => "SHA-512",
        })
    }
}

/// A running digest in one of the [`Algorithm`]s: the one place an algorithm
/// becomes a hasher.
#[derive(Debug, Clone)]
pub enum Hasher {
    /// MD5.
    Md5(md5::Md5),
    /// SHA-1.
    Sha1(sha1::Sha1),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-512.
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// A fresh digest in `algorithm`.
    pub fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Md5 => Hasher::Md5(Digest::new()),
            Algorithm::Sha1 => Hasher::Sha1(Digest::new()),
            Algorithm::Sha256 => Hasher::Sha256(Digest::new()),
            Algorithm::Sha512 => Hasher::Sha512(Digest::new()),
        }
    }

    /// Its algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Hasher::Md5(_) => Algorithm::Md5,
            Hasher::Sha1(_) => Algorithm::Sha1,
            Hasher::Sha256(_) => Algorithm::Sha256,
            Hasher::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything added, [`Algorithm::digest_len`] bytes.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// One parsed checksum line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumLine {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The digest.
    pub digest: Vec<u8>,
    /// The file name, unescaped.
    pub name: String,
    /// Binary mode (`*name`) in the coreutils form.
    pub binary: bool,
    /// Written in the BSD tag form.
    pub tagged: bool,
}

/// Lowercase hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Parses an even number of hexadecimal digits (either case).
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

/// A bare digest, as a `x.sha256` file may hold it without a file name: hexadecimal
/// digits only (either case), exactly as many as `algorithm` has.
pub fn parse_bare(text: &str, algorithm: Algorithm) -> Option<Vec<u8>> {
    parse_hex(text).filter(|d| d.len() == algorithm.digest_len())
}

/// Parses 64 hexadecimal digits into a SHA-256 digest.
pub fn parse_digest(text: &str) -> Option<[u8; 32]> {
    parse_hex(text)?.try_into().ok()
}

/// One line in the coreutils text form, as `sha256sum` writes it.
pub fn line(digest: &[u8], name: &str) -> String {
    if name.contains(['\\', '\n', '\r']) {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{}  {escaped}\n", hex(digest))
    } else {
        format!("{}  {name}\n", hex(digest))
    }
}

fn unescape(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            _ => return None,
        }
    }
    Some(out)
}

/// Parses one line in either form; says why not.
pub fn parse_line(line: &str) -> Result<SumLine, String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (escaped, body) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let name = |raw: &str| -> Result<String, String> {
        if raw.is_empty() {
            return Err("no file name".into());
        }
        if escaped {
            unescape(raw).ok_or_else(|| "bad escape in the file name".to_string())
        } else {
            Ok(raw.to_string())
        }
    };
    // BSD tag form: `TAG (name) = hex`.
    if let Some(open) = body.find(" (") {
        if let Some(algorithm) = Algorithm::from_tag(&body[..open]) {
            let rest = &body[open + 2..];
            let close = rest
                .rfind(") = ")
                .ok_or_else(|| "no `) = ` after the file name".to_string())?;
            let digest = parse_hex(&rest[close + 4..])
                .filter(|d| d.len() == algorithm.digest_len())
                .ok_or_else(|| format!("not a {algorithm} digest"))?;
            return Ok(SumLine {
                algorithm,
                digest,
                name: name(&rest[..close])?,
                binary: false,
                tagged: true,
            });
        }
    }
    // coreutils form: `hex  name` or `hex *name`.
    let digits = body
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(body.len());
    let algorithm = Algorithm::from_hex_len(digits)
        .ok_or_else(|| "no digest of 32, 40, 64 or 128 hex digits".to_string())?;
    let digest = parse_hex(&body[..digits]).ok_or_else(|| "bad digest".to_string())?;
    let rest = &body[digits..];
    let (binary, raw) = if let Some(raw) = rest.strip_prefix(" *") {
        (true, raw)
    } else if let Some(raw) = rest.strip_prefix("  ") {
        (false, raw)
    } else {
        return Err("no `  ` or ` *` between digest and file name".into());
    };
    Ok(SumLine {
        algorithm,
        digest,
        name: name(raw)?,
        binary,
        tagged: false,
    })
}

/// One parsed line of a checksum file with its 1-based number, or the number and
/// why not.
pub type ParsedLine = Result<(usize, SumLine), (usize, String)>;

/// Parses a checksum file line by line; empty lines are skipped.
pub fn parse(text: &str) -> Vec<ParsedLine> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            parse_line(l)
                .map(|p| (i + 1, p))
                .map_err(|why| (i + 1, why))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_digests_have_the_algorithm_length() {
        let d = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(parse_bare(d, Algorithm::Sha256).map(|d| d.len()), Some(32));
        assert_eq!(
            parse_bare(&d.to_ascii_uppercase(), Algorithm::Sha256),
            parse_bare(d, Algorithm::Sha256)
        );
        assert_eq!(parse_bare(d, Algorithm::Md5), None);
        assert_eq!(parse_bare(&d[..63], Algorithm::Sha256), None);
        assert_eq!(parse_bare(&format!("{d}  x"), Algorithm::Sha256), None);
        assert_eq!(
            parse_bare(&format!("{}g", &d[..63]), Algorithm::Sha256),
            None
        );
    }

    #[test]
    fn every_algorithm_has_its_hasher() {
        // The digests of "abc" (RFC 1321, FIPS 180).
        let known = [
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                Algorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                Algorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (algorithm, digest) in known {
            let mut h = Hasher::new(algorithm);
            assert_eq!(h.algorithm(), algorithm);
            h.update(b"a");
            h.update(b"bc");
            let d = h.finalize();
            assert_eq!(d.len(), algorithm.digest_len());
            assert_eq!(hex(&d), digest, "{algorithm}");
        }
    }

    #[test]
    fn hex_round_trips() {
        let d = [0xabu8; 32];
        assert_eq!(parse_digest(&hex(&d)), Some(d));
        assert_eq!(parse_digest("zz"), None);
        assert_eq!(parse_digest(&"g".repeat(64)), None);
        assert_eq!(parse_digest(&"a".repeat(40)), None);
    }

    #[test]
    fn both_forms_and_every_algorithm() {
        let d = [7u8; 32];
        let l = parse_line(line(&d, "a b.zip").trim_end()).unwrap();
        assert_eq!(
            (l.algorithm, l.digest, l.name.as_str(), l.binary, l.tagged),
            (Algorithm::Sha256, d.to_vec(), "a b.zip", false, false)
        );
        let star = format!("{} *x.iso", hex(&[1; 16]));
        let l = parse_line(&star).unwrap();
        assert_eq!((l.algorithm, l.binary), (Algorithm::Md5, true));
        let tag = format!("SHA512 (dir/f (1).txt) = {}", hex(&[2; 64]));
        let l = parse_line(&tag).unwrap();
        assert_eq!(
            (l.algorithm, l.name.as_str(), l.tagged),
            (Algorithm::Sha512, "dir/f (1).txt", true)
        );
        let sha1 = format!("SHA1 (x) = {}", hex(&[3; 20]));
        assert_eq!(parse_line(&sha1).unwrap().algorithm, Algorithm::Sha1);
        assert!(parse_line(&format!("SHA1 (x) = {}", hex(&[3; 32]))).is_err());
        assert!(parse_line("zz  x").is_err());
        assert!(parse_line(&format!("{}x", hex(&d))).is_err());
        assert!(parse_line(&format!("{}  ", hex(&d))).is_err());
    }

    #[test]
    fn escaped_names_round_trip() {
        let d = [9u8; 32];
        let written = line(&d, "a\\b\nc");
        assert!(written.starts_with('\\'), "{written:?}");
        assert_eq!(written.lines().count(), 1);
        assert_eq!(parse_line(written.trim_end()).unwrap().name, "a\\b\nc");
    }

    #[test]
    fn files_report_line_numbers() {
        let text = format!("{}\n\nnonsense\n", line(&[1; 32], "a").trim_end());
        let parsed = parse(&text);
        assert_eq!(parsed[0].as_ref().unwrap().0, 1);
        assert_eq!(parsed[1].as_ref().unwrap_err().0, 3);
    }

    proptest::proptest! {
        /// Any name (any characters, line breaks and backslashes included) and
        /// digest of any algorithm: written by `line`, read back as written; in the
        /// BSD tag form too, for names `--tag` writes as they are.
        #[test]
        fn any_name_and_digest_round_trip(
            chars in proptest::collection::vec(proptest::prelude::any::<char>(), 1..40),
            which in 0usize..4,
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 64),
        ) {
            let name: String = chars.into_iter().collect();
            let algorithm = Algorithm::ALL[which];
            let digest = &bytes[..algorithm.digest_len()];
            let written = line(digest, &name);
            let parsed = parse(&written);
            proptest::prop_assert_eq!(parsed.len(), 1);
            let (n, l) = parsed[0].clone().unwrap();
            proptest::prop_assert_eq!(n, 1);
            proptest::prop_assert_eq!((l.algorithm, l.digest.as_slice(), l.name.as_str()), (algorithm, digest, name.as_str()));
            if !name.contains(['\\', '\n', '\r']) {
                let tagged = format!("{} ({name}) = {}", algorithm.tag(), hex(digest));
                let l = parse_line(&tagged).unwrap();
                proptest::prop_assert_eq!((l.algorithm, l.digest.as_slice(), l.name.as_str()), (algorithm, digest, name.as_str()));
            }
        }
    }
}
