//! What a file's first bytes are, whatever its name says: a container (zip, gzip,
//! ISO 9660, RPM, `ar`, ...), a page or error body a download returned instead of the
//! file (HTML, JSON, XML), text, or nothing at all.
//!
//! Only signatures are read, from the first [`HEAD`] bytes; no claim about the rest.

/// How many bytes [`sniff`] looks at: enough for the ISO 9660 volume descriptor at
/// sector 16.
pub const HEAD: usize = 32 * 1024 + 2048;

/// What a file's first bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// No bytes.
    Empty,
    /// A zip archive (a local header, or the end record of an empty archive).
    Zip,
    /// A gzip stream.
    Gzip,
    /// An RPM package (the lead's magic).
    Rpm,
    /// A Unix `ar` archive (a VIB, a `.deb`).
    Ar,
    /// An ISO 9660 or UDF volume (a descriptor at sector 16).
    Iso,
    /// A bzip2 stream.
    Bzip2,
    /// An xz stream.
    Xz,
    /// A Zstandard frame.
    Zstd,
    /// A 7-Zip archive.
    SevenZip,
    /// A Microsoft cabinet.
    Cab,
    /// A Windows executable (MZ).
    Exe,
    /// A compound file (an MSI package).
    Msi,
    /// A PDF document.
    Pdf,
    /// An HTML page.
    Html,
    /// A JSON document.
    Json,
    /// An XML document.
    Xml,
    /// Other text.
    Text,
    /// Bytes none of the above.
    Unknown,
}

impl What {
    /// A phrase for messages: "an HTML page", "a gzip stream".
    pub fn phrase(self) -> &'static str {
        match self {
            What::Empty => "empty",
            What::Zip => "a zip archive",
            What::Gzip => "a gzip stream",
            What::Rpm => "an RPM package",
            What::Ar => "an ar archive",
            What::Iso => "an ISO 9660 or UDF image",
            What::Bzip2 => "a bzip2 stream",
            What::Xz => "an xz stream",
            What::Zstd => "a Zstandard stream",
            What::SevenZip => "a 7-Zip archive",
            What::Cab => "a cabinet (.cab) file",
            What::Exe => "a Windows executable",
            What::Msi => "an MSI (compound) file",
            What::Pdf => "a PDF document",
            What::Html => "an HTML page",
            What::Json => "a JSON document",
            What::Xml => "an XML document",
            What::Text => "text",
            What::Unknown => "of no known format",
        }
    }

    /// Whether it is a page or text body: what a server answers instead of a file.
    pub fn is_text(self) -> bool {
        matches!(self, What::Html | What::Json | What::Xml | What::Text)
    }
}

/// What `head` (a file's first bytes, up to [`HEAD`]) is.
pub fn sniff(head: &[u8]) -> What {
    const MAGIC: &[(&[u8], What)] = &[
        (b"PK\x03\x04", What::Zip),
        (b"PK\x05\x06", What::Zip),
        (b"PK\x07\x08", What::Zip),
        (b"\x1f\x8b", What::Gzip),
        (b"\xed\xab\xee\xdb", What::Rpm),
        (b"!<arch>\n", What::Ar),
        (b"BZh", What::Bzip2),
        (b"\xfd7zXZ\x00", What::Xz),
        (b"\x28\xb5\x2f\xfd", What::Zstd),
        (b"7z\xbc\xaf\x27\x1c", What::SevenZip),
        (b"MSCF", What::Cab),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", What::Msi),
        (b"%PDF-", What::Pdf),
        (b"MZ", What::Exe),
    ];
    if head.is_empty() {
        return What::Empty;
    }
    if let Some(&(_, what)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return what;
    }
    if head.len() >= 32774 {
        let id = &head[32769..32774];
        if matches!(id, b"CD001" | b"BEA01" | b"NSR02" | b"NSR03") {
            return What::Iso;
        }
    }
    text_kind(head)
}

/// HTML, JSON, XML or other text, judged on the first non-blank bytes; binary
/// bytes (NUL, most control characters) are [`What::Unknown`].
fn text_kind(head: &[u8]) -> What {
    let sample = &head[..head.len().min(4096)];
    let body = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample);
    if body
        .iter()
        .any(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)))
    {
        return What::Unknown;
    }
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return What::Text;
    };
    let rest = &body[start..];
    let lower: Vec<u8> = rest.iter().take(512).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || has(b"<html")
        || (lower.starts_with(b"<") && (has(b"<head") || has(b"<body") || has(b"<title")))
    {
        return What::Html;
    }
    if lower.starts_with(b"<?xml") || lower.starts_with(b"<") {
        return What::Xml;
    }
    if lower.starts_with(b"{") || lower.starts_with(b"[") {
        return What::Json;
    }
    What::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_a_download_returns_instead_of_the_file() {
        assert_eq!(
            sniff(b"<!DOCTYPE html>\n<html><body>404</body></html>"),
            What::Html
        );
        assert_eq!(sniff(b"\n  <HTML>\n<HEAD><TITLE>Login</TITLE>"), What::Html);
        assert_eq!(sniff(b"<head><title>x</title></head>"), What::Html);
        assert_eq!(sniff(br#"{"error": "not found"}"#), What::Json);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>"),
            What::Xml
        );
        assert_eq!(sniff(b"Not Found\n"), What::Text);
        assert_eq!(sniff(b""), What::Empty);
    }

    #[test]
    fn containers_by_magic() {
        assert_eq!(sniff(b"PK\x03\x04rest"), What::Zip);
        assert_eq!(sniff(b"PK\x05\x06\0\0"), What::Zip);
        assert_eq!(sniff(b"\x1f\x8b\x08\0"), What::Gzip);
        assert_eq!(sniff(b"\xed\xab\xee\xdb\x03\x00"), What::Rpm);
        assert_eq!(sniff(b"!<arch>\ndescriptor.xml"), What::Ar);
        assert_eq!(sniff(b"MZ\x90\0"), What::Exe);
        let mut iso = vec![0u8; HEAD];
        iso[32769..32774].copy_from_slice(b"CD001");
        assert_eq!(sniff(&iso), What::Iso);
        assert_eq!(sniff(&iso[..32773]), What::Unknown);
        assert_eq!(sniff(b"\x00\x01\x02"), What::Unknown);
    }
}
