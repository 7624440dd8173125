//! The committed scripts in `completions/` are exactly what `kctl completion SHELL` prints.
//! Set `KCTL_UPDATE_COMPLETIONS=1` to rewrite them.

use std::path::Path;
use std::process::Command;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "kctl.bash"),
    ("zsh", "_kctl"),
    ("fish", "kctl.fish"),
    ("powershell", "_kctl.ps1"),
    ("elvish", "kctl.elv"),
];

#[test]
fn committed_completion_scripts_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("KCTL_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
            .args(["completion", shell])
            .env_clear()
            .output()
            .expect("run kctl");
        assert_eq!(out.status.code(), Some(0), "kctl completion {shell}");
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &out.stdout).expect("write completion script");
        } else if std::fs::read(&path).ok().as_deref() != Some(&out.stdout[..]) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts {stale:?}: run KCTL_UPDATE_COMPLETIONS=1 cargo test --test cli completion"
    );
}

#[test]
fn bash_accepts_the_script() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kctl.bash");
    let status = Command::new("bash").arg("-n").arg(path).status().expect("bash is installed");
    assert!(status.success());
}

#[test]
fn zsh_accepts_the_script() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/_kctl");
    let status = Command::new("zsh").arg("-n").arg(path).status().expect("zsh is installed");
    assert!(status.success());
}

#[test]
fn fish_accepts_the_script() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kctl.fish");
    let status =
        Command::new("fish").arg("--no-execute").arg(path).status().expect("fish is installed");
    assert!(status.success());
}

#[test]
fn scripts_name_no_machine_paths() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (_, file) in SHELLS {
        let text = std::fs::read_to_string(dir.join(file)).expect("read completion script");
        assert!(
            text.contains("kctl --") || text.contains("kctl' --"),
            "{file} calls kctl from PATH"
        );
        let machine = [
            env!("CARGO_MANIFEST_DIR"),
            env!("CARGO_BIN_EXE_kctl"),
            "target/debug",
            "target/release",
        ];
        for needle in machine {
            assert!(!text.contains(needle), "{file} names a machine path ({needle})");
        }
    }
}
