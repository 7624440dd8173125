//! Real kubectl `create`, `replace` and `patch` against `kctl serve`, including the
//! AlreadyExists, Conflict and NotFound errors as kubectl prints them.

use crate::common::{TestEnv, testdata, transcript};

fn env() -> TestEnv {
    let env = TestEnv::serve();
    for f in ["deploy.yaml", "deploy2.yaml", "deploy-stale.yaml", "cms.yaml", "ns.yaml"] {
        env.write(f, &testdata(f));
    }
    env
}

#[test]
fn create_and_already_exists() {
    let env = env();
    let runs = vec![
        env.kubectl(&["create", "-f", "deploy.yaml"]),
        env.kubectl(&["create", "-f", "deploy.yaml"]),
        env.kubectl(&["create", "-f", "cms.yaml", "--dry-run=server"]),
        env.kubectl(&["get", "cm"]),
        env.kubectl(&["create", "-f", "cms.yaml", "-o", "name"]),
        env.kubectl(&["create", "-f", "ns.yaml", "--save-config"]),
    ];
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 1, 0, 0, 0, 0],
        "{}",
        transcript(&runs)
    );
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn replace_conflict_and_not_found() {
    let env = env();
    let runs = vec![
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        env.kubectl(&["replace", "-f", "deploy2.yaml"]),
        env.kubectl(&["replace", "-f", "cms.yaml"]),
        env.kubectl(&["replace", "-f", "deploy.yaml", "--force"]),
        env.kubectl(&["replace", "-f", "deploy2.yaml", "--dry-run=server"]),
        env.kubectl(&["replace", "-f", "deploy-stale.yaml"]),
    ];
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 0, 1, 0, 0, 1],
        "{}",
        transcript(&runs)
    );
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn patch_all_three_types() {
    let env = env();
    let runs = vec![
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        env.kubectl(&["patch", "deployment", "nginx", "-p", r#"{"spec":{"replicas":3}}"#]),
        env.kubectl(&["patch", "deployment", "nginx", "-p", r#"{"spec":{"replicas":3}}"#]),
        env.kubectl(&[
            "patch",
            "deploy",
            "nginx",
            "--type",
            "merge",
            "-p",
            r#"{"metadata":{"labels":{"x":"y"}}}"#,
        ]),
        env.kubectl(&[
            "patch",
            "deploy",
            "nginx",
            "--type",
            "json",
            "-p",
            r#"[{"op":"replace","path":"/spec/replicas","value":4}]"#,
        ]),
        env.kubectl(&["patch", "deploy", "nginx", "-p", "spec: {replicas: 6}"]),
        env.kubectl(&[
            "patch",
            "deploy",
            "nginx",
            "-p",
            r#"{"spec":{"replicas":5}}"#,
            "--dry-run=server",
        ]),
        env.kubectl(&[
            "patch",
            "deploy",
            "nginx",
            "-p",
            r#"{"spec":{"replicas":7}}"#,
            "-o",
            "name",
        ]),
        env.kubectl(&[
            "get",
            "deploy",
            "nginx",
            "-o",
            "jsonpath={.spec.replicas} {.metadata.generation} {.metadata.labels.x}",
        ]),
        env.kubectl(&["patch", "deploy", "nope", "-p", "{}"]),
    ];
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        "{}",
        transcript(&runs)
    );
    assert_eq!(runs[8].stdout, "7 5 y");
    insta::assert_snapshot!(transcript(&runs));
}
