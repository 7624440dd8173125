//! Three-way conflict detection (apimachinery's `MergingMapsHaveConflicts`): does the patch
//! change a field differently from how the live object changed it since the original?

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::errors;
use super::path::Path;
use super::values::{Kind, dedup_scalars, element_kind, sort_key, sort_scalars};
use super::{DIRECTIVE, PatchError, RETAIN_KEYS};
use crate::patch::schema::{LookupPatchMeta, NoSchema, PatchMeta, Strategy};

type Result<T> = std::result::Result<T, PatchError>;

/// Whether `left` and `right` (two patches) set some field to different values.
pub(crate) fn maps_conflict(
    left: &Map<String, Value>,
    right: &Map<String, Value>,
    schema: &dyn LookupPatchMeta,
    path: &Path<'_>,
) -> Result<bool> {
    for (key, l) in left {
        if key == DIRECTIVE || key == RETAIN_KEYS {
            continue;
        }
        let Some(r) = right.get(key) else { continue };
        let here = path.field(key);
        let (sub, meta) = match l {
            Value::Array(_) => schema.lookup_slice(key).map_err(|e| errors::schema(&here, e))?,
            Value::Object(_) => schema.lookup_struct(key).map_err(|e| errors::schema(&here, e))?,
            _ => (Box::new(NoSchema) as Box<dyn LookupPatchMeta>, PatchMeta::default()),
        };
        let (_, strategy) = meta.split().map_err(|e| errors::schema(&here, e))?;
        if values_conflict(l, r, &*sub, strategy, meta.merge_key(), &here)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn values_conflict(
    left: &Value,
    right: &Value,
    schema: &dyn LookupPatchMeta,
    strategy: Strategy,
    merge_key: &str,
    path: &Path<'_>,
) -> Result<bool> {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            if l.get(DIRECTIVE) != r.get(DIRECTIVE) {
                return Ok(true);
            }
            if strategy == Strategy::Replace {
                return Ok(false);
            }
            maps_conflict(l, r, schema, path)
        }
        (Value::Array(l), Value::Array(r)) => {
            lists_conflict(l, r, schema, strategy, merge_key, path)
        }
        (Value::Object(_) | Value::Array(_), _) => Ok(true),
        _ => Ok(left != right),
    }
}

fn lists_conflict(
    left: &[Value],
    right: &[Value],
    schema: &dyn LookupPatchMeta,
    strategy: Strategy,
    merge_key: &str,
    path: &Path<'_>,
) -> Result<bool> {
    let kind = element_kind(&[left, right]).map_err(|e| errors::kinds(path, e))?;
    if strategy == Strategy::Merge {
        if kind != Kind::Map {
            return Ok(false);
        }
        let l = by_merge_key(left, merge_key, path)?;
        let r = by_merge_key(right, merge_key, path)?;
        for (k, lv) in &l {
            if let Some(rv) = r.get(k)
                && values_conflict(lv, rv, schema, Strategy::Default, "", path)?
            {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if left.len() != right.len() {
        return Ok(true);
    }
    let (mut l, mut r) = (left.to_vec(), right.to_vec());
    if kind != Kind::Map {
        l = dedup_scalars(l);
        sort_scalars(&mut l);
        r = dedup_scalars(r);
        sort_scalars(&mut r);
    }
    if l.len() != r.len() {
        return Ok(true);
    }
    for (a, b) in l.iter().zip(&r) {
        if values_conflict(a, b, schema, Strategy::Default, "", path)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A merging list of maps keyed by Go's `%s` text of the merge key value.
fn by_merge_key<'v>(
    list: &'v [Value],
    merge_key: &str,
    path: &Path<'_>,
) -> Result<BTreeMap<String, &'v Value>> {
    let mut out = BTreeMap::new();
    for (i, item) in list.iter().enumerate() {
        let here = Path::Index(path, i);
        let m = item.as_object().ok_or_else(|| errors::not_a_map(&here, item))?;
        let k = m.get(merge_key).ok_or_else(|| errors::missing_merge_key(&here, merge_key))?;
        let text = match k {
            Value::String(s) => s.clone(),
            other => format!("%!s({})", sort_key(other)),
        };
        out.insert(text, item);
    }
    Ok(out)
}
