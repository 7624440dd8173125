//! Constructors for the engine's errors, so each call site names only the path and the
//! facts.

use serde_json::Value;

use super::path::Path;
use super::values::KindError;
use crate::patch::PatchError;
use crate::patch::schema::SchemaError;

pub(crate) fn schema(path: &Path<'_>, source: SchemaError) -> PatchError {
    PatchError::Schema { path: path.render(), source }
}

pub(crate) fn missing_merge_key(path: &Path<'_>, key: &str) -> PatchError {
    PatchError::MissingMergeKey { path: path.render(), key: key.to_owned() }
}

pub(crate) fn directive(path: &Path<'_>, message: impl Into<String>) -> PatchError {
    PatchError::InvalidDirective { path: path.render(), message: message.into() }
}

pub(crate) fn shape(path: &Path<'_>, message: impl Into<String>) -> PatchError {
    PatchError::InvalidShape { path: path.render(), message: message.into() }
}

pub(crate) fn kinds(path: &Path<'_>, e: KindError) -> PatchError {
    shape(path, e.message())
}

pub(crate) fn not_a_map(path: &Path<'_>, found: &Value) -> PatchError {
    shape(path, format!("expected a map, got {}", type_name(found)))
}

pub(crate) fn not_a_list(path: &Path<'_>, found: &Value) -> PatchError {
    shape(path, format!("expected a list, got {}", type_name(found)))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}
