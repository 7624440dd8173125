//! Patch application (apimachinery's `mergeMap`): merges a patch into a document, honouring
//! strategies and directives. The same merge, without processing the parallel lists,
//! combines the deletion and change halves of a three-way patch.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::errors;
use super::order::{ids, normalize_element_order, partition, validate_set_order};
use super::path::Path;
use super::values::{Kind, VKey, dedup_scalars, element_kind};
use super::{DELETE_PRIMITIVE_PREFIX, DIRECTIVE, PatchError, RETAIN_KEYS, SET_ORDER_PREFIX};
use crate::patch::schema::{LookupPatchMeta, Strategy};

/// How a merge treats directives and nulls.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MergeOptions {
    /// Process `$deleteFromPrimitiveList`, `$setElementOrder` and `$retainKeys` (applying a
    /// patch), instead of carrying them over (combining two patches).
    pub(crate) merge_parallel_list: bool,
    /// Drop `null` values that have nothing to delete (applying a patch).
    pub(crate) ignore_unmatched_nulls: bool,
}

type Result<T> = std::result::Result<T, PatchError>;
type Object = Map<String, Value>;

/// Merges `patch` into `original`.
pub(crate) fn merge_map(
    mut original: Object,
    mut patch: Object,
    schema: &dyn LookupPatchMeta,
    opts: MergeOptions,
    path: &Path<'_>,
) -> Result<Object> {
    if let Some(directive) = patch.remove(DIRECTIVE) {
        return match directive.as_str() {
            Some("replace") => Ok(patch),
            Some("delete") => Ok(Map::new()),
            _ => Err(errors::directive(path, format!("unknown patch type: {directive}"))),
        };
    }
    apply_retain_keys(&mut original, &mut patch, opts, path)?;
    merge_set_element_orders(&mut original, &mut patch, schema, opts, path)?;
    for (key, value) in patch {
        merge_field(&mut original, key, value, schema, opts, path)?;
    }
    Ok(original)
}

fn merge_field(
    original: &mut Object,
    key: String,
    mut value: Value,
    schema: &dyn LookupPatchMeta,
    opts: MergeOptions,
    path: &Path<'_>,
) -> Result<()> {
    let (key, is_delete_list) = match key.strip_prefix(DELETE_PRIMITIVE_PREFIX) {
        Some(_) if !opts.merge_parallel_list => {
            original.insert(key, value);
            return Ok(());
        }
        Some(rest) => (list_key(rest, DELETE_PRIMITIVE_PREFIX, path)?.to_owned(), true),
        None => (key, false),
    };
    if value.is_null() {
        original.remove(&key);
        if opts.ignore_unmatched_nulls {
            return Ok(());
        }
    }
    let here = path.field(&key);
    let Some(current) = original.get_mut(&key) else {
        if !is_delete_list {
            set_value(original, key, value, opts);
        }
        return Ok(());
    };
    match (current, &mut value) {
        (Value::Object(cur), Value::Object(p)) => {
            let (sub, meta) = schema.lookup_struct(&key).map_err(|e| errors::schema(&here, e))?;
            let (_, strategy) = meta.split().map_err(|e| errors::schema(&here, e))?;
            let p = std::mem::take(p);
            *cur = match strategy {
                Strategy::Replace => p,
                _ => merge_map(std::mem::take(cur), p, &*sub, opts, &here)?,
            };
        }
        (Value::Array(cur), Value::Array(p)) => {
            let (sub, meta) = schema.lookup_slice(&key).map_err(|e| errors::schema(&here, e))?;
            let (_, strategy) = meta.split().map_err(|e| errors::schema(&here, e))?;
            let (c, p) = (std::mem::take(cur), std::mem::take(p));
            // Deletion lists apply whatever the field's strategy.
            *cur = match strategy {
                _ if strategy == Strategy::Merge || is_delete_list => {
                    let list =
                        ListMerge { schema: &*sub, merge_key: meta.merge_key(), opts, path: &here };
                    list.merge(c, p, is_delete_list)?
                }
                _ => p,
            };
        }
        (current, value) if same_scalar_kind(current, value) => {
            *current = std::mem::take(value);
        }
        _ => {
            if !is_delete_list {
                set_value(original, key, value, opts);
            }
        }
    }
    Ok(())
}

fn same_scalar_kind(a: &Value, b: &Value) -> bool {
    let (ka, kb) = (super::values::kind(a), super::values::kind(b));
    ka == kb && ka != Kind::Map && ka != Kind::Slice
}

/// Stores a patch value that has nothing to merge with: nulls dropped when applying,
/// directives stripped.
fn set_value(original: &mut Object, key: String, mut value: Value, opts: MergeOptions) {
    if opts.ignore_unmatched_nulls {
        discard_nulls(&mut value);
    }
    match remove_directives(value) {
        Some(v) => {
            original.insert(key, v);
        }
        None => {
            original.remove(&key);
        }
    }
}

/// Removes `null` members of objects, recursively (nulls inside lists stay).
pub(crate) fn discard_nulls(value: &mut Value) {
    match value {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// Drops every object carrying `$patch` (and list elements that are such objects);
/// `None` when `value` itself is one.
pub(crate) fn remove_directives(value: Value) -> Option<Value> {
    match value {
        Value::Object(m) if m.contains_key(DIRECTIVE) => None,
        Value::Object(m) => Some(Value::Object(
            m.into_iter().filter_map(|(k, v)| remove_directives(v).map(|v| (k, v))).collect(),
        )),
        Value::Array(a) => {
            Some(Value::Array(a.into_iter().filter_map(remove_directives).collect()))
        }
        other => Some(other),
    }
}

/// The list field named by a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>`
/// key, given the part after the prefix.
fn list_key<'k>(rest: &'k str, prefix: &str, path: &Path<'_>) -> Result<&'k str> {
    rest.strip_prefix('/')
        .ok_or_else(|| errors::directive(path, format!("invalid patch format: {prefix}{rest}")))
}

fn apply_retain_keys(
    original: &mut Object,
    patch: &mut Object,
    opts: MergeOptions,
    path: &Path<'_>,
) -> Result<()> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else { return Ok(()) };
    if !opts.merge_parallel_list {
        match original.get(RETAIN_KEYS) {
            Some(existing) if *existing != retain => {
                return Err(errors::directive(path, "$retainKeys lists of the two patches differ"));
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS.to_owned(), retain);
            }
        }
        return Ok(());
    }
    let bad = || {
        errors::directive(
            path,
            "invalid patch format: $retainKeys must be a list of the fields in the patch",
        )
    };
    let list = retain.as_array().ok_or_else(bad)?;
    let keep = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    let unlisted = patch.iter().any(|(k, v)| {
        !v.is_null()
            && !k.starts_with(DELETE_PRIMITIVE_PREFIX)
            && !k.starts_with(SET_ORDER_PREFIX)
            && !keep(k)
    });
    if unlisted {
        return Err(bad());
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

/// Processes every `$setElementOrder/<field>` of `patch` with its list (Go's
/// `mergePatchIntoOriginal`).
fn merge_set_element_orders(
    original: &mut Object,
    patch: &mut Object,
    schema: &dyn LookupPatchMeta,
    opts: MergeOptions,
    path: &Path<'_>,
) -> Result<()> {
    let keys: Vec<String> =
        patch.keys().filter(|k| k.starts_with(SET_ORDER_PREFIX)).cloned().collect();
    for key in keys {
        let Some(order) = patch.remove(&key) else { continue };
        if !opts.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if *existing != order => {
                    return Err(errors::directive(
                        path,
                        "invalid patch format: $setElementOrder lists differ",
                    ));
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order.clone());
                }
            }
        }
        let field = list_key(&key[SET_ORDER_PREFIX.len()..], SET_ORDER_PREFIX, path)?.to_owned();
        let here = path.field(&field);
        let order = match order {
            Value::Array(a) => a,
            other => return Err(errors::not_a_list(&here, &other)),
        };
        ordered_merge(original, patch, &field, &order, schema, opts, &here)?;
    }
    Ok(())
}

fn ordered_merge(
    original: &mut Object,
    patch: &mut Object,
    field: &str,
    order: &[Value],
    schema: &dyn LookupPatchMeta,
    opts: MergeOptions,
    path: &Path<'_>,
) -> Result<()> {
    let old = take_list(original, field, path)?;
    let new = take_list(patch, field, path)?;
    let (sub, meta) = schema.lookup_slice(field).map_err(|e| errors::schema(path, e))?;
    let (_, strategy) = meta.split().map_err(|e| errors::schema(path, e))?;
    let merge_key = meta.merge_key();
    validate_set_order(new.as_deref().unwrap_or(&[]), order, merge_key, path)?;
    let (old_slice, new_slice) = (old.as_deref().unwrap_or(&[]), new.as_deref().unwrap_or(&[]));
    let kind = match (old.is_some(), new.is_some()) {
        (false, false) => return Ok(()),
        _ => element_kind(&[old_slice, new_slice]).map_err(|e| errors::kinds(path, e))?,
    };
    let server_order = ids(old_slice, merge_key, kind, path)?;
    let merged = match (old, new) {
        (Some(o), None) => o,
        (None, Some(n)) => match remove_directives(Value::Array(n)) {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        },
        (Some(o), Some(n)) if strategy == Strategy::Merge => {
            ListMerge { schema: &*sub, merge_key, opts, path }.merge(o, n, false)?
        }
        (_, n) => n.unwrap_or_default(),
    };
    let order = ids(order, merge_key, kind, path)?;
    let (in_patch, server_only) = partition(merged, &order, merge_key, path)?;
    let both = normalize_element_order(
        in_patch,
        server_only,
        &order,
        &server_order,
        merge_key,
        kind,
        path,
    )?;
    original.insert(field.to_owned(), Value::Array(both));
    Ok(())
}

/// Removes and returns the list under `field`; anything else there is an error.
fn take_list(obj: &mut Object, field: &str, path: &Path<'_>) -> Result<Option<Vec<Value>>> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::Array(_)) => match obj.remove(field) {
            Some(Value::Array(a)) => Ok(Some(a)),
            _ => Ok(None),
        },
        Some(other) => Err(errors::not_a_list(path, other)),
    }
}

/// The merge of one merging list.
struct ListMerge<'a> {
    schema: &'a dyn LookupPatchMeta,
    merge_key: &'a str,
    opts: MergeOptions,
    path: &'a Path<'a>,
}

impl ListMerge<'_> {
    /// Go's `mergeSlice`.
    fn merge(
        &self,
        original: Vec<Value>,
        patch: Vec<Value>,
        is_delete_list: bool,
    ) -> Result<Vec<Value>> {
        if original.is_empty() && patch.is_empty() {
            return Ok(original);
        }
        let kind = element_kind(&[&original, &patch]).map_err(|e| errors::kinds(self.path, e))?;
        let (server_order, patch_order, merged) = if kind != Kind::Map {
            if self.opts.merge_parallel_list && is_delete_list {
                return Ok(delete_from(original, &patch));
            }
            let mut both = original.clone();
            both.extend(patch.iter().cloned());
            (original, patch, dedup_scalars(both))
        } else {
            if self.merge_key.is_empty() {
                let name = self.schema.name();
                let message = format!("cannot merge lists without merge key for {name}");
                return Err(errors::shape(self.path, message));
            }
            let (original, patch) = self.special_elements(original, patch)?;
            let server_order = ids(&original, self.merge_key, kind, self.path)?;
            let patch_order = ids(&patch, self.merge_key, kind, self.path)?;
            (server_order, patch_order, self.merge_maps(original, patch)?)
        };
        let (in_patch, server_only) = partition(merged, &patch_order, self.merge_key, self.path)?;
        normalize_element_order(
            in_patch,
            server_only,
            &patch_order,
            &server_order,
            self.merge_key,
            kind,
            self.path,
        )
    }

    /// Applies `$patch: delete` and `$patch: replace` elements; returns the new original and
    /// the patch without them.
    fn special_elements(
        &self,
        mut original: Vec<Value>,
        patch: Vec<Value>,
    ) -> Result<(Vec<Value>, Vec<Value>)> {
        let mut plain = Vec::with_capacity(patch.len());
        let mut replace = false;
        for (i, item) in patch.into_iter().enumerate() {
            let here = Path::Index(self.path, i);
            let Some(directive) = item.get(DIRECTIVE) else {
                plain.push(item);
                continue;
            };
            match directive.as_str() {
                Some("delete") => {
                    let key = item
                        .get(self.merge_key)
                        .ok_or_else(|| errors::missing_merge_key(&here, self.merge_key))?;
                    if let Some((j, bad)) =
                        original.iter().enumerate().find(|(_, v)| !v.is_object())
                    {
                        return Err(errors::not_a_map(&Path::Index(self.path, j), bad));
                    }
                    original.retain(|v| v.get(self.merge_key) != Some(key));
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(errors::directive(
                        &here,
                        "merging lists cannot yet be specified in the patch",
                    ));
                }
                _ => {
                    return Err(errors::directive(
                        &here,
                        format!("unknown patch type: {directive}"),
                    ));
                }
            }
        }
        Ok(if replace { (plain, Vec::new()) } else { (original, plain) })
    }

    /// Merges each patch map into the original map with the same merge key value, or
    /// appends it.
    fn merge_maps(&self, mut original: Vec<Value>, patch: Vec<Value>) -> Result<Vec<Value>> {
        let mut index: BTreeMap<VKey<'static>, usize> = BTreeMap::new();
        for (i, item) in original.iter().enumerate() {
            let here = Path::Index(self.path, i);
            let m = item.as_object().ok_or_else(|| errors::not_a_map(&here, item))?;
            if let Some(k) = m.get(self.merge_key) {
                index.entry(VKey(Cow::Owned(k.clone()))).or_insert(i);
            }
        }
        for (i, item) in patch.into_iter().enumerate() {
            let Value::Object(p) = item else {
                return Err(errors::not_a_map(&Path::Index(self.path, i), &item));
            };
            let key = p.get(self.merge_key).cloned().ok_or_else(|| {
                errors::missing_merge_key(&Path::Index(self.path, i), self.merge_key)
            })?;
            let lookup = VKey(Cow::Owned(key));
            match index.get(&lookup) {
                Some(&j) => {
                    let here = Path::Elem(self.path, self.merge_key, &lookup.0);
                    let cur = match std::mem::take(&mut original[j]) {
                        Value::Object(m) => m,
                        _ => Map::new(),
                    };
                    original[j] = Value::Object(merge_map(cur, p, self.schema, self.opts, &here)?);
                }
                None => {
                    index.insert(lookup, original.len());
                    original.push(Value::Object(p));
                }
            }
        }
        Ok(original)
    }
}

/// The items of `current` that are not in `to_delete`.
fn delete_from(current: Vec<Value>, to_delete: &[Value]) -> Vec<Value> {
    current.into_iter().filter(|v| !to_delete.contains(v)).collect()
}
