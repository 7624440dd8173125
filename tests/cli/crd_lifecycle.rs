//! CustomResourceDefinitions end to end against `kctl serve`: real kubectl, then kctl, through
//! a CRD's whole life — create the CRD, apply custom objects (created / configured with a JSON
//! merge patch / unchanged), `get` with printer columns, schema defaults and violations,
//! unknown fields under Strict and Warn, the status and scale subresources, a second served
//! version, name conflicts, and deleting the CRD removing its objects.

use crate::common::{Run, TestEnv, transcript};
use std::path::Path;

fn crd_testdata(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/crd").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn env() -> TestEnv {
    let env = TestEnv::serve();
    for f in [
        "widgets-crd.yaml",
        "widget.yaml",
        "widget-changed.yaml",
        "widget-invalid.yaml",
        "widget-unknown.yaml",
        "gadgets-conflict-crd.yaml",
        "bad-crd.yaml",
        "widgets-crd-v1-only.yaml",
        "widget-held.yaml",
    ] {
        env.write(f, &crd_testdata(f));
    }
    env
}

fn codes(runs: &[Run]) -> Vec<i32> {
    runs.iter().map(|r| r.code).collect()
}

#[test]
fn kubectl_crd_lifecycle() {
    let env = env();
    let k = |args: &[&str]| env.kubectl(args);
    let mut runs = vec![
        k(&["apply", "-f", "widgets-crd.yaml"]),
        k(&["apply", "-f", "widget.yaml"]),
        k(&["apply", "-f", "widget.yaml"]),
    ];
    // The change goes out as a JSON merge patch (custom kinds have no strategic merge patch).
    let configured = k(&["apply", "-f", "widget-changed.yaml", "-v=8"]);
    assert_eq!(configured.code, 0, "{configured}");
    assert!(
        configured.stderr.contains("Content-Type: application/merge-patch+json"),
        "{configured}"
    );
    assert!(configured.stdout.contains("widget.example.com/w1 configured"), "{configured}");
    runs.extend([
        k(&["get", "widgets"]),
        k(&["get", "wd", "-o", "wide"]),
        k(&["get", "widget", "w1", "-o", "jsonpath={.spec}"]),
        k(&["apply", "-f", "widget-invalid.yaml"]),
        k(&["apply", "-f", "widget-unknown.yaml"]),
        k(&["apply", "-f", "widget-unknown.yaml", "--validate=warn"]),
        k(&["get", "widget", "w2", "-o", "jsonpath={.spec}"]),
        k(&["scale", "widget/w1", "--replicas=3"]),
        k(&["get", "widget", "w1", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"]),
        k(&[
            "patch",
            "widget",
            "w1",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"replicas":3,"selector":"app=w1"},"spec":{"replicas":9}}"#,
        ]),
        k(&["get", "--raw", "/apis/example.com/v1/namespaces/default/widgets/w1/scale"]),
        k(&[
            "get",
            "widgets.v1beta1.example.com",
            "w1",
            "-o",
            "jsonpath={.apiVersion} {.spec.name}",
        ]),
        k(&[
            "get",
            "--raw",
            "/apis/example.com/v1beta1/namespaces/default/widgets?watch=true&timeoutSeconds=1&labelSelector=",
        ]),
        k(&["get", "all"]),
        k(&["explain", "widgets.spec.size"]),
        k(&["apply", "-f", "widgets-crd-v1-only.yaml"]),
        k(&["get", "--raw", "/apis/example.com/v1beta1/namespaces/default/widgets/w1"]),
        k(&["get", "crd", "widgets.example.com", "-o", "jsonpath={.status}"]),
        k(&["delete", "crd", "widgets.example.com"]),
        k(&["get", "--raw", "/apis/example.com/v1/namespaces/default/widgets/w1"]),
        k(&["get", "widgets"]),
    ]);
    assert_eq!(
        codes(&runs),
        [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1],
        "{}",
        transcript(&runs)
    );
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn kubectl_crd_validation_and_name_conflicts() {
    let env = env();
    let runs = vec![
        env.kubectl(&["apply", "-f", "bad-crd.yaml"]),
        env.kubectl(&["apply", "-f", "widgets-crd.yaml"]),
        env.kubectl(&["apply", "-f", "gadgets-conflict-crd.yaml"]),
        env.kubectl(&[
            "get",
            "crd",
            "gadgets.example.com",
            "-o",
            "jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{\"\\n\"}{end}",
        ]),
        env.kubectl(&["get", "gadgets"]),
        env.kubectl(&["api-resources", "--api-group=example.com"]),
    ];
    assert_eq!(codes(&runs), [1, 0, 0, 0, 1, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn kubectl_crd_deletion_waits_for_objects_held_by_finalizers() {
    let env = env();
    let k = |args: &[&str]| env.kubectl(args);
    let runs = vec![
        k(&["apply", "-f", "widgets-crd.yaml"]),
        k(&["apply", "-f", "widget-held.yaml"]),
        k(&["delete", "crd", "widgets.example.com", "--wait=false"]),
        k(&[
            "get",
            "crd",
            "widgets.example.com",
            "-o",
            "jsonpath={.metadata.finalizers} {.status.conditions[?(@.type==\"Terminating\")].message}",
        ]),
        k(&["get", "widgets"]),
        k(&["apply", "-f", "widget.yaml"]),
        k(&[
            "patch",
            "widget",
            "held",
            "--type=merge",
            "-p",
            r#"{"metadata":{"finalizers":null}}"#,
        ]),
        k(&["get", "crd", "widgets.example.com"]),
    ];
    assert_eq!(codes(&runs), [0, 0, 0, 0, 0, 1, 0, 1], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn kctl_crd_lifecycle() {
    let env = env();
    let k = |args: &[&str]| env.kctl(args);
    let runs = vec![
        k(&["apply", "-f", "widgets-crd.yaml"]),
        k(&["apply", "-f", "widget.yaml"]),
        k(&["apply", "-f", "widget.yaml"]),
        k(&["apply", "-f", "widget-changed.yaml"]),
        k(&["get", "widgets"]),
        k(&["get", "wd", "-o", "wide"]),
        k(&["apply", "-f", "widget-invalid.yaml"]),
        k(&["apply", "-f", "widget-unknown.yaml"]),
        k(&["apply", "-f", "widget-unknown.yaml", "--validate=warn"]),
        k(&["scale", "widget/w1", "--replicas=3"]),
        k(&["get", "widget", "w1", "-o", "jsonpath={.spec.replicas}"]),
        k(&["delete", "crd", "widgets.example.com"]),
        k(&["get", "widgets"]),
    ];
    assert_eq!(codes(&runs), [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}
