//! The controllers' view of a Pod: a small typed struct holding only what the scheduler, the
//! simulated kubelet, the workload controllers and the garbage collector decide on (identity,
//! labels, owners, the kctl annotations, scheduling constraints, requests, phase and
//! conditions), decoded straight from the stored JSON. The manager caches these instead of
//! whole pods, so ten thousand pods cost a few megabytes; a controller that writes a pod
//! reads the stored object and changes it there (see [`super::Manager::update_pod`]).

use super::util::{cpu_millis, memory_bytes};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Annotation prefixes the controllers read; every other annotation is dropped on decode.
const KEPT_ANNOTATIONS: &[&str] = &["kctl.dev/", "batch.kubernetes.io/"];

/// A cached pod.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    /// The resourceVersion of the cached state.
    #[serde(skip)]
    pub rv: u64,
    /// Identity and ownership.
    #[serde(deserialize_with = "nullable")]
    pub metadata: Meta,
    /// What the scheduler and the kubelet read of the spec.
    #[serde(deserialize_with = "nullable")]
    pub spec: Spec,
    /// What the controllers read of the status.
    #[serde(deserialize_with = "nullable")]
    pub status: Status,
}

/// A pod's metadata, as far as the controllers read it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.uid`.
    pub uid: String,
    /// `metadata.creationTimestamp`.
    pub creation_timestamp: String,
    /// `metadata.deletionTimestamp`.
    pub deletion_timestamp: Option<String>,
    /// `metadata.deletionGracePeriodSeconds`.
    pub deletion_grace_period_seconds: Option<i64>,
    /// `metadata.labels`.
    #[serde(deserialize_with = "nullable")]
    pub labels: BTreeMap<String, String>,
    /// The `kctl.dev/…` and `batch.kubernetes.io/…` annotations.
    #[serde(deserialize_with = "kept_annotations")]
    pub annotations: BTreeMap<String, String>,
    /// `metadata.ownerReferences`.
    #[serde(deserialize_with = "nullable")]
    pub owner_references: Vec<OwnerRef>,
    /// `metadata.finalizers`.
    #[serde(deserialize_with = "nullable")]
    pub finalizers: Vec<String>,
}

/// An owner reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OwnerRef {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `name`.
    pub name: String,
    /// `uid`.
    pub uid: String,
    /// `controller`.
    pub controller: Option<bool>,
    /// `blockOwnerDeletion`.
    pub block_owner_deletion: Option<bool>,
}

impl OwnerRef {
    /// The owner references of any object.
    pub fn all_of(obj: &Value) -> Vec<OwnerRef> {
        Vec::<OwnerRef>::deserialize(&obj["metadata"]["ownerReferences"]).unwrap_or_default()
    }
}

/// What the controllers read of a pod's spec.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    /// `spec.nodeName`.
    pub node_name: Option<String>,
    /// `spec.nodeSelector`.
    pub node_selector: Option<Value>,
    /// `spec.affinity`.
    pub affinity: Option<Value>,
    /// `spec.tolerations`.
    pub tolerations: Option<Value>,
    /// The containers' names and summed requests.
    #[serde(deserialize_with = "containers")]
    pub containers: Containers,
}

/// What the controllers read of a pod's containers.
#[derive(Debug, Clone, Default)]
pub struct Containers {
    /// The containers' names, in order.
    pub names: Vec<String>,
    /// Their summed requests.
    pub requests: Requests,
}

/// Summed CPU and memory requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requests {
    /// Millicores.
    pub cpu: i64,
    /// Bytes.
    pub mem: i64,
}

/// What the controllers read of a pod's status.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    /// `status.phase`.
    pub phase: Option<String>,
    /// `status.podIP`.
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    /// `status.startTime`.
    pub start_time: Option<String>,
    /// `status.conditions`.
    #[serde(deserialize_with = "nullable")]
    pub conditions: Vec<Condition>,
    /// `status.containerStatuses`, as far as how containers ended.
    #[serde(deserialize_with = "nullable")]
    pub container_statuses: Vec<ContainerStatus>,
}

/// A pod condition.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `status`.
    pub status: String,
    /// `reason`.
    pub reason: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `lastTransitionTime`.
    pub last_transition_time: Option<String>,
}

/// A container status, as far as how the container ended.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    /// The container's name.
    pub name: String,
    /// `state.terminated`, when it has ended.
    #[serde(deserialize_with = "terminated_state", rename = "state")]
    pub terminated: Option<Terminated>,
}

/// How a container ended.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Terminated {
    /// `exitCode`.
    pub exit_code: i64,
    /// `finishedAt`.
    pub finished_at: Option<String>,
}

fn kept_annotations<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let all = Option::<BTreeMap<String, Value>>::deserialize(d)?.unwrap_or_default();
    Ok(all
        .into_iter()
        .filter(|(k, _)| KEPT_ANNOTATIONS.iter().any(|p| k.starts_with(p)))
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect())
}

fn containers<'de, D: Deserializer<'de>>(d: D) -> Result<Containers, D::Error> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Container {
        name: String,
        resources: Resources,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Resources {
        requests: Option<BTreeMap<String, Value>>,
    }
    let cs = Option::<Vec<Container>>::deserialize(d)?.unwrap_or_default();
    let mut out = Containers::default();
    for c in cs {
        out.names.push(c.name);
        let r = c.resources.requests.unwrap_or_default();
        out.requests.cpu += match r.get("cpu") {
            Some(Value::String(s)) => cpu_millis(s),
            Some(v) => v.as_i64().unwrap_or(0) * 1000,
            None => 0,
        };
        out.requests.mem += match r.get("memory") {
            Some(Value::String(s)) => memory_bytes(s),
            Some(v) => v.as_i64().unwrap_or(0),
            None => 0,
        };
    }
    Ok(out)
}

fn terminated_state<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Terminated>, D::Error> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct State {
        terminated: Option<Terminated>,
    }
    Ok(Option::<State>::deserialize(d)?.and_then(|s| s.terminated))
}

/// Deserialises a null field as its default (Go clients write `labels: null`).
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl Pod {
    /// Decodes a pod from its stored JSON (at resourceVersion `rv`).
    pub fn from_json(json: &[u8], rv: u64) -> Pod {
        let mut p: Pod = serde_json::from_slice(json).unwrap_or_default();
        p.rv = rv;
        p
    }

    /// Decodes a pod from a value (at resourceVersion `rv`).
    pub fn from_value(v: &Value, rv: u64) -> Pod {
        let mut p = Pod::deserialize(v).unwrap_or_default();
        p.rv = rv;
        p
    }

    /// The pod's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The pod's namespace.
    pub fn namespace(&self) -> &str {
        &self.metadata.namespace
    }

    /// The pod's uid.
    pub fn uid(&self) -> &str {
        &self.metadata.uid
    }

    /// A label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.metadata.labels.get(key).map(String::as_str)
    }

    /// A kept annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata.annotations.get(key).map(String::as_str)
    }

    /// True when the pod's labels satisfy a `LabelSelector` object.
    pub fn matches(&self, selector: &Value) -> bool {
        super::util::selector_matches_with(selector, |k| self.label(k))
    }

    /// The node the pod is bound to.
    pub fn node(&self) -> Option<&str> {
        self.spec.node_name.as_deref().filter(|n| !n.is_empty())
    }

    /// The phase (empty when unset).
    pub fn phase(&self) -> &str {
        self.status.phase.as_deref().unwrap_or_default()
    }

    /// The controlling owner reference.
    pub fn controller_ref(&self) -> Option<&OwnerRef> {
        self.metadata.owner_references.iter().find(|r| r.controller == Some(true))
    }

    /// The uid of the controlling owner.
    pub fn controller_uid(&self) -> Option<&str> {
        self.controller_ref().map(|r| r.uid.as_str())
    }

    /// True when the pod is marked for deletion.
    pub fn terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }

    /// True when the pod has finished (Succeeded or Failed).
    pub fn finished(&self) -> bool {
        matches!(self.phase(), "Succeeded" | "Failed")
    }

    /// True when the pod counts towards a controller's replicas: not finished, not terminating.
    pub fn active(&self) -> bool {
        !self.finished() && !self.terminating()
    }

    /// A condition by type.
    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.status.conditions.iter().find(|c| c.kind == kind)
    }

    /// True when the `Ready` condition is `True`.
    pub fn ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    /// True when the pod sets no node selector, affinity or tolerations.
    pub fn unconstrained(&self) -> bool {
        self.spec.node_selector.is_none()
            && self.spec.affinity.is_none()
            && self.spec.tolerations.is_none()
    }

    /// The scheduling constraints as a pod-shaped value (`{"spec": {nodeSelector, …}}`),
    /// for [`super::scheduler::unfit`].
    pub fn constraints(&self) -> Value {
        let mut spec = serde_json::Map::new();
        for (k, v) in [
            ("nodeSelector", &self.spec.node_selector),
            ("affinity", &self.spec.affinity),
            ("tolerations", &self.spec.tolerations),
        ] {
            if let Some(v) = v {
                spec.insert(k.into(), v.clone());
            }
        }
        json!({ "spec": spec })
    }

    /// A minimal object naming this pod, for events' `involvedObject`.
    pub fn reference(&self) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": self.metadata.name, "namespace": self.metadata.namespace,
            "uid": self.metadata.uid, "resourceVersion": self.rv.to_string()}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_only_what_controllers_read() {
        let v = json!({"metadata": {"name": "p", "namespace": "ns", "uid": "u",
            "labels": {"app": "a"}, "annotations": {"kctl.dev/exit-code": "1", "other": "x"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "o", "controller": true}],
            "deletionTimestamp": null},
            "spec": {"nodeName": "n", "containers": [{"name": "c", "resources": {"requests": {"cpu": "500m", "memory": "1Mi"}}},
                {"name": "d", "resources": {"requests": {"cpu": 1}}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "c", "state": {"terminated": {"exitCode": 2}}}]}});
        let p = Pod::from_json(&serde_json::to_vec(&v).unwrap(), 7);
        assert_eq!((p.rv, p.name(), p.namespace(), p.node()), (7, "p", "ns", Some("n")));
        assert_eq!(p.annotation("kctl.dev/exit-code"), Some("1"));
        assert_eq!(p.annotation("other"), None);
        assert_eq!(p.controller_uid(), Some("o"));
        assert_eq!(p.spec.containers.requests, Requests { cpu: 1500, mem: 1 << 20 });
        assert_eq!(p.spec.containers.names, ["c", "d"]);
        assert!(p.ready() && p.active() && !p.terminating() && p.unconstrained());
        assert_eq!(p.status.container_statuses[0].terminated.as_ref().unwrap().exit_code, 2);
        let empty = Pod::from_json(b"{\"metadata\": null, \"spec\": {\"containers\": null}}", 1);
        assert_eq!(empty.name(), "");
    }
}
