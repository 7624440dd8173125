//! Real kubectl's typed clients against `kctl serve`: the imperative generators
//! (`kubectl create configmap|secret|deployment|service|…`, `kubectl autoscale`) send their
//! objects as `application/vnd.kubernetes.protobuf`. Each must print what it prints against a
//! real cluster, and the stored object must carry every field of the object kubectl built
//! (what `--dry-run=client -o json` prints). `kubectl create token` and `kubectl auth` send
//! protobuf token and review requests.

use crate::common::{Run, TestEnv, transcript};
use serde_json::Value;

/// `kubectl create <args>` and the object it creates, as `kubectl get` names it.
const GENERATORS: &[(&[&str], &str)] = &[
    (
        &["configmap", "app-config", "--from-literal=mode=production", "--from-literal=level=3"],
        "configmap/app-config",
    ),
    (&["secret", "generic", "creds", "--from-literal=user=admin", "--type=Opaque"], "secret/creds"),
    (
        &[
            "secret",
            "docker-registry",
            "regcred",
            "--docker-server=registry.example.com",
            "--docker-username=builder",
            "--docker-password=s3cret",
            "--docker-email=builder@example.com",
        ],
        "secret/regcred",
    ),
    (&["secret", "tls", "web-tls", "--cert=tls.crt", "--key=tls.key"], "secret/web-tls"),
    (
        &["deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80"],
        "deployment.apps/web",
    ),
    (&["service", "clusterip", "web", "--tcp=80:8080"], "service/web"),
    (&["service", "nodeport", "web-np", "--tcp=80:8080", "--node-port=30080"], "service/web-np"),
    (&["service", "loadbalancer", "web-lb", "--tcp=443:8443"], "service/web-lb"),
    (
        &["service", "externalname", "db", "--external-name=db.example.com", "--tcp=5432"],
        "service/db",
    ),
    (&["namespace", "team-a"], "namespace/team-a"),
    (&["serviceaccount", "builder"], "serviceaccount/builder"),
    (
        &[
            "role",
            "reader",
            "--verb=get,list,watch",
            "--resource=pods,configmaps",
            "--resource-name=x",
        ],
        "role.rbac.authorization.k8s.io/reader",
    ),
    (
        &[
            "rolebinding",
            "reader-binding",
            "--role=reader",
            "--user=alice",
            "--group=devs",
            "--serviceaccount=default:builder",
        ],
        "rolebinding.rbac.authorization.k8s.io/reader-binding",
    ),
    (
        &["clusterrole", "viewer", "--verb=get,list", "--resource=nodes,deployments.apps"],
        "clusterrole.rbac.authorization.k8s.io/viewer",
    ),
    (
        &["clusterrole", "logs", "--verb=get", "--non-resource-url=/logs/*"],
        "clusterrole.rbac.authorization.k8s.io/logs",
    ),
    (
        &["clusterrolebinding", "viewer-binding", "--clusterrole=viewer", "--group=devs"],
        "clusterrolebinding.rbac.authorization.k8s.io/viewer-binding",
    ),
    (&["job", "once", "--image=busybox:1.36", "--", "echo", "hi"], "job.batch/once"),
    (
        &[
            "cronjob",
            "nightly",
            "--image=busybox:1.36",
            "--schedule=0 2 * * *",
            "--restart=OnFailure",
            "--",
            "date",
        ],
        "cronjob.batch/nightly",
    ),
    (
        &["quota", "compute", "--hard=cpu=2,memory=1Gi,pods=10", "--scopes=NotTerminating"],
        "resourcequota/compute",
    ),
    (
        &[
            "priorityclass",
            "high",
            "--value=1000",
            "--description=important workloads",
            "--preemption-policy=Never",
        ],
        "priorityclass.scheduling.k8s.io/high",
    ),
    (
        &["poddisruptionbudget", "web-pdb", "--selector=app=web", "--min-available=50%"],
        "poddisruptionbudget.policy/web-pdb",
    ),
    (
        &[
            "ingress",
            "web",
            "--class=nginx",
            "--rule=web.example.com/*=web:80,tls=web-tls",
            "--annotation=team=frontend",
        ],
        "ingress.networking.k8s.io/web",
    ),
];

/// Where `want` (the object kubectl built) is not carried by `got` (the stored object): every
/// field of `want` must be in `got` with the same value; a server may add fields (defaults,
/// bookkeeping), and nulls in `want` (Go's nil) ask for nothing.
fn not_carried(want: &Value, got: &Value, path: &str, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Null, _) => {}
        (Value::Object(w), Value::Object(g)) => {
            for (k, v) in w {
                match g.get(k) {
                    Some(gv) => not_carried(v, gv, &format!("{path}.{k}"), out),
                    None if v.is_null() || v.as_object().is_some_and(|o| o.is_empty()) => {}
                    None => out.push(format!("{path}.{k}: missing (want {v})")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                not_carried(wv, gv, &format!("{path}[{i}]"), out);
            }
        }
        _ if want == got => {}
        _ => out.push(format!("{path}: want {want}, got {got}")),
    }
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{}: {e}\n{r}", r.cmdline))
}

fn write_tls_pair(env: &TestEnv) {
    let pair = rcgen::generate_simple_self_signed(vec!["web.example.com".into()]).expect("cert");
    env.write("tls.crt", &pair.cert.pem());
    env.write("tls.key", &pair.signing_key.serialize_pem());
}

#[test]
fn imperative_generators_store_the_object_kubectl_built() {
    let env = TestEnv::serve();
    write_tls_pair(&env);
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for (args, name) in GENERATORS {
        // The dry-run flags go before a command given after `--`.
        let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        let mut dry: Vec<&str> = vec!["create"];
        dry.extend_from_slice(&args[..split]);
        dry.extend(["--dry-run=client", "-o", "json"]);
        dry.extend_from_slice(&args[split..]);
        let mut real: Vec<&str> = vec!["create"];
        real.extend_from_slice(args);
        let built = env.kubectl(&dry);
        assert_eq!(built.code, 0, "{built}");
        let created = env.kubectl(&real);
        let stored = env.kubectl(&["get", name, "-o", "json"]);
        assert_eq!(stored.code, 0, "{stored}");
        let mut missing = Vec::new();
        not_carried(&json_of(&built), &json_of(&stored), name, &mut missing);
        problems.extend(missing);
        runs.push(created);
    }
    assert!(runs.iter().all(|r| r.code == 0), "{}", transcript(&runs));
    assert!(problems.is_empty(), "stored objects differ from kubectl's:\n{}", problems.join("\n"));
    insta::assert_snapshot!(transcript(&runs));
    // A TokenRequest for the ServiceAccount created above (without authentication the token
    // is signed all the same); the token is random, so only its shape is checked.
    let token = env.kubectl(&["create", "token", "builder", "--duration=1h"]);
    assert_eq!(token.code, 0, "{token}");
    assert_eq!(token.stdout.trim().split('.').count(), 3, "{token}");
    let missing = env.kubectl(&["create", "token", "nobody"]);
    assert_eq!(
        (missing.code, missing.stderr.trim()),
        (1, "error: failed to create token: serviceaccounts \"nobody\" not found"),
        "{missing}"
    );
}

#[test]
fn tokens_and_reviews_are_read_from_protobuf() {
    let env = TestEnv::serve_auth();
    let runs = vec![
        env.kubectl(&["create", "serviceaccount", "robot"]),
        env.kubectl(&["auth", "can-i", "create", "deployments.apps"]),
        env.kubectl(&["auth", "can-i", "--list", "-n", "default"]),
    ];
    assert_eq!(runs.iter().map(|r| r.code).collect::<Vec<_>>(), [0, 0, 0], "{}", transcript(&runs));
    // The token is random: check its shape and that it names the ServiceAccount.
    let token = env.kubectl(&["create", "token", "robot", "--duration=2h", "--audience=kctl"]);
    assert_eq!(token.code, 0, "{token}");
    let jwt = token.stdout.trim();
    assert_eq!(jwt.split('.').count(), 3, "{token}");
    use base64::Engine;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(jwt.split('.').nth(1).unwrap_or_default())
        .expect("claims");
    let claims: Value = serde_json::from_slice(&claims).expect("claims json");
    assert_eq!(claims["sub"], "system:serviceaccount:default:robot", "{claims}");
    assert_eq!(claims["aud"], serde_json::json!(["kctl"]), "{claims}");
    let lifetime = claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0);
    assert_eq!(lifetime, 7200, "{claims}");
    insta::assert_snapshot!(transcript(&runs));
}

/// A body of `testdata/protobuf/requests/`, as the generator's typed objects encode.
fn request_body(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/protobuf/requests")
        .join(format!("{name}.pb"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

async fn send(env: &TestEnv, method: &str, path: &str, ct: &str, body: Vec<u8>) -> (u16, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let resp = reqwest::Client::new()
        .request(method.parse().unwrap(), env.at(path))
        .header("Content-Type", ct)
        .header("Accept", "application/vnd.kubernetes.protobuf,application/json")
        .body(body)
        .send()
        .await
        .expect("request");
    let code = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (code, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

const PB: &str = "application/vnd.kubernetes.protobuf";

#[tokio::test]
async fn protobuf_create_update_and_scale_go_the_json_way() {
    let env = TestEnv::in_process();
    let deploys = "/apis/apps/v1/namespaces/default/deployments";
    let (code, d) = send(&env, "POST", deploys, PB, request_body("deployment")).await;
    assert_eq!(code, 201, "{d}");
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["resources"]["requests"]["cpu"], "250m", "{d}");
    assert_eq!(c["readinessProbe"]["httpGet"]["port"], "http", "{d}");
    assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%", "{d}");
    // Defaults were applied as for a JSON body.
    assert_eq!(c["terminationMessagePath"], "/dev/termination-log", "{d}");
    // PUT of the scale subresource.
    let (code, s) =
        send(&env, "PUT", &format!("{deploys}/web/scale"), PB, request_body("scale")).await;
    assert_eq!((code, &s["spec"]["replicas"]), (200, &serde_json::json!(5)), "{s}");
    // POST then an unconditional PUT of a ConfigMap with binaryData.
    let cms = "/api/v1/namespaces/default/configmaps";
    let (code, cm) = send(&env, "POST", cms, PB, request_body("configmap")).await;
    assert_eq!((code, &cm["binaryData"]["blob"]), (201, &serde_json::json!("AAEC/w==")), "{cm}");
    let (code, cm2) = send(&env, "PUT", &format!("{cms}/web"), PB, request_body("configmap")).await;
    assert_eq!((code, &cm2["data"]["mode"]), (200, &serde_json::json!("production")), "{cm2}");
    // DELETE with protobuf DeleteOptions (dryRun=All): the object stays.
    let (code, _) =
        send(&env, "DELETE", &format!("{cms}/web"), PB, request_body("delete-dry-run")).await;
    assert_eq!(code, 200);
    let (code, _) = send(&env, "GET", &format!("{cms}/web"), "application/json", vec![]).await;
    assert_eq!(code, 200, "a dry-run DELETE removed the object");
    // A body whose kind does not match the URL is refused as for JSON.
    let (code, wrong) = send(&env, "POST", cms, PB, request_body("deployment")).await;
    assert!((400..500).contains(&code), "{wrong}");
}

#[tokio::test]
async fn malformed_protobuf_and_other_media_types_get_status_errors() {
    let env = TestEnv::in_process();
    let cms = "/api/v1/namespaces/default/configmaps";
    let mut truncated = request_body("configmap");
    truncated.truncate(truncated.len() - 3);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (PB, truncated),
        (PB, b"{\"kind\":\"ConfigMap\"}".to_vec()),
        (PB, b"k8s\0\x0a\x0d\x0a\x02v1\x12\x07Unknown".to_vec()),
        ("text/plain", b"hello".to_vec()),
    ];
    let mut out = Vec::new();
    for (ct, body) in cases {
        let (code, status) = send(&env, "POST", cms, ct, body).await;
        out.push(format!("{code} {} {}", status["reason"], status["message"]));
    }
    // A custom resource has no protobuf form.
    env.write(
        "crd.yaml",
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/crd/widgets-crd.yaml"),
        )
        .expect("crd"),
    );
    let r = env.kctl(&["apply", "-f", "crd.yaml"]);
    assert_eq!(r.code, 0, "{r}");
    let widgets = "/apis/example.com/v1/namespaces/default/widgets";
    let mut cr = (0, Value::Null);
    for _ in 0..50 {
        cr = send(&env, "POST", widgets, PB, request_body("configmap")).await;
        if cr.0 != 404 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    out.push(format!("{} {} {}", cr.0, cr.1["reason"], cr.1["message"]));
    insta::assert_snapshot!(out.join("\n"));
}
