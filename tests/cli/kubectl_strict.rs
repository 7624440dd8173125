//! Field validation against `kctl serve`, as real kubectl and kctl see it: unknown fields
//! under `--validate=strict` (kube-apiserver's 400 text, nothing stored), `warn` (a
//! `Warning:` line, applied), `false`/`ignore` (silent); patches of existing objects; and
//! duplicate fields in a raw JSON body.

use crate::common::{TestEnv, testdata, transcript};

const TYPO: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
  labels:
    app: typo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: typo
  template:
    metadata:
      labels:
        app: typo
    spec:
      containers:
      - name: c
        image: nginx:1.25
        imagePullPolicyy: Always
";

const TWO_TYPOS: &str = "apiVersion: v1
kind: Service
metadata:
  name: svc
  labelz:
    a: b
spec:
  ports:
  - port: 80
    targetPort: 8080
    protocal: TCP
  selector:
    app: svc
";

fn typo_named(name: &str) -> String {
    TYPO.replace("typo", name)
}

#[test]
fn kubectl_strict_warn_and_ignore() {
    let env = TestEnv::serve();
    env.write("typo.yaml", TYPO);
    env.write("warn.yaml", &typo_named("warned"));
    env.write("quiet.yaml", &typo_named("quiet"));
    env.write("svc.yaml", TWO_TYPOS);
    env.write("deploy.yaml", &testdata("deploy.yaml"));
    env.write(
        "deploy-foo.yaml",
        &testdata("deploy.yaml").replace("replicas: 1", "replicas: 1\n  foo: bar"),
    );
    let runs = vec![
        env.kubectl(&["apply", "-f", "typo.yaml"]),
        env.kubectl(&["get", "deployments"]),
        env.kubectl(&["create", "-f", "svc.yaml"]),
        env.kubectl(&["apply", "-f", "warn.yaml", "--validate=warn"]),
        env.kubectl(&["apply", "-f", "quiet.yaml", "--validate=false"]),
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        // An existing object: kubectl sends a strategic merge patch.
        env.kubectl(&["apply", "-f", "deploy-foo.yaml"]),
        env.kubectl(&["apply", "-f", "deploy-foo.yaml", "--validate=warn"]),
        env.kubectl(&["apply", "-f", "deploy-foo.yaml", "--validate=ignore"]),
        env.kubectl(&["get", "deployments", "-o", "name"]),
        // kubectl patch sends no fieldValidation: the server's default is Warn.
        env.kubectl(&["patch", "deploy", "nginx", "--type=merge", "-p", r#"{"spec":{"bar":1}}"#]),
        env.kubectl(&[
            "patch",
            "deploy",
            "nginx",
            "--type=json",
            "-p",
            r#"[{"op":"add","path":"/spec/baz","value":1,"valu":2}]"#,
        ]),
        env.kubectl(&["get", "deploy", "nginx", "-o", "jsonpath={.spec}"]),
    ];
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], "{}", transcript(&runs));
    assert!(
        runs[0].stderr.contains(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: \
             unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""
        ),
        "{}",
        runs[0]
    );
    assert!(
        runs[3].stderr.contains(
            "Warning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""
        )
    );
    assert!(runs[4].stderr.is_empty(), "{}", runs[4]);
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn kubectl_duplicate_fields_in_a_raw_body() {
    let env = TestEnv::serve();
    env.write(
        "dup.json",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"data":{"a":"1","a":"2"},"bogus":true}"#,
    );
    let runs = vec![
        env.kubectl(&[
            "create",
            "--raw",
            "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
            "-f",
            "dup.json",
        ]),
        env.kubectl(&["get", "configmaps", "dup"]),
        env.kubectl(&[
            "create",
            "--raw",
            "/api/v1/namespaces/default/configmaps?fieldValidation=Warn",
            "-f",
            "dup.json",
        ]),
        env.kubectl(&["get", "configmaps", "dup", "-o", "jsonpath={.data}"]),
    ];
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [1, 1, 0, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn kctl_strict_and_warn() {
    let env = TestEnv::serve();
    env.write("typo.yaml", TYPO);
    env.write("warn.yaml", &typo_named("warned"));
    env.write("svc.yaml", TWO_TYPOS);
    let runs = vec![
        env.kctl(&["apply", "-f", "typo.yaml"]),
        env.kctl(&["create", "-f", "svc.yaml"]),
        env.kctl(&["apply", "-f", "warn.yaml", "--validate=warn"]),
        env.kctl(&["create", "-f", "svc.yaml", "--validate=false"]),
        env.kctl(&["get", "deployments,services", "-o", "name"]),
    ];
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [1, 1, 0, 0, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn every_builtin_kind_passes_strict_create_patch_and_replace() {
    let env = TestEnv::serve();
    let kinds = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/tables/builtin-kinds.yaml"
    ))
    .unwrap();
    env.write("kinds.yaml", &kinds);
    env.write("kinds2.yaml", &kinds.replace("name: jane", "name: john"));
    // A Job's selector is generated on create, so replacing it with a manifest that has none
    // is refused (as on a real cluster); every other kind replaces cleanly.
    let without_job: Vec<&str> =
        kinds.split("\n---\n").filter(|d| !d.contains("\nkind: Job\n")).collect();
    env.write("kinds3.yaml", &without_job.join("\n---\n"));
    for (args, objects) in [
        (&["apply", "--validate=strict", "-f", "kinds.yaml"][..], 38),
        (&["apply", "--validate=strict", "-f", "kinds2.yaml"], 38),
        (&["replace", "--validate=strict", "-f", "kinds3.yaml"], 37),
    ] {
        let r = env.kubectl(args);
        assert_eq!(r.code, 0, "{r}");
        assert!(!r.stderr.contains("Warning"), "{r}");
        assert_eq!(r.stdout.lines().count(), objects, "{r}");
    }
}

#[test]
fn unsupported_field_validation_value() {
    let env = TestEnv::serve();
    env.write("cm.json", r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}"#);
    let r = env.kubectl(&[
        "create",
        "--raw",
        "/api/v1/namespaces/default/configmaps?fieldValidation=strict",
        "-f",
        "cm.json",
    ]);
    assert_eq!(r.code, 1, "{r}");
    assert!(
        r.stderr.contains(
            "The CreateOptions \"\" is invalid: fieldValidation: Unsupported value: \"strict\": \
             supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
        ),
        "{r}"
    );
}
