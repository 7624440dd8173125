//! The bootstrap policy kube-apiserver creates at start: `cluster-admin` (bound to
//! `system:masters`), the aggregated user-facing roles `admin`, `edit` and `view` with the
//! `system:aggregate-to-*` roles that feed them, `system:discovery`, `system:basic-user` and
//! `system:public-info-viewer`. Existing objects are left alone, so edits survive restarts.

use super::rbac::GROUP;
use crate::apiserver::ApiServer;
use crate::apiserver::store::{Key, StoreError};
use serde_json::{Value, json};

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

fn urls(paths: &[&str], verbs: &[&str]) -> Value {
    json!({"nonResourceURLs": paths, "verbs": verbs})
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];

fn cluster_role(
    name: &str,
    labels: Value,
    rules: Vec<Value>,
    aggregate_label: Option<&str>,
) -> Value {
    let mut labels = labels;
    labels["kubernetes.io/bootstrapping"] = json!("rbac-defaults");
    let mut role = json!({
        "apiVersion": format!("{GROUP}/v1"), "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels,
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
        "rules": rules,
    });
    if let Some(l) = aggregate_label {
        role["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {l: "true"}}]});
    }
    role
}

fn binding(name: &str, role: &str, groups: &[&str]) -> Value {
    let subjects: Vec<Value> =
        groups.iter().map(|g| json!({"apiGroup": GROUP, "kind": "Group", "name": g})).collect();
    json!({
        "apiVersion": format!("{GROUP}/v1"), "kind": "ClusterRoleBinding",
        "metadata": {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
        "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    })
}

/// The bootstrap ClusterRoles.
pub fn cluster_roles() -> Vec<Value> {
    let view_core = &[
        "configmaps",
        "endpoints",
        "persistentvolumeclaims",
        "persistentvolumeclaims/status",
        "pods",
        "pods/log",
        "pods/status",
        "replicationcontrollers",
        "replicationcontrollers/scale",
        "replicationcontrollers/status",
        "serviceaccounts",
        "services",
        "services/status",
        "bindings",
        "events",
        "limitranges",
        "namespaces/status",
        "resourcequotas",
        "resourcequotas/status",
        "namespaces",
    ];
    let apps = &[
        "controllerrevisions",
        "daemonsets",
        "daemonsets/status",
        "deployments",
        "deployments/scale",
        "deployments/status",
        "replicasets",
        "replicasets/scale",
        "replicasets/status",
        "statefulsets",
        "statefulsets/scale",
        "statefulsets/status",
    ];
    let edit_core = &[
        "pods",
        "pods/attach",
        "pods/exec",
        "pods/portforward",
        "pods/proxy",
        "configmaps",
        "endpoints",
        "persistentvolumeclaims",
        "replicationcontrollers",
        "replicationcontrollers/scale",
        "secrets",
        "serviceaccounts",
        "services",
        "services/proxy",
        "pods/eviction",
    ];
    let agg_view = json!({"rbac.authorization.k8s.io/aggregate-to-view": "true",
        "rbac.authorization.k8s.io/aggregate-to-edit": "true",
        "rbac.authorization.k8s.io/aggregate-to-admin": "true"});
    let agg_edit = json!({"rbac.authorization.k8s.io/aggregate-to-edit": "true",
        "rbac.authorization.k8s.io/aggregate-to-admin": "true"});
    let agg_admin = json!({"rbac.authorization.k8s.io/aggregate-to-admin": "true"});
    vec![
        cluster_role(
            "cluster-admin",
            json!({}),
            vec![rule(&["*"], &["*"], &["*"]), urls(&["*"], &["*"])],
            None,
        ),
        cluster_role(
            "admin",
            json!({}),
            vec![],
            Some("rbac.authorization.k8s.io/aggregate-to-admin"),
        ),
        cluster_role(
            "edit",
            json!({}),
            vec![],
            Some("rbac.authorization.k8s.io/aggregate-to-edit"),
        ),
        cluster_role(
            "view",
            json!({}),
            vec![],
            Some("rbac.authorization.k8s.io/aggregate-to-view"),
        ),
        cluster_role(
            "system:aggregate-to-view",
            agg_view,
            vec![
                rule(&[""], view_core, READ),
                rule(&["apps"], apps, READ),
                rule(
                    &["autoscaling"],
                    &["horizontalpodautoscalers", "horizontalpodautoscalers/status"],
                    READ,
                ),
                rule(&["batch"], &["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
                rule(&["discovery.k8s.io"], &["endpointslices"], READ),
                rule(
                    &["networking.k8s.io"],
                    &["ingresses", "ingresses/status", "networkpolicies"],
                    READ,
                ),
                rule(&["policy"], &["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
            ],
            None,
        ),
        cluster_role(
            "system:aggregate-to-edit",
            agg_edit,
            vec![
                rule(&[""], edit_core, WRITE),
                rule(&[""], &["secrets"], READ),
                rule(&[""], &["serviceaccounts"], &["impersonate"]),
                rule(&[""], &["serviceaccounts/token"], &["create"]),
                rule(
                    &["apps"],
                    &[
                        "daemonsets",
                        "deployments",
                        "deployments/rollback",
                        "deployments/scale",
                        "replicasets",
                        "replicasets/scale",
                        "statefulsets",
                        "statefulsets/scale",
                    ],
                    WRITE,
                ),
                rule(&["autoscaling"], &["horizontalpodautoscalers"], WRITE),
                rule(&["batch"], &["cronjobs", "jobs"], WRITE),
                rule(&["networking.k8s.io"], &["ingresses", "networkpolicies"], WRITE),
                rule(&["policy"], &["poddisruptionbudgets"], WRITE),
                rule(&["discovery.k8s.io"], &["endpointslices"], WRITE),
            ],
            None,
        ),
        cluster_role(
            "system:aggregate-to-admin",
            agg_admin,
            vec![
                rule(&["authorization.k8s.io"], &["localsubjectaccessreviews"], &["create"]),
                rule(
                    &[GROUP],
                    &["rolebindings", "roles"],
                    &[
                        "create",
                        "delete",
                        "deletecollection",
                        "get",
                        "list",
                        "patch",
                        "update",
                        "watch",
                    ],
                ),
            ],
            None,
        ),
        cluster_role(
            "system:discovery",
            json!({}),
            vec![urls(
                &[
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/openapi",
                    "/openapi/*",
                    "/readyz",
                    "/version",
                    "/version/",
                ],
                &["get"],
            )],
            None,
        ),
        cluster_role(
            "system:basic-user",
            json!({}),
            vec![
                rule(
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    &["create"],
                ),
                rule(&["authentication.k8s.io"], &["selfsubjectreviews"], &["create"]),
            ],
            None,
        ),
        cluster_role(
            "system:public-info-viewer",
            json!({}),
            vec![urls(&["/healthz", "/livez", "/readyz", "/version", "/version/"], &["get"])],
            None,
        ),
    ]
}

/// The bootstrap ClusterRoleBindings.
pub fn cluster_role_bindings() -> Vec<Value> {
    vec![
        binding("cluster-admin", "cluster-admin", &["system:masters"]),
        binding("system:discovery", "system:discovery", &["system:authenticated"]),
        binding("system:basic-user", "system:basic-user", &["system:authenticated"]),
        binding(
            "system:public-info-viewer",
            "system:public-info-viewer",
            &["system:authenticated", "system:unauthenticated"],
        ),
    ]
}

/// Creates the bootstrap policy objects that are missing.
pub fn ensure(server: &ApiServer) -> Result<(), StoreError> {
    let res = |plural: &str| {
        crate::apiserver::registry::find_builtin(GROUP, "v1", plural)
            .ok_or_else(|| StoreError::Backend(format!("{plural} is not a built-in resource")))
    };
    for (plural, objs) in
        [("clusterroles", cluster_roles()), ("clusterrolebindings", cluster_role_bindings())]
    {
        let resource = res(plural)?;
        for mut obj in objs {
            let name = obj["metadata"]["name"].as_str().unwrap_or_default().to_string();
            let key = Key::new(&resource.group_resource(), "", &name);
            if server.store().get(&key)?.is_some() {
                continue;
            }
            crate::apiserver::objects::stamp_new(server, &resource, &mut obj);
            match server.store().create(&key, obj) {
                Ok(_) | Err(StoreError::AlreadyExists) => {}
                Err(e) => return Err(e),
            }
        }
    }
    super::rbac::reconcile_aggregation(server);
    Ok(())
}
