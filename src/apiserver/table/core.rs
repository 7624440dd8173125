//! Table printers of the core group (v1): pods (READY, STATUS and RESTARTS as kubectl users
//! know them), services, endpoints, nodes, namespaces, config maps, secrets, service
//! accounts, volumes and claims, events (also serving events.k8s.io), replication
//! controllers, pod templates and resource quotas.

use super::{
    AGE, CONTAINERS, Col, Ctx, IMAGES, NAME, Printer, containers, format_labels, int, len, name,
    or, parse_time, s, scalar,
};
use serde_json::{Value, json};

const POD_STATUS: &str = "io.k8s.api.core.v1.PodStatus";
const POD_SPEC: &str = "io.k8s.api.core.v1.PodSpec";
const SVC_SPEC: &str = "io.k8s.api.core.v1.ServiceSpec";
const NODE_INFO: &str = "io.k8s.api.core.v1.NodeSystemInfo";
const NODE_STATUS: &str = "io.k8s.api.core.v1.NodeStatus";
const PV_SPEC: &str = "io.k8s.api.core.v1.PersistentVolumeSpec";
const PV_STATUS: &str = "io.k8s.api.core.v1.PersistentVolumeStatus";
const PVC_SPEC: &str = "io.k8s.api.core.v1.PersistentVolumeClaimSpec";
const PVC_STATUS: &str = "io.k8s.api.core.v1.PersistentVolumeClaimStatus";
const EVENT: &str = "io.k8s.api.core.v1.Event";
const RC_SPEC: &str = "io.k8s.api.core.v1.ReplicationControllerSpec";
const RC_STATUS: &str = "io.k8s.api.core.v1.ReplicationControllerStatus";

/// The printer of a core kind.
pub fn printer(kind: &str) -> Option<Printer> {
    Some(match kind {
        "Pod" => Printer { columns: POD_COLUMNS, row: pod },
        "PodTemplate" => Printer { columns: POD_TEMPLATE_COLUMNS, row: pod_template },
        "ReplicationController" => Printer { columns: RC_COLUMNS, row: replication_controller },
        "Service" => Printer { columns: SERVICE_COLUMNS, row: service },
        "Endpoints" => Printer { columns: ENDPOINTS_COLUMNS, row: endpoints },
        "Node" => Printer { columns: NODE_COLUMNS, row: node },
        "Namespace" => Printer { columns: NAMESPACE_COLUMNS, row: namespace },
        "ConfigMap" => Printer { columns: CONFIGMAP_COLUMNS, row: config_map },
        "Secret" => Printer { columns: SECRET_COLUMNS, row: secret },
        "ServiceAccount" => Printer { columns: SA_COLUMNS, row: service_account },
        "PersistentVolume" => Printer { columns: PV_COLUMNS, row: persistent_volume },
        "PersistentVolumeClaim" => Printer { columns: PVC_COLUMNS, row: persistent_volume_claim },
        "Event" => Printer { columns: EVENT_COLUMNS, row: event },
        "ResourceQuota" => Printer { columns: QUOTA_COLUMNS, row: resource_quota },
        _ => return None,
    })
}

/// events.k8s.io serves the same events, printed the same way.
pub fn events_printer(kind: &str) -> Option<Printer> {
    (kind == "Event").then_some(Printer { columns: EVENT_COLUMNS, row: events_v1_event })
}

// ---- pods ----

const POD_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    Col::text("Status", "The aggregate status of the containers in this pod."),
    Col::text(
        "Restarts",
        "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE,
    Col::field("IP", POD_STATUS, "podIP").wide(),
    Col::field("Node", POD_SPEC, "nodeName").wide(),
    Col::field("Nominated Node", POD_STATUS, "nominatedNodeName").wide(),
    Col::field("Readiness Gates", POD_SPEC, "readinessGates").wide(),
];

fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// A pod's conditions of the given type is True.
fn pod_condition_true(status: &Value, ty: &str) -> bool {
    items(&status["conditions"]).iter().any(|c| s(&c["type"]) == ty && s(&c["status"]) == "True")
}

/// A terminated state's reason, or `Signal:N` / `ExitCode:N`.
fn terminated_reason(t: &Value, prefix: &str) -> String {
    if !s(&t["reason"]).is_empty() {
        return format!("{prefix}{}", s(&t["reason"]));
    }
    if int(&t["signal"]) != 0 {
        format!("{prefix}Signal:{}", int(&t["signal"]))
    } else {
        format!("{prefix}ExitCode:{}", int(&t["exitCode"]))
    }
}

/// Row conditions of a pod that has finished.
pub fn pod_conditions(o: &Value) -> Option<Value> {
    let (reason, message) = match s(&o["status"]["phase"]) {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{"type": "Completed", "status": "True", "reason": reason, "message": message}]))
}

fn pod(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let (spec, status) = (&o["spec"], &o["status"]);
    let phase = s(&status["phase"]);
    let mut reason = or(s(&status["reason"]), phase);
    if items(&status["conditions"])
        .iter()
        .any(|c| s(&c["type"]) == "PodScheduled" && s(&c["reason"]) == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let init_specs = items(&spec["initContainers"]);
    let restartable = |name: &str| {
        init_specs.iter().any(|c| s(&c["name"]) == name && s(&c["restartPolicy"]) == "Always")
    };
    let total = items(&spec["containers"]).len()
        + init_specs.iter().filter(|c| s(&c["restartPolicy"]) == "Always").count();
    let mut ready = 0usize;
    let mut restarts = 0i64;
    let mut sidecar_restarts = 0i64;
    let mut last_restart: Option<chrono::DateTime<chrono::Utc>> = None;
    let mut last_sidecar_restart: Option<chrono::DateTime<chrono::Utc>> = None;
    let later = |a: Option<chrono::DateTime<chrono::Utc>>, b: &Value| match (
        a,
        parse_time(&b["lastState"]["terminated"]["finishedAt"]),
    ) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let mut initializing = false;
    let init_statuses = items(&status["initContainerStatuses"]);
    for (i, c) in init_statuses.iter().enumerate() {
        restarts += int(&c["restartCount"]);
        last_restart = later(last_restart, c);
        let is_sidecar = restartable(s(&c["name"]));
        if is_sidecar {
            sidecar_restarts += int(&c["restartCount"]);
            last_sidecar_restart = later(last_sidecar_restart, c);
        }
        let state = &c["state"];
        let terminated = &state["terminated"];
        if terminated.is_object() && int(&terminated["exitCode"]) == 0 {
            continue;
        }
        if is_sidecar && c["started"].as_bool() == Some(true) {
            if c["ready"].as_bool() == Some(true) {
                ready += 1;
            }
            continue;
        }
        let waiting = s(&state["waiting"]["reason"]);
        reason = if terminated.is_object() {
            terminated_reason(terminated, "Init:")
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }
    if !initializing || pod_condition_true(status, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for c in items(&status["containerStatuses"]).iter().rev() {
            restarts += int(&c["restartCount"]);
            last_restart = later(last_restart, c);
            let state = &c["state"];
            let waiting = s(&state["waiting"]["reason"]);
            let terminated = &state["terminated"];
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if terminated.is_object() {
                reason = terminated_reason(terminated, "");
            } else if c["ready"].as_bool() == Some(true) && state["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason =
                if pod_condition_true(status, "Ready") { "Running" } else { "NotReady" }.into();
        }
    }
    let deleting = o["metadata"]["deletionTimestamp"].is_string();
    if deleting && s(&status["reason"]) == "NodeLost" {
        reason = "Unknown".into();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".into();
    }
    let restarts_text = match last_restart {
        Some(t) if restarts != 0 => {
            format!("{restarts} ({} ago)", super::super::clock::human_duration(ctx.now - t))
        }
        _ => restarts.to_string(),
    };
    let ip = items(&status["podIPs"]).first().map(|p| s(&p["ip"])).unwrap_or_default();
    let gates = items(&spec["readinessGates"]);
    let gates_text = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let ok = gates
            .iter()
            .filter(|g| {
                items(&status["conditions"])
                    .iter()
                    .find(|c| s(&c["type"]) == s(&g["conditionType"]))
                    .is_some_and(|c| s(&c["status"]) == "True")
            })
            .count();
        format!("{ok}/{}", gates.len())
    };
    vec![
        name(o),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_text),
        ctx.age(o),
        json!(or(ip, "<none>")),
        json!(or(s(&spec["nodeName"]), "<none>")),
        json!(or(s(&status["nominatedNodeName"]), "<none>")),
        json!(gates_text),
    ]
}

const POD_TEMPLATE_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Containers", "Names of each container in the template."),
    Col::text("Images", "Images referenced by each container in the template."),
    Col::text("Pod Labels", "The labels for the pod template."),
];

fn pod_template(o: &Value, _: &Ctx) -> Vec<Value> {
    let [names, images] = containers(&o["template"]["spec"]);
    vec![name(o), names, images, json!(format_labels(&o["template"]["metadata"]["labels"]))]
}

const RC_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Desired", RC_SPEC, "replicas").int(),
    Col::field("Current", RC_STATUS, "replicas").int(),
    Col::field("Ready", RC_STATUS, "readyReplicas").int(),
    AGE,
    CONTAINERS,
    IMAGES,
    Col::field("Selector", RC_SPEC, "selector").wide(),
];

fn replication_controller(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let [names, images] = containers(&o["spec"]["template"]["spec"]);
    vec![
        name(o),
        json!(o["spec"]["replicas"].as_i64().unwrap_or(1)),
        json!(int(&o["status"]["replicas"])),
        json!(int(&o["status"]["readyReplicas"])),
        ctx.age(o),
        names,
        images,
        json!(format_labels(&o["spec"]["selector"])),
    ]
}

// ---- services and endpoints ----

const SERVICE_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Type", SVC_SPEC, "type"),
    Col::field("Cluster-IP", SVC_SPEC, "clusterIP"),
    Col::field("External-IP", SVC_SPEC, "externalIPs"),
    Col::field("Port(s)", SVC_SPEC, "ports"),
    AGE,
    Col::field("Selector", SVC_SPEC, "selector").wide(),
];

/// Load-balancer ingress points: IPs or host names, sorted and de-duplicated.
pub fn load_balancer(status: &Value) -> String {
    let mut out: Vec<&str> = items(&status["loadBalancer"]["ingress"])
        .iter()
        .filter_map(|i| {
            let (ip, host) = (s(&i["ip"]), s(&i["hostname"]));
            if !ip.is_empty() {
                Some(ip)
            } else if !host.is_empty() {
                Some(host)
            } else {
                None
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.join(",")
}

fn external_ip(o: &Value) -> String {
    let spec = &o["spec"];
    let external: Vec<String> = items(&spec["externalIPs"]).iter().map(scalar).collect();
    match s(&spec["type"]) {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = load_balancer(&o["status"]);
            if !external.is_empty() {
                let mut all: Vec<String> =
                    if lb.is_empty() { vec![] } else { lb.split(',').map(String::from).collect() };
                all.extend(external);
                all.join(",")
            } else {
                or(&lb, "<pending>")
            }
        }
        "ExternalName" => s(&spec["externalName"]).to_string(),
        _ => "<unknown>".into(),
    }
}

fn service(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let spec = &o["spec"];
    let cluster_ip = items(&spec["clusterIPs"]).first().map(s).unwrap_or_default();
    let ports: Vec<String> = items(&spec["ports"])
        .iter()
        .map(|p| {
            let proto = s(&p["protocol"]);
            match int(&p["nodePort"]) {
                n if n > 0 => format!("{}:{n}/{proto}", int(&p["port"])),
                _ => format!("{}/{proto}", int(&p["port"])),
            }
        })
        .collect();
    vec![
        name(o),
        json!(s(&spec["type"])),
        json!(or(cluster_ip, "<none>")),
        json!(external_ip(o)),
        json!(or(&ports.join(","), "<none>")),
        ctx.age(o),
        json!(format_labels(&spec["selector"])),
    ]
}

const ENDPOINTS_COLUMNS: &[Col] =
    &[NAME, Col::field("Endpoints", "io.k8s.api.core.v1.Endpoints", "subsets"), AGE];

/// `host:port`, bracketing IPv6 hosts.
fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

fn endpoints(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let subsets = items(&o["subsets"]);
    let text = if subsets.is_empty() {
        "<none>".to_string()
    } else {
        const MAX: usize = 3;
        let mut list: Vec<String> = Vec::new();
        let (mut more, mut count) = (false, 0usize);
        for ss in subsets {
            let addrs = items(&ss["addresses"]);
            let ports = items(&ss["ports"]);
            if ports.is_empty() {
                count += addrs.len();
                for a in addrs {
                    if list.len() == MAX {
                        more = true;
                        break;
                    }
                    list.push(s(&a["ip"]).to_string());
                }
                continue;
            }
            for p in ports {
                count += addrs.len();
                for a in addrs {
                    if list.len() == MAX {
                        more = true;
                        break;
                    }
                    list.push(join_host_port(s(&a["ip"]), int(&p["port"])));
                }
            }
        }
        let joined = list.join(",");
        if more { format!("{joined} + {} more...", count - MAX) } else { joined }
    };
    vec![name(o), json!(text), ctx.age(o)]
}

// ---- nodes and namespaces ----

const NODE_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Status", "The status of the node"),
    Col::text("Roles", "The roles of the node"),
    AGE,
    Col::field("Version", NODE_INFO, "kubeletVersion"),
    Col::field("Internal-IP", NODE_STATUS, "addresses").wide(),
    Col::field("External-IP", NODE_STATUS, "addresses").wide(),
    Col::field("OS-Image", NODE_INFO, "osImage").wide(),
    Col::field("Kernel-Version", NODE_INFO, "kernelVersion").wide(),
    Col::field("Container-Runtime", NODE_INFO, "containerRuntimeVersion").wide(),
];

fn node(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let status = &o["status"];
    let mut states: Vec<String> = Vec::new();
    // The last condition of a type wins, as in a map keyed by type.
    if let Some(c) = items(&status["conditions"]).iter().rev().find(|c| s(&c["type"]) == "Ready") {
        states.push(if s(&c["status"]) == "True" { "Ready".into() } else { "NotReady".into() });
    }
    if states.is_empty() {
        states.push("Unknown".into());
    }
    if o["spec"]["unschedulable"].as_bool() == Some(true) {
        states.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = Vec::new();
    for (k, v) in o["metadata"]["labels"].as_object().into_iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role.into());
            }
        } else if k == "kubernetes.io/role" && !s(v).is_empty() {
            roles.push(s(v).into());
        }
    }
    roles.sort();
    roles.dedup();
    let address = |ty: &str| {
        items(&status["addresses"])
            .iter()
            .find(|a| s(&a["type"]) == ty)
            .map_or("<none>".to_string(), |a| s(&a["address"]).to_string())
    };
    let info = &status["nodeInfo"];
    vec![
        name(o),
        json!(states.join(",")),
        json!(or(&roles.join(","), "<none>")),
        ctx.age(o),
        json!(s(&info["kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(or(s(&info["osImage"]), "<unknown>")),
        json!(or(s(&info["kernelVersion"]), "<unknown>")),
        json!(or(s(&info["containerRuntimeVersion"]), "<unknown>")),
    ]
}

const NAMESPACE_COLUMNS: &[Col] = &[NAME, Col::text("Status", "The status of the namespace"), AGE];

fn namespace(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![name(o), json!(s(&o["status"]["phase"])), ctx.age(o)]
}

// ---- configuration ----

const CONFIGMAP_COLUMNS: &[Col] =
    &[NAME, Col::field("Data", "io.k8s.api.core.v1.ConfigMap", "data").int(), AGE];

fn config_map(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![name(o), json!(len(&o["data"]) + len(&o["binaryData"])), ctx.age(o)]
}

const SECRET_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Type", "io.k8s.api.core.v1.Secret", "type"),
    Col::field("Data", "io.k8s.api.core.v1.Secret", "data").int(),
    AGE,
];

fn secret(o: &Value, ctx: &Ctx) -> Vec<Value> {
    // kube-apiserver merges stringData into data on write; count a key given in both once.
    let mut keys: Vec<&String> = ["data", "stringData"]
        .iter()
        .flat_map(|f| o[*f].as_object().into_iter().flat_map(|m| m.keys()))
        .collect();
    keys.sort();
    keys.dedup();
    vec![name(o), json!(s(&o["type"])), json!(keys.len()), ctx.age(o)]
}

const SA_COLUMNS: &[Col] =
    &[NAME, Col::field("Secrets", "io.k8s.api.core.v1.ServiceAccount", "secrets").int(), AGE];

fn service_account(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![name(o), json!(len(&o["secrets"])), ctx.age(o)]
}

const QUOTA_COLUMNS: &[Col] = &[
    NAME,
    AGE,
    Col::text(
        "Request",
        "Request represents a minimum amount of cpu/memory that a container may consume.",
    ),
    Col::text(
        "Limit",
        "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
];

fn resource_quota(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let (hard, used) = (&o["status"]["hard"], &o["status"]["used"]);
    let mut names: Vec<&String> = hard.as_object().map(|m| m.keys().collect()).unwrap_or_default();
    names.sort();
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for r in names {
        let u = match &used[r.as_str()] {
            Value::Null => "0".to_string(),
            v => scalar(v),
        };
        let text = format!("{r}: {u}/{}", scalar(&hard[r.as_str()]));
        let pieces: Vec<&str> = r.split('.').collect();
        if pieces.len() > 1 && pieces[0] == "limits" {
            limit.push(text);
        } else {
            request.push(text);
        }
    }
    vec![name(o), ctx.age(o), json!(request.join(", ")), json!(limit.join(", "))]
}

// ---- storage ----

/// kube's access mode abbreviations, in its order, without repeats.
fn access_modes(v: &Value) -> String {
    let modes: Vec<&str> = items(v).iter().map(s).collect();
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| modes.contains(m))
    .map(|(_, a)| *a)
    .collect::<Vec<_>>()
    .join(",")
}

/// The storage class: the beta annotation first, then the field.
fn storage_class(o: &Value) -> String {
    match o["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str() {
        Some(c) => c.to_string(),
        None => s(&o["spec"]["storageClassName"]).to_string(),
    }
}

fn phase_or_terminating(o: &Value) -> String {
    if o["metadata"]["deletionTimestamp"].is_string() {
        "Terminating".into()
    } else {
        s(&o["status"]["phase"]).into()
    }
}

const PV_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Capacity", PV_SPEC, "capacity"),
    Col::field("Access Modes", PV_SPEC, "accessModes"),
    Col::field("Reclaim Policy", PV_SPEC, "persistentVolumeReclaimPolicy"),
    Col::field("Status", PV_STATUS, "phase"),
    Col::field("Claim", PV_SPEC, "claimRef"),
    Col::text("StorageClass", "StorageClass of the pv"),
    Col::text("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
    Col::field("Reason", PV_STATUS, "reason"),
    AGE,
    Col::field("VolumeMode", PV_SPEC, "volumeMode").wide(),
];

fn persistent_volume(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let spec = &o["spec"];
    let claim = &spec["claimRef"];
    let claim_text = if claim.is_object() {
        format!("{}/{}", s(&claim["namespace"]), s(&claim["name"]))
    } else {
        String::new()
    };
    vec![
        name(o),
        json!(scalar(&spec["capacity"]["storage"])),
        json!(access_modes(&spec["accessModes"])),
        json!(s(&spec["persistentVolumeReclaimPolicy"])),
        json!(phase_or_terminating(o)),
        json!(claim_text),
        json!(storage_class(o)),
        json!(or(s(&spec["volumeAttributesClassName"]), "<unset>")),
        json!(s(&o["status"]["reason"])),
        ctx.age(o),
        json!(or(s(&spec["volumeMode"]), "<unset>")),
    ]
}

const PVC_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Status", PVC_STATUS, "phase"),
    Col::field("Volume", PVC_SPEC, "volumeName"),
    Col::field("Capacity", PVC_STATUS, "capacity"),
    Col::field("Access Modes", PVC_STATUS, "accessModes"),
    Col::text("StorageClass", "StorageClass of the pvc"),
    Col::text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    AGE,
    Col::field("VolumeMode", PVC_SPEC, "volumeMode").wide(),
];

fn persistent_volume_claim(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let spec = &o["spec"];
    let volume = s(&spec["volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (scalar(&o["status"]["capacity"]["storage"]), access_modes(&o["status"]["accessModes"]))
    };
    vec![
        name(o),
        json!(phase_or_terminating(o)),
        json!(volume),
        json!(capacity),
        json!(modes),
        json!(storage_class(o)),
        json!(or(s(&spec["volumeAttributesClassName"]), "<unset>")),
        ctx.age(o),
        json!(or(s(&spec["volumeMode"]), "<unset>")),
    ]
}

// ---- events ----

const EVENT_COLUMNS: &[Col] = &[
    Col::field("Last Seen", EVENT, "lastTimestamp"),
    Col::field("Type", EVENT, "type"),
    Col::field("Reason", EVENT, "reason"),
    Col::field("Object", EVENT, "involvedObject"),
    Col::field("Subobject", "io.k8s.api.core.v1.ObjectReference", "fieldPath").wide(),
    Col::field("Source", EVENT, "source").wide(),
    Col::field("Message", EVENT, "message"),
    Col::field("First Seen", EVENT, "firstTimestamp").wide(),
    Col::field("Count", EVENT, "count").wide(),
    NAME.wide(),
];

fn event(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let since = |v: &Value| if v.is_string() { Some(ctx.since(v)) } else { None };
    let first = since(&o["firstTimestamp"]).unwrap_or_else(|| ctx.since(&o["eventTime"]));
    let mut last = since(&o["lastTimestamp"]).unwrap_or_else(|| first.clone());
    let mut count = int(&o["count"]);
    if o["series"].is_object() {
        last = ctx.since(&o["series"]["lastObservedTime"]);
        count = int(&o["series"]["count"]);
    } else if count == 0 {
        count = 1;
    }
    let involved = &o["involvedObject"];
    let kind = s(&involved["kind"]).to_lowercase();
    let target = match s(&involved["name"]) {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let first_non_empty =
        |a: &str, b: &str| if a.is_empty() { b.to_string() } else { a.to_string() };
    let component = first_non_empty(s(&o["source"]["component"]), s(&o["reportingController"]));
    let instance = first_non_empty(s(&o["source"]["host"]), s(&o["reportingInstance"]));
    let source = if instance.is_empty() { component } else { format!("{component}, {instance}") };
    vec![
        json!(last),
        json!(s(&o["type"])),
        json!(s(&o["reason"])),
        json!(target),
        json!(s(&involved["fieldPath"])),
        json!(source),
        json!(s(&o["message"]).trim()),
        json!(first),
        json!(count),
        name(o),
    ]
}

/// An events.k8s.io/v1 Event in the core shape the printer reads.
fn events_v1_event(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let mut core = o.clone();
    for (from, to) in [
        ("regarding", "involvedObject"),
        ("note", "message"),
        ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ] {
        if let Some(m) = core.as_object_mut() {
            match m.remove(from) {
                Some(v) => m.insert(to.into(), v),
                None => m.remove(to),
            };
        }
    }
    event(&core, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx { now: chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").unwrap().into() }
    }

    #[test]
    fn service_cells() {
        let svc = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer",
            "clusterIPs": ["10.96.0.10"], "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30001},
            {"port": 53, "protocol": "UDP"}], "selector": {"app": "x"}}});
        let cells = service(&svc, &ctx());
        assert_eq!(cells[2], "10.96.0.10");
        assert_eq!(cells[3], "<pending>");
        assert_eq!(cells[4], "80:30001/TCP,53/UDP");
        let mut with_lb = svc.clone();
        with_lb["status"] = json!({"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}});
        with_lb["spec"]["externalIPs"] = json!(["5.6.7.8"]);
        assert_eq!(service(&with_lb, &ctx())[3], "1.2.3.4,5.6.7.8");
        let cip = json!({"spec": {"type": "ClusterIP"}});
        assert_eq!(service(&cip, &ctx())[3], "<none>");
        assert_eq!(service(&cip, &ctx())[4], "<none>");
    }

    #[test]
    fn pod_status_column() {
        let base = json!({"metadata": {"name": "p", "creationTimestamp": "2026-01-02T03:00:00Z"},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let mut p = base.clone();
        p["status"] = json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 1, "state": {"running": {}},
                 "lastState": {"terminated": {"finishedAt": "2026-01-02T03:02:05Z"}}},
                {"name": "b", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]});
        let cells = pod(&p, &ctx());
        assert_eq!(
            (&cells[1], &cells[2], &cells[3], &cells[4]),
            (&json!("1/2"), &json!("Running"), &json!("1 (2m ago)"), &json!("4m5s"))
        );
        p["status"]["conditions"] = json!([]);
        assert_eq!(pod(&p, &ctx())[2], "NotReady");
        p["status"]["containerStatuses"][1]["state"] = json!({"terminated": {"exitCode": 137}});
        assert_eq!(pod(&p, &ctx())[2], "ExitCode:137");
        let mut gated = base.clone();
        gated["status"] = json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "reason": "SchedulingGated"}]});
        assert_eq!(pod(&gated, &ctx())[2], "SchedulingGated");
        let mut sidecar = base.clone();
        sidecar["spec"]["initContainers"] = json!([{"name": "proxy", "restartPolicy": "Always"}]);
        sidecar["status"] = json!({"phase": "Running", "initContainerStatuses": [
            {"name": "proxy", "started": true, "ready": true, "restartCount": 3, "state": {"running": {}}}]});
        let cells = pod(&sidecar, &ctx());
        assert_eq!((&cells[1], &cells[3]), (&json!("1/3"), &json!("3")));
        let mut lost = base;
        lost["metadata"]["deletionTimestamp"] = json!("2026-01-02T03:04:00Z");
        lost["status"] = json!({"phase": "Running", "reason": "NodeLost"});
        assert_eq!(pod(&lost, &ctx())[2], "Unknown");
    }

    #[test]
    fn endpoints_truncate_after_three() {
        let ep = json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "fd00::1"}, {"ip": "10.0.0.4"}],
            "ports": [{"port": 80}]}]});
        assert_eq!(endpoints(&ep, &ctx())[1], "10.0.0.1:80,10.0.0.2:80,[fd00::1]:80 + 1 more...");
    }
}
