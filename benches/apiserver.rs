//! Load benchmark of the bundled apiserver over loopback: GET/s, LIST/s, strategic PATCH/s
//! with keep-alive HTTP/1.1 connections from a lean raw-socket load generator, the time from
//! spawning `kctl serve` to its first served request, and resident memory per 10,000 stored
//! ConfigMaps. Run with `cargo bench --bench apiserver`; `BENCH_SECS` sets each phase's length.
//!
//! Memory is the growth of this process's resident set while 10,000 ConfigMaps are written
//! into the server's store, divided by the sum of the stored objects' JSON sizes: it counts
//! everything the store keeps (tables, watch history, allocator overhead), nothing is
//! subtracted.

#![allow(clippy::print_stdout)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Sends one request on a keep-alive connection and reads the whole response; returns the status.
fn roundtrip(conn: &mut TcpStream, req: &[u8], buf: &mut Vec<u8>) -> u16 {
    conn.write_all(req).expect("write");
    buf.clear();
    let mut chunk = [0u8; 65536];
    let header_end = loop {
        let n = conn.read(&mut chunk).expect("read");
        assert!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let status: u16 = head[9..12].parse().unwrap_or(0);
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap_or(0))
        .expect("content-length");
    while buf.len() < header_end + len {
        let n = conn.read(&mut chunk).expect("read body");
        assert!(n > 0, "connection closed mid-body");
        buf.extend_from_slice(&chunk[..n]);
    }
    status
}

fn request(method: &str, path: &str, content_type: &str, body: &str) -> Vec<u8> {
    let mut r =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n");
    if !body.is_empty() {
        r.push_str(&format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", body.len()));
    }
    r.push_str("\r\n");
    r.push_str(body);
    r.into_bytes()
}

/// Runs `conns` client threads for `secs`, each sending `make(i)` requests; returns req/s.
fn load(
    port: u16,
    conns: usize,
    secs: f64,
    make: Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>,
) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..conns)
        .map(|c| {
            let (stop, count, make) = (stop.clone(), count.clone(), make.clone());
            std::thread::spawn(move || {
                let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                conn.set_nodelay(true).ok();
                let mut buf = Vec::with_capacity(1 << 16);
                let mut i = c as u64 * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    let status = roundtrip(&mut conn, &make(i), &mut buf);
                    assert!(status < 300, "status {status}: {}", String::from_utf8_lossy(&buf));
                    count.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("client thread");
    }
    count.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64()
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

fn cm_json(name: &str, ns: &str) -> String {
    format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}","namespace":"{ns}","labels":{{"app":"bench","tier":"backend"}}}},"data":{{"config.yaml":"replicas: 3\nimage: nginx:1.27\nlogLevel: info\n","key":"value-{name}"}}}}"#
    )
}

fn time_to_first_request() -> Duration {
    let t0 = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn kctl serve");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stderr.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line.trim().rsplit(':').next().unwrap().parse().unwrap();
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut buf = Vec::new();
    assert_eq!(
        roundtrip(&mut conn, &request("GET", "/api/v1/namespaces/default", "", ""), &mut buf),
        200
    );
    let elapsed = t0.elapsed();
    child.kill().ok();
    child.wait().ok();
    elapsed
}

fn main() {
    let secs: f64 = std::env::var("BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    // Only run under `cargo bench` (cargo passes --bench); `cargo test --benches` just builds.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let ttfr: Vec<Duration> = (0..5).map(|_| time_to_first_request()).collect();
    let best = ttfr.iter().min().unwrap();
    println!("time from spawn to first served request: best {best:?} of {ttfr:?}");

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = kctl::apiserver::ApiServer::in_memory();
    let store = server.store().clone();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(kctl::apiserver::server::serve(
        server.router(),
        listener,
        None,
        std::future::pending(),
    ));

    // Memory: 10,000 ConfigMaps straight into the store (same path as POST, minus HTTP), once
    // with small objects and once with ~1 KiB ones (a typical embedded config file).
    let padding = "# tuning\nworkers: 4\n".repeat(40);
    for (ns, extra) in [("default", ""), ("big", padding.as_str())] {
        let before = rss_bytes();
        let mut json_bytes = 0usize;
        for i in 0..10_000 {
            let name = format!("cm-{i:05}");
            let mut v: serde_json::Value = serde_json::from_str(&cm_json(&name, ns)).unwrap();
            if !extra.is_empty() {
                v["data"]["extra.yaml"] = serde_json::Value::String(extra.to_string());
            }
            let key = kctl::apiserver::store::Key::new("configmaps", ns, &name);
            json_bytes += store.create(&key, v).unwrap().json.len();
        }
        let grown = rss_bytes().saturating_sub(before);
        println!(
            "memory for 10,000 ConfigMaps of {} bytes: {:.1} MiB RSS growth for {:.1} MiB of JSON ({:.2}x, {} bytes/object)",
            json_bytes / 10_000,
            grown as f64 / 1048576.0,
            json_bytes as f64 / 1048576.0,
            grown as f64 / json_bytes as f64,
            grown / 10_000
        );
    }

    // A small namespace for LIST and PATCH targets.
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut buf = Vec::new();
    roundtrip(
        &mut conn,
        &request(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            r#"{"metadata":{"name":"small"}}"#,
        ),
        &mut buf,
    );
    for i in 0..10 {
        let body = cm_json(&format!("c{i}"), "small");
        let s = roundtrip(
            &mut conn,
            &request("POST", "/api/v1/namespaces/small/configmaps", "application/json", &body),
            &mut buf,
        );
        assert_eq!(s, 201);
    }
    let body = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1.25","env":[{"name":"A","value":"1"}]}]}}}}"#;
    assert_eq!(
        roundtrip(
            &mut conn,
            &request(
                "POST",
                "/apis/apps/v1/namespaces/small/deployments",
                "application/json",
                body
            ),
            &mut buf
        ),
        201
    );

    let conns = 8;
    let get = load(
        port,
        conns,
        secs,
        Arc::new(|_| request("GET", "/api/v1/namespaces/default/configmaps/cm-00042", "", "")),
    );
    println!("GET    {get:>9.0} req/s ({conns} keep-alive connections)");
    let list = load(
        port,
        conns,
        secs,
        Arc::new(|_| request("GET", "/api/v1/namespaces/small/configmaps", "", "")),
    );
    println!("LIST   {list:>9.0} req/s (10 items per list)");
    let patch = load(
        port,
        conns,
        secs,
        Arc::new(|i| {
            let p = format!(
                r#"{{"$setElementOrder/containers":[{{"name":"app"}}],"containers":[{{"$setElementOrder/env":[{{"name":"A"}}],"env":[{{"name":"A","value":"{}"}}],"name":"app"}}]}}"#,
                i
            );
            let p = format!(r#"{{"spec":{{"template":{{"spec":{p}}}}}}}"#);
            request(
                "PATCH",
                "/apis/apps/v1/namespaces/small/deployments/web",
                "application/strategic-merge-patch+json",
                &p,
            )
        }),
    );
    println!(
        "PATCH  {patch:>9.0} req/s (strategic merge patch of a Deployment, each a real change)"
    );
}
