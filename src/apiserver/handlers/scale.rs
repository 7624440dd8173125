//! The `scale` subresource: an `autoscaling/v1` `Scale` view of `spec.replicas`.

use serde_json::{Value, json};

/// The Scale view of an object.
pub fn view(obj: &Value) -> Value {
    let meta = &obj["metadata"];
    let mut m = serde_json::Map::new();
    for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
        if let Some(v) = meta.get(f) {
            m.insert(f.into(), v.clone());
        }
    }
    let selector = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|l| {
            let mut pairs: Vec<String> =
                l.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect();
            pairs.sort();
            pairs.join(",")
        })
        .unwrap_or_default();
    let mut status = json!({"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0)});
    if !selector.is_empty() {
        status["selector"] = json!(selector);
    }
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": m,
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": status,
    })
}

/// Writes a Scale's `spec.replicas` back into the object.
pub fn apply(obj: &Value, scale: &Value) -> Value {
    let mut out = obj.clone();
    let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
    crate::apiserver::objects::set_path(&mut out, &["spec", "replicas"], json!(replicas));
    out
}
