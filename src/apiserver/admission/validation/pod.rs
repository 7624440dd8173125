//! Pod and pod template checks (`ValidatePodSpec` and what it calls): containers required,
//! container names (DNS-1123 labels, unique), images, ports, restart and DNS policies.

use super::{Errs, meta, names, quote};
use serde_json::Value;
use std::collections::HashSet;

/// `ValidatePodCreate` / `ValidatePodUpdate` (the spec part of an update is left to kube's
/// many per-field rules only where they are checked here).
pub fn pod(errs: &mut Errs, obj: &Value, _old: Option<&Value>) {
    spec(errs, &obj["spec"], "spec");
}

/// `ValidatePodTemplateSpec`: the template's labels and annotations, then its spec.
pub fn template(errs: &mut Errs, t: &Value, path: &str) {
    meta::labels(errs, t["metadata"]["labels"].as_object(), &format!("{path}.metadata.labels"));
    meta::annotations(
        errs,
        t["metadata"]["annotations"].as_object(),
        &format!("{path}.metadata.annotations"),
    );
    spec(errs, &t["spec"], &format!("{path}.spec"));
}

/// `ValidatePodSpec`.
pub fn spec(errs: &mut Errs, spec: &Value, path: &str) {
    if spec["terminationGracePeriodSeconds"].is_null() {
        errs.required(&format!("{path}.terminationGracePeriodSeconds"), "");
    }
    volumes(errs, &spec["volumes"], &format!("{path}.volumes"));
    let containers = spec["containers"].as_array().cloned().unwrap_or_default();
    let cpath = format!("{path}.containers");
    if containers.is_empty() {
        errs.required(&cpath, "");
    } else {
        let mut seen = HashSet::new();
        for (i, c) in containers.iter().enumerate() {
            let p = format!("{cpath}[{i}]");
            container(errs, c, &p);
            let name = c["name"].as_str().unwrap_or_default();
            if !seen.insert(name.to_string()) {
                errs.duplicate(&format!("{p}.name"), &quote(name));
            }
        }
    }
    let mut seen: HashSet<String> =
        containers.iter().filter_map(|c| c["name"].as_str().map(String::from)).collect();
    for (i, c) in spec["initContainers"].as_array().into_iter().flatten().enumerate() {
        let p = format!("{path}.initContainers[{i}]");
        container(errs, c, &p);
        let name = c["name"].as_str().unwrap_or_default();
        if !seen.insert(name.to_string()) {
            errs.duplicate(&format!("{p}.name"), &quote(name));
        }
    }
    match spec["restartPolicy"].as_str().unwrap_or_default() {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.required(&format!("{path}.restartPolicy"), ""),
        other => errs.not_supported(
            &format!("{path}.restartPolicy"),
            &quote(other),
            &["Always", "OnFailure", "Never"],
        ),
    }
    match spec["dnsPolicy"].as_str().unwrap_or_default() {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.required(&format!("{path}.dnsPolicy"), ""),
        other => errs.not_supported(
            &format!("{path}.dnsPolicy"),
            &quote(other),
            &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        ),
    }
    meta::labels(errs, spec["nodeSelector"].as_object(), &format!("{path}.nodeSelector"));
}

/// `ValidateVolumes`: names are DNS-1123 labels and unique.
fn volumes(errs: &mut Errs, vols: &Value, path: &str) {
    let mut seen = HashSet::new();
    for (i, v) in vols.as_array().into_iter().flatten().enumerate() {
        let p = format!("{path}[{i}].name");
        match v["name"].as_str().unwrap_or_default() {
            "" => errs.required(&p, ""),
            name => {
                for msg in names::dns1123_label(name) {
                    errs.invalid(&p, &quote(name), &msg);
                }
                if !seen.insert(name.to_string()) {
                    errs.duplicate(&p, &quote(name));
                }
            }
        }
    }
}

/// `validateContainerCommon`: name, image, ports.
fn container(errs: &mut Errs, c: &Value, path: &str) {
    match c["name"].as_str().unwrap_or_default() {
        "" => errs.required(&format!("{path}.name"), ""),
        name => {
            for msg in names::dns1123_label(name) {
                errs.invalid(&format!("{path}.name"), &quote(name), &msg);
            }
        }
    }
    if c["image"].as_str().unwrap_or_default().is_empty() {
        errs.required(&format!("{path}.image"), "");
    }
    let mut port_names = HashSet::new();
    for (i, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
        let pp = format!("{path}.ports[{i}]");
        if let Some(name) = p["name"].as_str().filter(|n| !n.is_empty()) {
            let msgs = port_name(name);
            if !msgs.is_empty() {
                for msg in msgs {
                    errs.invalid(&format!("{pp}.name"), &quote(name), &msg);
                }
            } else if !port_names.insert(name.to_string()) {
                errs.duplicate(&format!("{pp}.name"), &quote(name));
            }
        }
        let cp = p["containerPort"].as_i64().unwrap_or(0);
        if cp == 0 {
            errs.required(&format!("{pp}.containerPort"), "");
        } else if !(1..=65535).contains(&cp) {
            errs.invalid(&format!("{pp}.containerPort"), &cp.to_string(), PORT_RANGE);
        }
        let hp = p["hostPort"].as_i64().unwrap_or(0);
        if hp != 0 && !(1..=65535).contains(&hp) {
            errs.invalid(&format!("{pp}.hostPort"), &hp.to_string(), PORT_RANGE);
        }
        protocol(errs, &p["protocol"], &format!("{pp}.protocol"));
    }
}

/// `must be between 1 and 65535, inclusive`.
pub const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

/// A port's protocol: required, and one of the three kube supports.
pub fn protocol(errs: &mut Errs, v: &Value, field: &str) {
    match v.as_str().unwrap_or_default() {
        "TCP" | "UDP" | "SCTP" => {}
        "" => errs.required(field, ""),
        other => errs.not_supported(field, &quote(other), &["SCTP", "TCP", "UDP"]),
    }
}

/// `IsValidPortName`: an IANA service name.
pub fn port_name(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push(names::max_len(15));
    }
    let b = name.as_bytes();
    if !b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !b.iter().any(u8::is_ascii_lowercase) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if b.first() == Some(&b'-') || b.last() == Some(&b'-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}
