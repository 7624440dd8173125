//! Server-side Tables as real kubectl prints them: `kubectl get <kind>` and `-o wide` for
//! every built-in kind served by `kctl serve`, with statuses written through the status
//! subresource so the status-derived columns (pod STATUS/READY/RESTARTS, replicas, job
//! completions, node roles, load balancers, …) show real values; `kubectl get all` and
//! `kctl get all`. The clock is frozen, so ages are reproducible.

use crate::common::{Run, TestEnv, transcript};

/// (resource, name, status merge patch) written after the objects are created.
const STATUSES: &[(&str, &str, &str)] = &[
    (
        "pod",
        "web-0",
        r#"{"status":{"phase":"Running","podIP":"10.244.0.7","podIPs":[{"ip":"10.244.0.7"}],
          "conditions":[{"type":"Ready","status":"True"}],
          "containerStatuses":[
            {"name":"web","ready":true,"restartCount":0,"image":"nginx:1.25","imageID":"","state":{"running":{"startedAt":"2026-01-02T03:00:00Z"}}},
            {"name":"sidecar","ready":true,"restartCount":2,"image":"busybox:1.36","imageID":"","state":{"running":{"startedAt":"2026-01-02T03:00:00Z"}},
             "lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-01-02T02:59:05Z"}}}]}}"#,
    ),
    (
        "pod",
        "done",
        r#"{"status":{"phase":"Succeeded","containerStatuses":[{"name":"job","ready":false,"restartCount":0,"image":"busybox:1.36","imageID":"",
          "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}"#,
    ),
    (
        "pod",
        "crashing",
        r#"{"status":{"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":5,"image":"busybox:1.36","imageID":"",
          "state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-01-01T03:04:05Z"}}}]}}"#,
    ),
    (
        "pod",
        "creating",
        r#"{"status":{"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx:1.25","imageID":"",
          "state":{"waiting":{"reason":"ContainerCreating"}}}]}}"#,
    ),
    (
        "pod",
        "init",
        r#"{"status":{"phase":"Pending","initContainerStatuses":[
          {"name":"setup","ready":true,"restartCount":0,"image":"busybox:1.36","imageID":"","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
          {"name":"migrate","ready":false,"restartCount":0,"image":"busybox:1.36","imageID":"","state":{"running":{}}}]}}"#,
    ),
    ("pod", "pending", r#"{"status":{"phase":"Pending"}}"#),
    ("pod", "leaving", r#"{"status":{"phase":"Running"}}"#),
    (
        "deployment",
        "nginx",
        r#"{"status":{"replicas":3,"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}"#,
    ),
    ("replicaset", "frontend", r#"{"status":{"replicas":2,"readyReplicas":1}}"#),
    ("replicationcontroller", "rc1", r#"{"status":{"replicas":2,"readyReplicas":2}}"#),
    ("statefulset", "db", r#"{"status":{"replicas":1,"readyReplicas":1}}"#),
    (
        "daemonset",
        "agent",
        r#"{"status":{"desiredNumberScheduled":1,"currentNumberScheduled":1,"numberReady":1,"updatedNumberScheduled":1,"numberAvailable":1,"numberMisscheduled":0}}"#,
    ),
    (
        "job",
        "pi",
        r#"{"status":{"succeeded":2,"startTime":"2026-01-02T03:00:00Z","completionTime":"2026-01-02T03:01:05Z",
          "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}"#,
    ),
    ("cronjob", "nightly", r#"{"status":{"lastScheduleTime":"2026-01-02T02:00:00Z"}}"#),
    (
        "node",
        "node-1",
        r#"{"status":{"conditions":[{"type":"Ready","status":"True"}],
          "addresses":[{"type":"InternalIP","address":"172.18.0.2"},{"type":"Hostname","address":"node-1"}],
          "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0","containerRuntimeVersion":"containerd://1.7.22",
            "machineID":"","systemUUID":"","bootID":"","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"}}}"#,
    ),
    ("persistentvolume", "pv1", r#"{"status":{"phase":"Available"}}"#),
    ("service", "web", r#"{"status":{"loadBalancer":{}}}"#),
    (
        "ingress",
        "web",
        r#"{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"},{"hostname":"lb.example.com"}]}}}"#,
    ),
    (
        "horizontalpodautoscaler",
        "nginx",
        r#"{"status":{"currentReplicas":3,"desiredReplicas":3,
          "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":42,"averageValue":"100m"}}}]}}"#,
    ),
    (
        "poddisruptionbudget",
        "web",
        r#"{"status":{"disruptionsAllowed":1,"currentHealthy":2,"desiredHealthy":1,"expectedPods":2}}"#,
    ),
    (
        "resourcequota",
        "quota",
        r#"{"status":{"hard":{"pods":"10","requests.cpu":"4","limits.memory":"8Gi"},"used":{"pods":"3","requests.cpu":"500m"}}}"#,
    ),
];

fn setup(env: &TestEnv) {
    let read = |f: &str| {
        std::fs::read_to_string(format!("{}/testdata/tables/{f}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    env.write("kinds.yaml", &read("builtin-kinds.yaml"));
    env.write("pods.yaml", &read("pods.yaml"));
    let mut runs = vec![
        env.kubectl(&["apply", "-f", "kinds.yaml"]),
        env.kubectl(&["apply", "-f", "pods.yaml"]),
    ];
    for (res, name, patch) in STATUSES {
        runs.push(env.kubectl(&[
            "patch",
            res,
            name,
            "--subresource=status",
            "--type=merge",
            "-p",
            patch,
        ]));
    }
    runs.push(env.kubectl(&["delete", "pod", "leaving", "--wait=false"]));
    assert!(runs.iter().all(|r| r.code == 0), "{}", transcript(&runs));
}

/// Every built-in resource, by the name `kubectl get` takes.
const RESOURCES: &[&str] = &[
    "configmaps",
    "endpoints",
    "events",
    "limitranges",
    "namespaces",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "pods",
    "podtemplates",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "serviceaccounts",
    "services",
    "customresourcedefinitions",
    "controllerrevisions",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
    "leases",
    "endpointslices",
    "events.events.k8s.io",
    "ingressclasses",
    "ingresses",
    "networkpolicies",
    "poddisruptionbudgets",
    "clusterrolebindings",
    "clusterroles",
    "rolebindings",
    "roles",
    "priorityclasses",
    "storageclasses",
];

/// Cluster-wide lists carry the server's own objects (default namespaces, bootstrap RBAC):
/// keep the header and the rows the suite created.
fn only_ours(mut r: Run, ours: &[&str]) -> Run {
    let mut lines = r.stdout.lines();
    let mut out: Vec<String> = lines.next().map(String::from).into_iter().collect();
    out.extend(
        lines.filter(|l| ours.iter().any(|n| l.starts_with(&format!("{n} ")))).map(String::from),
    );
    r.stdout = out.join("\n") + "\n";
    r
}

const CLUSTER_NAMES: &[&str] = &[
    "team-a",
    "node-1",
    "pv1",
    "widgets.example.com",
    "read-all",
    "reader",
    "high",
    "standard",
    "standard (default)",
    "nginx",
];

#[test]
fn tables_for_every_builtin_kind() {
    let env = TestEnv::serve();
    setup(&env);
    let mut runs = Vec::new();
    for res in RESOURCES {
        for wide in [false, true] {
            let mut args = vec!["get", res];
            if wide {
                args.extend(["-o", "wide"]);
            }
            let r = env.kubectl(&args);
            assert_eq!(r.code, 0, "{r}");
            let cluster_scoped = [
                "namespaces",
                "nodes",
                "persistentvolumes",
                "customresourcedefinitions",
                "ingressclasses",
                "clusterrolebindings",
                "clusterroles",
                "priorityclasses",
                "storageclasses",
            ];
            runs.push(if cluster_scoped.contains(res) { only_ours(r, CLUSTER_NAMES) } else { r });
        }
    }
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn get_all_with_kubectl_and_kctl() {
    let env = TestEnv::serve();
    setup(&env);
    let runs = vec![
        env.kubectl(&["get", "all"]),
        env.kctl(&["get", "all"]),
        env.kubectl(&["get", "pods", "-o", "wide"]),
        env.kctl(&["get", "pods", "-o", "wide"]),
        env.kctl(&["get", "deploy,svc,job,cronjob"]),
    ];
    assert!(runs.iter().all(|r| r.code == 0), "{}", transcript(&runs));
    assert_eq!(runs[0].stdout, runs[1].stdout, "kctl get all differs from kubectl");
    assert_eq!(runs[2].stdout, runs[3].stdout, "kctl get pods -o wide differs from kubectl");
    insta::assert_snapshot!(transcript(&runs));
}
