//! The StatefulSet controller: pods `<name>-0 … <name>-(N-1)` with a stable identity
//! (`hostname`, `subdomain` = `serviceName`), created in order — the next only once the
//! previous is Running and Ready — and deleted in reverse order (or all at once with
//! `podManagementPolicy: Parallel`); one PVC per pod and volumeClaimTemplate named
//! `<template>-<name>-<ordinal>`, kept when its pod goes and re-used when it returns;
//! revisions as ControllerRevisions (`controller-revision-hash`), rolled out in reverse
//! ordinal order down to `partition`.
//!
//! `persistentVolumeClaimRetentionPolicy` decides what becomes of the claims: with
//! `whenDeleted: Delete` every claim is owned by the StatefulSet (the garbage collector
//! removes them with it); with `whenScaled: Delete` the claims of a pod condemned by a scale
//! down are owned by that pod before it is deleted, so they go once it is gone. `Retain`
//! (the default for both) leaves them for the pod that comes back.

use super::pod::Pod;
use super::replicaset::pod_from_template;
use super::util::{owner_ref, template_hash, terminating};
use super::{ControllerError, Manager, str_at};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The event source of the StatefulSet controller.
pub const SOURCE: &str = "statefulset-controller";

fn ordinal(sts: &str, pod: &str) -> Option<i64> {
    pod.strip_prefix(sts)?.strip_prefix('-')?.parse().ok()
}

/// Syncs every StatefulSet.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let sets = m.objects("apps", "statefulsets");
    if sets.is_empty() {
        return Ok(());
    }
    let mut by_owner = m.pods_by_owner();
    for sts in sets {
        let owned = by_owner.remove(str_at(&sts, "uid")).unwrap_or_default();
        if terminating(&sts) {
            continue;
        }
        if sts["spec"]["updateStrategy"]["type"].is_null()
            || sts["spec"]["podManagementPolicy"].is_null()
            || sts["spec"]["persistentVolumeClaimRetentionPolicy"].is_null()
        {
            // kube-apiserver's defaulting, which clients such as `kubectl rollout` rely on.
            let mut new = (*sts).clone();
            if new["spec"]["updateStrategy"]["type"].is_null() {
                let partition = sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
                    .as_i64()
                    .unwrap_or(0);
                new["spec"]["updateStrategy"] =
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}});
            }
            if new["spec"]["podManagementPolicy"].is_null() {
                new["spec"]["podManagementPolicy"] = json!("OrderedReady");
            }
            if new["spec"]["revisionHistoryLimit"].is_null() {
                new["spec"]["revisionHistoryLimit"] = json!(10);
            }
            let policy = &mut new["spec"]["persistentVolumeClaimRetentionPolicy"];
            for f in ["whenDeleted", "whenScaled"] {
                if policy[f].is_null() {
                    policy[f] = json!("Retain");
                }
            }
            m.update("apps", "statefulsets", &sts, new)?;
            continue;
        }
        sync_one(m, &sts, owned)?;
    }
    Ok(())
}

/// Ensures the ControllerRevision of `template` exists; returns its name.
fn revision(m: &mut Manager, sts: &Value, template: &Value) -> Result<String, ControllerError> {
    let hash = template_hash(template, None);
    let name = format!("{}-{hash}", str_at(sts, "name"));
    let ns = str_at(sts, "namespace");
    if m.cached("apps", "controllerrevisions", ns, &name).is_none() {
        let number = m
            .objects_in("apps", "controllerrevisions", ns)
            .iter()
            .filter(|r| r["metadata"]["ownerReferences"][0]["uid"] == str_at(sts, "uid"))
            .filter_map(|r| r["revision"].as_i64())
            .max()
            .unwrap_or(0)
            + 1;
        let mut labels = sts["spec"]["selector"]["matchLabels"].clone();
        if !labels.is_object() {
            labels = json!({});
        }
        labels["controller.kubernetes.io/hash"] = json!(hash);
        let cr = json!({"apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": name, "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(sts)]},
            "data": {"spec": {"template": template}}, "revision": number});
        m.create("apps", "controllerrevisions", cr)?;
    }
    Ok(name)
}

fn pod_for(m: &Manager, sts: &Value, i: i64, rev: &str) -> Value {
    let name = str_at(sts, "name");
    let ns = str_at(sts, "namespace");
    let template = m
        .cached("apps", "controllerrevisions", ns, rev)
        .map(|cr| cr["data"]["spec"]["template"].clone())
        .unwrap_or_else(|| sts["spec"]["template"].clone());
    let pod_name = format!("{name}-{i}");
    let mut pod = pod_from_template(sts, &template, Some(&pod_name));
    let labels = &mut pod["metadata"]["labels"];
    if !labels.is_object() {
        *labels = json!({});
    }
    labels["controller-revision-hash"] = json!(rev);
    labels["apps.kubernetes.io/pod-index"] = json!(i.to_string());
    labels["statefulset.kubernetes.io/pod-name"] = json!(pod_name);
    pod["spec"]["hostname"] = json!(pod_name);
    if let Some(svc) = sts["spec"]["serviceName"].as_str().filter(|s| !s.is_empty()) {
        pod["spec"]["subdomain"] = json!(svc);
    }
    for t in sts["spec"]["volumeClaimTemplates"].as_array().into_iter().flatten() {
        let claim = format!("{}-{pod_name}", t["metadata"]["name"].as_str().unwrap_or_default());
        let vols = &mut pod["spec"]["volumes"];
        if !vols.is_array() {
            *vols = json!([]);
        }
        if let Some(a) = vols.as_array_mut() {
            a.retain(|v| v["name"] != t["metadata"]["name"]);
            a.push(json!({"name": t["metadata"]["name"], "persistentVolumeClaim": {"claimName": claim}}));
        }
    }
    pod
}

fn ensure_claims(m: &mut Manager, sts: &Value, i: i64) -> Result<(), ControllerError> {
    let name = str_at(sts, "name");
    let ns = str_at(sts, "namespace");
    for t in sts["spec"]["volumeClaimTemplates"].as_array().cloned().unwrap_or_default() {
        let claim = format!("{}-{name}-{i}", t["metadata"]["name"].as_str().unwrap_or_default());
        if m.cached("", "persistentvolumeclaims", ns, &claim).is_some() {
            continue;
        }
        let mut labels = sts["spec"]["selector"]["matchLabels"].clone();
        if let Some(l) = t["metadata"]["labels"].as_object() {
            for (k, v) in l {
                labels[k] = v.clone();
            }
        }
        let mut spec = t["spec"].clone();
        if spec["volumeMode"].is_null() {
            spec["volumeMode"] = json!("Filesystem");
        }
        let mut pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": claim, "namespace": ns, "labels": labels},
            "spec": spec, "status": {"phase": "Pending"}});
        if deletes_claims(sts, "whenDeleted") {
            pvc["metadata"]["ownerReferences"] = json!([owner_ref(sts)]);
        }
        if m.create("", "persistentvolumeclaims", pvc)?.is_some() {
            let msg = format!("create Claim {claim} Pod {name}-{i} in StatefulSet {name} success");
            m.event(sts, "Normal", "SuccessfulCreate", &msg, SOURCE);
        }
    }
    Ok(())
}

/// True when the retention policy says `Delete` for `when` (`whenDeleted`, `whenScaled`).
fn deletes_claims(sts: &Value, when: &str) -> bool {
    sts["spec"]["persistentVolumeClaimRetentionPolicy"][when] == "Delete"
}

/// The names of the claims of ordinal `i`.
fn claim_names(sts: &Value, i: i64) -> Vec<String> {
    let name = str_at(sts, "name");
    sts["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("{}-{name}-{i}", t["metadata"]["name"].as_str().unwrap_or_default()))
        .collect()
}

/// A plain (non-controller) owner reference to a pod, as the StatefulSet controller puts on
/// the claims of a condemned pod.
fn pod_owner_ref(p: &Pod) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "name": p.name(), "uid": p.uid()})
}

/// Brings the owner references of ordinal `i`'s claims in line with the retention policy:
/// `condemned` (the pod a scale down is about to delete) owns them under `whenScaled:
/// Delete`; otherwise the StatefulSet does under `whenDeleted: Delete`.
fn own_claims(
    m: &mut Manager,
    sts: &Value,
    i: i64,
    condemned: Option<&Pod>,
) -> Result<(), ControllerError> {
    let ns = str_at(sts, "namespace").to_string();
    let set_uid = str_at(sts, "uid").to_string();
    // A condemned pod's claims are the pod's alone, so they go with it.
    let pod_ref = condemned.filter(|_| deletes_claims(sts, "whenScaled")).map(pod_owner_ref);
    let set_ref = (pod_ref.is_none() && deletes_claims(sts, "whenDeleted")).then(|| owner_ref(sts));
    for claim in claim_names(sts, i) {
        let Some(pvc) = m.cached("", "persistentvolumeclaims", &ns, &claim) else { continue };
        if terminating(&pvc) {
            continue;
        }
        let mut refs: Vec<Value> =
            pvc["metadata"]["ownerReferences"].as_array().cloned().unwrap_or_default();
        // Our references are the set's and pods' of this set's ordinal; others are kept.
        let ours = |r: &Value| {
            r["uid"] == set_uid.as_str()
                || (r["kind"] == "Pod" && r["name"] == format!("{}-{i}", str_at(sts, "name")))
        };
        let mut want: Vec<Value> = refs.iter().filter(|r| !ours(r)).cloned().collect();
        want.extend(set_ref.clone());
        want.extend(pod_ref.clone());
        let have: Vec<&Value> = refs.iter().filter(|r| ours(r)).collect();
        let wanted: Vec<&Value> = want.iter().filter(|r| ours(r)).collect();
        if have.len() == wanted.len() && have.iter().all(|h| wanted.contains(h)) {
            continue;
        }
        refs = want;
        let mut new = (*pvc).clone();
        if refs.is_empty() {
            crate::object::meta::metadata_mut(&mut new).remove("ownerReferences");
        } else {
            new["metadata"]["ownerReferences"] = Value::Array(refs);
        }
        m.update("", "persistentvolumeclaims", &pvc, new)?;
    }
    Ok(())
}

/// Deletes one of the set's pods and records it as kube-controller-manager does.
fn delete_pod(m: &mut Manager, sts: &Value, ns: &str, p: &Pod) -> Result<(), ControllerError> {
    m.delete("", "pods", ns, p.name())?;
    let set = str_at(sts, "name");
    m.event(
        sts,
        "Normal",
        "SuccessfulDelete",
        &format!("delete Pod {} in StatefulSet {set} successful", p.name()),
        SOURCE,
    );
    Ok(())
}

fn sync_one(m: &mut Manager, sts: &Value, owned: Vec<Arc<Pod>>) -> Result<(), ControllerError> {
    let name = str_at(sts, "name").to_string();
    let ns = str_at(sts, "namespace").to_string();
    let replicas = sts["spec"]["replicas"].as_i64().unwrap_or(1).max(0);
    let parallel = sts["spec"]["podManagementPolicy"].as_str() == Some("Parallel");
    let update_rev = revision(m, sts, &sts["spec"]["template"])?;
    let current_rev = sts["status"]["currentRevision"]
        .as_str()
        .filter(|r| !r.is_empty())
        .unwrap_or(&update_rev)
        .to_string();
    let on_delete = sts["spec"]["updateStrategy"]["type"].as_str() == Some("OnDelete");
    let partition =
        sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"].as_i64().unwrap_or(0);

    let mut pods: BTreeMap<i64, Arc<Pod>> = BTreeMap::new();
    for p in owned {
        if let Some(i) = ordinal(&name, p.name()) {
            pods.insert(i, p);
        }
    }
    let healthy = |p: &Pod| p.active() && p.phase() == "Running" && p.ready();
    let mut changed = false;

    // Create (or replace failed) pods below `replicas`, in order.
    for i in 0..replicas {
        match pods.get(&i).cloned() {
            Some(p) if p.finished() => {
                delete_pod(m, sts, &ns, &p)?;
                pods.remove(&i);
                changed = true;
                if !parallel {
                    break;
                }
            }
            Some(p) => {
                if !parallel && !healthy(&p) {
                    break;
                }
            }
            None => {
                ensure_claims(m, sts, i)?;
                // Pods below the partition keep the current revision.
                let rev = if !on_delete && i >= partition {
                    update_rev.clone()
                } else {
                    current_rev.clone()
                };
                let pod = pod_for(m, sts, i, &rev);
                if let Some(p) = m.create_pod(pod)? {
                    m.event(
                        sts,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("create Pod {name}-{i} in StatefulSet {name} successful"),
                        SOURCE,
                    );
                    pods.insert(i, p);
                }
                changed = true;
                if !parallel {
                    break;
                }
            }
        }
    }
    // Scale down from the highest ordinal, one at a time unless Parallel.
    let all_healthy_below = |pods: &BTreeMap<i64, Arc<Pod>>| {
        (0..replicas).all(|i| pods.get(&i).is_some_and(|p| healthy(p)))
    };
    if !changed && (parallel || all_healthy_below(&pods)) {
        let extra: Vec<i64> = pods.keys().rev().copied().filter(|i| *i >= replicas).collect();
        for i in extra {
            if let Some(p) = pods.remove(&i) {
                if p.terminating() {
                    // One at a time: the next goes once this one is gone.
                    if parallel {
                        continue;
                    }
                    break;
                }
                own_claims(m, sts, i, Some(&p))?;
                delete_pod(m, sts, &ns, &p)?;
                changed = true;
                if !parallel {
                    break;
                }
            }
        }
    }
    // Rolling update: highest ordinal first, down to the partition, one at a time.
    if !changed && !on_delete && all_healthy_below(&pods) {
        for i in (partition..replicas).rev() {
            if let Some(p) = pods.get(&i).cloned()
                && p.label("controller-revision-hash") != Some(update_rev.as_str())
            {
                delete_pod(m, sts, &ns, &p)?;
                pods.remove(&i);
                break;
            }
        }
    }

    // The claims of the pods that stay follow the policy too (it may have changed, or a scale
    // up may have saved a pod whose claims were condemned).
    for (&i, p) in &pods {
        if i < replicas && !p.terminating() {
            own_claims(m, sts, i, None)?;
        }
    }

    let counted: Vec<&Arc<Pod>> = pods.values().filter(|p| p.active()).collect();
    let rev_of = |p: &Pod| p.label("controller-revision-hash").unwrap_or_default().to_string();
    let updated = counted.iter().filter(|p| rev_of(p) == update_rev).count() as i64;
    let current = counted.iter().filter(|p| rev_of(p) == current_rev).count() as i64;
    let ready = counted.iter().filter(|p| p.ready()).count() as i64;
    let new_current = if updated == replicas && counted.len() as i64 == replicas {
        update_rev.clone()
    } else {
        current_rev.clone()
    };
    let current = if new_current == update_rev { updated } else { current };
    let mut status = json!({"observedGeneration": sts["metadata"]["generation"], "replicas": counted.len(),
        "readyReplicas": ready, "currentReplicas": current, "updatedReplicas": updated,
        "currentRevision": new_current, "updateRevision": update_rev, "collisionCount": 0, "availableReplicas": ready});
    for f in ["readyReplicas", "currentReplicas", "updatedReplicas"] {
        if status[f] == 0 {
            status.as_object_mut().map(|s| s.remove(f));
        }
    }
    if sts["status"] != status {
        let mut new = sts.clone();
        new["status"] = status;
        m.update("apps", "statefulsets", sts, new)?;
    }
    Ok(())
}
