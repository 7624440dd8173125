//! `kctl get` against `kctl serve`: server-side tables, several types, `-A`, selectors,
//! every output format, sorting, watch, and kubectl's errors.

use crate::common::{Run, TestEnv, transcript};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Two labelled ConfigMaps.
pub const CMS: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cm1
  labels: {app: demo}
data: {a: \"1\"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm2
  labels: {app: demo, tier: web}
data: {b: \"2\", c: \"3\"}
";

/// A Deployment with two containers.
pub const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  replicas: 1
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - {name: nginx, image: \"nginx:1.25\", ports: [{containerPort: 80}, {containerPort: 443}]}
      - {name: side, image: busybox}
";

/// Writes the manifests and creates their objects (setup, not under test).
pub fn seed(env: &TestEnv, files: &[(&str, &str)]) {
    for (name, text) in files {
        env.write(name, text);
        let r = env.kubectl(&["create", "-f", name]);
        assert_eq!(r.code, 0, "{r}");
    }
}

fn codes(runs: &[Run]) -> Vec<i32> {
    runs.iter().map(|r| r.code).collect()
}

#[test]
fn get_tables() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS), ("deploy.yaml", DEPLOY)]);
    let runs = vec![
        env.kctl(&["get", "cm"]),
        env.kctl(&["get", "deployments"]),
        env.kctl(&["get", "deploy", "nginx"]),
        env.kctl(&["get", "deploy", "-o", "wide"]),
        env.kctl(&["get", "cm,deploy"]),
        env.kctl(&["get", "cm,deploy", "-A"]),
        env.kctl(&["get", "cm/cm1", "deploy/nginx"]),
        env.kctl(&["get", "cm", "cm2", "cm1"]),
        env.kctl(&["get", "cm", "-l", "app=demo,tier=web"]),
        env.kctl(&["get", "cm", "--field-selector", "metadata.name=cm1"]),
        env.kctl(&["get", "cm", "--show-labels", "-L", "app,tier"]),
        env.kctl(&["get", "cm", "--sort-by", "{.metadata.name}", "--no-headers"]),
        env.kctl(&["get", "cm,deploy", "--no-headers"]),
        env.kctl(&["get", "cm", "--chunk-size", "1"]),
        env.kctl(&["get", "all"]),
        env.kctl(&["get", "ns"]),
        env.kctl(&["get", "cm", "-n", "kube-system"]),
        env.kctl(&["get", "-f", "cms.yaml"]),
    ];
    assert!(codes(&runs).iter().all(|c| *c == 0), "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn get_structured_output() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS), ("deploy.yaml", DEPLOY)]);
    let runs = vec![
        env.kctl(&["get", "cm", "cm1", "-o", "yaml"]),
        env.kctl(&["get", "cm", "-o", "yaml"]),
        env.kctl(&["get", "cm", "-l", "tier=web", "-o", "json"]),
        env.kctl(&["get", "pods", "-o", "json"]),
        env.kctl(&["get", "pods", "-o", "yaml"]),
        env.kctl(&["get", "cm,deploy", "-o", "name"]),
        env.kctl(&["get", "-f", "cms.yaml", "-o", "name"]),
        env.kctl(&["get", "cm", "-o", "jsonpath={.items[*].metadata.name}"]),
        env.kctl(&[
            "get",
            "cm",
            "-o",
            "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.data}{\"\\n\"}{end}",
        ]),
        env.kctl(&["get", "deploy", "nginx", "-o", "jsonpath={..image}"]),
        env.kctl(&[
            "get",
            "deploy",
            "nginx",
            "-o",
            "jsonpath={.spec.template.spec.containers[?(@.name==\"side\")].image}|{.spec.template.spec.containers[-1].name}|{.spec.template.spec.containers[0].ports[*].containerPort}|{.metadata.labels}|{.missing}",
        ]),
        env.kctl(&["get", "cm", "-o", "jsonpath-as-json={.items[*].metadata.name}"]),
        env.kctl(&["get", "cm", "cm1", "-o", "jsonpath-as-json={.data}"]),
        env.kctl(&["get", "cm", "-o", "custom-columns=NAME:.metadata.name,DATA:.data,TIER:.metadata.labels.tier"]),
        env.kctl(&[
            "get",
            "deploy",
            "-o",
            "custom-columns=NAME:.metadata.name,IMAGES:.spec.template.spec.containers[*].image",
            "--no-headers",
        ]),
        env.kctl(&["get", "cm", "--sort-by", ".metadata.labels.tier", "-o", "name"]),
    ];
    assert!(codes(&runs).iter().all(|c| *c == 0), "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn get_managed_fields() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS)]);
    let hidden = env.kctl(&["get", "cm", "cm1", "-o", "json"]);
    let shown = env.kctl(&["get", "cm", "cm1", "-o", "json", "--show-managed-fields"]);
    assert!(!hidden.stdout.contains("managedFields"), "{hidden}");
    let has = env.kubectl(&["get", "cm", "cm1", "-o", "json", "--show-managed-fields"]);
    assert_eq!(
        shown.stdout.contains("managedFields"),
        has.stdout.contains("managedFields"),
        "{shown}\n{has}"
    );
}

#[test]
fn get_errors() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS)]);
    let runs = vec![
        env.kctl(&["get"]),
        env.kctl(&["get", "foos"]),
        env.kctl(&["get", "cm", "nope"]),
        env.kctl(&["get", "cm", "cm1", "nope"]),
        env.kctl(&["get", "cm", "nope", "--ignore-not-found"]),
        env.kctl(&["get", "pods"]),
        env.kctl(&["get", "pods", "-A"]),
        env.kctl(&["get", "cm", "cm1/x"]),
        env.kctl(&["get", "cm", "-o", "wat"]),
        env.kctl(&["get", "cm", "-o", "jsonpath={.items[*].metadata.name"]),
        env.kctl(&["get", "cm", "-o", "custom-columns=NAME"]),
        env.kctl(&["get", "cm", "-o", "jsonpath={.items[9]}"]),
        env.kctl(&["get", "cm", "cm1", "-l", "app=demo"]),
    ];
    assert_eq!(codes(&runs), [1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

/// Reads a child's stdout on a thread so the test can wait for lines with a deadline.
fn spawn_watch(
    env: &TestEnv,
    args: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<u8>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(args)
        .current_dir(env.dir.path())
        .env_clear()
        .env("HOME", env.dir.path())
        .env("KUBECONFIG", env.kubeconfig())
        .env("KCTL_TEST_NOW", crate::common::TEST_NOW)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kctl get -w");
    let mut out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut b = [0u8; 1];
        while out.read_exact(&mut b).is_ok() {
            if tx.send(b[0]).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn read_until(rx: &std::sync::mpsc::Receiver<u8>, buf: &mut String, lines: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while buf.matches('\n').count() < lines && Instant::now() < deadline {
        if let Ok(b) = rx.recv_timeout(Duration::from_millis(100)) {
            buf.push(b as char);
        }
    }
}

#[test]
fn get_watch_prints_one_line_per_event() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS)]);
    let (mut child, rx) = spawn_watch(&env, &["get", "cm", "-w"]);
    let mut out = String::new();
    read_until(&rx, &mut out, 3);
    let r = env.kubectl(&["label", "cm", "cm1", "extra=yes"]);
    assert_eq!(r.code, 0, "{r}");
    read_until(&rx, &mut out, 5);
    let r = env.kubectl(&["delete", "cm", "cm2"]);
    assert_eq!(r.code, 0, "{r}");
    read_until(&rx, &mut out, 6);
    let _ = child.kill();
    let _ = child.wait();
    insta::assert_snapshot!(out);
}
