//! One pass over a JSON request body: the decoded `Value` (exactly what
//! `serde_json::from_slice` gives, errors included) and whether any object in it names a
//! key twice. Strict field validation needs its second, slower scan of the raw body
//! (`admission::fields::check_body`) only for a body with a duplicate key.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A decoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The body as `serde_json::from_slice` decodes it (a key given twice keeps its last
    /// value).
    pub value: Value,
    /// True when some object of the body (at any depth) names a key twice (keys compared
    /// after unescaping).
    pub duplicates: bool,
}

/// serde_json's marker key for an embedded raw value: its `Value` decoder treats an object
/// whose first key is this specially, so such a body is left to serde_json itself.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Decodes `body` as one JSON value.
pub fn decode(body: &[u8]) -> Result<Decoded, serde_json::Error> {
    let mut state = State::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let decoded = DecodeSeed { state: &mut state }.deserialize(&mut de).and_then(|value| {
        de.end()?;
        Ok(value)
    });
    if state.fallback {
        // Rare and odd: take serde_json's own answer; the duplicate check is then left to
        // the full scan.
        let value = serde_json::from_slice(body)?;
        return Ok(Decoded { value, duplicates: true });
    }
    Ok(Decoded { value: decoded?, duplicates: state.duplicates })
}

#[derive(Default)]
struct State {
    duplicates: bool,
    fallback: bool,
}

struct DecodeSeed<'s> {
    state: &'s mut State,
}

impl<'de> DeserializeSeed<'de> for DecodeSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DecodeSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(DecodeSeed { state: &mut *self.state })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == RAW_VALUE_TOKEN {
                self.state.fallback = true;
                return Err(de::Error::custom("raw value marker"));
            }
            let value = map.next_value_seed(DecodeSeed { state: &mut *self.state })?;
            if out.insert(key, value).is_some() {
                self.state.duplicates = true;
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::apiserver::admission::fields;

    /// Bodies covering every JSON shape, duplicates at several depths, escaped keys and
    /// malformed input.
    pub(crate) const CORPUS: &[&str] = &[
        r#"{}"#,
        r#"[]"#,
        r#"null"#,
        r#"  {"a":1}  "#,
        r#"{"a":1,"b":[1,2,{"c":true,"d":null}],"e":{"f":"g"}}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"b":1,"b":{"x":1}},"c":3}"#,
        r#"{"a":[{"n":1},{"n":1,"n":2}]}"#,
        r#"{"a":[[{"x":1,"y":2,"x":3}]]}"#,
        r#"{"a":"x","\u0061":"y"}"#,
        r#"{"k\"q":1,"k\"q":2}"#,
        r#"{"a\nb":1,"a\u000ab":2}"#,
        r#"{"é":1,"\u00e9":2}"#,
        r#"{"a":1,"A":2}"#,
        r#"{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"name":"c"}]},"metadata":{}}"#,
        r#"{"n":[0,-1,18446744073709551615,-9223372036854775808,1.5,1e400,-0.0,2e-5,12345678901234567890123]}"#,
        r#"{"s":"\ud83d\ude00 \u0000 \\ \/"}"#,
        r#"{"a":1,}"#,
        r#"{"a":1"#,
        r#"{"a":1} x"#,
        r#"{"a":1}{"b":2}"#,
        r#"[1,2"#,
        r#"{"a":01}"#,
        r#"{"a":"\ud800"}"#,
        r#"{"a":tru}"#,
        r#"{a:1}"#,
        r#""text""#,
        r#"{"$serde_json::private::RawValue":"{\"a\":1}"}"#,
        r#"{"$serde_json::private::RawValue":"{\"a\":1,\"a\":2}"}"#,
        r#"{"$serde_json::private::RawValue":5}"#,
        r#"{"x":{"\u0024serde_json::private::RawValue":"[1]"}}"#,
        r#"{"x":1,"$serde_json::private::RawValue":"[1]"}"#,
        "",
        "   ",
    ];

    fn deep(n: usize) -> String {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    }

    /// The corpus and a few deeply nested bodies (around serde_json's recursion limit).
    pub(crate) fn bodies() -> Vec<String> {
        let mut all: Vec<String> = CORPUS.iter().map(|s| s.to_string()).collect();
        all.extend([deep(127), deep(128), deep(200)]);
        all.push(format!("{}1{}", r#"{"a":"#.repeat(130), "}".repeat(130)));
        all
    }

    #[test]
    fn decodes_exactly_as_serde_json() {
        for body in bodies() {
            let ours = decode(body.as_bytes());
            let theirs = serde_json::from_slice::<Value>(body.as_bytes());
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => assert_eq!(&a.value, b, "{body}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{body}"),
                _ => panic!("{body}: {ours:?} vs {theirs:?}"),
            }
        }
    }

    #[test]
    fn notes_every_duplicate_key() {
        for body in bodies() {
            let Ok(d) = decode(body.as_bytes()) else { continue };
            if body.contains("RawValue") {
                // Left to the full scan.
                assert!(d.duplicates, "{body}");
                continue;
            }
            assert_eq!(d.duplicates, fields::has_duplicates(body.as_bytes()), "{body}");
        }
        let dup = |s: &str| decode(s.as_bytes()).unwrap().duplicates;
        assert!(dup(r#"{"a":{"b":[{"c":{"d":1,"d":1}}]}}"#));
        assert!(dup(r#"{"x":"1","\u0078":"2"}"#));
        assert!(!dup(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#));
        assert!(!dup(r#"{"a":1,"A":1,"a ":1}"#));
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let d = decode(br#"{"a":1,"b":2,"a":{"c":3}}"#).unwrap();
        assert_eq!(d.value, serde_json::json!({"a": {"c": 3}, "b": 2}));
        assert!(d.duplicates);
    }
}
