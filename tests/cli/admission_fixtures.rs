//! Defaulting fixtures: for every case under `testdata/admission/defaults/`, the object the
//! bundled apiserver stores for the minimal `manifest.yaml` (created with the real `kctl`
//! binary against `kctl serve`) must equal `stored.yaml`, recorded from Kubernetes v1.32.0's
//! own defaulting code (see `testdata/admission/recorder/`). Server-chosen values are
//! normalised first: identity and timestamps (a PersistentVolume's phase transition time
//! too), the uid (which a Job's generated selector
//! carries), the allocated cluster IP and node ports.

use crate::common::TestEnv;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The uid every recorded object has.
const RECORDED_UID: &str = "00000000-0000-0000-0000-000000000000";

fn cases(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/admission").join(kind);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("manifest.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces every string equal to `from` with `to`.
fn replace_strings(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_string(),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_strings(x, from, to)),
        Value::Object(m) => m.values_mut().for_each(|x| replace_strings(x, from, to)),
        _ => {}
    }
}

fn in_service_cidr(ip: &str) -> bool {
    ip.parse::<std::net::Ipv4Addr>().is_ok_and(|a| u32::from(a) >> 20 == 0x0a6)
}

/// Makes the server-chosen parts of `actual` comparable with the recorded `expected`.
fn normalise(actual: &mut Value, expected: &Value) {
    let uid = actual["metadata"]["uid"].as_str().unwrap_or_default().to_string();
    if let Some(m) = actual["metadata"].as_object_mut() {
        for f in ["creationTimestamp", "uid", "resourceVersion", "managedFields"] {
            m.remove(f);
        }
    }
    if !uid.is_empty() {
        replace_strings(actual, &uid, RECORDED_UID);
    }
    if actual["status"].get("lastPhaseTransitionTime").is_some() {
        actual["status"]["lastPhaseTransitionTime"] =
            expected["status"]["lastPhaseTransitionTime"].clone();
    }
    if actual["kind"] == "Service" {
        let ip = actual["spec"]["clusterIP"].as_str().unwrap_or_default().to_string();
        if in_service_cidr(&ip) {
            let want = expected["spec"]["clusterIP"].as_str().unwrap_or_default();
            replace_strings(&mut actual["spec"], &ip, want);
        }
        let want_ports = expected["spec"]["ports"].as_array().cloned().unwrap_or_default();
        let ports = actual["spec"].get_mut("ports").and_then(Value::as_array_mut);
        for (i, p) in ports.into_iter().flatten().enumerate() {
            if p["nodePort"].as_u64().is_some_and(|n| (30000..=32767).contains(&n))
                && let Some(w) = want_ports.get(i).map(|w| w["nodePort"].clone())
            {
                p["nodePort"] = w;
            }
        }
    }
}

#[test]
fn stored_objects_match_kube_apiserver() {
    let env = TestEnv::serve();
    let mut failures = Vec::new();
    let all = cases("defaults");
    assert!(all.len() >= 30, "expected a fixture per kind, found {}", all.len());
    for dir in all {
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        let manifest = std::fs::read_to_string(dir.join("manifest.yaml")).unwrap();
        let file = env.write(&format!("{case}.yaml"), &manifest);
        let run = env.kctl(&["create", "-f", &file, "-o", "json"]);
        if run.code != 0 {
            failures.push(format!("{case}: kctl create failed:\n{run}"));
            continue;
        }
        let mut actual: Value = serde_json::from_str(&run.stdout).expect("created object JSON");
        let expected = yaml(&dir.join("stored.yaml"));
        normalise(&mut actual, &expected);
        if actual != expected {
            let a = serde_json::to_string_pretty(&actual).unwrap();
            let e = serde_json::to_string_pretty(&expected).unwrap();
            let diff = similar::TextDiff::from_lines(&e, &a)
                .unified_diff()
                .header("recorded", "bundled apiserver")
                .to_string();
            failures.push(format!("{case}:\n{diff}"));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) differ:\n{}", failures.len(), failures.join("\n"));
}

/// The URL path of the collection a manifest's kind lives in (the kinds the cases use).
fn collection(obj: &Value) -> String {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
    let (prefix, plural) = match obj["kind"].as_str().unwrap_or_default() {
        "Deployment" => ("/apis/apps/v1", "deployments"),
        "Job" => ("/apis/batch/v1", "jobs"),
        "Service" => ("/api/v1", "services"),
        "ConfigMap" => ("/api/v1", "configmaps"),
        "Pod" => ("/api/v1", "pods"),
        "PersistentVolumeClaim" => ("/api/v1", "persistentvolumeclaims"),
        "Secret" => ("/api/v1", "secrets"),
        "StatefulSet" => ("/apis/apps/v1", "statefulsets"),
        "DaemonSet" => ("/apis/apps/v1", "daemonsets"),
        other => panic!("no collection for {other}"),
    };
    format!("{prefix}/namespaces/{ns}/{plural}")
}

/// The Status message and causes, in `expected.txt`'s form.
fn status_text(status: &Value) -> String {
    let mut out = format!("{}\n", status["message"].as_str().unwrap_or_default());
    for c in status["details"]["causes"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "cause: {} | {} | {}\n",
            c["reason"].as_str().unwrap_or_default(),
            c["field"].as_str().unwrap_or_default(),
            c["message"].as_str().unwrap_or_default()
        ));
    }
    out
}

#[tokio::test]
async fn invalid_objects_fail_as_kube_apiserver_fails_them() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let env = TestEnv::serve();
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let all = cases("invalid");
    assert!(all.len() >= 10, "expected validation cases, found {}", all.len());
    for dir in all {
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        let obj = yaml(&dir.join("manifest.yaml"));
        let coll = collection(&obj);
        let name = obj["metadata"]["name"].as_str().unwrap_or_default().to_string();
        let old = dir.join("old.yaml");
        let resp = if old.is_file() {
            let old = yaml(&old);
            let created = http.post(env.at(&coll)).json(&old).send().await.expect("create old");
            assert_eq!(created.status().as_u16(), 201, "{case}: {}", created.text().await.unwrap());
            http.put(env.at(&format!("{coll}/{name}"))).json(&obj).send().await
        } else {
            http.post(env.at(&coll)).json(&obj).send().await
        }
        .expect("request");
        let code = resp.status().as_u16();
        let body: Value = resp.json().await.expect("Status body");
        let want = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
        // Where kube-apiserver appends a Go `cmp.Diff` of its internal types to a message
        // (the lines after it), the bundled apiserver gives the message alone.
        let want: String = want
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || l.starts_with("cause: "))
            .map(|(_, l)| l)
            .map(|l| format!("{l}\n"))
            .collect();
        let got = status_text(&body);
        if code != 422 || got != want {
            failures.push(format!(
                "{case}: HTTP {code}\n--- recorded\n{want}+++ bundled apiserver\n{got}"
            ));
        }
        // Leave the namespace clean for the next case.
        let _ = http.delete(env.at(&format!("{coll}/{name}"))).send().await;
    }
    assert!(failures.is_empty(), "{} case(s) differ:\n{}", failures.len(), failures.join("\n"));
}
