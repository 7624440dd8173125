//! PUT, and the commit step PUT and PATCH share: carry server-owned metadata across, split
//! spec and status, bump `generation`, run admission, honour `dryRun`, finish deletions whose
//! last finalizer was removed, and retry on a concurrent write when the client set no precondition.

use super::{Result, parse_body, value_response};
use crate::apiserver::admission::{self, Attributes, Operation, with_warnings};
use crate::apiserver::error::ApiError;
use crate::apiserver::request::{Query, Target, parse_rv};
use crate::apiserver::routes::json_response;
use crate::apiserver::store::{StoreError, Stored};
use crate::apiserver::{ApiServer, conversion, objects};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde_json::Value;

/// How many times a write without a precondition is retried when another writer got in
/// between. kube-apiserver's `GuaranteedUpdate` retries until the request times out; a bound
/// this high is never reached by honest contention (many writers patching one object on a
/// busy machine lose a few rounds at most) and still ends a pathological loop.
pub const MAX_RETRIES: usize = 1024;

/// The result of one optimistic write attempt.
#[derive(Debug)]
pub enum Attempt {
    /// Written (or dry-run): the response.
    Done(Response),
    /// The object changed underneath; read it again and retry.
    Retry,
}

/// Reads the current object or fails with NotFound.
pub fn current(server: &ApiServer, t: &Target) -> Result<(Stored, Value)> {
    let stored = server
        .store()
        .get(&t.key())
        .map_err(|e| ApiError::from_store(e, &t.res, t.name()))?
        .ok_or_else(|| ApiError::not_found(&t.res, t.name()))?;
    let mut value = crate::apiserver::decode(&stored.json)?;
    crate::apiserver::conversion::to_served_value(&t.res, &mut value);
    Ok((stored, value))
}

fn respond(
    t: &Target,
    code: StatusCode,
    stored_json: Bytes,
    obj: Option<&Value>,
) -> Result<Response> {
    if t.sub.as_deref() == Some("scale") {
        let v = match obj {
            Some(v) => v.clone(),
            None => crate::apiserver::decode(&stored_json)?,
        };
        return Ok(value_response(code, &super::scale::view(&t.res, &v)));
    }
    Ok(match obj {
        Some(v) if conversion::converts(&t.res) => {
            let mut v = v.clone();
            conversion::to_served_value(&t.res, &mut v);
            value_response(code, &v)
        }
        Some(v) => value_response(code, v),
        None => json_response(code, conversion::to_served(&t.res, stored_json)),
    })
}

/// Writes `incoming` (the client's full new object, or for `scale` a Scale) over `current`.
pub fn commit(
    server: &ApiServer,
    t: &Target,
    current: &Stored,
    old: &Value,
    incoming: Value,
    q: &Query,
) -> Result<Attempt> {
    let dry_run = q.dry_run;
    let mut attrs = Attributes {
        server,
        res: &t.res,
        op: Operation::Update,
        old: Some(old),
        sub: t.sub.as_deref(),
        dry_run,
        field_validation: &q.field_validation,
    };
    // Another version than the stored one: the write continues in the storage version.
    let mut incoming = incoming;
    let mut warnings = Vec::new();
    let storage = conversion::incoming(&attrs, &mut incoming, &mut warnings)?;
    let stored_old;
    let (res, old) = match &storage {
        Some(s) => {
            stored_old = crate::apiserver::decode(&current.json)?;
            (s.as_ref(), &stored_old)
        }
        None => (t.res.as_ref(), old),
    };
    attrs.res = res;
    attrs.old = Some(old);
    let mut new = match t.sub.as_deref() {
        Some("scale") => {
            objects::merge_update(res, old, super::scale::apply(res, old, &incoming), None)
        }
        sub => objects::merge_update(res, old, incoming, sub),
    };
    warnings.extend(admission::admit(&attrs, &mut new)?);
    crate::object::meta::set_metadata_str(&mut new, "resourceVersion", &current.rv.to_string());
    let key = t.key();
    let name = t.name();
    if dry_run {
        return respond(t, StatusCode::OK, Bytes::new(), Some(&new))
            .map(|r| Attempt::Done(with_warnings(r, &warnings)));
    }
    let vanish = objects::ready_to_vanish(&new);
    let result = if vanish {
        server.store().delete(&key, Some(current.rv)).map(|_| {
            let mut last = new.clone();
            crate::object::meta::set_metadata_str(
                &mut last,
                "resourceVersion",
                &current.rv.to_string(),
            );
            Bytes::from(serde_json::to_vec(&last).unwrap_or_default())
        })
    } else {
        server.store().update(&key, new, Some(current.rv)).map(|s| s.json)
    };
    if vanish
        && result.is_ok()
        && let Some(ns) = &t.namespace
    {
        super::delete::finish_namespace(server, ns)?;
    }
    if vanish
        && result.is_ok()
        && let Some(c) = t.res.custom.as_deref()
    {
        crate::apiserver::crd::cleanup::object_gone(server, &c.crd)?;
    }
    match result {
        Ok(json) => respond(t, StatusCode::OK, json, None)
            .map(|r| Attempt::Done(with_warnings(r, &warnings))),
        Err(StoreError::Conflict) => Ok(Attempt::Retry),
        Err(e) => Err(ApiError::from_store(e, &t.res, name)),
    }
}

/// Serves `PUT <object>` (and `PUT <object>/status|scale`).
pub fn update(server: &ApiServer, t: &Target, q: &Query, body: Bytes) -> Result<Response> {
    let what = format!(
        "{} in version \"{}\" cannot be handled as a {}",
        t.res.kind, t.res.version, t.res.kind
    );
    let decoded = parse_body(&body, &what)?;
    let body_warnings = admission::fields::check_body(
        &t.res,
        &body,
        decoded.duplicates,
        &q.field_validation,
        "UpdateOptions",
    )?;
    let mut obj = decoded.value;
    if t.sub.as_deref() != Some("scale") {
        objects::check_type(&t.res, &mut obj)?;
        objects::check_namespace(t, &mut obj)?;
    }
    let body_name = obj["metadata"]["name"].as_str().unwrap_or_default().to_string();
    if body_name.is_empty() {
        crate::object::meta::set_metadata_str(&mut obj, "name", t.name());
    } else if body_name != t.name() {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({})",
            t.name()
        )));
    }
    let precondition = parse_rv(
        obj["metadata"]["resourceVersion"].as_str().unwrap_or_default(),
        &t.res,
        t.name(),
    )?;
    for _ in 0..MAX_RETRIES {
        let (stored, old) = current(server, t)?;
        if precondition.is_some_and(|rv| rv != stored.rv) {
            return Err(ApiError::conflict(&t.res, t.name()));
        }
        if let Attempt::Done(r) = commit(server, t, &stored, &old, obj.clone(), q)? {
            return Ok(with_warnings(r, &body_warnings));
        }
        if precondition.is_some() {
            return Err(ApiError::conflict(&t.res, t.name()));
        }
    }
    Err(ApiError::conflict(&t.res, t.name()))
}
