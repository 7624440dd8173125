//! The embedded local cluster (no server process) runs its controllers to a steady state
//! after each command, so a Deployment applied by one command has Running pods in the next.

use std::process::Command;

fn kctl(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("KCTL_LOCAL_CLUSTER_DIR", dir.join("cluster"))
        .output()
        .expect("run kctl");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn local_cluster_settles_after_each_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
    )
    .unwrap();
    let (code, out, err) = kctl(dir.path(), &["apply", "-f", "d.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) =
        kctl(dir.path(), &["rollout", "status", "deployment/web", "--timeout=5s"]);
    assert_eq!((code, out.as_str()), (0, "deployment \"web\" successfully rolled out\n"), "{err}");
    let (_, out, _) = kctl(dir.path(), &["describe", "deployment", "web"]);
    assert!(out.contains("2 desired | 2 updated | 2 total | 2 available | 0 unavailable"), "{out}");
    // Scale down: the next command sees the result.
    let (code, _, err) = kctl(dir.path(), &["scale", "deployment/web", "--replicas=1"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = kctl(dir.path(), &["describe", "deployment", "web"]);
    assert!(out.contains("1 desired | 1 updated | 1 total | 1 available | 0 unavailable"), "{out}");
}
