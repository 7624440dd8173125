//! The ReplicaSet controller: keeps `spec.replicas` active pods matching the selector, named
//! `<rs>-<5 random chars>` and owned by the ReplicaSet; adopts matching orphans, releases
//! owned pods that stop matching, deletes the least valuable pods first on scale-down, and
//! writes `status` (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
//! observedGeneration). Also home of the pod-from-template helper the other workload
//! controllers share.

use super::pod::Pod;
use super::util::{owner_ref, terminating};
use super::{ControllerError, Manager, str_at};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The event source of the ReplicaSet controller.
pub const SOURCE: &str = "replicaset-controller";

/// Builds a pod from `template`, owned by `owner`, in the owner's namespace. `name` is the
/// pod's name, or `None` for `<owner>-<5 chars>`.
pub fn pod_from_template(owner: &Value, template: &Value, name: Option<&str>) -> Value {
    let tmeta = &template["metadata"];
    let mut meta = Map::new();
    match name {
        Some(n) => meta.insert("name".into(), json!(n)),
        None => meta.insert("generateName".into(), json!(format!("{}-", str_at(owner, "name")))),
    };
    meta.insert("namespace".into(), json!(str_at(owner, "namespace")));
    for f in ["labels", "annotations"] {
        if let Some(v) = tmeta.get(f).filter(|v| v.as_object().is_some_and(|o| !o.is_empty())) {
            meta.insert(f.into(), v.clone());
        }
    }
    meta.insert("ownerReferences".into(), json!([owner_ref(owner)]));
    let mut spec = template["spec"].clone();
    if !spec.is_object() {
        spec = json!({});
    }
    for (k, v) in [
        ("restartPolicy", json!("Always")),
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("securityContext", json!({})),
    ] {
        if spec.get(k).is_none() {
            spec[k] = v;
        }
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
        "status": {"phase": "Pending", "qosClass": "BestEffort"}})
}

/// True when the pod has been Ready for at least `min_ready` seconds.
pub fn pod_available(m: &Manager, pod: &Pod, min_ready: i64) -> bool {
    if !pod.ready() {
        return false;
    }
    if min_ready <= 0 {
        return true;
    }
    let since = pod
        .condition("Ready")
        .and_then(|c| c.last_transition_time.as_deref())
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    since.is_some_and(|s| m.now() >= s + chrono::Duration::seconds(min_ready))
}

/// Adopts orphans matching `selector` and releases owned pods that do not match; returns
/// the owner's pods afterwards.
pub fn claim_pods(
    m: &mut Manager,
    owner: &Value,
    selector: &Value,
    owned: Vec<Arc<Pod>>,
) -> Result<Vec<Arc<Pod>>, ControllerError> {
    let uid = str_at(owner, "uid").to_string();
    let mut out = Vec::new();
    for p in owned {
        if p.terminating() || p.matches(selector) {
            out.push(p);
            continue;
        }
        m.update_pod(&p, |new| {
            if let Some(refs) = new["metadata"]["ownerReferences"].as_array_mut() {
                refs.retain(|r| r["uid"] != uid.as_str());
                if refs.is_empty() {
                    crate::object::meta::metadata_mut(new).remove("ownerReferences");
                }
            }
        })?;
    }
    if terminating(owner) {
        return Ok(out);
    }
    let ns = str_at(owner, "namespace");
    let orphans: Vec<Arc<Pod>> = m
        .pods_in(ns)
        .filter(|p| p.controller_uid().is_none() && p.active() && p.matches(selector))
        .cloned()
        .collect();
    for p in orphans {
        let adopted = m.update_pod(&p, |new| {
            let meta = crate::object::meta::metadata_mut(new);
            let refs = meta.entry("ownerReferences").or_insert_with(|| json!([]));
            if let Some(a) = refs.as_array_mut() {
                a.push(owner_ref(owner));
            }
        })?;
        if let Some(adopted) = adopted {
            out.push(adopted);
        }
    }
    Ok(out)
}

/// Orders pods for deletion: unscheduled, pending, not ready, then the most recently created
/// first (kube-controller-manager's ActivePods ranking, simplified).
pub fn deletion_rank(p: &Pod) -> (u8, u8, u8, std::cmp::Reverse<(String, String)>) {
    let phase = match p.phase() {
        "Pending" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    (
        u8::from(p.node().is_some()),
        phase,
        u8::from(p.ready()),
        std::cmp::Reverse((p.metadata.creation_timestamp.clone(), p.name().to_string())),
    )
}

/// Syncs every ReplicaSet.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let rss = m.objects("apps", "replicasets");
    if rss.is_empty() {
        return Ok(());
    }
    let mut by_owner = m.pods_by_owner();
    for rs in rss {
        let owned = by_owner.remove(str_at(&rs, "uid")).unwrap_or_default();
        sync_one(m, &rs, owned)?;
    }
    Ok(())
}

fn sync_one(m: &mut Manager, rs: &Value, owned: Vec<Arc<Pod>>) -> Result<(), ControllerError> {
    let selector = &rs["spec"]["selector"];
    let pods = claim_pods(m, rs, selector, owned)?;
    let mut active: Vec<Arc<Pod>> = pods.into_iter().filter(|p| p.active()).collect();
    let want = rs["spec"]["replicas"].as_i64().unwrap_or(1).max(0) as usize;
    if !terminating(rs) {
        if active.len() < want {
            let template = pod_from_template(rs, &rs["spec"]["template"], None);
            for _ in active.len()..want {
                if let Some(p) = m.create_pod(template.clone())? {
                    let msg = format!("Created pod: {}", p.name());
                    m.event(rs, "Normal", "SuccessfulCreate", &msg, SOURCE);
                    active.push(p);
                }
            }
        } else if active.len() > want {
            active.sort_by_key(|p| deletion_rank(p));
            let doomed: Vec<Arc<Pod>> = active.drain(..active.len() - want).collect();
            for p in doomed {
                m.delete("", "pods", p.namespace(), p.name())?;
                let msg = format!("Deleted pod: {}", p.name());
                m.event(rs, "Normal", "SuccessfulDelete", &msg, SOURCE);
            }
        }
    }
    let min_ready = rs["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
    let tlabels = &rs["spec"]["template"]["metadata"]["labels"];
    let fully = active
        .iter()
        .filter(|p| {
            tlabels.as_object().is_none_or(|tl| tl.iter().all(|(k, v)| p.label(k) == v.as_str()))
        })
        .count();
    let ready = active.iter().filter(|p| p.ready()).count();
    let available = active.iter().filter(|p| pod_available(m, p, min_ready)).count();
    let mut status = json!({"replicas": active.len()});
    for (k, v) in [
        ("fullyLabeledReplicas", fully),
        ("readyReplicas", ready),
        ("availableReplicas", available),
    ] {
        if v > 0 {
            status[k] = json!(v);
        }
    }
    status["observedGeneration"] = rs["metadata"]["generation"].clone();
    if rs["status"] != status {
        let mut new = rs.clone();
        new["status"] = status;
        m.update("apps", "replicasets", rs, new)?;
    }
    Ok(())
}
