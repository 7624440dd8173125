//! The DaemonSet controller: exactly one pod per eligible node (the template's
//! `nodeSelector`, required node affinity and tolerations, plus the tolerations kube adds to
//! daemon pods), created when a node joins or becomes eligible and removed when it leaves;
//! each pod is pinned to its node with a `matchFields` node affinity, as upstream, and bound
//! by the scheduler. Rolling updates replace out-of-date pods `maxUnavailable` at a time, or
//! with `maxSurge` start the updated pod next to the old one, which goes once the new one
//! is available.

use super::pod::Pod;
use super::replicaset::{pod_available, pod_from_template};
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
    let desired = eligible.len() as i64;
    let rolling = ds["spec"]["updateStrategy"]["type"].as_str() != Some("OnDelete");
    let ru = &ds["spec"]["updateStrategy"]["rollingUpdate"];
    let max_surge = if rolling { int_or_percent(&ru["maxSurge"], desired, "0", true) } else { 0 };
    let min_ready = ds["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
    let updated = |p: &Pod| p.label("controller-revision-hash") == Some(hash.as_str());
    let mut create: Vec<String> = Vec::new();
    let mut delete: Vec<Arc<Pod>> = Vec::new();
    for node in &eligible {
        let list = by_node.entry(node.clone()).or_default();
        // Oldest first; at the same second an out-of-date pod is the older.
        list.sort_by_key(|p| {
            (p.metadata.creation_timestamp.clone(), updated(p), p.name().to_string())
        });
        // With surge, an updated pod may run next to the old one it replaces.
        let surging =
            max_surge > 0 && list.len() == 2 && list.iter().filter(|p| updated(p)).count() == 1;
        if list.is_empty() {
            create.push(node.clone());
        } else if list.len() > 1 && !surging {
            // Keep the oldest.
            delete.extend(list.split_off(1));
        }
    }
    if rolling && max_surge > 0 {
        // Surge: an updated pod starts next to each old one (at most maxSurge nodes at a
        // time); the old pod goes once the new one is available.
        let mut surged = 0;
        let mut candidates = Vec::new();
        for node in &eligible {
            let Some(list) = by_node.get(node) else { continue };
            let new = list.iter().find(|p| updated(p));
            let old = list.iter().find(|p| !updated(p));
            match (old, new) {
                (None, _) => {}
                (Some(old), None) => {
                    if pod_available(m, old, min_ready) {
                        candidates.push(node.clone());
                    } else {
                        create.push(node.clone());
                    }
                }
                (Some(old), Some(new)) => {
                    if pod_available(m, new, min_ready) {
                        delete.push(old.clone());
                    } else {
                        surged += 1;
                    }
                }
            }
        }
        let room = (max_surge - surged).clamp(0, candidates.len() as i64) as usize;
        create.extend(candidates.into_iter().take(room));
    } else if rolling {
        // Out-of-date pods go while the unavailable budget allows.
        let max_unavailable = int_or_percent(&ru["maxUnavailable"], desired, "1", true).max(1);
        let unavailable = eligible
            .iter()
            .filter(|n| !by_node.get(*n).is_some_and(|l| l.iter().any(|p| p.ready())))
            .count() as i64;
        let mut budget = max_unavailable - unavailable;
        for node in &eligible {
            if budget <= 0 {
                break;
            }
            if let Some(p) = by_node.get(node).and_then(|l| l.first())
                && !updated(p)
                && p.ready()
                && !delete.iter().any(|d| d.name() == p.name())
            {
                delete.push(p.clone());
                budget -= 1;
            }
        }
    }
    // As upstream: the creations, then the deletions.
    for node in create {
        let mut t = tmpl.clone();
        t["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = json!({
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]});
        let pod = pod_from_template(ds, &t, None);
        if let Some(p) = m.create_pod(pod)? {
            let msg = format!("Created pod: {}", p.name());
            m.event(ds, "Normal", "SuccessfulCreate", &msg, SOURCE);
            by_node.entry(node).or_default().push(p);
        }
    }
    for p in delete {
        m.delete("", "pods", p.namespace(), p.name())?;
        let msg = format!("Deleted pod: {}", p.name());
        m.event(ds, "Normal", "SuccessfulDelete", &msg, SOURCE);
        for list in by_node.values_mut() {
            list.retain(|q| q.name() != p.name());
        }
    }
    // Each node counts by its oldest pod.
    let oldest: Vec<&Arc<Pod>> = by_node.values().filter_map(|l| l.first()).collect();
    let scheduled = oldest.len() as i64;
    let ready = oldest.iter().filter(|p| p.ready()).count() as i64;
    let available = oldest.iter().filter(|p| pod_available(m, p, min_ready)).count() as i64;
    let updated = oldest.iter().filter(|p| updated(p)).count() as i64;
    let mut status = json!({"currentNumberScheduled": scheduled, "desiredNumberScheduled": desired,
        "numberMisscheduled": misscheduled, "numberReady": ready, "observedGeneration": generation,
        "updatedNumberScheduled": updated, "numberAvailable": available});
    if available == 0 {
        status.as_object_mut().map(|s| s.remove("numberAvailable"));
    }
    if desired - available > 0 {
        status["numberUnavailable"] = json!(desired - available);
    }
    if ds["status"] != status {
        let mut new = ds.clone();
        new["status"] = status;
        m.update("apps", "daemonsets", ds, new)?;
    }
    Ok(())
}
