//! The `scale` subresource: an `autoscaling/v1` `Scale` view of `spec.replicas` — or, for a
//! custom resource, of the CRD's `specReplicasPath`, `statusReplicasPath` and
//! `labelSelectorPath`.

use crate::apiserver::crd::{ScalePaths, get_path, path_keys};
use crate::apiserver::registry::Resource;
use serde_json::{Value, json};

/// The paths the Scale of `res` reads and writes.
fn paths(res: &Resource) -> Option<&ScalePaths> {
    res.custom.as_deref().and_then(|c| c.scale.as_ref())
}

/// The Scale view of an object.
pub fn view(res: &Resource, obj: &Value) -> Value {
    let meta = &obj["metadata"];
    let mut m = serde_json::Map::new();
    for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
        if let Some(v) = meta.get(f) {
            m.insert(f.into(), v.clone());
        }
    }
    let (spec_replicas, status_replicas, selector) = match paths(res) {
        Some(p) => (
            get_path(obj, &p.spec_replicas).and_then(Value::as_i64).unwrap_or(0),
            get_path(obj, &p.status_replicas).and_then(Value::as_i64).unwrap_or(0),
            p.label_selector
                .as_deref()
                .and_then(|l| get_path(obj, l))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        ),
        None => (
            obj["spec"]["replicas"].as_i64().unwrap_or(0),
            obj["status"]["replicas"].as_i64().unwrap_or(0),
            obj["spec"]["selector"]["matchLabels"]
                .as_object()
                .map(|l| {
                    let mut pairs: Vec<String> = l
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect();
                    pairs.sort();
                    pairs.join(",")
                })
                .unwrap_or_default(),
        ),
    };
    let mut status = json!({"replicas": status_replicas});
    if !selector.is_empty() {
        status["selector"] = json!(selector);
    }
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": m,
        "spec": {"replicas": spec_replicas},
        "status": status,
    })
}

/// Writes a Scale's `spec.replicas` back into the object.
pub fn apply(res: &Resource, obj: &Value, scale: &Value) -> Value {
    let mut out = obj.clone();
    let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
    let keys = match paths(res) {
        Some(p) => path_keys(&p.spec_replicas),
        None => vec!["spec", "replicas"],
    };
    crate::apiserver::objects::set_path(&mut out, &keys, json!(replicas));
    out
}
