//! Core (v1) checks: Service ports and the cluster IPs that may not change, ConfigMap and
//! Secret keys and immutability, the PersistentVolumeClaim spec that may not change.

use super::{Errs, go_strings, names, pod, quote};
use serde_json::Value;
use std::collections::HashSet;

/// The largest ConfigMap or Secret payload.
const MAX_DATA_SIZE: usize = 1024 * 1024;

/// Service: ports required (but for headless and ExternalName Services), port names,
/// numbers, protocols and target ports; on update the cluster IPs may not change.
pub fn service(errs: &mut Errs, obj: &Value, old: Option<&Value>) {
    let spec = &obj["spec"];
    let ty = spec["type"].as_str().unwrap_or_default();
    let headless = spec["clusterIP"] == "None";
    let ports = spec["ports"].as_array().cloned().unwrap_or_default();
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.required("spec.ports", "");
    }
    match ty {
        "ExternalName" => {
            let cname = spec["externalName"].as_str().unwrap_or_default().trim_end_matches('.');
            if cname.is_empty() {
                errs.required("spec.externalName", "");
            } else {
                for msg in names::dns1123_subdomain(cname) {
                    errs.invalid("spec.externalName", &quote(cname), &msg);
                }
            }
        }
        "ClusterIP" | "NodePort" | "LoadBalancer" => {}
        other => errs.not_supported(
            "spec.type",
            &quote(other),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ),
    }
    let mut seen = HashSet::new();
    for (i, p) in ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        let name = p["name"].as_str().unwrap_or_default();
        if ports.len() > 1 && name.is_empty() {
            errs.required(&format!("{pp}.name"), "");
        } else if !name.is_empty() {
            for msg in names::dns1123_label(name) {
                errs.invalid(&format!("{pp}.name"), &quote(name), &msg);
            }
            if !seen.insert(name.to_string()) {
                errs.duplicate(&format!("{pp}.name"), &quote(name));
            }
        }
        let port = p["port"].as_i64().unwrap_or(0);
        if !(1..=65535).contains(&port) {
            errs.invalid(&format!("{pp}.port"), &port.to_string(), pod::PORT_RANGE);
        }
        pod::protocol(errs, &p["protocol"], &format!("{pp}.protocol"));
        let tp = &p["targetPort"];
        let tfield = format!("{pp}.targetPort");
        if let Some(n) = tp.as_i64() {
            if !(1..=65535).contains(&n) {
                errs.invalid(&tfield, &n.to_string(), pod::PORT_RANGE);
            }
        } else if let Some(s) = tp.as_str() {
            for msg in pod::port_name(s) {
                errs.invalid(&tfield, &quote(s), &msg);
            }
        }
        if ty == "LoadBalancer" && port == 10250 {
            errs.invalid(
                &pp,
                "10250",
                "may not expose port 10250 externally since it is used by kubelet",
            );
        }
    }
    let Some(old) = old else { return };
    let old_spec = &old["spec"];
    if ty == "ExternalName" || old_spec["type"] == "ExternalName" {
        return;
    }
    let (new_ips, old_ips) = (&spec["clusterIPs"], &old_spec["clusterIPs"]);
    if headless && old_spec["clusterIP"] == "None" {
        return;
    }
    let n: Vec<&str> = new_ips.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let o: Vec<&str> = old_ips.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if n.len() == o.len() {
        for (i, ip) in o.iter().enumerate() {
            if n[i] != *ip {
                errs.invalid(
                    &format!("spec.clusterIPs[{i}]"),
                    &go_strings(new_ips),
                    "may not change once set",
                );
            }
        }
    } else if n.is_empty() {
        errs.invalid(
            "spec.clusterIPs[0]",
            &go_strings(new_ips),
            "primary clusterIP can not be unset",
        );
    } else if !o.is_empty() && n[0] != o[0] {
        errs.invalid("spec.clusterIPs[0]", &go_strings(new_ips), "may not change once set");
    }
}

/// ConfigMap and Secret: key names, total size, type; on update nothing but metadata may
/// change once `immutable` is set, and a Secret's type never.
pub fn config_data(errs: &mut Errs, kind: &str, obj: &Value, old: Option<&Value>) {
    let fields: &[&str] = if kind == "Secret" { &["data"] } else { &["data", "binaryData"] };
    // An update checks what may not change first, then the new object as a create would.
    if let Some(old) = old {
        if kind == "Secret" && obj["type"] != old["type"] {
            errs.invalid(
                "type",
                &quote(obj["type"].as_str().unwrap_or_default()),
                "field is immutable",
            );
        }
        if old["immutable"] == Value::Bool(true) {
            if obj["immutable"] != Value::Bool(true) {
                errs.forbidden("immutable", "field is immutable when `immutable` is set");
            }
            for f in fields {
                if obj[*f] != old[*f] {
                    errs.forbidden(f, "field is immutable when `immutable` is set");
                }
            }
        }
    }
    let mut total = 0usize;
    for f in fields {
        for (k, v) in obj[*f].as_object().into_iter().flatten() {
            for msg in names::config_map_key(k) {
                errs.invalid(&format!("{f}[{k}]"), &quote(k), &msg);
            }
            total += v.as_str().map_or(0, str::len);
        }
    }
    if kind == "ConfigMap" {
        for k in obj["data"].as_object().into_iter().flat_map(|m| m.keys()) {
            if obj["binaryData"].get(k).is_some() {
                errs.invalid(
                    &format!("data[{k}]"),
                    &quote(k),
                    "duplicate of key present in binaryData",
                );
            }
        }
    }
    if kind == "Secret" {
        // Base64 text: the payload is about three quarters of it.
        total = total / 4 * 3;
        secret_type(errs, obj);
    }
    if total > MAX_DATA_SIZE {
        let field = if kind == "Secret" { "data" } else { "" };
        errs.too_long(field, MAX_DATA_SIZE);
    }
}

/// The keys a Secret's type requires.
fn secret_type(errs: &mut Errs, obj: &Value) {
    let data = &obj["data"];
    let need: &[&str] = match obj["type"].as_str().unwrap_or_default() {
        "kubernetes.io/tls" => &["tls.crt", "tls.key"],
        "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
        "kubernetes.io/dockercfg" => &[".dockercfg"],
        "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
        // Either key will do; both are named when neither is there.
        "kubernetes.io/basic-auth"
            if data.get("username").is_none() && data.get("password").is_none() =>
        {
            &["username", "password"]
        }
        _ => &[],
    };
    for k in need {
        if data.get(*k).is_none() {
            errs.required(&format!("data[{k}]"), "");
        }
    }
}

/// PersistentVolumeClaim: access modes and a storage request are required; after creation
/// the spec may change only in `resources.requests` (bound claims) and a first `volumeName`.
pub fn pvc(errs: &mut Errs, obj: &Value, old: Option<&Value>) {
    let spec = &obj["spec"];
    if spec["accessModes"].as_array().is_none_or(Vec::is_empty) {
        errs.required("spec.accessModes", "at least 1 access mode is required");
    }
    if spec["resources"]["requests"]["storage"].is_null() {
        errs.required("spec.resources[storage]", "");
    }
    let Some(old) = old else { return };
    let (mut a, mut b) = (spec.clone(), old["spec"].clone());
    if old["spec"]["volumeName"].as_str().unwrap_or_default().is_empty() {
        for v in [&mut a, &mut b] {
            if let Some(m) = v.as_object_mut() {
                m.remove("volumeName");
            }
        }
    }
    let bound = old["status"]["phase"] == "Bound";
    if bound {
        for v in [&mut a, &mut b] {
            if let Some(r) = v.get_mut("resources").and_then(Value::as_object_mut) {
                r.remove("requests");
            }
        }
    }
    if a != b {
        errs.forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        );
    }
}
