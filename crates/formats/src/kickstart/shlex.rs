//! Kickstart lines split into words as pykickstart splits them: Python's `shlex`
//! in POSIX mode with comments (quotes, backslash escapes, `#` starting a comment
//! even inside a word).

/// A word of a split line and the column (in characters, 1-based) where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word, quotes and escapes removed.
    pub text: String,
    /// Where it starts.
    pub column: usize,
}

/// Splits one line as Python's `shlex.split(line, comments=True)` does.
pub fn split(line: &str) -> Result<Vec<Word>, String> {
    #[derive(PartialEq)]
    enum State {
        Between,
        Word,
        Single,
        Double,
    }
    let mut words = Vec::new();
    let mut state = State::Between;
    let mut token = String::new();
    let mut start = 0;
    let mut chars = line.chars().enumerate().peekable();
    let whitespace = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    while let Some((i, c)) = chars.next() {
        match state {
            State::Between | State::Word => {
                if whitespace(c) {
                    if state == State::Word {
                        words.push(Word {
                            text: std::mem::take(&mut token),
                            column: start + 1,
                        });
                        state = State::Between;
                    }
                    continue;
                }
                if c == '#' {
                    break;
                }
                if state == State::Between {
                    start = i;
                    state = State::Word;
                }
                match c {
                    '\\' => match chars.next() {
                        Some((_, n)) => token.push(n),
                        None => return Err("no escaped character after a backslash".into()),
                    },
                    '\'' => state = State::Single,
                    '"' => state = State::Double,
                    _ => token.push(c),
                }
            }
            State::Single => {
                if c == '\'' {
                    state = State::Word;
                } else {
                    token.push(c);
                }
            }
            State::Double => match c {
                '"' => state = State::Word,
                '\\' => match chars.peek() {
                    Some((_, n @ ('"' | '\\'))) => {
                        token.push(*n);
                        chars.next();
                    }
                    Some(_) => token.push('\\'),
                    None => return Err("no closing quotation".into()),
                },
                _ => token.push(c),
            },
        }
    }
    match state {
        State::Single | State::Double => Err("no closing quotation".into()),
        State::Word => {
            words.push(Word {
                text: token,
                column: start + 1,
            });
            Ok(words)
        }
        State::Between => Ok(words),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split(line).unwrap().into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn lines_split_as_shlex_splits_them() {
        assert_eq!(texts("a=#b#"), ["a="]);
        assert_eq!(texts("x --h=\"a#b\" c"), ["x", "--h=a#b", "c"]);
        assert_eq!(texts(r#"a\ b "c\"d" 'e\f'"#), ["a b", "c\"d", "e\\f"]);
        assert_eq!(texts(r#""a\b" "" x"#), ["a\\b", "", "x"]);
        assert_eq!(texts("  # all comment"), Vec::<String>::new());
        assert!(split("lang \"en_US").is_err());
        assert!(split("a \\").is_err());
        let w = split("  net  --x").unwrap();
        assert_eq!((w[0].column, w[1].column), (3, 8));
    }
}
