//! Defaults of the other groups: autoscaling/v2 HorizontalPodAutoscaler,
//! NetworkPolicy, EndpointSlice, RBAC subjects, PriorityClass, StorageClass.

use super::apps::obj_at_in;
use super::{obj_at, or_set, or_set_str};
use serde_json::{Map, Value, json};

/// `SetDefaults_HorizontalPodAutoscaler` (v2): one replica at least, 80% CPU when no metric
/// is given, and a given `behavior` completed with the default scaling rules.
pub fn hpa(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    or_set(spec, "minReplicas", json!(1));
    if spec.get("metrics").and_then(Value::as_array).is_none_or(Vec::is_empty) {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80}}}]),
        );
    }
    if let Some(b) = spec.get_mut("behavior").and_then(Value::as_object_mut) {
        rules(
            b,
            "scaleUp",
            Some(0),
            json!([{"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15}]),
        );
        // No scale-down window: the controller's --horizontal-pod-autoscaler-downscale-stabilization
        // applies (kube's GenerateHPAScaleDownRules leaves it unset).
        rules(
            b,
            "scaleDown",
            None,
            json!([{"type": "Percent", "value": 100, "periodSeconds": 15}]),
        );
    }
}

fn rules(b: &mut Map<String, Value>, key: &str, window: Option<i64>, policies: Value) {
    let r = obj_at_in(b, key);
    if let Some(w) = window {
        or_set(r, "stabilizationWindowSeconds", json!(w));
    }
    or_set_str(r, "selectPolicy", "Max");
    if r.get("policies").and_then(Value::as_array).is_none_or(Vec::is_empty) {
        r.insert("policies".into(), policies);
    }
}

/// `SetDefaults_NetworkPolicy` and its ports' protocol.
pub fn network_policy(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    for dir in ["ingress", "egress"] {
        for rule in super::each(spec, dir) {
            if let Some(r) = rule.as_object_mut() {
                for p in super::each(r, "ports") {
                    if let Some(p) = p.as_object_mut() {
                        or_set_str(p, "protocol", "TCP");
                    }
                }
            }
        }
    }
    if spec.get("policyTypes").and_then(Value::as_array).is_none_or(Vec::is_empty) {
        let mut types = vec![json!("Ingress")];
        if spec.get("egress").and_then(Value::as_array).is_some_and(|e| !e.is_empty()) {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(types));
    }
}

/// `SetDefaults_EndpointPort` (discovery/v1), and each endpoint's `conditions` (always
/// present in what kube-apiserver returns).
pub fn endpoint_slice(obj: &mut Value) {
    let Some(m) = obj.as_object_mut() else { return };
    for e in super::each(m, "endpoints") {
        if let Some(e) = e.as_object_mut() {
            or_set(e, "conditions", json!({}));
        }
    }
    for p in super::each(m, "ports") {
        if let Some(p) = p.as_object_mut() {
            or_set(p, "name", json!(""));
            or_set_str(p, "protocol", "TCP");
        }
    }
}

/// `SetDefaults_Subject`: the API group of a binding's subjects.
pub fn role_binding(obj: &mut Value) {
    let Some(m) = obj.as_object_mut() else { return };
    for s in super::each(m, "subjects") {
        let Some(s) = s.as_object_mut() else { continue };
        if s.get("apiGroup").and_then(Value::as_str).is_some_and(|g| !g.is_empty()) {
            continue;
        }
        if matches!(s.get("kind").and_then(Value::as_str), Some("User" | "Group")) {
            s.insert("apiGroup".into(), json!("rbac.authorization.k8s.io"));
        }
    }
}

/// `SetDefaults_PriorityClass`.
pub fn priority_class(obj: &mut Value) {
    if let Some(m) = obj.as_object_mut() {
        or_set_str(m, "preemptionPolicy", "PreemptLowerPriority");
    }
}

/// `SetDefaults_StorageClass`.
pub fn storage_class(obj: &mut Value) {
    if let Some(m) = obj.as_object_mut() {
        or_set_str(m, "reclaimPolicy", "Delete");
        or_set_str(m, "volumeBindingMode", "Immediate");
    }
}
