//! Simulated nodes: a tainted `control-plane` node and workers `node-1` … `node-N` made at
//! start, and a kubelet-style status (capacity, addresses, Ready) on every Node object,
//! including those added later with `apply`. Each node owns a pod CIDR `10.244.<i>.0/24`
//! and an InternalIP `172.18.0.<i+2>`.

use super::{ControllerError, Manager, str_at};
use serde_json::{Value, json};

/// The capacity every simulated node reports.
pub const CAPACITY: (&str, &str, &str) = ("32", "256Gi", "110");

/// The name of the control-plane node.
pub const CONTROL_PLANE: &str = "control-plane";

fn node_object(name: &str, control_plane: bool) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
        "type": "kctl",
    });
    let mut spec = json!({});
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        spec["taints"] =
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels,
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
        "spec": spec})
}

/// Creates the simulated nodes that are missing (once, when the control plane starts).
pub fn bootstrap(m: &mut Manager) -> Result<(), ControllerError> {
    let Some(n) = m.options().nodes else { return Ok(()) };
    let mut names = vec![(CONTROL_PLANE.to_string(), true)];
    names.extend((1..=n).map(|i| (format!("node-{i}"), false)));
    for (name, cp) in names {
        if m.cached("", "nodes", "", &name).is_none() {
            m.create("", "nodes", node_object(&name, cp))?;
        }
    }
    Ok(())
}

/// The index of a node's pod CIDR (`10.244.<i>.0/24`), if assigned.
pub fn cidr_index(node: &Value) -> Option<u32> {
    node["spec"]["podCIDR"].as_str()?.strip_prefix("10.244.")?.split('.').next()?.parse().ok()
}

/// Gives every node without a status the status of a healthy simulated kubelet.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let nodes = m.objects("", "nodes");
    let mut used: Vec<u32> = nodes.iter().filter_map(|n| cidr_index(n)).collect();
    for node in nodes {
        if node["status"]["nodeInfo"].is_object() && node["spec"]["podCIDR"].is_string() {
            continue;
        }
        let name = str_at(&node, "name").to_string();
        let idx = match cidr_index(&node) {
            Some(i) => i,
            None => {
                let preferred = if name == CONTROL_PLANE {
                    Some(0)
                } else {
                    name.strip_prefix("node-").and_then(|i| i.parse::<u32>().ok())
                };
                let i = preferred
                    .filter(|i| *i < 255 && !used.contains(i))
                    .unwrap_or_else(|| (1..255).find(|i| !used.contains(i)).unwrap_or(254));
                used.push(i);
                i
            }
        };
        let now = m.now_str();
        let mut new = (*node).clone();
        let cidr = format!("10.244.{idx}.0/24");
        new["spec"]["podCIDR"] = json!(cidr);
        new["spec"]["podCIDRs"] = json!([cidr]);
        new["spec"]["providerID"] = json!(format!("kctl://{name}"));
        let labels = crate::object::meta::metadata_mut(&mut new)
            .entry("labels")
            .or_insert_with(|| json!({}));
        for (k, v) in [("kubernetes.io/hostname", name.as_str()), ("kubernetes.io/os", "linux")] {
            if labels.get(k).is_none() {
                labels[k] = json!(v);
            }
        }
        let (cpu, mem, pods) = CAPACITY;
        let cap = node["status"]["capacity"].clone();
        let cap = if cap.is_object() {
            cap
        } else {
            json!({"cpu": cpu, "memory": mem, "pods": pods, "ephemeral-storage": "1Ti"})
        };
        let cond = |t: &str, s: &str, reason: &str, msg: &str| {
            json!({"type": t, "status": s, "reason": reason, "message": msg,
                "lastHeartbeatTime": now, "lastTransitionTime": now})
        };
        new["status"] = json!({
            "capacity": cap, "allocatable": cap,
            "addresses": [{"type": "InternalIP", "address": format!("172.18.0.{}", idx + 2)},
                {"type": "Hostname", "address": name}],
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "bootID": "", "containerRuntimeVersion": "kctl://simulated",
                "kernelVersion": "", "kubeProxyVersion": "", "kubeletVersion": crate::apiserver::KUBE_VERSION.2,
                "machineID": "", "operatingSystem": "linux", "osImage": "kctl simulated node", "systemUUID": ""},
            "phase": "Running",
        });
        if let Some(n) = m.update("", "nodes", &node, new)? {
            m.event(
                &n,
                "Normal",
                "NodeReady",
                &format!("Node {name} status is now: NodeReady"),
                "kubelet",
            );
        }
    }
    Ok(())
}

/// Deletes pods bound to nodes that no longer exist, as kube-controller-manager's pod
/// garbage collector does; their controllers replace them elsewhere.
pub fn collect_orphaned_pods(m: &mut Manager) -> Result<(), ControllerError> {
    let nodes: std::collections::HashSet<String> =
        m.objects("", "nodes").iter().map(|n| str_at(n, "name").to_string()).collect();
    let orphaned: Vec<_> = m
        .pods
        .values()
        .filter(|p| {
            p.node().is_some_and(|n| !nodes.contains(n))
                && !p.terminating()
                && p.status.start_time.is_some()
        })
        .cloned()
        .collect();
    for p in orphaned {
        m.delete_now("", "pods", p.namespace(), p.name())?;
    }
    Ok(())
}

/// The InternalIP of a node.
pub fn internal_ip(node: &Value) -> Option<&str> {
    node["status"]["addresses"].as_array()?.iter().find(|a| a["type"] == "InternalIP")?["address"]
        .as_str()
}

/// True when the node is Ready and schedulable.
pub fn node_ready(node: &Value) -> bool {
    node["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
}
