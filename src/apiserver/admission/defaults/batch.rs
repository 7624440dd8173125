//! batch/v1 defaults: Job (with the selector and labels the Job strategy generates from the
//! Job's uid on create) and CronJob.

use super::{Ctx, labels_of, obj_at, or_set, or_set_str, pod};
use serde_json::{Value, json};

/// `SetDefaults_Job`, plus the Job strategy's selector generation on create.
pub fn job(c: &Ctx<'_>, obj: &mut Value) {
    job_spec(obj_at(obj, "spec"));
    let template_labels = |o: &Value| o["spec"]["template"]["metadata"]["labels"].clone();
    let copy_labels = |o: &mut Value| {
        let t = template_labels(o);
        if t.as_object().is_some_and(|l| !l.is_empty()) && labels_of(o).is_empty() {
            crate::object::meta::metadata_mut(o).insert("labels".into(), t);
        }
    };
    copy_labels(obj);
    if c.old.is_none() && obj["spec"]["manualSelector"] != json!(true) {
        generate_selector(obj);
    }
    copy_labels(obj);
}

/// The Job spec defaults (shared by nothing else: a CronJob's job template is not defaulted).
fn job_spec(spec: &mut serde_json::Map<String, Value>) {
    if spec.get("completions").is_none_or(Value::is_null)
        && spec.get("parallelism").is_none_or(Value::is_null)
    {
        spec.insert("completions".into(), json!(1));
    }
    or_set(spec, "parallelism", json!(1));
    let per_index = spec.get("backoffLimitPerIndex").is_some_and(|v| !v.is_null());
    or_set(spec, "backoffLimit", json!(if per_index { i64::from(i32::MAX) } else { 6 }));
    or_set_str(spec, "completionMode", "NonIndexed");
    or_set(spec, "suspend", json!(false));
    let has_pfp = spec.get("podFailurePolicy").is_some_and(|v| !v.is_null());
    if has_pfp && let Some(pfp) = spec.get_mut("podFailurePolicy").and_then(Value::as_object_mut) {
        for rule in super::each(pfp, "rules") {
            if let Some(r) = rule.as_object_mut() {
                for cond in super::each(r, "onPodConditions") {
                    if let Some(cm) = cond.as_object_mut() {
                        or_set_str(cm, "status", "True");
                    }
                }
            }
        }
    }
    or_set_str(
        spec,
        "podReplacementPolicy",
        if has_pfp { "Failed" } else { "TerminatingOrFailed" },
    );
    or_set(spec, "manualSelector", json!(false));
    if let Some(t) = spec.get_mut("template") {
        pod::template(t);
    }
}

/// The Job strategy's `generateSelector`: the template is labelled with the Job's name and
/// uid (the legacy and the `batch.kubernetes.io/` keys) and the selector matches the uid.
fn generate_selector(obj: &mut Value) {
    let name = crate::object::meta::name(obj).unwrap_or_default().to_string();
    let uid = crate::object::meta::uid(obj).unwrap_or_default().to_string();
    let spec = obj_at(obj, "spec");
    let template = spec.entry("template").or_insert_with(|| json!({}));
    let labels = super::apps::obj_at_in(obj_at(template, "metadata"), "labels");
    for (k, v) in [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", &uid),
        ("job-name", &name),
    ] {
        labels.entry(k).or_insert_with(|| json!(v));
    }
    let selector = super::apps::obj_at_in(spec, "selector");
    let ml = super::apps::obj_at_in(selector, "matchLabels");
    ml.entry("batch.kubernetes.io/controller-uid").or_insert_with(|| json!(uid));
}

/// `SetDefaults_CronJob`.
pub fn cron_job(obj: &mut Value) {
    let spec = obj_at(obj, "spec");
    or_set_str(spec, "concurrencyPolicy", "Allow");
    or_set(spec, "suspend", json!(false));
    or_set(spec, "successfulJobsHistoryLimit", json!(3));
    or_set(spec, "failedJobsHistoryLimit", json!(1));
    let jt = super::apps::obj_at_in(spec, "jobTemplate");
    or_set(super::apps::obj_at_in(jt, "metadata"), "creationTimestamp", Value::Null);
    if let Some(t) = jt.get_mut("spec").and_then(|s| s.get_mut("template")) {
        pod::template(t);
    }
}
