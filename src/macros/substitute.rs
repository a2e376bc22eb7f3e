//! Macro substitution as LXCA does it before the installer reads a file: every
//! `#name#` reference replaced, left to right, keeping where each replacement came
//! from so that positions in the substituted text map back to the file.

use super::scan;

/// One replaced reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Replaced {
    /// The macro name.
    pub name: String,
    /// Byte range of `#name#` in the original text.
    pub original: std::ops::Range<usize>,
    /// Byte range of the replacement in the substituted text.
    pub substituted: std::ops::Range<usize>,
    /// The value put in, when it came from a configuration file (`None`: a neutral
    /// placeholder).
    pub value: Option<String>,
}

/// A text with every macro reference replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Substituted {
    /// The text the installer reads.
    pub text: String,
    /// The replacements, in order.
    pub replaced: Vec<Replaced>,
}

/// The neutral placeholder of a reference `#name#`: as many `x` as the reference
/// has characters, a valid word, name and value of every answer-file format, so
/// positions stay where they were.
fn placeholder(reference_len: usize) -> String {
    "x".repeat(reference_len)
}

/// Replaces every reference in `text`: by `value(name)` when it gives one, else by
/// a neutral placeholder.
pub(crate) fn substitute<'v>(text: &str, value: impl Fn(&str) -> Option<&'v str>) -> Substituted {
    let mut out = String::with_capacity(text.len());
    let mut replaced = Vec::new();
    let mut last = 0;
    for r in scan(text) {
        let end = r.offset + r.name.len() + 2;
        out.push_str(&text[last..r.offset]);
        let given = value(&r.name);
        let start = out.len();
        match given {
            Some(v) => out.push_str(v),
            None => out.push_str(&placeholder(end - r.offset)),
        }
        replaced.push(Replaced {
            name: r.name,
            original: r.offset..end,
            substituted: start..out.len(),
            value: given.map(str::to_string),
        });
        last = end;
    }
    out.push_str(&text[last..]);
    Substituted {
        text: out,
        replaced,
    }
}

impl Substituted {
    /// The byte offset in the original text of byte `offset` of the substituted
    /// text: inside a replacement, the start of its reference.
    pub(crate) fn original_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for r in &self.replaced {
            if offset < r.substituted.start {
                break;
            }
            if offset < r.substituted.end {
                return r.original.start;
            }
            shift = r.original.end as isize - r.substituted.end as isize;
        }
        (offset as isize + shift).max(0) as usize
    }

    /// The replacement that covers byte `offset` of the substituted text, or else
    /// the last one before it.
    pub(crate) fn at_or_before(&self, offset: usize) -> Option<&Replaced> {
        self.replaced
            .iter()
            .take_while(|r| r.substituted.start <= offset)
            .last()
    }

    /// The replacements that overlap the byte range `range` of the substituted text.
    pub(crate) fn overlapping(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = &Replaced> {
        self.replaced
            .iter()
            .filter(move |r| r.substituted.start < range.end && range.start < r.substituted.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_maps_positions_back() {
        let text = "a #x# b #predefined.y# c";
        let s = substitute(text, |n| (n == "x").then_some("LONGER"));
        assert_eq!(s.text, "a LONGER b xxxxxxxxxxxxxx c");
        assert_eq!(s.replaced.len(), 2);
        // "b" after the first replacement.
        let b = s.text.find('b').unwrap();
        assert_eq!(s.original_offset(b), text.find('b').unwrap());
        assert_eq!(s.original_offset(s.text.find('L').unwrap() + 3), 2);
        let c = s.text.rfind('c').unwrap();
        assert_eq!(s.original_offset(c), text.rfind('c').unwrap());
        assert_eq!(s.at_or_before(c).unwrap().name, "predefined.y");
        assert_eq!(s.overlapping(0..3).count(), 1);
        assert_eq!(substitute("none", |_| None).text, "none");
    }

    proptest::proptest! {
        #[test]
        fn bytes_outside_replacements_map_to_themselves(
            parts in proptest::collection::vec(("[a-z #\n]{0,6}", "[a-z]{1,5}", proptest::option::of("[a-zA-Z&<]{0,7}")), 0..6)
        ) {
            let mut text = String::new();
            for (plain, name, _) in &parts {
                text.push_str(plain);
                text.push_str(&format!(" #{name}# "));
            }
            let values: std::collections::HashMap<String, String> = parts
                .iter()
                .filter_map(|(_, n, v)| v.clone().map(|v| (n.clone(), v)))
                .collect();
            let s = substitute(&text, |n| values.get(n).map(String::as_str));
            for (i, b) in s.text.bytes().enumerate() {
                if s.replaced.iter().any(|r| r.substituted.contains(&i)) {
                    continue;
                }
                proptest::prop_assert_eq!(text.as_bytes()[s.original_offset(i)], b);
            }
            for r in &s.replaced {
                proptest::prop_assert_eq!(&text[r.original.clone()], format!("#{}#", r.name));
            }
        }
    }
}
