//! Custom macros derived from a configuration-settings tree.
//!
//! As the reference's `customMacros` show (`server-settings.node.locale`, `timezone`),
//! a macro is the `name`s along the path from just below the top-level node down to a
//! leaf, joined with periods. Children are the nodes of `content` and of `template`.
//! A leaf is a node with no children. The top-level node's own name is not part of
//! any macro. An import request body (`{"content": ..., "name": ..., "os": ...}`) is
//! unwrapped first.

use std::collections::BTreeSet;

use serde_json::Value;

/// The tree nodes at the top of `value`: the node itself, or the nodes of an import
/// body's `content` (an array of nodes, one node, or a JSON string holding either).
pub fn top_nodes(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(nodes) => nodes.clone(),
        Value::Object(map) if super::is_import_body(map) => match map.get("content") {
            Some(Value::String(text)) => serde_json::from_str::<Value>(text)
                .map(|v| top_nodes(&v))
                .unwrap_or_default(),
            Some(inner) => top_nodes(inner),
            None => Vec::new(),
        },
        Value::Object(_) => vec![value.clone()],
        _ => Vec::new(),
    }
}

/// The custom macros of a configuration-settings document, sorted and unique.
pub fn derive_macros(value: &Value) -> Vec<String> {
    let mut out = BTreeSet::new();
    for top in top_nodes(value) {
        for child in children(&top) {
            walk(child, String::new(), &mut out);
        }
    }
    out.into_iter().collect()
}

/// The child nodes of `node`: its `content` and `template` arrays (or single objects).
pub fn children(node: &Value) -> impl Iterator<Item = &Value> {
    ["content", "template"].into_iter().flat_map(move |key| {
        let list: &[Value] = match node.get(key) {
            Some(Value::Array(list)) => list,
            Some(one @ Value::Object(_)) => std::slice::from_ref(one),
            _ => &[],
        };
        list.iter().filter(|v| v.is_object())
    })
}

fn walk(node: &Value, prefix: String, out: &mut BTreeSet<String>) {
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
        walk(child, path.clone(), out);
    }
    if !any {
        out.insert(path);
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
}
