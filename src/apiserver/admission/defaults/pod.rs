//! Pod and pod-template defaults (`SetDefaults_PodSpec`, `_Container`, `_Volume`, `_Probe`,
//! …), the Pod-only ones (`SetDefaults_Pod`), and what the default Pod admission plugins add
//! (ServiceAccount, Priority, DefaultTolerationSeconds).

use super::{each, obj_at, or_set, or_set_str};
use serde_json::{Map, Value, json};

/// Defaults a Pod: its spec, the Pod-only defaults and the admission plugins' fields.
pub fn pod(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    pod_spec(spec);
    for key in ["containers", "initContainers"] {
        for c in each(spec, key) {
            requests_from_limits(c);
        }
    }
    or_set(spec, "enableServiceLinks", json!(true));
    if spec.get("hostNetwork").and_then(Value::as_bool) == Some(true) {
        for key in ["containers", "initContainers"] {
            for c in each(spec, key) {
                for p in c.get_mut("ports").and_then(Value::as_array_mut).into_iter().flatten() {
                    if let Some(p) = p.as_object_mut()
                        && p.get("hostPort").is_none_or(|h| h.as_i64() == Some(0))
                        && let Some(cp) = p.get("containerPort").cloned()
                    {
                        p.insert("hostPort".into(), cp);
                    }
                }
            }
        }
    }
    // ServiceAccount admission.
    or_set_str(spec, "serviceAccountName", "default");
    let sa = super::at(spec, "serviceAccountName").clone();
    or_set_str(spec, "serviceAccount", sa.as_str().unwrap_or("default"));
    // Priority admission.
    or_set(spec, "priority", json!(0));
    or_set_str(spec, "preemptionPolicy", "PreemptLowerPriority");
    // DefaultTolerationSeconds admission.
    let tolerations = spec.entry("tolerations").or_insert_with(|| json!([]));
    if !tolerations.is_array() {
        *tolerations = json!([]);
    }
    if let Some(ts) = tolerations.as_array_mut() {
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
            if !ts.iter().any(|t| t["key"].as_str() == Some(key)) {
                ts.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists",
                    "tolerationSeconds": 300}));
            }
        }
    }
}

/// The QoS class of a pod spec: `Guaranteed` when every container's CPU and memory limits
/// are set and equal their requests, `BestEffort` when no container asks for or limits
/// anything, `Burstable` otherwise.
pub fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = ["containers", "initContainers"]
        .iter()
        .flat_map(|k| spec[*k].as_array().into_iter().flatten())
        .collect();
    let nonempty = |v: &Value| v.as_object().is_some_and(|m| !m.is_empty());
    if containers
        .iter()
        .all(|c| !nonempty(&c["resources"]["requests"]) && !nonempty(&c["resources"]["limits"]))
    {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        let (req, lim) = (&c["resources"]["requests"], &c["resources"]["limits"]);
        ["cpu", "memory"]
            .iter()
            .all(|r| !lim[*r].is_null() && (req[*r].is_null() || req[*r] == lim[*r]))
    });
    if guaranteed { "Guaranteed" } else { "Burstable" }
}

/// Defaults a pod template (`spec.template` of the workload kinds).
pub fn template(t: &mut Value) {
    let meta = obj_at(t, "metadata");
    or_set(meta, "creationTimestamp", Value::Null);
    pod_spec(obj_at(t, "spec"));
}

/// `SetDefaults_PodSpec` and everything below a pod spec.
pub fn pod_spec(spec: &mut Map<String, Value>) {
    or_set_str(spec, "dnsPolicy", "ClusterFirst");
    or_set_str(spec, "restartPolicy", "Always");
    or_set(spec, "securityContext", json!({}));
    or_set(spec, "terminationGracePeriodSeconds", json!(30));
    or_set_str(spec, "schedulerName", "default-scheduler");
    for key in ["containers", "initContainers", "ephemeralContainers"] {
        for c in each(spec, key) {
            container(c);
        }
    }
    for v in each(spec, "volumes") {
        volume(v);
    }
}

/// `SetDefaults_Container`, its ports, probes and env.
fn container(c: &mut Value) {
    let Some(m) = c.as_object_mut() else { return };
    let policy = image_pull_policy(m.get("image").and_then(Value::as_str).unwrap_or_default());
    or_set_str(m, "imagePullPolicy", policy);
    or_set_str(m, "terminationMessagePath", "/dev/termination-log");
    or_set_str(m, "terminationMessagePolicy", "File");
    or_set(m, "resources", json!({}));
    for p in each(m, "ports") {
        if let Some(p) = p.as_object_mut() {
            or_set_str(p, "protocol", "TCP");
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = m.get_mut(probe).and_then(Value::as_object_mut) {
            or_set(p, "timeoutSeconds", json!(1));
            or_set(p, "periodSeconds", json!(10));
            or_set(p, "successThreshold", json!(1));
            or_set(p, "failureThreshold", json!(3));
            if let Some(h) = p.get_mut("httpGet").and_then(Value::as_object_mut) {
                or_set_str(h, "path", "/");
                or_set_str(h, "scheme", "HTTP");
            }
        }
    }
    for lc in ["postStart", "preStop"] {
        if let Some(h) = m
            .get_mut("lifecycle")
            .and_then(|l| l.get_mut(lc))
            .and_then(|h| h.get_mut("httpGet"))
            .and_then(Value::as_object_mut)
        {
            or_set_str(h, "path", "/");
            or_set_str(h, "scheme", "HTTP");
        }
    }
    for e in each(m, "env") {
        if let Some(f) = e
            .get_mut("valueFrom")
            .and_then(|v| v.get_mut("fieldRef"))
            .and_then(Value::as_object_mut)
        {
            or_set_str(f, "apiVersion", "v1");
        }
    }
}

/// Pod `SetDefaults_Pod`: a container's missing requests are taken from its limits.
fn requests_from_limits(c: &mut Value) {
    let Some(limits) = c["resources"]["limits"].as_object().cloned() else { return };
    if limits.is_empty() {
        return;
    }
    let res = obj_at(c, "resources");
    let req = obj_at_map(res, "requests");
    for (k, v) in limits {
        req.entry(k).or_insert(v);
    }
}

fn obj_at_map<'m>(m: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    let e = m.entry(key.to_string()).or_insert_with(|| json!({}));
    if !e.is_object() {
        *e = json!({});
    }
    e.as_object_mut().expect("made an object above")
}

/// The volume sources kube defaults (`defaultMode` 0644, a `hostPath` type, `emptyDir` for a
/// volume with no source).
fn volume(v: &mut Value) {
    let Some(m) = v.as_object_mut() else { return };
    if m.keys().all(|k| k == "name") {
        m.insert("emptyDir".into(), json!({}));
    }
    for src in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = m.get_mut(src).and_then(Value::as_object_mut) {
            or_set(s, "defaultMode", json!(420));
            if src == "downwardAPI" {
                downward_items(s);
            }
            if src == "projected" {
                for p in each(s, "sources") {
                    if let Some(t) = p.get_mut("serviceAccountToken").and_then(Value::as_object_mut)
                    {
                        or_set(t, "expirationSeconds", json!(3600));
                    }
                    if let Some(d) = p.get_mut("downwardAPI").and_then(Value::as_object_mut) {
                        downward_items(d);
                    }
                }
            }
        }
    }
    if let Some(h) = m.get_mut("hostPath").and_then(Value::as_object_mut) {
        or_set(h, "type", json!(""));
    }
}

fn downward_items(d: &mut Map<String, Value>) {
    for i in each(d, "items") {
        if let Some(f) = i.get_mut("fieldRef").and_then(Value::as_object_mut) {
            or_set_str(f, "apiVersion", "v1");
        }
    }
}

/// `Always` for an image whose tag is `latest` or that has neither tag nor digest,
/// `IfNotPresent` otherwise (kube parses the reference the same way).
pub fn image_pull_policy(image: &str) -> &'static str {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    // The tag follows the last ':' after the last '/' (a ':' before it is a registry port).
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
        None if digest => "IfNotPresent",
        None => "Always",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(image_pull_policy("nginx"), "Always");
        assert_eq!(image_pull_policy("nginx:latest"), "Always");
        assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(image_pull_policy("localhost:5000/app"), "Always");
        assert_eq!(image_pull_policy("localhost:5000/app:v1"), "IfNotPresent");
        assert_eq!(image_pull_policy("app@sha256:abc"), "IfNotPresent");
        assert_eq!(image_pull_policy("app:latest@sha256:abc"), "Always");
    }
}
