//! Table printers of networking.k8s.io/v1: ingresses, ingress classes and network policies.

use super::{AGE, Col, Ctx, NAME, Printer, format_selector, name, s};
use serde_json::{Value, json};

/// The printer of a networking.k8s.io/v1 kind.
pub fn printer(kind: &str) -> Option<Printer> {
    Some(match kind {
        "Ingress" => Printer { columns: INGRESS_COLUMNS, row: ingress },
        "IngressClass" => Printer { columns: INGRESS_CLASS_COLUMNS, row: ingress_class },
        "NetworkPolicy" => Printer { columns: NETPOL_COLUMNS, row: network_policy },
        _ => return None,
    })
}

const INGRESS_COLUMNS: &[Col] = &[
    NAME,
    Col::text(
        "Class",
        "The name of the IngressClass resource that should be used for additional configuration",
    ),
    Col::text("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    Col::text("Address", "Address is a list containing ingress points for the load-balancer"),
    Col::text("Ports", "Ports of TLS configurations that open"),
    AGE,
];

fn ingress(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let spec = &o["spec"];
    let rules = spec["rules"].as_array().map(Vec::as_slice).unwrap_or_default();
    const MAX: usize = 3;
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for r in rules {
        if hosts.len() == MAX {
            more = true;
        }
        if !more && !s(&r["host"]).is_empty() {
            hosts.push(s(&r["host"]));
        }
    }
    let hosts_text = if hosts.is_empty() {
        "*".to_string()
    } else if more {
        format!("{} + {} more...", hosts.join(","), rules.len() - MAX)
    } else {
        hosts.join(",")
    };
    let tls = spec["tls"].as_array().is_some_and(|t| !t.is_empty());
    vec![
        name(o),
        json!(spec["ingressClassName"].as_str().unwrap_or("<none>")),
        json!(hosts_text),
        json!(super::core::load_balancer(&o["status"])),
        json!(if tls { "80, 443" } else { "80" }),
        ctx.age(o),
    ]
}

const INGRESS_CLASS_COLUMNS: &[Col] = &[
    NAME,
    Col::text("Controller", "Controller that is responsible for handling this class"),
    Col::text("Parameters", "A reference to a resource with additional parameters"),
    AGE,
];

fn ingress_class(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let p = &o["spec"]["parameters"];
    let params = if p.is_object() {
        let mut kind = s(&p["kind"]).to_string();
        if let Some(g) = p["apiGroup"].as_str() {
            kind = format!("{kind}.{g}");
        }
        format!("{kind}/{}", s(&p["name"]))
    } else {
        "<none>".into()
    };
    vec![name(o), json!(s(&o["spec"]["controller"])), json!(params), ctx.age(o)]
}

const NETPOL_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Pod-Selector", "io.k8s.api.networking.v1.NetworkPolicySpec", "podSelector"),
    AGE,
];

fn network_policy(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![name(o), json!(format_selector(&o["spec"]["podSelector"])), ctx.age(o)]
}
