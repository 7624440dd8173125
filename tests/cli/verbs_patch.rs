//! `kctl patch` against `kctl serve`: strategic, merge and JSON patches, YAML patch text,
//! no-op patches, dry runs, output formats, `--local`, custom resources, and errors.

use crate::common::{Run, TestEnv, transcript};
use crate::verbs_get::{CMS, DEPLOY, seed};

fn codes(runs: &[Run]) -> Vec<i32> {
    runs.iter().map(|r| r.code).collect()
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 1}
";

#[test]
fn patch_types_and_outputs() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS), ("deploy.yaml", DEPLOY)]);
    env.write("patch.yaml", "data:\n  fromfile: \"yes\"\n");
    let runs = vec![
        env.kctl(&["patch", "cm", "cm1", "--type", "merge", "-p", "{\"data\":{\"a\":\"9\"}}"]),
        env.kctl(&["patch", "cm", "cm1", "--type", "merge", "-p", "{\"data\":{\"a\":\"9\"}}"]),
        env.kctl(&["patch", "cm/cm1", "--type", "merge", "-p", "data: {b: x}"]),
        env.kctl(&[
            "patch",
            "cm",
            "cm2",
            "--type",
            "json",
            "-p",
            "[{\"op\":\"remove\",\"path\":\"/data/c\"}]",
        ]),
        env.kctl(&["patch", "cm", "cm2", "--type", "merge", "--patch-file", "patch.yaml"]),
        env.kctl(&[
            "patch",
            "cm",
            "cm2",
            "--type",
            "merge",
            "-p",
            "{\"data\":{\"z\":\"1\"}}",
            "--dry-run=server",
        ]),
        env.kctl(&[
            "patch",
            "cm",
            "cm2",
            "--type",
            "merge",
            "-p",
            "{\"data\":{\"z\":\"1\"}}",
            "-o",
            "name",
        ]),
        env.kctl(&[
            "patch",
            "cm",
            "cm2",
            "--type",
            "merge",
            "-p",
            "{\"data\":{\"y\":\"2\"}}",
            "-o",
            "yaml",
        ]),
        env.kctl(&[
            "patch",
            "-f",
            "cms.yaml",
            "--type",
            "merge",
            "-p",
            "{\"metadata\":{\"labels\":{\"p\":\"1\"}}}",
        ]),
        env.kctl(&[
            "patch",
            "-f",
            "cms.yaml",
            "--type",
            "merge",
            "-p",
            "{\"data\":{\"local\":\"1\"}}",
            "--local",
            "-o",
            "json",
        ]),
        env.kctl(&[
            "patch",
            "cm",
            "cm1",
            "--type",
            "json",
            "-p",
            "[{\"op\":\"add\",\"path\":\"/data/c\",\"value\":\"3\"}]",
            "--dry-run=client",
            "-o",
            "yaml",
        ]),
        env.kctl(&[
            "get",
            "cm",
            "-o",
            "custom-columns=NAME:.metadata.name,DATA:.data,LABELS:.metadata.labels",
        ]),
    ];
    assert!(codes(&runs).iter().all(|c| *c == 0), "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn patch_custom_resources() {
    let env = TestEnv::serve();
    seed(&env, &[("crd.yaml", CRD)]);
    seed(&env, &[("widget.yaml", WIDGET)]);
    let runs = vec![
        env.kctl(&["patch", "wd", "w1", "-p", "{\"spec\":{\"size\":2}}"]),
        env.kctl(&["patch", "wd", "w1", "--type", "merge", "-p", "{\"spec\":{\"size\":2}}"]),
        env.kctl(&[
            "patch",
            "widget.example.com/w1",
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"size\":2}}",
        ]),
        env.kctl(&["get", "wd", "w1", "-o", "jsonpath={.spec.size}"]),
    ];
    assert_eq!(codes(&runs), [1, 0, 0, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn patch_errors() {
    let env = TestEnv::serve();
    seed(&env, &[("cms.yaml", CMS)]);
    let runs = vec![
        env.kctl(&["patch", "cm", "cm1"]),
        env.kctl(&["patch", "cm", "cm1", "-p", "{}", "--patch-file", "x.yaml"]),
        env.kctl(&["patch", "cm", "-p", "{}"]),
        env.kctl(&["patch", "-p", "{}"]),
        env.kctl(&["patch", "cm", "nope", "-p", "{}"]),
        env.kctl(&["patch", "cm", "cm1", "-p", "{}", "--local"]),
        env.kctl(&["patch", "foos", "x", "-p", "{}"]),
        env.kctl(&[
            "patch",
            "cm",
            "cm1",
            "--type",
            "json",
            "-p",
            "[{\"op\":\"remove\",\"path\":\"/data/nope\"}]",
        ]),
        env.kctl(&["patch", "cm", "cm1", "-p", "{}", "-o", "wide"]),
        env.kctl(&["patch", "cm", "cm1", "-p", "{}", "-o", "jsonpath={.data[7]}"]),
    ];
    assert_eq!(codes(&runs), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

const SIDE: &str = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"side\",\"image\":\"busybox:2\"}]}}}}";

#[test]
fn patch_client_side_strategic_and_subresources() {
    let env = TestEnv::serve();
    seed(&env, &[("deploy.yaml", DEPLOY)]);
    let runs = vec![
        env.kctl(&[
            "patch",
            "deploy",
            "nginx",
            "-p",
            "{\"spec\":{\"replicas\":7}}",
            "--dry-run=client",
            "-o",
            "jsonpath={.spec.replicas}",
        ]),
        env.kctl(&["patch", "-f", "deploy.yaml", "-p", SIDE, "--local", "-o", "yaml"]),
        env.kctl(&[
            "patch",
            "-f",
            "deploy.yaml",
            "-p",
            "{\"spec\":{\"replicas\":2}}",
            "--local",
            "-o",
            "jsonpath-as-json={.spec.replicas}",
        ]),
        env.kctl(&[
            "patch",
            "deploy",
            "nginx",
            "--subresource",
            "scale",
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"replicas\":2}}",
            "-o",
            "yaml",
        ]),
        env.kctl(&["get", "deploy", "nginx", "-o", "jsonpath={.spec.replicas}"]),
    ];
    assert!(codes(&runs).iter().all(|c| *c == 0), "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn patch_strategic_on_the_server() {
    let env = TestEnv::serve();
    seed(&env, &[("deploy.yaml", DEPLOY)]);
    let runs = vec![
        env.kctl(&["patch", "deployment", "nginx", "-p", "{\"spec\":{\"replicas\":3}}"]),
        env.kctl(&["patch", "deployment", "nginx", "-p", "{\"spec\":{\"replicas\":3}}"]),
        env.kctl(&["patch", "deploy", "nginx", "-p", "spec: {replicas: 6}"]),
        env.kctl(&["patch", "deploy", "nginx", "-p", SIDE]),
        env.kctl(&[
            "patch",
            "deploy",
            "nginx",
            "-p",
            "{\"spec\":{\"replicas\":5}}",
            "--dry-run=server",
        ]),
        env.kctl(&[
            "patch",
            "deploy",
            "nginx",
            "--subresource",
            "scale",
            "-p",
            "{\"spec\":{\"replicas\":2}}",
        ]),
        env.kctl(&[
            "get",
            "deploy",
            "nginx",
            "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].image}",
        ]),
    ];
    assert!(codes(&runs).iter().all(|c| *c == 0), "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}
