//! `kctl delete` against `kctl serve`: by file, name, `TYPE/NAME`, label or `--all`;
//! dry runs, `-o name`, cascade and grace options, waiting for finalizers, and errors.

use crate::common::{Run, TestEnv, transcript};
use crate::verbs_get::{CMS, DEPLOY, seed};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn codes(runs: &[Run]) -> Vec<i32> {
    runs.iter().map(|r| r.code).collect()
}

const MORE: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: cm3}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm4, namespace: kube-public}
";

#[test]
fn delete_by_file_name_and_selector() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS), ("deploy.yaml", DEPLOY), ("more.yaml", MORE)]);
    let runs = vec![
        env.kctl(&["delete", "-f", "cms.yaml", "--dry-run=server"]),
        env.kctl(&["delete", "cm", "cm1", "--dry-run=client"]),
        env.kctl(&["delete", "cm/cm1", "deploy/nginx", "-o", "name", "--dry-run=server"]),
        env.kctl(&["delete", "cm", "cm1", "--now", "--dry-run=server"]),
        env.kctl(&["delete", "cm", "cm1", "--cascade=foreground", "--dry-run=server"]),
        env.kctl(&["delete", "cm", "cm1", "--grace-period=0", "--force", "--dry-run=server"]),
        env.kctl(&["get", "cm,deploy", "-A", "-o", "name"]),
        env.kctl(&["delete", "-f", "deploy.yaml"]),
        env.kctl(&["delete", "-f", "deploy.yaml"]),
        env.kctl(&["delete", "-f", "deploy.yaml", "--ignore-not-found"]),
        env.kctl(&["delete", "cm", "-l", "tier=web"]),
        env.kctl(&["delete", "cm", "-l", "tier=web"]),
        env.kctl(&["delete", "cm", "cm1", "nope"]),
        env.kctl(&["delete", "cm", "--all"]),
        env.kctl(&["delete", "cm", "--all", "-A"]),
        env.kctl(&["delete", "cm", "--all", "-A"]),
        env.kctl(&["get", "cm,deploy", "-A"]),
    ];
    assert_eq!(
        codes(&runs),
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
        "{}",
        transcript(&runs)
    );
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn delete_usage_errors() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS)]);
    let runs = vec![
        env.kctl(&["delete"]),
        env.kctl(&["delete", "cm"]),
        env.kctl(&["delete", "cm", "cm1", "--all"]),
        env.kctl(&["delete", "cm", "--all", "-l", "app=demo"]),
        env.kctl(&["delete", "cm", "cm1", "--now", "--grace-period=5"]),
        env.kctl(&["delete", "foos", "x"]),
        env.kctl(&["delete", "cm", "cm1", "-o", "yaml"]),
        env.kctl(&["get", "cm", "-o", "name"]),
    ];
    assert_eq!(codes(&runs), [1, 1, 1, 1, 1, 1, 1, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

const HELD: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  finalizers: [example.com/hold]
data: {a: \"1\"}
";

#[test]
fn delete_waits_for_finalizers() {
    let env = TestEnv::serve();
    seed(&env, &[("held.yaml", HELD)]);
    let timed_out = env.kctl(&["delete", "cm", "held", "--timeout=2s"]);
    assert_eq!(timed_out.code, 1, "{timed_out}");
    let no_wait = env.kctl(&["delete", "cm", "held", "--wait=false"]);
    assert_eq!(no_wait.code, 0, "{no_wait}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["delete", "-f", "held.yaml"])
        .current_dir(env.dir.path())
        .env_clear()
        .env("HOME", env.dir.path())
        .env("KUBECONFIG", env.kubeconfig())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kctl delete");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.try_wait().expect("poll").is_none(), "delete must wait for the finalizer");
    let release = env.kubectl(&[
        "patch",
        "cm",
        "held",
        "--type",
        "merge",
        "-p",
        "{\"metadata\":{\"finalizers\":null}}",
    ]);
    assert_eq!(release.code, 0, "{release}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("poll").is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("delete finished");
    let waited = Run {
        cmdline: "kctl delete -f held.yaml".into(),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    insta::assert_snapshot!(transcript(&[timed_out, no_wait, waited]));
}
