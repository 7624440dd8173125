//! Deleting a CRD deletes its objects, as kube-apiserver's finalizer controller does: the CRD
//! is marked Terminating (the `customresourcecleanup.apiextensions.k8s.io` finalizer, a
//! deletion timestamp and the `Terminating` condition), every custom object is deleted, and
//! then the finalizer is removed and the CRD goes. Here it all happens within the DELETE;
//! objects held by their own finalizers keep the CRD Terminating (no new objects may be
//! created) until the last of them goes ([`object_gone`]).

use super::{CRD_GROUP, definition::CLEANUP_FINALIZER};
use crate::apiserver::clock::timestamp;
use crate::apiserver::error::ApiError;
use crate::apiserver::handlers::delete::{
    DeleteOptions, Deleted, delete_object, precondition_failed,
};
use crate::apiserver::registry::Resource;
use crate::apiserver::store::{Key, Scope, StoreError};
use crate::apiserver::{ApiServer, objects};
use serde_json::{Value, json};

/// True for the `customresourcedefinitions` resource.
pub fn is_crd(res: &Resource) -> bool {
    res.builtin && res.group == CRD_GROUP && res.plural == "customresourcedefinitions"
}

fn decode(bytes: &[u8]) -> Result<Value, ApiError> {
    crate::apiserver::decode(bytes)
}

/// Marks the CRD Terminating (with the cleanup finalizer) unless it already is.
fn mark(
    server: &ApiServer,
    res: &Resource,
    key: &Key,
    opts: &DeleteOptions,
) -> Result<Value, ApiError> {
    let name = key.name.as_str();
    for _ in 0..crate::apiserver::handlers::update::MAX_RETRIES {
        let stored = server
            .store()
            .get(key)
            .map_err(|e| ApiError::from_store(e, res, name))?
            .ok_or_else(|| ApiError::not_found(res, name))?;
        let mut crd = decode(&stored.json)?;
        let uid = crd["metadata"]["uid"].as_str().unwrap_or_default().to_string();
        if let Some(want) = opts.uid.as_deref().filter(|w| *w != uid) {
            return Err(precondition_failed(res, name, "UID", want, &uid));
        }
        let rv = stored.rv.to_string();
        if let Some(want) = opts.resource_version.as_deref().filter(|w| *w != rv) {
            return Err(precondition_failed(res, name, "ResourceVersion", want, &rv));
        }
        if crd["metadata"].get("deletionTimestamp").is_some_and(|t| !t.is_null()) {
            return Ok(crd);
        }
        let now = timestamp(server.clock().now());
        let meta = crate::object::meta::metadata_mut(&mut crd);
        let list = meta.entry("finalizers").or_insert_with(|| json!([]));
        if let Some(a) = list.as_array_mut()
            && !a.iter().any(|f| f == CLEANUP_FINALIZER)
        {
            a.push(json!(CLEANUP_FINALIZER));
        }
        meta.insert("deletionTimestamp".into(), json!(now));
        meta.insert("deletionGracePeriodSeconds".into(), json!(0));
        let mut conds = crd["status"]["conditions"].as_array().cloned().unwrap_or_default();
        conds.retain(|c| c["type"] != "Terminating");
        conds.push(json!({"type": "Terminating", "status": "True", "lastTransitionTime": now,
            "reason": "InstanceDeletionInProgress", "message": "CustomResource deletion is in progress"}));
        objects::set_path(&mut crd, &["status", "conditions"], Value::Array(conds));
        match server.store().update(key, crd, Some(stored.rv)) {
            Ok(s) => return decode(&s.json),
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(ApiError::from_store(e, res, name)),
        }
    }
    Err(ApiError::conflict(res, name))
}

/// Deletes every object of `crd`; true when none is left.
fn delete_objects(server: &ApiServer, crd: &Value) -> Result<bool, ApiError> {
    let resources = Resource::from_crd(crd);
    let Some(res) = resources.first() else { return Ok(true) };
    let scope = Scope { resource: res.group_resource(), namespace: None };
    let (items, _) = server.store().list(&scope).map_err(|e| ApiError::from_store(e, res, ""))?;
    let mut empty = true;
    for s in items {
        let v = decode(&s.json)?;
        let key = Key::new(
            &res.group_resource(),
            v["metadata"]["namespace"].as_str().unwrap_or_default(),
            v["metadata"]["name"].as_str().unwrap_or_default(),
        );
        match delete_object(server, res, &key, &DeleteOptions::default()) {
            Ok(Deleted::Gone(_)) => {}
            Ok(Deleted::Terminating(_)) => empty = false,
            Err(e) if e.0.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(empty)
}

/// Deletes a CRD and, first, its objects.
pub fn delete_crd(
    server: &ApiServer,
    res: &Resource,
    key: &Key,
    opts: &DeleteOptions,
) -> Result<Deleted, ApiError> {
    if opts.dry_run {
        return delete_object(server, res, key, opts);
    }
    let marked = mark(server, res, key, opts)?;
    if !delete_objects(server, &marked)? {
        return Ok(Deleted::Terminating(marked));
    }
    Ok(release(server, res, key)?.unwrap_or(Deleted::Gone(marked)))
}

/// Removes the cleanup finalizer of a Terminating CRD whose objects are all gone (and the
/// CRD with it when no other finalizer holds it); `None` when the CRD is gone already.
fn release(server: &ApiServer, res: &Resource, key: &Key) -> Result<Option<Deleted>, ApiError> {
    let name = key.name.as_str();
    for _ in 0..crate::apiserver::handlers::update::MAX_RETRIES {
        let Some(stored) =
            server.store().get(key).map_err(|e| ApiError::from_store(e, res, name))?
        else {
            return Ok(None);
        };
        let mut crd = decode(&stored.json)?;
        let meta = crate::object::meta::metadata_mut(&mut crd);
        if let Some(a) = meta.get_mut("finalizers").and_then(Value::as_array_mut) {
            a.retain(|f| f != CLEANUP_FINALIZER);
        }
        let result = if objects::finalizers(&crd).is_empty() {
            server.store().delete(key, Some(stored.rv)).map(|_| Deleted::Gone(crd))
        } else {
            server.store().update(key, crd, Some(stored.rv)).and_then(|s| {
                Ok(Deleted::Terminating(decode(&s.json).map_err(|_| StoreError::Conflict)?))
            })
        };
        match result {
            Ok(d) => return Ok(Some(d)),
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(ApiError::from_store(e, res, name)),
        }
    }
    Err(ApiError::conflict(res, name))
}

/// Called when an object of the CRD `crd_name` vanished: if the CRD is Terminating and that
/// was its last object, the CRD goes too (the finalizer controller's last step).
pub fn object_gone(server: &ApiServer, crd_name: &str) -> Result<(), ApiError> {
    let Some(res) =
        crate::apiserver::registry::find_builtin(CRD_GROUP, "v1", "customresourcedefinitions")
    else {
        return Ok(());
    };
    let key = Key::new(&res.group_resource(), "", crd_name);
    let Some(stored) =
        server.store().get(&key).map_err(|e| ApiError::from_store(e, &res, crd_name))?
    else {
        return Ok(());
    };
    let crd = decode(&stored.json)?;
    if crd["metadata"].get("deletionTimestamp").is_none_or(Value::is_null)
        || !objects::finalizers(&crd).iter().any(|f| f == CLEANUP_FINALIZER)
    {
        return Ok(());
    }
    let scope = Scope { resource: crd_name.to_string(), namespace: None };
    let (items, _) = server.store().list(&scope).map_err(|e| ApiError::from_store(e, &res, ""))?;
    if items.is_empty() {
        release(server, &res, &key)?;
    }
    Ok(())
}
