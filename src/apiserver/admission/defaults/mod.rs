//! Defaulting: the values kube-apiserver fills in for fields a client left out, per kind —
//! the scheme's defaulting functions, the create-time resets of the registry strategies
//! (status, `generation`), and the server-side steps that fill in fields (Service cluster IPs,
//! the Pod admission plugins). Expected objects are recorded under `testdata/admission/`.

pub mod allocations;
mod apps;
mod batch;
mod core;
mod other;
pub mod pod;

use super::{Attributes, Operation};
use crate::apiserver::ApiServer;
use crate::apiserver::error::ApiError;
use crate::apiserver::registry::Resource;
use serde_json::{Map, Value, json};

/// The defaulting step of the admission chain.
pub fn admit(a: &Attributes<'_>, obj: &mut Value, _w: &mut Vec<String>) -> Result<(), ApiError> {
    if !a.res.builtin {
        return Ok(());
    }
    // Allocations are a pure function of the stored objects, so a dry run answers what the
    // real write would store without reserving anything.
    let ctx = Ctx { server: a.server, res: a.res, old: a.old };
    apply(&ctx, obj)?;
    if a.op == Operation::Create {
        reset_on_create(a.server, a.res, obj);
    } else if let Some(old) = a.old {
        on_update(a.res, obj, old);
        // kube-apiserver compares the defaulted objects: a write that only drops defaulted
        // fields (a client-side apply of an atomic list, say) changes no spec.
        if a.res.generation {
            let changed = crate::apiserver::objects::spec_changed(old, obj);
            let g = old["metadata"]["generation"].as_i64().unwrap_or(0) + i64::from(changed);
            crate::object::meta::metadata_mut(obj).insert("generation".into(), json!(g));
        }
    }
    Ok(())
}

/// What a defaulting function may read besides the object.
pub struct Ctx<'a> {
    /// The server (for allocations that look at stored objects).
    pub server: &'a ApiServer,
    /// The resource.
    pub res: &'a Resource,
    /// The stored object an update replaces.
    pub old: Option<&'a Value>,
}

/// Defaults an object the server creates itself (the control loops and the bootstrap write to
/// the store directly; in kube-apiserver their objects are defaulted like any other).
pub fn for_internal_write(server: &ApiServer, res: &Resource, obj: &mut Value) {
    if res.builtin {
        // What the server makes itself allocates nothing that can clash.
        let _ = apply(&Ctx { server, res, old: None }, obj);
    }
}

fn apply(c: &Ctx<'_>, obj: &mut Value) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Ok(());
    }
    match (c.res.group.as_str(), c.res.kind.as_str()) {
        ("", "Pod") => pod::pod(obj),
        ("", "PodTemplate") => {
            if let Some(t) = obj.get_mut("template") {
                pod::template(t);
            }
        }
        ("", "ReplicationController") => core::replication_controller(obj),
        ("", "Service") => core::service(c, obj)?,
        ("", "PersistentVolumeClaim") => core::pvc(obj),
        ("", "PersistentVolume") => core::pv(obj),
        ("", "Secret") => core::secret(obj),
        ("", "Namespace") => core::namespace(obj),
        ("", "Endpoints") => core::endpoints(obj),
        ("", "LimitRange") => core::limit_range(obj),
        ("apps", "Deployment") => apps::deployment(obj),
        ("apps", "ReplicaSet") => apps::replica_set(obj),
        ("apps", "StatefulSet") => apps::stateful_set(obj),
        ("apps", "DaemonSet") => apps::daemon_set(obj),
        ("batch", "Job") => batch::job(c, obj),
        ("batch", "CronJob") => batch::cron_job(obj),
        ("autoscaling", "HorizontalPodAutoscaler") => other::hpa(obj),
        ("networking.k8s.io", "NetworkPolicy") => other::network_policy(obj),
        ("discovery.k8s.io", "EndpointSlice") => other::endpoint_slice(obj),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            other::role_binding(obj)
        }
        ("scheduling.k8s.io", "PriorityClass") => other::priority_class(obj),
        ("storage.k8s.io", "StorageClass") => other::storage_class(obj),
        _ => {}
    }
    Ok(())
}

/// The registry strategies' `PrepareForUpdate` bookkeeping: a DaemonSet's template
/// generation follows changes of its template.
fn on_update(res: &Resource, obj: &mut Value, old: &Value) {
    if res.group == "apps" && res.kind == "DaemonSet" {
        let key = "deprecated.daemonset.template.generation";
        let generation =
            crate::object::meta::annotation(old, key).and_then(|g| g.parse::<i64>().ok());
        let generation = generation.unwrap_or(0);
        let next = if obj["spec"]["template"] != old["spec"]["template"] {
            generation + 1
        } else {
            generation
        };
        if next > 0 {
            crate::object::meta::set_annotation(obj, key, &next.to_string());
        }
    }
}

/// The registry strategies' `PrepareForCreate`: a new object starts with the status its
/// kind starts with (whatever the client sent), and the bookkeeping some kinds keep.
fn reset_on_create(server: &ApiServer, res: &Resource, obj: &mut Value) {
    match (res.group.as_str(), res.kind.as_str()) {
        ("apps", "DaemonSet") => crate::object::meta::set_annotation(
            obj,
            "deprecated.daemonset.template.generation",
            "1",
        ),
        ("", "PersistentVolume") => {
            let now = crate::apiserver::clock::timestamp(server.clock().now());
            obj_at(obj, "status").insert("lastPhaseTransitionTime".into(), json!(now));
            return;
        }
        _ => {}
    }
    let status = match (res.group.as_str(), res.kind.as_str()) {
        ("apps", "Deployment") | ("batch", "Job" | "CronJob") => json!({}),
        ("apps", "ReplicaSet") | ("", "ReplicationController") => json!({"replicas": 0}),
        ("apps", "StatefulSet") => json!({"availableReplicas": 0, "replicas": 0}),
        ("apps", "DaemonSet") => json!({"currentNumberScheduled": 0, "desiredNumberScheduled": 0,
            "numberMisscheduled": 0, "numberReady": 0}),
        ("", "Pod") => json!({"phase": "Pending", "qosClass": pod::qos_class(&obj["spec"])}),
        ("", "Service") | ("networking.k8s.io", "Ingress") => json!({"loadBalancer": {}}),
        ("", "PersistentVolumeClaim" | "PersistentVolume") => json!({"phase": "Pending"}),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            json!({"currentMetrics": null, "desiredReplicas": 0})
        }
        ("policy", "PodDisruptionBudget") => json!({
            "currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0
        }),
        ("", "ResourceQuota") => json!({}),
        _ => return,
    };
    if let Some(m) = obj.as_object_mut() {
        m.insert("status".into(), status);
    }
}

/// The object map at `v`, made an object first when absent or null.
pub(crate) fn obj_at<'v>(v: &'v mut Value, key: &str) -> &'v mut Map<String, Value> {
    if !v.is_object() {
        *v = json!({});
    }
    let m = v.as_object_mut().expect("made an object above");
    let e = m.entry(key.to_string()).or_insert_with(|| json!({}));
    if !e.is_object() {
        *e = json!({});
    }
    e.as_object_mut().expect("made an object above")
}

/// The value at `key` of a map, `Null` when absent (indexing a `Map` would panic).
pub(crate) fn at<'m>(m: &'m Map<String, Value>, key: &str) -> &'m Value {
    m.get(key).unwrap_or(&Value::Null)
}

/// Sets `key` to `v` when absent or null.
pub(crate) fn or_set(m: &mut Map<String, Value>, key: &str, v: Value) {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.into(), v);
    }
}

/// Sets `key` to `v` when absent, null or an empty string.
pub(crate) fn or_set_str(m: &mut Map<String, Value>, key: &str, v: &str) {
    if m.get(key).is_none_or(|x| x.is_null() || x.as_str() == Some("")) {
        m.insert(key.into(), Value::String(v.into()));
    }
}

/// The array at `key` (when there is one), for defaulting each element.
pub(crate) fn each<'v>(
    m: &'v mut Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'v mut Value> {
    m.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten()
}

/// The labels of an object or template, absent ones as an empty map.
pub(crate) fn labels_of(obj: &Value) -> Map<String, Value> {
    obj["metadata"]["labels"].as_object().cloned().unwrap_or_default()
}
