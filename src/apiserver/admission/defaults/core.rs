//! Core (v1) defaults: Service (with the cluster IP and node port allocation of the Service
//! REST), PersistentVolumeClaim, PersistentVolume, Secret, Namespace, Endpoints, LimitRange,
//! ReplicationController.

use super::apps::obj_at_in;
use super::{Ctx, at, labels_of, obj_at, or_set, or_set_str, pod};
use crate::apiserver::error::ApiError;
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// The service CIDR cluster IPs are allocated from: 10.96.0.0/12.
const SERVICE_CIDR_BASE: u32 = 0x0a60_0000;
const SERVICE_CIDR_SIZE: u32 = 1 << 20;
/// kube-apiserver allocates dynamically above the first 1/16 of a range, capped at 256
/// addresses, keeping the bottom for static assignment.
const DYNAMIC_OFFSET: u32 = 256;
/// The node port range.
const NODE_PORTS: std::ops::RangeInclusive<u32> = 30000..=32767;

/// `SetDefaults_ReplicationController`.
pub fn replication_controller(obj: &mut Value) {
    let tl = obj["spec"]["template"]["metadata"]["labels"].as_object().cloned().unwrap_or_default();
    let spec = obj_at(obj, "spec");
    if !tl.is_empty() && spec.get("selector").and_then(Value::as_object).is_none_or(Map::is_empty) {
        spec.insert("selector".into(), Value::Object(tl.clone()));
    }
    or_set(spec, "replicas", json!(1));
    if let Some(t) = spec.get_mut("template") {
        pod::template(t);
    }
    if !tl.is_empty() && labels_of(obj).is_empty() {
        crate::object::meta::metadata_mut(obj).insert("labels".into(), Value::Object(tl));
    }
}

/// `SetDefaults_Service`, then the Service REST's allocation: cluster IPs (kept from the
/// stored object on update), IP families and node ports.
pub fn service(c: &Ctx<'_>, obj: &mut Value) -> Result<(), ApiError> {
    let spec = obj_at(obj, "spec");
    or_set_str(spec, "sessionAffinity", "None");
    if at(spec, "sessionAffinity") == "None" {
        spec.remove("sessionAffinityConfig");
    } else if at(spec, "sessionAffinity") == "ClientIP" {
        let cfg = obj_at_in(obj_at_in(spec, "sessionAffinityConfig"), "clientIP");
        or_set(cfg, "timeoutSeconds", json!(10800));
    }
    or_set_str(spec, "type", "ClusterIP");
    let ty = at(spec, "type").as_str().unwrap_or_default().to_string();
    for p in super::each(spec, "ports") {
        if let Some(p) = p.as_object_mut() {
            or_set_str(p, "protocol", "TCP");
            let unset = p
                .get("targetPort")
                .is_none_or(|t| t.is_null() || t.as_i64() == Some(0) || t.as_str() == Some(""));
            if unset && let Some(port) = p.get("port").cloned() {
                p.insert("targetPort".into(), port);
            }
        }
    }
    if matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
        or_set_str(spec, "externalTrafficPolicy", "Cluster");
    }
    if ty != "ExternalName" {
        or_set_str(spec, "internalTrafficPolicy", "Cluster");
    }
    if ty == "LoadBalancer" {
        or_set(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    if ty == "ExternalName" {
        return Ok(());
    }
    let old_spec = c.old.map(|o| &o["spec"]);
    if let Some(old) = old_spec {
        normalize_cluster_ips(spec, old);
    }
    // An update keeps what was allocated when the client left it out.
    if let Some(old) = old_spec.filter(|o| o["type"] != "ExternalName") {
        for f in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
            if spec.get(f).is_none_or(|v| v.is_null() || v == "" || v == &json!([]))
                && let Some(v) = old.get(f)
            {
                spec.insert(f.into(), v.clone());
            }
        }
    }
    or_set_str(spec, "ipFamilyPolicy", "SingleStack");
    if spec.get("ipFamilies").and_then(Value::as_array).is_none_or(Vec::is_empty) {
        spec.insert("ipFamilies".into(), json!(["IPv4"]));
    }
    let key = format!(
        "{}/{}",
        crate::object::meta::namespace(obj).unwrap_or_default(),
        crate::object::meta::name(obj).unwrap_or_default()
    );
    if c.old.is_none() {
        check_requested_ip(c, &key, obj)?;
    }
    if matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
        check_requested_node_ports(c, &key, obj)?;
    }
    let spec = obj_at(obj, "spec");
    if spec.get("clusterIP").is_none_or(|v| v.is_null() || v == "") {
        let first = at(spec, "clusterIPs")[0].as_str().map(String::from);
        let ip = first.unwrap_or_else(|| allocate_ip(c, &key));
        spec.insert("clusterIP".into(), json!(ip));
    }
    if spec.get("clusterIPs").and_then(Value::as_array).is_none_or(Vec::is_empty) {
        let ip = at(spec, "clusterIP").clone();
        spec.insert("clusterIPs".into(), json!([ip]));
    }
    if matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
        node_ports(c, &key, spec, old_spec);
    }
    Ok(())
}

/// The Service REST's allocation of the node ports the client asked for: each must lie in
/// the node port range and be free (ports this Service already holds stay its own).
fn check_requested_node_ports(c: &Ctx<'_>, key: &str, obj: &Value) -> Result<(), ApiError> {
    let ports = obj["spec"]["ports"].as_array().map(Vec::as_slice).unwrap_or_default();
    for (i, p) in ports.iter().enumerate() {
        let Some(port) = p["nodePort"].as_u64().filter(|n| *n != 0) else { continue };
        let why = if !u32::try_from(port).is_ok_and(|n| NODE_PORTS.contains(&n)) {
            format!(
                "provided port is not in the valid range. The range of valid ports is {}-{}",
                NODE_PORTS.start(),
                NODE_PORTS.end()
            )
        } else if c.server.service_allocations().with(c.server, |a| a.port_taken(port, key)) {
            "provided port is already allocated".to_string()
        } else {
            continue;
        };
        let field = format!("spec.ports[{i}].nodePort");
        return Err(allocation_error(obj, &field, &port.to_string(), &why));
    }
    Ok(())
}

/// The Service REST's allocation of a cluster IP the client asked for: it must lie in the
/// service CIDR and be free.
fn check_requested_ip(c: &Ctx<'_>, key: &str, obj: &Value) -> Result<(), ApiError> {
    let spec = &obj["spec"];
    let ips = &spec["clusterIPs"];
    let requested: Vec<&str> = match ips.as_array() {
        Some(a) if !a.is_empty() => a.iter().filter_map(Value::as_str).collect(),
        _ => spec["clusterIP"].as_str().into_iter().collect(),
    };
    let Some(ip) = requested.first().copied().filter(|ip| !ip.is_empty() && *ip != "None") else {
        return Ok(());
    };
    let in_range = ip.parse::<std::net::Ipv4Addr>().is_ok_and(|a| {
        let n = u32::from(a);
        n > SERVICE_CIDR_BASE && n < SERVICE_CIDR_BASE + SERVICE_CIDR_SIZE - 1
    });
    let why = if !in_range {
        format!(
            "the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
        )
    } else if c.server.service_allocations().with(c.server, |a| a.ip_taken(ip, key)) {
        "provided IP is already allocated".to_string()
    } else {
        return Ok(());
    };
    let shown = if ips.as_array().is_some_and(|a| !a.is_empty()) {
        crate::apiserver::admission::validation::go_strings(ips)
    } else {
        format!("[]string{{{}}}", crate::apiserver::admission::validation::quote(ip))
    };
    let why = format!("failed to allocate IP {ip}: {why}");
    Err(allocation_error(obj, "spec.clusterIPs", &shown, &why))
}

/// The Service REST's answer when an allocation the client asked for fails: one invalid
/// field.
fn allocation_error(obj: &Value, field: &str, value: &str, why: &str) -> ApiError {
    let mut errs = crate::apiserver::admission::validation::Errs::default();
    errs.invalid(field, value, why);
    let name = crate::object::meta::name(obj).unwrap_or_default();
    ApiError::from(crate::object::Status::invalid("", "Service", name, errs.0))
}

/// The Service strategy's `NormalizeClusterIPs` on update: a client that changed or cleared
/// only `clusterIP` (an older client) gets `clusterIPs` changed along with it.
fn normalize_cluster_ips(spec: &mut Map<String, Value>, old: &Value) {
    let empty = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v == &json!([]));
    let ip = spec.get("clusterIP").cloned().unwrap_or(Value::Null);
    let ip_str = ip.as_str().unwrap_or_default().to_string();
    let old_ip = old["clusterIP"].as_str().unwrap_or_default();
    if empty(spec.get("clusterIPs")) && !empty(old.get("clusterIPs")) && old_ip == ip_str {
        spec.insert("clusterIPs".into(), old["clusterIPs"].clone());
    }
    let same = spec.get("clusterIPs").unwrap_or(&Value::Null) == &old["clusterIPs"];
    if old_ip != ip_str && same {
        if ip_str.is_empty() {
            spec.remove("clusterIPs");
        } else {
            spec.insert("clusterIPs".into(), json!([ip]));
        }
    }
}

/// A stable pseudo-random sequence per Service (FNV-1a of its key and the attempt), so an
/// allocation is reproducible and a dry run answers what the real write would store.
fn pick(key: &str, attempt: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes().chain(attempt.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn allocate_ip(c: &Ctx<'_>, key: &str) -> String {
    let span = u64::from(SERVICE_CIDR_SIZE - DYNAMIC_OFFSET - 1);
    c.server.service_allocations().with(c.server, |held| {
        (0..4096)
            .map(|attempt| {
                let n = SERVICE_CIDR_BASE + DYNAMIC_OFFSET + (pick(key, attempt) % span) as u32;
                std::net::Ipv4Addr::from(n).to_string()
            })
            .find(|ip| !held.ip_taken(ip, key))
            .unwrap_or_else(|| {
                std::net::Ipv4Addr::from(SERVICE_CIDR_BASE + DYNAMIC_OFFSET).to_string()
            })
    })
}

fn node_ports(c: &Ctx<'_>, key: &str, spec: &mut Map<String, Value>, old: Option<&Value>) {
    let mut used: HashSet<u64> = HashSet::new();
    let old_ports: Vec<Value> =
        old.and_then(|o| o["ports"].as_array().cloned()).unwrap_or_default();
    let span = u64::from(NODE_PORTS.end() - NODE_PORTS.start() + 1);
    for (i, p) in super::each(spec, "ports").enumerate() {
        let Some(p) = p.as_object_mut() else { continue };
        if p.get("nodePort").and_then(Value::as_u64).is_some_and(|n| n != 0) {
            continue;
        }
        let kept = old_ports
            .iter()
            .find(|o| o["port"] == p["port"] && o["protocol"] == p["protocol"])
            .and_then(|o| o["nodePort"].as_u64());
        let port = kept.unwrap_or_else(|| {
            c.server.service_allocations().with(c.server, |held| {
                (0..4096u32)
                    .map(|a| u64::from(*NODE_PORTS.start()) + pick(&format!("{key}#{i}"), a) % span)
                    .find(|n| !used.contains(n) && !held.port_taken(*n, key))
                    .unwrap_or(u64::from(*NODE_PORTS.start()))
            })
        });
        used.insert(port);
        p.insert("nodePort".into(), json!(port));
    }
}

/// `SetDefaults_PersistentVolumeClaim` (also for StatefulSet claim templates).
pub fn pvc(obj: &mut Value) {
    or_set_str(obj_at(obj, "spec"), "volumeMode", "Filesystem");
    or_set_str(obj_at(obj, "status"), "phase", "Pending");
}

/// `SetDefaults_PersistentVolume`.
pub fn pv(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    or_set_str(spec, "persistentVolumeReclaimPolicy", "Retain");
    or_set_str(spec, "volumeMode", "Filesystem");
    if let Some(h) = spec.get_mut("hostPath").and_then(Value::as_object_mut) {
        or_set(h, "type", json!(""));
    }
    or_set_str(obj_at(obj, "status"), "phase", "Pending");
}

/// `SetDefaults_Secret`, and the v1 conversion that folds `stringData` into `data`
/// (base64-encoded, overriding `data` keys of the same name).
pub fn secret(obj: &mut Value) {
    use base64::Engine as _;
    let Some(m) = obj.as_object_mut() else { return };
    or_set_str(m, "type", "Opaque");
    if let Some(Value::Object(sd)) = m.remove("stringData") {
        let data = obj_at_in(m, "data");
        for (k, v) in sd {
            let text = v.as_str().unwrap_or_default();
            let enc = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
            data.insert(k, json!(enc));
        }
    }
}

/// `SetDefaults_Namespace` (the name label, phase `Active`) and the Namespace strategy's
/// `kubernetes` finalizer.
pub fn namespace(obj: &mut Value) {
    let name = crate::object::meta::name(obj).unwrap_or_default().to_string();
    let labels = obj_at_in(crate::object::meta::metadata_mut(obj), "labels");
    labels.insert("kubernetes.io/metadata.name".into(), json!(name));
    let spec = obj_at(obj, "spec");
    if spec.get("finalizers").is_none_or(Value::is_null) {
        spec.insert("finalizers".into(), json!(["kubernetes"]));
    }
    or_set_str(obj_at(obj, "status"), "phase", "Active");
}

/// `SetDefaults_EndpointPort`.
pub fn endpoints(obj: &mut Value) {
    let Some(m) = obj.as_object_mut() else { return };
    for s in super::each(m, "subsets") {
        if let Some(s) = s.as_object_mut() {
            for p in super::each(s, "ports") {
                if let Some(p) = p.as_object_mut() {
                    or_set_str(p, "protocol", "TCP");
                }
            }
        }
    }
}

/// `SetDefaults_LimitRangeItem`: a container's default limit from its max, its default
/// request from the default limit, then from its min.
pub fn limit_range(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    for item in super::each(spec, "limits") {
        let Some(m) = item.as_object_mut() else { continue };
        if m.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        let max = m.get("max").and_then(Value::as_object).cloned().unwrap_or_default();
        let min = m.get("min").and_then(Value::as_object).cloned().unwrap_or_default();
        let default = obj_at_in(m, "default");
        for (k, v) in max {
            default.entry(k).or_insert(v);
        }
        let default = default.clone();
        let req = obj_at_in(m, "defaultRequest");
        for (k, v) in default.into_iter().chain(min) {
            req.entry(k).or_insert(v);
        }
    }
}
