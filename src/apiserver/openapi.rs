//! OpenAPI v3: the `/openapi/v3` index and one document per group-version, generated from the
//! registry. Each kind gets a PATCH operation tagged with its GVK and carrying the
//! `fieldValidation` parameter, which is what makes kubectl validate server-side. No
//! GVK-tagged component schemas are served, so kubectl computes patches from its compiled-in
//! types (a partial schema would make it warn).

use super::ApiServer;
use super::error::ApiError;
use super::registry::{self, Resource};
use super::routes::json_response;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The index key of a group-version: `api/v1` or `apis/apps/v1`.
fn gv_key(group: &str, version: &str) -> String {
    if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") }
}

fn patch_op(r: &Resource) -> Value {
    let mut content = Map::new();
    content.insert("application/apply-patch+yaml".into(), json!({}));
    content.insert("application/json-patch+json".into(), json!({}));
    content.insert("application/merge-patch+json".into(), json!({}));
    if r.builtin {
        content.insert("application/strategic-merge-patch+json".into(), json!({}));
    }
    json!({
        "x-kubernetes-group-version-kind": {"group": r.group, "version": r.version, "kind": r.kind},
        "x-kubernetes-action": "patch",
        "parameters": [
            {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}},
        ],
        "requestBody": {"content": content, "required": true},
        "responses": {"200": {"description": "OK"}, "201": {"description": "Created"}},
    })
}

/// The document for one group-version.
pub fn document_for(resources: &[Arc<Resource>], group: &str, version: &str) -> Option<Value> {
    let mut paths = Map::new();
    for r in resources.iter().filter(|r| r.group == group && r.version == version) {
        let path = if r.namespaced {
            format!("{}/namespaces/{{namespace}}/{}/{{name}}", r.gv_path(), r.plural)
        } else {
            format!("{}/{}/{{name}}", r.gv_path(), r.plural)
        };
        paths.insert(path, json!({"patch": patch_op(r)}));
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": super::KUBE_VERSION.2},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

/// A stable hash of a document, as the index's `?hash=` value.
fn hash(doc: &Value) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in doc.to_string().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016X}")
}

/// `GET /openapi/v3`.
pub async fn index(State(server): State<ApiServer>) -> Response {
    let resources = server.resources();
    let mut paths = Map::new();
    for (g, v) in registry::group_versions(&resources) {
        if let Some(doc) = document_for(&resources, &g, &v) {
            let key = gv_key(&g, &v);
            paths.insert(
                key.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={}", hash(&doc))}),
            );
        }
    }
    json_response(StatusCode::OK, Bytes::from(json!({"paths": paths}).to_string()))
}

/// `GET /openapi/v3/<gv>`.
pub async fn document(State(server): State<ApiServer>, Path(gv): Path<String>) -> Response {
    let segs: Vec<&str> = gv.split('/').collect();
    let (group, version) = match segs.as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        _ => return ApiError::no_route().into_response(),
    };
    match document_for(&server.resources(), group, version) {
        Some(doc) => json_response(StatusCode::OK, Bytes::from(doc.to_string())),
        None => ApiError::no_route().into_response(),
    }
}
