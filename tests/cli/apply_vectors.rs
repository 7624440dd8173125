//! Replays the client-side apply scenarios recorded from real kubectl (directory from
//! `KCTL_APPLY_VECTORS`, default `../shared/conformance/apply`): the bundled apiserver holds
//! `live.json`, the real `kctl apply -f modified.yaml` runs against it, and the write request
//! the server received must equal kubectl's — method, path, query, Content-Type and body bytes —
//! and kctl must print kubectl's line.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use kctl::apiserver::ApiServer;
use kctl::apiserver::store::Key;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

fn vectors() -> PathBuf {
    std::env::var_os("KCTL_APPLY_VECTORS").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/apply")
    })
}

/// One write request as the server received it.
#[derive(Debug, Clone, PartialEq)]
struct Recorded {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Recorded>>>;

async fn record(log: Log, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 16 << 20).await.unwrap_or_default();
    if parts.method != http::Method::GET {
        log.lock().unwrap().push(Recorded {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            content_type: parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            body: bytes.to_vec(),
        });
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The CRD the custom-resource scenario's `Widget` needs.
fn widget_crd() -> Value {
    json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "widgets.example.com"},
      "spec": {"group": "example.com", "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
        "versions": [{"name": "v1", "served": true, "storage": true,
          "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]},
      "status": {"conditions": [{"type": "Established", "status": "True"}],
        "acceptedNames": {"plural": "widgets", "kind": "Widget"}}})
}

fn seed(server: &ApiServer, live: &Value) {
    let group = live["apiVersion"].as_str().unwrap().split_once('/').map(|(g, _)| g).unwrap_or("");
    let kind = live["kind"].as_str().unwrap();
    let plural = format!("{}s", kind.to_lowercase());
    let resource = if group.is_empty() { plural } else { format!("{plural}.{group}") };
    let key = Key::new(
        &resource,
        live["metadata"]["namespace"].as_str().unwrap_or(""),
        live["metadata"]["name"].as_str().unwrap(),
    );
    server.store().create(&key, live.clone()).expect("seed live object");
}

struct Scenario {
    name: String,
    dir: PathBuf,
}

fn scenarios() -> Vec<Scenario> {
    let mut out: Vec<Scenario> = std::fs::read_dir(vectors())
        .expect("apply vectors directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("modified.yaml").exists())
        .map(|dir| Scenario { name: dir.file_name().unwrap().to_string_lossy().into_owned(), dir })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// kubectl.txt: the command line, then `--- stdout` and `--- stderr` sections.
fn kubectl_transcript(dir: &Path) -> (Vec<String>, String) {
    let text = std::fs::read_to_string(dir.join("kubectl.txt")).unwrap();
    let cmd = text.lines().next().unwrap_or("").trim_start_matches("$ kubectl ");
    let args = cmd.split_whitespace().map(String::from).collect();
    let stdout =
        text.split("--- stdout\n").nth(1).unwrap_or("").split("--- stderr").next().unwrap_or("");
    (args, stdout.to_string())
}

fn run_scenario(s: &Scenario) -> Result<(), String> {
    let server = ApiServer::in_memory();
    if s.dir.join("live.json").exists() || s.name.contains("custom") {
        seed(&server, &widget_crd());
    }
    if let Ok(text) = std::fs::read_to_string(s.dir.join("live.json")) {
        seed(&server, &serde_json::from_str(&text).unwrap());
    }
    let log: Log = Arc::default();
    let recorder = log.clone();
    let router = server
        .router()
        .layer(middleware::from_fn(move |req, next| record(recorder.clone(), req, next)));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = kctl::apiserver::server::serve(router, listener, None, async {
                let _ = stop_rx.await;
            })
            .await;
        });
    });
    let home = tempfile::tempdir().unwrap();
    let (args, expected_stdout) = kubectl_transcript(&s.dir);
    let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(&args)
        .arg(format!("--server=http://127.0.0.1:{port}"))
        .current_dir(&s.dir)
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    let _ = stop_tx.send(());
    let _ = thread.join();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let writes = log.lock().unwrap().clone();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(s.dir.join("request.json")).unwrap())
            .unwrap();
    if expected["method"].is_null() {
        if !writes.is_empty() {
            return Err(format!("expected no write, got {writes:?}"));
        }
    } else {
        let body = std::fs::read(s.dir.join("request.body")).unwrap();
        let want = Recorded {
            method: expected["method"].as_str().unwrap().into(),
            path: expected["path"].as_str().unwrap().into(),
            query: expected["query"].as_str().unwrap().into(),
            content_type: expected["contentType"].as_str().unwrap().into(),
            body,
        };
        let Some(got) = writes.first() else {
            return Err(format!("no write request was sent; stderr: {stderr}"));
        };
        if *got != want {
            return Err(format!(
                "request differs\n  got:  {} {}?{} {}\n        {}\n  want: {} {}?{} {}\n        {}",
                got.method,
                got.path,
                got.query,
                got.content_type,
                String::from_utf8_lossy(&got.body),
                want.method,
                want.path,
                want.query,
                want.content_type,
                String::from_utf8_lossy(&want.body)
            ));
        }
    }
    let server_side = args.iter().any(|a| a == "--server-side");
    if server_side && stderr.contains("server-side apply is not supported by this server") {
        // The bundled apiserver answers apply patches with 415 until it implements server-side
        // apply; the request above is what matters, and kctl must say why it stopped.
        return Ok(());
    }
    if stdout != expected_stdout {
        return Err(format!(
            "stdout differs\n  got:  {stdout:?}\n  want: {expected_stdout:?}\n  stderr: {stderr}"
        ));
    }
    Ok(())
}

#[test]
fn apply_requests_match_kubectl_byte_for_byte() {
    let all = scenarios();
    assert!(!all.is_empty(), "no scenarios under {}", vectors().display());
    let mut failed = Vec::new();
    for s in &all {
        if let Err(e) = run_scenario(s) {
            eprintln!("FAIL {}: {e}", s.name);
            failed.push(s.name.clone());
        }
    }
    eprintln!("{} passed, {} failed", all.len() - failed.len(), failed.len());
    assert!(failed.is_empty(), "failing scenarios: {failed:?}");
}
