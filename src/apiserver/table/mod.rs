//! A minimal server-side `Table` (meta.k8s.io/v1) so kubectl's human `get` output works:
//! NAME and AGE for every kind, plus the first columns kube-apiserver prints for a few common
//! kinds. Full printer columns belong to the next issue; this module is where they slot in.

pub mod custom;

use super::ApiServer;
use super::registry::Resource;
use super::request::Query;
use super::routes::json_response_typed;
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Value, json};

/// The Table content type.
pub const CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

fn col(name: &str, ty: &str, format: &str, desc: &str) -> Value {
    json!({"name": name, "type": ty, "format": format, "description": desc, "priority": 0})
}

fn count(v: &Value) -> usize {
    v.as_object().map_or(0, |m| m.len())
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// Kind-specific columns between NAME and AGE: definitions and a cell function.
#[allow(clippy::type_complexity)]
fn extra(res: &Resource) -> (Vec<Value>, Box<dyn Fn(&Value) -> Vec<Value>>) {
    match (res.group.as_str(), res.kind.as_str()) {
        ("", "ConfigMap") => (
            vec![col("Data", "integer", "", "Data contains the configuration data.")],
            Box::new(|o| vec![json!(count(&o["data"]) + count(&o["binaryData"]))]),
        ),
        ("", "Secret") => (
            vec![
                col(
                    "Type",
                    "string",
                    "",
                    "Used to facilitate programmatic handling of secret data.",
                ),
                col("Data", "string", "", "Data contains the secret data."),
            ],
            Box::new(|o| {
                vec![json!(o["type"].as_str().unwrap_or("Opaque")), json!(count(&o["data"]))]
            }),
        ),
        ("", "Namespace") => (
            vec![col("Status", "string", "", "The status of the namespace")],
            Box::new(|o| vec![json!(o["status"]["phase"].as_str().unwrap_or("Active"))]),
        ),
        ("apps", "Deployment") => (
            vec![
                col("Ready", "string", "", "Number of the pod with ready state"),
                col(
                    "Up-to-date",
                    "string",
                    "",
                    "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                ),
                col(
                    "Available",
                    "string",
                    "",
                    "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                ),
            ],
            Box::new(|o| {
                let s = &o["status"];
                let want = o["spec"]["replicas"].as_i64().unwrap_or(1);
                vec![
                    json!(format!("{}/{}", int(&s["readyReplicas"]), want)),
                    json!(int(&s["updatedReplicas"])),
                    json!(int(&s["availableReplicas"])),
                ]
            }),
        ),
        _ => (vec![], Box::new(|_| vec![])),
    }
}

/// Builds a Table of `objs`.
pub fn table(
    res: &Resource,
    objs: &[Value],
    list_meta: Option<Value>,
    include: &str,
    now: DateTime<Utc>,
) -> Value {
    if !res.builtin {
        return custom::table(res, objs, list_meta, include, now);
    }
    let (cols, cells) = extra(res);
    let mut defs = vec![col("Name", "string", "name", NAME_DESC)];
    defs.extend(cols);
    defs.push(col("Age", "string", "", AGE_DESC));
    let rows: Vec<Value> = objs
        .iter()
        .map(|o| {
            let meta = &o["metadata"];
            let age = meta["creationTimestamp"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| super::clock::human_duration(now - t.with_timezone(&Utc)))
                .unwrap_or_else(|| "<unknown>".into());
            let mut row_cells = vec![meta["name"].clone()];
            row_cells.extend(cells(o));
            row_cells.push(json!(age));
            let mut row = json!({"cells": row_cells});
            match include {
                "None" => {}
                "Object" => row["object"] = o.clone(),
                _ => {
                    row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta})
                }
            }
            row
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta.unwrap_or_else(|| json!({})),
        "columnDefinitions": defs, "rows": rows})
}

/// A Table response.
pub fn response(
    server: &ApiServer,
    res: &Resource,
    objs: &[Value],
    list_meta: Option<Value>,
    q: &Query,
) -> Response {
    let t = table(res, objs, list_meta, &q.include_object, server.clock().now());
    json_response_typed(
        StatusCode::OK,
        Bytes::from(serde_json::to_vec(&t).unwrap_or_default()),
        CONTENT_TYPE,
    )
}
