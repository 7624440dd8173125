//! RFC 7386 JSON merge patch: apply (via the json-patch crate), create two-way, and create
//! three-way as kubectl does for custom resources (deletions from original to modified,
//! changes from current to modified).

use serde_json::{Map, Value};

use crate::patch::PatchError;

/// Applies a JSON merge patch to `doc`.
pub fn apply(doc: &Value, patch: &Value) -> Value {
    let mut out = doc.clone();
    json_patch::merge(&mut out, patch);
    out
}

/// The merge patch that turns `original` into `modified`: changed and added fields with
/// their new values, removed fields as `null`; lists and non-objects are replaced whole.
pub fn create_two_way(original: &Value, modified: &Value) -> Value {
    diff(original, modified)
}

/// The merge patch kubectl sends for a custom resource: the changes from `current` to
/// `modified` (without deletions), plus the deletions from `original` to `modified`.
/// Fails when a document is not a JSON object, or (like kubectl) when the two halves set
/// the same field differently.
pub fn create_three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
) -> Result<Value, PatchError> {
    for doc in [original, modified, current] {
        if !doc.is_object() && !doc.is_null() {
            return Err(PatchError::BadJsonDocument { path: "<root>".to_owned() });
        }
    }
    let mut changes = create_two_way(current, modified);
    strip_nulls(&mut changes);
    let mut deletions = create_two_way(original, modified);
    keep_nulls(&mut deletions);
    if conflicts(&changes, &deletions) {
        return Err(PatchError::Conflict {
            path: "<root>".to_owned(),
            patch: changes.to_string(),
            changed: deletions.to_string(),
        });
    }
    json_patch::merge(&mut deletions, &changes);
    Ok(deletions)
}

fn diff(original: &Value, modified: &Value) -> Value {
    match (original, modified) {
        (Value::Object(o), Value::Object(m)) => Value::Object(diff_objects(o, m)),
        (Value::Null, Value::Object(m)) => Value::Object(diff_objects(&Map::new(), m)),
        _ => modified.clone(),
    }
}

fn diff_objects(o: &Map<String, Value>, m: &Map<String, Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    for (k, new) in m {
        match (o.get(k), new) {
            (Some(Value::Object(a)), Value::Object(b)) => {
                let sub = diff_objects(a, b);
                if !sub.is_empty() {
                    patch.insert(k.clone(), Value::Object(sub));
                }
            }
            (Some(old), new) if old == new => {}
            (_, new) => {
                patch.insert(k.clone(), new.clone());
            }
        }
    }
    for k in o.keys().filter(|k| !m.contains_key(*k)) {
        patch.insert(k.clone(), Value::Null);
    }
    patch
}

/// Removes every `null` member, recursively through objects. An object left empty by the
/// removal is dropped (it patches nothing); an object that was empty to begin with is a value
/// and stays, as in kubectl's `keepOrDeleteNullInObj`.
fn strip_nulls(v: &mut Value) {
    if let Value::Object(m) = v {
        m.retain(|_, v| match v {
            Value::Null => false,
            Value::Object(inner) if inner.is_empty() => true,
            Value::Object(_) => {
                strip_nulls(v);
                v.as_object().is_some_and(|o| !o.is_empty())
            }
            _ => true,
        });
    }
}

/// Keeps only `null` members and the objects that (recursively) hold some.
fn keep_nulls(v: &mut Value) {
    if let Value::Object(m) = v {
        m.values_mut().for_each(keep_nulls);
        m.retain(|_, v| v.is_null() || v.as_object().is_some_and(|o| !o.is_empty()));
    }
}

/// kubectl's `mergepatch.HasConflicts`: some key is set to different values.
fn conflicts(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            l.iter().any(|(k, lv)| r.get(k).is_some_and(|rv| conflicts(lv, rv)))
        }
        (Value::Array(l), Value::Array(r)) => {
            l.len() != r.len() || l.iter().zip(r).any(|(a, b)| conflicts(a, b))
        }
        _ => left != right,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn three_way_ignores_fields_only_the_server_set() {
        let original =
            serde_json::json!({"kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}});
        let modified = original.clone();
        let current = serde_json::json!({"kind": "Widget",
            "metadata": {"name": "w", "uid": "u", "generation": 1}, "spec": {"size": 1}, "status": {"ok": true}});
        let p = super::create_three_way(&original, &modified, &current).unwrap();
        assert_eq!(p, serde_json::json!({}));
        let empty = serde_json::json!({"spec": {"opts": {}}});
        let p = super::create_three_way(
            &serde_json::json!({}),
            &empty,
            &serde_json::json!({"spec": {}}),
        )
        .unwrap();
        assert_eq!(p, empty, "an explicitly empty map is a value");
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn apply_follows_rfc_7386() {
        let got = apply(&json!({"a": 1, "b": {"c": 2}}), &json!({"a": null, "b": {"d": 3}}));
        assert_eq!(got, json!({"b": {"c": 2, "d": 3}}));
    }

    #[test]
    fn two_way_creation() {
        let patch = create_two_way(
            &json!({"a": 1, "b": [1], "c": {"x": 1}}),
            &json!({"b": [2], "c": {"x": 1}}),
        );
        assert_eq!(patch, json!({"a": null, "b": [2]}));
    }

    #[test]
    fn three_way_creation_deletes_from_original_and_changes_from_current() {
        let original = json!({"spec": {"size": 1, "opts": {"alpha": 1, "beta": 2}}, "gone": true});
        let modified = json!({"spec": {"size": 2, "opts": {"alpha": 1}}});
        let current = json!({"spec": {"size": 1, "opts": {"alpha": 9, "beta": 2}, "server": 1}, "gone": true});
        let patch = create_three_way(&original, &modified, &current).unwrap();
        assert_eq!(
            patch,
            json!({"gone": null, "spec": {"size": 2, "opts": {"alpha": 1, "beta": null}}})
        );
        let result = apply(&current, &patch);
        assert_eq!(result, json!({"spec": {"size": 2, "opts": {"alpha": 1}, "server": 1}}));
    }

    #[test]
    fn three_way_rejects_non_objects() {
        assert!(create_three_way(&json!([1]), &json!({}), &json!({})).is_err());
    }
}
