//! The allowed-signers file of `ssh-keygen -Y verify` (ssh-keygen(1), "ALLOWED
//! SIGNERS"): one signer per line, `principals [options] keytype base64-key [comment]`.
//!
//! - principals: a comma-separated list of patterns (`*`, `?`, `!` negation), optionally
//!   in double quotes;
//! - options, comma-separated: `namespaces="file,git"`, `valid-after="YYYYMMDD[HHMM[SS]][Z]"`,
//!   `valid-before="..."`; `cert-authority` is recognised and refused (certificate
//!   signatures are not supported), as is any unknown option;
//! - empty lines and lines starting with `#` are skipped.
//!
//! Every malformed line is a [`LineProblem`] (shown as a `signature-key-invalid`
//! finding with its line number); the other lines are still used. Times without `Z`
//! are read as UTC (ssh-keygen reads them as local time).

use ssh_key::PublicKey;

use crate::date::Civil;

/// One usable line of an allowed-signers file.
#[derive(Debug, Clone)]
pub struct Signer {
    /// 1-based line number.
    pub line: usize,
    /// The principals patterns, as written (comma-separated).
    pub principals: String,
    /// `namespaces=` patterns, when given.
    pub namespaces: Option<String>,
    /// `valid-after`, seconds since the epoch (UTC).
    pub valid_after: Option<u64>,
    /// `valid-before`, seconds since the epoch (UTC).
    pub valid_before: Option<u64>,
    /// The key.
    pub key: PublicKey,
}

/// A line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A parsed allowed-signers file.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    /// The usable lines, in file order.
    pub signers: Vec<Signer>,
    /// The lines that cannot be used.
    pub problems: Vec<LineProblem>,
}

impl AllowedSigners {
    /// Parses the text of an allowed-signers file. Never fails: bad lines are problems.
    pub fn parse(text: &str) -> AllowedSigners {
        let mut out = AllowedSigners::default();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            match parse_line(trimmed, line) {
                Ok(signer) => out.signers.push(signer),
                Err(message) => out.problems.push(LineProblem { line, message }),
            }
        }
        out
    }

    /// The signers whose key is `key`, that allow `namespace` at time `now`, and,
    /// when `identity` is given, whose principals match it.
    pub fn matching<'a>(
        &'a self,
        key: &'a ssh_key::public::KeyData,
        namespace: &'a str,
        identity: Option<&'a str>,
        now: u64,
    ) -> impl Iterator<Item = Result<&'a Signer, String>> + 'a {
        self.signers
            .iter()
            .filter(move |s| s.key.key_data() == key)
            .map(move |s| {
                if let Some(ns) = &s.namespaces {
                    if pattern_list_match(namespace, ns) != Some(true) {
                        return Err(format!(
                            "line {}: the key is allowed for namespaces \"{ns}\" only, not \"{namespace}\"",
                            s.line
                        ));
                    }
                }
                if let Some(after) = s.valid_after {
                    if now < after {
                        return Err(format!("line {}: the key is not valid yet (valid-after)", s.line));
                    }
                }
                if let Some(before) = s.valid_before {
                    if now >= before {
                        return Err(format!("line {}: the key has expired (valid-before)", s.line));
                    }
                }
                if let Some(id) = identity {
                    if pattern_list_match(id, &s.principals) != Some(true) {
                        return Err(format!(
                            "line {}: the key's principals \"{}\" do not match identity \"{id}\"",
                            s.line, s.principals
                        ));
                    }
                }
                Ok(s)
            })
    }
}

fn parse_line(line: &str, number: usize) -> Result<Signer, String> {
    let (principals, rest) = take_token(line)?;
    if principals.is_empty() {
        return Err("empty principals".into());
    }
    let rest = rest.trim_start();
    let mut signer_options = (None, None, None);
    let key_text = match PublicKey::from_openssh(rest) {
        Ok(key) => return Ok(signer(number, principals, signer_options, key)),
        Err(_) => {
            let (options, key_text) = take_token(rest)?;
            for option in split_options(&options)? {
                let (name, value) = match option.split_once('=') {
                    Some((n, v)) => (n, Some(unquote(v)?)),
                    None => (option.as_str(), None),
                };
                match (name.to_ascii_lowercase().as_str(), value) {
                    ("cert-authority", None) => {
                        return Err("cert-authority lines are not supported: certificate \
                                    signatures cannot be checked; the line is ignored"
                            .into())
                    }
                    ("namespaces", Some(v)) => signer_options.0 = Some(v),
                    ("valid-after", Some(v)) => signer_options.1 = Some(parse_time(&v)?),
                    ("valid-before", Some(v)) => signer_options.2 = Some(parse_time(&v)?),
                    (other, _) => return Err(format!("unsupported option \"{other}\"")),
                }
            }
            key_text.trim()
        }
    };
    let key = PublicKey::from_openssh(key_text).map_err(|e| {
        format!("not an OpenSSH public key (`keytype base64 [comment]`) of a supported type: {e}")
    })?;
    Ok(signer(number, principals, signer_options, key))
}

type SignerOptions = (Option<String>, Option<u64>, Option<u64>);

fn signer(line: usize, principals: String, options: SignerOptions, key: PublicKey) -> Signer {
    Signer {
        line,
        principals,
        namespaces: options.0,
        valid_after: options.1,
        valid_before: options.2,
        key,
    }
}

/// The first token: up to whitespace, double-quoted parts kept together.
fn take_token(text: &str) -> Result<(String, &str), String> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                return Ok((strip_quotes(&text[..i]), &text[i..]));
            }
            _ => {}
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    Ok((strip_quotes(text), ""))
}

fn strip_quotes(token: &str) -> String {
    match token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner.to_string(),
        _ => token.to_string(),
    }
}

fn split_options(options: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in options.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote in options".into());
    }
    out.push(current);
    if out.iter().any(String::is_empty) {
        return Err("empty option".into());
    }
    Ok(out)
}

fn unquote(value: &str) -> Result<String, String> {
    match value.strip_prefix('"') {
        Some(rest) => rest
            .strip_suffix('"')
            .filter(|inner| !inner.contains('"'))
            .map(str::to_string)
            .ok_or_else(|| format!("badly quoted value {value}")),
        None => Ok(value.to_string()),
    }
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally ending in `Z`.
pub fn parse_time(text: &str) -> Result<u64, String> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    let bad = || format!("bad time \"{text}\" (expected YYYYMMDD[HHMM[SS]][Z])");
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok());
    let t = Civil {
        year: i64::from(num(0..4).ok_or_else(bad)?),
        month: num(4..6).ok_or_else(bad)?,
        day: num(6..8).ok_or_else(bad)?,
        hour: num(8..10).unwrap_or(0),
        minute: num(10..12).unwrap_or(0),
        second: num(12..14).unwrap_or(0),
    };
    if !(1970..=9999).contains(&t.year)
        || !(1..=12).contains(&t.month)
        || !(1..=31).contains(&t.day)
        || t.hour > 23
        || t.minute > 59
        || t.second > 60
    {
        return Err(bad());
    }
    t.to_epoch().ok_or_else(bad)
}

/// OpenSSH `match_pattern_list`: `Some(true)` when a positive pattern matches and no
/// negated one does, `Some(false)` when a negated pattern matches, `None` otherwise.
pub fn pattern_list_match(text: &str, patterns: &str) -> Option<bool> {
    let mut matched = None;
    for pattern in patterns.split(',') {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        if glob(text.as_bytes(), pattern.as_bytes()) {
            if negated {
                return Some(false);
            }
            matched = Some(true);
        }
    }
    matched
}

/// `*` and `?` wildcards, in linear time with one backtrack point.
fn glob(text: &[u8], pattern: &[u8]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti user@example.com";

    #[test]
    fn parses_principals_options_and_keys() {
        let text = format!(
            "# comment\n\nalice@example.com {KEY}\n\"bob@x,carol@*\" namespaces=\"file,git\",valid-after=\"20200101\",valid-before=\"20300101Z\" {KEY}\n*@corp cert-authority {KEY}\nx bogus=1 {KEY}\ny ssh-ed25519 notbase64\n"
        );
        let a = AllowedSigners::parse(&text);
        assert_eq!(a.signers.len(), 2, "{:?}", a.problems);
        assert_eq!(a.signers[0].principals, "alice@example.com");
        assert_eq!(a.signers[1].principals, "bob@x,carol@*");
        assert_eq!(a.signers[1].namespaces.as_deref(), Some("file,git"));
        assert_eq!(a.signers[1].valid_after, Some(1_577_836_800));
        assert_eq!(a.signers[1].valid_before, Some(1_893_456_000));
        let lines: Vec<usize> = a.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [5, 6, 7]);
        assert!(a.problems[0].message.contains("cert-authority"));
        assert!(a.problems[1].message.contains("bogus"));
    }

    #[test]
    fn matching_honours_namespaces_times_and_identity() {
        let text = format!(
            "bob@x,carol@* namespaces=\"git\" {KEY}\n!eve,*@corp valid-before=\"20000101\" {KEY}\nops@corp {KEY}\n"
        );
        let a = AllowedSigners::parse(&text);
        let key = a.signers[0].key.key_data().clone();
        let now = 1_700_000_000;
        let results: Vec<_> = a.matching(&key, "file", Some("ops@corp"), now).collect();
        assert!(results[0].as_ref().unwrap_err().contains("namespaces"));
        assert!(results[1].as_ref().unwrap_err().contains("expired"));
        assert_eq!(results[2].as_ref().unwrap().line, 3);
        let results: Vec<_> = a.matching(&key, "file", Some("dave@corp"), now).collect();
        assert!(results[2].as_ref().unwrap_err().contains("identity"));
    }

    #[test]
    fn patterns_follow_openssh() {
        assert_eq!(pattern_list_match("a@corp", "*@corp"), Some(true));
        assert_eq!(
            pattern_list_match("eve@corp", "!eve@corp,*@corp"),
            Some(false)
        );
        assert_eq!(pattern_list_match("x", "y,z"), None);
        assert!(glob(b"abc", b"a?c"));
        assert!(glob(b"", b"*"));
        assert!(!glob(b"ab", b"a"));
        assert!(glob(&[b'a'; 1000], &[b'*'; 50]));
    }

    #[test]
    fn hostile_lines_never_panic() {
        for line in [
            "\"",
            "a \"",
            "a b=\"",
            "\u{0} \u{0}",
            "a ,",
            "a x=\"y\"z ssh-ed25519 A",
        ] {
            let _ = AllowedSigners::parse(line);
        }
        assert!(parse_time("20241301").is_err());
        assert!(parse_time("2024010").is_err());
    }
}
