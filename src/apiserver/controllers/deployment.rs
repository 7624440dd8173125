//! The Deployment controller, a two-level controller (Deployment → ReplicaSet → Pod): one
//! ReplicaSet per pod-template revision named `<deploy>-<pod-template-hash>` (label
//! `pod-template-hash`, annotation `deployment.kubernetes.io/revision`), rolling updates
//! within `maxSurge`/`maxUnavailable`, `Recreate`, `paused`, `revisionHistoryLimit`,
//! `progressDeadlineSeconds`, and the status and conditions kube-controller-manager writes.

use super::util::{controller_uid, int_or_percent, owner_ref, template_hash, terminating};
use super::{ControllerError, Manager, str_at};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The event source of the Deployment controller.
pub const SOURCE: &str = "deployment-controller";
/// The revision annotation on Deployments and their ReplicaSets.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// Earlier revisions a ReplicaSet served (after an undo).
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// The Deployment's replicas, recorded on its ReplicaSets.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// The Deployment's replicas plus surge, recorded on its ReplicaSets.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";

/// Annotations a Deployment does not pass on to its ReplicaSets.
const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
];

fn revision(obj: &Value) -> i64 {
    obj["metadata"]["annotations"][REVISION].as_str().and_then(|r| r.parse().ok()).unwrap_or(0)
}

fn spec_replicas(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1)
}

fn status_i(obj: &Value, f: &str) -> i64 {
    obj["status"][f].as_i64().unwrap_or(0)
}

/// The template of a ReplicaSet without its `pod-template-hash` label, normalised, for
/// comparison with the Deployment's normalised template.
pub fn template_without_hash(rs: &Value) -> Value {
    let mut t = rs["spec"]["template"].clone();
    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
        l.remove("pod-template-hash");
        if l.is_empty() {
            t["metadata"].as_object_mut().map(|m| m.remove("labels"));
        }
    }
    super::util::normalize(&t)
}

/// `(maxSurge, maxUnavailable)` resolved against the Deployment's replicas.
pub fn surge_and_unavailable(d: &Value) -> (i64, i64) {
    let replicas = spec_replicas(d);
    let ru = &d["spec"]["strategy"]["rollingUpdate"];
    let surge = int_or_percent(&ru["maxSurge"], replicas, "25%", true);
    let mut unavailable = int_or_percent(&ru["maxUnavailable"], replicas, "25%", false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable.min(replicas))
}

/// Syncs every Deployment.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let mut by_owner: HashMap<String, Vec<Arc<Value>>> = HashMap::new();
    for rs in m.objects("apps", "replicasets") {
        if let Some(uid) = controller_uid(&rs) {
            by_owner.entry(uid.to_string()).or_default().push(rs.clone());
        }
    }
    for d in m.objects("apps", "deployments") {
        if terminating(&d) {
            continue;
        }
        let owned = by_owner.remove(str_at(&d, "uid")).unwrap_or_default();
        sync_one(m, &d, owned)?;
    }
    Ok(())
}

struct Ctx {
    d: Value,
    new_rs: Option<Arc<Value>>,
    old: Vec<Arc<Value>>,
    created: bool,
}

fn scale_rs(
    m: &mut Manager,
    c: &Ctx,
    rs: &Value,
    to: i64,
) -> Result<Option<Arc<Value>>, ControllerError> {
    let from = spec_replicas(rs);
    let (surge, _) = surge_and_unavailable(&c.d);
    let mut new = rs.clone();
    new["spec"]["replicas"] = json!(to);
    let replicas = spec_replicas(&c.d);
    crate::object::meta::set_annotation(&mut new, DESIRED_REPLICAS, &replicas.to_string());
    crate::object::meta::set_annotation(&mut new, MAX_REPLICAS, &(replicas + surge).to_string());
    let out = m.update("apps", "replicasets", rs, new)?;
    if from != to && out.is_some() {
        let dir = if to > from { "up" } else { "down" };
        let msg = format!("Scaled {dir} replica set {} from {from} to {to}", str_at(rs, "name"));
        m.event(&c.d, "Normal", "ScalingReplicaSet", &msg, SOURCE);
    }
    Ok(out)
}

fn sync_one(m: &mut Manager, d: &Value, owned: Vec<Arc<Value>>) -> Result<(), ControllerError> {
    let template = super::util::normalize(&d["spec"]["template"]);
    let mut new_rs = None;
    let mut old = Vec::new();
    let mut owned = owned;
    owned.sort_by(|a, b| {
        (str_at(a, "creationTimestamp"), str_at(a, "name"))
            .cmp(&(str_at(b, "creationTimestamp"), str_at(b, "name")))
    });
    for rs in owned {
        if new_rs.is_none() && template_without_hash(&rs) == template {
            new_rs = Some(rs);
        } else {
            old.push(rs);
        }
    }
    let mut c = Ctx { d: d.clone(), new_rs, old, created: false };
    let max_old = c.old.iter().map(|r| revision(r)).max().unwrap_or(0);
    let paused = d["spec"]["paused"].as_bool() == Some(true);
    let recreate = d["spec"]["strategy"]["type"].as_str() == Some("Recreate");

    // Sync the revision of an existing new ReplicaSet (an undo makes an old one new again).
    if let Some(rs) = c.new_rs.clone()
        && revision(&rs) <= max_old
        && !paused
    {
        let mut new = (*rs).clone();
        let prev = revision(&rs).to_string();
        let history = match rs["metadata"]["annotations"][REVISION_HISTORY].as_str() {
            Some(h) if !h.is_empty() => format!("{h},{prev}"),
            _ => prev,
        };
        crate::object::meta::set_annotation(&mut new, REVISION_HISTORY, &history);
        crate::object::meta::set_annotation(&mut new, REVISION, &(max_old + 1).to_string());
        c.new_rs = m.update("apps", "replicasets", &rs, new)?.or(Some(rs));
    }

    if paused || is_scaling_event(&c) {
        // Paused, or scaled since the ReplicaSets were last sized: no rollout step, only
        // the (proportional) scaling.
        scale(m, &mut c)?;
        if !paused {
            cleanup(m, &c)?;
        }
        return write_status(m, &c);
    }

    let replicas = spec_replicas(d);
    if recreate {
        let mut scaled = false;
        for rs in c.old.clone() {
            if spec_replicas(&rs) > 0 {
                scale_rs(m, &c, &rs, 0)?;
                scaled = true;
            }
        }
        let old_running = c.old.iter().any(|rs| status_i(rs, "replicas") > 0);
        if !scaled && !old_running {
            if c.new_rs.is_none() {
                create_new_rs(m, &mut c, max_old, 0)?;
            }
            if let Some(rs) = c.new_rs.clone()
                && spec_replicas(&rs) != replicas
            {
                c.new_rs = scale_rs(m, &c, &rs, replicas)?.or(Some(rs));
            }
        }
        cleanup(m, &c)?;
        return write_status(m, &c);
    }

    // Rolling update.
    let (surge, unavailable) = surge_and_unavailable(d);
    let current: i64 = c.old.iter().map(|r| spec_replicas(r)).sum::<i64>()
        + c.new_rs.as_ref().map_or(0, |r| spec_replicas(r));
    let max_total = replicas + surge;
    match c.new_rs.clone() {
        None => {
            let old_pods: i64 = c.old.iter().map(|r| spec_replicas(r)).sum();
            let start =
                if old_pods == 0 { replicas } else { (max_total - current).clamp(0, replicas) };
            create_new_rs(m, &mut c, max_old, start)?;
        }
        Some(rs) => {
            let have = spec_replicas(&rs);
            let target = if have > replicas {
                replicas
            } else if current < max_total {
                have + (max_total - current).min(replicas - have)
            } else {
                have
            };
            if target != have {
                c.new_rs = scale_rs(m, &c, &rs, target)?.or(Some(rs));
            } else if rs["metadata"]["annotations"][DESIRED_REPLICAS].as_str()
                != Some(&replicas.to_string())
            {
                c.new_rs = scale_rs(m, &c, &rs, have)?.or(Some(rs));
            }
        }
    }
    scale_down_old(m, &mut c, replicas, unavailable)?;
    cleanup(m, &c)?;
    write_status(m, &c)
}

/// True when an active ReplicaSet was sized for another replica count than the
/// Deployment's (its `desired-replicas` annotation): the Deployment has been scaled.
fn is_scaling_event(c: &Ctx) -> bool {
    let replicas = spec_replicas(&c.d);
    c.old.iter().chain(c.new_rs.iter()).filter(|r| spec_replicas(r) > 0).any(|r| {
        r["metadata"]["annotations"][DESIRED_REPLICAS]
            .as_str()
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|d| d != replicas)
    })
}

fn created(rs: &Value) -> (&str, &str) {
    (str_at(rs, "creationTimestamp"), str_at(rs, "name"))
}

/// Replaces the ReplicaSet named as `rs` in the context.
fn remember(c: &mut Ctx, rs: Arc<Value>) {
    let name = str_at(&rs, "name").to_string();
    for slot in c.old.iter_mut().chain(c.new_rs.iter_mut()) {
        if str_at(slot, "name") == name {
            *slot = rs.clone();
        }
    }
}

/// How many replicas `rs` gains (or loses) of `to_add`, in proportion to its share of the
/// Deployment's size before the scaling (its `max-replicas` annotation).
fn proportion(d: &Value, rs: &Value, to_add: i64, added: i64) -> i64 {
    let have = spec_replicas(rs);
    if have == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let replicas = spec_replicas(d);
    let fraction = if replicas == 0 {
        -have
    } else {
        let (surge, _) = surge_and_unavailable(d);
        let before = rs["metadata"]["annotations"][MAX_REPLICAS]
            .as_str()
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or_else(|| status_i(d, "replicas").max(1));
        ((have * (replicas + surge)) as f64 / before as f64).round() as i64 - have
    };
    let allowed = to_add - added;
    if to_add > 0 { fraction.min(allowed) } else { fraction.max(allowed) }
}

/// kube-controller-manager's scaling of a Deployment whose size changed: a single active
/// ReplicaSet (or, with none, the newest) takes the new size; a saturated new ReplicaSet
/// leaves the old ones at 0; otherwise, in a rolling update, the difference up to
/// `replicas + maxSurge` is spread over the active ReplicaSets in proportion to their sizes,
/// larger ones first, the leftover to the largest.
fn scale(m: &mut Manager, c: &mut Ctx) -> Result<(), ControllerError> {
    let replicas = spec_replicas(&c.d);
    let active: Vec<Arc<Value>> =
        c.old.iter().chain(c.new_rs.iter()).filter(|r| spec_replicas(r) > 0).cloned().collect();
    let single = match active.len() {
        0 => c.new_rs.clone().or_else(|| c.old.iter().max_by_key(|r| created(r)).cloned()),
        1 => Some(active[0].clone()),
        _ => None,
    };
    if active.len() <= 1 {
        if let Some(rs) = single
            && (spec_replicas(&rs) != replicas
                || rs["metadata"]["annotations"][DESIRED_REPLICAS].as_str()
                    != Some(&replicas.to_string()))
            && let Some(n) = scale_rs(m, c, &rs, replicas)?
        {
            remember(c, n);
        }
        return Ok(());
    }
    let saturated = c.new_rs.as_ref().is_some_and(|rs| {
        spec_replicas(rs) == replicas
            && rs["metadata"]["annotations"][DESIRED_REPLICAS].as_str()
                == Some(&replicas.to_string())
            && status_i(rs, "availableReplicas") == replicas
    });
    let new_name = c.new_rs.as_ref().map(|r| str_at(r, "name").to_string());
    if saturated {
        for rs in active.iter().filter(|r| Some(str_at(r, "name")) != new_name.as_deref()) {
            if let Some(n) = scale_rs(m, c, rs, 0)? {
                remember(c, n);
            }
        }
        return Ok(());
    }
    if c.d["spec"]["strategy"]["type"].as_str() == Some("Recreate") {
        return Ok(());
    }
    let (surge, _) = surge_and_unavailable(&c.d);
    let total: i64 = active.iter().map(|r| spec_replicas(r)).sum();
    let allowed = if replicas > 0 { replicas + surge } else { 0 };
    let to_add = allowed - total;
    let mut sorted = active;
    // Larger first; among equals the newer first when growing, the older when shrinking.
    sorted.sort_by(|a, b| {
        let by_size = spec_replicas(b).cmp(&spec_replicas(a));
        let by_age = created(a).cmp(&created(b));
        by_size.then(if to_add > 0 { by_age.reverse() } else { by_age })
    });
    let mut sizes: Vec<i64> = Vec::new();
    let mut added = 0;
    for rs in &sorted {
        let p = proportion(&c.d, rs, to_add, added);
        sizes.push(spec_replicas(rs) + p);
        added += p;
    }
    if let Some(first) = sizes.first_mut() {
        *first = (*first + to_add - added).max(0);
    }
    for (rs, size) in sorted.iter().zip(sizes) {
        if let Some(n) = scale_rs(m, c, rs, size)? {
            remember(c, n);
        }
    }
    Ok(())
}

fn create_new_rs(
    m: &mut Manager,
    c: &mut Ctx,
    max_old: i64,
    replicas: i64,
) -> Result<(), ControllerError> {
    let d = &c.d;
    let template = d["spec"]["template"].clone();
    let collision = d["status"]["collisionCount"].as_i64();
    let hash = template_hash(&template, collision);
    let name = format!("{}-{hash}", str_at(d, "name"));
    let mut t = template.clone();
    t["metadata"]["labels"]["pod-template-hash"] = json!(hash);
    let mut selector = d["spec"]["selector"].clone();
    selector["matchLabels"]["pod-template-hash"] = json!(hash);
    let mut annotations = serde_json::Map::new();
    if let Some(a) = d["metadata"]["annotations"].as_object() {
        for (k, v) in a {
            if !NOT_COPIED.contains(&k.as_str()) {
                annotations.insert(k.clone(), v.clone());
            }
        }
    }
    let (surge, _) = surge_and_unavailable(d);
    let dr = spec_replicas(d);
    annotations.insert(DESIRED_REPLICAS.into(), json!(dr.to_string()));
    annotations.insert(MAX_REPLICAS.into(), json!((dr + surge).to_string()));
    annotations.insert(REVISION.into(), json!((max_old + 1).to_string()));
    let mut spec = json!({"replicas": replicas, "selector": selector, "template": t});
    if let Some(mrs) = d["spec"]["minReadySeconds"].as_i64().filter(|n| *n > 0) {
        spec["minReadySeconds"] = json!(mrs);
    }
    let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": str_at(d, "namespace"),
            "labels": t["metadata"]["labels"], "annotations": annotations,
            "ownerReferences": [owner_ref(d)]},
        "spec": spec});
    match m.create("apps", "replicasets", rs)? {
        Some(rs) => {
            if replicas > 0 {
                let msg = format!("Scaled up replica set {name} from 0 to {replicas}");
                m.event(&c.d, "Normal", "ScalingReplicaSet", &msg, SOURCE);
            }
            c.new_rs = Some(rs);
            c.created = true;
        }
        None => {
            // A name collision with a ReplicaSet of another template: bump collisionCount so
            // the next pass hashes differently.
            let mut new = c.d.clone();
            new["status"]["collisionCount"] = json!(collision.unwrap_or(0) + 1);
            if let Some(d) = m.update("apps", "deployments", &c.d, new)? {
                c.d = (*d).clone();
            }
        }
    }
    Ok(())
}

fn scale_down_old(
    m: &mut Manager,
    c: &mut Ctx,
    replicas: i64,
    unavailable: i64,
) -> Result<(), ControllerError> {
    let all: Vec<Arc<Value>> = c.old.iter().cloned().chain(c.new_rs.clone()).collect();
    let all_pods: i64 = all.iter().map(|r| spec_replicas(r)).sum();
    let min_available = replicas - unavailable;
    let new_unavailable = c
        .new_rs
        .as_ref()
        .map_or(0, |r| (spec_replicas(r) - status_i(r, "availableReplicas")).max(0));
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Ok(());
    }
    // First the unhealthy replicas of old ReplicaSets, oldest first.
    let mut old: Vec<Arc<Value>> = c.old.clone();
    let mut total_cleaned = 0;
    for slot in old.iter_mut() {
        if total_cleaned >= max_scaled_down {
            break;
        }
        let rs = slot.clone();
        let have = spec_replicas(&rs);
        let unhealthy = have - status_i(&rs, "availableReplicas");
        if have == 0 || unhealthy <= 0 {
            continue;
        }
        let down = unhealthy.min(max_scaled_down - total_cleaned);
        if let Some(n) = scale_rs(m, c, &rs, have - down)? {
            *slot = n;
        }
        total_cleaned += down;
    }
    // Then available old replicas, as long as enough stay available.
    let available: i64 =
        old.iter().chain(c.new_rs.iter()).map(|r| status_i(r, "availableReplicas")).sum();
    if available > min_available {
        let mut todo = available - min_available;
        for slot in old.iter_mut() {
            if todo <= 0 {
                break;
            }
            let rs = slot.clone();
            let have = spec_replicas(&rs);
            if have == 0 {
                continue;
            }
            let down = have.min(todo);
            if let Some(n) = scale_rs(m, c, &rs, have - down)? {
                *slot = n;
            }
            todo -= down;
        }
    }
    c.old = old;
    Ok(())
}

fn cleanup(m: &mut Manager, c: &Ctx) -> Result<(), ControllerError> {
    let limit = c.d["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10).max(0) as usize;
    let mut idle: Vec<&Arc<Value>> = c
        .old
        .iter()
        .filter(|r| spec_replicas(r) == 0 && status_i(r, "replicas") == 0 && !terminating(r))
        .collect();
    if idle.len() <= limit {
        return Ok(());
    }
    idle.sort_by_key(|r| revision(r));
    let n = idle.len() - limit;
    for rs in idle.into_iter().take(n) {
        m.delete("apps", "replicasets", str_at(rs, "namespace"), str_at(rs, "name"))?;
    }
    Ok(())
}

/// Sets a Deployment condition as kube-controller-manager does: a changed condition moves
/// to the end; the transition time is kept while the status stays the same.
fn set_cond(
    conds: &mut Vec<Value>,
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
    force: bool,
) {
    let old = conds.iter().position(|c| c["type"] == kind);
    if let Some(i) = old
        && !force
        && conds[i]["status"] == status
        && conds[i]["reason"] == reason
    {
        return;
    }
    let transition = match old {
        Some(i) if conds[i]["status"] == status => {
            conds[i]["lastTransitionTime"].as_str().unwrap_or(now).to_string()
        }
        _ => now.to_string(),
    };
    if let Some(i) = old {
        conds.remove(i);
    }
    conds.push(json!({"type": kind, "status": status, "lastUpdateTime": now,
        "lastTransitionTime": transition, "reason": reason, "message": message}));
}

fn write_status(m: &mut Manager, c: &Ctx) -> Result<(), ControllerError> {
    let d = &c.d;
    let replicas = spec_replicas(d);
    let all: Vec<&Arc<Value>> = c.old.iter().chain(c.new_rs.iter()).collect();
    let sum = |f: &str| all.iter().map(|r| status_i(r, f)).sum::<i64>();
    let total_spec: i64 = all.iter().map(|r| spec_replicas(r)).sum();
    let available = sum("availableReplicas");
    let updated = c.new_rs.as_ref().map_or(0, |r| status_i(r, "replicas"));
    let mut status = json!({"observedGeneration": d["metadata"]["generation"], "replicas": sum("replicas"),
        "updatedReplicas": updated, "readyReplicas": sum("readyReplicas"), "availableReplicas": available});
    let unavailable = (total_spec - available).max(0);
    if unavailable > 0 {
        status["unavailableReplicas"] = json!(unavailable);
    }
    for f in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"] {
        if status[f] == 0 {
            status.as_object_mut().map(|s| s.remove(f));
        }
    }
    if let Some(cc) = d["status"].get("collisionCount") {
        status["collisionCount"] = cc.clone();
    }
    let now = m.now_str();
    let mut conds: Vec<Value> = d["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let (_, max_unavailable) = surge_and_unavailable(d);
    if available >= replicas - max_unavailable {
        set_cond(
            &mut conds,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            &now,
            false,
        );
    } else {
        set_cond(
            &mut conds,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            &now,
            false,
        );
    }
    let rs_name = c.new_rs.as_ref().map(|r| str_at(r, "name").to_string()).unwrap_or_default();
    let paused = d["spec"]["paused"].as_bool() == Some(true);
    let was_paused =
        conds.iter().any(|c| c["type"] == "Progressing" && c["reason"] == "DeploymentPaused");
    if paused {
        set_cond(
            &mut conds,
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused",
            &now,
            false,
        );
    } else if was_paused {
        set_cond(
            &mut conds,
            "Progressing",
            "Unknown",
            "DeploymentResumed",
            "Deployment is resumed",
            &now,
            false,
        );
    } else {
        let complete = updated == replicas
            && status_i(&json!({"status": status}), "replicas") == replicas
            && available == replicas
            && c.new_rs.is_some();
        let old_status = &d["status"];
        let old_pods_now: i64 = sum("replicas") - updated;
        let old_pods_before = status_i(d, "replicas") - status_i(d, "updatedReplicas");
        let progressed = updated > status_i(d, "updatedReplicas")
            || old_pods_now < old_pods_before
            || sum("readyReplicas") > old_status["readyReplicas"].as_i64().unwrap_or(0)
            || available > old_status["availableReplicas"].as_i64().unwrap_or(0);
        if complete {
            let msg = format!("ReplicaSet \"{rs_name}\" has successfully progressed.");
            set_cond(
                &mut conds,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                &msg,
                &now,
                false,
            );
        } else if c.created {
            let msg = format!("Created new replica set \"{rs_name}\"");
            set_cond(&mut conds, "Progressing", "True", "NewReplicaSetCreated", &msg, &now, true);
        } else if c.new_rs.is_some() && !conds.iter().any(|x| x["type"] == "Progressing") {
            let msg = format!("Found new replica set \"{rs_name}\"");
            set_cond(&mut conds, "Progressing", "True", "FoundNewReplicaSet", &msg, &now, true);
        } else if progressed && c.new_rs.is_some() {
            let msg = format!("ReplicaSet \"{rs_name}\" is progressing.");
            set_cond(&mut conds, "Progressing", "True", "ReplicaSetUpdated", &msg, &now, true);
        } else if let Some(deadline) = d["spec"]["progressDeadlineSeconds"].as_i64().or(Some(600)) {
            let last = conds
                .iter()
                .find(|x| x["type"] == "Progressing")
                .and_then(|x| x["lastUpdateTime"].as_str())
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            let timed_out = last.is_some_and(|t| m.now() > t + chrono::Duration::seconds(deadline));
            let already_complete = conds
                .iter()
                .any(|x| x["type"] == "Progressing" && x["reason"] == "NewReplicaSetAvailable");
            if timed_out && !already_complete {
                let msg = format!("ReplicaSet \"{rs_name}\" has timed out progressing.");
                set_cond(
                    &mut conds,
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    &msg,
                    &now,
                    false,
                );
            }
        }
    }
    status["conditions"] = Value::Array(conds);
    let mut new = d.clone();
    if let Some(rs) = &c.new_rs {
        let r = revision(rs).to_string();
        if d["metadata"]["annotations"][REVISION].as_str() != Some(r.as_str()) {
            crate::object::meta::set_annotation(&mut new, REVISION, &r);
        }
    }
    new["status"] = status;
    if new != *d {
        m.update("apps", "deployments", d, new)?;
    }
    Ok(())
}
