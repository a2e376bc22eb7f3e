//! The "Rooms" table of docs/ARCHITECTURE.md, read strictly.
//!
//! Each row's first cell names its rooms, the last its imports, both as backticked
//! names separated by commas (`—` for none); a note in parentheses may follow a name
//! and is not read: `` `cli/` (binary) ``, `` `findings`, `macros` (decoding) ``.
//! A room is written `name/` (a folder), `name.rs` (a file) or `crates/name/` (a
//! crate of the workspace); an import is a top-level module, a crate's package name
//! (`osbundle-formats`) or `osbundle` (the library, for the binary's `cli/`).

/// One row of the table.
#[derive(Debug)]
pub struct Row {
    /// Its line in the file (1-based).
    pub line: usize,
    /// The rooms it describes, as written (`json/`, `crates/formats/`).
    pub rooms: Vec<String>,
    /// Their imports.
    pub imports: Vec<String>,
}

/// The rows of the table under the `## Rooms` heading of `doc`.
pub fn rooms(doc: &str) -> Result<Vec<Row>, String> {
    let lines: Vec<&str> = doc.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.trim() == "## Rooms")
        .ok_or("no `## Rooms` heading")?;
    let first = (heading + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with('|'))
        .ok_or("no table under `## Rooms`")?;
    let header = cells(lines[first]);
    let column = |name: &str| {
        header
            .iter()
            .position(|c| c.trim().eq_ignore_ascii_case(name))
            .ok_or(format!(
                "line {}: the table has no `{name}` column",
                first + 1
            ))
    };
    let (folder, imports) = (column("folder")?, column("imports")?);
    let mut rows = Vec::new();
    for (i, text) in lines.iter().enumerate().skip(first + 2) {
        if !text.trim_start().starts_with('|') {
            break;
        }
        let line = i + 1;
        let row = cells(text);
        if row.len() != header.len() {
            return Err(format!(
                "line {line}: {} cells, the header has {} (a `|` inside a cell is written `\\|`)",
                row.len(),
                header.len()
            ));
        }
        let rooms = names(&row[folder]).map_err(|e| format!("line {line}, folder: {e}"))?;
        if rooms.is_empty() {
            return Err(format!("line {line}: a row without a room"));
        }
        let imports = names(&row[imports]).map_err(|e| format!("line {line}, imports: {e}"))?;
        rows.push(Row {
            line,
            rooms,
            imports,
        });
    }
    Ok(rows)
}

/// The cells of one table line, split on `|` that is not escaped.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(last) = out.last_mut() {
                    last.push('|');
                }
            }
            '|' => out.push(String::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// `—`, or backticked names separated by commas, each maybe followed by a note in
/// parentheses.
pub fn names(cell: &str) -> Result<Vec<String>, String> {
    // Notes in parentheses, nested ones too, are prose.
    let mut bare = String::new();
    let mut level = 0usize;
    for c in cell.chars() {
        match c {
            '(' => level += 1,
            ')' if level > 0 => level -= 1,
            _ if level == 0 => bare.push(c),
            _ => {}
        }
    }
    if level != 0 {
        return Err(format!("unbalanced parentheses in {cell:?}"));
    }
    let bare = bare.trim();
    if bare == "—" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for item in bare.split(',') {
        let item = item.trim();
        let name = item
            .strip_prefix('`')
            .and_then(|s| s.strip_suffix('`'))
            .filter(|s| !s.is_empty() && !s.contains('`') && !s.contains(char::is_whitespace));
        match name {
            Some(n) => out.push(n.to_string()),
            None => {
                return Err(format!(
                    "{item:?} in {:?} is not a backticked name: write `—` for none, or \
                     backticked names separated by commas, each maybe followed by a note \
                     in parentheses",
                    cell.trim()
                ))
            }
        }
    }
    Ok(out)
}

/// The rooms every room may import without listing them: the paragraph after the
/// table that starts `**Foundation**:`, then backticked names (`error.rs`, `json/`),
/// and ends with a note in parentheses and a full stop.
pub fn foundation(doc: &str) -> Result<(usize, Vec<String>), String> {
    const START: &str = "**Foundation**:";
    let heading = doc
        .lines()
        .position(|l| l.trim() == "## Rooms")
        .ok_or("no `## Rooms` heading")?;
    let lines: Vec<&str> = doc.lines().collect();
    let first = (heading..lines.len())
        .find(|&i| lines[i].starts_with(START))
        .ok_or(format!("no paragraph starting `{START}` under `## Rooms`"))?;
    let mut text = String::new();
    for l in lines[first..].iter().take_while(|l| !l.trim().is_empty()) {
        text.push_str(l);
        text.push(' ');
    }
    let body = text[START.len()..].trim().trim_end_matches('.');
    let names = names(body).map_err(|e| format!("line {}: {e}", first + 1))?;
    Ok((first + 1, names))
}
