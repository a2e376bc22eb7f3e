//! Entry names by class: plain, long, `./`, `..`, absolute, control characters,
//! case twins, non-UTF-8, and the other shapes the safety rules must refuse.

use arbitrary::{Arbitrary, Unstructured};

/// Where the file name goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Folder {
    /// At the top of the archive.
    Top,
    /// In a kind folder (`drivers/`, `config/`, ...), picked by index.
    Kind(u8),
    /// In a folder no layout knows, or one level too deep.
    Other(u8),
    /// The whole name is a reserved one (`metadata.json`, `SHA256SUMS`, `CHECKSUM`).
    Reserved(u8),
}

/// The shape of the file-name part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameClass {
    /// A short name from a list of realistic ones.
    Plain(u8),
    /// A name of ~100 to ~700 bytes, of 1- to 4-byte characters: needs the ustar
    /// prefix, pax or a GNU long name.
    Long(u16),
    /// `./` before the whole name.
    DotSlash(u8),
    /// A `..` component.
    DotDot(u8),
    /// A leading `/`.
    Absolute(u8),
    /// A newline, escape sequence, carriage return or other control character.
    Control(u8, u8),
    /// The previous entry's name in other case (or NFD form): a collision.
    CaseTwin,
    /// The previous entry's name again: a duplicate.
    Duplicate,
    /// A byte that is not UTF-8.
    NonUtf8(u8),
    /// Backslash, colon, drive letter, device name, trailing dot or space, `//`.
    Windows(u8),
    /// Raw bytes.
    Raw(Vec<u8>),
}

// Plain names most often, so whole valid bundles are frequent.
impl<'a> Arbitrary<'a> for NameClass {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let pick = u8::arbitrary(u)?;
        let b = u8::arbitrary(u)?;
        Ok(match pick {
            0..=119 => NameClass::Plain(b),
            120..=144 => NameClass::Long(u16::from(b) * 3),
            145..=155 => NameClass::DotSlash(b),
            156..=166 => NameClass::DotDot(b),
            167..=177 => NameClass::Absolute(b),
            178..=190 => NameClass::Control(b, u8::arbitrary(u)?),
            191..=203 => NameClass::CaseTwin,
            204..=214 => NameClass::Duplicate,
            215..=227 => NameClass::NonUtf8(b),
            228..=241 => NameClass::Windows(b),
            _ => NameClass::Raw(Vec::arbitrary(u)?),
        })
    }
}

/// Realistic file names, one per kind and a few more.
pub const PLAIN: &[&str] = &[
    "nic-broadcom.zip",
    "winpe-custom.zip",
    "locale.json",
    "post-install.ps1",
    "tools.zip",
    "autounattend.xml",
    "ks.cfg",
    "dd-megaraid.rpm",
    "install_custom_sw.sh",
    "autoyast.xml",
    "jre-8u151-linux-x64.tar.gz",
    "app.msi",
    "boot.iso",
    "settings.json",
    "a",
    "README.txt",
];

/// Folders that are not kind folders, and nested kind folders.
pub const OTHER_FOLDERS: &[&str] = &[
    "docs",
    "drivers/sub",
    "Drivers",
    "config/x",
    "bundles/a/b",
    ".",
];

/// Reserved names.
pub const RESERVED: &[&str] = &[
    "metadata.json",
    "SHA256SUMS",
    "CHECKSUM",
    "metadata.json/",
    "./CHECKSUM",
];

const CONTROLS: &[&str] = &[
    "\n",
    "\r",
    "\x1b[31m",
    "\t",
    "\x07",
    "\u{7f}",
    "\n::error file=x::forged",
    "\u{202e}",
];
const WINDOWS: &[&str] = &[
    "a\\b.zip",
    "c:evil.zip",
    "C:",
    "nic.zip:stream",
    "CON",
    "nul.txt",
    "COM1.zip",
    "x.zip.",
    "x.zip ",
    "a//b.zip",
    "lpt9",
];

impl NameClass {
    /// The file-name bytes; `previous` is the name of the entry before, if any.
    pub fn file_name(&self, previous: Option<&[u8]>) -> Vec<u8> {
        let plain = |i: u8| PLAIN[usize::from(i) % PLAIN.len()].as_bytes().to_vec();
        match self {
            NameClass::Plain(i) => plain(*i),
            NameClass::Long(n) => {
                // 1- to 4-byte characters (`x`, `é`, `€`, an emoji), as many as fit
                // the length: a header that keeps a name's last bytes must cut at a
                // character.
                let fill = ['x', '\u{e9}', '\u{20ac}', '\u{1f600}'][usize::from(*n % 4)];
                let len = 95 + usize::from(*n % 600);
                let mut name = b"long-".to_vec();
                let count = len / fill.len_utf8();
                name.extend(std::iter::repeat_n(fill, count).collect::<String>().bytes());
                name.extend_from_slice(b".zip");
                name
            }
            NameClass::DotSlash(i) => [b"./".as_slice(), &plain(*i)].concat(),
            NameClass::DotDot(i) => match i % 3 {
                0 => [b"../".as_slice(), &plain(*i)].concat(),
                1 => [b"x/../".as_slice(), &plain(*i)].concat(),
                _ => b"..".to_vec(),
            },
            NameClass::Absolute(i) => [b"/".as_slice(), &plain(*i)].concat(),
            NameClass::Control(c, i) => {
                let mut name = plain(*i);
                let at = usize::from(*i) % (name.len() + 1);
                let c = CONTROLS[usize::from(*c) % CONTROLS.len()].as_bytes();
                name.splice(at..at, c.iter().copied());
                name
            }
            NameClass::CaseTwin => match previous {
                Some(p) => twin(p),
                None => b"NIC-BROADCOM.ZIP".to_vec(),
            },
            NameClass::Duplicate => previous.map_or_else(|| plain(0), <[u8]>::to_vec),
            NameClass::NonUtf8(b) => {
                let mut name = plain(*b);
                name.insert(0, 0x80 | b);
                name
            }
            NameClass::Windows(i) => WINDOWS[usize::from(*i) % WINDOWS.len()].as_bytes().to_vec(),
            NameClass::Raw(bytes) => bytes.iter().take(300).copied().collect(),
        }
    }

    /// Whether every tar reader reads a name of this class the same way.
    pub fn plain(&self) -> bool {
        !matches!(self, NameClass::Raw(_))
    }
}

/// The other-case (or other Unicode form) twin of a name: only the last component
/// changes, so it stays in its folder.
fn twin(name: &[u8]) -> Vec<u8> {
    let cut = name.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    let (folder, file) = name.split_at(cut);
    let text = String::from_utf8_lossy(file);
    let changed: String = if text.contains('é') {
        text.replace('é', "e\u{301}")
    } else if text.chars().any(|c| c.is_ascii_lowercase()) {
        text.to_uppercase()
    } else {
        text.to_lowercase()
    };
    let mut out = folder.to_vec();
    out.extend_from_slice(changed.as_bytes());
    if out == name {
        out.extend_from_slice("\u{e9}".as_bytes());
    }
    out
}

impl Folder {
    /// The whole entry name of `file` in this folder; `kinds` are the kind folders.
    pub fn join(self, file: &[u8], kinds: &[&str]) -> Vec<u8> {
        let prefixed = |folder: &str| {
            let mut out = folder.as_bytes().to_vec();
            out.push(b'/');
            out.extend_from_slice(file);
            out
        };
        match self {
            Folder::Top => file.to_vec(),
            Folder::Kind(i) => prefixed(kinds[usize::from(i) % kinds.len()]),
            Folder::Other(i) => prefixed(OTHER_FOLDERS[usize::from(i) % OTHER_FOLDERS.len()]),
            Folder::Reserved(i) => RESERVED[usize::from(i) % RESERVED.len()]
                .as_bytes()
                .to_vec(),
        }
    }
}
