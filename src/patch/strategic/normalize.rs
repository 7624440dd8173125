//! The merge-list sort (apimachinery's test helper `sortMergeListsByName`): sorts every
//! merging list by merge key (primitives: deduplicated and sorted) so that documents can be
//! compared where list order carries no meaning. Used by conformance tests.

use serde_json::{Map, Value};

use super::errors;
use super::path::Path;
use super::values::{Kind, element_kind, sort_key, sort_scalars};
use super::{DELETE_PRIMITIVE_PREFIX, DIRECTIVE, PatchError, RETAIN_KEYS, SET_ORDER_PREFIX};
use crate::patch::schema::{LookupPatchMeta, Strategy};

type Result<T> = std::result::Result<T, PatchError>;

/// Returns `doc` with every merging list sorted by its merge key's `%v` text.
pub fn sort_merge_lists(doc: &Value, meta: &dyn LookupPatchMeta) -> Result<Value> {
    match doc {
        Value::Object(m) => Ok(Value::Object(sort_map(m, meta, &Path::Root)?)),
        other => Ok(other.clone()),
    }
}

fn sort_map(
    obj: &Map<String, Value>,
    schema: &dyn LookupPatchMeta,
    path: &Path<'_>,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (k, v) in obj {
        let here = path.field(k);
        let value = if k == DIRECTIVE || k.starts_with(SET_ORDER_PREFIX) {
            v.clone()
        } else if k == RETAIN_KEYS || k.starts_with(DELETE_PRIMITIVE_PREFIX) {
            let mut list = v.as_array().cloned().ok_or_else(|| errors::not_a_list(&here, v))?;
            sort_scalars(&mut list);
            Value::Array(list)
        } else {
            sort_field(k, v, schema, &here)?
        };
        out.insert(k.clone(), value);
    }
    Ok(out)
}

fn sort_field(
    key: &str,
    v: &Value,
    schema: &dyn LookupPatchMeta,
    path: &Path<'_>,
) -> Result<Value> {
    match v {
        Value::Object(m) => {
            let (sub, _) = schema.lookup_struct(key).map_err(|e| errors::schema(path, e))?;
            Ok(Value::Object(sort_map(m, &*sub, path)?))
        }
        Value::Array(a) => {
            let (sub, meta) = schema.lookup_slice(key).map_err(|e| errors::schema(path, e))?;
            let (_, strategy) = meta.split().map_err(|e| errors::schema(path, e))?;
            if strategy != Strategy::Merge {
                return Ok(v.clone());
            }
            Ok(Value::Array(sort_list(a, &*sub, meta.merge_key(), path)?))
        }
        other => Ok(other.clone()),
    }
}

fn sort_list(
    list: &[Value],
    schema: &dyn LookupPatchMeta,
    key: &str,
    path: &Path<'_>,
) -> Result<Vec<Value>> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    if element_kind(&[list]).map_err(|e| errors::kinds(path, e))? != Kind::Map {
        let mut unique: Vec<Value> = Vec::with_capacity(list.len());
        for v in list {
            if !unique.contains(v) {
                unique.push(v.clone());
            }
        }
        sort_scalars(&mut unique);
        return Ok(unique);
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let m = item.as_object().ok_or_else(|| errors::not_a_map(&Path::Index(path, i), item))?;
        out.push(Value::Object(sort_map(m, schema, &Path::Index(path, i))?));
    }
    out.sort_by(|a, b| {
        let ka = a.get(key).unwrap_or(&Value::Null);
        let kb = b.get(key).unwrap_or(&Value::Null);
        sort_key(ka).cmp(&sort_key(kb))
    });
    Ok(out)
}
