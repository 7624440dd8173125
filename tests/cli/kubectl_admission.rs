//! Real kubectl against `kctl serve`: the Invalid errors of admission printed as kubectl
//! prints them for a real cluster (bad names, negative replicas, a selector that does not
//! match the template, immutable fields, an oversized `last-applied-configuration`), and
//! `diff` of a manifest against the object applied from it showing nothing — the defaults
//! are applied on both sides — for kubectl and kctl alike.

use crate::common::{Run, TestEnv, transcript};

fn deployment(name: &str, replicas: i64, selector: &str, template: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {selector}\n  template:\n    metadata:\n      labels:\n        app: {template}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
    )
}

fn codes(runs: &[Run]) -> Vec<i32> {
    runs.iter().map(|r| r.code).collect()
}

#[test]
fn invalid_objects_are_rejected_with_kube_messages() {
    let env = TestEnv::serve();
    env.write("bad-name.yaml", &deployment("Web_App", 1, "web", "web"));
    env.write("negative.yaml", &deployment("web", -1, "web", "web"));
    env.write("mismatch.yaml", &deployment("web", 1, "front", "back"));
    env.write("many.yaml", &deployment("web", -1, "front", "back"));
    env.write("web.yaml", &deployment("web", 2, "web", "web"));
    env.write("web-new-selector.yaml", &deployment("web", 2, "web2", "web2"));
    env.write(
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: 10.96.0.42\n  ports:\n  - port: 80\n",
    );
    env.write(
        "svc-bad-name.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports:\n  - port: 80\n",
    );
    let runs = vec![
        env.kubectl(&["apply", "-f", "bad-name.yaml"]),
        env.kubectl(&["apply", "-f", "negative.yaml"]),
        env.kubectl(&["create", "-f", "mismatch.yaml"]),
        env.kubectl(&["apply", "-f", "many.yaml"]),
        env.kubectl(&["apply", "-f", "svc-bad-name.yaml"]),
        env.kubectl(&["apply", "-f", "web.yaml"]),
        env.kubectl(&["apply", "-f", "web-new-selector.yaml"]),
        env.kubectl(&["patch", "deployment", "web", "-p", r#"{"spec":{"replicas":-1}}"#]),
        env.kubectl(&["apply", "-f", "svc.yaml"]),
        env.kubectl(&["patch", "svc", "web", "-p", r#"{"spec":{"clusterIP":"10.96.0.99"}}"#]),
        env.kubectl(&["get", "deploy,svc", "-o", "name"]),
    ];
    assert_eq!(codes(&runs), [1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn oversized_last_applied_annotation_is_rejected() {
    let env = TestEnv::serve();
    // A ConfigMap well under the 1 MiB data limit whose manifest, copied by client-side
    // apply into the last-applied annotation, exceeds the 256 KiB of annotations.
    let big = "x".repeat(300 * 1024);
    env.write(
        "big.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: {big}\n"),
    );
    let runs = vec![
        env.kubectl(&["apply", "-f", "big.yaml"]),
        env.kubectl(&["create", "-f", "big.yaml", "-o", "name"]),
        env.kubectl(&["apply", "-f", "big.yaml"]),
    ];
    assert_eq!(codes(&runs), [1, 0, 1], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

const WORKLOADS: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: busybox
        command: ["true"]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: task
            image: busybox:1.36
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: postgres:16
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: fluent/fluent-bit:3.0
"#;

#[test]
fn diff_of_an_applied_manifest_is_empty() {
    let env = TestEnv::serve();
    env.write("m.yaml", WORKLOADS);
    let apply = env.kubectl(&["apply", "-f", "m.yaml"]);
    assert_eq!(apply.code, 0, "{apply}");
    for run in [env.kubectl(&["diff", "-f", "m.yaml"]), env.kctl(&["diff", "-f", "m.yaml"])] {
        assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, "", ""), "{run}");
    }
    // A real change still shows, on the defaulted objects.
    env.write("m2.yaml", &WORKLOADS.replace("image: nginx:1.27", "image: nginx:1.28"));
    let changed = env.kubectl(&["diff", "-f", "m2.yaml"]);
    assert_eq!(changed.code, 1, "{changed}");
    assert!(changed.stdout.contains("-      - image: nginx:1.27"), "{changed}");
    assert!(changed.stdout.contains("+      - image: nginx:1.28"), "{changed}");
}

/// A Service asking for a cluster IP (and, when given, a node port).
fn service(name: &str, ip: &str, node_port: Option<u16>) -> String {
    let (ty, port) = match node_port {
        Some(p) => ("  type: NodePort\n".to_string(), format!("    nodePort: {p}\n")),
        None => (String::new(), String::new()),
    };
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{ty}  clusterIP: {ip}\n  ports:\n  - port: 80\n{port}"
    )
}

#[test]
fn requested_cluster_ips_must_be_free_and_in_range() {
    let env = TestEnv::serve();
    env.write("a.yaml", &service("a", "10.96.0.50", None));
    env.write("b.yaml", &service("b", "10.96.0.50", None));
    env.write("c.yaml", &service("c", "192.168.1.1", None));
    let runs = vec![
        env.kubectl(&["apply", "-f", "a.yaml"]),
        env.kubectl(&["apply", "-f", "b.yaml"]),
        env.kubectl(&["apply", "-f", "c.yaml"]),
        env.kubectl(&["get", "svc", "a", "-o", "jsonpath={.spec.clusterIPs}"]),
    ];
    assert_eq!(codes(&runs), [0, 1, 1, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

/// A deleted Service's cluster IP and node port are free again at once, and a Service
/// created in between never gets them.
#[test]
fn freed_cluster_ips_and_node_ports_can_be_taken_again() {
    let env = TestEnv::serve();
    env.write("a.yaml", &service("a", "10.96.0.60", Some(30080)));
    env.write("b.yaml", &service("b", "10.96.0.60", Some(30080)));
    env.write("c.yaml", &service("c", "10.96.0.61", Some(30080)));
    let runs = vec![
        env.kubectl(&["apply", "-f", "a.yaml"]),
        env.kubectl(&["apply", "-f", "b.yaml"]),
        env.kubectl(&["delete", "svc", "a"]),
        env.kubectl(&["apply", "-f", "b.yaml"]),
        env.kubectl(&["apply", "-f", "c.yaml"]),
        env.kubectl(&[
            "get",
            "svc",
            "b",
            "-o",
            "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}",
        ]),
    ];
    assert_eq!(codes(&runs), [0, 1, 0, 0, 1, 0], "{}", transcript(&runs));
    assert!(runs[1].stderr.contains("provided IP is already allocated"), "{}", transcript(&runs));
    assert!(runs[4].stderr.contains("30080"), "{}", transcript(&runs));
    assert_eq!(runs[5].stdout, "10.96.0.60 30080");
}
