//! Upstream's diff sorts the original side's merging lists of primitives in place, and the
//! three-way conflict check then diffs those already-sorted documents. This module
//! reproduces that side effect on copies, so conflict detection sees what upstream sees.

use serde_json::{Map, Value};

use super::DIRECTIVE;
use super::values::{Kind, element_kind, sort_key, sort_scalars};
use crate::patch::schema::{LookupPatchMeta, Strategy};

/// Sorts, in `target`, every merging list of primitives that a diff of `target` against
/// `other` would have sorted.
pub(crate) fn presort(
    target: &mut Map<String, Value>,
    other: &Map<String, Value>,
    schema: &dyn LookupPatchMeta,
) {
    for (key, theirs) in other {
        if key == DIRECTIVE {
            continue;
        }
        let Some(ours) = target.get_mut(key) else { continue };
        match (ours, theirs) {
            (Value::Object(o), Value::Object(t)) => {
                let Ok((sub, meta)) = schema.lookup_struct(key) else { continue };
                if matches!(meta.split(), Ok((_, s)) if s != Strategy::Replace) {
                    presort(o, t, &*sub);
                }
            }
            (Value::Array(o), Value::Array(t)) => {
                let Ok((sub, meta)) = schema.lookup_slice(key) else { continue };
                if matches!(meta.split(), Ok((_, Strategy::Merge))) && !o.is_empty() {
                    presort_list(o, t, &*sub, meta.merge_key());
                }
            }
            _ => {}
        }
    }
}

fn presort_list(
    ours: &mut [Value],
    theirs: &[Value],
    schema: &dyn LookupPatchMeta,
    merge_key: &str,
) {
    match element_kind(&[ours, theirs]) {
        Ok(Kind::Map) => {
            for item in ours.iter_mut() {
                let Some(key) = item.get(merge_key).map(|k| sort_key(k).into_owned()) else {
                    continue;
                };
                let peer =
                    theirs.iter().find(|t| t.get(merge_key).is_some_and(|k| sort_key(k) == key));
                if let (Value::Object(o), Some(Value::Object(t))) = (item, peer) {
                    presort(o, t, schema);
                }
            }
        }
        Ok(Kind::Slice) | Err(_) => {}
        Ok(_) => sort_scalars(ours),
    }
}
