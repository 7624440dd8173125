//! Output formats: yaml, json, name and tables. Everything here turns objects into text;
//! nothing here writes to a terminal.

pub mod custom_columns;
pub mod json;
pub mod jsonpath;
pub mod name;
pub mod table;
pub mod yaml;

use serde_json::{Value, json};

/// Removes `metadata.managedFields` from an object or every item of a list, as kubectl does
/// unless `--show-managed-fields` is given.
pub fn strip_managed_fields(v: &mut Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
        items.iter_mut().for_each(strip_managed_fields);
    }
}

/// Wraps objects in the `kind: List` kubectl prints for several objects.
pub fn as_list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}
