//! PATCH: the three Kubernetes patch types through the shared patch engine, with
//! kube-apiserver's media-type rules (strategic merge patch only for built-in kinds,
//! server-side apply not yet served), resourceVersion preconditions carried in the patch,
//! and the retry loop of a `GuaranteedUpdate`.

use super::Result;
use super::update::{Attempt, MAX_RETRIES, commit, current};
use crate::apiserver::ApiServer;
use crate::apiserver::admission::{fields, with_warnings};
use crate::apiserver::error::ApiError;
use crate::apiserver::registry::Resource;
use crate::apiserver::request::{Query, Target, parse_rv};
use crate::object::Status;
use crate::patch::PatchType;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, header};
use serde_json::Value;

/// The 415 message for a media type a resource does not accept.
fn unsupported(res: &Resource) -> ApiError {
    let types = if res.builtin {
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"
    } else {
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    };
    ApiError::from(Status::unsupported_media_type(format!(
        "the body of the request was in an unknown format - accepted media types include: {types}"
    )))
}

/// Applies a patch of type `kind` to `doc` with the patch engine.
pub fn apply_patch(res: &Resource, kind: PatchType, doc: &Value, patch: &[u8]) -> Result<Value> {
    let patch: Value = serde_json::from_slice(patch)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    match kind {
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "error decoding patch: a merge patch must be a JSON object",
                ));
            }
            Ok(crate::patch::merge::apply(doc, &patch))
        }
        PatchType::Json => crate::patch::json::apply(doc, &patch).map_err(|e| {
            ApiError::from(Status::failure(
                422,
                "Invalid",
                format!("the server rejected our request due to an error in our request: {e}"),
            ))
        }),
        PatchType::Strategic => strategic(res, doc, &patch),
        PatchType::Apply => Err(ApiError::from(Status::unsupported_media_type(
            "server-side apply (application/apply-patch+yaml) is not supported by this server yet; use client-side apply",
        ))),
    }
}

/// Strategic merge patch with the built-in patch metadata of the kind (kinds the table does
/// not describe merge maps and replace lists, as for values without a schema).
fn strategic(res: &Resource, doc: &Value, patch: &Value) -> Result<Value> {
    use crate::patch::schema::{LookupPatchMeta, NoSchema, builtin};
    let meta: std::sync::Arc<dyn LookupPatchMeta> =
        builtin::for_kind(&res.group, &res.version, &res.kind)
            .unwrap_or_else(|| std::sync::Arc::new(NoSchema));
    crate::patch::strategic::apply(doc, patch, meta.as_ref())
        .map_err(|e| ApiError::bad_request(e.to_string()))
}

/// Serves `PATCH <object>` (and `…/status`, `…/scale`).
pub fn patch(
    server: &ApiServer,
    t: &Target,
    q: &Query,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let kind = PatchType::from_content_type(ct).ok_or_else(|| unsupported(&t.res))?;
    if kind == PatchType::Strategic && !t.res.builtin {
        return Err(unsupported(&t.res));
    }
    for _ in 0..MAX_RETRIES {
        let (stored, old) = current(server, t)?;
        let scale_view;
        let doc = if t.sub.as_deref() == Some("scale") {
            scale_view = super::scale::view(&t.res, &old);
            &scale_view
        } else {
            &old
        };
        let mut patched = apply_patch(&t.res, kind, doc, &body)?;
        if t.sub.as_deref() != Some("scale") {
            crate::apiserver::objects::check_type(&t.res, &mut patched)?;
        } else if !patched.is_object() {
            return Err(ApiError::bad_request("the patched Scale is not a JSON object"));
        }
        let rv = patched["metadata"]["resourceVersion"].as_str().unwrap_or_default();
        if parse_rv(rv, &t.res, t.name())?.is_some_and(|rv| rv != stored.rv) {
            return Err(ApiError::conflict(&t.res, t.name()));
        }
        if patched["metadata"]["name"].as_str().is_some_and(|n| n != t.name()) {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({})",
                patched["metadata"]["name"].as_str().unwrap_or_default(),
                t.name()
            )));
        }
        let warnings = if t.sub.as_deref() == Some("scale") {
            Vec::new()
        } else {
            fields::check_patch(&t.res, kind, &body, &patched, &q.field_validation)?
        };
        // The patched object was just checked; admission only drops its unknown fields.
        let q = Query { field_validation: "Ignore".into(), ..q.clone() };
        if let Attempt::Done(r) = commit(server, t, &stored, &old, patched, &q)? {
            return Ok(with_warnings(r, &warnings));
        }
    }
    Err(ApiError::conflict(&t.res, t.name()))
}
