use super::*;
use proptest::prelude::*;

fn err(text: &[u8]) -> SyntaxError {
    Document::parse(text).expect_err("must not parse")
}

#[test]
fn pointers_map_to_value_starts_on_multi_line_non_ascii_text() {
    let text = "{\n  \"名前\": \"値\",\n  \"list\": [1,\n    {\"a/b\": true, \"t~\": null}]\n}";
    let doc = Document::parse(text.as_bytes()).unwrap();
    assert_eq!(doc.position_of(""), Some(Position { line: 1, column: 1 }));
    assert_eq!(
        doc.position_of("/名前"),
        Some(Position { line: 2, column: 9 })
    );
    assert_eq!(
        doc.position_of("/list/0"),
        Some(Position {
            line: 3,
            column: 12
        })
    );
    assert_eq!(
        doc.position_of("/list/1"),
        Some(Position { line: 4, column: 5 })
    );
    assert_eq!(
        doc.position_of("/list/1/a~1b"),
        Some(Position {
            line: 4,
            column: 13
        })
    );
    assert_eq!(
        doc.position_of("/list/1/t~0"),
        Some(Position {
            line: 4,
            column: 25
        })
    );
    assert_eq!(doc.position_of("/missing"), None);
    assert_eq!(doc.position_of("/list/2"), None);
}

#[test]
fn syntax_errors_point_at_the_token() {
    let e = err(b"{\n  \"a\": 1,\n  \"b\": ]\n}");
    assert_eq!(e.position, Position { line: 3, column: 8 });
    // Non-ASCII before the error: columns are characters.
    let e = err("{\"ééé\": ,}".as_bytes());
    assert_eq!(e.position, Position { line: 1, column: 9 });
    // Missing comma between members, as in the reference's example.
    let e = err(b"{\"a\": \"x\"\n\"b\": 1}");
    assert_eq!(e.position.line, 2);
    assert_eq!(e.position.column, 1);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    assert!(err(b"").message.contains("empty"));
    assert!(err(b"  \n ").message.contains("empty"));
    let bom = err(b"\xEF\xBB\xBF{}");
    assert!(bom.message.contains("byte-order mark"));
    let utf8 = err(b"{\"a\": \"\xff\"}");
    assert!(utf8.message.contains("invalid UTF-8"), "{}", utf8.message);
    assert_eq!(utf8.position, Position { line: 1, column: 8 });
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert!(err(deep.as_bytes()).message.contains("recursion"));
    assert!(err(b"[1e400]").message.contains("out of range"));
    assert!(err(b"{\"a\": \"line\nbreak\"}")
        .message
        .contains("control character"));
    assert!(err(b"{} {}").message.contains("trailing"));
    assert!(err(b"[1,]").message.contains("trailing comma"));
    assert!(err(b"// c\n{}").message.contains("// comment"));
}

#[test]
fn duplicate_keys_are_found_with_both_positions() {
    let text = "{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2},\n \"a\": 3}";
    let doc = Document::parse(text.as_bytes()).unwrap();
    let d = doc.duplicate_keys();
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!((d[0].object.as_str(), d[0].key.as_str()), ("/b", "x"));
    assert_eq!(
        d[0].position,
        Position {
            line: 2,
            column: 16
        }
    );
    assert_eq!(d[0].first, Position { line: 2, column: 8 });
    assert_eq!((d[1].object.as_str(), d[1].key.as_str()), ("", "a"));
    assert_eq!(d[1].position.line, 3);
    // The pointer names the occurrence serde_json keeps: the last one.
    assert_eq!(doc.value()["a"], 3);
    assert_eq!(doc.position_of("/a"), Some(Position { line: 3, column: 7 }));
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Err(e) = Document::parse(&bytes) {
            prop_assert!(e.position.line >= 1 && e.position.column >= 1);
        }
    }

    #[test]
    fn every_pointer_of_a_generated_document_is_located(
        value in arb_json(),
        pretty in any::<bool>(),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let doc = Document::parse(text.as_bytes()).unwrap();
        let mut pointers = vec![(String::new(), &value)];
        while let Some((pointer, v)) = pointers.pop() {
            let offset = doc.offset_of(&pointer);
            prop_assert!(offset.is_some(), "{} not located in {}", pointer, text);
            // The value parsed from that offset on is the value at the pointer.
            let mut de = serde_json::Deserializer::from_str(&text[offset.unwrap()..]);
            let parsed = <serde_json::Value as serde::Deserialize>::deserialize(&mut de).unwrap();
            prop_assert_eq!(&parsed, v);
            match v {
                serde_json::Value::Object(map) => {
                    for (k, child) in map {
                        pointers.push((join_pointer(&pointer, k), child));
                    }
                }
                serde_json::Value::Array(list) => {
                    for (i, child) in list.iter().enumerate() {
                        pointers.push((format!("{pointer}/{i}"), child));
                    }
                }
                _ => {}
            }
        }
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        "[a-z~/é\"\\\\ ]{0,6}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z~/é ]{0,5}", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn encodings_are_named_with_the_fix() {
    // Regression: PowerShell's Out-File default gave "invalid UTF-8 (byte 0xff ...)".
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("{\"a\": 1}".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let e = err(&utf16le);
    assert!(e.message.contains("UTF-16 LE"), "{}", e.message);
    assert!(e.message.contains("utf8NoBOM"), "{}", e.message);
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain("{}".encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    assert!(err(&utf16be).message.contains("UTF-16 BE"));
    let no_bom: Vec<u8> = "{\"a\": 1}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(err(&no_bom)
        .message
        .contains("UTF-16 LE (no byte-order mark)"));
    let bom = err(b"\xEF\xBB\xBF{}");
    assert!(
        bom.message.contains("UTF-8 with a byte-order mark"),
        "{}",
        bom.message
    );
    assert!(encoding_problem(b"{\"a\": 1}").is_none());
    assert!(encoding_problem("{\"é\": 1}".as_bytes()).is_none());
}

#[test]
fn comments_are_named_as_comments() {
    // Regression: `//` gave "key must be a string".
    let e = err(b"{\n  // the locale\n  \"a\": 1\n}");
    assert!(e.message.contains("// comment"), "{}", e.message);
    assert_eq!(e.position, Position { line: 2, column: 3 });
    let e = err(b"[1, /* two */ 2]");
    assert!(e.message.contains("/* */ comment"), "{}", e.message);
    assert_eq!(e.position, Position { line: 1, column: 5 });
    let e = err(b"{\"a\": 1 // end\n}");
    assert!(e.message.contains("comment"), "{}", e.message);
    // A slash in a string is no comment.
    assert!(Document::parse(b"{\"url\": \"http://x/*\"}").is_ok());
}
