//! A lexer of Rust sources for the architecture test: comments dropped (doc
//! comments too), string, character and number literals as single tokens (their text
//! never read as code, but a string's kept for `#[path = "…"]` and `include_str!`),
//! lifetimes and labels told from characters, raw strings and raw identifiers, and
//! each token's line.

/// One token; what the path finder needs and nothing more.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    /// `::` is one token; every other punctuation character is its own.
    Punct(String),
    /// A string literal's text (escapes kept as written): `#[path = "…"]` and
    /// `include_str!` read it.
    Str(String),
    /// Numbers, characters, lifetimes.
    Other,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

impl Token {
    pub fn is(&self, punct: &str) -> bool {
        matches!(&self.tok, Tok::Punct(p) if p == punct)
    }

    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The tokens of `src`, comments dropped, with their line numbers (1-based).
pub fn lex(src: &str) -> Result<Vec<Token>, String> {
    let s: Vec<char> = src.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < s.len() {
        let c = s[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= s.len() {
                    return Err(format!("line {start_line}: unterminated block comment"));
                }
                if s[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if s[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ident_start(c) {
            let begin = i;
            while i < s.len() && ident_char(s[i]) {
                i += 1;
            }
            let word: String = s[begin..i].iter().collect();
            let raw_prefix = matches!(word.as_str(), "r" | "br" | "cr");
            if raw_prefix && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '#' | '"'))) {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1; // the opening quote
                let body = i;
                loop {
                    if i >= s.len() {
                        return Err(format!("line {start_line}: unterminated raw string"));
                    }
                    if s[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        break;
                    }
                    if s[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                let text: String = s[body..i].iter().collect();
                i += 1 + hashes;
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
            } else if word == "r" && at(i) == '#' && ident_start(at(i + 1)) {
                // A raw identifier, `r#type`.
                i += 1;
                let begin = i;
                while i < s.len() && ident_char(s[i]) {
                    i += 1;
                }
                let name: String = s[begin..i].iter().collect();
                out.push(Token {
                    tok: Tok::Ident(name),
                    line: start_line,
                });
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                let text = string(&s, &mut i, &mut line)?;
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
            } else if word == "b" && at(i) == '\'' {
                character(&s, &mut i)?;
                out.push(Token {
                    tok: Tok::Other,
                    line: start_line,
                });
            } else {
                out.push(Token {
                    tok: Tok::Ident(word),
                    line: start_line,
                });
            }
        } else if c.is_ascii_digit() {
            while i < s.len() && ident_char(s[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Other,
                line: start_line,
            });
        } else if c == '"' {
            let text = string(&s, &mut i, &mut line)?;
            out.push(Token {
                tok: Tok::Str(text),
                line: start_line,
            });
        } else if c == '\'' {
            if at(i + 1) == '\\' || at(i + 2) == '\'' {
                character(&s, &mut i)?;
            } else {
                // A lifetime or a label.
                i += 1;
                while i < s.len() && ident_char(s[i]) {
                    i += 1;
                }
            }
            out.push(Token {
                tok: Tok::Other,
                line: start_line,
            });
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token {
                tok: Tok::Punct("::".into()),
                line: start_line,
            });
            i += 2;
        } else {
            out.push(Token {
                tok: Tok::Punct(c.to_string()),
                line: start_line,
            });
            i += 1;
        }
    }
    Ok(out)
}

/// A `"…"` literal from its opening quote at `s[*i]`; returns its text.
fn string(s: &[char], i: &mut usize, line: &mut usize) -> Result<String, String> {
    let start = *line;
    *i += 1;
    let body = *i;
    while *i < s.len() && s[*i] != '"' {
        if s[*i] == '\\' {
            *i += 1;
        }
        if s.get(*i) == Some(&'\n') {
            *line += 1;
        }
        *i += 1;
    }
    if *i >= s.len() {
        return Err(format!("line {start}: unterminated string"));
    }
    let text = s[body..*i].iter().collect();
    *i += 1;
    Ok(text)
}

/// A `'…'` character literal from its opening quote at `s[*i]`.
fn character(s: &[char], i: &mut usize) -> Result<(), String> {
    *i += 1;
    if s.get(*i) == Some(&'\\') {
        *i += 1;
    }
    *i += 1;
    while *i < s.len() && s[*i] != '\'' {
        *i += 1; // `\u{…}` and `\x..`
    }
    if *i >= s.len() {
        return Err("unterminated character literal".into());
    }
    *i += 1;
    Ok(())
}
