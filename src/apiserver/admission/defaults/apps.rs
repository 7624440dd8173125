//! apps/v1 defaults: Deployment, ReplicaSet, StatefulSet, DaemonSet.

use super::{obj_at, or_set, or_set_str, pod};
use serde_json::{Value, json};

fn template(spec: &mut serde_json::Map<String, Value>) {
    if let Some(t) = spec.get_mut("template") {
        pod::template(t);
    }
}

/// `SetDefaults_Deployment`.
pub fn deployment(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    or_set(spec, "replicas", json!(1));
    let strategy = obj_at_in(spec, "strategy");
    or_set_str(strategy, "type", "RollingUpdate");
    if super::at(strategy, "type") == "RollingUpdate" {
        let ru = obj_at_in(strategy, "rollingUpdate");
        or_set(ru, "maxUnavailable", json!("25%"));
        or_set(ru, "maxSurge", json!("25%"));
    }
    or_set(spec, "revisionHistoryLimit", json!(10));
    or_set(spec, "progressDeadlineSeconds", json!(600));
    template(spec);
}

/// `SetDefaults_ReplicaSet`.
pub fn replica_set(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    or_set(spec, "replicas", json!(1));
    template(spec);
}

/// `SetDefaults_StatefulSet`, and the claim templates as PersistentVolumeClaims.
pub fn stateful_set(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    or_set_str(spec, "podManagementPolicy", "OrderedReady");
    let us = obj_at_in(spec, "updateStrategy");
    if us.get("type").and_then(Value::as_str).unwrap_or_default().is_empty() {
        us.insert("type".into(), json!("RollingUpdate"));
        or_set(us, "rollingUpdate", json!({}));
    }
    if super::at(us, "type") == "RollingUpdate"
        && let Some(ru) = us.get_mut("rollingUpdate").and_then(Value::as_object_mut)
    {
        or_set(ru, "partition", json!(0));
    }
    let policy = obj_at_in(spec, "persistentVolumeClaimRetentionPolicy");
    or_set_str(policy, "whenDeleted", "Retain");
    or_set_str(policy, "whenScaled", "Retain");
    or_set(spec, "replicas", json!(1));
    or_set(spec, "revisionHistoryLimit", json!(10));
    template(spec);
    for vct in super::each(spec, "volumeClaimTemplates") {
        if let Some(m) = vct.as_object_mut() {
            or_set_str(m, "apiVersion", "v1");
            or_set_str(m, "kind", "PersistentVolumeClaim");
        }
        or_set(obj_at(vct, "metadata"), "creationTimestamp", Value::Null);
        super::core::pvc(vct);
    }
}

/// `SetDefaults_DaemonSet`.
pub fn daemon_set(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    let us = obj_at_in(spec, "updateStrategy");
    or_set_str(us, "type", "RollingUpdate");
    if super::at(us, "type") == "RollingUpdate" {
        let ru = obj_at_in(us, "rollingUpdate");
        or_set(ru, "maxUnavailable", json!(1));
        or_set(ru, "maxSurge", json!(0));
    }
    or_set(spec, "revisionHistoryLimit", json!(10));
    template(spec);
}

/// The object map at `key` of a map, made an object first when absent or not one.
pub(super) fn obj_at_in<'m>(
    m: &'m mut serde_json::Map<String, Value>,
    key: &str,
) -> &'m mut serde_json::Map<String, Value> {
    let e = m.entry(key.to_string()).or_insert_with(|| json!({}));
    if !e.is_object() {
        *e = json!({});
    }
    e.as_object_mut().expect("made an object above")
}
