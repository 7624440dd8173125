//! Order of merged lists, as apimachinery defines it: patch items follow the patch (or
//! `$setElementOrder`) order, items only on the server keep their relative server order,
//! and the two are interleaved by their positions in the server list. Also the checks
//! that tie a patch list to its `$setElementOrder` list.

use serde_json::Value;

use super::errors;
use super::path::Path;
use super::values::{Kind, identity, position, positions};
use super::{DIRECTIVE, PatchError};

type Result<T> = std::result::Result<T, PatchError>;

/// The identities of a list's items, which ordering works on: for maps the merge key
/// values (every item must be a map carrying the merge key), for primitives the items.
pub(crate) fn ids(
    list: &[Value],
    merge_key: &str,
    kind: Kind,
    path: &Path<'_>,
) -> Result<Vec<Value>> {
    if kind != Kind::Map {
        return Ok(list.to_vec());
    }
    validate_merge_keys(list, merge_key, path)?;
    Ok(list.iter().map(|item| identity(item, merge_key, kind).clone()).collect())
}

/// Sorts `items` by the position of their identity in `order` (stable; items not in
/// `order` go last). For maps, every item must carry the merge key, and `$patch: delete`
/// items move to the end.
pub(crate) fn normalize_slice_order(
    items: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: Kind,
    path: &Path<'_>,
) -> Result<Vec<Value>> {
    let (mut keep, deletes) = if kind == Kind::Map {
        validate_merge_keys(&items, merge_key, path)?;
        split_deletes(items, path)?
    } else {
        (items, Vec::new())
    };
    let index = positions(order);
    keep.sort_by_cached_key(|item| position(&index, item, merge_key, kind).unwrap_or(usize::MAX));
    keep.extend(deletes);
    Ok(keep)
}

/// Every element is a map with `merge_key`.
pub(crate) fn validate_merge_keys(list: &[Value], merge_key: &str, path: &Path<'_>) -> Result<()> {
    for (i, item) in list.iter().enumerate() {
        let here = Path::Index(path, i);
        let m = item.as_object().ok_or_else(|| errors::not_a_map(&here, item))?;
        if !m.contains_key(merge_key) {
            return Err(errors::missing_merge_key(&here, merge_key));
        }
    }
    Ok(())
}

/// Splits a list of maps into (other items, `$patch: delete` items).
pub(crate) fn split_deletes(list: Vec<Value>, path: &Path<'_>) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut keep = Vec::with_capacity(list.len());
    let mut deletes = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        let m = item.as_object().ok_or_else(|| errors::not_a_map(&Path::Index(path, i), &item))?;
        if m.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
            deletes.push(item);
        } else {
            keep.push(item);
        }
    }
    Ok((keep, deletes))
}

/// Orders `patch_items` by `patch_order` and `server_only` by `server_order` (both lists
/// of identities, see [`ids`]), then interleaves them (Go's `normalizeElementOrder`).
pub(crate) fn normalize_element_order(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: Kind,
    path: &Path<'_>,
) -> Result<Vec<Value>> {
    let patch_items = normalize_slice_order(patch_items, patch_order, merge_key, kind, path)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, kind, path)?;
    Ok(merge_sorted(server_only, patch_items, server_order, merge_key, kind))
}

/// Inserts each server-only item (`left`) into the patch items (`right`) before the first
/// patch item that comes later in the server list; relative orders are kept.
fn merge_sorted(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Vec<Value> {
    let index = positions(server_order);
    let pos = |v: &Value| position(&index, v, merge_key, kind);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!((pos(l), pos(r)), (Some(li), Some(ri)) if li < ri),
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

/// Whether two list items have the same merge key value (the items themselves when there
/// is no merge key). Maps without the merge key are an error.
pub(crate) fn merge_key_equal(
    left: &Value,
    right: &Value,
    merge_key: &str,
    path: &Path<'_>,
) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(left == right);
    }
    let l = merge_key_of(left, merge_key, path)?;
    let r = merge_key_of(right, merge_key, path)?;
    Ok(l == r)
}

fn merge_key_of<'v>(item: &'v Value, merge_key: &str, path: &Path<'_>) -> Result<&'v Value> {
    let m = item.as_object().ok_or_else(|| errors::not_a_map(path, item))?;
    m.get(merge_key).ok_or_else(|| errors::missing_merge_key(path, merge_key))
}

/// The patch list's items (deletions and directives aside) must appear in the
/// `$setElementOrder` list, in the same relative order.
pub(crate) fn validate_set_order(
    patch: &[Value],
    order: &[Value],
    merge_key: &str,
    path: &Path<'_>,
) -> Result<()> {
    if order.is_empty() || patch.is_empty() {
        return Ok(());
    }
    let items: Vec<&Value> = patch
        .iter()
        .filter(|v| {
            merge_key.is_empty() || v.get(DIRECTIVE).and_then(Value::as_str) != Some("delete")
        })
        .collect();
    if !merge_key.is_empty()
        && let Some((i, bad)) = patch.iter().enumerate().find(|(_, v)| !v.is_object())
    {
        return Err(errors::not_a_map(&Path::Index(path, i), bad));
    }
    let (mut p, mut s) = (0, 0);
    while p < items.len() && s < order.len() {
        if items[p].as_object().is_some_and(|m| m.contains_key(DIRECTIVE)) {
            p += 1;
            continue;
        }
        if merge_key_equal(items[p], &order[s], merge_key, &Path::Index(path, p))? {
            p += 1;
        }
        s += 1;
    }
    if p < items.len() {
        return Err(PatchError::OrderMismatch {
            path: path.render(),
            patch: Value::Array(patch.to_vec()).to_string(),
            order: Value::Array(order.to_vec()).to_string(),
        });
    }
    Ok(())
}

/// Splits `merged` into (items whose identity is in `by`, the others), keeping order.
/// `by` is a list of identities (see [`ids`]).
pub(crate) fn partition(
    merged: Vec<Value>,
    by: &[Value],
    merge_key: &str,
    path: &Path<'_>,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let kind = if merge_key.is_empty() { Kind::String } else { Kind::Map };
    if kind == Kind::Map {
        validate_merge_keys(&merged, merge_key, path)?;
    }
    let index = positions(by);
    Ok(merged.into_iter().partition(|v| position(&index, v, merge_key, kind).is_some()))
}
