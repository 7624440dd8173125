//! The Job controller: runs pods `<job>-<5 chars>` until `completions` succeed (or, without
//! `completions`, until one succeeds), at most `parallelism` at a time; counts failures
//! against `backoffLimit` with an exponential delay between retries; fails the Job past
//! `activeDeadlineSeconds`; deletes finished Jobs after `ttlSecondsAfterFinished`. Pod
//! outcomes come from the simulated kubelet (see [`super::kubelet`] annotations).
//!
//! `completionMode: Indexed` gives each pod a completion index `0 … completions-1`
//! ([`INDEX`] annotation and label, `JOB_COMPLETION_INDEX`, hostname `<job>-<index>`, name
//! `<job>-<index>-<5 chars>`) and completes once every index has succeeded
//! (`status.completedIndexes`). `podFailurePolicy` rules judge failed pods by container exit
//! codes or pod conditions: `FailJob` fails the Job at once, `Ignore` does not count the
//! failure against `backoffLimit`, `Count` counts it.
//!
//! As kube-apiserver's defaulting does, a Job without a selector gets one on its
//! `batch.kubernetes.io/controller-uid` label, which its pod template then carries.

use super::pod::Pod;
use super::replicaset::{deletion_rank, pod_from_template};
use super::util::terminating;
use super::{ControllerError, Manager, str_at};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The completion index of an Indexed Job's pod (annotation and label).
pub const INDEX: &str = "batch.kubernetes.io/job-completion-index";

/// The event source of the Job controller.
pub const SOURCE: &str = "job-controller";

fn cond<'a>(job: &'a Value, kind: &str) -> Option<&'a Value> {
    job["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind && c["status"] == "True")
}

/// True when the Job has finished (Complete or Failed).
pub fn finished(job: &Value) -> bool {
    cond(job, "Complete").is_some() || cond(job, "Failed").is_some()
}

fn finish_time(job: &Value) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let t = job["status"]["completionTime"].as_str().or_else(|| {
        cond(job, "Complete").or_else(|| cond(job, "Failed"))?["lastTransitionTime"].as_str()
    })?;
    chrono::DateTime::parse_from_rfc3339(t).ok()
}

fn parse(t: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(t).ok()
}

/// Syncs every Job.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let jobs = m.objects("batch", "jobs");
    if jobs.is_empty() {
        return Ok(());
    }
    let mut by_owner = m.pods_by_owner();
    for job in jobs {
        let owned = by_owner.remove(str_at(&job, "uid")).unwrap_or_default();
        if terminating(&job) {
            continue;
        }
        if finished(&job) {
            ttl(m, &job)?;
            continue;
        }
        if job["spec"]["selector"].is_null() {
            default_selector(m, &job)?;
            continue;
        }
        sync_one(m, &job, owned)?;
    }
    Ok(())
}

fn default_selector(m: &mut Manager, job: &Value) -> Result<(), ControllerError> {
    let uid = str_at(job, "uid");
    let name = str_at(job, "name");
    let mut new = job.clone();
    new["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    let labels = &mut new["spec"]["template"]["metadata"]["labels"];
    for (k, v) in [
        ("batch.kubernetes.io/controller-uid", uid),
        ("batch.kubernetes.io/job-name", name),
        ("controller-uid", uid),
        ("job-name", name),
    ] {
        labels[k] = json!(v);
    }
    m.update("batch", "jobs", job, new)?;
    Ok(())
}

fn ttl(m: &mut Manager, job: &Value) -> Result<(), ControllerError> {
    let Some(ttl) = job["spec"]["ttlSecondsAfterFinished"].as_i64() else { return Ok(()) };
    if finish_time(job).is_some_and(|t| m.now() >= t + chrono::Duration::seconds(ttl)) {
        // Deleted in the background: the garbage collector removes its pods.
        m.delete("batch", "jobs", str_at(job, "namespace"), str_at(job, "name"))?;
    }
    Ok(())
}

/// The completion index of an Indexed Job's pod.
fn index_of(p: &Pod) -> Option<i64> {
    p.annotation(INDEX).and_then(|i| i.parse().ok())
}

/// Makes `pod` the pod of completion index `i`: named `<job>-<i>-<5 chars>`, the index as
/// annotation, label and `JOB_COMPLETION_INDEX`, and hostname `<job>-<i>`.
fn with_index(pod: &mut Value, job: &str, i: i64) {
    let meta = &mut pod["metadata"];
    meta["generateName"] = json!(format!("{job}-{i}-"));
    for f in ["annotations", "labels"] {
        if !meta[f].is_object() {
            meta[f] = json!({});
        }
        meta[f][INDEX] = json!(i.to_string());
    }
    if pod["spec"]["hostname"].as_str().is_none_or(str::is_empty) {
        pod["spec"]["hostname"] = json!(format!("{job}-{i}"));
    }
    let env = json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef":
        {"fieldPath": format!("metadata.annotations['{INDEX}']")}}});
    for c in pod["spec"]["containers"].as_array_mut().into_iter().flatten() {
        if !c["env"].is_array() {
            c["env"] = json!([]);
        }
        if let Some(list) = c["env"].as_array_mut() {
            list.push(env.clone());
        }
    }
}

/// Indexes as kube writes `completedIndexes`: `0-2,4`.
fn intervals(set: &BTreeSet<i64>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(i64, i64)> = None;
    for &i in set {
        run = match run {
            Some((a, b)) if b + 1 == i => Some((a, i)),
            Some((a, b)) => {
                out.push(if a == b { a.to_string() } else { format!("{a}-{b}") });
                Some((i, i))
            }
            None => Some((i, i)),
        };
    }
    if let Some((a, b)) = run {
        out.push(if a == b { a.to_string() } else { format!("{a}-{b}") });
    }
    out.join(",")
}

/// The first `podFailurePolicy` rule a failed pod matches: `(rule index, action, container,
/// exit code)` (container and code empty and 0 for a condition match).
fn failure_rule<'a>(rules: &'a [Value], p: &Pod) -> Option<(usize, &'a str, String, i64)> {
    rules.iter().enumerate().find_map(|(i, r)| {
        let action = r["action"].as_str()?;
        if let Some(on) = r["onExitCodes"].as_object() {
            let values: Vec<i64> = on
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            let only = on.get("containerName").and_then(Value::as_str);
            let not_in = on.get("operator").and_then(Value::as_str) == Some("NotIn");
            return p.status.container_statuses.iter().find_map(|c| {
                let code = c.terminated.as_ref()?.exit_code;
                let matched = code != 0
                    && only.is_none_or(|n| n == c.name)
                    && values.contains(&code) != not_in;
                matched.then(|| (i, action, c.name.clone(), code))
            });
        }
        let conds = r["onPodConditions"].as_array()?;
        conds
            .iter()
            .any(|want| {
                let status = want["status"].as_str().unwrap_or("True");
                p.condition(want["type"].as_str().unwrap_or_default())
                    .is_some_and(|c| c.status == status)
            })
            .then(|| (i, action, String::new(), 0))
    })
}

fn sync_one(m: &mut Manager, job: &Value, owned: Vec<Arc<Pod>>) -> Result<(), ControllerError> {
    let now = m.now();
    let now_s = m.now_str();
    let spec = &job["spec"];
    let parallelism = spec["parallelism"].as_i64().unwrap_or(1).max(0);
    let completions = spec["completions"].as_i64();
    let backoff_limit = spec["backoffLimit"].as_i64().unwrap_or(6);
    let indexed = spec["completionMode"] == "Indexed";
    let mut active: Vec<Arc<Pod>> = owned.iter().filter(|p| p.active()).cloned().collect();
    let succeeded_indexes: BTreeSet<i64> = owned
        .iter()
        .filter(|p| p.phase() == "Succeeded")
        .filter_map(|p| index_of(p))
        .filter(|i| completions.is_some_and(|c| *i < c))
        .collect();
    let succeeded = if indexed {
        succeeded_indexes.len() as i64
    } else {
        owned.iter().filter(|p| p.phase() == "Succeeded").count() as i64
    };
    // Failed pods, less those a podFailurePolicy rule ignores; the first that a FailJob
    // rule matches fails the Job.
    let rules = spec["podFailurePolicy"]["rules"].as_array().cloned().unwrap_or_default();
    let mut fail_job: Option<String> = None;
    let mut failed_pods: Vec<&Arc<Pod>> = Vec::new();
    for p in owned.iter().filter(|p| p.phase() == "Failed") {
        match failure_rule(&rules, p) {
            Some((i, "FailJob", container, code)) => {
                fail_job.get_or_insert_with(|| {
                    format!(
                        "Container {container} for pod {}/{} failed with exit code {code} matching FailJob rule at index {i}",
                        p.namespace(),
                        p.name()
                    )
                });
                failed_pods.push(p);
            }
            Some((_, "Ignore", _, _)) => {}
            _ => failed_pods.push(p),
        }
    }
    let failed = failed_pods.len() as i64;
    let start =
        job["status"]["startTime"].as_str().map(String::from).unwrap_or_else(|| now_s.clone());

    let mut outcome: Option<(&str, &str, String)> = None;
    if let Some(msg) = fail_job {
        outcome = Some(("Failed", "PodFailurePolicy", msg));
    } else if failed > backoff_limit {
        outcome = Some((
            "Failed",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit".into(),
        ));
    } else if let Some(deadline) = spec["activeDeadlineSeconds"].as_i64()
        && parse(&start).is_some_and(|s| now >= s + chrono::Duration::seconds(deadline))
    {
        outcome = Some((
            "Failed",
            "DeadlineExceeded",
            "Job was active longer than specified deadline".into(),
        ));
    } else if completions.is_some_and(|c| succeeded >= c)
        || (completions.is_none() && succeeded > 0 && active.is_empty())
    {
        outcome = Some(("Complete", "", String::new()));
    }

    if let Some((_, _, _)) = &outcome {
        for p in active.drain(..) {
            m.delete("", "pods", p.namespace(), p.name())?;
            let msg = format!("Deleted pod: {}", p.name());
            m.event(job, "Normal", "SuccessfulDelete", &msg, SOURCE);
        }
    } else {
        let want = match completions {
            Some(c) => parallelism.min(c - succeeded),
            None if succeeded > 0 => 0,
            None => parallelism,
        }
        .max(0) as usize;
        // Exponential back-off after failures: 10 s, 20 s, 40 s … (capped at 6 min), from
        // the last failure; the base delay comes from the manager options.
        let last_failure = failed_pods
            .iter()
            .filter_map(|p| {
                p.status.container_statuses.first()?.terminated.as_ref()?.finished_at.as_deref()
            })
            .filter_map(parse)
            .max();
        let base = m.options().job_backoff;
        let delay = if failed == 0 {
            chrono::Duration::zero()
        } else {
            let ms = (base.as_millis() as i64).saturating_mul(1 << (failed - 1).min(16));
            chrono::Duration::milliseconds(ms.min(360_000))
        };
        let backing_off = last_failure.is_some_and(|t| now < t + delay);
        if active.len() < want && !backing_off {
            // Indexed: the lowest indexes with neither a success nor a running pod.
            let running: BTreeSet<i64> = active.iter().filter_map(|p| index_of(p)).collect();
            let mut free = (0..completions.unwrap_or(0))
                .filter(|i| !succeeded_indexes.contains(i) && !running.contains(i));
            for _ in active.len()..want {
                let mut tmpl = spec["template"].clone();
                if tmpl["spec"]["restartPolicy"].is_null() {
                    tmpl["spec"]["restartPolicy"] = json!("Never");
                }
                let mut pod = pod_from_template(job, &tmpl, None);
                if indexed {
                    let Some(i) = free.next() else { break };
                    with_index(&mut pod, str_at(job, "name"), i);
                }
                if let Some(p) = m.create_pod(pod)? {
                    let msg = format!("Created pod: {}", p.name());
                    m.event(job, "Normal", "SuccessfulCreate", &msg, SOURCE);
                    active.push(p);
                }
            }
        } else if active.len() > want {
            active.sort_by_key(|p| deletion_rank(p));
            let n = active.len() - want;
            for p in active.drain(..n) {
                m.delete("", "pods", p.namespace(), p.name())?;
                let msg = format!("Deleted pod: {}", p.name());
                m.event(job, "Normal", "SuccessfulDelete", &msg, SOURCE);
            }
        }
    }

    let mut status = json!({"startTime": start, "ready": active.iter().filter(|p| p.ready()).count(),
        "terminating": 0, "uncountedTerminatedPods": {}});
    if !active.is_empty() {
        status["active"] = json!(active.len());
    }
    if succeeded > 0 {
        status["succeeded"] = json!(succeeded);
    }
    if failed > 0 {
        status["failed"] = json!(failed);
    }
    if indexed {
        status["completedIndexes"] = json!(intervals(&succeeded_indexes));
    }
    let mut conds: Vec<Value> = job["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let c = |t: &str, reason: &str, msg: &str| {
        let mut c = json!({"type": t, "status": "True", "lastProbeTime": now_s, "lastTransitionTime": now_s});
        if !reason.is_empty() {
            c["reason"] = json!(reason);
            c["message"] = json!(msg);
        }
        c
    };
    match &outcome {
        Some(("Complete", _, _)) => {
            conds.push(c(
                "SuccessCriteriaMet",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            ));
            conds.push(c(
                "Complete",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            ));
            status["completionTime"] = json!(now_s);
            m.event(job, "Normal", "Completed", "Job completed", SOURCE);
        }
        Some((_, reason, msg)) => {
            conds.push(c("FailureTarget", reason, msg));
            conds.push(c("Failed", reason, msg));
            m.event(job, "Warning", reason, msg, SOURCE);
        }
        None => {}
    }
    if !conds.is_empty() {
        status["conditions"] = Value::Array(conds);
    }
    if job["status"] != status {
        let mut new = job.clone();
        new["status"] = status;
        m.update("batch", "jobs", job, new)?;
    }
    Ok(())
}
