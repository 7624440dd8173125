//! The scheduler: binds each pending pod to a feasible node — `nodeName`, `nodeSelector`,
//! required node affinity, taints and tolerations, and CPU, memory and pod-count capacity —
//! preferring the least allocated node. A pod that fits nowhere stays Pending with a
//! `PodScheduled=False` condition and a `FailedScheduling` event.

use super::pod::{Pod, Requests};
use super::util::{cpu_millis, memory_bytes, node_term_matches};
use super::{ControllerError, Manager, nodes, str_at};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Allocated resources on one node.
#[derive(Debug, Default, Clone, Copy)]
pub struct Usage {
    /// CPU requests, millicores.
    pub cpu: i64,
    /// Memory requests, bytes.
    pub mem: i64,
    /// Pods bound.
    pub pods: i64,
}

/// True when `tolerations` tolerate `taint`.
pub fn tolerates(tolerations: &Value, taint: &Value) -> bool {
    tolerations.as_array().is_some_and(|ts| {
        ts.iter().any(|t| {
            let effect_ok =
                t["effect"].as_str().is_none_or(|e| e.is_empty() || taint["effect"] == e);
            let key = t["key"].as_str().unwrap_or_default();
            let key_ok = key.is_empty() || taint["key"] == key;
            let value_ok = match t["operator"].as_str().unwrap_or("Equal") {
                "Exists" => true,
                _ => {
                    t["value"].as_str().unwrap_or_default()
                        == taint["value"].as_str().unwrap_or_default()
                }
            };
            effect_ok && key_ok && value_ok && (!key.is_empty() || t["operator"] == "Exists")
        })
    })
}

/// The node's taints, including the implicit one of an unschedulable node.
pub fn taints(node: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = node["spec"]["taints"].as_array().cloned().unwrap_or_default();
    if node["spec"]["unschedulable"].as_bool() == Some(true) {
        out.push(json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}));
    }
    out
}

/// Why `pod` cannot run on `node`, or `None` when it can (capacity aside).
pub fn unfit(pod: &Value, node: &Value) -> Option<String> {
    let spec = &pod["spec"];
    let labels = &node["metadata"]["labels"];
    if let Some(sel) = spec["nodeSelector"].as_object()
        && !sel.iter().all(|(k, v)| labels.get(k) == Some(v))
    {
        return Some("didn't match Pod's node affinity/selector".into());
    }
    let required = &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    if let Some(terms) = required.as_array()
        && !terms.iter().any(|t| node_term_matches(t, node))
    {
        return Some("didn't match Pod's node affinity/selector".into());
    }
    for t in taints(node) {
        if matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute"))
            && !tolerates(&spec["tolerations"], &t)
        {
            let key = t["key"].as_str().unwrap_or_default();
            let value = t["value"].as_str().unwrap_or_default();
            return Some(format!("had untolerated taint {{{key}: {value}}}"));
        }
    }
    None
}

/// The allocatable CPU, memory and pod count of a node.
pub fn allocatable(node: &Value) -> Usage {
    let a = &node["status"]["allocatable"];
    let s =
        |k: &str| a[k].as_str().map(String::from).or_else(|| a[k].as_i64().map(|n| n.to_string()));
    Usage {
        cpu: s("cpu").map(|c| cpu_millis(&c)).unwrap_or(0),
        mem: s("memory").map(|c| memory_bytes(&c)).unwrap_or(0),
        pods: s("pods").and_then(|p| p.parse().ok()).unwrap_or(0),
    }
}

/// Why no node fits, as the scheduler words it, from the per-reason node counts.
fn unschedulable_message(reasons: &BTreeMap<String, usize>, nodes: usize) -> String {
    if nodes == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let detail = reasons
        .iter()
        .map(|(r, n)| {
            format!("{n} node(s) {r}")
                .replace("node(s) Insufficient", "Insufficient")
                .replace("node(s) Too many", "Too many")
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "0/{nodes} nodes are available: {detail}. preemption: 0/{nodes} nodes are available: {nodes} Preemption is not helpful for scheduling."
    )
}

/// Binds pending pods.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let mut pending: Vec<Arc<Pod>> =
        m.pods().into_iter().filter(|p| p.active() && p.node().is_none()).collect();
    if pending.is_empty() {
        return Ok(());
    }
    let nodes: Vec<_> =
        m.objects("", "nodes").into_iter().filter(|n| nodes::node_ready(n)).collect();
    let index: HashMap<&str, usize> =
        nodes.iter().enumerate().map(|(i, n)| (str_at(n, "name"), i)).collect();
    let mut usage: Vec<Usage> = vec![Usage::default(); nodes.len()];
    for p in m.pods.values() {
        if let Some(n) = p.node()
            && p.active()
            && let Some(&i) = index.get(n)
        {
            usage[i].cpu += p.spec.containers.requests.cpu;
            usage[i].mem += p.spec.containers.requests.mem;
            usage[i].pods += 1;
        }
    }
    let caps: Vec<Usage> = nodes.iter().map(|n| allocatable(n)).collect();
    // The taint verdict of each node for pods without tolerations, selectors or affinity:
    // most pods, so most checks are one lookup.
    let plain: Vec<Option<String>> = nodes.iter().map(|n| unfit(&json!({"spec": {}}), n)).collect();
    pending.sort_by(|a, b| {
        (&a.metadata.creation_timestamp, a.namespace(), a.name()).cmp(&(
            &b.metadata.creation_timestamp,
            b.namespace(),
            b.name(),
        ))
    });
    let now = m.now_str();
    for pod in pending {
        let Requests { cpu, mem } = pod.spec.containers.requests;
        let constraints = (!pod.unconstrained()).then(|| pod.constraints());
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut best: Option<(i64, usize)> = None;
        for (i, node) in nodes.iter().enumerate() {
            let why = match &constraints {
                None => plain[i].clone(),
                Some(c) => unfit(c, node),
            };
            if let Some(r) = why {
                *reasons.entry(r).or_default() += 1;
                continue;
            }
            let u = usage[i];
            let cap = caps[i];
            let why = if u.pods + 1 > cap.pods {
                Some("Too many pods")
            } else if cpu > 0 && u.cpu + cpu > cap.cpu {
                Some("Insufficient cpu")
            } else if mem > 0 && u.mem + mem > cap.mem {
                Some("Insufficient memory")
            } else {
                None
            };
            if let Some(r) = why {
                *reasons.entry(r.into()).or_default() += 1;
                continue;
            }
            // Least allocated: the highest of the pod, CPU and memory fractions (per mille).
            let frac = |used: i64, total: i64| if total > 0 { used * 1000 / total } else { 0 };
            let score = frac(u.pods, cap.pods).max(frac(u.cpu, cap.cpu)).max(frac(u.mem, cap.mem));
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, i));
            }
        }
        match best {
            Some((_, i)) => {
                let node = str_at(&nodes[i], "name").to_string();
                let bound = m.update_pod(&pod, |new| {
                    new["spec"]["nodeName"] = json!(node);
                    new["status"]["phase"] = json!("Pending");
                    new["status"]["conditions"] = super::util::set_condition(
                        &new["status"]["conditions"],
                        "PodScheduled",
                        "True",
                        "",
                        "",
                        &now,
                        false,
                    );
                    strip_empty_reason(&mut new["status"]["conditions"]);
                })?;
                if let Some(p) = bound {
                    usage[i].cpu += cpu;
                    usage[i].mem += mem;
                    usage[i].pods += 1;
                    let msg =
                        format!("Successfully assigned {}/{} to {node}", p.namespace(), p.name());
                    m.event(&p.reference(), "Normal", "Scheduled", &msg, "default-scheduler");
                }
            }
            None => {
                let msg = unschedulable_message(&reasons, nodes.len());
                let already = pod.condition("PodScheduled").is_some_and(|c| {
                    c.status == "False" && c.message.as_deref() == Some(msg.as_str())
                });
                if already {
                    continue;
                }
                let failed = m.update_pod(&pod, |new| {
                    new["status"]["phase"] = json!("Pending");
                    new["status"]["conditions"] = super::util::set_condition(
                        &new["status"]["conditions"],
                        "PodScheduled",
                        "False",
                        "Unschedulable",
                        &msg,
                        &now,
                        false,
                    );
                })?;
                if let Some(p) = failed {
                    m.event(
                        &p.reference(),
                        "Warning",
                        "FailedScheduling",
                        &msg,
                        "default-scheduler",
                    );
                }
            }
        }
    }
    Ok(())
}

/// Drops empty `reason`/`message` fields from conditions (the API omits them).
pub fn strip_empty_reason(conditions: &mut Value) {
    for c in conditions.as_array_mut().into_iter().flatten() {
        if let Some(o) = c.as_object_mut() {
            o.retain(|k, v| !(matches!(k.as_str(), "reason" | "message") && v == ""));
        }
    }
}
