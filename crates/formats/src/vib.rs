//! VMware VIBs: an `ar` archive whose `descriptor.xml` is well-formed XML.

use crate::{ar, Fault, Input};

/// The largest `descriptor.xml` read.
pub const DESCRIPTOR_MAX: u64 = 8 << 20;

/// Where and why a descriptor is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
    /// The parser's message.
    pub message: String,
}

/// What a VIB holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vib {
    /// Its member names.
    pub members: Vec<String>,
    /// `descriptor.xml`: `None` when there is none, else its root element's name or
    /// the first well-formedness error.
    pub descriptor: Option<Result<String, XmlError>>,
}

/// Reads the VIB `input` of `len` bytes.
pub fn read(input: &mut dyn Input, len: u64) -> Result<Vib, Fault> {
    let archive = ar::read(input, len, &|n| n == "descriptor.xml", DESCRIPTOR_MAX)?;
    let members: Vec<String> = archive.members.iter().map(|m| m.name.clone()).collect();
    if archive.kept.is_empty() && members.iter().any(|m| m == "descriptor.xml") {
        return Err(Fault::Unprovable(format!(
            "descriptor.xml is larger than {} MiB and was not read",
            DESCRIPTOR_MAX >> 20
        )));
    }
    let descriptor = archive.kept.first().map(|(_, data)| well_formed(data));
    Ok(Vib {
        members,
        descriptor,
    })
}

/// The root element of the XML document `bytes`, or where it is not well-formed.
pub fn well_formed(bytes: &[u8]) -> Result<String, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let column = (before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)) as u32
            + 1;
        XmlError {
            line,
            column,
            message: "not UTF-8".into(),
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The one XML reader of this crate (answer files too): its options, its limits.
    match crate::xml::parse(text) {
        Ok(doc) => Ok(doc.root_element().tag_name().name().to_string()),
        Err(e) => Err(XmlError {
            line: u32::try_from(e.position.line).unwrap_or(u32::MAX),
            column: u32::try_from(e.position.column).unwrap_or(u32::MAX),
            message: e.message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ar_archive as archive;
    use crate::Sequential;

    fn vib(bytes: &[u8]) -> Result<Vib, Fault> {
        read(&mut Sequential(bytes), bytes.len() as u64)
    }

    #[test]
    fn descriptors_good_bad_and_missing() {
        let good = archive(&[
            (
                "descriptor.xml",
                b"<vib version=\"5.0\"><name>x</name></vib>",
            ),
            ("sig.pkcs7", b""),
        ]);
        let v = vib(&good).unwrap();
        assert_eq!(v.descriptor, Some(Ok("vib".to_string())));
        assert_eq!(v.members, ["descriptor.xml", "sig.pkcs7"]);
        let bad = archive(&[("descriptor.xml", b"<vib>\n<name>x</nam></vib>")]);
        let e = vib(&bad).unwrap().descriptor.unwrap().unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        let none = archive(&[("payload", b"x")]);
        assert_eq!(vib(&none).unwrap().descriptor, None);
    }
}
