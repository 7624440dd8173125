//! Strategic merge patch: create two-way and three-way patches, apply patches.
//!
//! The semantics are apimachinery's `strategicpatch` package: strategies `merge`,
//! `replace`, `retainKeys` and `merge,retainKeys` from a [`LookupPatchMeta`]; merge keys on
//! lists of maps; merging lists of primitives; atomic lists; `null` deletes; directives
//! `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<field>` and
//! `$deleteFromPrimitiveList/<field>`; and the order of merged lists. Documents are
//! `serde_json::Value` objects; nothing depends on hash-map iteration order.

mod apply;
mod conflict;
mod diff;
mod errors;
mod normalize;
mod order;
mod path;
mod presort;
mod values;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

#[cfg(test)]
pub(crate) use apply::discard_nulls;
pub use normalize::sort_merge_lists;

use self::apply::{MergeOptions, merge_map};
use self::diff::{DiffOptions, diff_maps};
use self::path::Path;
use crate::patch::PatchError;
use crate::patch::schema::LookupPatchMeta;

/// The directive key of a map: `$patch: replace|delete|merge`.
pub const DIRECTIVE: &str = "$patch";
/// The list of fields a `retainKeys` map keeps.
pub const RETAIN_KEYS: &str = "$retainKeys";
/// Prefix of the parallel list giving the order of a merging list.
pub const SET_ORDER_PREFIX: &str = "$setElementOrder";
/// Prefix of the parallel list of primitives to delete from a merging list.
pub const DELETE_PRIMITIVE_PREFIX: &str = "$deleteFromPrimitiveList";

/// Creates the patch that turns `original` into `modified` (upstream
/// `CreateTwoWayMergePatch`).
pub fn create_two_way(
    original: &Value,
    modified: &Value,
    meta: &dyn LookupPatchMeta,
) -> Result<Value, PatchError> {
    let opts = DiffOptions { set_element_order: true, ..DiffOptions::default() };
    let patch = diff_maps(object(original)?, object(modified)?, meta, opts, &Path::Root)?;
    Ok(Value::Object(patch))
}

/// Creates the three-way patch kubectl apply sends (upstream `CreateThreeWayMergePatch`):
/// the changes from `current` to `modified` without deletions, plus the deletions from
/// `original` to `modified`. Unless `overwrite`, fails with a conflict error when the patch
/// changes a field that also changed from `original` to `current`, differently.
pub fn create_three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
    meta: &dyn LookupPatchMeta,
    overwrite: bool,
) -> Result<Value, PatchError> {
    let (original, modified, current) = (object(original)?, object(modified)?, object(current)?);
    let delta_opts =
        DiffOptions { ignore_deletions: true, set_element_order: true, ..DiffOptions::default() };
    let delta = diff_maps(current, modified, meta, delta_opts, &Path::Root)?;
    let deletion_opts =
        DiffOptions { ignore_changes: true, set_element_order: true, ..DiffOptions::default() };
    let deletions = diff_maps(original, modified, meta, deletion_opts, &Path::Root)?;
    let patch = merge_map(deletions, delta, meta, MergeOptions::default(), &Path::Root)?;
    if !overwrite {
        check_conflicts(&patch, original, modified, current, meta)?;
    }
    Ok(Value::Object(patch))
}

fn check_conflicts(
    patch: &Map<String, Value>,
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    current: &Map<String, Value>,
    meta: &dyn LookupPatchMeta,
) -> Result<(), PatchError> {
    let (mut original, mut current) = (original.clone(), current.clone());
    presort::presort(&mut current, modified, meta);
    presort::presort(&mut original, modified, meta);
    let changed = diff_maps(&original, &current, meta, DiffOptions::default(), &Path::Root)?;
    if conflict::maps_conflict(patch, &changed, meta, &Path::Root)? {
        return Err(PatchError::Conflict {
            path: Path::Root.render(),
            patch: Value::Object(patch.clone()).to_string(),
            changed: Value::Object(changed).to_string(),
        });
    }
    Ok(())
}

/// Applies a strategic merge patch to `doc` (upstream `StrategicMergePatch`).
pub fn apply(doc: &Value, patch: &Value, meta: &dyn LookupPatchMeta) -> Result<Value, PatchError> {
    let opts = MergeOptions { merge_parallel_list: true, ignore_unmatched_nulls: true };
    let merged = merge_map(object(doc)?.clone(), object(patch)?.clone(), meta, opts, &Path::Root)?;
    Ok(Value::Object(merged))
}

/// Applies a patch given as JSON text to a document given as JSON text; text that is not
/// a JSON object is a [`PatchError::BadJsonDocument`].
pub fn apply_text(doc: &str, patch: &str, meta: &dyn LookupPatchMeta) -> Result<Value, PatchError> {
    let parse = |text: &str| -> Result<Value, PatchError> {
        serde_json::from_str(text)
            .map_err(|_| PatchError::BadJsonDocument { path: Path::Root.render() })
    };
    apply(&parse(doc)?, &parse(patch)?, meta)
}

/// The object inside a document; `null` counts as the empty object, like upstream.
fn object(doc: &Value) -> Result<&Map<String, Value>, PatchError> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match doc {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(EMPTY.get_or_init(Map::new)),
        _ => Err(PatchError::BadJsonDocument { path: Path::Root.render() }),
    }
}
