//! The strict check: each problem named, and the same verdict as `serde_json` (the oracle) on
//! random and mutated records.

use super::*;
use proptest::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

fn check(text: &str) -> Result<(), String> {
    Validator::default().record(text.as_bytes(), &mut NoVisit, false)
}

#[test]
fn each_problem_is_named() {
    let cases = [
        (r#"{"station":"A" "pm25":7}"#, "missing comma at byte 15 of the record"),
        (r#"{"pm25":007}"#, "leading zero at byte 8 of the record"),
        (r#"{"pm25":00.5}"#, "leading zero at byte 8 of the record"),
        (r#"{"pm25":1e400}"#, "number out of range at byte 8 of the record"),
        (r#"{"pm25":-1e-400}"#, ""),
        (r#"{"a":1.}"#, "invalid number: no digit after the decimal point at byte 5 of the record"),
        (r#"{"a":1e}"#, "invalid number: no digit in the exponent at byte 5 of the record"),
        (r#"{"a":-}"#, "invalid number at byte 5 of the record"),
        (r#"{"a":1.2.3}"#, "invalid number at byte 5 of the record"),
        (r#"{"a":NaN}"#, "invalid literal 'NaN' at byte 5 of the record"),
        (r#"{"a":tru}"#, "invalid literal 'tru' at byte 5 of the record"),
        (r#"{"a":tr"#, TRUNCATED),
        (r#"{, "a":1}"#, "expected a key, found ',' at byte 1 of the record"),
        (r#"{"a":1,}"#, "trailing comma at byte 7 of the record"),
        (r#"{"a":[1,]}"#, "trailing comma at byte 8 of the record"),
        (r#"{"a":[1 2]}"#, "missing comma at byte 8 of the record"),
        (r#"{"a" 1}"#, "missing colon at byte 5 of the record"),
        (r#"{"a":1]"#, "expected ',' or '}', found ']' at byte 6 of the record"),
        ("{\"a\":\"x\ty\"}", "control character in string at byte 7 of the record"),
        ("{\"a\":\"x\0\"}", "control character in string at byte 7 of the record"),
        (r#"{"a":"\x"}"#, "invalid escape '\\x' at byte 6 of the record"),
        (r#"{"a":"\u12G4"}"#, "invalid \\u escape at byte 6 of the record"),
        (r#"{"a":"\ud800"}"#, "lone surrogate in \\u escape at byte 6 of the record"),
        (r#"{"a":"\ud83d\ude00"}"#, ""),
        (r#"{"pm25":1,"pm25":2}"#, "duplicate key 'pm25'"),
        (r#"{"p\u006d25":1,"pm25":2}"#, "duplicate key 'pm25'"),
        (r#"{"a":{"b":1,"b":2}}"#, "duplicate key 'b'"),
        (r#"{"a":{"b":1},"c":{"b":2}}"#, ""),
        (r#"{"a":1} {"a":2}"#, TWO_VALUES),
        (r#"{"a":1} x"#, "unexpected 'x' after the record at byte 8 of the record"),
        (r#"{"a":"#, TRUNCATED),
        (r#"{"a":"xy"#, TRUNCATED),
        ("[1, 2]", "not a JSON object: the record is an array"),
        ("[1 2]", "missing comma at byte 3 of the record"),
        ("3", "not a JSON object: the record is a number"),
        ("null", "not a JSON object: the record is null"),
        ("{\"a\": \"caf\u{e9}\", \"b\": [true, false, null, -0.5e+3, {}]}", ""),
    ];
    for (text, want) in cases {
        let got = check(text).err().unwrap_or_default();
        assert_eq!(got, want, "{text}");
    }
    assert_eq!(check("{\"s\": \"caf\u{e9}\"}"), Ok(()));
    let bad_utf8 = Validator::default().record(b"{\"s\": \"caf\xe9\"}", &mut NoVisit, false);
    assert_eq!(bad_utf8, Err("invalid UTF-8 in string at byte 7 of the record".to_owned()));
}

#[test]
fn no_depth_limit_and_linear_in_keys() {
    let deep = format!("{}1{}", "{\"d\":[".repeat(50_000), "]}".repeat(50_000));
    assert_eq!(check(&deep), Ok(()));
    let keys: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\":{i}")).collect();
    assert_eq!(check(&format!("{{{}}}", keys.join(","))), Ok(()));
    let dup = format!("{{{},\"k7\":0}}", keys.join(","));
    assert_eq!(check(&dup), Err("duplicate key 'k7'".to_owned()));
    assert_eq!(
        Validator::default().record(b"{\"a\":1} 2", &mut NoVisit, true),
        Err("missing comma between array elements at byte 8 of the record".to_owned())
    );
}

/// `serde_json`'s verdict with duplicate keys refused: the oracle.
struct Strict;

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Strict;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_str<E>(self, _: &str) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_unit<E>(self) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
                while seq.next_element::<Strict>()?.is_some() {}
                Ok(Strict)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key) {
                        return Err(serde::de::Error::custom("duplicate key"));
                    }
                    map.next_value::<Strict>()?;
                }
                Ok(Strict)
            }
        }
        d.deserialize_any(V)
    }
}

fn oracle(bytes: &[u8]) -> bool {
    let object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    object && serde_json::from_slice::<Strict>(bytes).is_ok()
}

fn record() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
        "[a-z\\\\\"é\u{1F600}\t]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
    ];
    let value = leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..4).prop_map(|kv| {
                let members: Vec<String> = kv.into_iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{{}}}", members.join(", "))
            }),
        ]
    });
    prop::collection::vec(("[a-e]{1,2}", value), 0..5).prop_map(|kv| {
        let members: Vec<String> = kv.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", members.join(","))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn same_verdict_as_serde_json(
        text in record(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3_u8, prop::sample::select(
            b"{}[],:\"\\ 0123456789.-+eEtfnulx\t\x00\xff".to_vec())), 0..3),
    ) {
        let mut bytes = text.into_bytes();
        for (at, op, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 => bytes.insert(i, byte),
                1 if i < bytes.len() => { bytes.remove(i); }
                _ if i < bytes.len() => bytes[i] = byte,
                _ => {}
            }
        }
        let ours = Validator::default().record(&bytes, &mut NoVisit, false);
        prop_assert_eq!(ours.is_ok(), oracle(&bytes), "{:?}: {:?}", String::from_utf8_lossy(&bytes), ours);
    }
}
