//! Custom macros derived from a configuration-settings tree (the tree's shape is
//! [`crate::config`]'s knowledge: [`top_nodes`], [`children`]).
//!
//! As the reference's `customMacros` show (`server-settings.node.locale`, `timezone`),
//! a macro is the `name`s along the path from just below the top-level node down to a
//! leaf, joined with periods. Children are the nodes of `content` and of `template`.
//! A leaf is a node with no children. The top-level node's own name is not part of
//! any macro. An import request body (`{"content": ..., "name": ..., "os": ...}`) is
//! unwrapped first.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::{children, top_nodes};

/// The custom macros of a configuration-settings document, sorted and unique.
pub fn derive_macros(value: &Value) -> Vec<String> {
    let mut out = BTreeSet::new();
    leaves(value, &mut |path, _| {
        out.insert(path);
    });
    out.into_iter().collect()
}

/// The value each custom macro of a configuration-settings document is replaced by
/// when LXCA substitutes it without a user's answer: the leaf's `value`, else its
/// first `choices` entry; macros with neither are left out. Sorted by name; where
/// two leaves give one name, the first in document order wins.
pub(crate) fn derive_values(value: &Value) -> Vec<(String, String)> {
    let mut out = BTreeMap::new();
    leaves(value, &mut |path, leaf| {
        let given = leaf.get("value").and_then(Value::as_str).or_else(|| {
            leaf.get("choices")
                .and_then(Value::as_array)
                .and_then(|c| c.first())
                .and_then(Value::as_str)
        });
        if let Some(v) = given {
            out.entry(path).or_insert_with(|| v.to_string());
        }
    });
    out.into_iter().collect()
}

/// Calls `visit` with the macro name and the node of every leaf of the document's
/// trees, in document order.
fn leaves(value: &Value, visit: &mut dyn FnMut(String, &Value)) {
    for top in top_nodes(value) {
        for child in children(top.as_ref()) {
            walk(child, String::new(), visit);
        }
    }
}

fn walk(node: &Value, prefix: String, visit: &mut dyn FnMut(String, &Value)) {
    let Some(name) = node.get("name").and_then(Value::as_str) else {
        return;
    };
    let path = if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    };
    let mut any = false;
    for child in children(node) {
        any = true;
        walk(child, path.clone(), visit);
    }
    if !any {
        visit(path, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn macros_follow_the_reference() {
        let tree = json!({
            "name": "myCustomDeploy", "type": "array", "content": [
                {"name": "server-settings", "type": "assoc_array", "template": [
                    {"name": "node", "type": "assoc_array", "content": [
                        {"name": "locale", "type": "string"},
                        {"name": "keyboardLocale", "type": "string"}]}]},
                {"name": "timezone", "type": "string"}]
        });
        assert_eq!(
            derive_macros(&tree),
            [
                "server-settings.node.keyboardLocale",
                "server-settings.node.locale",
                "timezone"
            ]
        );
        let body = json!({"name": "f.json", "os": "win", "content": [tree.clone()]});
        assert_eq!(derive_macros(&body), derive_macros(&tree));
        let as_string = json!({"os": "win", "content": tree.to_string()});
        assert_eq!(derive_macros(&as_string), derive_macros(&tree));
        assert!(derive_macros(&json!(42)).is_empty());
    }

    #[test]
    fn values_are_the_value_or_the_first_choice() {
        let tree = json!({
            "name": "top", "type": "array", "content": [
                {"name": "a", "type": "string", "value": "A & B", "choices": ["x"]},
                {"name": "b", "type": "string", "choices": ["first", "second"]},
                {"name": "c", "type": "string"},
                {"name": "g", "type": "assoc_array", "content": [
                    {"name": "d", "type": "string", "value": "<d>"}]}]
        });
        assert_eq!(
            derive_values(&tree),
            [
                ("a".to_string(), "A & B".to_string()),
                ("b".to_string(), "first".to_string()),
                ("g.d".to_string(), "<d>".to_string()),
            ]
        );
    }
}
