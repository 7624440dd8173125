//! Real kubectl `delete` (by file, by name, by label, dry run, NotFound) and `diff`
//! (exit 0 and 1) against `kctl serve`.

use crate::common::{TestEnv, testdata, transcript};

#[test]
fn delete_by_file_name_and_label() {
    let env = TestEnv::serve();
    for f in ["deploy.yaml", "cms.yaml", "ns.yaml"] {
        env.write(f, &testdata(f));
    }
    let runs = vec![
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        env.kubectl(&["apply", "-f", "cms.yaml"]),
        env.kubectl(&["delete", "-f", "deploy.yaml"]),
        env.kubectl(&["delete", "-f", "deploy.yaml"]),
        env.kubectl(&["delete", "-f", "deploy.yaml", "--ignore-not-found"]),
        env.kubectl(&["delete", "-f", "cms.yaml", "--dry-run=server"]),
        env.kubectl(&["delete", "cm", "cm1"]),
        env.kubectl(&["delete", "cm", "-l", "app=demo"]),
        env.kubectl(&["delete", "cm", "--all"]),
        env.kubectl(&["apply", "-f", "ns.yaml"]),
        env.kubectl(&["apply", "-f", "cms.yaml", "-n", "team-a"]),
        env.kubectl(&["delete", "-f", "ns.yaml"]),
        env.kubectl(&["get", "cm", "-A"]),
        env.kubectl(&["delete", "deployment", "nginx"]),
    ];
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn diff_exit_codes() {
    let env = TestEnv::serve();
    for f in ["deploy.yaml", "deploy2.yaml", "cms.yaml"] {
        env.write(f, &testdata(f));
    }
    let diff_env = [("KUBECTL_EXTERNAL_DIFF", "diff -u")];
    let runs = vec![
        env.kubectl(&["apply", "-f", "deploy.yaml"]),
        env.kubectl_env(&["diff", "-f", "deploy.yaml"], &diff_env),
        env.kubectl_env(&["diff", "-f", "deploy2.yaml"], &diff_env),
        env.kubectl_env(&["diff", "-f", "cms.yaml"], &diff_env),
    ];
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 0, 1, 1],
        "{}",
        transcript(&runs)
    );
    insta::assert_snapshot!(transcript(&runs));
}
