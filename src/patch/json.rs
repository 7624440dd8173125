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
