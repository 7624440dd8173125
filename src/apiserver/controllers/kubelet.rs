//! The simulated kubelet: a pod bound to a node starts at once — one pod IP from the node's
//! CIDR (shared by its containers, or the node's IP with `hostNetwork`), `hostIP`, running
//! container statuses, phase Running, the Ready condition — and its `hostAliases` are
//! rendered as the hosts file would read into the [`HOSTS_ANNOTATION`] annotation.
//!
//! Pods finish when owned by a Job or asked to by annotation: [`EXIT_CODE_ANNOTATION`]
//! (default 0) after [`DURATION_ANNOTATION`] seconds of the injected clock (default 0);
//! exit code 0 makes the pod Succeeded, anything else Failed. [`READY_ANNOTATION`] `"false"`
//! keeps a running pod unready (a failing readiness probe), to show stuck rollouts.
//!
//! A pod deleted gracefully (a `deletionTimestamp` with a grace period) is stopped — a
//! `Killing` event per container — and removed, at once or after [`SHUTDOWN_ANNOTATION`]
//! seconds of the injected clock, as a real kubelet does once its containers have exited.

use super::pod::Pod;
use super::{ControllerError, Manager, nodes, str_at};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The annotation the kubelet writes the pod's hosts file into.
pub const HOSTS_ANNOTATION: &str = "kctl.dev/etc-hosts";
/// The simulated exit code of a pod's containers.
pub const EXIT_CODE_ANNOTATION: &str = "kctl.dev/exit-code";
/// How long (seconds) a finishing pod runs before it exits.
pub const DURATION_ANNOTATION: &str = "kctl.dev/duration-seconds";
/// `"false"` keeps the pod's containers unready.
pub const READY_ANNOTATION: &str = "kctl.dev/ready";
/// How long (seconds) a pod's containers take to stop once it is deleted gracefully
/// (default 0: at once; never longer than the grace period).
pub const SHUTDOWN_ANNOTATION: &str = "kctl.dev/shutdown-seconds";

/// True when the pod runs to completion rather than forever.
pub fn finishes(pod: &Pod) -> bool {
    pod.annotation(EXIT_CODE_ANNOTATION).is_some()
        || pod.controller_ref().is_some_and(|r| r.kind == "Job")
}

fn qos_class(pod: &Value) -> &'static str {
    let cs = pod["spec"]["containers"].as_array().cloned().unwrap_or_default();
    let any = cs.iter().any(|c| {
        c["resources"]["requests"].as_object().is_some_and(|r| !r.is_empty())
            || c["resources"]["limits"].as_object().is_some_and(|r| !r.is_empty())
    });
    if !any {
        return "BestEffort";
    }
    let guaranteed = cs.iter().all(|c| {
        let l = &c["resources"]["limits"];
        let r = &c["resources"]["requests"];
        ["cpu", "memory"].iter().all(|k| !l[*k].is_null() && (r[*k].is_null() || r[*k] == l[*k]))
    });
    if guaranteed { "Guaranteed" } else { "Burstable" }
}

/// The hosts file a pod would see.
pub fn hosts_file(pod: &Value, ip: &str) -> String {
    let spec = &pod["spec"];
    let hostname = spec["hostname"].as_str().unwrap_or_else(|| str_at(pod, "name"));
    let mut out = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    match spec["subdomain"].as_str() {
        Some(sub) if !sub.is_empty() => {
            let ns = str_at(pod, "namespace");
            out.push_str(&format!("{ip}\t{hostname}.{sub}.{ns}.svc.cluster.local\t{hostname}\n"));
        }
        _ => out.push_str(&format!("{ip}\t{hostname}\n")),
    }
    if let Some(aliases) = spec["hostAliases"].as_array().filter(|a| !a.is_empty()) {
        out.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            let names: Vec<&str> = a["hostnames"]
                .as_array()
                .map(|h| h.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push_str(&format!(
                "{}\t{}\n",
                a["ip"].as_str().unwrap_or_default(),
                names.join("\t")
            ));
        }
    }
    out
}

fn container_id(m: &Manager) -> String {
    format!("kctl://{:016x}{:016x}", m.server().uids().next_u64(), m.server().uids().next_u64())
}

fn image_id(image: &str) -> String {
    let h = super::util::fnv32a(image.as_bytes());
    format!("{image}@sha256:{h:08x}{:056x}", 0)
}

fn parse(t: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&chrono::Utc))
}

fn seconds(s: f64) -> chrono::Duration {
    chrono::Duration::milliseconds((s * 1000.0) as i64)
}

/// When a finishing pod's containers exit.
fn exit_time(p: &Pod) -> Option<chrono::DateTime<chrono::Utc>> {
    let secs = p.annotation(DURATION_ANNOTATION).and_then(|d| d.parse::<f64>().ok()).unwrap_or(0.0);
    Some(parse(p.status.start_time.as_deref()?)? + seconds(secs))
}

/// When a pod being deleted gracefully has stopped: its [`SHUTDOWN_ANNOTATION`] seconds after
/// the deletion was asked for, at most its grace period.
fn stop_time(p: &Pod) -> Option<chrono::DateTime<chrono::Utc>> {
    let grace = p.metadata.deletion_grace_period_seconds.filter(|g| *g > 0)?;
    let deadline = parse(p.metadata.deletion_timestamp.as_deref()?)?;
    let asked = deadline - chrono::Duration::seconds(grace);
    let shutdown =
        p.annotation(SHUTDOWN_ANNOTATION).and_then(|d| d.parse::<f64>().ok()).unwrap_or(0.0);
    Some(asked + seconds(shutdown.clamp(0.0, grace as f64)))
}

/// Starts bound pods, finishes those whose time has come and removes those deleted
/// gracefully once their containers have stopped.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let now = m.now();
    let mut to_start = Vec::new();
    let mut to_finish = Vec::new();
    let mut to_remove = Vec::new();
    for p in m.pods.values() {
        if p.node().is_none() {
            continue;
        }
        if p.terminating() {
            if stop_time(p).is_some_and(|t| now >= t) {
                to_remove.push(p.clone());
            }
        } else if p.active() && p.status.start_time.is_none() {
            to_start.push(p.clone());
        } else if p.phase() == "Running" && finishes(p) && exit_time(p).is_some_and(|t| now >= t) {
            to_finish.push(p.clone());
        }
    }
    if !to_start.is_empty() {
        start_pods(m, to_start)?;
    }
    for pod in to_finish {
        finish_pod(m, &pod)?;
    }
    for pod in to_remove {
        for c in &pod.spec.containers.names {
            let msg = format!("Stopping container {c}");
            m.event(&pod.reference(), "Normal", "Killing", &msg, "kubelet");
        }
        m.delete_now("", "pods", pod.namespace(), pod.name())?;
    }
    Ok(())
}

fn start_pods(m: &mut Manager, to_start: Vec<Arc<Pod>>) -> Result<(), ControllerError> {
    let mut used: HashMap<&str, BTreeSet<u32>> = HashMap::new();
    for p in m.pods.values() {
        if let (Some(n), Some(ip)) = (p.node(), p.status.pod_ip.as_deref())
            && let Some(last) = ip.rsplit('.').next().and_then(|o| o.parse().ok())
        {
            used.entry(n).or_default().insert(last);
        }
    }
    let mut used: HashMap<String, BTreeSet<u32>> =
        used.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let now = m.now_str();
    for pod in to_start {
        let node_name = pod.node().unwrap_or_default().to_string();
        let Some(node) = m.cached("", "nodes", "", &node_name) else { continue };
        let Some(host_ip) = nodes::internal_ip(&node).map(String::from) else { continue };
        let idx = nodes::cidr_index(&node).unwrap_or(0);
        let ids: Vec<String> = pod.spec.containers.names.iter().map(|_| container_id(m)).collect();
        let taken = used.entry(node_name.clone()).or_default();
        let Some(octet) = (2..255).find(|o| !taken.contains(o)) else { continue };
        let mut images = Vec::new();
        let started = m.update_pod(&pod, |new| {
            let ip = if new["spec"]["hostNetwork"].as_bool() == Some(true) {
                host_ip.clone()
            } else {
                taken.insert(octet);
                format!("10.244.{idx}.{octet}")
            };
            start(new, &host_ip, &ip, &ids, &now, &mut images);
        })?;
        if let Some(p) = started {
            let p = p.reference();
            for (name, image) in images {
                let pulled = format!("Container image \"{image}\" already present on machine");
                m.event(&p, "Normal", "Pulled", &pulled, "kubelet");
                m.event(&p, "Normal", "Created", &format!("Created container: {name}"), "kubelet");
                m.event(&p, "Normal", "Started", &format!("Started container {name}"), "kubelet");
            }
        }
    }
    Ok(())
}

/// Writes the status of a started pod into `pod`; collects its containers' names and images.
fn start(
    pod: &mut Value,
    host_ip: &str,
    ip: &str,
    ids: &[String],
    now: &str,
    images: &mut Vec<(String, String)>,
) {
    let ready = pod["metadata"]["annotations"][READY_ANNOTATION].as_str() != Some("false");
    let statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(ids)
        .map(|(c, id)| {
            let image = c["image"].as_str().unwrap_or_default();
            images.push((c["name"].as_str().unwrap_or_default().to_string(), image.to_string()));
            json!({"name": c["name"], "image": image, "imageID": image_id(image),
                "containerID": id, "ready": ready, "restartCount": 0, "started": true,
                "state": {"running": {"startedAt": now}}, "lastState": {}})
        })
        .collect();
    let r = if ready { "True" } else { "False" };
    let mut conds = vec![
        json!({"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
        json!({"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
        json!({"type": "Ready", "status": r, "lastProbeTime": null, "lastTransitionTime": now}),
        json!({"type": "ContainersReady", "status": r, "lastProbeTime": null, "lastTransitionTime": now}),
    ];
    if !ready {
        for c in &mut conds[2..] {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!("containers with unready status: [simulated readiness probe]");
        }
    }
    let mut scheduled = pod["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "PodScheduled").cloned())
        .unwrap_or_else(
            || json!({"type": "PodScheduled", "status": "True", "lastTransitionTime": now}),
        );
    scheduled["lastProbeTime"] = Value::Null;
    conds.push(scheduled);
    let hosts = hosts_file(pod, ip);
    let qos = qos_class(pod);
    pod["status"] = json!({
        "phase": "Running", "conditions": conds, "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
        "podIP": ip, "podIPs": [{"ip": ip}], "startTime": now, "containerStatuses": statuses,
        "qosClass": qos,
    });
    crate::object::meta::set_annotation(pod, HOSTS_ANNOTATION, &hosts);
}

fn finish_pod(m: &mut Manager, pod: &Pod) -> Result<(), ControllerError> {
    let code =
        pod.annotation(EXIT_CODE_ANNOTATION).and_then(|c| c.parse::<i64>().ok()).unwrap_or(0);
    let now = m.now_str();
    m.update_pod(pod, |new| {
        let (phase, reason) =
            if code == 0 { ("Succeeded", "Completed") } else { ("Failed", "Error") };
        new["status"]["phase"] = json!(phase);
        for c in new["status"]["containerStatuses"].as_array_mut().into_iter().flatten() {
            let started = c["state"]["running"]["startedAt"].clone();
            c["ready"] = json!(false);
            c["started"] = json!(false);
            c["state"] = json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": started,
                "finishedAt": now, "containerID": c["containerID"]}});
        }
        for c in new["status"]["conditions"].as_array_mut().into_iter().flatten() {
            match c["type"].as_str() {
                Some("Ready" | "ContainersReady") => {
                    c["status"] = json!("False");
                    c["reason"] = json!("PodCompleted");
                    c["lastTransitionTime"] = json!(now);
                }
                Some("PodReadyToStartContainers") => {
                    c["status"] = json!("False");
                    c["lastTransitionTime"] = json!(now);
                }
                _ => {}
            }
        }
    })?;
    Ok(())
}
