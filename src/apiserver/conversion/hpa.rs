//! HorizontalPodAutoscaler `autoscaling/v1` ↔ `autoscaling/v2` (the storage version), as
//! kube-apiserver 1.32 converts them through its internal type:
//!
//! - v1 `spec.targetCPUUtilizationPercentage` is v2's CPU `Resource` metric with an
//!   `averageUtilization` target; v1 `status.currentCPUUtilizationPercentage` is the CPU
//!   utilization of v2's `status.currentMetrics`.
//! - What v1 cannot express travels in annotations of the v1 object and is restored from them
//!   on the way back: the other metrics ([`METRICS`], as v1 `MetricSpec`s), every current
//!   metric ([`CURRENT_METRICS`], as v1 `MetricStatus`es), the conditions ([`CONDITIONS`]) and
//!   `spec.behavior` ([`BEHAVIOR`], as Go marshals the *internal* type: Go field names). An
//!   annotation that does not decode is ignored, as kube ignores it.
//! - A v1 object with no metric at all gets the 80% CPU utilization metric.
//!
//! Annotation values are written exactly as Go's `json.Marshal` writes the v1 types (fields in
//! declaration order, `omitempty` honoured, zero quantities as `"0"`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Spec metrics v1 cannot express.
pub const METRICS: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// Every current metric of the status.
pub const CURRENT_METRICS: &str = "autoscaling.alpha.kubernetes.io/current-metrics";
/// The status conditions.
pub const CONDITIONS: &str = "autoscaling.alpha.kubernetes.io/conditions";
/// `spec.behavior`.
pub const BEHAVIOR: &str = "autoscaling.alpha.kubernetes.io/behavior";

const ROUND_TRIP: [&str; 4] = [METRICS, BEHAVIOR, CURRENT_METRICS, CONDITIONS];

/// kube's default CPU utilization target.
const DEFAULT_CPU_UTILIZATION: i64 = 80;

fn is_null(v: &Value) -> bool {
    v.is_null()
}

/// A `metav1.LabelSelector` as Go marshals it: `matchLabels` before `matchExpressions`,
/// empty ones left out.
fn go_selector<S: serde::Serializer>(v: &Value, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Selector<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        match_labels: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        match_expressions: Option<&'a Value>,
    }
    let part = |key: &str| {
        v.get(key).filter(|x| match x {
            Value::Null => false,
            Value::Object(m) => !m.is_empty(),
            Value::Array(a) => !a.is_empty(),
            _ => true,
        })
    };
    Selector { match_labels: part("matchLabels"), match_expressions: part("matchExpressions") }
        .serialize(s)
}

/// A non-pointer `resource.Quantity`: absent is `"0"`.
fn quantity(v: &Value) -> Value {
    if v.is_null() { json!("0") } else { v.clone() }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    api_version: String,
}

impl Reference {
    fn from_v2(v: &Value) -> Reference {
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Reference { kind: s("kind"), name: s("name"), api_version: s("apiVersion") }
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), json!(self.kind));
        m.insert("name".into(), json!(self.name));
        if !self.api_version.is_empty() {
            m.insert("apiVersion".into(), json!(self.api_version));
        }
        Value::Object(m)
    }
}

/// v1 `MetricSpec` and `MetricStatus` share this shape: a type and one source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metric<O, P, R, E> {
    #[serde(default, rename = "type")]
    ty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    object: Option<O>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pods: Option<P>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resource: Option<R>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    container_resource: Option<R>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external: Option<E>,
}

type MetricSpec = Metric<ObjectSource, PodsSource, ResourceSource, ExternalSource>;
type MetricStatus = Metric<ObjectStatus, PodsStatus, ResourceStatus, ExternalStatus>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObjectSource {
    #[serde(default)]
    target: Reference,
    #[serde(default)]
    metric_name: String,
    #[serde(default)]
    target_value: Value,
    #[serde(default, skip_serializing_if = "is_null", serialize_with = "go_selector")]
    selector: Value,
    #[serde(default, skip_serializing_if = "is_null")]
    average_value: Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PodsSource {
    #[serde(default)]
    metric_name: String,
    #[serde(default)]
    target_average_value: Value,
    #[serde(default, skip_serializing_if = "is_null", serialize_with = "go_selector")]
    selector: Value,
}

/// `ResourceMetricSource`, and `ContainerResourceMetricSource` with a container.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSource {
    #[serde(default)]
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_average_utilization: Option<i32>,
    #[serde(default, skip_serializing_if = "is_null")]
    target_average_value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    container: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalSource {
    #[serde(default)]
    metric_name: String,
    #[serde(default, skip_serializing_if = "is_null", serialize_with = "go_selector")]
    metric_selector: Value,
    #[serde(default, skip_serializing_if = "is_null")]
    target_value: Value,
    #[serde(default, skip_serializing_if = "is_null")]
    target_average_value: Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObjectStatus {
    #[serde(default)]
    target: Reference,
    #[serde(default)]
    metric_name: String,
    #[serde(default)]
    current_value: Value,
    #[serde(default, skip_serializing_if = "is_null", serialize_with = "go_selector")]
    selector: Value,
    #[serde(default, skip_serializing_if = "is_null")]
    average_value: Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PodsStatus {
    #[serde(default)]
    metric_name: String,
    #[serde(default)]
    current_average_value: Value,
    #[serde(default, skip_serializing_if = "is_null", serialize_with = "go_selector")]
    selector: Value,
}

/// `ResourceMetricStatus`, and `ContainerResourceMetricStatus` with a container.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceStatus {
    #[serde(default)]
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current_average_utilization: Option<i32>,
    #[serde(default)]
    current_average_value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    container: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalStatus {
    #[serde(default)]
    metric_name: String,
    #[serde(default, skip_serializing_if = "is_null", serialize_with = "go_selector")]
    metric_selector: Value,
    #[serde(default)]
    current_value: Value,
    #[serde(default, skip_serializing_if = "is_null")]
    current_average_value: Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Condition {
    #[serde(default, rename = "type")]
    ty: String,
    #[serde(default)]
    status: String,
    /// A `metav1.Time` (never omitted: `null` when unset).
    #[serde(default)]
    last_transition_time: Value,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    message: String,
}

/// The internal `HorizontalPodAutoscalerBehavior`, whose JSON has Go's field names (Go's
/// decoder also matches them case-insensitively: the camelCase spellings are aliases).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Behavior {
    #[serde(rename = "ScaleUp", alias = "scaleUp", alias = "scaleup", default)]
    scale_up: Option<Rules>,
    #[serde(rename = "ScaleDown", alias = "scaleDown", alias = "scaledown", default)]
    scale_down: Option<Rules>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Rules {
    #[serde(rename = "StabilizationWindowSeconds", alias = "stabilizationWindowSeconds", default)]
    stabilization_window_seconds: Option<i32>,
    #[serde(rename = "SelectPolicy", alias = "selectPolicy", default)]
    select_policy: Option<String>,
    #[serde(rename = "Policies", alias = "policies", default)]
    policies: Option<Vec<Policy>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Policy {
    #[serde(rename = "Type", alias = "type", default)]
    ty: String,
    #[serde(rename = "Value", alias = "value", default)]
    value: i32,
    #[serde(rename = "PeriodSeconds", alias = "periodSeconds", default)]
    period_seconds: i32,
}

impl Rules {
    fn from_v2(v: &Value) -> Option<Rules> {
        if !v.is_object() {
            return None;
        }
        let policies = v["policies"].as_array().map(|ps| {
            ps.iter()
                .map(|p| Policy {
                    ty: p["type"].as_str().unwrap_or_default().into(),
                    value: int32(&p["value"]).unwrap_or(0),
                    period_seconds: int32(&p["periodSeconds"]).unwrap_or(0),
                })
                .collect()
        });
        Some(Rules {
            stabilization_window_seconds: int32(&v["stabilizationWindowSeconds"]),
            select_policy: v["selectPolicy"].as_str().map(String::from),
            policies,
        })
    }

    fn to_v2(&self) -> Value {
        let mut m = Map::new();
        if let Some(w) = self.stabilization_window_seconds {
            m.insert("stabilizationWindowSeconds".into(), json!(w));
        }
        if let Some(p) = &self.select_policy {
            m.insert("selectPolicy".into(), json!(p));
        }
        if let Some(ps) = self.policies.as_ref().filter(|p| !p.is_empty()) {
            let list = ps
                .iter()
                .map(|p| json!({"type": p.ty, "value": p.value, "periodSeconds": p.period_seconds}))
                .collect();
            m.insert("policies".into(), Value::Array(list));
        }
        Value::Object(m)
    }
}

fn int32(v: &Value) -> Option<i32> {
    v.as_i64().and_then(|i| i32::try_from(i).ok())
}

/// A v2 `MetricIdentifier`.
fn identifier(name: &str, selector: &Value) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    if !selector.is_null() {
        m.insert("selector".into(), selector.clone());
    }
    Value::Object(m)
}

/// A v2 `MetricTarget` or `MetricValueStatus` from its non-null parts.
fn parts(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| ((*k).into(), v.clone())).collect(),
    )
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn spec_to_v1(m: &Value) -> MetricSpec {
    let mut out = MetricSpec { ty: str_at(m, "type").into(), ..Default::default() };
    if let Some(o) = m.get("object").filter(|o| o.is_object()) {
        out.object = Some(ObjectSource {
            target: Reference::from_v2(&o["describedObject"]),
            metric_name: str_at(&o["metric"], "name").into(),
            target_value: quantity(&o["target"]["value"]),
            selector: o["metric"]["selector"].clone(),
            average_value: o["target"]["averageValue"].clone(),
        });
    }
    if let Some(p) = m.get("pods").filter(|p| p.is_object()) {
        out.pods = Some(PodsSource {
            metric_name: str_at(&p["metric"], "name").into(),
            target_average_value: quantity(&p["target"]["averageValue"]),
            selector: p["metric"]["selector"].clone(),
        });
    }
    let resource = |r: &Value, container: bool| ResourceSource {
        name: str_at(r, "name").into(),
        target_average_utilization: int32(&r["target"]["averageUtilization"]),
        target_average_value: r["target"]["averageValue"].clone(),
        container: container.then(|| str_at(r, "container").into()),
    };
    if let Some(r) = m.get("resource").filter(|r| r.is_object()) {
        out.resource = Some(resource(r, false));
    }
    if let Some(r) = m.get("containerResource").filter(|r| r.is_object()) {
        out.container_resource = Some(resource(r, true));
    }
    if let Some(e) = m.get("external").filter(|e| e.is_object()) {
        out.external = Some(ExternalSource {
            metric_name: str_at(&e["metric"], "name").into(),
            metric_selector: e["metric"]["selector"].clone(),
            target_value: e["target"]["value"].clone(),
            target_average_value: e["target"]["averageValue"].clone(),
        });
    }
    out
}

fn spec_to_v2(m: &MetricSpec) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!(m.ty));
    if let Some(o) = &m.object {
        let ty = if o.average_value.is_null() { "Value" } else { "AverageValue" };
        let target = parts(&[
            ("type", json!(ty)),
            ("value", quantity(&o.target_value)),
            ("averageValue", o.average_value.clone()),
        ]);
        out.insert(
            "object".into(),
            json!({"describedObject": o.target.to_json(), "target": target,
                "metric": identifier(&o.metric_name, &o.selector)}),
        );
    }
    if let Some(p) = &m.pods {
        let target =
            json!({"type": "AverageValue", "averageValue": quantity(&p.target_average_value)});
        out.insert(
            "pods".into(),
            json!({"metric": identifier(&p.metric_name, &p.selector), "target": target}),
        );
    }
    let resource = |r: &ResourceSource| {
        let ty =
            if r.target_average_utilization.is_none() { "AverageValue" } else { "Utilization" };
        let target = parts(&[
            ("type", json!(ty)),
            ("averageValue", r.target_average_value.clone()),
            ("averageUtilization", json!(r.target_average_utilization)),
        ]);
        let mut v = json!({"name": r.name, "target": target});
        if let Some(c) = &r.container {
            v["container"] = json!(c);
        }
        v
    };
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r));
    }
    if let Some(e) = &m.external {
        let ty = if e.target_value.is_null() { "AverageValue" } else { "Value" };
        let target = parts(&[
            ("type", json!(ty)),
            ("value", e.target_value.clone()),
            ("averageValue", e.target_average_value.clone()),
        ]);
        out.insert(
            "external".into(),
            json!({"metric": identifier(&e.metric_name, &e.metric_selector), "target": target}),
        );
    }
    Value::Object(out)
}

fn status_to_v1(m: &Value) -> MetricStatus {
    let mut out = MetricStatus { ty: str_at(m, "type").into(), ..Default::default() };
    if let Some(o) = m.get("object").filter(|o| o.is_object()) {
        out.object = Some(ObjectStatus {
            target: Reference::from_v2(&o["describedObject"]),
            metric_name: str_at(&o["metric"], "name").into(),
            current_value: quantity(&o["current"]["value"]),
            selector: o["metric"]["selector"].clone(),
            average_value: o["current"]["averageValue"].clone(),
        });
    }
    if let Some(p) = m.get("pods").filter(|p| p.is_object()) {
        out.pods = Some(PodsStatus {
            metric_name: str_at(&p["metric"], "name").into(),
            current_average_value: quantity(&p["current"]["averageValue"]),
            selector: p["metric"]["selector"].clone(),
        });
    }
    let resource = |r: &Value, container: bool| ResourceStatus {
        name: str_at(r, "name").into(),
        current_average_utilization: int32(&r["current"]["averageUtilization"]),
        current_average_value: quantity(&r["current"]["averageValue"]),
        container: container.then(|| str_at(r, "container").into()),
    };
    if let Some(r) = m.get("resource").filter(|r| r.is_object()) {
        out.resource = Some(resource(r, false));
    }
    if let Some(r) = m.get("containerResource").filter(|r| r.is_object()) {
        out.container_resource = Some(resource(r, true));
    }
    if let Some(e) = m.get("external").filter(|e| e.is_object()) {
        out.external = Some(ExternalStatus {
            metric_name: str_at(&e["metric"], "name").into(),
            metric_selector: e["metric"]["selector"].clone(),
            current_value: quantity(&e["current"]["value"]),
            current_average_value: e["current"]["averageValue"].clone(),
        });
    }
    out
}

fn status_to_v2(m: &MetricStatus) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!(m.ty));
    if let Some(o) = &m.object {
        let current = parts(&[
            ("value", quantity(&o.current_value)),
            ("averageValue", o.average_value.clone()),
        ]);
        out.insert(
            "object".into(),
            json!({"describedObject": o.target.to_json(), "current": current,
                "metric": identifier(&o.metric_name, &o.selector)}),
        );
    }
    if let Some(p) = &m.pods {
        out.insert(
            "pods".into(),
            json!({"metric": identifier(&p.metric_name, &p.selector),
                "current": {"averageValue": quantity(&p.current_average_value)}}),
        );
    }
    let resource = |r: &ResourceStatus| {
        let current = parts(&[
            ("averageValue", quantity(&r.current_average_value)),
            ("averageUtilization", json!(r.current_average_utilization)),
        ]);
        let mut v = json!({"name": r.name, "current": current});
        if let Some(c) = &r.container {
            v["container"] = json!(c);
        }
        v
    };
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r));
    }
    if let Some(e) = &m.external {
        let current = parts(&[
            ("value", quantity(&e.current_value)),
            ("averageValue", e.current_average_value.clone()),
        ]);
        out.insert(
            "external".into(),
            json!({"metric": identifier(&e.metric_name, &e.metric_selector), "current": current}),
        );
    }
    Value::Object(out)
}

/// A CPU `Resource` metric with a utilization target: what v1's
/// `targetCPUUtilizationPercentage` expresses.
fn cpu_utilization_target(m: &Value) -> Option<&Value> {
    let r = &m["resource"];
    (m["type"] == "Resource" && r["name"] == "cpu")
        .then(|| &r["target"]["averageUtilization"])
        .filter(|u| !u.is_null())
}

fn cpu_metric(utilization: &Value) -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu",
        "target": {"type": "Utilization", "averageUtilization": utilization}}})
}

/// Removes the round-trip annotations and returns them; `metadata.annotations` goes away when
/// nothing else was in it (Go omits the emptied map).
fn drop_round_trip(obj: &mut Value) -> Map<String, Value> {
    let meta = crate::object::meta::metadata_mut(obj);
    let mut taken = Map::new();
    let mut now_empty = false;
    if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
        for k in ROUND_TRIP {
            if let Some(v) = ann.remove(k) {
                taken.insert(k.into(), v);
            }
        }
        now_empty = ann.is_empty() && !taken.is_empty();
    }
    if now_empty {
        meta.remove("annotations");
    }
    taken
}

fn encode<T: Serialize>(v: &T) -> Value {
    Value::String(crate::object::gojson::to_string(v))
}

fn copy(from: &Value, to: &mut Map<String, Value>, key: &str) {
    if let Some(v) = from.get(key).filter(|v| !v.is_null()) {
        to.insert(key.into(), v.clone());
    }
}

/// A stored (v2) HorizontalPodAutoscaler as `autoscaling/v1` serves it.
pub fn to_v1(v2: &Value) -> Value {
    let mut out = v2.clone();
    let Some(root) = out.as_object_mut() else { return out };
    root.insert("apiVersion".into(), json!("autoscaling/v1"));
    drop_round_trip(&mut out);
    let (spec, status) = (&v2["spec"], &v2["status"]);
    let empty = Vec::new();
    let metrics = spec["metrics"].as_array().unwrap_or(&empty);
    let current = status["currentMetrics"].as_array().unwrap_or(&empty);
    let conditions = status["conditions"].as_array().unwrap_or(&empty);

    let mut s1 = Map::new();
    s1.insert("scaleTargetRef".into(), Reference::from_v2(&spec["scaleTargetRef"]).to_json());
    copy(spec, &mut s1, "minReplicas");
    s1.insert("maxReplicas".into(), json!(spec["maxReplicas"].as_i64().unwrap_or(0)));
    if let Some(u) = metrics.iter().find_map(cpu_utilization_target) {
        s1.insert("targetCPUUtilizationPercentage".into(), u.clone());
    }
    let mut st1 = Map::new();
    copy(status, &mut st1, "observedGeneration");
    copy(status, &mut st1, "lastScaleTime");
    st1.insert("currentReplicas".into(), json!(status["currentReplicas"].as_i64().unwrap_or(0)));
    st1.insert("desiredReplicas".into(), json!(status["desiredReplicas"].as_i64().unwrap_or(0)));
    // The last CPU utilization wins, as kube's loop over the current metrics leaves it.
    let current_cpu = current
        .iter()
        .rev()
        .filter(|m| m["type"] == "Resource" && m["resource"]["name"] == "cpu")
        .map(|m| &m["resource"]["current"]["averageUtilization"])
        .find(|u| !u.is_null());
    if let Some(u) = current_cpu {
        st1.insert("currentCPUUtilizationPercentage".into(), u.clone());
    }

    let others: Vec<MetricSpec> =
        metrics.iter().filter(|m| cpu_utilization_target(m).is_none()).map(spec_to_v1).collect();
    let mut add = Vec::new();
    if !others.is_empty() {
        add.push((METRICS, encode(&others)));
    }
    if !current.is_empty() {
        add.push((CURRENT_METRICS, encode(&current.iter().map(status_to_v1).collect::<Vec<_>>())));
    }
    if spec["behavior"].is_object() {
        let b = Behavior {
            scale_up: Rules::from_v2(&spec["behavior"]["scaleUp"]),
            scale_down: Rules::from_v2(&spec["behavior"]["scaleDown"]),
        };
        add.push((BEHAVIOR, encode(&b)));
    }
    if !conditions.is_empty() {
        let cs: Vec<Condition> =
            conditions.iter().filter_map(|c| serde_json::from_value(c.clone()).ok()).collect();
        add.push((CONDITIONS, encode(&cs)));
    }
    for (k, v) in add {
        if let Some(s) = v.as_str() {
            crate::object::meta::set_annotation(&mut out, k, s);
        }
    }
    if let Some(root) = out.as_object_mut() {
        root.insert("spec".into(), Value::Object(s1));
        root.insert("status".into(), Value::Object(st1));
    }
    out
}

/// An `autoscaling/v1` HorizontalPodAutoscaler as it is stored (v2).
pub fn to_v2(v1: &Value) -> Value {
    let mut out = v1.clone();
    let Some(root) = out.as_object_mut() else { return out };
    root.insert("apiVersion".into(), json!("autoscaling/v2"));
    let taken = drop_round_trip(&mut out);
    let decoded = |key: &str| taken.get(key).and_then(Value::as_str).map(str::to_string);
    let (spec, status) = (&v1["spec"], &v1["status"]);

    let mut s2 = Map::new();
    if let Some(r) = spec.get("scaleTargetRef") {
        s2.insert("scaleTargetRef".into(), r.clone());
    }
    copy(spec, &mut s2, "minReplicas");
    copy(spec, &mut s2, "maxReplicas");
    let mut metrics: Vec<Value> = Vec::new();
    if let Some(others) =
        decoded(METRICS).and_then(|s| serde_json::from_str::<Vec<MetricSpec>>(&s).ok())
    {
        metrics.extend(others.iter().map(spec_to_v2));
    }
    if let Some(u) = spec.get("targetCPUUtilizationPercentage").filter(|u| !u.is_null()) {
        metrics.push(cpu_metric(u));
    }
    if metrics.is_empty() {
        metrics.push(cpu_metric(&json!(DEFAULT_CPU_UTILIZATION)));
    }
    s2.insert("metrics".into(), Value::Array(metrics));
    if let Some(b) = decoded(BEHAVIOR)
        .and_then(|s| serde_json::from_str::<Behavior>(&s).ok())
        .filter(|b| *b != Behavior::default())
    {
        let mut m = Map::new();
        if let Some(r) = &b.scale_up {
            m.insert("scaleUp".into(), r.to_v2());
        }
        if let Some(r) = &b.scale_down {
            m.insert("scaleDown".into(), r.to_v2());
        }
        s2.insert("behavior".into(), Value::Object(m));
    }

    let mut st2 = Map::new();
    copy(status, &mut st2, "observedGeneration");
    copy(status, &mut st2, "lastScaleTime");
    if status["currentReplicas"].as_i64().is_some_and(|r| r != 0) {
        copy(status, &mut st2, "currentReplicas");
    }
    st2.insert("desiredReplicas".into(), json!(status["desiredReplicas"].as_i64().unwrap_or(0)));
    let mut current = Value::Null;
    if let Some(u) = status.get("currentCPUUtilizationPercentage").filter(|u| !u.is_null()) {
        current = json!([{"type": "Resource", "resource": {"name": "cpu",
            "current": {"averageUtilization": u}}}]);
    }
    if let Some(list) =
        decoded(CURRENT_METRICS).and_then(|s| serde_json::from_str::<Vec<MetricStatus>>(&s).ok())
    {
        current = Value::Array(list.iter().map(status_to_v2).collect());
    }
    st2.insert("currentMetrics".into(), current);
    if let Some(cs) =
        decoded(CONDITIONS).and_then(|s| serde_json::from_str::<Vec<Condition>>(&s).ok())
    {
        let list: Vec<Value> = cs
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("type".into(), json!(c.ty));
                m.insert("status".into(), json!(c.status));
                // A struct in Go: never omitted, `null` when unset.
                m.insert("lastTransitionTime".into(), c.last_transition_time.clone());
                if !c.reason.is_empty() {
                    m.insert("reason".into(), json!(c.reason));
                }
                if !c.message.is_empty() {
                    m.insert("message".into(), json!(c.message));
                }
                Value::Object(m)
            })
            .collect();
        if !list.is_empty() {
            st2.insert("conditions".into(), Value::Array(list));
        }
    }
    if let Some(root) = out.as_object_mut() {
        root.insert("spec".into(), Value::Object(s2));
        root.insert("status".into(), Value::Object(st2));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2_rich() -> Value {
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default", "annotations": {"team": "a"}},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 2, "maxReplicas": 5,
                "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
                    {"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}},
                    {"type": "External", "external": {"metric": {"name": "queue", "selector": {"matchLabels": {"q": "jobs"}}},
                        "target": {"type": "Value", "value": "30"}}}],
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                    "policies": [{"type": "Percent", "value": 10, "periodSeconds": 60}]}}},
            "status": {"currentReplicas": 2, "desiredReplicas": 3,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 55, "averageValue": "110m"}}}],
                "conditions": [{"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z", "reason": "ReadyForNewScale"}]}})
    }

    #[test]
    fn v2_to_v1_keeps_what_v1_cannot_express_in_annotations() {
        let v1 = to_v1(&v2_rich());
        assert_eq!(v1["apiVersion"], "autoscaling/v1");
        assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 70);
        assert_eq!(v1["status"]["currentCPUUtilizationPercentage"], 55);
        let ann = &v1["metadata"]["annotations"];
        assert_eq!(ann["team"], "a");
        assert_eq!(
            ann[METRICS],
            r#"[{"type":"Pods","pods":{"metricName":"rps","targetAverageValue":"1k"}},{"type":"External","external":{"metricName":"queue","metricSelector":{"matchLabels":{"q":"jobs"}},"targetValue":"30"}}]"#
        );
        assert_eq!(
            ann[CURRENT_METRICS],
            r#"[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":55,"currentAverageValue":"110m"}}]"#
        );
        assert_eq!(
            ann[BEHAVIOR],
            r#"{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}]}}"#
        );
        assert_eq!(
            ann[CONDITIONS],
            r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-01-01T00:00:00Z","reason":"ReadyForNewScale"}]"#
        );
    }

    #[test]
    fn v2_round_trips_through_v1() {
        let v2 = v2_rich();
        let back = to_v2(&to_v1(&v2));
        let mut want = v2.clone();
        // v1's CPU target goes last, after the metrics restored from the annotation.
        let metrics = want["spec"]["metrics"].as_array_mut().unwrap();
        let cpu = metrics.remove(0);
        metrics.push(cpu);
        assert_eq!(back, want);
    }

    #[test]
    fn v1_without_metrics_gets_the_default_cpu_target() {
        let v1 = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "a", "annotations": {METRICS: "not json"}},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "a"}, "maxReplicas": 3}});
        let v2 = to_v2(&v1);
        assert_eq!(v2["spec"]["metrics"], json!([cpu_metric(&json!(80))]));
        assert!(v2["metadata"].get("annotations").is_none());
        assert_eq!(v2["status"], json!({"desiredReplicas": 0, "currentMetrics": null}));
    }

    /// The objects kube-apiserver 1.32 serves at v1 and v2 after a write of each
    /// `testdata/hpa-conversion/<case>/input.json`, recorded by the Go program there.
    #[test]
    fn conversion_matches_kube_recordings() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hpa-conversion");
        let server = crate::apiserver::ApiServer::in_memory();
        let v2res = crate::apiserver::registry::find_builtin(
            "autoscaling",
            "v2",
            "horizontalpodautoscalers",
        )
        .unwrap();
        let read = |p: std::path::PathBuf| -> Value {
            serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{p:?}: {e}")))
                .unwrap()
        };
        let mut cases = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let case = entry.unwrap().path();
            if !case.join("input.json").exists() {
                continue;
            }
            cases += 1;
            let input = read(case.join("input.json"));
            let mut stored =
                if input["apiVersion"] == "autoscaling/v1" { to_v2(&input) } else { input };
            crate::apiserver::admission::defaults::for_internal_write(&server, &v2res, &mut stored);
            assert_eq!(to_v1(&stored), read(case.join("v1.json")), "{case:?}: v1");
            assert_eq!(stored, read(case.join("v2.json")), "{case:?}: v2");
        }
        assert!(cases >= 6, "{cases} cases");
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        for v in [json!(null), json!(1), json!({"spec": 1, "status": "x", "metadata": []})] {
            let _ = to_v2(&to_v1(&v));
        }
    }
}
