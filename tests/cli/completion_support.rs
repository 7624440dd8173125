//! Support for the completion tests and benchmark: a real `kctl serve` on a loopback port
//! with a kubeconfig pointing at it, objects created over plain HTTP, and a private `PATH`
//! whose `kctl` is the binary under test (the completion scripts call `kctl` from `PATH`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `kctl serve`, stopped when dropped.
pub struct Served {
    child: Child,
    /// Temporary home: `kubeconfig`, `bin/kctl`, `.kube/cache`.
    pub dir: tempfile::TempDir,
    /// `host:port` the server listens on.
    pub addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Starts `kctl serve --addr 127.0.0.1:0` (binary `kctl`) and waits for its address.
    pub fn start(kctl: &Path) -> Served {
        let dir = tempfile::tempdir().expect("temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        let mut child = Command::new(kctl)
            .args(["serve", "--addr", "127.0.0.1:0", "--write-kubeconfig"])
            .arg(&kubeconfig)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kctl serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("Serving on http://") {
                        break url.trim().to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    panic!("kctl serve exited before serving");
                }
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        std::os::unix::fs::symlink(kctl, bin.join("kctl")).expect("symlink kctl");
        Served { child, dir, addr }
    }

    /// The kubeconfig written by the server.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// `PATH` with the binary under test first.
    pub fn path_env(&self) -> String {
        let bin = self.dir.path().join("bin");
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
    }

    /// Environment for a shell or kctl process completing against this server.
    pub fn envs(&self) -> Vec<(String, String)> {
        vec![
            ("HOME".into(), self.dir.path().display().to_string()),
            ("KUBECONFIG".into(), self.kubeconfig().display().to_string()),
            ("PATH".into(), self.path_env()),
            ("XDG_CONFIG_HOME".into(), self.dir.path().join(".config").display().to_string()),
            ("XDG_DATA_HOME".into(), self.dir.path().join(".local").display().to_string()),
        ]
    }

    /// Sends one HTTP/1.1 request and returns (status, body).
    pub fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect to kctl serve");
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        s.write_all(req.as_bytes()).expect("send request");
        let mut resp = String::new();
        s.read_to_string(&mut resp).expect("read response");
        let status = resp.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// Creates an object by POSTing `body` to the collection `path`.
    pub fn create(&self, path: &str, body: &str) {
        let (status, text) = self.request("POST", path, body);
        assert!(status == 201 || status == 200, "POST {path}: {status} {text}");
    }

    /// Creates a ConfigMap.
    pub fn configmap(&self, ns: &str, name: &str) {
        self.create(
            &format!("/api/v1/namespaces/{ns}/configmaps"),
            &format!(r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}},"data":{{"k":"v"}}}}"#),
        );
    }

    /// Creates a Namespace.
    pub fn namespace(&self, name: &str) {
        self.create(
            "/api/v1/namespaces",
            &format!(r#"{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{name}"}}}}"#),
        );
    }

    /// Creates a Deployment.
    pub fn deployment(&self, ns: &str, name: &str) {
        self.create(
            &format!("/apis/apps/v1/namespaces/{ns}/deployments"),
            &format!(
                r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"{name}"}},"spec":{{"selector":{{"matchLabels":{{"app":"{name}"}}}},"template":{{"metadata":{{"labels":{{"app":"{name}"}}}},"spec":{{"containers":[{{"name":"c","image":"nginx"}}]}}}}}}}}"#
            ),
        );
    }
}
