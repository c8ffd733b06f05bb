//! Splitting JSON arrays into elements: odd layouts, and random `serde_json` records split back.

use super::*;
use proptest::prelude::*;

fn split_array(text: &str, block: usize) -> (Vec<String>, Vec<Option<String>>) {
    let mut scanner = ArrayScanner::default();
    let mut buf: Vec<u8> = Vec::new();
    let (mut records, mut problems) = (Vec::new(), Vec::new());
    let mut collect = |buf: &mut Vec<u8>, scanner: &mut ArrayScanner| {
        let (cut, pieces) = scanner.take();
        for p in pieces {
            records.push(String::from_utf8_lossy(&buf[p.span]).into_owned());
            problems.push(p.problem);
        }
        buf.drain(..cut);
    };
    for part in text.as_bytes().chunks(block.max(1)) {
        buf.extend_from_slice(part);
        scanner.scan(&mut buf);
        collect(&mut buf, &mut scanner);
    }
    scanner.finish(&buf);
    collect(&mut buf, &mut scanner);
    (records, problems)
}

#[test]
fn array_elements() {
    let text = r#" [ {"a": "x,]}\"y"}, {"b": [1, {"c": 2}]} ,3, "s"]  "#;
    for block in [1, 2, 3, 7, 100] {
        let (records, problems) = split_array(text, block);
        assert_eq!(records, [r#"{"a": "x,]}\"y"}"#, r#"{"b": [1, {"c": 2}]}"#, "3", "\"s\""]);
        assert!(problems.iter().all(Option::is_none));
    }
}

#[test]
fn array_oddities() {
    assert_eq!(split_array("[]", 1).0, Vec::<String>::new());
    assert_eq!(split_array("", 1).0, Vec::<String>::new());
    let (records, problems) = split_array("[{},,{}, ]\n x\n", 2);
    assert_eq!(records, ["{}", "", "{}", "", "x"]);
    assert_eq!(
        problems,
        [
            None,
            Some(EMPTY_ELEMENT.to_owned()),
            None,
            Some(EMPTY_ELEMENT.to_owned()),
            Some(AFTER_ARRAY.to_owned())
        ]
    );
    let (records, problems) = split_array("[{\"a\":1},", 4);
    assert_eq!(records, ["{\"a\":1}", ""]);
    assert_eq!(problems, [None, Some(EOF_AFTER_COMMA.to_owned())]);
    let (records, problems) = split_array("[{\"a\":1}, {\"b\": \"tru", 4);
    assert_eq!(records, ["{\"a\":1}", "{\"b\": \"tru"]);
    assert_eq!(problems, [None, None]);
    let (records, problems) = split_array("{\"a\":1}\n{\"a\":2}", 3);
    assert_eq!(records, ["{\"a\":1}", "{\"a\":2}"]);
    assert_eq!(problems, [Some(NOT_ARRAY.to_owned()), Some(NOT_ARRAY.to_owned())]);
}

#[test]
fn separators_become_spaces() {
    let mut buf = b"[{\"a\":1},{\"a\":2}]".to_vec();
    let mut scanner = ArrayScanner::default();
    scanner.scan(&mut buf);
    assert_eq!(buf, b" {\"a\":1} {\"a\":2} ");
}

/// Random records: objects and arrays with strings full of structural characters.
fn record() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(serde_json::Value::from),
        "[a-z,\\[\\]{}\"\\\\ :\n]{0,8}".prop_map(serde_json::Value::from),
        "[a-z,\\[\\]{} :]{0,30}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z\"]{1,3}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_block_size_gives_the_same_records(
        records in prop::collection::vec(record(), 0..24),
        block in prop_oneof![1usize..40, 60usize..400],
        pretty in any::<bool>(),
    ) {
        let texts: Vec<String> = records.iter().map(|r| if pretty {
            serde_json::to_string_pretty(r).unwrap()
        } else {
            serde_json::to_string(r).unwrap()
        }).collect();
        let text = format!("[{}]", texts.join(",\n "));
        let (got, problems) = split_array(&text, block);
        prop_assert_eq!(&got, &texts);
        prop_assert!(problems.iter().all(Option::is_none));
        let parsed: Vec<serde_json::Value> =
            got.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
        prop_assert_eq!(parsed, records);
    }
}
