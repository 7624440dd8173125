//! What must fail against `kctl serve --auth`: no token, a wrong token, expired and foreign
//! client certificates, a ServiceAccount token whose ServiceAccount was deleted, an oversized
//! body, path tricks (`..`, encoded slashes, mixed-case methods) — each refused, and the
//! store unchanged afterwards. Also the secure defaults of `kctl serve` itself and the absence
//! of credentials in `-v=10` logs.

use crate::common::TestEnv;
use crate::common::auth_env::Cred;

const UNAUTHORIZED: &str = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;

fn admin_token(env: &TestEnv) -> String {
    let kc = std::fs::read_to_string(env.kubeconfig()).expect("kubeconfig");
    kc.split("token: ")
        .nth(1)
        .and_then(|t| t.split('}').next())
        .expect("admin token")
        .trim()
        .to_string()
}

fn setup() -> TestEnv {
    let env = TestEnv::serve_auth();
    env.admin_apply(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: dev}\ndata: {k: v}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: prod}\nstringData: {password: hunter2-plain}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: alice-view, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]\n",
    );
    env
}

/// The names of the ConfigMaps in `ns`, as the admin sees them.
fn configmaps(env: &TestEnv, ns: &str) -> String {
    let r = env.kubectl(&["get", "configmaps", "-n", ns, "-o", "name"]);
    assert_eq!(r.code, 0, "{r}");
    r.stdout
}

const CM: &[u8] =
    br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"intruder"},"data":{"a":"b"}}"#;

#[test]
fn unauthenticated_requests_get_401_and_change_nothing() {
    let env = setup();
    let before = configmaps(&env, "dev");
    for (token, what) in
        [(None, "no token"), (Some("wrong-token"), "wrong token"), (Some(""), "empty token")]
    {
        let r = env.raw("GET", "/api/v1/namespaces/dev/configmaps", token, None, b"");
        assert_eq!((r.code, r.body.as_str()), (401, UNAUTHORIZED), "{what}");
        let r = env.raw("POST", "/api/v1/namespaces/dev/configmaps", token, None, CM);
        assert_eq!(r.code, 401, "{what}: {r:?}");
        let r = env.raw("DELETE", "/api/v1/namespaces/dev/configmaps/keep", token, None, b"");
        assert_eq!(r.code, 401, "{what}: {r:?}");
    }
    // Even /version and discovery need credentials (no anonymous access).
    assert_eq!(env.raw("GET", "/version", None, None, b"").code, 401);
    assert_eq!(env.raw("GET", "/api", None, None, b"").code, 401);
    env.user_kubeconfig("wrong", Cred::Token("wrong-token"));
    let r = env.kubectl_as("wrong", &["get", "pods", "-n", "dev"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("error: You must be logged in to the server (Unauthorized)"), "{r}");
    let r = env.kctl_as("wrong", &["auth", "can-i", "get", "pods"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("Unauthorized"), "{r}");
    assert_eq!(configmaps(&env, "dev"), before);
}

#[test]
fn client_certificates() {
    let env = setup();
    // A valid certificate authenticates as its CN with its O as groups.
    env.user_kubeconfig("dave", Cred::Cert("dave"));
    let r = env.kubectl_as("dave", &["auth", "whoami"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stdout.contains("dave") && r.stdout.contains("[dev-team system:authenticated]"),
        "{r}"
    );
    // O=system:masters from the trusted CA is an admin.
    env.user_kubeconfig("erin", Cred::Cert("erin"));
    assert_eq!(env.kubectl_as("erin", &["auth", "can-i", "*", "*"]).stdout.trim(), "yes");
    // Expired, and signed by a foreign CA (claiming system:masters): 401, as kube-apiserver.
    let before = configmaps(&env, "dev");
    for stem in ["expired", "foreign"] {
        let r = env.raw("POST", "/api/v1/namespaces/dev/configmaps", None, Some(stem), CM);
        assert_eq!((r.code, r.body.as_str()), (401, UNAUTHORIZED), "{stem}");
        env.user_kubeconfig(stem, Cred::Cert(stem));
        let r = env.kubectl_as(stem, &["delete", "configmap", "keep", "-n", "dev"]);
        assert_eq!(r.code, 1, "{r}");
        assert!(
            r.stderr.contains("error: You must be logged in to the server (Unauthorized)"),
            "{r}"
        );
    }
    assert_eq!(configmaps(&env, "dev"), before);
}

#[test]
fn service_account_tokens_die_with_their_service_account() {
    let env = setup();
    env.admin_apply("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: dev}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: builder-edit, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects: [{kind: ServiceAccount, name: builder, namespace: dev}]\n");
    let r = env.kubectl(&["create", "token", "builder", "-n", "dev"]);
    assert_eq!(r.code, 0, "{r}");
    let token = r.stdout.trim().to_string();
    env.user_kubeconfig("builder", Cred::Token(&token));
    let r = env.kubectl_as("builder", &["auth", "whoami"]);
    assert!(r.stdout.contains("system:serviceaccount:dev:builder"), "{r}");
    env.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: built, namespace: dev}\n",
    );
    assert_eq!(env.kubectl_as("builder", &["apply", "-f", "cm.yaml"]).code, 0);
    denied_list_secrets_in_prod(&env);
    // Deleted: the token stops working at once…
    assert_eq!(env.kubectl(&["delete", "serviceaccount", "builder", "-n", "dev"]).code, 0);
    let before = configmaps(&env, "dev");
    let r = env.raw("DELETE", "/api/v1/namespaces/dev/configmaps/built", Some(&token), None, b"");
    assert_eq!((r.code, r.body.as_str()), (401, UNAUTHORIZED));
    // …and does not come back with a new ServiceAccount of the same name (new uid).
    env.admin_apply(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: dev}\n",
    );
    let r = env.raw("DELETE", "/api/v1/namespaces/dev/configmaps/built", Some(&token), None, b"");
    assert_eq!(r.code, 401, "{r:?}");
    assert_eq!(configmaps(&env, "dev"), before);
    // A forged token (signature changed) is refused too.
    let forged = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(
        env.raw("GET", "/api/v1/namespaces/dev/configmaps", Some(&forged), None, b"").code,
        401
    );
}

fn denied_list_secrets_in_prod(env: &TestEnv) {
    let r = env.kubectl_as("builder", &["get", "secrets", "-n", "prod"]);
    assert!(r.stderr.contains(r#"secrets is forbidden: User "system:serviceaccount:dev:builder" cannot list resource "secrets" in API group "" in the namespace "prod""#), "{r}");
}

#[test]
fn oversized_bodies_get_413() {
    let env = setup();
    let token = admin_token(&env);
    let big = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"huge"}},"data":{{"a":"{}"}}}}"#,
        "x".repeat(3 * 1024 * 1024 + 1)
    );
    let r =
        env.raw("POST", "/api/v1/namespaces/dev/configmaps", Some(&token), None, big.as_bytes());
    assert_eq!(r.code, 413, "{}", &r.body[..r.body.len().min(300)]);
    assert!(r.body.contains(r#""message":"Request entity too large: limit is 3145728","reason":"RequestEntityTooLarge","code":413"#), "{}", r.body);
    // Just under the limit is accepted.
    let fits = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"fits"}},"data":{{"a":"{}"}}}}"#,
        "x".repeat(1024 * 1024)
    );
    let r =
        env.raw("POST", "/api/v1/namespaces/dev/configmaps", Some(&token), None, fits.as_bytes());
    assert_eq!(r.code, 201, "{}", &r.body[..r.body.len().min(300)]);
    let r = env.kubectl(&["get", "configmap", "huge", "-n", "dev"]);
    assert!(r.stderr.contains("NotFound"), "{r}");
}

#[test]
fn path_tricks_are_refused() {
    let env = setup();
    let admin = admin_token(&env);
    let before = configmaps(&env, "dev");
    // alice may read pods and configmaps in dev only; none of these reaches prod's Secrets.
    for path in [
        "/api/v1/namespaces/dev/pods/../../prod/secrets",
        "/api/v1/namespaces/dev/configmaps/..%2F..%2Fprod%2Fsecrets",
        "/api/v1/namespaces/dev%2F..%2Fprod/secrets",
        "/api/v1/namespaces/dev/configmaps/%2e%2e/x",
        "/api/v1/namespaces/dev/./configmaps",
        "/api/v1/namespaces/dev/configmaps/keep%00",
    ] {
        let r = env.raw("GET", path, Some("alice-token"), None, b"");
        assert_eq!(r.code, 400, "{path}: {r:?}");
        assert!(!r.body.contains("hunter2"), "{path}");
    }
    // Doubled slashes name the same object to the authorizer and the router: still denied.
    let r = env.raw("GET", "//api//v1/namespaces/prod/secrets/db", Some("alice-token"), None, b"");
    assert_eq!(r.code, 403, "{r:?}");
    assert!(r.body.contains(r#"secrets \"db\" is forbidden: User \"alice\" cannot get resource \"secrets\" in API group \"\" in the namespace \"prod\""#), "{}", r.body);
    // Mixed- and lower-case methods are not verbs, even for the admin; nothing is deleted.
    for method in ["DeLeTe", "delete", "get"] {
        let r = env.raw(method, "/api/v1/namespaces/dev/configmaps/keep", Some(&admin), None, b"");
        assert_eq!(r.code, 405, "{method}: {r:?}");
        let r =
            env.raw(method, "/api/v1/namespaces/prod/secrets/db", Some("alice-token"), None, b"");
        assert!(r.code == 405 && !r.body.contains("hunter2"), "{method}: {r:?}");
    }
    // Encoded-slash and dot-segment writes by the admin are refused as well.
    let r = env.raw("DELETE", "/api/v1/namespaces/dev/configmaps/keep%2F", Some(&admin), None, b"");
    assert_eq!(r.code, 400, "{r:?}");
    let r =
        env.raw("POST", "/api/v1/namespaces/dev/configmaps/../configmaps", Some(&admin), None, CM);
    assert_eq!(r.code, 400, "{r:?}");
    assert_eq!(configmaps(&env, "dev"), before);
}

#[test]
fn serve_refuses_insecure_setups_and_writes_private_kubeconfigs() {
    let kctl = env!("CARGO_BIN_EXE_kctl");
    let out = std::process::Command::new(kctl)
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env_clear()
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run kctl serve");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to serve on non-loopback address 0.0.0.0:"), "{err}");
    assert!(err.contains("without --auth"), "{err}");
    // --auth needs TLS: clients only send credentials over HTTPS.
    let out = std::process::Command::new(kctl)
        .args(["serve", "--auth"])
        .env_clear()
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--tls-cert"), "{err}");
    let env = TestEnv::serve_auth();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(env.kubeconfig()).expect("kubeconfig").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The kubeconfig's credential is an admin (group system:masters).
    let r = env.kubectl(&["auth", "whoami"]);
    assert!(r.stdout.contains("kctl-admin") && r.stdout.contains("system:masters"), "{r}");
}

#[test]
fn no_credentials_in_verbose_logs() {
    let env = setup();
    let admin = admin_token(&env);
    env.write(
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: api, namespace: prod}\nstringData: {password: hunter2-plain}\n",
    );
    env.write(
        "secret2.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: api, namespace: prod}\ndata: {password: aHVudGVyMi1wbGFpbg==}\n",
    );
    for args in [
        // create, then apply (a PATCH carrying the last-applied copy of the Secret)
        &["apply", "-f", "secret.yaml", "-v=10"][..],
        &["apply", "-f", "secret2.yaml", "-v=10"][..],
        &["auth", "can-i", "get", "secrets", "-n", "prod", "-v=10"][..],
        &["auth", "can-i", "--list", "-n", "prod", "-v=10"][..],
        &["auth", "whoami", "-v=10"][..],
        &["version", "-v=10"][..],
    ] {
        let r = env.kctl(args);
        assert_eq!(r.code, 0, "{r}");
        assert!(r.stderr.contains("Request Headers"), "-v=10 logs headers: {r}");
        for secret in [admin.as_str(), "hunter2", "aHVudGVyMi1wbGFpbg"] {
            assert!(
                !r.stderr.contains(secret) && !r.stdout.contains(secret),
                "{secret} leaked: {r}"
            );
        }
    }
}

#[test]
fn durable_state_directory_is_private() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("state");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env_clear()
        .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("banner");
    assert!(line.starts_with("Serving on "), "{line}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&data).expect("data dir").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    let _ = child.kill();
    let _ = child.wait();
}
