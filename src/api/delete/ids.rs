//! The `{images_list}` of `DELETE /osImages/{images_list}`: splitting and encoding.
//!
//! The endpoint takes "a list of one or more IDs, separated by a comma" (reference
//! 000). [`parse_list`] splits the way the endpoint must: at every literal comma,
//! keeping each piece exactly as written (no trimming) with the column where it starts,
//! so that findings can point into the argument. [`encode_list`] builds the path
//! segment: every ID percent-encoded on its own (`|` → `%7C`), the separating commas
//! left literal. A comma *inside* an ID cannot be sent: the server splits at every
//! comma, and `%2C` is decoded to a comma before an application sees the path, so an
//! encoded comma would be split too. Such IDs are reported, not encoded.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters left as they are in an encoded ID: RFC 3986 "unreserved" (letters,
/// digits, `-`, `.`, `_`, `~`). Everything else, `|` and `,` included, is
/// percent-encoded as UTF-8.
pub const ID_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One piece of an ID list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedId {
    /// The piece exactly as written between commas (may be empty or padded).
    pub raw: String,
    /// 1-based column (in characters) of the piece's first character in the list; for
    /// an empty piece, the column where it would start.
    pub column: usize,
}

impl ListedId {
    /// The piece without surrounding whitespace.
    pub fn trimmed(&self) -> &str {
        self.raw.trim()
    }

    /// Whether the piece has whitespace around it.
    pub fn is_padded(&self) -> bool {
        self.raw.len() != self.trimmed().len() && !self.trimmed().is_empty()
    }
}

/// Splits an ID list at every comma. Never fails: empty and padded pieces are kept
/// for the planner to report. An empty string is one empty piece.
pub fn parse_list(list: &str) -> Vec<ListedId> {
    let mut out = Vec::new();
    let mut column = 1;
    for piece in list.split(',') {
        out.push(ListedId {
            raw: piece.to_string(),
            column,
        });
        column += piece.chars().count() + 1;
    }
    out
}

/// Percent-encodes one ID with [`ID_ENCODE_SET`].
pub fn encode_id(id: &str) -> String {
    utf8_percent_encode(id, ID_ENCODE_SET).to_string()
}

/// The `{images_list}` path segment: each ID encoded, joined with literal commas.
pub fn encode_list<S: AsRef<str>>(ids: &[S]) -> String {
    ids.iter()
        .map(|id| encode_id(id.as_ref()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The request path `/osImages/{images_list}`.
pub fn request_path<S: AsRef<str>>(ids: &[S]) -> String {
    format!("/osImages/{}", encode_list(ids))
}

/// Decodes percent-escapes, for hints about IDs given already encoded. `None` when
/// the text has no escapes or they do not decode to UTF-8.
pub fn decoded(id: &str) -> Option<String> {
    if !id.contains('%') {
        return None;
    }
    let text = percent_encoding::percent_decode_str(id)
        .decode_utf8()
        .ok()?;
    (text != id).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_at_every_comma_with_columns() {
        let v = parse_list("a|,b|c,,d ");
        let raws: Vec<_> = v.iter().map(|p| (p.raw.as_str(), p.column)).collect();
        assert_eq!(raws, [("a|", 1), ("b|c", 4), ("", 8), ("d ", 9)]);
        assert!(v[3].is_padded());
        assert!(!v[2].is_padded());
        assert_eq!(
            parse_list(""),
            [ListedId {
                raw: String::new(),
                column: 1
            }]
        );
        assert_eq!(parse_list("x,").len(), 2);
    }

    #[test]
    fn columns_count_characters() {
        let v = parse_list("é→,x");
        assert_eq!(v[1].column, 4);
    }

    #[test]
    fn encodes_bar_and_keeps_separators() {
        assert_eq!(
            request_path(&["win2016|", "win2016|win2016-x86_64-install-Datacenter"]),
            "/osImages/win2016%7C,win2016%7Cwin2016-x86_64-install-Datacenter"
        );
        assert_eq!(encode_id("a b,c~d_e.f"), "a%20b%2Cc~d_e.f");
        assert_eq!(encode_id("é"), "%C3%A9");
        assert_eq!(decoded("win2016%7C").as_deref(), Some("win2016|"));
        assert_eq!(decoded("plain"), None);
        assert_eq!(decoded("100%"), None);
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC*") {
            let v = parse_list(&s);
            let joined: Vec<&str> = v.iter().map(|p| p.raw.as_str()).collect();
            prop_assert_eq!(joined.join(","), s.clone());
            prop_assert_eq!(v.len(), s.matches(',').count() + 1);
            for p in &v {
                let chars: Vec<char> = s.chars().collect();
                let start = p.column - 1;
                let got: String = chars[start..start + p.raw.chars().count()].iter().collect();
                prop_assert_eq!(&got, &p.raw);
            }
        }

        #[test]
        fn encoding_round_trips(ids in proptest::collection::vec("[^,]{1,12}", 1..5)) {
            let list = encode_list(&ids);
            prop_assert!(!list.contains('|'));
            let back: Vec<String> = parse_list(&list)
                .iter()
                .map(|p| percent_encoding::percent_decode_str(&p.raw).decode_utf8().map(|c| c.into_owned()))
                .collect::<Result<_, _>>()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, ids);
        }
    }
}
