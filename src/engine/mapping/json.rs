//! JSON as people and tools write it, for mapping sheets and option exports: a leading UTF-8
//! byte-order mark is accepted (Windows tools write one), objects keep their members in written
//! order with repeated keys (so that a repeat can be reported, not silently dropped), and
//! numbers keep their digits (an integer beyond 2^53 is not rounded through a float).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::cell::number_text;

/// The text without a leading UTF-8 byte-order mark.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Checks `text` is JSON and returns it unparsed.
pub fn parse(text: &str) -> serde_json::Result<&RawValue> {
    serde_json::from_str(without_bom(text))
}

/// One JSON value, one level deep.
#[derive(Debug)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// A number as canonical text (see `number`).
    Number(String),
    Text(String),
    List(Vec<&'a RawValue>),
    /// Members in written order, repeated keys kept.
    Object(Vec<(String, &'a RawValue)>),
}

struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Of;
        impl<'de> Visitor<'de> for Of {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Members(out))
            }
        }
        deserializer.deserialize_map(Of)
    }
}

struct Items<'a>(Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Of;
        impl<'de> Visitor<'de> for Of {
            type Value = Items<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    out.push(item);
                }
                Ok(Items(out))
            }
        }
        deserializer.deserialize_seq(Of)
    }
}

/// The canonical text of a JSON number token: an integer keeps every digit ("-0" is "0"), any
/// other number is read as a float and written as `number_text` writes it (1.0 → "1").
pub fn number(token: &str) -> String {
    let digits = token.strip_prefix('-').unwrap_or(token);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return if digits.bytes().all(|b| b == b'0') { "0".to_owned() } else { token.to_owned() };
    }
    token.parse::<f64>().ok().and_then(number_text).unwrap_or_else(|| token.to_owned())
}

/// One level of a value that `parse` (or an enclosing `value`) returned.
pub fn value(raw: &RawValue) -> Json<'_> {
    let text = raw.get();
    // The raw text is valid JSON (serde_json checked it), so its first byte says what it is and
    // the parses below cannot fail.
    match text.as_bytes().first() {
        Some(b'n') => Json::Null,
        Some(b't') => Json::Bool(true),
        Some(b'f') => Json::Bool(false),
        Some(b'"') => Json::Text(serde_json::from_str(text).unwrap_or_default()),
        Some(b'[') => Json::List(serde_json::from_str::<Items<'_>>(text).map(|i| i.0).unwrap_or_default()),
        Some(b'{') => {
            Json::Object(serde_json::from_str::<Members<'_>>(text).map(|m| m.0).unwrap_or_default())
        }
        _ => Json::Number(number(text)),
    }
}

impl Json<'_> {
    /// The value as written in a message (`a list`, `an object`, or the value itself).
    pub fn describe(&self) -> String {
        match self {
            Json::Null => "null".to_owned(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.clone(),
            Json::Text(t) => format!("{t:?}"),
            Json::List(_) => "a list".to_owned(),
            Json::Object(_) => "an object".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_order_repeats_and_digits() {
        let raw =
            parse("\u{feff}{\"b\": 12345678901234567890123, \"a\": -0, \"b\": 1.0, \"c\": [1, {}]}").unwrap();
        let Json::Object(members) = value(raw) else { panic!("an object") };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b", "c"]);
        let texts: Vec<String> = members.iter().map(|(_, v)| value(v).describe()).collect();
        assert_eq!(texts, ["12345678901234567890123", "0", "1", "a list"]);
        let Json::List(items) = value(members[3].1) else { panic!("a list") };
        assert!(matches!(value(items[1]), Json::Object(ref m) if m.is_empty()));
    }

    #[test]
    fn scalars_and_numbers() {
        assert!(matches!(value(parse("null").unwrap()), Json::Null));
        assert!(matches!(value(parse(" true").unwrap()), Json::Bool(true)));
        assert!(matches!(value(parse("\"a\\u00e9\"").unwrap()), Json::Text(ref t) if t == "aé"));
        assert_eq!(number("2.5"), "2.5");
        assert_eq!(number("1e2"), "100");
        assert_eq!(number("-12"), "-12");
        assert_eq!(number("1e400"), "1e400"); // beyond a float: kept as written
        assert!(parse("[1,").is_err());
        assert!(parse("\u{feff}\u{feff}[]").is_err()); // one mark, not any number of them
    }
}
