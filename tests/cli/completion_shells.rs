//! Real-shell completion: bash, zsh and fish source kctl's committed scripts and complete real
//! command lines against a running `kctl serve` holding known objects. Each shell goes
//! through its own programmatic entry point: bash `COMP_WORDS`/`COMP_CWORD` and the function
//! `complete -p kctl` names, zsh the `_kctl` function with a `compadd` that prints what it is
//! given, fish `complete -C`.

use super::completion_support::Served;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn kctl() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kctl"))
}

fn script(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions").join(file)
}

/// A server with the fixture objects, for one test (dropping it stops the server; a server
/// kept in a static would outlive the test process).
fn server() -> Served {
    let s = Served::start(&kctl());
    s.namespace("team-a");
    for name in ["alpha", "alps", "beta"] {
        s.configmap("default", name);
    }
    s.configmap("team-a", "alien");
    s.deployment("default", "web");
    s.deployment("default", "worker");
    s
}

/// The lines every shell completes, and the candidates expected.
const CASES: &[(&str, &[&str])] = &[
    ("kctl get configmap al", &["alpha", "alps"]),
    ("kctl get deploy/", &["deploy/web", "deploy/worker"]),
    ("kctl -n kube-", &["kube-node-lease", "kube-public", "kube-system"]),
    (
        "kctl get dep",
        &["deploy", "deployment", "deployment.apps", "deployments", "deployments.apps"],
    ),
    ("kctl -n team-a get cm ", &["alien"]),
    ("kctl get configmap alpha ", &["alps", "beta"]),
    ("kctl delete configmaps b", &["beta"]),
    ("kctl get -o ya", &["yaml"]),
    ("kctl --context ", &["kctl"]),
    ("kctl ver", &["version"]),
    ("kctl get configmap zz", &[]),
];

/// Runs `program args…` with the server's environment; parses `== line` sections.
fn run_shell(program: &str, args: &[&str]) -> BTreeMap<String, Vec<String>> {
    let s = server();
    let out = Command::new(program)
        .args(args)
        .env_clear()
        .envs(s.envs())
        .env("TERM", "dumb")
        .current_dir(s.dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{program} is installed: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{program} failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = None;
    for line in stdout.lines() {
        if let Some(l) = line.strip_prefix("== ") {
            current = Some(l.to_string());
            got.entry(l.to_string()).or_default();
        } else if let Some(c) = &current
            && !line.is_empty()
        {
            let value = line.split('\t').next().unwrap_or(line).to_string();
            got.entry(c.clone()).or_default().push(value);
        }
    }
    got
}

fn check(shell: &str, got: &BTreeMap<String, Vec<String>>, cases: &[(&str, &[&str])]) {
    let mut failures = Vec::new();
    for (line, want) in cases {
        let mut have = got.get(*line).cloned().unwrap_or_else(|| vec!["<not run>".into()]);
        have.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        if have != want {
            failures.push(format!("{line:?}: got {have:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{shell} completion:\n{}", failures.join("\n"));
}

fn lines_list(cases: &[(&str, &[&str])]) -> String {
    cases.iter().map(|(l, _)| format!("'{l}'")).collect::<Vec<_>>().join(" ")
}

#[test]
fn bash_completes_against_kctl_serve() {
    let mut cases = CASES.to_vec();
    cases.push(("kctl get cm --namespace=team-", &["team-a"]));
    let program = format!(
        r#"
source '{script}'
fn=$(complete -p kctl | sed -n 's/.*-F \([^ ]*\).*/\1/p')
comp() {{
    COMP_LINE=$1
    COMP_POINT=${{#COMP_LINE}}
    local w=${{COMP_LINE//=/ = }}
    read -ra COMP_WORDS <<<"$w"
    [[ $COMP_LINE == *' ' || $COMP_LINE == *'=' ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
    COMPREPLY=()
    "$fn" kctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
    printf '== %s\n' "$1"
    [[ ${{#COMPREPLY[@]}} -gt 0 ]] && printf '%s\n' "${{COMPREPLY[@]}}"
    return 0
}}
for line in {lines}; do comp "$line"; done
"#,
        script = script("kctl.bash").display(),
        lines = lines_list(&cases),
    );
    let got = run_shell("bash", &["--norc", "--noprofile", "-c", &program]);
    check("bash", &got, &cases);
}

#[test]
fn zsh_completes_against_kctl_serve() {
    let program = format!(
        r#"
compdef() {{ registered=$* }}
compadd() {{
    local arr=
    while (( $# )); do
        case $1 in
            -a) arr=$2; shift ;;
            -d|-S) shift ;;
        esac
        shift
    done
    [[ -n $arr ]] && print -rl -- "${{(@P)arr}}"
}}
source '{script}'
[[ $registered == '_kctl kctl' ]] || {{ print "not registered: $registered"; exit 1 }}
for line in {lines}; do
    words=(${{(z)line}})
    [[ $line == *' ' ]] && words+=('')
    CURRENT=${{#words}}
    print -r -- "== $line"
    _kctl
done
exit 0
"#,
        script = script("_kctl").display(),
        lines = lines_list(CASES),
    );
    let got = run_shell("zsh", &["-f", "-c", &program]);
    check("zsh", &got, CASES);
}

/// zsh in a pseudo-terminal (`zpty`): real zle, real `compinit`, TAB typed on real lines.
/// `compadd` is wrapped only to report the matches it keeps after filtering by prefix.
#[test]
fn zsh_line_editor_completes_against_kctl_serve() {
    let cases: Vec<(&str, &[&str])> = CASES.iter().copied().take(4).collect();
    let program = format!(
        r#"
zmodload zsh/zpty
zpty z 'TERM=xterm zsh -f -i'
zpty -w z "PS1='> '; autoload -U compinit; compinit -u -D; source '{script}'"
zpty -w z 'compadd() {{ local -a m; builtin compadd -O m "$@"; print -rn -- "<<""M:${{(j: :)m}}>>" >&2; builtin compadd "$@"; }}'
zpty -w z 'functions[_kctl_real]=$functions[_kctl]; _kctl() {{ _kctl_real "$@"; local r=$?; print -rn -- "<<""END>>" >&2; return r; }}'
for line in {lines}; do
    zpty -w -n z $'\C-u'"$line"$'	'
    out=
    for i in {{1..100}}; do
        while zpty -r -t z chunk; do out+=$chunk; done
        [[ $out == *'<<END>>'* ]] && break
        sleep 0.1
    done
    print -r -- "== $line"
    print -r -- "${{out%%<<END>>*}}" | grep -ao '<<M:[^>]*>>' | sed 's/^<<M://; s/>>$//' | tr ' ' '\n'
done
zpty -d z
exit 0
"#,
        script = script("_kctl").display(),
        lines = lines_list(&cases),
    );
    let got = run_shell("zsh", &["-f", "-c", &program]);
    check("zsh (zle)", &got, &cases);
}

#[test]
fn fish_completes_against_kctl_serve() {
    let program = format!(
        r#"
source '{script}'
for line in {lines}
    echo "== $line"
    complete -C "$line"
end
"#,
        script = script("kctl.fish").display(),
        lines = lines_list(CASES),
    );
    let got = run_shell("fish", &["--no-config", "-c", &program]);
    check("fish", &got, CASES);
}

#[test]
fn completion_prints_nothing_but_candidates_when_the_server_is_down() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: http://127.0.0.1:1\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: u\ncurrent-context: gone\nusers:\n- name: u\n  user: {}\n",
    )
    .expect("write kubeconfig");
    for words in
        [&["kctl", "get", "configmap", ""][..], &["kctl", "-n", "kube-"], &["kctl", "get", "dep"]]
    {
        let out = Command::new(kctl())
            .env_clear()
            .env("HOME", dir.path())
            .env("KUBECONFIG", &kubeconfig)
            .env("KCTL_COMPLETE", "fish")
            .arg("--")
            .args(words)
            .output()
            .expect("run kctl");
        assert!(out.status.success(), "{words:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "", "{words:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{words:?}");
    }
}

#[test]
fn request_timeout_bounds_a_server_that_never_answers() {
    // A socket that accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in listener.incoming().take(4) {
            conns.push(c);
        }
        std::thread::sleep(std::time::Duration::from_secs(10));
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let start = std::time::Instant::now();
    let out = Command::new(kctl())
        .env_clear()
        .env("HOME", dir.path())
        .env("KCTL_COMPLETE", "fish")
        .args(["--", "kctl", "--request-timeout=300ms", "-s"])
        .arg(format!("http://{addr}"))
        .args(["-n", ""])
        .output()
        .expect("run kctl");
    let took = start.elapsed();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(took < std::time::Duration::from_secs(3), "took {took:?}");
    drop(held);
}
