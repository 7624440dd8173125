//! Validation: kube-apiserver's checks of a (defaulted) object, with its messages and
//! `Status` causes. Every problem found is collected, in the order kube-apiserver's
//! validation functions report them, and returned together as one `422 Invalid`.

mod core;
mod meta;
pub mod names;
mod pod;
mod workloads;

use super::{Attributes, Operation};
use crate::apiserver::error::ApiError;
use crate::object::Status;
use crate::object::status::StatusCause;
use serde_json::{Map, Value};

/// The validating step of the admission chain.
pub fn admit(a: &Attributes<'_>, obj: &mut Value, _w: &mut Vec<String>) -> Result<(), ApiError> {
    let mut errs = Errs::default();
    let old = if a.op == Operation::Update { a.old } else { None };
    meta::object_meta(&mut errs, a.res, obj, old);
    if a.res.builtin {
        kind(&mut errs, &a.res.group, &a.res.kind, obj, old);
    }
    if errs.0.is_empty() {
        return Ok(());
    }
    let name = crate::object::meta::name(obj).unwrap_or_default();
    Err(ApiError::from(Status::invalid(&a.res.group, &a.res.kind, name, errs.0)))
}

fn kind(errs: &mut Errs, group: &str, kind: &str, obj: &Value, old: Option<&Value>) {
    match (group, kind) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            workloads::apps(errs, kind, obj, old)
        }
        ("", "ReplicationController") => workloads::replication_controller(errs, obj, old),
        ("batch", "Job") => workloads::job(errs, obj, old),
        ("batch", "CronJob") => workloads::cron_job(errs, obj),
        ("", "Pod") => pod::pod(errs, obj, old),
        ("", "PodTemplate") => pod::template(errs, &obj["template"], "template"),
        ("", "Service") => core::service(errs, obj, old),
        ("", "ConfigMap" | "Secret") => core::config_data(errs, kind, obj, old),
        ("", "PersistentVolumeClaim") => core::pvc(errs, obj, old),
        _ => {}
    }
}

/// The causes found so far.
#[derive(Debug, Default)]
pub struct Errs(pub Vec<StatusCause>);

impl Errs {
    fn push(&mut self, reason: &str, field: &str, message: String) {
        self.0.push(StatusCause { reason: reason.into(), message, field: field.into() });
    }

    /// `Required value` (with a detail when not empty).
    pub fn required(&mut self, field: &str, detail: &str) {
        let msg = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        self.push("FieldValueRequired", field, msg);
    }

    /// `Invalid value: <value>: <detail>`; `value` is already in Go's `%v`/`%q`/`%#v` form.
    pub fn invalid(&mut self, field: &str, value: &str, detail: &str) {
        self.push("FieldValueInvalid", field, format!("Invalid value: {value}: {detail}"));
    }

    /// `Duplicate value: <value>`.
    pub fn duplicate(&mut self, field: &str, value: &str) {
        self.push("FieldValueDuplicate", field, format!("Duplicate value: {value}"));
    }

    /// `Unsupported value: <value>: supported values: "a", "b"`.
    pub fn not_supported(&mut self, field: &str, value: &str, supported: &[&str]) {
        let list: Vec<String> = supported.iter().map(|s| quote(s)).collect();
        self.push(
            "FieldValueNotSupported",
            field,
            format!("Unsupported value: {value}: supported values: {}", list.join(", ")),
        );
    }

    /// `Forbidden: <detail>`.
    pub fn forbidden(&mut self, field: &str, detail: &str) {
        self.push("FieldValueForbidden", field, format!("Forbidden: {detail}"));
    }

    /// `Too long: may not be more than N bytes`.
    pub fn too_long(&mut self, field: &str, max: usize) {
        self.push(
            "FieldValueTooLong",
            field,
            format!("Too long: may not be more than {max} bytes"),
        );
    }

    /// `ValidateNonnegativeField`.
    pub fn nonnegative(&mut self, field: &str, v: &Value) {
        if let Some(n) = v.as_i64()
            && n < 0
        {
            self.invalid(field, &n.to_string(), "must be greater than or equal to 0");
        }
    }

    /// `ValidateImmutableField`: `new` must equal `old`; `shown` renders the new value.
    pub fn immutable(
        &mut self,
        field: &str,
        new: &Value,
        old: &Value,
        shown: impl Fn(&Value) -> String,
    ) {
        if new != old {
            self.invalid(field, &shown(new), "field is immutable");
        }
    }
}

/// Go's `%q` of a string.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Go's `%#v` of a `map[string]string` (keys sorted, as fmt prints maps).
pub fn go_map(m: Option<&Map<String, Value>>) -> String {
    match m {
        None => "map[string]string(nil)".into(),
        Some(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", quote(k), quote(m[*k].as_str().unwrap_or_default())))
                .collect();
            format!("map[string]string{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%#v` of a `[]string`.
pub fn go_strings(v: &Value) -> String {
    match v.as_array() {
        None => "[]string(nil)".into(),
        Some(a) => {
            let parts: Vec<String> =
                a.iter().map(|s| quote(s.as_str().unwrap_or_default())).collect();
            format!("[]string{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%#v` of a `metav1.LabelSelector`.
pub fn go_label_selector(v: &Value) -> String {
    let exprs = match v["matchExpressions"].as_array() {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(a) => {
            let parts: Vec<String> = a
                .iter()
                .map(|e| {
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                        quote(e["key"].as_str().unwrap_or_default()),
                        quote(e["operator"].as_str().unwrap_or_default()),
                        go_strings(&e["values"])
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", parts.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_map(v["matchLabels"].as_object()),
        exprs
    )
}

/// True when a label selector (`matchLabels` and `matchExpressions`) selects `labels`.
pub fn selector_matches(sel: &Value, labels: &Map<String, Value>) -> bool {
    crate::apiserver::selectors::label_selector_matches(sel, |k| {
        labels.get(k).and_then(Value::as_str)
    })
}

/// True when a selector has neither labels nor expressions.
pub fn selector_empty(sel: &Value) -> bool {
    sel["matchLabels"].as_object().is_none_or(Map::is_empty)
        && sel["matchExpressions"].as_array().is_none_or(Vec::is_empty)
}
