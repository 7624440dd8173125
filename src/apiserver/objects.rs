//! Object bookkeeping as kube-apiserver does it: identity and timestamps on create,
//! immutable metadata carried across updates, `generation` bumped on spec changes only, the
//! spec/status split of resources with a `status` subresource.

use super::ApiServer;
use super::clock::timestamp;
use super::error::ApiError;
use super::registry::Resource;
use super::request::Target;
use crate::object::Status;
use crate::object::status::StatusCause;
use serde_json::{Value, json};

/// Metadata fields the server owns: never taken from a request body.
const SERVER_OWNED: &[&str] = &[
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
];

/// Sets identity, timestamps and `generation` on an object about to be created.
pub fn stamp_new(server: &ApiServer, res: &Resource, obj: &mut Value) {
    let meta = crate::object::meta::metadata_mut(obj);
    for f in SERVER_OWNED {
        meta.remove(*f);
    }
    meta.remove("resourceVersion");
    meta.remove("managedFields");
    meta.insert("uid".into(), Value::String(server.uids().uid()));
    meta.insert("creationTimestamp".into(), Value::String(timestamp(server.clock().now())));
    if res.generation {
        meta.insert("generation".into(), json!(1));
    }
}

fn invalid(res: &Resource, name: &str, field: &str, reason: &str, message: String) -> ApiError {
    ApiError::from(Status::invalid(
        &res.group,
        &res.kind,
        name,
        vec![StatusCause { reason: reason.into(), message, field: field.into() }],
    ))
}

/// Checks that a body is an object of the target's kind and group-version, filling in
/// `apiVersion` and `kind` when absent.
pub fn check_type(res: &Resource, obj: &mut Value) -> Result<(), ApiError> {
    let Some(map) = obj.as_object_mut() else {
        return Err(ApiError::bad_request("the body of the request was not a JSON object"));
    };
    match map.get("apiVersion").and_then(Value::as_str) {
        None | Some("") => {
            map.insert("apiVersion".into(), Value::String(res.api_version()));
        }
        Some(av) if res.is_api_version(av) => {}
        Some(av) => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                res.api_version()
            )));
        }
    }
    match map.get("kind").and_then(Value::as_str) {
        None | Some("") => {
            map.insert("kind".into(), Value::String(res.kind.clone()));
        }
        Some(k) if k == res.kind => {}
        Some(k) => {
            return Err(ApiError::bad_request(format!(
                "{k} in version \"{}\" cannot be handled as a {}: the kind in the data ({k}) does not match the expected kind ({})",
                res.version, res.kind, res.kind
            )));
        }
    }
    if !map.get("metadata").is_none_or(Value::is_object) {
        return Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: metadata must be an object",
            res.kind, res.version, res.kind
        )));
    }
    Ok(())
}

/// Fills in or checks the namespace of a body against the URL.
pub fn check_namespace(target: &Target, obj: &mut Value) -> Result<(), ApiError> {
    let meta = crate::object::meta::metadata_mut(obj);
    match (&target.namespace, meta.get("namespace").and_then(Value::as_str)) {
        (Some(url), None | Some("")) => {
            meta.insert("namespace".into(), Value::String(url.clone()));
        }
        (Some(url), Some(body)) if body != url => {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        (None, Some(_)) if !target.res.namespaced => {
            meta.remove("namespace");
        }
        _ => {}
    }
    Ok(())
}

/// Assigns a name from `generateName` when needed (its format is checked by admission,
/// `admission::validation`, with the rest of the object).
pub fn assign_name(
    server: &ApiServer,
    res: &Resource,
    obj: &mut Value,
) -> Result<String, ApiError> {
    let meta = crate::object::meta::metadata_mut(obj);
    let mut name = meta.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    if name.is_empty() {
        let prefix = meta.get("generateName").and_then(Value::as_str).unwrap_or_default();
        if prefix.is_empty() {
            return Err(invalid(
                res,
                "",
                "metadata.name",
                "FieldValueRequired",
                "Required value: name or generateName is required".into(),
            ));
        }
        name = format!("{prefix}{}", server.uids().name_suffix());
        meta.insert("name".into(), Value::String(name.clone()));
    }
    Ok(name)
}

/// True when two objects differ in something other than `metadata` and `status` (the
/// change that bumps `generation`); compared in place, nothing is copied.
pub fn spec_changed(old: &Value, new: &Value) -> bool {
    fn fields(v: &Value) -> impl Iterator<Item = (&String, &Value)> {
        v.as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.as_str() != "metadata" && k.as_str() != "status")
    }
    !fields(old).eq(fields(new))
}

/// Builds the object an update stores: `new` with the server-owned metadata of `old`,
/// the spec/status split applied for `sub` (`None` for the main resource, `status`), and
/// `generation` bumped when anything but metadata and status changed.
pub fn merge_update(res: &Resource, old: &Value, mut new: Value, sub: Option<&str>) -> Value {
    if !new.is_object() {
        new = json!({});
    }
    if res.status {
        match sub {
            // Writes to the main resource cannot change status…
            None => match old.get("status") {
                Some(s) => {
                    set_path(&mut new, &["status"], s.clone());
                }
                None => {
                    if let Some(m) = new.as_object_mut() {
                        m.remove("status");
                    }
                }
            },
            // …and writes to /status change only status (metadata labels/annotations too, as upstream).
            Some(_) => {
                let mut out = old.clone();
                match new.get("status") {
                    Some(s) => set_path(&mut out, &["status"], s.clone()),
                    None => {
                        if let Some(m) = out.as_object_mut() {
                            m.remove("status");
                        }
                    }
                }
                for f in ["labels", "annotations", "finalizers"] {
                    let v = new.get("metadata").and_then(|m| m.get(f)).cloned();
                    let meta = crate::object::meta::metadata_mut(&mut out);
                    match v {
                        Some(v) => meta.insert(f.into(), v),
                        None => meta.remove(f),
                    };
                }
                new = out;
            }
        }
    }
    let old_meta = &old["metadata"];
    let meta = crate::object::meta::metadata_mut(&mut new);
    for f in SERVER_OWNED {
        match old_meta.get(*f) {
            Some(v) => meta.insert((*f).into(), v.clone()),
            None => meta.remove(*f),
        };
    }
    meta.remove("managedFields");
    if let Some(ns) = old_meta.get("namespace") {
        meta.insert("namespace".into(), ns.clone());
    }
    if res.generation && spec_changed(old, &new) {
        let g = old_meta.get("generation").and_then(Value::as_i64).unwrap_or(0) + 1;
        crate::object::meta::metadata_mut(&mut new).insert("generation".into(), json!(g));
    }
    new
}

/// Sets a nested field, replacing any non-object value on the way (never panics, unlike
/// `value[a][b] = …` on a non-object).
pub fn set_path(obj: &mut Value, path: &[&str], v: Value) {
    let mut cur = obj;
    for key in path {
        if !cur.is_object() {
            *cur = json!({});
        }
        let Some(map) = cur.as_object_mut() else { return };
        cur = map.entry(key.to_string()).or_insert(Value::Null);
    }
    *cur = v;
}

/// True when the object is marked for deletion and no finalizer holds it any more.
pub fn ready_to_vanish(obj: &Value) -> bool {
    let meta = &obj["metadata"];
    meta.get("deletionTimestamp").is_some_and(|t| !t.is_null())
        && meta.get("finalizers").and_then(Value::as_array).is_none_or(|f| f.is_empty())
}

/// The finalizers of an object.
pub fn finalizers(obj: &Value) -> Vec<String> {
    obj["metadata"]["finalizers"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy() -> Resource {
        (*super::super::registry::find_builtin("apps", "v1", "deployments").unwrap()).clone()
    }

    #[test]
    fn generation_bumps_on_spec_changes_only() {
        let old = json!({"metadata": {"name": "a", "generation": 1, "uid": "u"}, "spec": {"replicas": 1}, "status": {"x": 1}});
        let same = merge_update(
            &deploy(),
            &old,
            json!({"metadata": {"name": "a", "labels": {"a": "b"}}, "spec": {"replicas": 1}}),
            None,
        );
        assert_eq!(same["metadata"]["generation"], 1);
        assert_eq!(same["metadata"]["uid"], "u");
        assert_eq!(same["status"]["x"], 1);
        let bumped = merge_update(
            &deploy(),
            &old,
            json!({"metadata": {"name": "a"}, "spec": {"replicas": 2}}),
            None,
        );
        assert_eq!(bumped["metadata"]["generation"], 2);
        let status = merge_update(
            &deploy(),
            &old,
            json!({"metadata": {"name": "a"}, "spec": {"replicas": 9}, "status": {"x": 2}}),
            Some("status"),
        );
        assert_eq!(status["spec"]["replicas"], 1);
        assert_eq!(status["status"]["x"], 2);
    }
}
