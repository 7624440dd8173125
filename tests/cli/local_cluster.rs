//! The embedded local cluster: no kubeconfig and no `--server`, state in a data directory,
//! persisted between invocations and shared by concurrent kctl processes.

use std::path::Path;
use std::process::{Command, Output};

fn kctl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("HOME", dir)
        .env("KCTL_LOCAL_CLUSTER_DIR", dir.join("cluster"))
        .env("KCTL_TEST_NOW", "2026-01-02T03:04:05Z")
        .output()
        .expect("run kctl")
}

fn text(o: &Output) -> String {
    format!(
        "exit code: {}\n{}{}",
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn examples_apply_then_get_all() {
    let dir = tempfile::tempdir().unwrap();
    let applied = kctl(dir.path(), &["apply", "-R", "-f", "testdata/examples"]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    let again = kctl(dir.path(), &["apply", "-R", "-f", "testdata/examples"]);
    let all = kctl(dir.path(), &["get", "all", "-n", "shop"]);
    let cm = kctl(dir.path(), &["get", "configmap", "web-config", "-n", "shop", "-o", "name"]);
    // The controllers run after each command: pods get generated (random) name suffixes.
    let all_text: String = text(&all)
        .lines()
        .map(|l| match l.strip_prefix("pod/").and_then(|r| r.split_once(' ')) {
            Some((name, rest)) if name.len() > 6 => {
                format!("pod/{}XXXXX {rest}\n", &name[..name.len() - 5])
            }
            _ => format!("{l}\n"),
        })
        .collect();
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}\n{}",
        text(&applied),
        text(&again),
        all_text,
        text(&cm)
    ));
    let mode = std::fs::metadata(dir.path().join("cluster")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(mode.permissions().mode() & 0o777, 0o700);
}

#[test]
fn concurrent_processes_share_the_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let manifest = path.join(format!("cm{i}.yaml"));
                let body: String = (0..10)
                    .map(|j| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: w{i}-{j}}}\ndata: {{k: v}}\n---\n"))
                    .collect();
                std::fs::write(&manifest, body).unwrap();
                kctl(&path, &["apply", "-f", manifest.to_str().unwrap()])
            })
        })
        .collect();
    for w in workers {
        let out = w.join().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let names = kctl(&path, &["get", "configmaps", "-o", "name"]);
    let listed = String::from_utf8_lossy(&names.stdout);
    assert_eq!(listed.lines().filter(|l| l.starts_with("configmap/w")).count(), 40, "{listed}");
}
