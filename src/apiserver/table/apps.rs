//! Table printers of apps/v1: deployments, replica sets, stateful sets, daemon sets and
//! controller revisions.

use super::{
    AGE, CONTAINERS, Col, Ctx, IMAGES, NAME, Printer, containers, format_labels, format_selector,
    int, name, s, selector_string,
};
use serde_json::{Value, json};

const DEPLOY_SPEC: &str = "io.k8s.api.apps.v1.DeploymentSpec";
const DEPLOY_STATUS: &str = "io.k8s.api.apps.v1.DeploymentStatus";
const RS_SPEC: &str = "io.k8s.api.apps.v1.ReplicaSetSpec";
const RS_STATUS: &str = "io.k8s.api.apps.v1.ReplicaSetStatus";
const DS_SPEC: &str = "io.k8s.api.apps.v1.DaemonSetSpec";
const DS_STATUS: &str = "io.k8s.api.apps.v1.DaemonSetStatus";

/// The printer of an apps/v1 kind.
pub fn printer(kind: &str) -> Option<Printer> {
    Some(match kind {
        "Deployment" => Printer { columns: DEPLOYMENT_COLUMNS, row: deployment },
        "ReplicaSet" => Printer { columns: REPLICASET_COLUMNS, row: replica_set },
        "StatefulSet" => Printer { columns: STATEFULSET_COLUMNS, row: stateful_set },
        "DaemonSet" => Printer { columns: DAEMONSET_COLUMNS, row: daemon_set },
        "ControllerRevision" => Printer { columns: REVISION_COLUMNS, row: controller_revision },
        _ => return None,
    })
}

/// `spec.replicas`, 1 when unset (its default).
fn replicas(o: &Value) -> i64 {
    o["spec"]["replicas"].as_i64().unwrap_or(1)
}

const DEPLOYMENT_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Ready", "Number of the pod with ready state"),
    Col::field("Up-to-date", DEPLOY_STATUS, "updatedReplicas"),
    Col::field("Available", DEPLOY_STATUS, "availableReplicas"),
    AGE,
    CONTAINERS,
    IMAGES,
    Col::field("Selector", DEPLOY_SPEC, "selector").wide(),
];

fn deployment(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let st = &o["status"];
    let [names, images] = containers(&o["spec"]["template"]["spec"]);
    vec![
        name(o),
        json!(format!("{}/{}", int(&st["readyReplicas"]), replicas(o))),
        json!(int(&st["updatedReplicas"])),
        json!(int(&st["availableReplicas"])),
        ctx.age(o),
        names,
        images,
        json!(selector_string(&o["spec"]["selector"])),
    ]
}

const REPLICASET_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Desired", RS_SPEC, "replicas").int(),
    Col::field("Current", RS_STATUS, "replicas").int(),
    Col::field("Ready", RS_STATUS, "readyReplicas").int(),
    AGE,
    CONTAINERS,
    IMAGES,
    Col::field("Selector", RS_SPEC, "selector").wide(),
];

fn replica_set(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let [names, images] = containers(&o["spec"]["template"]["spec"]);
    vec![
        name(o),
        json!(replicas(o)),
        json!(int(&o["status"]["replicas"])),
        json!(int(&o["status"]["readyReplicas"])),
        ctx.age(o),
        names,
        images,
        json!(format_selector(&o["spec"]["selector"])),
    ]
}

const STATEFULSET_COLUMNS: &[Col] =
    &[NAME, Col::text("Ready", "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES];

fn stateful_set(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let [names, images] = containers(&o["spec"]["template"]["spec"]);
    vec![
        name(o),
        json!(format!("{}/{}", int(&o["status"]["readyReplicas"]), replicas(o))),
        ctx.age(o),
        names,
        images,
    ]
}

const DAEMONSET_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Desired", DS_STATUS, "desiredNumberScheduled").int(),
    Col::field("Current", DS_STATUS, "currentNumberScheduled").int(),
    Col::field("Ready", DS_STATUS, "numberReady").int(),
    Col::field("Up-to-date", DS_STATUS, "updatedNumberScheduled").int(),
    Col::field("Available", DS_STATUS, "numberAvailable").int(),
    Col::field("Node Selector", "io.k8s.api.core.v1.PodSpec", "nodeSelector"),
    AGE,
    CONTAINERS,
    IMAGES,
    Col::field("Selector", DS_SPEC, "selector").wide(),
];

fn daemon_set(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let st = &o["status"];
    let spec = &o["spec"]["template"]["spec"];
    let [names, images] = containers(spec);
    vec![
        name(o),
        json!(int(&st["desiredNumberScheduled"])),
        json!(int(&st["currentNumberScheduled"])),
        json!(int(&st["numberReady"])),
        json!(int(&st["updatedNumberScheduled"])),
        json!(int(&st["numberAvailable"])),
        json!(format_labels(&spec["nodeSelector"])),
        ctx.age(o),
        names,
        images,
        json!(format_selector(&o["spec"]["selector"])),
    ]
}

const REVISION_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Controller", "Controller of the object"),
    Col::field("Revision", "io.k8s.api.apps.v1.ControllerRevision", "revision"),
    AGE,
];

fn controller_revision(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let owner = o["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["controller"].as_bool() == Some(true));
    let controller = match owner {
        None => "<none>".to_string(),
        Some(r) => {
            let group = s(&r["apiVersion"]).rsplit_once('/').map(|(g, _)| g).unwrap_or_default();
            let kind = s(&r["kind"]);
            let gk = if group.is_empty() { kind.to_string() } else { format!("{kind}.{group}") };
            if gk.is_empty() {
                s(&r["name"]).to_string()
            } else {
                format!("{}/{}", gk.to_lowercase(), s(&r["name"]))
            }
        }
    };
    vec![name(o), json!(controller), json!(int(&o["revision"])), ctx.age(o)]
}
