//! The harness of the control-plane tests: the real `kctl serve` binary with its controllers
//! and simulated nodes, real kubectl and kctl against it, JSON reads and polling.

#![allow(dead_code)]

use crate::common::{Run, kubectl_path};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `kctl serve` with controllers on a random loopback port.
pub struct Cluster {
    /// Temp dir: HOME, kubeconfig, manifests.
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Cluster {
    /// Starts `kctl serve --nodes <nodes>` (frozen clock, seeded uids, plus `extra` args).
    pub fn start(nodes: usize, extra: &[&str]) -> Cluster {
        Cluster::start_with_env(nodes, extra, &[])
    }

    /// Like [`Cluster::start`], with extra environment variables for the server.
    pub fn start_with_env(nodes: usize, extra: &[&str], env: &[(&str, &str)]) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let kc = dir.path().join("kubeconfig");
        let n = nodes.to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_kctl"))
            .args(["serve", "--addr", "127.0.0.1:0", "--nodes", &n, "--write-kubeconfig"])
            .arg(&kc)
            .args(extra)
            .env_clear()
            .env("HOME", dir.path())
            .env("KCTL_TEST_NOW", crate::common::TEST_NOW)
            .env("KCTL_TEST_UID_SEED", "7")
            .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kctl serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("serve banner");
        assert!(line.starts_with("Serving on "), "unexpected banner {line:?}");
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stderr.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        Cluster { dir, child }
    }

    fn run(&self, program: &str, display: &str, args: &[&str]) -> Run {
        let out = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("HOME", self.dir.path())
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .expect("run");
        Run {
            cmdline: format!("{display} {}", args.join(" ")),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs real kubectl.
    pub fn kubectl(&self, args: &[&str]) -> Run {
        self.run(&kubectl_path(), "kubectl", args)
    }

    /// Runs kctl.
    pub fn kctl(&self, args: &[&str]) -> Run {
        self.run(env!("CARGO_BIN_EXE_kctl"), "kctl", args)
    }

    /// Runs kubectl and requires success.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.kubectl(args);
        assert_eq!(r.code, 0, "{r}");
        r.stdout
    }

    /// Applies a manifest (written into the temp dir) with kubectl.
    pub fn apply(&self, yaml: &str) {
        std::fs::write(self.dir.path().join("m.yaml"), yaml).expect("write");
        self.ok(&["apply", "-f", "m.yaml"]);
    }

    /// `kubectl get <args> -o json`, parsed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a: Vec<&str> = vec!["get"];
        a.extend(args);
        a.extend(["-o", "json"]);
        serde_json::from_str(&self.ok(&a)).expect("json")
    }

    /// The items of `kubectl get <args> -o json`.
    pub fn items(&self, args: &[&str]) -> Vec<Value> {
        self.json(args)["items"].as_array().cloned().unwrap_or_default()
    }

    /// Polls `f` until it returns `Some` (10 s at most).
    pub fn until<T>(&self, what: &str, mut f: impl FnMut(&Cluster) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Events of the namespace, in creation order: `(reason, object name, message)`.
    pub fn events(&self) -> Vec<(String, String, String)> {
        let mut evs = self.items(&["events"]);
        evs.sort_by_key(|e| {
            e["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string()
        });
        evs.iter()
            .map(|e| {
                let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
                (s(&e["reason"]), s(&e["involvedObject"]["name"]), s(&e["message"]))
            })
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The name of an object.
pub fn name(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or_default()
}

/// The controller owner reference of an object: `(kind, name, uid)`.
pub fn owner(v: &Value) -> (String, String, String) {
    let r = v["metadata"]["ownerReferences"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["controller"] == true))
        .cloned()
        .unwrap_or_default();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (s(&r["kind"]), s(&r["name"]), s(&r["uid"]))
}

/// True when a generated pod name is `<prefix>-<5 chars of kube's alphabet>`.
pub fn generated_from(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).and_then(|s| s.strip_prefix('-')).is_some_and(|s| {
        s.len() == 5 && s.bytes().all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
    })
}
