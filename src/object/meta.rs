//! Accessors for `metadata` fields of dynamic objects, so no module digs through JSON by hand.

use serde_json::{Map, Value};

fn metadata(obj: &Value) -> Option<&Map<String, Value>> {
    obj.get("metadata")?.as_object()
}

fn metadata_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    metadata(obj)?.get(field)?.as_str()
}

/// `apiVersion`, if it is a string.
pub fn api_version(obj: &Value) -> Option<&str> {
    obj.get("apiVersion")?.as_str()
}

/// `kind`, if it is a string.
pub fn kind(obj: &Value) -> Option<&str> {
    obj.get("kind")?.as_str()
}

/// `metadata.name`.
pub fn name(obj: &Value) -> Option<&str> {
    metadata_str(obj, "name")
}

/// `metadata.generateName`.
pub fn generate_name(obj: &Value) -> Option<&str> {
    metadata_str(obj, "generateName")
}

/// `metadata.namespace`.
pub fn namespace(obj: &Value) -> Option<&str> {
    metadata_str(obj, "namespace")
}

/// `metadata.resourceVersion`.
pub fn resource_version(obj: &Value) -> Option<&str> {
    metadata_str(obj, "resourceVersion")
}

/// `metadata.uid`.
pub fn uid(obj: &Value) -> Option<&str> {
    metadata_str(obj, "uid")
}

/// One annotation's value.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    metadata(obj)?.get("annotations")?.get(key)?.as_str()
}

/// `metadata.labels` as a map, if present.
pub fn labels(obj: &Value) -> Option<&Map<String, Value>> {
    metadata(obj)?.get("labels")?.as_object()
}

/// The `metadata` object, created when absent (replacing a non-object value).
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    let root = ensure_object(obj);
    let meta = root.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    ensure_object(meta)
}

/// Sets a string field of `metadata`.
pub fn set_metadata_str(obj: &mut Value, field: &str, value: &str) {
    metadata_mut(obj).insert(field.to_string(), Value::String(value.to_string()));
}

/// Sets (or replaces) one annotation.
pub fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    let meta = metadata_mut(obj);
    let ann = meta.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
    ensure_object(ann).insert(key.to_string(), Value::String(value.to_string()));
}

/// Removes one annotation, dropping `annotations` when it becomes empty.
pub fn remove_annotation(obj: &mut Value, key: &str) {
    let meta = metadata_mut(obj);
    if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
        ann.remove(key);
        if ann.is_empty() {
            meta.remove("annotations");
        }
    }
}

fn ensure_object(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_and_writes_metadata() {
        let mut obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        assert_eq!(name(&obj), Some("a"));
        assert_eq!(namespace(&obj), None);
        set_annotation(&mut obj, "k", "v");
        assert_eq!(annotation(&obj, "k"), Some("v"));
        remove_annotation(&mut obj, "k");
        assert!(obj["metadata"].get("annotations").is_none());
    }
}
