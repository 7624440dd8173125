//! Graceful pod deletion: the in-process apiserver with its control plane on a clock the test
//! moves, real kubectl and kctl against it. A bound pod is Terminating for as long as its
//! containers take to stop (never past its grace period), then the simulated kubelet removes
//! it; `--grace-period=0 --force` and unbound pods go at once.

use crate::common::{TEST_NOW, TestEnv};
use chrono::{DateTime, Utc};
use kctl::apiserver::clock::{ManualClock, SeededUids};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn pod(name: &str, shutdown: Option<u32>, node_selector: Option<&str>) -> String {
    let annotations = shutdown
        .map(|s| format!("\n  annotations: {{kctl.dev/shutdown-seconds: \"{s}\"}}"))
        .unwrap_or_default();
    let selector = node_selector.map(|s| format!("\n  nodeSelector: {{{s}}}")).unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}{annotations}\nspec:{selector}\n  containers: [{{name: app, image: nginx}}]\n"
    )
}

fn get(env: &TestEnv, name: &str) -> Option<Value> {
    let r = env.kubectl(&["get", "pod", name, "-o", "json", "--ignore-not-found"]);
    assert_eq!(r.code, 0, "{r}");
    serde_json::from_str(&r.stdout).ok()
}

fn until<T>(env: &TestEnv, what: &str, mut f: impl FnMut(&TestEnv) -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f(env) {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn running(env: &TestEnv, name: &str) {
    until(env, &format!("{name} running"), |e| {
        get(e, name).filter(|p| p["status"]["phase"] == "Running").map(|_| ())
    });
}

fn killing_events(env: &TestEnv, name: &str) -> Vec<String> {
    let r = env.kubectl(&["get", "events", "-o", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["reason"] == "Killing" && e["involvedObject"]["name"] == name)
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn bound_pods_terminate_gracefully_and_force_deletion_is_immediate() {
    let clock = ManualClock::new(at(TEST_NOW));
    let server = kctl::apiserver::ApiServer::builder()
        .clock(Arc::new(clock.clone()))
        .uids(Arc::new(SeededUids::new(5)))
        .build()
        .unwrap();
    let _controllers = server.start_controllers(Default::default()).unwrap();
    let env = TestEnv::in_process_with(server);
    let mut all = String::new();
    for (name, shutdown, selector) in [
        ("slow", Some(20), None),
        ("fast", None, None),
        ("stuck", Some(1000), None),
        ("capped", Some(1000), None),
        ("pending", None, Some("disk: ssd")),
    ] {
        all.push_str("---\n");
        all.push_str(&pod(name, shutdown, selector));
    }
    env.write("pods.yaml", &all);
    let r = env.kubectl(&["apply", "-f", "pods.yaml"]);
    assert_eq!(r.code, 0, "{r}");
    for name in ["slow", "fast", "stuck", "capped"] {
        running(&env, name);
    }

    // A slow pod stays Terminating with the default grace period of 30 s until its
    // containers have stopped, 20 s later.
    let r = env.kubectl(&["delete", "pod", "slow", "--wait=false"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "pod \"slow\" deleted\n", ""));
    let p = get(&env, "slow").expect("slow is still there");
    assert_eq!(p["metadata"]["deletionTimestamp"], "2026-01-02T03:04:35Z");
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 30);
    // Deleting again does not extend the period.
    let r = env.kubectl(&["delete", "pod", "slow", "--wait=false", "--grace-period=60"]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(get(&env, "slow").unwrap()["metadata"]["deletionTimestamp"], "2026-01-02T03:04:35Z");
    clock.set(at("2026-01-02T03:04:20Z"));
    std::thread::sleep(Duration::from_millis(600));
    assert!(get(&env, "slow").is_some(), "not stopped before its shutdown time");
    clock.set(at("2026-01-02T03:04:25Z"));
    until(&env, "slow removed", |e| get(e, "slow").is_none().then_some(()));
    assert_eq!(killing_events(&env, "slow"), ["Stopping container app"]);

    // A pod that stops at once: kubectl waits for it and prints what it prints on a cluster.
    let r = env.kubectl(&["delete", "pod", "fast"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "pod \"fast\" deleted\n", ""));
    assert!(get(&env, "fast").is_none());

    // A grace period from the request caps the shutdown.
    let r = env.kctl(&["delete", "pod", "capped", "--grace-period=5", "--wait=false"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "pod \"capped\" deleted\n"), "{r}");
    let p = get(&env, "capped").expect("capped is Terminating");
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 5);
    assert_eq!(p["metadata"]["deletionTimestamp"], "2026-01-02T03:04:30Z");
    clock.set(at("2026-01-02T03:04:30Z"));
    until(&env, "capped removed", |e| get(e, "capped").is_none().then_some(()));

    // Force deletion removes a pod whose containers would take long, with kubectl's warning.
    let r = env.kubectl(&["delete", "pod", "stuck", "--grace-period=0", "--force"]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(r.stdout, "pod \"stuck\" force deleted\n");
    assert_eq!(
        r.stderr,
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n"
    );
    assert!(get(&env, "stuck").is_none());

    // A pod on no node has no kubelet to wait for.
    let p = get(&env, "pending").expect("pending");
    assert!(p["spec"]["nodeName"].is_null(), "{p}");
    let r = env.kubectl(&["delete", "pod", "pending", "--wait=false"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "pod \"pending\" deleted\n"));
    assert!(get(&env, "pending").is_none());
}

#[test]
fn job_failures_a_pod_failure_policy_ignores_do_not_count() {
    let clock = ManualClock::new(at(TEST_NOW));
    let server = kctl::apiserver::ApiServer::builder()
        .clock(Arc::new(clock.clone()))
        .uids(Arc::new(SeededUids::new(9)))
        .build()
        .unwrap();
    let _controllers = server.start_controllers(Default::default()).unwrap();
    let env = TestEnv::in_process_with(server);
    env.write(
        "job.yaml",
        "apiVersion: batch/v1
kind: Job
metadata: {name: flaky}
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes: {operator: In, values: [137]}
  template:
    metadata:
      annotations: {kctl.dev/exit-code: \"137\", kctl.dev/duration-seconds: \"10\"}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox}]
",
    );
    let r = env.kubectl(&["apply", "-f", "job.yaml"]);
    assert_eq!(r.code, 0, "{r}");
    let pods = |env: &TestEnv| {
        let r = env.kubectl(&["get", "pods", "-l", "job-name=flaky", "-o", "json"]);
        let v: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
        let mut phases: Vec<String> = v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["status"]["phase"].as_str().unwrap_or_default().to_string())
            .collect();
        phases.sort();
        phases
    };
    until(&env, "the first pod running", |e| (pods(e) == ["Running"]).then_some(()));
    for (t, failed) in [("2026-01-02T03:04:15Z", 1), ("2026-01-02T03:04:25Z", 2)] {
        clock.set(at(t));
        until(&env, "a replacement", |e| {
            let mut want = vec!["Failed".to_string(); failed];
            want.push("Running".into());
            (pods(e) == want).then_some(())
        });
    }
    let r = env.kubectl(&["get", "job", "flaky", "-o", "json"]);
    let job: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(job["status"]["conditions"].is_null(), "{}", job["status"]);
    assert!(job["status"]["failed"].is_null(), "{}", job["status"]);
    assert_eq!(job["status"]["active"], 1);
}
