//! Entry-name safety: the one set of rules that a profile check applies to a folder,
//! a build applies before it writes a byte, and every archive reader applies to the
//! entries of an archive. It knows what an archive member may be (a portable name, a
//! regular file by its tar type flag, safe mode bits) and says why not in words; it
//! knows nothing of what an archive holds. Callers hand it names as raw bytes, never
//! rewritten.
//!
//! The bar is Python's `tarfile` `data` filter (PEP 706); these rules are stricter:
//!
//! - names must be canonical relative UTF-8 paths: not empty, no leading `/`, no
//!   empty, `.` or `..` components, no NUL, control characters, backslash, colon
//!   (drive letters, alternate data streams) or other characters Windows reserves
//!   (`< > " | ? *`), no Windows device names (`CON`, `NUL`,
//!   `COM1`, ...) and no component ending in a dot or space (Windows drops them);
//!   a name that is not UTF-8 is reported, never rewritten (shown with `\xNN` escapes);
//! - at most [`NAME_MAX`] bytes, 255 per component;
//! - only regular files: no symlinks, hardlinks, devices, fifos or other types;
//! - no setuid, setgid or sticky bits;
//! - no two names equal after Unicode normalization (NFC) and case folding, and no
//!   name that is also a folder of another name (`a` and `a/b`).

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::display::shown;

/// The longest entry name, in bytes.
pub const NAME_MAX: usize = 4096;

/// Why a name is unsafe, or `None` when it is safe. `name` is the raw tar name.
pub fn name_problem(name: &[u8]) -> Option<String> {
    if name.is_empty() {
        return Some("empty name".into());
    }
    if name.len() > NAME_MAX {
        return Some(format!("name longer than {NAME_MAX} bytes"));
    }
    if name.contains(&0) {
        return Some("NUL byte in name".into());
    }
    let Ok(text) = std::str::from_utf8(name) else {
        return Some(format!(
            "\"{}\" is not UTF-8 (LXCA and other systems cannot name it)",
            shown(name)
        ));
    };
    if text.starts_with('/') {
        return Some("absolute path".into());
    }
    if text.chars().any(char::is_control) {
        return Some("control character in name".into());
    }
    if text.contains('\\') {
        return Some("backslash in name".into());
    }
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '<' | '>' | '"' | '|' | '?' | '*'))
    {
        return Some(format!(
            "reserved character '{c}' in name (Windows and LXCA cannot store it)"
        ));
    }
    if text.contains(':') {
        let bytes = text.as_bytes();
        if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
            return Some("drive letter in name".into());
        }
        return Some("colon in name (drive letter or alternate data stream)".into());
    }
    for component in text.split('/') {
        match component {
            "" => return Some("empty path component (leading, trailing or double slash)".into()),
            "." => return Some("`.` path component".into()),
            ".." => return Some("`..` path component (path traversal)".into()),
            _ => {}
        }
        if component.len() > 255 {
            return Some("path component longer than 255 bytes".into());
        }
        if component.ends_with('.') || component.ends_with(' ') {
            return Some(format!("\"{component}\" ends in a dot or space"));
        }
        if is_windows_device(component) {
            return Some(format!("\"{component}\" is a Windows device name"));
        }
    }
    None
}

fn is_windows_device(component: &str) -> bool {
    let stem = component.split('.').next().unwrap_or(component).trim_end();
    let is = |name: &str| stem.eq_ignore_ascii_case(name);
    match stem.len() {
        3 => is("CON") || is("PRN") || is("AUX") || is("NUL"),
        4 => {
            let b = stem.as_bytes();
            (b[..3].eq_ignore_ascii_case(b"COM") || b[..3].eq_ignore_ascii_case(b"LPT"))
                && b[3].is_ascii_digit()
        }
        6 => is("CONIN$"),
        7 => is("CONOUT$"),
        _ => false,
    }
}

/// Why an entry of tar type `typeflag` is unsafe, or `None` for a regular file.
pub fn type_problem(typeflag: u8) -> Option<&'static str> {
    match typeflag {
        b'0' | 0 => None,
        b'1' => Some("hardlink"),
        b'2' => Some("symbolic link"),
        b'3' => Some("character device"),
        b'4' => Some("block device"),
        b'5' => Some("directory entry (bundles hold files only)"),
        b'6' => Some("fifo"),
        b'7' => Some("contiguous file (unsupported type)"),
        b'g' => Some("global pax header (unsupported)"),
        b'K' => Some("GNU long link name"),
        b'S' => Some("GNU sparse file (unsupported type)"),
        _ => Some("unknown entry type"),
    }
}

/// Why `mode` is unsafe (setuid, setgid, sticky), or `None`.
pub fn mode_problem(mode: u32) -> Option<&'static str> {
    if mode & 0o4000 != 0 {
        Some("setuid bit")
    } else if mode & 0o2000 != 0 {
        Some("setgid bit")
    } else if mode & 0o1000 != 0 {
        Some("sticky bit")
    } else {
        None
    }
}

/// The key under which two names collide: NFC, then Unicode lowercase.
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        // NFC leaves ASCII as it is.
        return name.to_ascii_lowercase();
    }
    name.nfc().collect::<String>().to_lowercase()
}

/// The names seen so far in one bundle, for duplicates and collisions.
#[derive(Debug, Default)]
pub struct NameSet {
    files: HashMap<String, String>,
    folders: HashMap<String, String>,
}

impl NameSet {
    /// Records `name` (already checked by [`name_problem`]); says why it collides
    /// with an earlier name, if it does.
    pub fn insert(&mut self, name: &str) -> Option<String> {
        let key = fold(name);
        if let Some(other) = self.files.get(&key) {
            if other == name {
                return Some(format!("duplicate entry \"{name}\""));
            }
            let how = if name.to_lowercase() == other.to_lowercase() {
                "differ only in case"
            } else if name.nfc().eq(other.nfc()) {
                "differ only in Unicode normalization (NFC and NFD forms of the same text)"
            } else {
                "are the same name after case folding and Unicode normalization"
            };
            return Some(format!(
                "\"{name}\" and \"{other}\" {how}: one of them would overwrite the other on Windows, macOS and LXCA"
            ));
        }
        if let Some(other) = self.folders.get(&key) {
            return Some(if other == name {
                format!("file \"{name}\" has the name of the folder entry before it")
            } else {
                format!("\"{name}\" is also a folder of \"{other}\"")
            });
        }
        let mut prefixes = Vec::new();
        for (i, c) in key.char_indices() {
            if c == '/' {
                prefixes.push(&key[..i]);
            }
        }
        for prefix in &prefixes {
            if let Some(other) = self.files.get(*prefix) {
                return Some(format!(
                    "\"{name}\" puts a file inside the file \"{other}\""
                ));
            }
        }
        for prefix in prefixes {
            if !self.folders.contains_key(prefix) {
                self.folders.insert(prefix.to_string(), name.to_string());
            }
        }
        self.files.insert(key, name.to_string());
        None
    }

    /// Records the folder entry `name` (already checked by [`name_problem`], no
    /// trailing slash); says why it collides with an earlier file, if it does: a
    /// folder with a file's name, or below one. A folder named twice is no problem.
    pub fn insert_folder(&mut self, name: &str) -> Option<String> {
        let key = fold(name);
        if let Some(other) = self.files.get(&key) {
            return Some(if other == name {
                format!("folder \"{name}\" has the name of the file \"{other}\" before it")
            } else {
                format!(
                    "folder \"{name}\" and the file \"{other}\" are the same name after case folding and Unicode normalization"
                )
            });
        }
        let mut prefixes: Vec<&str> = key
            .char_indices()
            .filter(|&(_, c)| c == '/')
            .map(|(i, _)| &key[..i])
            .collect();
        for prefix in &prefixes {
            if let Some(other) = self.files.get(*prefix) {
                return Some(format!(
                    "folder \"{name}\" would be inside the file \"{other}\""
                ));
            }
        }
        prefixes.push(&key);
        for prefix in prefixes {
            if !self.folders.contains_key(prefix) {
                self.folders.insert(prefix.to_string(), name.to_string());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::{Component, Path};

    #[test]
    fn unsafe_names() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/",
            "a\\b",
            "C:x",
            "c:/x",
            "a:b",
            "a\0b",
            "a\nb",
            "CON",
            "drivers/nul.zip",
            "com1",
            "x.",
            "y ",
            "LPT9.txt",
            "a?b",
            "drivers/x*.zip",
            "a|b",
            "\"q\"",
            "<a>",
        ] {
            assert!(name_problem(bad.as_bytes()).is_some(), "{bad:?} accepted");
        }
        assert!(name_problem(b"\xff.zip").is_some());
        for good in [
            "metadata.json",
            "drivers/nic.zip",
            "a b/c.d",
            "é.zip",
            "console.zip",
            "com.zip",
            // Four bytes, like COM1, but a multi-byte character across byte 3.
            "A \u{301}",
        ] {
            assert_eq!(name_problem(good.as_bytes()), None, "{good:?} refused");
        }
    }

    #[test]
    fn folders_and_files_of_the_same_name_collide() {
        // A folder entry after a file of its name, or below a file.
        let mut set = NameSet::default();
        assert_eq!(set.insert("a"), None);
        assert!(set.insert_folder("a").unwrap().contains("file \"a\""));
        assert!(set.insert_folder("A").unwrap().contains("case folding"));
        assert!(set
            .insert_folder("a/b")
            .unwrap()
            .contains("inside the file"));
        assert_eq!(set.insert_folder("c"), None);
        assert_eq!(set.insert_folder("c"), None, "a folder named twice is fine");
        assert_eq!(set.insert_folder("c/d/e"), None);
        // A file after a folder entry of its name, or of a folder it implied.
        assert!(set.insert("c").unwrap().contains("folder entry"));
        assert!(set.insert("c/d").unwrap().contains("folder"));
        assert_eq!(set.insert("c/d/e/f"), None);
        assert!(set.insert_folder("c/d/e/f").is_some());
    }

    #[test]
    fn collisions() {
        let mut set = NameSet::default();
        assert_eq!(set.insert("drivers/Nic.zip"), None);
        assert!(set.insert("drivers/Nic.zip").unwrap().contains("duplicate"));
        assert!(set.insert("drivers/nic.ZIP").is_some());
        assert_eq!(set.insert("drivers/caf\u{e9}.zip"), None);
        assert!(set.insert("drivers/cafe\u{301}.zip").is_some(), "NFD twin");
        assert!(set.insert("DRIVERS").is_some(), "file named like a folder");
        assert!(
            set.insert("drivers/Nic.zip/x").is_some(),
            "file inside a file"
        );
    }

    #[test]
    fn types_and_modes() {
        assert_eq!(type_problem(b'0'), None);
        assert_eq!(type_problem(0), None);
        for t in [
            b'1', b'2', b'3', b'4', b'5', b'6', b'7', b'g', b'K', b'S', b'Z',
        ] {
            assert!(type_problem(t).is_some());
        }
        assert_eq!(mode_problem(0o755), None);
        assert!(mode_problem(0o4755).is_some());
        assert!(mode_problem(0o2755).is_some());
    }

    proptest! {
        /// Whatever a safe name is, joined to a root it stays below the root.
        #[test]
        fn safe_names_stay_inside(name in "[a-zA-Z0-9./\\\\:_ é\u{301}-]{0,40}") {
            if name_problem(name.as_bytes()).is_none() {
                let path = Path::new(&name);
                prop_assert!(!path.is_absolute());
                for c in path.components() {
                    prop_assert!(matches!(c, Component::Normal(_)), "{name:?}");
                }
                prop_assert!(!name.contains('\\') && !name.contains(':'));
            }
        }

        /// Folding is idempotent and insensitive to case and normalization form.
        #[test]
        fn fold_is_stable(name in "\\PC{0,20}") {
            let once = fold(&name);
            prop_assert_eq!(fold(&once), once.clone());
            let nfd: String = name.nfd().collect();
            prop_assert_eq!(fold(&nfd), once);
        }
    }
}
