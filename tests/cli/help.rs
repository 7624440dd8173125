//! `--help` of kctl and of every command, snapshot-tested: help text is part of the product.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(args)
        .env_clear()
        .env("COLUMNS", "100")
        .output()
        .expect("run kctl");
    assert_eq!(out.status.code(), Some(0), "{args:?} --help must exit 0");
    assert!(out.stderr.is_empty(), "help writes to stdout only");
    String::from_utf8(out.stdout).expect("utf-8 help")
}

#[test]
fn top_level_help() {
    insta::assert_snapshot!("help", help(&["--help"]));
}

#[test]
fn every_command_has_help() {
    let root = kctl::cli::command();
    let names: Vec<String> = root.get_subcommands().map(|c| c.get_name().to_string()).collect();
    assert!(names.len() >= 11, "all kubectl verbs are present: {names:?}");
    for name in names {
        insta::assert_snapshot!(format!("help-{name}"), help(&[&name, "--help"]));
    }
}

#[test]
fn apply_subcommands_have_help() {
    for name in ["view-last-applied", "set-last-applied", "edit-last-applied"] {
        insta::assert_snapshot!(format!("help-apply-{name}"), help(&["apply", name, "--help"]));
    }
}

#[test]
fn global_flags_parse_everywhere() {
    let flags = [
        "--kubeconfig=/nonexistent",
        "--context=c",
        "--cluster=cl",
        "--user=u",
        "-n=ns",
        "--namespace=ns",
        "-s=http://127.0.0.1:1",
        "--server=http://127.0.0.1:1",
        "--token=t",
        "--certificate-authority=ca.crt",
        "--client-certificate=c.crt",
        "--client-key=c.key",
        "--insecure-skip-tls-verify",
        "--request-timeout=5s",
        "--cache-dir=kctl-cache",
        "-v=6",
        "--v=8",
    ];
    for flag in flags {
        let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
            .args(["version", "--client", flag])
            .env_clear()
            .output()
            .expect("run kctl");
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn usage_errors_exit_1_like_kubectl() {
    let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .args(["get", "--no-such-flag"])
        .env_clear()
        .output()
        .expect("run kctl");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
}
