//! The bundled apiserver over HTTP, request by request: version and discovery, Status error
//! shapes, optimistic concurrency, dry runs, finalizers, namespace deletion, paging, watch
//! resumption and expiry, and clean shutdown of `kctl serve`.

use crate::common::TestEnv;
use serde_json::{Value, json};

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    fn new(env: &TestEnv) -> Api {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Api { base: env.url.clone(), http: reqwest::Client::new() }
    }

    async fn call(&self, method: &str, path: &str, body: Option<(&str, String)>) -> (u16, Value) {
        let mut req = self.http.request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some((ct, b)) = body {
            req = req.header("Content-Type", ct).body(b);
        }
        let resp = req.send().await.expect("request");
        let code = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (code, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, v: Value) -> (u16, Value) {
        self.call("POST", path, Some(("application/json", v.to_string()))).await
    }

    async fn put(&self, path: &str, v: Value) -> (u16, Value) {
        self.call("PUT", path, Some(("application/json", v.to_string()))).await
    }

    async fn patch(&self, path: &str, ct: &str, v: Value) -> (u16, Value) {
        self.call("PATCH", path, Some((ct, v.to_string()))).await
    }

    async fn delete(&self, path: &str, v: Option<Value>) -> (u16, Value) {
        self.call("DELETE", path, v.map(|v| ("application/json", v.to_string()))).await
    }
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"app": "demo"}}, "data": {"n": "0"}})
}

#[tokio::test]
async fn version_health_and_discovery() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    let (code, v) = api.get("/version").await;
    assert_eq!((code, v["major"].as_str(), v["minor"].as_str()), (200, Some("1"), Some("32")));
    assert!(v["gitVersion"].as_str().unwrap().starts_with("v1.32."));
    for p in ["/healthz", "/livez", "/readyz"] {
        assert_eq!(api.get(p).await.0, 200, "{p}");
    }
    let resp = api
        .http
        .get(format!("{}/apis", api.base))
        .header(
            "Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"],
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    let (code, legacy) = api.get("/api/v1").await;
    assert_eq!(code, 200);
    assert!(
        legacy["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "configmaps" && r["shortNames"] == json!(["cm"]))
    );
    let (_, groups) = api.get("/apis").await;
    assert_eq!(groups["kind"], "APIGroupList");
    let (_, index) = api.get("/openapi/v3").await;
    let url = index["paths"]["apis/apps/v1"]["serverRelativeURL"].as_str().unwrap().to_string();
    let (code, doc) = api.get(&url).await;
    assert_eq!(code, 200);
    let op = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert!(op["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "fieldValidation"));
    let (_, ns) = api.get("/api/v1/namespaces").await;
    let names: Vec<&str> = ns["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "kube-node-lease", "kube-public", "kube-system"]);
}

#[tokio::test]
async fn status_errors_are_shaped_like_kube_apiserver() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    let (code, v) = api.get("/apis/apps/v1/namespaces/default/deployments/nginx").await;
    assert_eq!(code, 404);
    assert_eq!(
        v,
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nginx\" not found","reason":"NotFound","details":{"name":"nginx","group":"apps","kind":"deployments"},"code":404})
    );
    assert_eq!(api.post(CMS, cm("a")).await.0, 201);
    let (code, v) = api.post(CMS, cm("a")).await;
    assert_eq!(
        (code, v["reason"].as_str(), v["message"].as_str()),
        (409, Some("AlreadyExists"), Some("configmaps \"a\" already exists"))
    );
    let (code, v) = api.post("/api/v1/namespaces/nope/configmaps", cm("a")).await;
    assert_eq!(code, 404);
    assert_eq!(v["message"], "namespaces \"nope\" not found");
    assert_eq!(v["details"], json!({"name": "nope", "kind": "namespaces"}));
    let mut stale = cm("a");
    stale["metadata"]["resourceVersion"] = json!("1");
    let (code, v) = api.put(&format!("{CMS}/a"), stale).await;
    assert_eq!(code, 409);
    assert_eq!(
        v["message"],
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"
    );
    let (code, v) =
        api.post(CMS, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})).await;
    assert_eq!((code, v["reason"].as_str()), (422, Some("Invalid")));
    let (code, v) = api.delete("/api/v1/namespaces/default", None).await;
    assert_eq!((code, v["reason"].as_str()), (403, Some("Forbidden")));
    let (code, _) = api.patch(&format!("{CMS}/a"), "application/apply-patch+yaml", json!({})).await;
    assert_eq!(code, 415);
}

#[tokio::test]
async fn bookkeeping_generation_and_noop_writes() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "generateName": "ignored-"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
    let path = "/apis/apps/v1/namespaces/default/deployments";
    let (code, created) = api.post(path, d).await;
    assert_eq!(code, 201);
    assert_eq!(created["metadata"]["generation"], 1);
    assert_eq!(created["metadata"]["creationTimestamp"], crate::common::TEST_NOW);
    assert_eq!(created["metadata"]["uid"].as_str().unwrap().len(), 36);
    let rv = created["metadata"]["resourceVersion"].clone();
    let (_, same) = api.put(&format!("{path}/web"), created.clone()).await;
    assert_eq!(same["metadata"]["resourceVersion"], rv, "no-op PUT keeps resourceVersion");
    let (_, labelled) = api
        .patch(
            &format!("{path}/web"),
            "application/merge-patch+json",
            json!({"metadata": {"labels": {"x": "y"}}}),
        )
        .await;
    assert_eq!(labelled["metadata"]["generation"], 1, "metadata changes do not bump generation");
    assert_ne!(labelled["metadata"]["resourceVersion"], rv);
    let (_, scaled) = api
        .patch(
            &format!("{path}/web/scale"),
            "application/merge-patch+json",
            json!({"spec": {"replicas": 3}}),
        )
        .await;
    assert_eq!(
        (scaled["kind"].as_str(), scaled["spec"]["replicas"].as_i64()),
        (Some("Scale"), Some(3))
    );
    let (_, after) = api.get(&format!("{path}/web")).await;
    assert_eq!(after["metadata"]["generation"], 2);
    let (_, st) = api
        .patch(
            &format!("{path}/web/status"),
            "application/merge-patch+json",
            json!({"status": {"readyReplicas": 3}, "spec": {"replicas": 9}}),
        )
        .await;
    assert_eq!(
        (st["status"]["readyReplicas"].as_i64(), st["spec"]["replicas"].as_i64()),
        (Some(3), Some(3))
    );
    let (_, generated) = api.post(CMS, json!({"metadata": {"generateName": "gen-"}})).await;
    assert!(generated["metadata"]["name"].as_str().unwrap().starts_with("gen-"));
    assert_eq!(generated["metadata"]["name"].as_str().unwrap().len(), 9);
}

#[tokio::test]
async fn concurrent_writers_lose_no_update() {
    let env = TestEnv::in_process();
    let api = std::sync::Arc::new(Api::new(&env));
    api.post(CMS, cm("counter")).await;
    const WRITERS: usize = 8;
    const EACH: usize = 25;
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            for _ in 0..EACH {
                loop {
                    let (_, mut obj) = api.get(&format!("{CMS}/counter")).await;
                    let n: u64 = obj["data"]["n"].as_str().unwrap().parse().unwrap();
                    obj["data"]["n"] = json!((n + 1).to_string());
                    match api.put(&format!("{CMS}/counter"), obj).await.0 {
                        200 => break,
                        409 => conflicts += 1,
                        other => panic!("unexpected {other}"),
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for t in tasks {
        conflicts += t.await.unwrap();
    }
    let (_, obj) = api.get(&format!("{CMS}/counter")).await;
    assert_eq!(
        obj["data"]["n"],
        (WRITERS * EACH).to_string(),
        "{conflicts} conflicts were retried"
    );
}

#[tokio::test]
async fn dry_run_leaves_no_trace() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    let (_, before) = api.get(CMS).await;
    let (code, v) = api.post(&format!("{CMS}?dryRun=All"), cm("ghost")).await;
    assert_eq!((code, v["metadata"]["name"].as_str()), (201, Some("ghost")));
    assert_eq!(api.get(&format!("{CMS}/ghost")).await.0, 404);
    let (_, real) = api.post(CMS, cm("real")).await;
    let (_, patched) = api
        .patch(
            &format!("{CMS}/real?dryRun=All"),
            "application/merge-patch+json",
            json!({"data": {"n": "9"}}),
        )
        .await;
    assert_eq!(patched["data"]["n"], "9");
    let (code, _) = api.delete(&format!("{CMS}/real"), Some(json!({"dryRun": ["All"]}))).await;
    assert_eq!(code, 200);
    let (_, after) = api.get(&format!("{CMS}/real")).await;
    assert_eq!(after, real, "dry-run patch and delete changed nothing");
    let (_, list) = api.get(CMS).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        before["items"].as_array().unwrap().len() + 1
    );
}

#[tokio::test]
async fn finalizers_keep_objects_terminating() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    let mut held = cm("held");
    held["metadata"]["finalizers"] = json!(["example.com/hold"]);
    api.post(CMS, held).await;
    let (code, v) =
        api.delete(&format!("{CMS}/held"), Some(json!({"propagationPolicy": "Background"}))).await;
    assert_eq!(code, 200);
    assert!(v["metadata"]["deletionTimestamp"].is_string(), "{v}");
    let (code, still) = api.get(&format!("{CMS}/held")).await;
    assert_eq!(code, 200);
    assert_eq!(still["metadata"]["deletionTimestamp"], crate::common::TEST_NOW);
    let (code, _) = api
        .patch(
            &format!("{CMS}/held"),
            "application/merge-patch+json",
            json!({"metadata": {"finalizers": null}}),
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(api.get(&format!("{CMS}/held")).await.0, 404);
}

#[tokio::test]
async fn namespace_deletion_removes_contents() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    assert_eq!(
        api.post("/api/v1/namespaces", json!({"metadata": {"name": "team-a"}})).await.0,
        201
    );
    for n in ["a", "b"] {
        assert_eq!(api.post("/api/v1/namespaces/team-a/configmaps", cm(n)).await.0, 201);
    }
    api.post(CMS, cm("outside")).await;
    let (code, _) = api.delete("/api/v1/namespaces/team-a", None).await;
    assert_eq!(code, 200);
    assert_eq!(api.get("/api/v1/namespaces/team-a").await.0, 404);
    // Contents held by a finalizer keep the namespace Terminating until they go.
    api.post("/api/v1/namespaces", json!({"metadata": {"name": "team-b"}})).await;
    let mut held = cm("held");
    held["metadata"]["finalizers"] = json!(["example.com/hold"]);
    api.post("/api/v1/namespaces/team-b/configmaps", held).await;
    let (code, ns) = api.delete("/api/v1/namespaces/team-b", None).await;
    assert_eq!((code, ns["status"]["phase"].as_str()), (200, Some("Terminating")));
    let (code, v) = api.post("/api/v1/namespaces/team-b/configmaps", cm("late")).await;
    assert_eq!((code, v["reason"].as_str()), (403, Some("Forbidden")));
    api.patch(
        "/api/v1/namespaces/team-b/configmaps/held",
        "application/merge-patch+json",
        json!({"metadata": {"finalizers": null}}),
    )
    .await;
    assert_eq!(api.get("/api/v1/namespaces/team-b").await.0, 404);
    let (_, all) = api.get("/api/v1/configmaps").await;
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["outside"]);
}

#[tokio::test]
async fn list_selectors_and_paging() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    for n in ["a", "b", "c", "d", "e"] {
        let mut o = cm(n);
        o["metadata"]["labels"]["tier"] = json!(if n < "c" { "fe" } else { "be" });
        api.post(CMS, o).await;
    }
    let (_, l) = api.get(&format!("{CMS}?labelSelector=tier%20in%20(fe),app%3Ddemo")).await;
    assert_eq!(l["kind"], "ConfigMapList");
    assert_eq!(l["items"].as_array().unwrap().len(), 2);
    let (_, l) = api.get(&format!("{CMS}?fieldSelector=metadata.name%3Dc")).await;
    assert_eq!(l["items"][0]["metadata"]["name"], "c");
    let mut names = Vec::new();
    let mut cont = String::new();
    loop {
        let (_, page) = api.get(&format!("{CMS}?limit=2&continue={cont}")).await;
        names.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap().to_string()),
        );
        match page["metadata"]["continue"].as_str() {
            Some(c) => cont = c.to_string(),
            None => break,
        }
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
}

async fn read_events(resp: reqwest::Response, n: usize) -> Vec<Value> {
    use futures::StreamExt;
    let mut stream = resp.bytes_stream();
    let mut buf = Vec::new();
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), stream.next())
            .await
            .expect("event in time");
        let Some(Ok(chunk)) = chunk else { break };
        buf.extend_from_slice(&chunk);
        while let Some(i) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=i).collect();
            out.push(serde_json::from_slice(&line).unwrap());
        }
    }
    out
}

#[tokio::test]
async fn watch_resumes_and_expires() {
    let store = std::sync::Arc::new(kctl::apiserver::store::memory::MemoryStore::with_history(20));
    let server = kctl::apiserver::ApiServer::builder().store(store).build().unwrap();
    let env = TestEnv::in_process_with(server);
    let api = Api::new(&env);
    let (_, a) = api.post(CMS, cm("a")).await;
    let rv_a = a["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    api.post(CMS, cm("b")).await;
    api.patch(&format!("{CMS}/a"), "application/merge-patch+json", json!({"data": {"n": "1"}}))
        .await;
    // Resume after `a` was created: exactly the later changes, in order.
    let resp = api
        .http
        .get(format!("{}{CMS}?watch=true&resourceVersion={rv_a}", api.base))
        .send()
        .await
        .unwrap();
    let events = read_events(resp, 2).await;
    let seen: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().into(),
                e["object"]["metadata"]["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(seen, [("ADDED".into(), "b".into()), ("MODIFIED".into(), "a".into())]);
    // A live watch with a selector sees deletions.
    let resp = api
        .http
        .get(format!(
            "{}{CMS}?watch=true&fieldSelector=metadata.name%3Db&resourceVersion=0",
            api.base
        ))
        .send()
        .await
        .unwrap();
    api.delete(&format!("{CMS}/b"), None).await;
    let events = read_events(resp, 2).await;
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[1]["type"], "DELETED");
    // Push `rv_a` out of the retained history: resuming from it is 410 Expired.
    for i in 0..30 {
        api.patch(
            &format!("{CMS}/a"),
            "application/merge-patch+json",
            json!({"data": {"n": i.to_string()}}),
        )
        .await;
    }
    let resp = api
        .http
        .get(format!("{}{CMS}?watch=true&resourceVersion={rv_a}", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let events = read_events(resp, 1).await;
    assert_eq!(events[0]["type"], "ERROR");
    assert_eq!(events[0]["object"]["code"], 410);
    assert_eq!(events[0]["object"]["reason"], "Expired");
}

#[test]
fn serve_starts_fast_and_stops_on_sigterm() {
    let t0 = std::time::Instant::now();
    let mut env = TestEnv::serve();
    let started = t0.elapsed();
    let out = env.kubectl(&["get", "ns", "-o", "name"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("namespace/kube-system"));
    assert_eq!(env.stop(), Some(0), "clean exit on SIGTERM");
    // Process spawn included; the server itself is ready in milliseconds.
    assert!(started < std::time::Duration::from_secs(2), "{started:?}");
}

#[test]
fn durable_state_survives_a_killed_server() {
    let data = tempfile::tempdir().unwrap();
    let spawn = || {
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("kubeconfig");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .arg("--write-kubeconfig")
            .arg(&kc)
            .env_clear()
            .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stderr.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert!(line.starts_with("Serving on http://127.0.0.1:"), "{line}");
        (child, dir, kc)
    };
    let kubectl = |kc: &std::path::Path, home: &std::path::Path, args: &[&str]| {
        std::process::Command::new(crate::common::kubectl_path())
            .args(args)
            .env_clear()
            .env("HOME", home)
            .env("KUBECONFIG", kc)
            .output()
            .unwrap()
    };
    let (mut child, dir, kc) = spawn();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: durable\ndata:\n  k: v\n",
    )
    .unwrap();
    let out =
        kubectl(&kc, dir.path(), &["apply", "-f", &dir.path().join("cm.yaml").to_string_lossy()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    child.kill().unwrap(); // SIGKILL: no chance to flush anything
    child.wait().unwrap();
    let (mut child, dir, kc) = spawn();
    let out =
        kubectl(&kc, dir.path(), &["get", "configmap", "durable", "-o", "jsonpath={.data.k}"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "v",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serves_https_with_the_given_certificate() {
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, kc) =
        (dir.path().join("tls.crt"), dir.path().join("tls.key"), dir.path().join("kubeconfig"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["serve", "--addr", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .arg("--write-kubeconfig")
        .arg(&kc)
        .env_clear()
        .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stderr.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.starts_with("Serving on https://127.0.0.1:"), "{line}");
    let out = std::process::Command::new(crate::common::kubectl_path())
        .args(["get", "ns", "default", "-o", "name"])
        .env_clear()
        .env("HOME", dir.path())
        .env("KUBECONFIG", &kc)
        .output()
        .unwrap();
    child.kill().ok();
    child.wait().ok();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "namespace/default\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_in_process_transport_calls_the_same_router() {
    let server = kctl::apiserver::ApiServer::in_memory();
    let client = kctl::client::Client::in_process(server.service(), "default".into());
    let created = client
        .post(CMS, "application/json", cm("inproc").to_string())
        .await
        .expect("create through the in-process transport");
    assert_eq!(created["metadata"]["name"], "inproc");
    let got = client.get(&format!("{CMS}/inproc")).await.unwrap();
    assert_eq!(got["metadata"]["uid"], created["metadata"]["uid"]);
    let err = client.get(&format!("{CMS}/missing")).await.unwrap_err();
    assert!(err.is_not_found());
    // The same store is visible over HTTP.
    let env = TestEnv::in_process_with(server);
    let (code, _) = Api::new(&env).get(&format!("{CMS}/inproc")).await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn deletecollection_and_initial_events() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    for n in ["a", "b"] {
        api.post(CMS, cm(n)).await;
    }
    let mut other = cm("c");
    other["metadata"]["labels"] = json!({"app": "other"});
    api.post(CMS, other).await;
    // sendInitialEvents: the current state, then a bookmark marking its end.
    let resp = api
        .http
        .get(format!("{}{CMS}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=app%3Ddemo", api.base))
        .send()
        .await
        .unwrap();
    let events = read_events(resp, 3).await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ADDED", "ADDED", "BOOKMARK"]);
    assert_eq!(events[2]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
    let (code, deleted) = api.delete(&format!("{CMS}?labelSelector=app%3Ddemo"), None).await;
    assert_eq!(code, 200);
    assert_eq!(deleted["items"].as_array().unwrap().len(), 2);
    let (_, left) = api.get(CMS).await;
    assert_eq!(left["items"][0]["metadata"]["name"], "c");
}

#[tokio::test]
async fn hostile_requests_get_status_errors_not_panics() {
    let env = TestEnv::in_process();
    let api = Api::new(&env);
    api.post(CMS, cm("x")).await;
    let cases: Vec<(&str, String, Option<(&str, String)>)> = vec![
        (
            "PATCH",
            format!("{CMS}/x"),
            Some((
                "application/json-patch+json",
                r#"[{"op":"replace","path":"","value":5}]"#.into(),
            )),
        ),
        ("PATCH", format!("{CMS}/x"), Some(("application/merge-patch+json", "[1]".into()))),
        (
            "PATCH",
            format!("{CMS}/x"),
            Some(("application/merge-patch+json", r#"{"kind":"Secret"}"#.into())),
        ),
        ("PATCH", format!("{CMS}/x"), Some(("text/plain", "{}".into()))),
        ("PUT", format!("{CMS}/x"), Some(("application/json", "7".into()))),
        ("PUT", format!("{CMS}/x"), Some(("application/json", r#"{"metadata":"nope"}"#.into()))),
        ("POST", CMS.to_string(), Some(("application/json", "{not json".into()))),
        (
            "POST",
            CMS.to_string(),
            Some(("application/json", r#"{"metadata":{"name":"Bad_Name"}}"#.into())),
        ),
        ("GET", format!("{CMS}?labelSelector=a%20in%20b"), None),
        ("GET", format!("{CMS}?limit=x"), None),
        ("GET", format!("{CMS}?continue=garbage&limit=1"), None),
        ("GET", format!("{CMS}?watch=true&resourceVersion=abc"), None),
        ("DELETE", format!("{CMS}/x"), Some(("application/json", r#"{"dryRun":["Some"]}"#.into()))),
        ("GET", "/api/v1/namespaces/default/configmaps/x/unknown".into(), None),
        ("GET", "/apis/nope/v1/things".into(), None),
        ("POST", "/api/v1/configmaps".into(), Some(("application/json", "{}".into()))),
    ];
    for (method, path, body) in cases {
        let (code, v) = api.call(method, &path, body.as_ref().map(|(c, b)| (*c, b.clone()))).await;
        assert!((400..500).contains(&code), "{method} {path}: {code} {v}");
        assert_eq!(v["kind"], "Status", "{method} {path}: {v}");
    }
    let (code, _) = api.get(&format!("{CMS}/x")).await;
    assert_eq!(code, 200, "the object survived");
}
