//! "Did you mean": the one nearest-name rule behind every hint for a mistyped name
//! (OS names, rule IDs, macros, inventory IDs). Callers word the hint themselves.

/// How alike (Jaro-Winkler, 0 to 1) a known name must be to the given one to be
/// offered.
pub(crate) const THRESHOLD: f64 = 0.8;

/// The known name nearest to `given`, when it is alike enough ([`THRESHOLD`]). Of
/// equally near names, the first in byte order, whatever order `known` comes in.
pub(crate) fn did_you_mean<'a, S>(
    given: &str,
    known: impl IntoIterator<Item = &'a S>,
) -> Option<&'a str>
where
    S: AsRef<str> + ?Sized + 'a,
{
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(given, k.as_ref()), k.as_ref()))
        .filter(|(score, _)| *score > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_alike_name_wins() {
        let names = ["esxi", "rhels", "sles", "ubuntu", "win"];
        assert_eq!(did_you_mean("rhel", names.iter().copied()), Some("rhels"));
        assert_eq!(did_you_mean("slse", &names), Some("sles"));
        assert_eq!(did_you_mean("wn", &names), None);
        assert_eq!(did_you_mean("anything", &[] as &[&str]), None);
    }

    #[test]
    fn ties_go_to_the_first_name_in_any_order() {
        // "abcz" is as near to "abcx" as to "abcy".
        let one = ["abcx", "abcy"];
        let other = ["abcy", "abcx"];
        assert_eq!(did_you_mean("abcz", &one), Some("abcx"));
        assert_eq!(did_you_mean("abcz", &other), Some("abcx"));
    }

    #[test]
    fn owned_names_too() {
        let names = vec!["#predefined#".to_string(), "other".to_string()];
        assert_eq!(did_you_mean("#predefind#", &names), Some("#predefined#"));
    }
}
