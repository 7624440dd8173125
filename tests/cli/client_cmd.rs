//! The real `kctl` binary against the loopback TLS server: `version`, `api-resources`, and
//! the `-v=6` / `-v=8` request logs.

use crate::client_support::{Mode, TestServer, make_pki, start, write};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs kctl with an empty HOME and no KUBECONFIG, so only the flags configure it.
async fn kctl(home: &std::path::Path, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(args)
        .env("HOME", home)
        .env_remove("KUBECONFIG")
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("run kctl");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

struct Setup {
    server: TestServer,
    home: tempfile::TempDir,
    ca: String,
}

impl Setup {
    async fn new(mode: Mode) -> Setup {
        let pki = make_pki(&[]);
        let server = start(&pki, mode).await;
        let home = tempfile::tempdir().expect("tmp");
        let ca = write(home.path(), "ca.crt", &pki.ca_pem).display().to_string();
        Setup { server, home, ca }
    }

    async fn run(&self, extra: &[&str]) -> Run {
        let mut args = vec!["--server", self.server.url.as_str(), "--certificate-authority"];
        args.push(&self.ca);
        args.extend_from_slice(extra);
        kctl(self.home.path(), &args).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_client_and_server() {
    let home = tempfile::tempdir().expect("tmp");
    let r = kctl(home.path(), &["version", "--client"]).await;
    assert_eq!((r.code, r.stdout.as_str()), (0, "Client Version: v0.1.0\n"), "{}", r.stderr);

    let s = Setup::new(Mode::Aggregated).await;
    let r = s.run(&["version"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "Client Version: v0.1.0\nServer Version: v1.32.4\n");

    let r = s.run(&["version", "-o", "json"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["clientVersion"]["gitVersion"], "v0.1.0");
    assert_eq!(v["clientVersion"]["major"], "0");
    assert_eq!(v["serverVersion"]["gitVersion"], "v1.32.4");
    assert_eq!(v["serverVersion"]["minor"], "32");
    assert!(
        r.stdout.starts_with("{\n  \"clientVersion\": {\n    \"major\": \"0\",\n"),
        "{}",
        r.stdout
    );

    let r = s.run(&["version", "-o", "yaml"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("clientVersion:\n"), "{}", r.stdout);
    assert!(r.stdout.contains("serverVersion:\n"), "{}", r.stdout);
    assert!(r.stdout.contains("gitVersion: v1.32.4"), "{}", r.stdout);

    let r = s.run(&["version", "-o", "table"]).await;
    assert_eq!((r.code, r.stderr.as_str()), (1, "error: --output must be 'yaml' or 'json'\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_with_unreachable_server_prints_client_then_error() {
    let home = tempfile::tempdir().expect("tmp");
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let r = kctl(home.path(), &["version", "--server", &url]).await;
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "Client Version: v0.1.0\n");
    assert_eq!(
        r.stderr,
        format!(
            "The connection to the server 127.0.0.1:{port} was refused - did you specify the right host or port?\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_log_at_v6_and_bodies_at_v8() {
    let s = Setup::new(Mode::Aggregated).await;
    let r = s.run(&["version", "-v=6"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r.stderr.lines().find(|l| l.contains("/version")).expect("a request log line");
    // I1126 12:00:00.000000   12345 round_trippers.go:553] GET https://127.0.0.1:P/version?timeout=32s 200 OK in 3 milliseconds
    assert!(line.starts_with('I'), "{line}");
    let (_, msg) = line.split_once("] ").expect("klog prefix");
    let expect = format!("GET {}/version?timeout=32s 200 OK in ", s.server.url);
    assert!(msg.starts_with(&expect), "{msg}");
    assert!(msg.ends_with(" milliseconds"), "{msg}");
    assert!(!r.stderr.contains("Response Body"), "{}", r.stderr);

    let r = s.run(&["version", "--v=8", "--token", "very-secret"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Response Body: {\"buildDate\""), "{}", r.stderr);
    assert!(r.stderr.contains("Request Headers: "), "{}", r.stderr);
    assert!(!r.stderr.contains("very-secret"), "{}", r.stderr);
    assert!(
        s.server
            .seen
            .lock()
            .expect("lock")
            .iter()
            .any(|x| x.authorization.as_deref() == Some("Bearer very-secret"))
    );

    let r = s.run(&["version"]).await;
    assert_eq!(r.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_resources_table_and_filters() {
    let s = Setup::new(Mode::Aggregated).await;
    let cache = s.home.path().join("cache").display().to_string();
    let r = s.run(&["api-resources", "--cache-dir", &cache]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    );
    // Columns are aligned: every row starts its APIVERSION where the header does.
    let col = lines[0].find("APIVERSION").expect("col");
    let cm = lines.iter().find(|l| l.starts_with("configmaps ")).expect("configmaps row");
    assert_eq!(&cm[col..col + 2], "v1");
    assert_eq!(
        cm.split_whitespace().collect::<Vec<_>>(),
        ["configmaps", "cm", "v1", "true", "ConfigMap"]
    );
    // Core group first, then groups by name, then resources by name.
    let names: Vec<&str> =
        lines[1..].iter().map(|l| l.split_whitespace().next().unwrap_or("")).collect();
    assert_eq!(names[0], "configmaps");
    let pos = |n: &str| names.iter().position(|x| *x == n).expect(n);
    assert!(pos("services") < pos("customresourcedefinitions"));
    assert!(
        pos("daemonsets") < pos("deployments")
            && pos("deployments") < pos("horizontalpodautoscalers")
    );
    assert!(std::fs::read_dir(s.home.path().join("cache").join("discovery")).is_ok());

    let r =
        s.run(&["api-resources", "--cache-dir", &cache, "-o", "name", "--api-group", "apps"]).await;
    assert_eq!(
        r.stdout,
        "daemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n"
    );

    let r = s
        .run(&[
            "api-resources",
            "--cache-dir",
            &cache,
            "--namespaced=false",
            "--no-headers",
            "--sort-by",
            "kind",
        ])
        .await;
    let kinds: Vec<&str> = r.stdout.lines().filter_map(|l| l.split_whitespace().last()).collect();
    assert_eq!(
        kinds,
        [
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "Namespace",
            "PersistentVolume"
        ]
    );

    let r = s
        .run(&[
            "api-resources",
            "--cache-dir",
            &cache,
            "-o",
            "wide",
            "--api-group",
            "apps",
            "--sort-by",
            "name",
        ])
        .await;
    let lines: Vec<&str> = r.stdout.lines().collect();
    let cells = |l: &str| {
        l.split("   ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        cells(lines[0]),
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]
    );
    assert_eq!(
        cells(lines[2]),
        [
            "deployments",
            "deploy",
            "apps/v1",
            "true",
            "Deployment",
            "[create delete deletecollection get list patch update watch]",
            "[all]"
        ]
    );
    assert_eq!(lines[0].find("VERBS"), lines[2].find("[create"));

    let r = s
        .run(&[
            "api-resources",
            "--cache-dir",
            &cache,
            "-o",
            "name",
            "--verbs",
            "create,get",
            "--namespaced=false",
        ])
        .await;
    assert!(r.stdout.contains("namespaces\n"), "{}", r.stdout);

    let r = s.run(&["api-resources", "--sort-by", "age"]).await;
    assert_eq!((r.code, r.stderr.as_str()), (1, "error: --sort-by accepts only name or kind\n"));
    let r = s.run(&["api-resources", "-o", "yaml"]).await;
    assert_eq!((r.code, r.stderr.as_str()), (1, "error: --output wide or name is accepted\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_resources_with_legacy_discovery() {
    let s = Setup::new(Mode::Legacy).await;
    let r = s.run(&["api-resources", "-o", "name", "--api-group", "example.com"]).await;
    assert_eq!((r.code, r.stdout.as_str()), (0, "widgets.example.com\n"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_through_a_kubeconfig_context() {
    let pki = make_pki(&["admin"]);
    let server = start(&pki, Mode::Aggregated).await;
    let home = tempfile::tempdir().expect("tmp");
    let kc = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: broken\ncontexts:\n- name: broken\n  context: {{cluster: nowhere, user: admin}}\n- name: good\n  context: {{cluster: test, user: admin}}\nclusters:\n- name: test\n  cluster:\n    server: {}\n    certificate-authority-data: {}\nusers:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        server.url,
        crate::client_support::b64(&pki.ca_pem),
        crate::client_support::b64(&pki.clients[0].1),
        crate::client_support::b64(&pki.clients[0].2),
    );
    let path = write(home.path(), "config", &kc);
    let run = |args: Vec<String>| {
        let home = home.path().to_path_buf();
        let path = path.clone();
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_kctl"))
                .args(&args)
                .env("HOME", &home)
                .env("KUBECONFIG", &path)
                .output()
                .await
                .expect("run")
        }
    };
    let out = run(vec!["version".into(), "--context".into(), "good".into()]).await;
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Client Version: v0.1.0\nServer Version: v1.32.4\n"
    );
    assert!(out.status.success());
    assert_eq!(server.seen.lock().expect("lock")[0].client_cn.as_deref(), Some("admin"));

    let out = run(vec!["version".into()]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no server found for cluster \"nowhere\"\n"
    );
    let out = run(vec!["version".into(), "--context".into(), "nope".into()]).await;
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: context was not found for specified context: nope\n"
    );
}
