//! The `kubectl.kubernetes.io/last-applied-configuration` annotation, written exactly as
//! kubectl writes it: Go `json.Encoder` output of the manifest (keys sorted, compact,
//! HTML-escaped, ending with a newline), with `metadata.annotations` always present and the
//! annotation itself left out. Also what `apply set-last-applied` and `edit-last-applied` write
//! (the object as given, same encoding, sent as a JSON merge patch of the annotation alone),
//! and the raw text `view-last-applied` shows.

use crate::object::{LAST_APPLIED_ANNOTATION, gojson, meta};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

/// The annotation value kubectl would store for `manifest`.
pub fn annotation_value(manifest: &Value) -> String {
    gojson::to_string_nl(&annotated(manifest, None, false))
}

/// `manifest` with its last-applied annotation set: the *modified* side of apply's three-way
/// patch, and (without nulls) the body of apply's create.
pub fn with_annotation(manifest: &Value) -> Value {
    let value = annotation_value(manifest);
    let mut obj = manifest.clone();
    meta::set_annotation(&mut obj, LAST_APPLIED_ANNOTATION, &value);
    obj
}

/// The last-applied configuration stored on a live object, if any (invalid JSON counts as
/// absent, as an empty original).
pub fn stored(live: &Value) -> Option<Value> {
    let text = meta::annotation(live, LAST_APPLIED_ANNOTATION)?;
    serde_json::from_str(text).ok()
}

/// The annotation text stored on a live object, byte for byte (`None` when absent; an empty
/// annotation is present).
pub fn stored_text(live: &Value) -> Option<&str> {
    meta::annotation(live, LAST_APPLIED_ANNOTATION)
}

/// The value `set-last-applied` and `edit-last-applied` store for `object`: the object exactly
/// as given (no `annotations: {}` added, nothing removed), Go-encoded with a trailing newline.
pub fn set_value(object: &Value) -> String {
    gojson::to_string_nl(object)
}

/// True when two stored configurations are the same: equal JSON values when both parse (as
/// kubectl compares them after re-encoding), else equal bytes.
pub fn same_config(a: &str, b: &str) -> bool {
    match (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The JSON merge patch that sets the annotation to `value` and changes nothing else.
pub fn set_patch(value: &str) -> String {
    let mut ann = Map::new();
    ann.insert(LAST_APPLIED_ANNOTATION.to_string(), Value::String(value.to_string()));
    let mut md = Map::new();
    md.insert("annotations".to_string(), Value::Object(ann));
    let mut patch = Map::new();
    patch.insert("metadata".to_string(), Value::Object(md));
    gojson::to_string(&Value::Object(patch))
}

/// Go's `json.Indent(dst, src, "", "  ")`: re-indents JSON text without re-encoding it
/// (escapes and number spellings stay as written). Leading whitespace is dropped, whitespace
/// after the value is kept, empty objects and arrays stay `{}` and `[]`.
pub fn indent_json(text: &str) -> Result<String, String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| e.to_string())?;
    let src = text.trim_start_matches([' ', '\t', '\n', '\r']);
    let mut out = String::with_capacity(src.len() * 2);
    let (mut depth, mut in_string, mut escaped, mut need_indent) = (0usize, false, false, false);
    let mut done = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    for c in src.chars() {
        if done {
            out.push(c);
            continue;
        }
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        if need_indent && c != '}' && c != ']' {
            need_indent = false;
            depth += 1;
            newline(&mut out, depth);
        }
        match c {
            '{' | '[' => {
                need_indent = true;
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            '}' | ']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
                done = depth == 0;
            }
            '"' => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// `v` Go-encoded with a trailing newline and without `null` object members at any depth:
/// what kubectl's create path drops from the body while the annotation keeps them.
pub fn encode_without_nulls(v: &Value) -> String {
    gojson::to_string_nl(&WithoutNulls(v))
}

/// The POST body of apply's create: the annotated manifest without nulls, Go-encoded with a
/// trailing newline.
pub fn create_body(manifest: &Value) -> String {
    let value = annotation_value(manifest);
    // The body holds the manifest twice, the second time escaped inside the annotation.
    let mut body =
        gojson::with_capacity(&annotated(manifest, Some(&value), true), value.len() * 5 / 2);
    body.push('\n');
    body
}

/// `manifest` as kubectl encodes it around the annotation, borrowed rather than copied: with
/// `metadata.annotations` always present (an object, as `meta::set_annotation` makes it), the
/// last-applied annotation set to `annotation` or, with `None`, left out; with `drop_nulls`,
/// without null object members at any depth.
fn annotated<'a>(manifest: &'a Value, annotation: Option<&'a str>, drop_nulls: bool) -> View<'a> {
    let members = |v: Option<&'a Value>| -> Vec<(&'a str, View<'a>)> {
        match v {
            Some(Value::Object(m)) => {
                m.iter().map(|(k, v)| (k.as_str(), View::Value(v, drop_nulls))).collect()
            }
            _ => Vec::new(),
        }
    };
    let metadata = manifest.get("metadata");
    let mut annotations = members(metadata.and_then(|m| m.get("annotations")));
    annotations.retain(|(k, _)| *k != LAST_APPLIED_ANNOTATION);
    if let Some(text) = annotation {
        set_member(&mut annotations, LAST_APPLIED_ANNOTATION, View::Text(text));
    }
    let mut meta = members(metadata);
    set_member(&mut meta, "annotations", View::Object(annotations));
    let mut root = members(Some(manifest));
    set_member(&mut root, "metadata", View::Object(meta));
    View::Object(root)
}

/// Sets `key` in members kept in key order (Go's and serde_json's order: by bytes).
fn set_member<'a>(members: &mut Vec<(&'a str, View<'a>)>, key: &'a str, view: View<'a>) {
    match members.binary_search_by(|(k, _)| (*k).cmp(key)) {
        Ok(i) => members[i].1 = view,
        Err(i) => members.insert(i, (key, view)),
    }
}

/// A part of the encoded manifest.
enum View<'a> {
    /// A value of the manifest as it is; `true` leaves out null object members within it.
    Value(&'a Value, bool),
    /// An object rebuilt along the path to the annotation, members in key order.
    Object(Vec<(&'a str, View<'a>)>),
    /// The annotation's text.
    Text(&'a str),
}

impl View<'_> {
    fn is_dropped_null(&self) -> bool {
        matches!(self, View::Value(Value::Null, true))
    }
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            View::Value(v, false) => v.serialize(s),
            View::Value(v, true) => WithoutNulls(v).serialize(s),
            View::Text(t) => s.serialize_str(t),
            View::Object(members) => {
                let mut m = s.serialize_map(None)?;
                for (k, v) in members.iter().filter(|(_, v)| !v.is_dropped_null()) {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

/// A value without its null object members, at any depth (array elements stay).
struct WithoutNulls<'a>(&'a Value);

impl Serialize for WithoutNulls<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(o) => {
                let mut m = s.serialize_map(None)?;
                for (k, v) in o.iter().filter(|(_, v)| !v.is_null()) {
                    m.serialize_entry(k, &WithoutNulls(v))?;
                }
                m.end()
            }
            Value::Array(a) => {
                let mut q = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    q.serialize_element(&WithoutNulls(v))?;
                }
                q.end()
            }
            v => v.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    fn vectors() -> PathBuf {
        std::env::var_os("KCTL_APPLY_VECTORS").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/apply")
        })
    }

    fn manifest(dir: &str) -> Value {
        let text = std::fs::read_to_string(vectors().join(dir).join("modified.yaml")).unwrap();
        let mut v: Value = serde_saphyr::from_str(&text).unwrap();
        meta::set_metadata_str(&mut v, "namespace", "default");
        v
    }

    #[test]
    fn create_bodies_match_kubectl_bytes() {
        for dir in ["07-create-absent", "19-create-with-explicit-null"] {
            let expected =
                std::fs::read_to_string(vectors().join(dir).join("request.body")).unwrap();
            assert_eq!(create_body(&manifest(dir)), expected, "{dir}");
        }
    }

    /// The plain statement of what the encodings must equal: copy, edit, encode.
    fn encoded_by_copying(manifest: &Value, drop_nulls: bool) -> (String, String) {
        let mut copy = manifest.clone();
        meta::set_annotation(&mut copy, LAST_APPLIED_ANNOTATION, "x");
        meta::remove_annotation(&mut copy, LAST_APPLIED_ANNOTATION);
        let ann = meta::metadata_mut(&mut copy);
        ann.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        let value = gojson::to_string_nl(&copy);
        let mut body = manifest.clone();
        meta::set_annotation(&mut body, LAST_APPLIED_ANNOTATION, &value);
        if drop_nulls {
            crate::patch::strategic::discard_nulls(&mut body);
        }
        (value, gojson::to_string_nl(&body))
    }

    #[test]
    fn borrowed_encodings_equal_edited_copies() {
        let cases = [
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}),
            json!({"kind": "X"}),
            json!({"kind": "X", "metadata": null}),
            json!({"kind": "X", "metadata": "text"}),
            json!({"kind": "X", "metadata": {"annotations": null, "name": "a"}}),
            json!({"kind": "X", "metadata": {"annotations": ["a"], "labels": {"a": null}}}),
            json!({"kind": "X", "metadata": {"annotations": {"a": "1", "z": null,
                LAST_APPLIED_ANNOTATION: "old", "kubectl.kubernetes.io/a": "2"}}}),
            json!({"a": null, "b": [null, {"c": null, "d": [1, {"e": null}]}], "metadata": {},
                "spec": {"x": {"y": null}, "<&>": "\u{2028}"}, "zz": 1.5}),
            json!({"metadata": {"name": "a", "annotations": {}, "zz": null}, "data": {}}),
        ];
        for m in &cases {
            let (value, body) = encoded_by_copying(m, true);
            assert_eq!(annotation_value(m), value, "{m}");
            assert_eq!(create_body(m), body, "{m}");
            let (_, with_nulls) = encoded_by_copying(m, false);
            assert_eq!(gojson::to_string_nl(&with_annotation(m)), with_nulls, "{m}");
        }
    }

    #[test]
    fn annotation_drops_itself_and_keeps_others() {
        let m = json!({"metadata": {"name": "a", "annotations": {
            LAST_APPLIED_ANNOTATION: "old", "x": "<y>"}}});
        assert_eq!(
            annotation_value(&m),
            "{\"metadata\":{\"annotations\":{\"x\":\"\\u003cy\\u003e\"},\"name\":\"a\"}}\n"
        );
        let live = with_annotation(&m);
        assert_eq!(stored(&live).unwrap()["metadata"]["annotations"]["x"], "<y>");
    }

    #[test]
    fn set_values_and_patches_are_kubectls() {
        let m = json!({"kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"b": "<1>"}});
        let v = set_value(&m);
        assert_eq!(
            v,
            "{\"data\":{\"b\":\"\\u003c1\\u003e\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n"
        );
        assert_eq!(
            set_patch("{}\n"),
            "{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\\n\"}}}"
        );
    }

    #[test]
    fn indents_like_go() {
        assert_eq!(
            indent_json(" {\"a\":{},\"b\":[1,2],\"c\":\"x\\u003c,\\\"y\"}\n").unwrap(),
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": \"x\\u003c,\\\"y\"\n}\n"
        );
        assert_eq!(indent_json("[]").unwrap(), "[]");
        assert!(indent_json("{").is_err());
    }
}
