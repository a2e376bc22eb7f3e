//! The meaning of a schema-valid settings tree (`config-semantic`).
//!
//! Errors:
//! - a `value` that is not among the node's `choices`;
//! - a `regex` that does not compile, or a `value` (of the node, or of a template
//!   node, whose value is the default of each new element) that it does not match;
//! - `minElements` greater than `maxElements`;
//! - an `array`/`assoc_array` node with neither `content` nor `template`, or a `string`
//!   node with either;
//! - two sibling nodes with the same `name` (their macros would collide);
//! - a `name` that cannot be used in a macro: one holding `.`, `#` or whitespace;
//! - a `static` string node without a `value`.
//!
//! Warnings: `choices`, `regex`, `minElements`/`maxElements` on a node type they do
//! not apply to.
//!
//! Regular expressions: the dialect is ECMA-262, as for JSON Schema's `pattern`: the
//! pattern is translated as `jsonschema` translates it (`\w` and `\d` are ASCII,
//! `\s` is ECMA whitespace) and run by `fancy-regex` (lookaround and backreferences
//! work). A value matches when the pattern is found anywhere in it (search, not
//! whole-string match), like `RegExp.prototype.test` in the browser that shows these
//! settings. The reference's own example, `[\w\.]{1,64}$`, anchors only its end,
//! which is only meaningful under search semantics. To require a whole-value match,
//! write `^...$`. Matching is bounded by a backtracking limit: a pattern too costly to
//! run is reported rather than hanging.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::findings::{Finding, Rule};
use crate::json::join_pointer;

/// Backtracking steps allowed for one match before a pattern is reported as too costly.
pub(crate) const BACKTRACK_LIMIT: usize = 100_000;

/// One semantic problem, before it is placed in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// Pointer of the offending value.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// A warning rather than an error.
    pub warning: bool,
}

impl Issue {
    /// The `config-semantic` finding for this issue in the file `path`.
    pub(crate) fn into_finding(self, path: &str) -> Finding {
        let f = if self.warning {
            Finding::warning(Rule::ConfigSemantic, path, self.message)
        } else {
            Finding::error(Rule::ConfigSemantic, path, self.message)
        };
        f.with_pointer(self.pointer)
    }
}

/// Checks the tree rooted at `node` (found at `pointer`), calling `emit` per issue.
pub(crate) fn check_tree(node: &Value, pointer: &str, emit: &mut dyn FnMut(Issue)) {
    check_node(node, pointer, false, emit);
}

fn error(emit: &mut dyn FnMut(Issue), pointer: String, message: String) {
    emit(Issue {
        pointer,
        message,
        warning: false,
    });
}

fn warning(emit: &mut dyn FnMut(Issue), pointer: String, message: String) {
    emit(Issue {
        pointer,
        message,
        warning: true,
    });
}

fn check_node(node: &Value, pointer: &str, in_template: bool, emit: &mut dyn FnMut(Issue)) {
    let Some(map) = node.as_object() else {
        return;
    };
    let at = |key: &str| join_pointer(pointer, key);
    let name = map.get("name").and_then(Value::as_str).unwrap_or_default();
    let kind = map.get("type").and_then(Value::as_str).unwrap_or_default();
    let value = map.get("value").and_then(Value::as_str);

    if let Some(bad) = name
        .chars()
        .find(|c| *c == '.' || *c == '#' || c.is_whitespace())
    {
        error(
            emit,
            at("name"),
            format!(
                "name \"{name}\" cannot be used in a macro: it holds {}; use letters, digits, '-' or '_'",
                match bad {
                    '.' => "a period (macro paths are joined with periods)".to_string(),
                    '#' => "a hash sign (macros are written #name#)".to_string(),
                    _ => "whitespace".to_string(),
                }
            ),
        );
    }

    let has = |key: &str| map.get(key).and_then(Value::as_array).is_some();
    match kind {
        "string" => {
            for key in ["content", "template"] {
                if has(key) {
                    error(
                        emit,
                        at(key),
                        format!("string node \"{name}\" cannot have {key}; only array and assoc_array nodes hold children"),
                    );
                }
            }
            for key in ["minElements", "maxElements"] {
                if map.contains_key(key) {
                    warning(
                        emit,
                        at(key),
                        format!("{key} has no meaning on string node \"{name}\""),
                    );
                }
            }
            if map.get("category").and_then(Value::as_str) == Some("static") && value.is_none() {
                error(
                    emit,
                    pointer.to_string(),
                    format!("static node \"{name}\" has no value; a static setting is fixed by its value"),
                );
            }
        }
        "array" | "assoc_array" => {
            if !has("content") && !has("template") {
                error(
                    emit,
                    pointer.to_string(),
                    format!("{kind} node \"{name}\" has neither content nor template: it defines no children"),
                );
            }
            for key in ["choices", "regex"] {
                if map.contains_key(key) {
                    warning(
                        emit,
                        at(key),
                        format!("{key} has no meaning on {kind} node \"{name}\""),
                    );
                }
            }
        }
        _ => {}
    }

    let min = map.get("minElements").and_then(Value::as_u64);
    let max = map.get("maxElements").and_then(Value::as_u64);
    if let (Some(min), Some(max)) = (min, max) {
        if min > max {
            error(
                emit,
                at("maxElements"),
                format!("maxElements {max} is below minElements {min}"),
            );
        }
    }

    if let (Some(value), Some(choices)) = (value, map.get("choices").and_then(Value::as_array)) {
        let choices: Vec<&str> = choices.iter().filter_map(Value::as_str).collect();
        if !choices.is_empty() && !choices.contains(&value) {
            error(
                emit,
                at("value"),
                format!(
                    "value \"{value}\" is not among the choices of \"{name}\": {}",
                    crate::rules::list_names(&choices, 12)
                ),
            );
        }
    }

    if let Some(pattern) = map.get("regex").and_then(Value::as_str) {
        check_regex(pattern, value, &at, in_template, emit);
    }

    for key in ["content", "template"] {
        let Some(children) = map.get(key).and_then(Value::as_array) else {
            continue;
        };
        let list = at(key);
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, child) in children.iter().enumerate() {
            let child_pointer = format!("{list}/{i}");
            if let Some(child_name) = child.get("name").and_then(Value::as_str) {
                if let Some(first) = seen.insert(child_name, i) {
                    seen.insert(child_name, first);
                    error(
                        emit,
                        join_pointer(&child_pointer, "name"),
                        format!(
                            "duplicate name \"{child_name}\" among the {key} of \"{name}\" (first at {list}/{first}); their macros would collide"
                        ),
                    );
                }
            }
            check_node(
                child,
                &child_pointer,
                in_template || key == "template",
                emit,
            );
        }
    }
}

fn check_regex(
    pattern: &str,
    value: Option<&str>,
    at: &dyn Fn(&str) -> String,
    in_template: bool,
    emit: &mut dyn FnMut(Issue),
) {
    let compiled = compile(pattern);
    let regex = match compiled.as_ref() {
        Ok(regex) => regex,
        Err(e) => {
            error(
                emit,
                at("regex"),
                format!("regex /{pattern}/ does not compile: {e}"),
            );
            return;
        }
    };
    let Some(value) = value else {
        return;
    };
    let what = if in_template {
        "default value"
    } else {
        "value"
    };
    match regex.is_match(value) {
        Ok(true) => {}
        Ok(false) => error(
            emit,
            at("value"),
            format!("{what} \"{value}\" does not match the regex /{pattern}/"),
        ),
        Err(e) => error(
            emit,
            at("regex"),
            format!(
                "regex /{pattern}/ is too costly to match against \"{value}\": {}",
                one_line(&e.to_string())
            ),
        ),
    }
}

/// How many compiled patterns the cache keeps; past it, patterns are compiled anew.
const REGEX_CACHE_SIZE: usize = 4096;

/// A compiled pattern, or why it does not compile.
type Compiled = Arc<Result<fancy_regex::Regex, String>>;

/// Compiles `pattern` once per process: the same patterns recur across the files of
/// a repository, and all workers share the cache.
fn compile(pattern: &str) -> Compiled {
    static CACHE: OnceLock<Mutex<HashMap<String, Compiled>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|map| map.get(pattern).cloned()) {
        return hit;
    }
    let translated = jsonschema_regex::to_rust_regex(pattern);
    let built: Compiled = Arc::new(
        fancy_regex::RegexBuilder::new(translated.as_deref().unwrap_or(pattern))
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| one_line(&e.to_string())),
    );
    if let Ok(mut map) = cache.lock() {
        if map.len() < REGEX_CACHE_SIZE {
            map.insert(pattern.to_string(), built.clone());
        }
    }
    built
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn issues(tree: Value) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        check_tree(&tree, "", &mut |i: Issue| out.push((i.pointer, i.warning)));
        out
    }

    fn leaf(extra: Value) -> Value {
        let mut base = json!({"category": "dynamic", "name": "x", "type": "string"});
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        json!({"category": "dynamic", "name": "top", "type": "array", "content": [base]})
    }

    #[test]
    fn choices_both_directions() {
        assert!(issues(leaf(json!({"choices": ["a", "b"], "value": "a"}))).is_empty());
        assert_eq!(
            issues(leaf(json!({"choices": ["a", "b"], "value": "c"}))),
            [("/content/0/value".to_string(), false)]
        );
    }

    #[test]
    fn regex_compiles_and_matches_by_search() {
        assert!(issues(leaf(
            json!({"regex": "[\\w\\.]{1,64}$", "value": "ntp.example.com"})
        ))
        .is_empty());
        assert!(issues(leaf(json!({"regex": "^(?!bad)\\w+$", "value": "good"}))).is_empty());
        // ECMA-262: \w is ASCII only.
        assert_eq!(
            issues(leaf(json!({"regex": "^\\w+$", "value": "café"}))),
            [("/content/0/value".to_string(), false)]
        );
        assert_eq!(
            issues(leaf(json!({"regex": "^[0-9]+$", "value": "12a"}))),
            [("/content/0/value".to_string(), false)]
        );
        assert_eq!(
            issues(leaf(json!({"regex": "([a-z]", "value": "a"}))),
            [("/content/0/regex".to_string(), false)]
        );
    }

    #[test]
    fn catastrophic_patterns_are_reported_not_run_forever() {
        let value = "a".repeat(40) + "!";
        let got = issues(leaf(json!({"regex": "^(a|a)*(a|a)*\\1$", "value": value})));
        assert_eq!(got, [("/content/0/regex".to_string(), false)]);
    }

    #[test]
    fn elements_and_children() {
        let t = json!({"category": "dynamic", "name": "top", "type": "array",
            "minElements": 3, "maxElements": 1, "template": [
                {"category": "dynamic", "name": "s", "type": "string", "content": []}]});
        assert_eq!(
            issues(t),
            [
                ("/maxElements".to_string(), false),
                ("/template/0/content".to_string(), false)
            ]
        );
        let empty = json!({"category": "dynamic", "name": "top", "type": "assoc_array"});
        assert_eq!(issues(empty), [(String::new(), false)]);
    }

    #[test]
    fn names_unique_and_usable_in_macros() {
        let t = json!({"category": "dynamic", "name": "top", "type": "array", "content": [
            {"category": "dynamic", "name": "a.b", "type": "string"},
            {"category": "dynamic", "name": "c", "type": "string"},
            {"category": "dynamic", "name": "c", "type": "string"},
            {"category": "dynamic", "name": "d e", "type": "string"},
            {"category": "dynamic", "name": "#f", "type": "string"}]});
        let got: Vec<String> = issues(t).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            got,
            [
                "/content/0/name",
                "/content/2/name",
                "/content/3/name",
                "/content/4/name"
            ]
        );
    }

    #[test]
    fn static_nodes_need_a_value() {
        assert!(issues(leaf(json!({"category": "static", "value": "/tmp/x"}))).is_empty());
        assert_eq!(
            issues(leaf(json!({"category": "static"}))),
            [("/content/0".to_string(), false)]
        );
    }

    #[test]
    fn misplaced_keywords_are_warnings() {
        assert_eq!(
            issues(leaf(json!({"maxElements": 2}))),
            [("/content/0/maxElements".to_string(), true)]
        );
    }
}
