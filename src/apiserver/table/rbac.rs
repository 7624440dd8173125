//! Table printers of rbac.authorization.k8s.io/v1: role bindings and cluster role bindings
//! (roles and cluster roles have none: they get the default NAME / CREATED AT table).

use super::{AGE, Col, Ctx, NAME, Printer, name, s};
use serde_json::{Value, json};

const RB: &str = "io.k8s.api.rbac.v1.RoleBinding";
const CRB: &str = "io.k8s.api.rbac.v1.ClusterRoleBinding";

/// The printer of an RBAC kind.
pub fn printer(kind: &str) -> Option<Printer> {
    Some(match kind {
        "RoleBinding" => Printer { columns: RB_COLUMNS, row: binding },
        "ClusterRoleBinding" => Printer { columns: CRB_COLUMNS, row: binding },
        _ => return None,
    })
}

const RB_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Role", RB, "roleRef"),
    AGE,
    Col::text("Users", "Users in the roleBinding").wide(),
    Col::text("Groups", "Groups in the roleBinding").wide(),
    Col::text("ServiceAccounts", "ServiceAccounts in the roleBinding").wide(),
];

const CRB_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Role", CRB, "roleRef"),
    AGE,
    Col::text("Users", "Users in the clusterRoleBinding").wide(),
    Col::text("Groups", "Groups in the clusterRoleBinding").wide(),
    Col::text("ServiceAccounts", "ServiceAccounts in the clusterRoleBinding").wide(),
];

fn binding(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for sub in o["subjects"].as_array().into_iter().flatten() {
        match s(&sub["kind"]) {
            "ServiceAccount" => sas.push(format!("{}/{}", s(&sub["namespace"]), s(&sub["name"]))),
            "User" => users.push(s(&sub["name"]).to_string()),
            "Group" => groups.push(s(&sub["name"]).to_string()),
            _ => {}
        }
    }
    let role = &o["roleRef"];
    vec![
        name(o),
        json!(format!("{}/{}", s(&role["kind"]), s(&role["name"]))),
        ctx.age(o),
        json!(users.join(", ")),
        json!(groups.join(", ")),
        json!(sas.join(", ")),
    ]
}
