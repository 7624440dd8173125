//! OpenAPI v3: the `/openapi/v3` index and one document per group-version, generated from the
//! registry. Each kind gets a PATCH operation tagged with its GVK and carrying the
//! `fieldValidation` parameter, which is what makes kubectl validate server-side. Built-in
//! kinds get no GVK-tagged component schemas, so kubectl computes patches from its compiled-in
//! types (a partial schema would make it warn). Custom resources get their CRD version's
//! schema as a GVK-tagged component, as kube-apiserver serves it (`kubectl explain` reads
//! it; with no strategic-merge-patch media type on the PATCH operation, kubectl still sends
//! a JSON merge patch).

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
    let mut schemas = Map::new();
    for r in resources.iter().filter(|r| r.group == group && r.version == version) {
        let path = if r.namespaced {
            format!("{}/namespaces/{{namespace}}/{}/{{name}}", r.gv_path(), r.plural)
        } else {
            format!("{}/{}/{{name}}", r.gv_path(), r.plural)
        };
        paths.insert(path, json!({"patch": patch_op(r)}));
        if let Some(c) = r.custom.as_deref() {
            let (name, list_name) = custom_schema_names(r);
            schemas.insert(name.clone(), custom_schema(r, &c.schema));
            schemas.insert(list_name, custom_list_schema(r, &name));
        }
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": super::KUBE_VERSION.2},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

/// The component names of a custom kind and its list: `com.example.v1.Widget`.
fn custom_schema_names(r: &Resource) -> (String, String) {
    let mut parts: Vec<&str> = r.group.split('.').collect();
    parts.reverse();
    let base = format!("{}.{}", parts.join("."), r.version);
    (format!("{base}.{}", r.kind), format!("{base}.{}List", r.kind))
}

const API_VERSION_DESC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DESC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// A custom kind's schema: the CRD's, with `apiVersion`, `kind` and `metadata` declared and
/// the kind's GVK attached.
fn custom_schema(r: &Resource, schema: &Value) -> Value {
    let mut s = if schema.is_object() { schema.clone() } else { json!({"type": "object"}) };
    let props = s
        .as_object_mut()
        .map(|m| m.entry("properties").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut);
    if let Some(props) = props {
        props.insert(
            "apiVersion".into(),
            json!({"type": "string", "description": API_VERSION_DESC}),
        );
        props.insert("kind".into(), json!({"type": "string", "description": KIND_DESC}));
        props.insert(
            "metadata".into(),
            json!({"type": "object", "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"}),
        );
    }
    s["x-kubernetes-group-version-kind"] =
        json!([{"group": r.group, "kind": r.kind, "version": r.version}]);
    s
}

fn custom_list_schema(r: &Resource, item: &str) -> Value {
    json!({
        "description": format!("{} is a list of {}", format!("{}List", r.kind), r.kind),
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string", "description": API_VERSION_DESC},
            "items": {"type": "array", "description": format!("List of {}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md", r.plural),
                "items": {"$ref": format!("#/components/schemas/{item}")}},
            "kind": {"type": "string", "description": KIND_DESC},
            "metadata": {"type": "object", "description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"},
        },
        "x-kubernetes-group-version-kind": [{"group": r.group, "kind": format!("{}List", r.kind), "version": r.version}],
    })
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
