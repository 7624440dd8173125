//! kubeconfig loading, merging and resolution, and the HTTP client's TLS and credentials,
//! against a real rustls server on loopback.

use crate::client_support::{Mode, b64, make_pki, other_ca_pem, start, write};
use kctl::client::kubeconfig::Kubeconfig;
use kctl::client::{Client, Env, Error, Overrides, RestConfig};
use std::ffi::OsString;

fn env_list(paths: &[&std::path::Path]) -> Env {
    let joined = std::env::join_paths(paths.iter()).expect("join");
    Env { kubeconfig: Some(joined), home: None }
}

const A: &str = r#"
apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
- name: only-a
  cluster:
    server: https://only-a.example
contexts:
- name: ctx-a
  context: {cluster: shared, user: alice}
- name: ctx-ns
  context: {cluster: only-a, user: alice, namespace: team-a}
users:
- name: alice
  user: {token: token-a}
"#;

const B: &str = r#"
apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
- name: only-b
  cluster:
    server: https://only-b.example
contexts:
- name: ctx-a
  context: {cluster: only-b, user: bob}
- name: ctx-b
  context: {cluster: only-b, user: bob, namespace: team-b}
users:
- name: alice
  user: {token: token-from-b}
- name: bob
  user: {token: token-b}
"#;

#[test]
fn kubeconfig_list_merges_first_file_wins() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = write(dir.path(), "a.yaml", A);
    let b = write(dir.path(), "b.yaml", B);
    let missing = dir.path().join("missing.yaml");
    let env = env_list(&[&missing, &a, &b]);
    let kc = Kubeconfig::load(None, env.kubeconfig.as_deref(), None).expect("load").expect("some");
    assert_eq!(kc.current_context.as_deref(), Some("ctx-a"));
    assert_eq!(kc.clusters["shared"].server.as_deref(), Some("https://a.example:6443"));
    assert_eq!(kc.users["alice"].token.as_deref(), Some("token-a"));
    assert_eq!(kc.contexts["ctx-a"].cluster, "shared");
    assert!(kc.clusters.contains_key("only-b") && kc.users.contains_key("bob"));

    let cfg = RestConfig::resolve(&Overrides::default(), &env).expect("resolve").expect("cfg");
    assert_eq!(cfg.server, "https://a.example:6443");
    assert_eq!(cfg.token.as_deref(), Some("token-a"));
    assert_eq!(cfg.namespace, "default");

    // Reversed order: B's entries and current context win.
    let env = env_list(&[&b, &a]);
    let cfg = RestConfig::resolve(&Overrides::default(), &env).expect("resolve").expect("cfg");
    assert_eq!(cfg.context.as_deref(), Some("ctx-b"));
    assert_eq!(cfg.server, "https://only-b.example");
    assert_eq!(cfg.namespace, "team-b");
}

#[test]
fn current_context_comes_from_first_file_that_sets_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let none = write(dir.path(), "none.yaml", "apiVersion: v1\nkind: Config\nclusters: []\n");
    let empty = write(dir.path(), "empty.yaml", "");
    let b = write(dir.path(), "b.yaml", B);
    let env = env_list(&[&none, &empty, &b]);
    let cfg = RestConfig::resolve(&Overrides::default(), &env).expect("resolve").expect("cfg");
    assert_eq!(cfg.context.as_deref(), Some("ctx-b"));
}

#[test]
fn context_cluster_user_and_namespace_overrides() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = write(dir.path(), "a.yaml", A);
    let b = write(dir.path(), "b.yaml", B);
    let env = env_list(&[&a, &b]);
    let ov = Overrides { context: Some("ctx-ns".into()), ..Overrides::default() };
    let cfg = RestConfig::resolve(&ov, &env).expect("ok").expect("cfg");
    assert_eq!((cfg.server.as_str(), cfg.namespace.as_str()), ("https://only-a.example", "team-a"));

    let ov = Overrides {
        context: Some("ctx-ns".into()),
        namespace: Some("override".into()),
        cluster: Some("only-b".into()),
        user: Some("bob".into()),
        ..Overrides::default()
    };
    let cfg = RestConfig::resolve(&ov, &env).expect("ok").expect("cfg");
    assert_eq!(cfg.server, "https://only-b.example");
    assert_eq!(cfg.token.as_deref(), Some("token-b"));
    assert_eq!(cfg.namespace, "override");

    let ov = Overrides { context: Some("nope".into()), ..Overrides::default() };
    let err = RestConfig::resolve(&ov, &env).expect_err("unknown context");
    assert_eq!(err.to_string(), "context was not found for specified context: nope");

    let ov = Overrides { server: Some("http://127.0.0.1:1".into()), ..Overrides::default() };
    let cfg = RestConfig::resolve(&ov, &env).expect("ok").expect("cfg");
    assert_eq!(cfg.server, "http://127.0.0.1:1");
    assert_eq!(cfg.token.as_deref(), Some("token-a"), "--server keeps the context's user");
}

#[test]
fn explicit_kubeconfig_beats_the_list_and_must_exist() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = write(dir.path(), "a.yaml", A);
    let b = write(dir.path(), "b.yaml", B);
    let env = env_list(&[&a]);
    let ov = Overrides { kubeconfig: Some(b.clone()), ..Overrides::default() };
    let cfg = RestConfig::resolve(&ov, &env).expect("ok").expect("cfg");
    assert_eq!(cfg.context.as_deref(), Some("ctx-b"));
    let ov = Overrides { kubeconfig: Some(dir.path().join("nope")), ..Overrides::default() };
    assert!(matches!(RestConfig::resolve(&ov, &env), Err(Error::Config(_))));
}

#[test]
fn nothing_configured_resolves_to_none() {
    let dir = tempfile::tempdir().expect("tmp");
    let env = Env { kubeconfig: None, home: Some(dir.path().to_path_buf()) };
    assert!(RestConfig::resolve(&Overrides::default(), &env).expect("ok").is_none());
    let env = Env { kubeconfig: Some(OsString::from(dir.path().join("absent"))), home: None };
    assert!(RestConfig::resolve(&Overrides::default(), &env).expect("ok").is_none());
    // ~/.kube/config is the default.
    std::fs::create_dir_all(dir.path().join(".kube")).expect("mkdir");
    write(&dir.path().join(".kube"), "config", B);
    let env = Env { kubeconfig: None, home: Some(dir.path().to_path_buf()) };
    let cfg = RestConfig::resolve(&Overrides::default(), &env).expect("ok").expect("cfg");
    assert_eq!(cfg.context.as_deref(), Some("ctx-b"));
}

async fn whoami(cfg: &RestConfig) -> Result<serde_json::Value, Error> {
    Client::http(cfg)?.get("/whoami").await
}

fn tls_kubeconfig(server: &str, cluster: &str, user: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {{cluster: k, user: u}}\nclusters:\n- name: k\n  cluster:\n    server: {server}\n{cluster}users:\n- name: u\n  user:\n{user}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_inline_data_and_files() {
    let pki = make_pki(&["alice", "bob"]);
    let server = start(&pki, Mode::Aggregated).await;
    let dir = tempfile::tempdir().expect("tmp");
    let env = |p: &std::path::Path| env_list(&[p]);

    // CA and client certificate inline (base64 data).
    let kc = tls_kubeconfig(
        &server.url,
        &format!("    certificate-authority-data: {}\n", b64(&pki.ca_pem)),
        &format!(
            "    client-certificate-data: {}\n    client-key-data: {}\n",
            b64(&pki.clients[0].1),
            b64(&pki.clients[0].2)
        ),
    );
    let p = write(dir.path(), "inline.yaml", &kc);
    let cfg = RestConfig::resolve(&Overrides::default(), &env(&p)).expect("ok").expect("cfg");
    let who = whoami(&cfg).await.expect("whoami");
    assert_eq!(who["cn"], "alice");
    assert_eq!(who["authorization"], serde_json::Value::Null);

    // CA and client certificate from files, relative to the kubeconfig's directory.
    let sub = dir.path().join("sub");
    std::fs::create_dir_all(sub.join("pki")).expect("mkdir");
    write(&sub.join("pki"), "ca.crt", &pki.ca_pem);
    write(&sub.join("pki"), "bob.crt", &pki.clients[1].1);
    write(&sub.join("pki"), "bob.key", &pki.clients[1].2);
    let kc = tls_kubeconfig(
        &server.url,
        "    certificate-authority: pki/ca.crt\n",
        "    client-certificate: pki/bob.crt\n    client-key: pki/bob.key\n",
    );
    let p = write(&sub, "files.yaml", &kc);
    let cfg = RestConfig::resolve(&Overrides::default(), &env(&p)).expect("ok").expect("cfg");
    assert_eq!(whoami(&cfg).await.expect("whoami")["cn"], "bob");

    // Flags replace the kubeconfig's certificate.
    let ov = Overrides {
        client_certificate: Some(write(dir.path(), "a.crt", &pki.clients[0].1)),
        client_key: Some(write(dir.path(), "a.key", &pki.clients[0].2)),
        ..Overrides::default()
    };
    let cfg = RestConfig::resolve(&ov, &env(&p)).expect("ok").expect("cfg");
    assert_eq!(whoami(&cfg).await.expect("whoami")["cn"], "alice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token_token_file_and_flag() {
    let pki = make_pki(&[]);
    let server = start(&pki, Mode::Aggregated).await;
    let dir = tempfile::tempdir().expect("tmp");
    let ca = format!("    certificate-authority-data: {}\n", b64(&pki.ca_pem));

    let p = write(dir.path(), "t.yaml", &tls_kubeconfig(&server.url, &ca, "    token: s3cr3t\n"));
    let cfg = RestConfig::resolve(&Overrides::default(), &env_list(&[&p])).unwrap().unwrap();
    let who = whoami(&cfg).await.expect("whoami");
    assert_eq!(who["authorization"], "Bearer s3cr3t");
    assert_eq!(who["cn"], serde_json::Value::Null);

    write(dir.path(), "token", "from-file\n");
    let p =
        write(dir.path(), "tf.yaml", &tls_kubeconfig(&server.url, &ca, "    tokenFile: token\n"));
    let cfg = RestConfig::resolve(&Overrides::default(), &env_list(&[&p])).unwrap().unwrap();
    let client = Client::http(&cfg).expect("client");
    assert_eq!(client.get("/whoami").await.expect("whoami")["authorization"], "Bearer from-file");
    // The token file is read again for later requests (rotation).
    write(dir.path(), "token", "rotated");
    assert_eq!(client.get("/whoami").await.expect("whoami")["authorization"], "Bearer rotated");

    let ov = Overrides {
        token: Some("flag-token".into()),
        impersonate_user: Some("jane".into()),
        ..Overrides::default()
    };
    let cfg = RestConfig::resolve(&ov, &env_list(&[&p])).unwrap().unwrap();
    let who = whoami(&cfg).await.expect("whoami");
    assert_eq!(who["authorization"], "Bearer flag-token");
    assert_eq!(who["impersonateUser"], "jane");

    let seen = server.seen.lock().expect("lock").clone();
    assert!(seen.iter().all(|s| s.user_agent.starts_with("kctl/v")), "{seen:?}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_credential_plugin_token() {
    let pki = make_pki(&[]);
    let server = start(&pki, Mode::Aggregated).await;
    let dir = tempfile::tempdir().expect("tmp");
    let ca = format!("    certificate-authority-data: {}\n", b64(&pki.ca_pem));
    let script = write(
        dir.path(),
        "plugin.sh",
        "printf '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"%s\"}}' \"$TOKEN\"\n",
    );
    let user = format!(
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sh\n      args: [\"{}\"]\n      env: [{{name: TOKEN, value: from-plugin}}]\n",
        script.display()
    );
    let user = user.as_str();
    let p = write(dir.path(), "exec.yaml", &tls_kubeconfig(&server.url, &ca, user));
    let cfg = RestConfig::resolve(&Overrides::default(), &env_list(&[&p])).unwrap().unwrap();
    assert_eq!(whoami(&cfg).await.expect("whoami")["authorization"], "Bearer from-plugin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_verification_fails_for_an_unknown_ca_unless_insecure() {
    let pki = make_pki(&[]);
    let server = start(&pki, Mode::Aggregated).await;
    let dir = tempfile::tempdir().expect("tmp");
    let other = format!("    certificate-authority-data: {}\n", b64(&other_ca_pem()));
    let p = write(dir.path(), "x.yaml", &tls_kubeconfig(&server.url, &other, "    token: t\n"));
    let cfg = RestConfig::resolve(&Overrides::default(), &env_list(&[&p])).unwrap().unwrap();
    match whoami(&cfg).await {
        Err(Error::Transport(m)) => {
            assert!(m.starts_with("Unable to connect to the server: "), "{m}");
            assert!(m.to_lowercase().contains("certificate"), "{m}");
        }
        other => panic!("expected a TLS failure, got {other:?}"),
    }

    // No CA at all: the system roots do not know the test CA either.
    let p = write(dir.path(), "y.yaml", &tls_kubeconfig(&server.url, "", "    token: t\n"));
    let cfg = RestConfig::resolve(&Overrides::default(), &env_list(&[&p])).unwrap().unwrap();
    assert!(matches!(whoami(&cfg).await, Err(Error::Transport(_))));

    // insecure-skip-tls-verify in the kubeconfig, and as a flag (which drops the CA).
    let ins = "    insecure-skip-tls-verify: true\n";
    let p = write(dir.path(), "z.yaml", &tls_kubeconfig(&server.url, ins, "    token: t\n"));
    let cfg = RestConfig::resolve(&Overrides::default(), &env_list(&[&p])).unwrap().unwrap();
    assert_eq!(whoami(&cfg).await.expect("insecure")["authorization"], "Bearer t");
    let p = write(dir.path(), "w.yaml", &tls_kubeconfig(&server.url, &other, "    token: t\n"));
    let ov = Overrides { insecure_skip_tls_verify: true, ..Overrides::default() };
    let cfg = RestConfig::resolve(&ov, &env_list(&[&p])).unwrap().unwrap();
    assert!(whoami(&cfg).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_carry_the_status() {
    let pki = make_pki(&[]);
    let server = start(&pki, Mode::Aggregated).await;
    let cfg = RestConfig {
        server: server.url.clone(),
        namespace: "default".into(),
        ca_pem: Some(pki.ca_pem.clone().into_bytes()),
        ..RestConfig::default()
    };
    let client = Client::http(&cfg).expect("client");
    let err = client.get("/api/v1/namespaces/default/configmaps/missing").await.unwrap_err();
    let s = err.status().expect("status");
    assert_eq!((s.reason.as_str(), s.code), ("NotFound", 404));
    assert_eq!(s.message, "configmaps \"missing\" not found");
    // A plain-text 404 gets client-go's synthesized Status.
    let err = client.get("/nowhere").await.unwrap_err();
    assert_eq!(
        err.status().map(|s| s.message.as_str()),
        Some("the server could not find the requested resource")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_server_name_is_used_for_verification() {
    let pki = make_pki(&["carol"]);
    let server = start(&pki, Mode::Aggregated).await;
    let base = RestConfig {
        server: server.url.clone(),
        namespace: "default".into(),
        ca_pem: Some(pki.ca_pem.clone().into_bytes()),
        client_cert_pem: Some(pki.clients[0].1.clone().into_bytes()),
        client_key_pem: Some(pki.clients[0].2.clone().into_bytes()),
        ..RestConfig::default()
    };
    let good = RestConfig { tls_server_name: Some("localhost".into()), ..base.clone() };
    assert_eq!(whoami(&good).await.expect("localhost is in the certificate")["cn"], "carol");
    let bad = RestConfig { tls_server_name: Some("wrong.example".into()), ..base };
    assert!(matches!(whoami(&bad).await, Err(Error::Transport(_))));
}

#[test]
fn a_full_kubeconfig_parses_and_relative_paths_follow_the_file() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join("kubeconfig")
        .join("full.yaml");
    let kc = Kubeconfig::read(&path).expect("parse");
    let dir = path.parent().expect("dir");
    let dev = &kc.clusters["kind-dev"];
    assert_eq!(dev.certificate_authority.as_deref(), Some(dir.join("pki/ca.crt").as_path()));
    assert_eq!(dev.tls_server_name.as_deref(), Some("kubernetes"));
    assert_eq!(dev.proxy_url.as_deref(), Some("http://proxy.example:3128"));
    let admin = &kc.users["dev-admin"];
    assert_eq!(admin.client_certificate.as_deref(), Some(dir.join("pki/admin.crt").as_path()));
    assert_eq!(admin.client_key.as_deref(), Some(std::path::Path::new("/etc/kctl/admin.key")));
    assert_eq!(admin.impersonate_groups.as_deref(), Some(&["devs".to_string()][..]));
    let exec = kc.users["sso"].exec.as_ref().expect("exec");
    assert_eq!((exec.command.as_str(), exec.provide_cluster_info), ("sso-login", true));
    assert_eq!(kc.contexts["kind-dev"].namespace.as_deref(), Some("apps"));

    // The prod context: a server without scheme is https, insecure needs no CA.
    let ov = Overrides {
        kubeconfig: Some(path.clone()),
        context: Some("prod".into()),
        ..Overrides::default()
    };
    let kc_prod = RestConfig::from_kubeconfig(&kc, &ov).expect("ok").expect("cfg");
    assert_eq!(kc_prod.server, "https://prod.example:443");
    assert!(kc_prod.insecure && kc_prod.exec.is_some());
    assert_eq!(kc_prod.namespace, "default");
    // The dev context needs its certificate files, which do not exist.
    let err = RestConfig::from_kubeconfig(&kc, &Overrides::default()).expect_err("missing files");
    assert!(err.to_string().starts_with("unable to read certificate-authority "), "{err}");
}
