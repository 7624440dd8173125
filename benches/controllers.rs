//! Control-plane benchmark: `kctl serve --nodes 100`, one Deployment of 1 replica scaled to
//! 10,000, timed from the scale request until every replica is Ready and available; reports
//! the seconds taken, the server's peak resident memory (VmHWM) and the machine's load
//! average. Run with `cargo bench --bench controllers`; `BENCH_REPLICAS` and `BENCH_NODES`
//! change the sizes.

#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One HTTP/1.1 request on a fresh connection; returns the status and the body.
fn http(addr: &str, method: &str, path: &str, content_type: &str, body: &str) -> (u16, String) {
    let mut conn = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(req.as_bytes()).expect("write");
    let mut out = Vec::new();
    conn.read_to_end(&mut out).expect("read");
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let replicas: u64 =
        std::env::var("BENCH_REPLICAS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let nodes: u64 = std::env::var("BENCH_NODES").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["serve", "--addr", "127.0.0.1:0", "--nodes", &nodes.to_string()])
        .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kctl serve");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("banner");
    let addr = line.trim().trim_start_matches("Serving on http://").to_string();
    std::thread::spawn(move || {
        let mut sink = String::new();
        while stderr.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    // Wait for the simulated nodes to be Ready.
    let start = Instant::now();
    loop {
        let (_, body) = http(&addr, "GET", "/api/v1/nodes", "application/json", "");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let ready = v["items"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|n| n["status"]["nodeInfo"].is_object()).count());
        if ready as u64 > nodes {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "nodes never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    let deploy = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "bench", "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "bench"}},
            "template": {"metadata": {"labels": {"app": "bench"}},
                "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}]}}}});
    let (code, body) = http(
        &addr,
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        "application/json",
        &deploy.to_string(),
    );
    assert_eq!(code, 201, "{body}");
    wait_available(&addr, 1);
    let start = Instant::now();
    let (code, body) = http(
        &addr,
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/bench",
        "application/merge-patch+json",
        &serde_json::json!({"spec": {"replicas": replicas}}).to_string(),
    );
    assert_eq!(code, 200, "{body}");
    wait_available(&addr, replicas);
    let secs = start.elapsed().as_secs_f64();
    let peak = peak_rss_kib(child.id());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "controllers: {replicas} replicas on {nodes} nodes all Ready in {secs:.2} s ({:.0} pods/s), peak RSS {:.1} MiB, load average {}",
        replicas as f64 / secs,
        peak as f64 / 1024.0,
        load.join(" ")
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Polls the Deployment until `replicas` replicas are Ready and available (300 s at most).
fn wait_available(addr: &str, replicas: u64) {
    let start = Instant::now();
    loop {
        let (_, body) = http(
            addr,
            "GET",
            "/apis/apps/v1/namespaces/default/deployments/bench",
            "application/json",
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if v["status"]["availableReplicas"].as_u64() == Some(replicas)
            && v["status"]["readyReplicas"].as_u64() == Some(replicas)
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "not all ready after 300 s: {}",
            v["status"]
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
