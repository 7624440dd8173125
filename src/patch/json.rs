//! RFC 6902 JSON patch application via the json-patch crate, with its errors mapped to
//! [`PatchError::JsonPatch`] (path = the failing operation's JSON pointer).

use serde_json::Value;

use crate::patch::PatchError;

/// Applies a JSON patch (a list of operations) to `doc`.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops: json_patch::Patch =
        serde_json::from_value(patch.clone()).map_err(|e| PatchError::JsonPatch {
            path: "<root>".to_owned(),
            message: format!("invalid JSON patch: {e}"),
        })?;
    let mut out = doc.clone();
    json_patch::patch(&mut out, &ops).map_err(|e| PatchError::JsonPatch {
        path: e.path.to_string(),
        message: format!("operation {} failed: {}", e.operation, e.kind),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_operations() {
        let patch =
            json!([{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/a"}]);
        assert_eq!(apply(&json!({"a": 1}), &patch).unwrap(), json!({"b": 2}));
    }

    #[test]
    fn failing_operation_maps_to_patch_error_with_path() {
        let patch = json!([{"op": "remove", "path": "/missing"}]);
        let err = apply(&json!({"a": 1}), &patch).unwrap_err();
        assert!(matches!(&err, PatchError::JsonPatch { path, .. } if path == "/missing"), "{err}");
        let err = apply(&json!({"a": 1}), &json!([{"op": "test", "path": "/a", "value": 2}]))
            .unwrap_err();
        assert!(err.to_string().contains("operation 0"), "{err}");
    }

    #[test]
    fn malformed_patch_is_an_error() {
        let err = apply(&json!({}), &json!({"op": "add"})).unwrap_err();
        assert!(matches!(err, PatchError::JsonPatch { .. }));
    }
}
