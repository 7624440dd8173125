//! CronJobs on an injected clock: the in-process apiserver with its control plane and a
//! clock the test moves, real kubectl against it. Jobs fire at the scheduled minutes and
//! `concurrencyPolicy` Forbid and Replace hold.

use crate::common::{TEST_NOW, TestEnv};
use chrono::{DateTime, Utc};
use kctl::apiserver::clock::{ManualClock, SeededUids};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn job_name(t: &str) -> String {
    format!("hello-{}", at(t).timestamp() / 60)
}

fn jobs(env: &TestEnv) -> Vec<(String, bool)> {
    let r = env.kubectl(&["get", "jobs", "-o", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let mut out: Vec<(String, bool)> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|j| {
            let done = j["status"]["conditions"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["type"] == "Complete"));
            (j["metadata"]["name"].as_str().unwrap_or_default().to_string(), done)
        })
        .collect();
    out.sort();
    out
}

fn wait_for(env: &TestEnv, want: &[(String, bool)]) {
    let start = Instant::now();
    loop {
        let got = jobs(env);
        if got == want {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "jobs {got:?}, want {want:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const CRONJOB: &str = "apiVersion: batch/v1
kind: CronJob
metadata: {name: hello}
spec:
  schedule: \"*/5 * * * *\"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {kctl.dev/duration-seconds: \"400\"}
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
";

#[test]
fn cronjob_fires_on_schedule_and_respects_concurrency_policy() {
    let clock = ManualClock::new(at(TEST_NOW));
    let server = kctl::apiserver::ApiServer::builder()
        .clock(Arc::new(clock.clone()))
        .uids(Arc::new(SeededUids::new(3)))
        .build()
        .unwrap();
    let _controllers = server.start_controllers(Default::default()).unwrap();
    let env = TestEnv::in_process_with(server);
    env.write("cj.yaml", CRONJOB);
    assert_eq!(env.kubectl(&["apply", "-f", "cj.yaml"]).code, 0);
    std::thread::sleep(Duration::from_millis(500));
    assert!(jobs(&env).is_empty(), "nothing before the first scheduled minute");

    // 03:05 fires; the pod runs for 400 s.
    clock.set(at("2026-01-02T03:05:30Z"));
    let first = job_name("2026-01-02T03:05:00Z");
    wait_for(&env, &[(first.clone(), false)]);
    let cj: Value =
        serde_json::from_str(&env.kubectl(&["get", "cj", "hello", "-o", "json"]).stdout).unwrap();
    assert_eq!(cj["status"]["lastScheduleTime"], "2026-01-02T03:05:00Z");
    assert_eq!(cj["status"]["active"][0]["name"], first.as_str());
    let job: Value =
        serde_json::from_str(&env.kubectl(&["get", "job", &first, "-o", "json"]).stdout).unwrap();
    assert_eq!(job["metadata"]["ownerReferences"][0]["kind"], "CronJob");
    assert_eq!(
        job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-02T03:05:00Z"
    );

    // Forbid: at 03:10 the first job still runs, so nothing new starts.
    clock.set(at("2026-01-02T03:10:30Z"));
    std::thread::sleep(Duration::from_millis(600));
    wait_for(&env, &[(first.clone(), false)]);

    // 03:12:30: the first job has finished; the 03:10 run starts late.
    clock.set(at("2026-01-02T03:12:30Z"));
    let second = job_name("2026-01-02T03:10:00Z");
    wait_for(&env, &[(first.clone(), true), (second.clone(), false)]);

    // Replace: at 03:15 the running 03:10 job is replaced by the 03:15 one.
    let r = env.kubectl(&[
        "patch",
        "cj",
        "hello",
        "--type=merge",
        "-p",
        r#"{"spec":{"concurrencyPolicy":"Replace"}}"#,
    ]);
    assert_eq!(r.code, 0, "{r}");
    clock.set(at("2026-01-02T03:15:30Z"));
    let third = job_name("2026-01-02T03:15:00Z");
    wait_for(&env, &[(first, true), (third, false)]);

    // Suspended, it stays quiet.
    let r = env.kubectl(&[
        "patch",
        "cj",
        "hello",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":true}}"#,
    ]);
    assert_eq!(r.code, 0, "{r}");
    let before = jobs(&env);
    clock.set(at("2026-01-02T03:40:30Z"));
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(jobs(&env).len(), before.len());
}
