//! Patch creation: the recursive diff of two objects (apimachinery's `diffMaps`), with
//! options that make it produce a two-way patch, only additions and changes, or only
//! deletions. Merging lists get `$setElementOrder`, `$deleteFromPrimitiveList` and
//! `$patch: delete` entries; `retainKeys` fields get `$retainKeys`.

use serde_json::{Map, Value};

use super::errors;
use super::order::{ids, normalize_slice_order};
use super::path::Path;
use super::values::{
    Kind, KindError, dedup_scalars, element_kind, object1, sort_key, sort_scalars,
};
use super::{DELETE_PRIMITIVE_PREFIX, DIRECTIVE, RETAIN_KEYS, SET_ORDER_PREFIX};
use crate::patch::PatchError;
use crate::patch::schema::{LookupPatchMeta, Strategy};

/// What a diff computes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DiffOptions {
    /// Emit `$setElementOrder` lists for merging lists.
    pub(crate) set_element_order: bool,
    /// Leave out additions and changes (deletions only).
    pub(crate) ignore_changes: bool,
    /// Leave out deletions (additions and changes only).
    pub(crate) ignore_deletions: bool,
    /// Emit `$retainKeys` for this map (its field has the `retainKeys` strategy).
    pub(crate) retain_keys: bool,
}

type Result<T> = std::result::Result<T, PatchError>;

/// The patch that turns `original` into `modified`, restricted by `opts`.
pub(crate) fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    schema: &dyn LookupPatchMeta,
    opts: DiffOptions,
    path: &Path<'_>,
) -> Result<Map<String, Value>> {
    let mut patch = Map::new();
    let mut retain = Vec::new();
    for (key, new) in modified {
        if opts.retain_keys && !new.is_null() {
            retain.push(Value::String(key.clone()));
        }
        let Some(old) = original.get(key) else {
            if !opts.ignore_changes {
                patch.insert(key.clone(), new.clone());
            }
            continue;
        };
        let here = path.field(key);
        if key == DIRECTIVE {
            diff_directive(old, new, &mut patch, &here)?;
            continue;
        }
        match (old, new) {
            (Value::Object(o), Value::Object(m)) => {
                diff_map_field(key, o, m, &mut patch, schema, opts, &here)?
            }
            (Value::Array(o), Value::Array(m)) => {
                diff_slice_field(key, o, m, &mut patch, schema, opts, &here)?
            }
            _ => replace_if_changed(key, old, new, &mut patch, opts),
        }
    }
    if !opts.ignore_deletions {
        for key in original.keys().filter(|k| !modified.contains_key(*k)) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    if !retain.is_empty() && (!patch.is_empty() || has_additional_field(original, modified)) {
        sort_scalars(&mut retain);
        patch.insert(RETAIN_KEYS.to_owned(), Value::Array(retain));
    }
    Ok(patch)
}

fn diff_directive(
    old: &Value,
    new: &Value,
    patch: &mut Map<String, Value>,
    path: &Path<'_>,
) -> Result<()> {
    match (old, new) {
        (Value::String(o), Value::String(m)) => {
            if o != m {
                patch.insert(DIRECTIVE.to_owned(), new.clone());
            }
            Ok(())
        }
        _ => Err(errors::directive(path, "invalid value for special key: $patch")),
    }
}

fn replace_if_changed(
    key: &str,
    old: &Value,
    new: &Value,
    patch: &mut Map<String, Value>,
    opts: DiffOptions,
) {
    if !opts.ignore_changes && old != new {
        patch.insert(key.to_owned(), new.clone());
    }
}

fn has_additional_field(original: &Map<String, Value>, modified: &Map<String, Value>) -> bool {
    original.iter().any(|(k, v)| !v.is_null() && !modified.contains_key(k))
}

fn diff_map_field(
    key: &str,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: &dyn LookupPatchMeta,
    mut opts: DiffOptions,
    path: &Path<'_>,
) -> Result<()> {
    let (sub, meta) = match schema.lookup_struct(key) {
        Ok(found) => found,
        Err(_) if old == new => return Ok(()),
        Err(e) => return Err(errors::schema(path, e)),
    };
    let (retain, strategy) = meta.split().map_err(|e| errors::schema(path, e))?;
    opts.retain_keys = retain;
    if strategy == Strategy::Replace {
        if !opts.ignore_changes {
            patch.insert(key.to_owned(), Value::Object(new.clone()));
        }
        return Ok(());
    }
    let value = diff_maps(old, new, &*sub, opts, path)?;
    if !value.is_empty() {
        patch.insert(key.to_owned(), Value::Object(value));
    }
    Ok(())
}

fn diff_slice_field(
    key: &str,
    old: &[Value],
    new: &[Value],
    patch: &mut Map<String, Value>,
    schema: &dyn LookupPatchMeta,
    mut opts: DiffOptions,
    path: &Path<'_>,
) -> Result<()> {
    let (sub, meta) = match schema.lookup_slice(key) {
        Ok(found) => found,
        Err(_) if old == new => return Ok(()),
        Err(e) => return Err(errors::schema(path, e)),
    };
    let (retain, strategy) = meta.split().map_err(|e| errors::schema(path, e))?;
    if strategy != Strategy::Merge {
        if !opts.ignore_changes && old != new {
            patch.insert(key.to_owned(), Value::Array(new.to_vec()));
        }
        return Ok(());
    }
    opts.retain_keys = retain;
    let lists = diff_lists(old, new, &*sub, meta.merge_key(), opts, path)?;
    if !lists.patch.is_empty() {
        patch.insert(key.to_owned(), Value::Array(lists.patch));
    }
    if !lists.deletions.is_empty() {
        patch.insert(format!("{DELETE_PRIMITIVE_PREFIX}/{key}"), Value::Array(lists.deletions));
    }
    if !lists.order.is_empty() {
        patch.insert(format!("{SET_ORDER_PREFIX}/{key}"), Value::Array(lists.order));
    }
    Ok(())
}

/// The diff of one merging list: patch entries, the parallel deletion list (primitives)
/// and the `$setElementOrder` list.
#[derive(Default)]
struct ListDiff {
    patch: Vec<Value>,
    deletions: Vec<Value>,
    order: Vec<Value>,
}

fn diff_lists(
    old: &[Value],
    new: &[Value],
    schema: &dyn LookupPatchMeta,
    merge_key: &str,
    opts: DiffOptions,
    path: &Path<'_>,
) -> Result<ListDiff> {
    if old.is_empty() {
        if new.is_empty() || opts.ignore_changes {
            return Ok(ListDiff::default());
        }
        return Ok(ListDiff { patch: new.to_vec(), ..ListDiff::default() });
    }
    match element_kind(&[old, new]).map_err(|e| errors::kinds(path, e))? {
        Kind::Map => diff_lists_of_maps(old, new, schema, merge_key, opts, path),
        Kind::Slice => Err(errors::kinds(path, KindError::ListOfLists)),
        kind => diff_lists_of_scalars(old, new, kind, opts, path),
    }
}

fn diff_lists_of_scalars(
    old: &[Value],
    new: &[Value],
    kind: Kind,
    opts: DiffOptions,
    path: &Path<'_>,
) -> Result<ListDiff> {
    // Upstream sorts the original list in place; the sorted list is what the
    // `$setElementOrder` decision below compares with.
    let mut old_sorted = old.to_vec();
    sort_scalars(&mut old_sorted);
    let mut new_sorted: Vec<&Value> = new.iter().collect();
    new_sorted.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let (mut add, mut del) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < old_sorted.len() || j < new_sorted.len() {
        let o = old_sorted.get(i).map(sort_key);
        let m = new_sorted.get(j).map(|v| sort_key(v));
        match (o, m) {
            (Some(o), Some(m)) if o == m => {
                i += 1;
                j += 1;
            }
            (Some(o), Some(m)) if o < m => {
                del.push(old_sorted[i].clone());
                i += 1;
            }
            (Some(_), None) => {
                del.push(old_sorted[i].clone());
                i += 1;
            }
            _ => {
                add.push(new_sorted[j].clone());
                j += 1;
            }
        }
    }
    if opts.ignore_deletions {
        del.clear();
    }
    if opts.ignore_changes {
        add.clear();
    }
    let patch = normalize_slice_order(add, new, "", kind, path)?;
    let deletions = dedup_scalars(del);
    let changed = (!opts.ignore_deletions && !deletions.is_empty())
        || (!opts.ignore_changes && old_sorted.as_slice() != new);
    let order = if opts.set_element_order && changed { new.to_vec() } else { Vec::new() };
    Ok(ListDiff { patch, deletions, order })
}

fn diff_lists_of_maps(
    old: &[Value],
    new: &[Value],
    schema: &dyn LookupPatchMeta,
    merge_key: &str,
    opts: DiffOptions,
    path: &Path<'_>,
) -> Result<ListDiff> {
    let old_sorted = sorted_by_merge_key(old, merge_key, path)?;
    let new_sorted = sorted_by_merge_key(new, merge_key, path)?;
    let (mut patch, mut deletions) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    loop {
        match (old_sorted.get(i), new_sorted.get(j)) {
            (None, None) => break,
            (Some(&(om, ov)), Some(&(mm, mv))) if sort_key(ov) == sort_key(mv) => {
                let here = Path::Elem(path, merge_key, mv);
                let mut value = diff_maps(om, mm, schema, opts, &here)?;
                if !value.is_empty() {
                    value.insert(merge_key.to_owned(), mv.clone());
                    patch.push(Value::Object(value));
                }
                i += 1;
                j += 1;
            }
            (Some(&(_, ov)), Some(&(_, mv))) if sort_key(ov) < sort_key(mv) => {
                deletions.push(delete_directive(merge_key, ov));
                i += 1;
            }
            (Some(&(_, ov)), None) => {
                deletions.push(delete_directive(merge_key, ov));
                i += 1;
            }
            (_, Some(&(mm, _))) => {
                if !opts.ignore_changes {
                    patch.push(Value::Object(mm.clone()));
                }
                j += 1;
            }
        }
    }
    if opts.ignore_deletions {
        deletions.clear();
    }
    let order = ids(new, merge_key, Kind::Map, path)?;
    let mut patch = normalize_slice_order(patch, &order, merge_key, Kind::Map, path)?;
    let order_same = is_order_same(old, new, merge_key, path)?;
    patch.extend(deletions);
    let wanted = (!opts.ignore_changes && (!patch.is_empty() || !order_same))
        || (!opts.ignore_deletions && !patch.is_empty());
    let order = if opts.set_element_order && wanted {
        new.iter().map(|v| Value::Object(object1(merge_key, merge_value(v, merge_key)))).collect()
    } else {
        Vec::new()
    };
    Ok(ListDiff { patch, deletions: Vec::new(), order })
}

fn delete_directive(merge_key: &str, value: &Value) -> Value {
    let mut d = object1(merge_key, value.clone());
    d.insert(DIRECTIVE.to_owned(), Value::String("delete".to_owned()));
    Value::Object(d)
}

fn merge_value(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}

/// The maps of a merging list with their merge key values, sorted by the key's `%v` text.
fn sorted_by_merge_key<'v>(
    list: &'v [Value],
    key: &str,
    path: &Path<'_>,
) -> Result<Vec<(&'v Map<String, Value>, &'v Value)>> {
    if !list.is_empty() {
        element_kind(&[list]).map_err(|e| errors::kinds(path, e))?;
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let m = item.as_object().ok_or_else(|| errors::not_a_map(&Path::Index(path, i), item))?;
        let v = m.get(key).ok_or_else(|| errors::missing_merge_key(&Path::Index(path, i), key))?;
        out.push((m, v));
    }
    out.sort_by(|a, b| sort_key(a.1).cmp(&sort_key(b.1)));
    Ok(out)
}

fn is_order_same(old: &[Value], new: &[Value], key: &str, path: &Path<'_>) -> Result<bool> {
    if old.len() != new.len() {
        return Ok(false);
    }
    for (i, (o, m)) in old.iter().zip(new).enumerate() {
        if !super::order::merge_key_equal(o, m, key, &Path::Index(path, i))? {
            return Ok(false);
        }
    }
    Ok(true)
}
