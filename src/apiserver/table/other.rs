//! Table printers of the small groups: policy (pod disruption budgets), autoscaling
//! (horizontal pod autoscalers), scheduling (priority classes), coordination (leases) and
//! discovery (endpoint slices).

use super::{AGE, Col, Ctx, NAME, Printer, int, name, s, scalar};
use serde_json::{Value, json};

const HPA_SPEC: &str = "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec";
const HPA_STATUS: &str = "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus";
const PC: &str = "io.k8s.api.scheduling.v1.PriorityClass";
const SLICE: &str = "io.k8s.api.discovery.v1.EndpointSlice";

/// The printer of a kind of one of the small groups.
pub fn printer(group: &str, kind: &str) -> Option<Printer> {
    Some(match (group, kind) {
        ("policy", "PodDisruptionBudget") => Printer { columns: PDB_COLUMNS, row: pdb },
        ("autoscaling", "HorizontalPodAutoscaler") => Printer { columns: HPA_COLUMNS, row: hpa },
        ("scheduling.k8s.io", "PriorityClass") => {
            Printer { columns: PC_COLUMNS, row: priority_class }
        }
        ("coordination.k8s.io", "Lease") => Printer { columns: LEASE_COLUMNS, row: lease },
        ("discovery.k8s.io", "EndpointSlice") => {
            Printer { columns: SLICE_COLUMNS, row: endpoint_slice }
        }
        _ => return None,
    })
}

const PDB_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Min Available", "The minimum number of pods that must be available."),
    Col::text("Max Unavailable", "The maximum number of pods that may be unavailable."),
    Col::text(
        "Allowed Disruptions",
        "Calculated number of pods that may be disrupted at this time.",
    )
    .int(),
    AGE,
];

fn pdb(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let field = |v: &Value| if v.is_null() { "N/A".to_string() } else { scalar(v) };
    vec![
        name(o),
        json!(field(&o["spec"]["minAvailable"])),
        json!(field(&o["spec"]["maxUnavailable"])),
        json!(int(&o["status"]["disruptionsAllowed"])),
        ctx.age(o),
    ]
}

const HPA_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Reference", HPA_SPEC, "scaleTargetRef"),
    Col::field("Targets", HPA_SPEC, "metrics"),
    Col::field("MinPods", HPA_SPEC, "minReplicas"),
    Col::field("MaxPods", HPA_SPEC, "maxReplicas"),
    Col::field("Replicas", HPA_STATUS, "currentReplicas"),
    AGE,
];

/// One metric of an HPA as `current/target`.
fn metric(spec: &Value, status: Option<&Value>) -> String {
    let unknown = || "<unknown>".to_string();
    let quantity = |v: &Value| scalar(v);
    let by_value = |key: &str| {
        let target = &spec[key]["target"];
        let current = status.map(|st| &st[key]).filter(|c| c.is_object());
        if !target["averageValue"].is_null() {
            let cur = current
                .map(|c| &c["current"]["averageValue"])
                .filter(|v| !v.is_null())
                .map_or_else(unknown, quantity);
            format!("{cur}/{} (avg)", quantity(&target["averageValue"]))
        } else {
            let cur = current.map_or_else(unknown, |c| quantity(&c["current"]["value"]));
            format!("{cur}/{}", quantity(&target["value"]))
        }
    };
    let by_resource = |key: &str| {
        let src = &spec[key];
        let target = &src["target"];
        let current = status.map(|st| &st[key]).filter(|c| c.is_object());
        let res = s(&src["name"]);
        if !target["averageValue"].is_null() {
            let cur = current.map_or_else(unknown, |c| quantity(&c["current"]["averageValue"]));
            format!("{res}: {cur}/{}", quantity(&target["averageValue"]))
        } else {
            let cur = current
                .and_then(|c| c["current"]["averageUtilization"].as_i64())
                .map_or_else(unknown, |u| format!("{u}%"));
            let tgt = target["averageUtilization"]
                .as_i64()
                .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
            format!("{res}: {cur}/{tgt}")
        }
    };
    match s(&spec["type"]) {
        "External" => by_value("external"),
        "Object" => by_value("object"),
        "Pods" => {
            let cur = status
                .map(|st| &st["pods"])
                .filter(|c| c.is_object())
                .map_or_else(unknown, |c| quantity(&c["current"]["averageValue"]));
            format!("{cur}/{}", quantity(&spec["pods"]["target"]["averageValue"]))
        }
        "Resource" => by_resource("resource"),
        "ContainerResource" => by_resource("containerResource"),
        _ => "<unknown type>".into(),
    }
}

fn hpa(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let (spec, st) = (&o["spec"], &o["status"]);
    let specs = spec["metrics"].as_array().map(Vec::as_slice).unwrap_or_default();
    let statuses = st["currentMetrics"].as_array().map(Vec::as_slice).unwrap_or_default();
    let targets = if specs.is_empty() {
        "<none>".to_string()
    } else {
        const MAX: usize = 2;
        let list: Vec<String> =
            specs.iter().enumerate().map(|(i, m)| metric(m, statuses.get(i))).collect();
        if list.len() > MAX {
            format!("{} + {} more...", list[..MAX].join(", "), list.len() - MAX)
        } else {
            list.join(", ")
        }
    };
    let target = &spec["scaleTargetRef"];
    vec![
        name(o),
        json!(format!("{}/{}", s(&target["kind"]), s(&target["name"]))),
        json!(targets),
        json!(
            spec["minReplicas"].as_i64().map_or_else(|| "<unset>".to_string(), |m| m.to_string())
        ),
        json!(int(&spec["maxReplicas"])),
        json!(int(&st["currentReplicas"])),
        ctx.age(o),
    ]
}

const PC_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Value", PC, "value").int(),
    Col::field("Global-Default", PC, "globalDefault").boolean(),
    AGE,
    Col::field("PreemptionPolicy", PC, "preemptionPolicy").wide(),
];

fn priority_class(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![
        name(o),
        json!(int(&o["value"])),
        json!(o["globalDefault"].as_bool().unwrap_or(false)),
        ctx.age(o),
        json!(s(&o["preemptionPolicy"])),
    ]
}

const LEASE_COLUMNS: &[Col] =
    &[NAME, Col::field("Holder", "io.k8s.api.coordination.v1.LeaseSpec", "holderIdentity"), AGE];

fn lease(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![name(o), json!(s(&o["spec"]["holderIdentity"])), ctx.age(o)]
}

const SLICE_COLUMNS: &[Col] = &[
    NAME,
    Col::field("AddressType", SLICE, "addressType"),
    Col::field("Ports", SLICE, "ports"),
    Col::field("Endpoints", SLICE, "endpoints"),
    AGE,
];

/// Up to three entries, then `+ N more...`; `<unset>` when none.
fn list_with_more(all: Vec<String>) -> String {
    const MAX: usize = 3;
    if all.len() > MAX {
        return format!("{} + {} more...", all[..MAX].join(","), all.len() - MAX);
    }
    if all.is_empty() { "<unset>".into() } else { all.join(",") }
}

fn endpoint_slice(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let ports: Vec<String> = o["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
            (Some(n), _) => n.to_string(),
            (None, Some(n)) => n.to_string(),
            (None, None) => "*".into(),
        })
        .collect();
    let addresses: Vec<String> = o["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["addresses"].as_array().cloned().unwrap_or_default())
        .map(|a| scalar(&a))
        .collect();
    vec![
        name(o),
        json!(s(&o["addressType"])),
        json!(list_with_more(ports)),
        json!(list_with_more(addresses)),
        ctx.age(o),
    ]
}
