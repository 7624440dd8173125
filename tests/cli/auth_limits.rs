//! `kctl serve`'s request limits and the auth leftovers: in-flight limits (429 with
//! `Retry-After: 1`, read-only and mutating pools apart, watches exempt), the caps on open
//! watches, the list response cap, the review APIs in discovery (real kubectl's
//! `api-resources`), and the ServiceAccount signing key kept in `--data-dir`. Every refusal is
//! shown to change nothing and to end once the load goes away.

use crate::common::TestEnv;
use crate::common::auth_env::Cred;
use serde_json::Value;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn serve_with(flags: &[&str]) -> TestEnv {
    let dir = tempfile::tempdir().expect("temp dir");
    let kc = dir.path().join("kubeconfig");
    let mut args: Vec<OsString> =
        vec!["--controllers=false".into(), "--write-kubeconfig".into(), kc.into_os_string()];
    args.extend(flags.iter().map(OsString::from));
    TestEnv::spawn_serve(dir, &args)
}

/// One plain-HTTP answer.
#[derive(Debug)]
struct Answer {
    code: u16,
    head: String,
    body: String,
}

fn connect(env: &TestEnv) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", env.port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Sends one complete request and reads the whole answer (the connection is closed after).
fn request(env: &TestEnv, method: &str, path: &str, body: &str) -> Answer {
    let mut s = connect(env);
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    let _ = s.read_to_string(&mut raw);
    parse(&raw)
}

fn parse(raw: &str) -> Answer {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    Answer { code, head: head.to_string(), body }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((len, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(len.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Starts a request whose body never finishes: the server holds its in-flight slot.
fn hold(env: &TestEnv, method: &str, path: &str) -> TcpStream {
    let mut s = connect(env);
    write!(s, "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{").unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s
}

/// Opens a watch and waits for its response headers; the watch stays open while the
/// stream lives.
fn open_watch(env: &TestEnv, path: &str) -> (TcpStream, Answer) {
    let mut s = connect(env);
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let answer = parse(&String::from_utf8_lossy(&buf));
    (s, answer)
}

fn cm(name: &str) -> String {
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\"}},\"data\":{{\"k\":\"{}\"}}}}",
        "v".repeat(200)
    )
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn assert_429(a: &Answer, message: &str) {
    assert_eq!(a.code, 429, "{a:?}");
    assert!(a.head.to_ascii_lowercase().contains("retry-after: 1"), "{a:?}");
    let s: serde_json::Value = serde_json::from_str(&a.body).expect("a Status");
    assert_eq!(s["kind"], "Status");
    assert_eq!(s["reason"], "TooManyRequests");
    assert_eq!(s["code"], 429);
    assert_eq!(s["details"]["retryAfterSeconds"], 1);
    assert!(s["message"].as_str().unwrap_or("").starts_with(message), "{a:?}");
}

fn names(env: &TestEnv) -> Vec<String> {
    let a = request(env, "GET", CMS, "");
    assert_eq!(a.code, 200, "{a:?}");
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn in_flight_limits_refuse_then_recover() {
    let env = serve_with(&["--max-requests-inflight=1", "--max-mutating-requests-inflight=1"]);
    assert_eq!(request(&env, "POST", CMS, &cm("a")).code, 201);
    // One mutating request in flight: the next is refused, reads still pass.
    let held = hold(&env, "POST", CMS);
    let refused = request(&env, "POST", CMS, &cm("b"));
    assert_429(&refused, "Too many requests, please try again later.");
    assert_eq!(request(&env, "DELETE", &format!("{CMS}/a"), "").code, 429);
    assert_eq!(names(&env), ["a"], "nothing changed");
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(request(&env, "POST", CMS, &cm("b")).code, 201, "recovered");
    // One read-only request in flight: reads are refused, writes and watches pass.
    let held = hold(&env, "GET", CMS);
    assert_429(&request(&env, "GET", CMS, ""), "Too many requests, please try again later.");
    assert_429(&request(&env, "GET", "/api", ""), "Too many requests, please try again later.");
    let (watch, answer) = open_watch(&env, &format!("{CMS}?watch=true"));
    assert_eq!(answer.code, 200, "watches are long-running, not limited: {answer:?}");
    assert_eq!(request(&env, "POST", CMS, &cm("c")).code, 201);
    drop((held, watch));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(names(&env), ["a", "b", "c"], "recovered");
    // kubectl sees the same limits, and works once they are free.
    env.write("d.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n");
    assert_eq!(env.kubectl(&["apply", "-f", "d.yaml"]).code, 0);
}

#[test]
fn watch_caps_refuse_then_recover() {
    let env = serve_with(&["--max-watches-per-user=2"]);
    let w = format!("{CMS}?watch=true");
    let (w1, a1) = open_watch(&env, &w);
    let (w2, a2) = open_watch(&env, "/api/v1/pods?watch=1");
    assert_eq!((a1.code, a2.code), (200, 200));
    let refused = request(&env, "GET", &w, "");
    assert_429(&refused, "Too many watches: user \"kctl-admin\" already has 2 open");
    // Lists and writes are not watches.
    assert_eq!(request(&env, "POST", CMS, &cm("a")).code, 201);
    assert_eq!(names(&env), ["a"]);
    drop(w1);
    std::thread::sleep(Duration::from_millis(300));
    let (_w3, a3) = open_watch(&env, &w);
    assert_eq!(a3.code, 200, "a closed watch frees its slot: {a3:?}");
    drop(w2);

    let env = serve_with(&["--max-watches=1", "--max-watches-per-user=0"]);
    let (w1, a1) = open_watch(&env, &w);
    assert_eq!(a1.code, 200);
    assert_429(&request(&env, "GET", &w, ""), "Too many watches: the server already has 1 open");
    // kubectl get -w is refused the same way.
    let r = env.kubectl(&["get", "cm", "-w", "--request-timeout=5s"]);
    assert_ne!(r.code, 0, "{r}");
    drop(w1);
    std::thread::sleep(Duration::from_millis(300));
    let (_w2, a2) = open_watch(&env, &w);
    assert_eq!(a2.code, 200);
}

#[test]
fn list_response_cap_pages_or_refuses() {
    let env = serve_with(&["--max-list-bytes=2000"]);
    for i in 0..12 {
        assert_eq!(request(&env, "POST", CMS, &cm(&format!("cm{i:02}"))).code, 201);
    }
    // Without `limit`: refused, with the way out in the message.
    let a = request(&env, "GET", CMS, "");
    assert_eq!(a.code, 400, "{a:?}");
    let s: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let msg = s["message"].as_str().unwrap();
    assert!(
        msg.starts_with("the list of configmaps is ") && msg.contains("--max-list-bytes"),
        "{msg}"
    );
    // With `limit`: pages are cut at the cap and `continue` leads through all of them.
    let mut seen = Vec::new();
    let mut cont = String::new();
    let mut pages = 0;
    loop {
        let a = request(&env, "GET", &format!("{CMS}?limit=500&continue={cont}"), "");
        assert_eq!(a.code, 200, "{a:?}");
        assert!(a.body.len() < 2000 + 300, "page within the cap: {}", a.body.len());
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        for i in v["items"].as_array().unwrap() {
            seen.push(i["metadata"]["name"].as_str().unwrap().to_string());
        }
        pages += 1;
        match v["metadata"]["continue"].as_str() {
            Some(c) => cont = c.to_string(),
            None => break,
        }
    }
    assert!(pages > 1, "{pages}");
    let want: Vec<String> = (0..12).map(|i| format!("cm{i:02}")).collect();
    assert_eq!(seen, want);
    // Clients that page (kubectl and kctl get) see everything.
    for r in [env.kubectl(&["get", "cm", "-o", "name"]), env.kctl(&["get", "cm", "-o", "name"])] {
        assert_eq!(r.code, 0, "{r}");
        assert_eq!(r.stdout.lines().count(), 12, "{r}");
    }
    // With no cap, the plain list works.
    let env = serve_with(&["--max-list-bytes=0"]);
    for i in 0..12 {
        assert_eq!(request(&env, "POST", CMS, &cm(&format!("cm{i:02}"))).code, 201);
    }
    assert_eq!(names(&env).len(), 12);
}

#[test]
fn review_apis_are_in_discovery() {
    let env = TestEnv::serve();
    let r = env.kubectl(&["api-resources", "--api-group=authorization.k8s.io"]);
    assert_eq!(r.code, 0, "{r}");
    let k = env.kctl(&["api-resources", "--api-group=authentication.k8s.io"]);
    insta::assert_snapshot!(format!("{r}\n{k}"));
    // Legacy discovery lists them too, create only.
    let a = request(&env, "GET", "/apis/authorization.k8s.io/v1", "");
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    for res in v["resources"].as_array().unwrap() {
        assert_eq!(res["verbs"], serde_json::json!(["create"]));
        assert_eq!(res["namespaced"], res["name"] == "localsubjectaccessreviews", "{res}");
    }
    let a = request(&env, "GET", "/apis", "");
    assert!(a.body.contains("\"name\":\"authentication.k8s.io\""), "{}", a.body);
    // And they still answer.
    let r = env.kubectl(&["auth", "can-i", "create", "deployments"]);
    assert_eq!(r.stdout.trim(), "yes", "{r}");
}

const SA: &str =
    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot, namespace: default}\n";

#[test]
fn service_account_tokens_survive_a_restart_with_data_dir() {
    let state = tempfile::tempdir().expect("state dir");
    let data = state.path().join("data");
    let flags: Vec<OsString> = vec!["--data-dir".into(), data.clone().into_os_string()];
    let token = {
        let env = TestEnv::serve_auth_with(&flags);
        env.admin_apply(SA);
        let r = env.kubectl(&["create", "token", "robot"]);
        assert_eq!(r.code, 0, "{r}");
        let token = r.stdout.trim().to_string();
        env.user_kubeconfig("robot", Cred::Token(&token));
        let r = env.kubectl_as("robot", &["auth", "whoami"]);
        assert!(r.stdout.contains("system:serviceaccount:default:robot"), "{r}");
        token
    };
    let key = data.join("sa-signing.key");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    // A new process over the same state still accepts the token.
    let env = TestEnv::serve_auth_with(&flags);
    env.user_kubeconfig("robot", Cred::Token(&token));
    let r = env.kubectl_as("robot", &["auth", "whoami"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("system:serviceaccount:default:robot"), "{r}");
    drop(env);
    // The memory backend keeps its key in the process only: a new server refuses the token.
    let env = TestEnv::serve_auth();
    let r = env.raw("GET", "/api/v1/namespaces/default/configmaps", Some(&token), None, b"");
    assert_eq!(r.code, 401, "{r:?}");
    assert!(!env.dir.path().join("sa-signing.key").exists());
    // A key file others can read is refused at start.
    let mut perms = std::fs::metadata(&key).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o644);
    std::fs::set_permissions(&key, perms).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["serve", "--addr", "127.0.0.1:0", "--auth", "--tls-cert"])
        .arg(env.dir.path().join("tls.crt"))
        .arg("--tls-key")
        .arg(env.dir.path().join("tls.key"))
        .arg("--data-dir")
        .arg(&data)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("readable by other users"), "{err}");
}

fn review(env: &TestEnv, path: &str, who: (Option<&str>, Option<&str>), body: &str) -> Value {
    let r = env.raw("POST", path, who.0, who.1, body.as_bytes());
    let mut v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    v["httpCode"] = r.code.into();
    v
}

#[test]
fn subject_access_and_token_reviews() {
    let env = TestEnv::serve_auth();
    env.admin_apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: alice-view, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]\n");
    let admin = (None, Some("erin"));
    let sar = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    let ask = |verb: &str, ns: &str| {
        format!(
            "{{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{{\"user\":\"alice\",\"groups\":[\"dev-team\"],\"resourceAttributes\":{{\"verb\":\"{verb}\",\"resource\":\"pods\",\"namespace\":\"{ns}\"}}}}}}"
        )
    };
    // The same answers `kubectl auth can-i --as` gives.
    for (verb, ns) in [("list", "dev"), ("delete", "dev"), ("list", "default")] {
        let v = review(&env, sar, admin, &ask(verb, ns));
        assert_eq!(v["httpCode"], 201, "{v}");
        let kubectl = env.kubectl(&["auth", "can-i", verb, "pods", "-n", ns, "--as", "alice"]);
        let expected = kubectl.stdout.trim() == "yes";
        assert_eq!(v["status"]["allowed"], expected, "{verb} {ns}: {v} vs {kubectl}");
    }
    assert_eq!(review(&env, sar, admin, &ask("list", "dev"))["status"]["allowed"], true);
    // Local reviews stay in their namespace.
    let lsar = "/apis/authorization.k8s.io/v1/namespaces/dev/localsubjectaccessreviews";
    let v = review(&env, lsar, admin, &ask("list", "dev"));
    assert_eq!(
        (v["httpCode"].clone(), v["status"]["allowed"].clone()),
        (201.into(), true.into()),
        "{v}"
    );
    assert_eq!(v["metadata"]["namespace"], "dev");
    let v = review(&env, lsar, admin, &ask("list", "default"));
    assert_eq!(v["httpCode"], 422, "{v}");
    // A review needs a subject, and the right to ask.
    let v = review(&env, sar, admin, "{\"spec\":{\"resourceAttributes\":{\"verb\":\"get\"}}}");
    assert_eq!(v["httpCode"], 422, "{v}");
    let v = review(&env, sar, (Some("bob-token"), None), &ask("list", "dev"));
    assert_eq!(v["httpCode"], 403, "{v}");
    // TokenReview: static and ServiceAccount tokens, and a wrong one.
    let tr = "/apis/authentication.k8s.io/v1/tokenreviews";
    let token = |t: &str| {
        format!(
            "{{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{{\"token\":\"{t}\"}}}}"
        )
    };
    let v = review(&env, tr, admin, &token("alice-token"));
    assert_eq!(v["status"]["authenticated"], true, "{v}");
    assert_eq!(v["status"]["user"]["username"], "alice");
    assert_eq!(
        v["status"]["user"]["groups"],
        serde_json::json!(["dev-team", "system:authenticated"])
    );
    env.admin_apply(SA);
    let sa_token = env.kubectl(&["create", "token", "robot"]).stdout.trim().to_string();
    let v = review(&env, tr, admin, &token(&sa_token));
    assert_eq!(v["status"]["user"]["username"], "system:serviceaccount:default:robot", "{v}");
    let v = review(&env, tr, admin, &token("nope"));
    assert_eq!(
        (v["httpCode"].clone(), v["status"]["authenticated"].clone()),
        (201.into(), Value::Null),
        "{v}"
    );
}
