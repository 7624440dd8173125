//! DELETE and DELETECOLLECTION: `DeleteOptions` (body or query), preconditions, `dryRun`,
//! finalizers keeping an object Terminating until they are removed, and namespace deletion
//! removing the namespace's contents.
//!
//! A Pod bound to a node is deleted gracefully, as kube-apiserver does: it gets a
//! `deletionTimestamp` of now plus its grace period (`gracePeriodSeconds` from the query or
//! the body, else the pod's `terminationGracePeriodSeconds`, else 30) and
//! `deletionGracePeriodSeconds`, and the node's (simulated) kubelet removes it once its
//! containers have stopped. A grace period of 0, an unbound or finished pod, or a server
//! running no kubelet removes it at once.
//!
//! `propagationPolicy: Foreground` and `Orphan` (and `orphanDependents: true`) add the
//! `foregroundDeletion` and `orphan` finalizers; the garbage collector in
//! `apiserver::controllers::gc` acts on them and on dependents whose owners are gone.

use super::{Result, value_response};
use crate::apiserver::clock::timestamp;
use crate::apiserver::error::ApiError;
use crate::apiserver::registry::Resource;
use crate::apiserver::request::{Query, Target};
use crate::apiserver::store::{Key, Scope, StoreError};
use crate::apiserver::{ApiServer, objects};
use crate::object::Status;
use crate::object::status::StatusDetails;
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

/// Namespaces kube-apiserver refuses to delete.
const UNDELETABLE: &[&str] = &["default", "kube-system", "kube-public"];

/// The parts of `DeleteOptions` the server acts on.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// `dryRun: ["All"]` or `?dryRun=All`.
    pub dry_run: bool,
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
    /// `propagationPolicy` (`Foreground`, `Background`, `Orphan`), body or query.
    pub propagation_policy: Option<String>,
    /// `gracePeriodSeconds`, body or query.
    pub grace_period: Option<i64>,
}

impl DeleteOptions {
    /// Reads the options from the body (if any) and the query.
    pub fn parse(q: &Query, body: &[u8]) -> Result<DeleteOptions> {
        let mut o = DeleteOptions {
            dry_run: q.dry_run,
            propagation_policy: Some(q.propagation_policy.clone()).filter(|p| !p.is_empty()),
            grace_period: q.grace_period_seconds,
            ..Default::default()
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(o);
        }
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?;
        if let Some(list) = v.get("dryRun").and_then(Value::as_array) {
            for d in list {
                match d.as_str() {
                    Some("All") => o.dry_run = true,
                    other => {
                        return Err(ApiError::bad_request(format!(
                            "Invalid dry run value: {}; supported values: [All]",
                            other.unwrap_or_default()
                        )));
                    }
                }
            }
        }
        if let Some(p) = v["propagationPolicy"].as_str() {
            o.propagation_policy = Some(p.to_string());
        } else if v["orphanDependents"].as_bool() == Some(true) {
            o.propagation_policy = Some("Orphan".into());
        }
        if let Some(g) = v["gracePeriodSeconds"].as_i64() {
            o.grace_period = Some(g);
        }
        o.uid = v["preconditions"]["uid"].as_str().map(String::from);
        o.resource_version = v["preconditions"]["resourceVersion"].as_str().map(String::from);
        Ok(o)
    }
}

/// What became of a deleted object.
#[derive(Debug)]
pub enum Deleted {
    /// Removed from the store; its last state.
    Gone(Value),
    /// Marked for deletion and held by finalizers; its current state.
    Terminating(Value),
}

/// 409 for a failed delete precondition.
pub(crate) fn precondition_failed(
    res: &Resource,
    name: &str,
    what: &str,
    want: &str,
    have: &str,
) -> ApiError {
    ApiError::from(Status::conflict(
        &res.group,
        &res.plural,
        name,
        &format!(
            "Precondition failed: {what} in precondition: {want}, {what} in object meta: {have}"
        ),
    ))
}

/// The grace period a pod's deletion gets: `None` when it is removed at once.
fn pod_grace(server: &ApiServer, res: &Resource, obj: &Value, opts: &DeleteOptions) -> Option<i64> {
    if !(res.group.is_empty() && res.plural == "pods" && server.kubelet_running()) {
        return None;
    }
    let bound = obj["spec"]["nodeName"].as_str().is_some_and(|n| !n.is_empty());
    let finished = matches!(obj["status"]["phase"].as_str(), Some("Succeeded" | "Failed"));
    let grace = opts
        .grace_period
        .or_else(|| obj["spec"]["terminationGracePeriodSeconds"].as_i64())
        .unwrap_or(30);
    (bound && !finished && grace > 0).then_some(grace)
}

/// Deletes one object, honouring finalizers and preconditions, retrying on concurrent writes.
pub fn delete_object(
    server: &ApiServer,
    res: &Resource,
    key: &Key,
    opts: &DeleteOptions,
) -> Result<Deleted> {
    let name = key.name.as_str();
    for _ in 0..super::update::MAX_RETRIES {
        let stored = server
            .store()
            .get(key)
            .map_err(|e| ApiError::from_store(e, res, name))?
            .ok_or_else(|| ApiError::not_found(res, name))?;
        let obj = crate::apiserver::decode(&stored.json)?;
        let uid = obj["metadata"]["uid"].as_str().unwrap_or_default();
        if let Some(want) = &opts.uid
            && want != uid
        {
            return Err(precondition_failed(res, name, "UID", want, uid));
        }
        if let Some(want) = &opts.resource_version
            && *want != stored.rv.to_string()
        {
            return Err(precondition_failed(
                res,
                name,
                "ResourceVersion",
                want,
                &stored.rv.to_string(),
            ));
        }
        let mut obj = obj;
        let deleting = obj["metadata"].get("deletionTimestamp").is_some_and(|v| !v.is_null());
        let gc_finalizer = match opts.propagation_policy.as_deref() {
            Some("Foreground") => Some("foregroundDeletion"),
            Some("Orphan") => Some("orphan"),
            _ => None,
        };
        if let Some(f) = gc_finalizer.filter(|_| !deleting && !res.plural.eq("namespaces")) {
            let meta = crate::object::meta::metadata_mut(&mut obj);
            let list = meta.entry("finalizers").or_insert_with(|| json!([]));
            if let Some(a) = list.as_array_mut()
                && !a.iter().any(|x| x == f)
            {
                a.push(json!(f));
            }
        }
        if let Some(grace) = pod_grace(server, res, &obj, opts) {
            // Graceful: marked now, removed by the kubelet. A second request may only
            // shorten the period.
            let deadline = server.clock().now() + chrono::Duration::seconds(grace);
            let current = obj["metadata"]["deletionTimestamp"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            if current.is_some_and(|c| c <= deadline) {
                return Ok(Deleted::Terminating(obj));
            }
            let meta = crate::object::meta::metadata_mut(&mut obj);
            meta.insert("deletionTimestamp".into(), json!(timestamp(deadline)));
            meta.insert("deletionGracePeriodSeconds".into(), json!(grace));
            if opts.dry_run {
                return Ok(Deleted::Terminating(obj));
            }
            match server.store().update(key, obj, Some(stored.rv)) {
                Ok(s) => return Ok(Deleted::Terminating(crate::apiserver::decode(&s.json)?)),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(ApiError::from_store(e, res, name)),
            }
        }
        if !objects::finalizers(&obj).is_empty() {
            // A pod held by finalizers whose grace period ends early (the kubelet's final
            // delete) records that it is no longer waiting on its containers.
            let shortened = deleting
                && opts.grace_period == Some(0)
                && obj["metadata"]["deletionGracePeriodSeconds"].as_i64().is_some_and(|g| g > 0);
            if deleting && !shortened {
                return Ok(Deleted::Terminating(obj));
            }
            let mut marked = obj.clone();
            let meta = crate::object::meta::metadata_mut(&mut marked);
            meta.insert("deletionTimestamp".into(), json!(timestamp(server.clock().now())));
            meta.insert("deletionGracePeriodSeconds".into(), json!(0));
            if res.group.is_empty() && res.plural == "namespaces" {
                objects::set_path(&mut marked, &["status", "phase"], json!("Terminating"));
            }
            if opts.dry_run {
                return Ok(Deleted::Terminating(marked));
            }
            match server.store().update(key, marked, Some(stored.rv)) {
                Ok(s) => return Ok(Deleted::Terminating(crate::apiserver::decode(&s.json)?)),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(ApiError::from_store(e, res, name)),
            }
        }
        if opts.dry_run {
            return Ok(Deleted::Gone(obj));
        }
        match server.store().delete(key, Some(stored.rv)) {
            Ok(s) => return Ok(Deleted::Gone(crate::apiserver::decode(&s.json)?)),
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(ApiError::from_store(e, res, name)),
        }
    }
    Err(ApiError::conflict(res, name))
}

/// Deletes everything in namespace `ns`; returns true when nothing is left behind.
fn empty_namespace(server: &ApiServer, ns: &str, opts: &DeleteOptions) -> Result<bool> {
    let mut empty = true;
    let resources: Vec<Arc<Resource>> = server.resources();
    let mut seen = std::collections::HashSet::new();
    for res in resources.iter().filter(|r| r.namespaced) {
        if !seen.insert(res.group_resource()) {
            continue;
        }
        let scope = Scope { resource: res.group_resource(), namespace: Some(ns.to_string()) };
        let (items, _) =
            server.store().list(&scope).map_err(|e| ApiError::from_store(e, res, ""))?;
        for s in items {
            let v = crate::apiserver::decode(&s.json)?;
            let name = v["metadata"]["name"].as_str().unwrap_or_default();
            let key = Key::new(&res.group_resource(), ns, name);
            match delete_object(server, res, &key, opts) {
                Ok(Deleted::Gone(_)) => {}
                Ok(Deleted::Terminating(_)) => empty = false,
                Err(e) if e.0.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(empty)
}

/// Removes namespace `ns` if it is Terminating and its last held object just went away (the
/// namespace controller's final step).
pub fn finish_namespace(server: &ApiServer, ns: &str) -> Result<()> {
    let nsres = crate::apiserver::namespace_resource();
    let key = Key::new("namespaces", "", ns);
    let Some(stored) = server.store().get(&key).map_err(|e| ApiError::from_store(e, &nsres, ns))?
    else {
        return Ok(());
    };
    let obj = crate::apiserver::decode(&stored.json)?;
    if obj["metadata"].get("deletionTimestamp").is_none_or(Value::is_null)
        || !objects::finalizers(&obj).is_empty()
    {
        return Ok(());
    }
    let mut seen = std::collections::HashSet::new();
    for res in server.resources().iter().filter(|r| r.namespaced) {
        if !seen.insert(res.group_resource()) {
            continue;
        }
        let scope = Scope { resource: res.group_resource(), namespace: Some(ns.to_string()) };
        let (items, _) =
            server.store().list(&scope).map_err(|e| ApiError::from_store(e, res, ""))?;
        if !items.is_empty() {
            return Ok(());
        }
    }
    match server.store().delete(&key, Some(stored.rv)) {
        Ok(_) | Err(StoreError::NotFound) | Err(StoreError::Conflict) => Ok(()),
        Err(e) => Err(ApiError::from_store(e, &nsres, ns)),
    }
}

fn success(res: &Resource, obj: &Value) -> Response {
    let details = StatusDetails {
        name: obj["metadata"]["name"].as_str().unwrap_or_default().into(),
        group: res.group.clone(),
        kind: res.plural.clone(),
        uid: obj["metadata"]["uid"].as_str().unwrap_or_default().into(),
        ..Default::default()
    };
    let body = crate::object::gojson::to_string(&Status::success(Some(details)));
    crate::apiserver::routes::json_response(StatusCode::OK, Bytes::from(body))
}

/// Serves `DELETE <object>`.
pub fn delete(server: &ApiServer, t: &Target, q: &Query, body: Bytes) -> Result<Response> {
    if t.sub.is_some() {
        return Err(ApiError::from(Status::method_not_allowed(
            "the server does not allow this method on the requested resource",
        )));
    }
    let opts = DeleteOptions::parse(q, &body)?;
    let key = t.key();
    if t.res.group.is_empty() && t.res.plural == "namespaces" {
        if UNDELETABLE.contains(&t.name()) {
            return Err(ApiError::forbidden(&t.res, t.name(), "this namespace may not be deleted"));
        }
        // Confirm it exists before sweeping.
        let _ = super::update::current(server, t)?;
        let empty = empty_namespace(server, t.name(), &opts)?;
        if !empty {
            // Contents held by finalizers keep the namespace Terminating; a later DELETE
            // sweeps again and removes it once they are gone.
            let (_, mut obj) = super::update::current(server, t)?;
            let meta = crate::object::meta::metadata_mut(&mut obj);
            meta.entry("deletionTimestamp")
                .or_insert_with(|| json!(timestamp(server.clock().now())));
            objects::set_path(&mut obj, &["status", "phase"], json!("Terminating"));
            if !opts.dry_run {
                let s = server
                    .store()
                    .update(&key, obj, None)
                    .map_err(|e| ApiError::from_store(e, &t.res, t.name()))?;
                obj = crate::apiserver::decode(&s.json)?;
            }
            return Ok(value_response(StatusCode::OK, &obj));
        }
    }
    let deleted = if crate::apiserver::crd::cleanup::is_crd(&t.res) {
        crate::apiserver::crd::cleanup::delete_crd(server, &t.res, &key, &opts)?
    } else {
        delete_object(server, &t.res, &key, &opts)?
    };
    match deleted {
        Deleted::Gone(obj) => Ok(success(&t.res, &obj)),
        Deleted::Terminating(mut obj) => {
            crate::apiserver::conversion::to_served_value(&t.res, &mut obj);
            Ok(value_response(StatusCode::OK, &obj))
        }
    }
}

/// Serves `DELETE <collection>` (deletecollection) with the request's selectors.
pub fn delete_collection(
    server: &ApiServer,
    t: &Target,
    q: &Query,
    body: Bytes,
) -> Result<Response> {
    let opts = DeleteOptions::parse(q, &body)?;
    let (items, rv) = super::list::matching(server, t, q)?;
    let mut out = Vec::new();
    for (s, v) in items {
        let v = match v {
            Some(v) => v,
            None => crate::apiserver::decode(&s.json)?,
        };
        let ns = v["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = v["metadata"]["name"].as_str().unwrap_or_default();
        let key = Key::new(&t.res.group_resource(), ns, name);
        let sub = Target {
            namespace: (!ns.is_empty()).then(|| ns.to_string()),
            name: Some(name.into()),
            ..t.clone()
        };
        let deleted = if t.res.plural == "namespaces" && t.res.group.is_empty() {
            match delete(server, &sub, q, body.clone()) {
                Ok(_) => continue,
                Err(e) if e.0.is_not_found() => continue,
                Err(e) => return Err(e),
            }
        } else if crate::apiserver::crd::cleanup::is_crd(&t.res) {
            match crate::apiserver::crd::cleanup::delete_crd(server, &t.res, &key, &opts) {
                Ok(d) => d,
                Err(e) if e.0.is_not_found() => continue,
                Err(e) => return Err(e),
            }
        } else {
            match delete_object(server, &t.res, &key, &opts) {
                Ok(d) => d,
                Err(e) if e.0.is_not_found() => continue,
                Err(e) => return Err(e),
            }
        };
        match deleted {
            Deleted::Gone(mut v) | Deleted::Terminating(mut v) => {
                crate::apiserver::conversion::to_served_value(&t.res, &mut v);
                out.push(v)
            }
        }
    }
    let list = json!({"kind": format!("{}List", t.res.kind), "apiVersion": t.res.api_version(),
        "metadata": {"resourceVersion": rv.to_string()}, "items": out});
    Ok(value_response(StatusCode::OK, &list))
}
