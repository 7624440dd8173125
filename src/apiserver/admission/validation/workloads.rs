//! Workload checks: Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController,
//! Job and CronJob — replicas, selectors (required, non-empty, matching the template's
//! labels, immutable), the template's pod spec and restart policy.

use super::{Errs, go_label_selector, go_map, pod, quote, selector_empty, selector_matches};
use serde_json::{Map, Value};

fn template_labels(spec: &Value) -> Option<&Map<String, Value>> {
    spec["template"]["metadata"]["labels"].as_object()
}

/// The `selector does not match template labels` check.
fn selector_vs_template(errs: &mut Errs, sel: &Value, spec: &Value) {
    let empty = Map::new();
    let labels = template_labels(spec).unwrap_or(&empty);
    if !selector_matches(sel, labels) {
        errs.invalid(
            "spec.template.metadata.labels",
            &go_map(template_labels(spec)),
            "`selector` does not match template `labels`",
        );
    }
}

/// The template's restart policy must be `Always`.
fn restart_always(errs: &mut Errs, spec: &Value) {
    let rp = spec["template"]["spec"]["restartPolicy"].as_str().unwrap_or_default();
    if rp != "Always" {
        errs.not_supported("spec.template.spec.restartPolicy", &quote(rp), &["Always"]);
    }
}

/// A workload's selector: required, not empty, and matching the template's labels.
fn selector_required(errs: &mut Errs, sel: &Value, spec: &Value, lower_kind: &str) {
    if sel.is_null() {
        errs.required("spec.selector", "");
    } else if selector_empty(sel) {
        errs.invalid(
            "spec.selector",
            &go_label_selector(sel),
            &format!("empty selector is invalid for {lower_kind}"),
        );
    } else {
        selector_vs_template(errs, sel, spec);
    }
}

/// Deployment, ReplicaSet, StatefulSet and DaemonSet (apps/v1).
pub fn apps(errs: &mut Errs, kind: &str, obj: &Value, old: Option<&Value>) {
    let spec = &obj["spec"];
    let sel = &spec["selector"];
    let lower = kind.to_lowercase();
    match kind {
        "Deployment" | "ReplicaSet" => {
            errs.nonnegative("spec.replicas", &spec["replicas"]);
            selector_required(errs, sel, spec, &lower);
            pod::template(errs, &spec["template"], "spec.template");
            restart_always(errs, spec);
            errs.nonnegative("spec.minReadySeconds", &spec["minReadySeconds"]);
            if kind == "Deployment" {
                errs.nonnegative("spec.revisionHistoryLimit", &spec["revisionHistoryLimit"]);
                let pds = &spec["progressDeadlineSeconds"];
                if let Some(p) = pds.as_i64() {
                    errs.nonnegative("spec.progressDeadlineSeconds", pds);
                    if p <= spec["minReadySeconds"].as_i64().unwrap_or(0) {
                        errs.invalid(
                            "spec.progressDeadlineSeconds",
                            &p.to_string(),
                            "must be greater than minReadySeconds",
                        );
                    }
                }
            }
        }
        "StatefulSet" => {
            errs.nonnegative("spec.replicas", &spec["replicas"]);
            errs.nonnegative("spec.minReadySeconds", &spec["minReadySeconds"]);
            selector_required(errs, sel, spec, &lower);
            pod::template(errs, &spec["template"], "spec.template");
            restart_always(errs, spec);
        }
        _ => {
            if !selector_empty(sel) || sel.is_null() {
                selector_vs_template(errs, sel, spec);
            }
            if !sel.is_null() && selector_empty(sel) {
                errs.invalid(
                    "spec.selector",
                    &go_label_selector(sel),
                    "empty selector is invalid for daemonset",
                );
            }
            pod::template(errs, &spec["template"], "spec.template");
            restart_always(errs, spec);
            errs.nonnegative("spec.minReadySeconds", &spec["minReadySeconds"]);
            errs.nonnegative("spec.revisionHistoryLimit", &spec["revisionHistoryLimit"]);
        }
    }
    let Some(old) = old else { return };
    if kind == "StatefulSet" {
        let mut a = spec.as_object().cloned().unwrap_or_default();
        let mut b = old["spec"].as_object().cloned().unwrap_or_default();
        for f in [
            "replicas",
            "template",
            "updateStrategy",
            "minReadySeconds",
            "ordinals",
            "persistentVolumeClaimRetentionPolicy",
        ] {
            a.remove(f);
            b.remove(f);
        }
        if a != b {
            errs.forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            );
        }
    } else {
        errs.immutable("spec.selector", sel, &old["spec"]["selector"], go_label_selector);
    }
}

/// ReplicationController (v1): its selector is a plain map.
pub fn replication_controller(errs: &mut Errs, obj: &Value, _old: Option<&Value>) {
    let spec = &obj["spec"];
    errs.nonnegative("spec.replicas", &spec["replicas"]);
    errs.nonnegative("spec.minReadySeconds", &spec["minReadySeconds"]);
    let sel = spec["selector"].as_object();
    match sel {
        Some(s) if !s.is_empty() => {
            let labels = template_labels(spec).cloned().unwrap_or_default();
            if !s.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                errs.invalid(
                    "spec.template.metadata.labels",
                    &go_map(template_labels(spec)),
                    "`selector` does not match template `labels`",
                );
            }
        }
        _ => errs.required("spec.selector", ""),
    }
    if spec["template"].is_null() {
        errs.required("spec.template", "");
    } else {
        pod::template(errs, &spec["template"], "spec.template");
        restart_always(errs, spec);
    }
}

/// Job: counts, the template and its restart policy, and on update the immutable selector
/// and template.
pub fn job(errs: &mut Errs, obj: &Value, old: Option<&Value>) {
    let spec = &obj["spec"];
    for f in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ] {
        errs.nonnegative(&format!("spec.{f}"), &spec[f]);
    }
    if let Some(mode) = spec["completionMode"].as_str()
        && mode != "NonIndexed"
        && mode != "Indexed"
    {
        errs.not_supported("spec.completionMode", &quote(mode), &["NonIndexed", "Indexed"]);
    }
    pod::template(errs, &spec["template"], "spec.template");
    match spec["template"]["spec"]["restartPolicy"].as_str().unwrap_or_default() {
        "OnFailure" | "Never" => {}
        "Always" | "" => errs
            .required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""),
        other => errs.not_supported(
            "spec.template.spec.restartPolicy",
            &quote(other),
            &["OnFailure", "Never"],
        ),
    }
    if old.is_none() && spec["manualSelector"] != Value::Bool(true) {
        // The generated selector must select the generated labels.
        let sel = &spec["selector"];
        if !sel.is_null() {
            selector_vs_template(errs, sel, spec);
        }
    }
    let Some(old) = old else { return };
    let old_spec = &old["spec"];
    errs.immutable("spec.selector", &spec["selector"], &old_spec["selector"], go_label_selector);
    let suspended = old_spec["suspend"] == Value::Bool(true);
    if !suspended {
        errs.immutable("spec.template", &spec["template"], &old_spec["template"], |t| {
            format!("core.PodTemplateSpec{}", serde_json::to_string(t).unwrap_or_default())
        });
    }
    errs.immutable(
        "spec.completionMode",
        &spec["completionMode"],
        &old_spec["completionMode"],
        |v| quote(v.as_str().unwrap_or_default()),
    );
}

/// CronJob: the schedule is required, the job template's pod spec valid.
pub fn cron_job(errs: &mut Errs, obj: &Value) {
    let spec = &obj["spec"];
    if spec["schedule"].as_str().unwrap_or_default().is_empty() {
        errs.required("spec.schedule", "");
    }
    errs.nonnegative("spec.startingDeadlineSeconds", &spec["startingDeadlineSeconds"]);
    errs.nonnegative("spec.successfulJobsHistoryLimit", &spec["successfulJobsHistoryLimit"]);
    errs.nonnegative("spec.failedJobsHistoryLimit", &spec["failedJobsHistoryLimit"]);
    let t = &spec["jobTemplate"]["spec"]["template"];
    pod::template(errs, t, "spec.jobTemplate.spec.template");
    match t["spec"]["restartPolicy"].as_str().unwrap_or_default() {
        "OnFailure" | "Never" => {}
        "Always" | "" => errs.required(
            "spec.jobTemplate.spec.template.spec.restartPolicy",
            "valid values: \"OnFailure\", \"Never\"",
        ),
        other => errs.not_supported(
            "spec.jobTemplate.spec.template.spec.restartPolicy",
            &quote(other),
            &["OnFailure", "Never"],
        ),
    }
}
