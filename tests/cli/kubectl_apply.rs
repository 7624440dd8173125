//! Real kubectl `apply` against `kctl serve`: created → configured → unchanged, `-o name`,
//! `--prune -l`, server-side dry run, and a missing namespace.

use crate::common::{TestEnv, testdata, transcript};

fn env_with_manifests() -> TestEnv {
    let env = TestEnv::serve();
    for f in ["deploy.yaml", "deploy2.yaml", "cms.yaml", "cm1.yaml", "cm2.yaml", "ns.yaml"] {
        env.write(f, &testdata(f));
    }
    env
}

#[test]
fn apply_created_configured_unchanged() {
    let env = env_with_manifests();
    let runs = vec![
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        env.kubectl(&["apply", "-f", "deploy2.yaml"]),
        env.kubectl(&["apply", "-f", "deploy2.yaml"]),
        env.kubectl(&["get", "deploy", "nginx", "-o", "yaml"]),
        env.kubectl(&["apply", "-f", "cms.yaml", "-o", "name"]),
        env.kubectl(&["apply", "-f", "cms.yaml", "--dry-run=server"]),
    ];
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 0, 0, 0, 0, 0, 0],
        "{}",
        transcript(&runs)
    );
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn apply_prune_by_label() {
    let env = env_with_manifests();
    let runs = vec![
        env.kubectl(&["apply", "-f", "cms.yaml"]),
        env.kubectl(&["apply", "-f", "cm1.yaml", "--prune", "-l", "app=demo"]),
        env.kubectl(&["get", "cm", "-o", "name"]),
    ];
    assert_eq!(runs[1].code, 0, "{}", transcript(&runs));
    assert!(runs[1].stdout.contains("configmap/cm2 pruned"), "{}", transcript(&runs));
    assert_eq!(runs[2].stdout.trim(), "configmap/cm1");
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn apply_into_namespaces() {
    let env = env_with_manifests();
    let runs = vec![
        env.kubectl(&["apply", "-f", "ns.yaml"]),
        env.kubectl(&["apply", "-f", "cms.yaml", "-n", "team-a"]),
        env.kubectl(&["get", "cm", "-n", "team-a"]),
        env.kubectl(&["apply", "-f", "ns.yaml"]),
        env.kubectl(&["apply", "-f", "cm2.yaml", "-n", "no-such-ns"]),
    ];
    assert_eq!(runs[4].code, 1);
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn custom_resources_from_a_crd() {
    let env = TestEnv::serve();
    for f in ["crd.yaml", "widget.yaml", "widget2.yaml"] {
        env.write(f, &testdata(f));
    }
    let runs = vec![
        env.kubectl(&["apply", "-f", "crd.yaml"]),
        env.kubectl(&["apply", "-f", "widget.yaml"]),
        env.kubectl(&["apply", "-f", "widget2.yaml"]),
        env.kubectl(&["apply", "-f", "widget2.yaml"]),
        env.kubectl(&["get", "widgets"]),
        env.kubectl(&["get", "wd", "w1", "-o", "jsonpath={.spec} {.metadata.generation}"]),
        env.kubectl(&["patch", "wd", "w1", "-p", r#"{"spec":{"size":3}}"#]),
        env.kubectl(&["patch", "wd", "w1", "--type", "merge", "-p", r#"{"spec":{"size":3}}"#]),
        env.kubectl(&["delete", "-f", "widget.yaml"]),
    ];
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [0, 0, 0, 0, 0, 0, 1, 0, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}
