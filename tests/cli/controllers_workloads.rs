//! Jobs, StatefulSets, DaemonSets, the scheduler's constraints and volume binding against
//! `kctl serve`, through their lifecycles.

use crate::controllers_env::{Cluster, generated_from, name, owner};
use serde_json::Value;

fn phase(p: &Value) -> &str {
    p["status"]["phase"].as_str().unwrap_or_default()
}

#[test]
fn job_completions_parallelism_and_backoff() {
    let c = Cluster::start_with_env(2, &[], &[("KCTL_TEST_JOB_BACKOFF_MS", "0")]);
    c.apply(
        "apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
",
    );
    let job = c.until("the job to complete", |c| {
        let j = c.json(&["job", "pi"]);
        (j["status"]["succeeded"] == 3).then_some(j)
    });
    let conds: Vec<&str> = job["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(conds, ["SuccessCriteriaMet", "Complete"]);
    assert!(job["status"]["completionTime"].is_string());
    assert!(job["status"]["active"].is_null());
    let uid = job["metadata"]["uid"].as_str().unwrap();
    assert_eq!(job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"], uid);
    let pods = c.items(&["pods", "-l", "job-name=pi"]);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert!(generated_from(name(p), "pi"), "{}", name(p));
        assert_eq!(owner(p), ("Job".into(), "pi".into(), uid.into()));
        assert_eq!(phase(p), "Succeeded");
        assert_eq!(
            p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"],
            "Completed"
        );
    }
    let reasons: Vec<String> =
        c.events().into_iter().filter(|(_, o, _)| o == "pi").map(|(r, _, _)| r).collect();
    assert_eq!(reasons, ["SuccessfulCreate", "SuccessfulCreate", "SuccessfulCreate", "Completed"]);

    // A failing job retries up to backoffLimit, then fails.
    c.apply(
        "apiVersion: batch/v1
kind: Job
metadata: {name: bad}
spec:
  backoffLimit: 2
  template:
    metadata:
      annotations: {kctl.dev/exit-code: \"1\"}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
",
    );
    let job = c.until("the job to fail", |c| {
        let j = c.json(&["job", "bad"]);
        j["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Failed"))
            .then_some(j)
    });
    assert_eq!(job["status"]["failed"], 3);
    let failed = job["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Failed")
        .unwrap()
        .clone();
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    let pods = c.items(&["pods", "-l", "job-name=bad"]);
    assert_eq!(pods.iter().filter(|p| phase(p) == "Failed").count(), 3);

    // ttlSecondsAfterFinished: the finished job goes, and its pods with it.
    c.apply(
        "apiVersion: batch/v1
kind: Job
metadata: {name: brief}
spec:
  ttlSecondsAfterFinished: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
",
    );
    c.until("the finished job to be collected", |c| {
        (c.kubectl(&["get", "job", "brief"]).code != 0
            && c.items(&["pods", "-l", "job-name=brief"]).is_empty())
        .then_some(())
    });
    assert!(c.events().iter().any(|(r, o, _)| r == "Completed" && o == "brief"));
}

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 3
  selector: {matchLabels: {app: sts}}
  template:
    metadata: {labels: {app: sts}}
    spec: {containers: [{name: nginx, image: nginx:1.25}]}
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
";

fn sts_events(c: &Cluster) -> Vec<String> {
    c.events()
        .into_iter()
        .filter(|(r, o, _)| o == "web" && r.starts_with("Successful"))
        .map(|(_, _, m)| m)
        .collect()
}

#[test]
fn statefulset_order_claims_and_partitioned_update() {
    let c = Cluster::start(3, &[]);
    c.apply(STS);
    assert_eq!(c.kubectl(&["rollout", "status", "sts/web", "--timeout=20s"]).code, 0);
    assert_eq!(
        sts_events(&c),
        [
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "create Pod web-0 in StatefulSet web successful",
            "create Claim www-web-1 Pod web-1 in StatefulSet web success",
            "create Pod web-1 in StatefulSet web successful",
            "create Claim www-web-2 Pod web-2 in StatefulSet web success",
            "create Pod web-2 in StatefulSet web successful",
        ]
    );
    for i in 0..3 {
        let p = c.json(&["pod", &format!("web-{i}")]);
        assert_eq!(p["spec"]["hostname"], format!("web-{i}"));
        assert_eq!(p["spec"]["subdomain"], "nginx");
        assert_eq!(p["metadata"]["labels"]["apps.kubernetes.io/pod-index"], i.to_string());
        assert_eq!(
            p["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
            format!("www-web-{i}")
        );
        assert!(
            p["metadata"]["annotations"]["kctl.dev/etc-hosts"]
                .as_str()
                .unwrap()
                .contains(&format!("web-{i}.nginx.default.svc.cluster.local"))
        );
        let pvc = c.json(&["pvc", &format!("www-web-{i}")]);
        assert_eq!(pvc["status"]["phase"], "Bound");
        let pv = c.json(&["pv", pvc["spec"]["volumeName"].as_str().unwrap()]);
        assert_eq!(pv["spec"]["claimRef"]["name"], format!("www-web-{i}"));
    }

    // Scale down in reverse order; the claims stay.
    c.ok(&["scale", "sts", "web", "--replicas=1"]);
    c.until("two pods gone", |c| (c.items(&["pods"]).len() == 1).then_some(()));
    let ev = sts_events(&c);
    assert_eq!(
        ev[6..],
        [
            "delete Pod web-2 in StatefulSet web successful",
            "delete Pod web-1 in StatefulSet web successful"
        ]
    );
    assert_eq!(c.items(&["pvc"]).len(), 3);

    // Scale up again: the same claims are re-used.
    c.ok(&["scale", "sts", "web", "--replicas=3"]);
    assert_eq!(c.kubectl(&["rollout", "status", "sts/web", "--timeout=20s"]).code, 0);
    assert_eq!(c.items(&["pvc"]).len(), 3);
    assert_eq!(
        sts_events(&c)[8..],
        [
            "create Pod web-1 in StatefulSet web successful",
            "create Pod web-2 in StatefulSet web successful"
        ]
    );

    // Rolling update with partition 1: web-2 then web-1 are replaced, web-0 keeps its revision.
    let before =
        c.json(&["pod", "web-0"])["metadata"]["labels"]["controller-revision-hash"].clone();
    c.ok(&["patch", "sts", "web", "--type=merge", "-p", r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}},"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}"#]);
    let r = c.kubectl(&["rollout", "status", "sts/web", "--timeout=20s"]);
    assert_eq!(r.code, 0, "{r}");
    let sts = c.json(&["sts", "web"]);
    let update = sts["status"]["updateRevision"].as_str().unwrap().to_string();
    assert_ne!(before, update.as_str());
    assert_eq!(c.json(&["pod", "web-0"])["metadata"]["labels"]["controller-revision-hash"], before);
    for i in [1, 2] {
        let p = c.json(&["pod", &format!("web-{i}")]);
        assert_eq!(p["metadata"]["labels"]["controller-revision-hash"], update.as_str());
        assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.26");
    }
    let ev = sts_events(&c);
    let deletes: Vec<&String> = ev[10..].iter().filter(|m| m.starts_with("delete")).collect();
    assert_eq!(
        deletes,
        [
            "delete Pod web-2 in StatefulSet web successful",
            "delete Pod web-1 in StatefulSet web successful"
        ]
    );
    assert_eq!(c.items(&["controllerrevisions"]).len(), 2);
}

const DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: agent}]}
";

fn nodes_of(c: &Cluster, selector: &str) -> Vec<String> {
    let mut n: Vec<String> = c
        .items(&["pods", "-l", selector])
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["spec"]["nodeName"].as_str().unwrap_or("-").to_string())
        .collect();
    n.sort();
    n
}

#[test]
fn daemonset_follows_nodes_and_taints() {
    let c = Cluster::start(3, &[]);
    c.apply(DS);
    c.until("one pod per worker", |c| {
        (nodes_of(c, "app=agent") == ["node-1", "node-2", "node-3"]).then_some(())
    });
    let ds = c.until("status", |c| {
        let d = c.json(&["ds", "agent"]);
        (d["status"]["numberReady"] == 3).then_some(d)
    });
    assert_eq!(ds["status"]["desiredNumberScheduled"], 3);
    assert_eq!(c.kubectl(&["rollout", "status", "ds/agent", "--timeout=20s"]).code, 0);

    // A node joins; another leaves.
    c.apply("apiVersion: v1\nkind: Node\nmetadata: {name: node-9, labels: {kubernetes.io/hostname: node-9}}\n");
    c.until("a pod on the new node", |c| {
        (nodes_of(c, "app=agent") == ["node-1", "node-2", "node-3", "node-9"]).then_some(())
    });
    c.ok(&["delete", "node", "node-2"]);
    c.until("the pod of the gone node to go", |c| {
        (nodes_of(c, "app=agent") == ["node-1", "node-3", "node-9"]).then_some(())
    });

    // Tolerating the control-plane taint puts a pod there too.
    c.apply(&DS.replace("name: agent}", "name: agent-cp}").replace("app: agent}", "app: cp}").replace(
        "spec: {containers: [{name: a, image: agent}]}",
        "spec: {tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}], containers: [{name: a, image: agent}]}",
    ));
    c.until("a pod on every node", |c| {
        (nodes_of(c, "app=cp") == ["control-plane", "node-1", "node-3", "node-9"]).then_some(())
    });
}

#[test]
fn scheduler_constraints_and_unschedulable_pods() {
    let c = Cluster::start(2, &[]);
    c.apply(
        "apiVersion: v1
kind: Pod
metadata: {name: picky}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers: [{name: c, image: busybox, resources: {requests: {cpu: \"64\"}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: cp}
spec:
  nodeSelector: {node-role.kubernetes.io/control-plane: \"\"}
  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists}]
  hostAliases: [{ip: 10.1.2.3, hostnames: [foo.local, bar.local]}]
  containers: [{name: c, image: busybox}]
",
    );
    let cp = c.until("cp to run", |c| {
        let p = c.json(&["pod", "cp"]);
        (phase(&p) == "Running").then_some(p)
    });
    assert_eq!(cp["spec"]["nodeName"], "control-plane");
    let hosts = cp["metadata"]["annotations"]["kctl.dev/etc-hosts"].as_str().unwrap();
    assert!(
        hosts.ends_with("# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n"),
        "{hosts}"
    );
    for (pod, why) in [
        ("picky", "node(s) didn't match Pod's node affinity/selector"),
        ("huge", "Insufficient cpu"),
    ] {
        let p = c.until("the FailedScheduling condition", |c| {
            let p = c.json(&["pod", pod]);
            p["status"]["conditions"]
                .as_array()
                .is_some_and(|cs| cs.iter().any(|c| c["reason"] == "Unschedulable"))
                .then_some(p)
        });
        assert_eq!(phase(&p), "Pending");
        let msg = p["status"]["conditions"][0]["message"].as_str().unwrap();
        assert!(msg.starts_with("0/3 nodes are available:") && msg.contains(why), "{msg}");
        assert!(c.events().iter().any(|(r, o, _)| r == "FailedScheduling" && o == pod));
    }
    // A node with the label appears: the picky pod lands on it.
    c.apply("apiVersion: v1\nkind: Node\nmetadata: {name: fast, labels: {disk: ssd}}\n");
    let p = c.until("picky to be scheduled", |c| {
        let p = c.json(&["pod", "picky"]);
        (phase(&p) == "Running").then_some(p)
    });
    assert_eq!(p["spec"]["nodeName"], "fast");
}

/// A StatefulSet whose pods take long to stop (the test's clock is frozen), so a condemned
/// pod stays Terminating until it is force-deleted.
const STS_POLICY: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}
  selector: {matchLabels: {app: db}}
  template:
    metadata:
      labels: {app: db}
      annotations: {kctl.dev/shutdown-seconds: \"10\"}
    spec: {containers: [{name: db, image: postgres}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: keep}
spec:
  serviceName: keep
  replicas: 2
  selector: {matchLabels: {app: keep}}
  template:
    metadata: {labels: {app: keep}}
    spec: {containers: [{name: k, image: redis}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
";

fn names(c: &Cluster, args: &[&str]) -> Vec<String> {
    let mut n: Vec<String> = c.items(args).iter().map(|o| name(o).to_string()).collect();
    n.sort();
    n
}

/// `(kind, name)` of each owner reference of a claim.
fn claim_owners(c: &Cluster, claim: &str) -> Vec<(String, String)> {
    let v = c.json(&["pvc", claim]);
    v["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (s(&r["kind"]), s(&r["name"]))
        })
        .collect()
}

#[test]
fn statefulset_claim_retention_policy() {
    let c = Cluster::start(3, &[]);
    c.apply(STS_POLICY);
    for s in ["sts/db", "sts/keep"] {
        let r = c.kubectl(&["rollout", "status", s, "--timeout=20s"]);
        assert_eq!(r.code, 0, "{r}");
    }
    // The default policy is filled in; whenDeleted: Delete makes the set own every claim.
    assert_eq!(
        c.json(&["sts", "keep"])["spec"]["persistentVolumeClaimRetentionPolicy"],
        serde_json::json!({"whenDeleted": "Retain", "whenScaled": "Retain"})
    );
    let db = c.json(&["sts", "db"]);
    for i in 0..3 {
        let pvc = c.json(&["pvc", &format!("data-db-{i}")]);
        let r = &pvc["metadata"]["ownerReferences"];
        assert_eq!(r.as_array().map(Vec::len), Some(1), "{pvc}");
        assert_eq!(r[0]["kind"], "StatefulSet");
        assert_eq!(r[0]["uid"], db["metadata"]["uid"]);
        assert_eq!(r[0]["controller"], true);
        assert_eq!(r[0]["blockOwnerDeletion"], true);
    }
    for i in 0..2 {
        assert_eq!(claim_owners(&c, &format!("data-keep-{i}")), []);
    }

    // whenScaled: Delete — the condemned pod alone owns its claim before it is deleted; the next
    // pod waits until it has gone; the claim goes with it.
    c.ok(&["scale", "sts", "db", "--replicas=1"]);
    let doomed = c.until("db-2 terminating", |c| {
        let p = c.json(&["pod", "db-2"]);
        p["metadata"]["deletionTimestamp"].is_string().then_some(p)
    });
    assert_eq!(claim_owners(&c, "data-db-2"), [("Pod".into(), "db-2".into())]);
    let pod_ref = c.json(&["pvc", "data-db-2"])["metadata"]["ownerReferences"][0].clone();
    assert_eq!(pod_ref["uid"], doomed["metadata"]["uid"]);
    assert!(pod_ref["controller"].is_null(), "{pod_ref}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(c.json(&["pod", "db-1"])["metadata"]["deletionTimestamp"].is_null());
    assert_eq!(claim_owners(&c, "data-db-1"), [("StatefulSet".into(), "db".into())]);
    let r = c.kubectl(&["delete", "pod", "db-2", "--grace-period=0", "--force"]);
    assert_eq!(r.code, 0, "{r}");
    c.until("db-1 terminating", |c| {
        let p = c.json(&["pod", "db-1"]);
        p["metadata"]["deletionTimestamp"].is_string().then_some(())
    });
    c.until("data-db-2 collected", |c| {
        (names(c, &["pvc", "-l", "app=db"]) == ["data-db-0", "data-db-1"]).then_some(())
    });
    c.ok(&["delete", "pod", "db-1", "--grace-period=0", "--force"]);
    c.until("data-db-1 collected", |c| {
        (names(c, &["pvc", "-l", "app=db"]) == ["data-db-0"]).then_some(())
    });
    assert_eq!(names(&c, &["pods", "-l", "app=db"]), ["db-0"]);
    assert_eq!(
        sts_events_of(&c, "db")[6..],
        [
            "delete Pod db-2 in StatefulSet db successful",
            "delete Pod db-1 in StatefulSet db successful"
        ]
    );

    // Retain: a scale down keeps the claim and the pod that comes back re-uses it.
    let before = c.json(&["pvc", "data-keep-1"])["metadata"]["uid"].clone();
    c.ok(&["scale", "sts", "keep", "--replicas=1"]);
    c.until("keep-1 gone", |c| (names(c, &["pods", "-l", "app=keep"]) == ["keep-0"]).then_some(()));
    assert_eq!(names(&c, &["pvc", "-l", "app=keep"]), ["data-keep-0", "data-keep-1"]);
    c.ok(&["scale", "sts", "keep", "--replicas=2"]);
    assert_eq!(c.kubectl(&["rollout", "status", "sts/keep", "--timeout=20s"]).code, 0);
    assert_eq!(c.json(&["pvc", "data-keep-1"])["metadata"]["uid"], before);
    assert_eq!(
        c.json(&["pod", "keep-1"])["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "data-keep-1"
    );

    // whenDeleted: Delete — the claims go with the set; Retain keeps them.
    c.ok(&["delete", "sts", "db", "keep"]);
    c.until("db claims collected", |c| names(c, &["pvc", "-l", "app=db"]).is_empty().then_some(()));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(names(&c, &["pvc", "-l", "app=keep"]), ["data-keep-0", "data-keep-1"]);
}

fn sts_events_of(c: &Cluster, set: &str) -> Vec<String> {
    c.events()
        .into_iter()
        .filter(|(r, o, _)| o == set && r.starts_with("Successful"))
        .map(|(_, _, m)| m)
        .collect()
}

/// `(reason, pod name)` of the DaemonSet's create and delete events, in order.
fn ds_pod_events(c: &Cluster) -> Vec<(String, String)> {
    c.events()
        .into_iter()
        .filter(|(r, o, _)| o == "agent" && r.starts_with("Successful"))
        .map(|(r, _, m)| (r, m.rsplit(' ').next().unwrap_or_default().to_string()))
        .collect()
}

#[test]
fn daemonset_rolling_update_with_max_surge() {
    let c = Cluster::start(3, &[]);
    c.apply(&DS.replace(
        "spec:\n  selector",
        "spec:\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n  selector",
    ));
    assert_eq!(c.kubectl(&["rollout", "status", "ds/agent", "--timeout=20s"]).code, 0);
    let first: Vec<(String, String)> = ds_pod_events(&c);
    assert_eq!(first.len(), 3);
    let node_of = |c: &Cluster, pod: &str| {
        c.json(&["pod", pod])["spec"]["nodeName"].as_str().unwrap_or_default().to_string()
    };
    let old: Vec<(String, String)> =
        first.iter().map(|(_, p)| (node_of(&c, p), p.clone())).collect();

    // Each node gets its updated pod before its old pod goes, one node at a time.
    c.ok(&["set", "image", "ds/agent", "a=agent:2"]);
    assert_eq!(c.kubectl(&["rollout", "status", "ds/agent", "--timeout=20s"]).code, 0);
    let ev = ds_pod_events(&c)[3..].to_vec();
    assert_eq!(ev.len(), 6, "{ev:?}");
    let mut surging = 0;
    let mut max_surging = 0;
    for (reason, _) in &ev {
        surging += if reason == "SuccessfulCreate" { 1 } else { -1 };
        max_surging = max_surging.max(surging);
        assert!(surging >= 0, "an old pod went before its replacement: {ev:?}");
    }
    assert_eq!(max_surging, 2, "{ev:?}");
    let deleted: Vec<&String> =
        ev.iter().filter(|(r, _)| r == "SuccessfulDelete").map(|(_, p)| p).collect();
    let old_names: Vec<&String> = old.iter().map(|(_, p)| p).collect();
    assert_eq!(deleted, old_names, "old pods go in node order");
    // Every delete follows the creation of the pod replacing it on the same node.
    for (n, (_, old_pod)) in old.iter().enumerate() {
        let del = ev.iter().position(|(r, p)| r == "SuccessfulDelete" && p == old_pod).unwrap();
        let node = &old[n].0;
        let created = ev[..del]
            .iter()
            .filter(|(r, _)| r == "SuccessfulCreate")
            .any(|(_, p)| node_of(&c, p) == *node);
        assert!(created, "{old_pod} went before its replacement on {node}: {ev:?}");
    }
    let ds = c.json(&["ds", "agent"]);
    assert_eq!(ds["status"]["updatedNumberScheduled"], 3);
    assert_eq!(ds["status"]["numberAvailable"], 3);

    // Updated pods that never turn available: one node surges and the rollout holds with
    // every old pod still running.
    c.ok(&[
        "patch",
        "ds",
        "agent",
        "--type=merge",
        "-p",
        r#"{"spec":{"template":{"metadata":{"annotations":{"kctl.dev/ready":"false"}}}}}"#,
    ]);
    c.until("one surge pod", |c| (c.items(&["pods", "-l", "app=agent"]).len() == 4).then_some(()));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let pods = c.items(&["pods", "-l", "app=agent"]);
    assert_eq!(pods.len(), 4);
    let mut nodes: Vec<String> =
        pods.iter().map(|p| p["spec"]["nodeName"].as_str().unwrap_or("-").to_string()).collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), 3);
    let ds = c.json(&["ds", "agent"]);
    assert_eq!(ds["status"]["numberAvailable"], 3);
    assert_eq!(ds["status"]["updatedNumberScheduled"], 0);
    assert!(ds["status"]["numberUnavailable"].is_null(), "{}", ds["status"]);
    let r = c.kubectl(&["rollout", "status", "ds/agent", "--timeout=1s"]);
    assert_eq!(r.code, 1, "{r}");
}

#[test]
fn indexed_job_and_pod_failure_policy() {
    let c = Cluster::start_with_env(2, &[], &[("KCTL_TEST_JOB_BACKOFF_MS", "0")]);
    c.apply(
        "apiVersion: batch/v1
kind: Job
metadata: {name: idx}
spec:
  completions: 4
  parallelism: 2
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers: [{name: w, image: busybox}]
",
    );
    let job = c.until("the indexed job to complete", |c| {
        let j = c.json(&["job", "idx"]);
        j["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Complete"))
            .then_some(j)
    });
    assert_eq!(job["status"]["completedIndexes"], "0-3");
    assert_eq!(job["status"]["succeeded"], 4);
    let uid = job["metadata"]["uid"].as_str().unwrap();
    let mut pods = c.items(&["pods", "-l", "job-name=idx"]);
    pods.sort_by_key(|p| {
        p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"].to_string()
    });
    assert_eq!(pods.len(), 4);
    for (i, p) in pods.iter().enumerate() {
        let i = i.to_string();
        assert!(generated_from(name(p), &format!("idx-{i}")), "{}", name(p));
        assert_eq!(owner(p), ("Job".into(), "idx".into(), uid.into()));
        assert_eq!(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"], i);
        assert_eq!(p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"], i);
        assert_eq!(p["spec"]["hostname"], format!("idx-{i}"));
        assert_eq!(
            p["spec"]["containers"][0]["env"][0],
            serde_json::json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef":
                {"apiVersion": "v1",
                 "fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}})
        );
        assert_eq!(phase(p), "Succeeded");
    }
    // Pods are made for the lowest free indexes first.
    let created: Vec<String> = c
        .events()
        .into_iter()
        .filter(|(r, o, _)| o == "idx" && r == "SuccessfulCreate")
        .map(|(_, _, m)| m.split('-').nth(1).unwrap_or_default().to_string())
        .collect();
    assert_eq!(created, ["0", "1", "2", "3"]);

    // podFailurePolicy: exit code 3 of container `main` matches the FailJob rule (index 1),
    // failing the Job at once, well within its backoffLimit.
    c.apply(
        "apiVersion: batch/v1
kind: Job
metadata: {name: policy}
spec:
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes: {operator: In, values: [1, 2]}
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [3]}
  template:
    metadata:
      annotations: {kctl.dev/exit-code: \"3\"}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox}]
",
    );
    let job = c.until("the job to fail", |c| {
        let j = c.json(&["job", "policy"]);
        j["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Failed"))
            .then_some(j)
    });
    let pods = c.items(&["pods", "-l", "job-name=policy"]);
    assert_eq!(pods.len(), 1);
    let conds: Vec<(&str, &str)> = job["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["type"].as_str().unwrap(), c["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(conds, [("FailureTarget", "PodFailurePolicy"), ("Failed", "PodFailurePolicy")]);
    assert_eq!(
        job["status"]["conditions"][1]["message"],
        format!(
            "Container main for pod default/{} failed with exit code 3 matching FailJob rule at index 1",
            name(&pods[0])
        )
    );
    assert_eq!(job["status"]["failed"], 1);

    // A failure no rule matches counts against backoffLimit (NotIn [1] does not match 1).
    c.apply(
        "apiVersion: batch/v1
kind: Job
metadata: {name: counted}
spec:
  backoffLimit: 1
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes: {operator: NotIn, values: [1]}
  template:
    metadata:
      annotations: {kctl.dev/exit-code: \"1\"}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox}]
",
    );
    let job = c.until("the counted job to fail", |c| {
        let j = c.json(&["job", "counted"]);
        (j["status"]["conditions"][1]["type"] == "Failed").then_some(j)
    });
    assert_eq!(job["status"]["conditions"][1]["reason"], "BackoffLimitExceeded");
    assert_eq!(job["status"]["failed"], 2);
}
