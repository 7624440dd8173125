//! The DaemonSet controller: exactly one pod per eligible node (the template's
//! `nodeSelector`, required node affinity and tolerations, plus the tolerations kube adds to
//! daemon pods), created when a node joins or becomes eligible and removed when it leaves;
//! each pod is pinned to its node with a `matchFields` node affinity, as upstream, and bound
//! by the scheduler. Rolling updates replace out-of-date pods `maxUnavailable` at a time.

use super::pod::Pod;
use super::replicaset::pod_from_template;
use super::scheduler::unfit;
use super::util::{int_or_percent, template_hash, terminating};
use super::{ControllerError, Manager, nodes, str_at};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The event source of the DaemonSet controller.
pub const SOURCE: &str = "daemonset-controller";

/// The tolerations kube-controller-manager adds to every daemon pod.
fn daemon_tolerations() -> Vec<Value> {
    let mut t = vec![
        json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}),
        json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}),
    ];
    for k in ["disk-pressure", "memory-pressure", "pid-pressure", "unschedulable"] {
        t.push(json!({"key": format!("node.kubernetes.io/{k}"), "operator": "Exists", "effect": "NoSchedule"}));
    }
    t
}

fn node_of(pod: &Pod) -> Option<String> {
    if let Some(n) = pod.node() {
        return Some(n.to_string());
    }
    let terms = &pod.spec.affinity.as_ref()?["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    terms[0]["matchFields"][0]["values"][0].as_str().map(String::from)
}

/// Syncs every DaemonSet.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let sets = m.objects("apps", "daemonsets");
    if sets.is_empty() {
        return Ok(());
    }
    let mut by_owner = m.pods_by_owner();
    for ds in sets {
        let owned = by_owner.remove(str_at(&ds, "uid")).unwrap_or_default();
        if terminating(&ds) {
            continue;
        }
        if ds["spec"]["updateStrategy"]["type"].is_null() {
            // kube-apiserver's defaulting, which clients such as `kubectl rollout` rely on.
            let mut new = (*ds).clone();
            new["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}});
            if new["spec"]["revisionHistoryLimit"].is_null() {
                new["spec"]["revisionHistoryLimit"] = json!(10);
            }
            m.update("apps", "daemonsets", &ds, new)?;
            continue;
        }
        sync_one(m, &ds, owned)?;
    }
    Ok(())
}

fn sync_one(m: &mut Manager, ds: &Value, owned: Vec<Arc<Pod>>) -> Result<(), ControllerError> {
    let hash = template_hash(&ds["spec"]["template"], None);
    let generation = ds["metadata"]["generation"].as_i64().unwrap_or(1);
    let mut tmpl = ds["spec"]["template"].clone();
    let tol = tmpl["spec"]["tolerations"].as_array().cloned().unwrap_or_default();
    let mut all_tol = tol.clone();
    all_tol.extend(daemon_tolerations());
    tmpl["spec"]["tolerations"] = Value::Array(all_tol);
    let labels = &mut tmpl["metadata"]["labels"];
    if !labels.is_object() {
        *labels = json!({});
    }
    labels["controller-revision-hash"] = json!(hash);
    labels["pod-template-generation"] = json!(generation.to_string());

    let nodes: Vec<Arc<Value>> =
        m.objects("", "nodes").into_iter().filter(|n| nodes::node_ready(n)).collect();
    let eligible: Vec<String> = nodes
        .iter()
        .filter(|n| unfit(&tmpl, n).is_none())
        .map(|n| str_at(n, "name").to_string())
        .collect();
    let mut by_node: BTreeMap<String, Vec<Arc<Pod>>> = BTreeMap::new();
    let mut misscheduled = 0;
    for p in owned.iter().filter(|p| p.active()) {
        match node_of(p) {
            Some(n) if eligible.contains(&n) => by_node.entry(n).or_default().push(p.clone()),
            _ => {
                misscheduled += 1;
                m.delete("", "pods", p.namespace(), p.name())?;
                let msg = format!("Deleted pod: {}", p.name());
                m.event(ds, "Normal", "SuccessfulDelete", &msg, SOURCE);
            }
        }
    }
    // Failed daemon pods are replaced.
    for p in owned.iter().filter(|p| p.phase() == "Failed" && !p.terminating()) {
        m.delete("", "pods", p.namespace(), p.name())?;
    }
    for node in &eligible {
        let list = by_node.entry(node.clone()).or_default();
        if list.is_empty() {
            let mut t = tmpl.clone();
            t["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = json!({
                "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]});
            let pod = pod_from_template(ds, &t, None);
            if let Some(p) = m.create_pod(pod)? {
                let msg = format!("Created pod: {}", p.name());
                m.event(ds, "Normal", "SuccessfulCreate", &msg, SOURCE);
                list.push(p);
            }
        } else if list.len() > 1 {
            // Keep the oldest.
            list.sort_by_key(|p| (p.metadata.creation_timestamp.clone(), p.name().to_string()));
            for p in list.split_off(1) {
                m.delete("", "pods", p.namespace(), p.name())?;
                let msg = format!("Deleted pod: {}", p.name());
                m.event(ds, "Normal", "SuccessfulDelete", &msg, SOURCE);
            }
        }
    }
    // Rolling update: out-of-date pods go while the unavailable budget allows.
    let desired = eligible.len() as i64;
    if ds["spec"]["updateStrategy"]["type"].as_str() != Some("OnDelete") {
        let max_unavailable = int_or_percent(
            &ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"],
            desired,
            "1",
            true,
        )
        .max(1);
        let unavailable = eligible
            .iter()
            .filter(|n| !by_node.get(*n).is_some_and(|l| l.iter().any(|p| p.ready())))
            .count() as i64;
        let mut budget = max_unavailable - unavailable;
        for node in &eligible {
            if budget <= 0 {
                break;
            }
            let Some(list) = by_node.get_mut(node) else { continue };
            if let Some(p) = list.first().cloned()
                && p.label("controller-revision-hash") != Some(hash.as_str())
                && p.ready()
            {
                m.delete("", "pods", p.namespace(), p.name())?;
                let msg = format!("Deleted pod: {}", p.name());
                m.event(ds, "Normal", "SuccessfulDelete", &msg, SOURCE);
                list.clear();
                budget -= 1;
            }
        }
    }
    let pods: Vec<&Arc<Pod>> = by_node.values().flatten().collect();
    let scheduled = pods.len() as i64;
    let ready = pods.iter().filter(|p| p.ready()).count() as i64;
    let updated =
        pods.iter().filter(|p| p.label("controller-revision-hash") == Some(hash.as_str())).count()
            as i64;
    let mut status = json!({"currentNumberScheduled": scheduled, "desiredNumberScheduled": desired,
        "numberMisscheduled": misscheduled, "numberReady": ready, "observedGeneration": generation,
        "updatedNumberScheduled": updated, "numberAvailable": ready});
    if ready == 0 {
        status.as_object_mut().map(|s| s.remove("numberAvailable"));
    }
    if desired - ready > 0 {
        status["numberUnavailable"] = json!(desired - ready);
    }
    if ds["status"] != status {
        let mut new = ds.clone();
        new["status"] = status;
        m.update("apps", "daemonsets", ds, new)?;
    }
    Ok(())
}
