//! The simulated kubelet: a pod bound to a node starts at once — one pod IP from the node's
//! CIDR (shared by its containers, or the node's IP with `hostNetwork`), `hostIP`, running
//! container statuses, phase Running, the Ready condition — and its `hostAliases` are
//! rendered as the hosts file would read into the [`HOSTS_ANNOTATION`] annotation.
//!
//! Pods finish when owned by a Job or asked to by annotation: [`EXIT_CODE_ANNOTATION`]
//! (default 0) after [`DURATION_ANNOTATION`] seconds of the injected clock (default 0);
//! exit code 0 makes the pod Succeeded, anything else Failed. [`READY_ANNOTATION`] `"false"`
//! keeps a running pod unready (a failing readiness probe), to show stuck rollouts.

use super::util::{pod_active, terminating};
use super::{ControllerError, Manager, nodes, str_at};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

/// The annotation the kubelet writes the pod's hosts file into.
pub const HOSTS_ANNOTATION: &str = "kctl.dev/etc-hosts";
/// The simulated exit code of a pod's containers.
pub const EXIT_CODE_ANNOTATION: &str = "kctl.dev/exit-code";
/// How long (seconds) a finishing pod runs before it exits.
pub const DURATION_ANNOTATION: &str = "kctl.dev/duration-seconds";
/// `"false"` keeps the pod's containers unready.
pub const READY_ANNOTATION: &str = "kctl.dev/ready";

fn annotation<'a>(pod: &'a Value, key: &str) -> Option<&'a str> {
    pod["metadata"]["annotations"][key].as_str()
}

/// True when the pod runs to completion rather than forever.
pub fn finishes(pod: &Value) -> bool {
    annotation(pod, EXIT_CODE_ANNOTATION).is_some()
        || super::util::controller_ref(pod).is_some_and(|r| r["kind"] == "Job")
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

/// Starts bound pods and finishes those whose time has come.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let pods = m.objects("", "pods");
    let to_start: Vec<_> = pods
        .iter()
        .filter(|p| {
            pod_active(p)
                && p["spec"]["nodeName"].as_str().is_some_and(|n| !n.is_empty())
                && p["status"]["startTime"].is_null()
        })
        .cloned()
        .collect();
    let now = m.now();
    let to_finish: Vec<_> = pods
        .iter()
        .filter(|p| {
            p["status"]["phase"] == "Running" && !terminating(p) && finishes(p) && {
                let secs = annotation(p, DURATION_ANNOTATION)
                    .and_then(|d| d.parse::<f64>().ok())
                    .unwrap_or(0.0);
                let start = p["status"]["startTime"]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
                start.is_some_and(|s| {
                    now >= s + chrono::Duration::milliseconds((secs * 1000.0) as i64)
                })
            }
        })
        .cloned()
        .collect();
    if !to_start.is_empty() {
        start_pods(m, &pods, to_start)?;
    }
    for pod in to_finish {
        finish_pod(m, &pod)?;
    }
    Ok(())
}

fn start_pods(
    m: &mut Manager,
    pods: &[std::sync::Arc<Value>],
    to_start: Vec<std::sync::Arc<Value>>,
) -> Result<(), ControllerError> {
    let mut used: HashMap<String, BTreeSet<u32>> = HashMap::new();
    for p in pods {
        if let (Some(n), Some(ip)) = (p["spec"]["nodeName"].as_str(), p["status"]["podIP"].as_str())
            && let Some(last) = ip.rsplit('.').next().and_then(|o| o.parse().ok())
        {
            used.entry(n.to_string()).or_default().insert(last);
        }
    }
    for pod in to_start {
        let node_name = pod["spec"]["nodeName"].as_str().unwrap_or_default().to_string();
        let Some(node) = m.cached("", "nodes", "", &node_name) else { continue };
        let Some(host_ip) = nodes::internal_ip(&node).map(String::from) else { continue };
        let idx = nodes::cidr_index(&node).unwrap_or(0);
        let ip = if pod["spec"]["hostNetwork"].as_bool() == Some(true) {
            host_ip.clone()
        } else {
            let taken = used.entry(node_name.clone()).or_default();
            let Some(octet) = (2..255).find(|o| !taken.contains(o)) else { continue };
            taken.insert(octet);
            format!("10.244.{idx}.{octet}")
        };
        let now = m.now_str();
        let ready = annotation(&pod, READY_ANNOTATION) != Some("false");
        let statuses: Vec<Value> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let image = c["image"].as_str().unwrap_or_default();
                json!({"name": c["name"], "image": image, "imageID": image_id(image),
                    "containerID": container_id(m), "ready": ready, "restartCount": 0, "started": true,
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
        let scheduled = pod["status"]["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == "PodScheduled").cloned())
            .unwrap_or_else(|| json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
        let mut scheduled = scheduled;
        scheduled["lastProbeTime"] = Value::Null;
        conds.push(scheduled);
        let mut new = (*pod).clone();
        new["status"] = json!({
            "phase": "Running", "conditions": conds, "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
            "podIP": ip, "podIPs": [{"ip": ip}], "startTime": now, "containerStatuses": statuses,
            "qosClass": qos_class(&pod),
        });
        new["spec"]["nodeName"] = json!(node_name);
        crate::object::meta::set_annotation(&mut new, HOSTS_ANNOTATION, &hosts_file(&pod, &ip));
        if let Some(p) = m.update("", "pods", &pod, new)? {
            for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
                let name = c["name"].as_str().unwrap_or_default();
                let image = c["image"].as_str().unwrap_or_default();
                m.event(
                    &p,
                    "Normal",
                    "Pulled",
                    &format!("Container image \"{image}\" already present on machine"),
                    "kubelet",
                );
                m.event(&p, "Normal", "Created", &format!("Created container: {name}"), "kubelet");
                m.event(&p, "Normal", "Started", &format!("Started container {name}"), "kubelet");
            }
        }
    }
    Ok(())
}

fn finish_pod(m: &mut Manager, pod: &Value) -> Result<(), ControllerError> {
    let code =
        annotation(pod, EXIT_CODE_ANNOTATION).and_then(|c| c.parse::<i64>().ok()).unwrap_or(0);
    let now = m.now_str();
    let mut new = pod.clone();
    let (phase, reason) = if code == 0 { ("Succeeded", "Completed") } else { ("Failed", "Error") };
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
    m.update("", "pods", pod, new)?;
    Ok(())
}
