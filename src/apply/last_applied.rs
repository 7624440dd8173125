//! The `kubectl.kubernetes.io/last-applied-configuration` annotation, written exactly as
//! kubectl writes it: Go `json.Encoder` output of the manifest (keys sorted, compact,
//! HTML-escaped, ending with a newline), with `metadata.annotations` always present and the
//! annotation itself left out.

use crate::object::{LAST_APPLIED_ANNOTATION, gojson, meta};
use serde_json::{Map, Value};

/// The annotation value kubectl would store for `manifest`.
pub fn annotation_value(manifest: &Value) -> String {
    let mut obj = manifest.clone();
    let m = meta::metadata_mut(&mut obj);
    let ann = m.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(a) = ann {
        a.remove(LAST_APPLIED_ANNOTATION);
    } else {
        *ann = Value::Object(Map::new());
    }
    gojson::to_string_nl(&obj)
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

/// Removes `null` map values recursively: what kubectl's create path drops from the body
/// while the annotation keeps them.
pub fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The POST body of apply's create: the annotated manifest without nulls, Go-encoded with a
/// trailing newline.
pub fn create_body(manifest: &Value) -> String {
    gojson::to_string_nl(&without_nulls(&with_annotation(manifest)))
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
}
