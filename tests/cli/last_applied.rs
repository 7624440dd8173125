//! `kctl apply view-last-applied | set-last-applied | edit-last-applied` against `kctl serve`:
//! snapshots of success and error output, the editor loop (invalid edits reopened with a
//! header, cancelled and empty edits, lists, Windows line endings, editor lookup), and the
//! same scenario run by real kubectl and by kctl against two identical servers, compared
//! output for output and object for object.

use crate::common::{Run, TestEnv, transcript};

const CM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  labels:
    app: demo
data:
  a: \"1\"
  b: \"<two>\"
";

const CM2: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  labels:
    app: demo
data:
  a: \"1\"
  b: \"3\"
";

const PLAIN: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
data:
  k: v
";

const DEP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.0
        resources:
          limits: {cpu: 1.5}
";

const NS: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: team
";

const TWO: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: x
data:
  a: \"3\"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: z
data:
  a: \"2\"
";

/// An editor that turns `"3"` into `"4"` and keeps a copy of what it was given.
const EDIT_SH: &str =
    "#!/bin/sh\ncp \"$1\" \"$(dirname \"$0\")/editor-input.txt\"\nsed -i 's/\"3\"/\"4\"/' \"$1\"\n";

/// An editor that breaks the file on its first call and changes nothing on the next.
const BREAK_SH: &str = "#!/bin/sh\nd=\"$(dirname \"$0\")\"\nn=$(cat \"$d/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$d/count\"\ncp \"$1\" \"$d/editor-input-$n.txt\"\nif [ $n = 1 ]; then echo 'data: [unclosed' >> \"$1\"; fi\n";

/// Like `BREAK_SH`, but repairs the file (and edits it) on the second call.
const REPAIR_SH: &str = "#!/bin/sh\nd=\"$(dirname \"$0\")\"\nn=$(cat \"$d/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$d/count\"\ncp \"$1\" \"$d/editor-input-$n.txt\"\nif [ $n = 1 ]; then echo 'data: [unclosed' >> \"$1\"; fi\nif [ $n = 2 ]; then sed -i 's/^data: \\[unclosed$//; s/\"1\"/\"5\"/' \"$1\"; fi\n";

/// An editor that empties the file.
const EMPTY_SH: &str = "#!/bin/sh\n: > \"$1\"\n";

/// An editor that only records that it ran.
const MARK_SH: &str = "#!/bin/sh\necho \"$0\" > \"$(dirname \"$0\")/marker.txt\"\n";

fn env() -> TestEnv {
    let env = TestEnv::serve();
    for (name, text) in [
        ("cm.yaml", CM),
        ("cm2.yaml", CM2),
        ("plain.yaml", PLAIN),
        ("dep.yaml", DEP),
        ("two.yaml", TWO),
        ("ns.yaml", NS),
    ] {
        env.write(name, text);
    }
    for (name, text) in [
        ("edit.sh", EDIT_SH),
        ("break.sh", BREAK_SH),
        ("repair.sh", REPAIR_SH),
        ("empty.sh", EMPTY_SH),
        ("mark.sh", MARK_SH),
    ] {
        env.write(name, text);
        let path = env.dir.path().join(name);
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).unwrap();
    }
    env
}

fn script(env: &TestEnv, name: &str) -> String {
    env.dir.path().join(name).to_string_lossy().into_owned()
}

fn read(env: &TestEnv, name: &str) -> String {
    std::fs::read_to_string(env.dir.path().join(name)).unwrap_or_default()
}

/// Replaces the random part of editor temp file names (`kctl-edit-123.yaml`).
fn temp_names(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("-edit-") {
        let (head, tail) = rest.split_at(i + "-edit-".len());
        out.push_str(head);
        let digits = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
        if digits > 0 {
            out.push('N');
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

fn codes(runs: &[Run]) -> Vec<i32> {
    runs.iter().map(|r| r.code).collect()
}

#[test]
fn view_and_set_last_applied() {
    let env = env();
    let runs = vec![
        env.kctl(&["apply", "-f", "cm.yaml"]),
        env.kctl(&["create", "-f", "plain.yaml"]),
        env.kctl(&["apply", "-f", "dep.yaml"]),
        env.kctl(&["apply", "view-last-applied", "configmap", "x"]),
        env.kctl(&["apply", "view-last-applied", "cm/x", "-o", "json"]),
        env.kctl(&["apply", "view-last-applied", "deploy", "web"]),
        env.kctl(&["apply", "view-last-applied", "cm", "plain"]),
        env.kctl(&["apply", "view-last-applied", "cm", "-l", "app=demo"]),
        env.kctl(&["apply", "view-last-applied", "cm", "--all", "-o", "json"]),
        env.kctl(&["apply", "view-last-applied", "-f", "cm.yaml", "-f", "dep.yaml"]),
        env.kctl(&["apply", "set-last-applied", "-f", "cm2.yaml"]),
        env.kctl(&["apply", "set-last-applied", "-f", "cm2.yaml"]),
        env.kctl(&["apply", "view-last-applied", "cm", "x"]),
        env.kctl(&["apply", "set-last-applied", "-f", "cm.yaml", "--dry-run=server"]),
        env.kctl(&["apply", "set-last-applied", "-f", "cm.yaml", "--dry-run=client", "-o", "name"]),
        env.kctl(&[
            "apply",
            "set-last-applied",
            "-f",
            "plain.yaml",
            "--create-annotation",
            "-o",
            "yaml",
        ]),
        env.kctl(&["apply", "view-last-applied", "cm", "plain", "-o", "json"]),
        env.kctl(&["get", "cm", "x", "-o", "jsonpath={.data.b}"]),
    ];
    assert!(codes(&runs).iter().all(|c| *c == 0), "{}", transcript(&runs));
    // set-last-applied changes the annotation only, and dry runs change nothing.
    assert_eq!(runs[17].stdout, "<two>");
    assert!(runs[12].stdout.contains("b: \"3\""), "{}", runs[12]);
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn last_applied_errors() {
    let env = env();
    env.kctl(&["create", "-f", "plain.yaml"]);
    env.kctl(&["apply", "-f", "dep.yaml"]);
    let runs = vec![
        env.kctl(&["apply", "view-last-applied"]),
        env.kctl(&["apply", "view-last-applied", "cm"]),
        env.kctl(&["apply", "view-last-applied", "cm", "x", "-l", "a=b"]),
        env.kctl(&["apply", "view-last-applied", "cm", "--all", "-l", "a=b"]),
        env.kctl(&["apply", "view-last-applied", "cm", "x", "-f", "cm.yaml"]),
        env.kctl(&["apply", "view-last-applied", "foos", "x"]),
        env.kctl(&["apply", "view-last-applied", "cm", "nope"]),
        env.kctl(&["apply", "view-last-applied", "cm", "plain", "nope"]),
        env.kctl(&["apply", "view-last-applied", "deploy", "--all", "-o", "wide"]),
        env.kctl(&["apply", "set-last-applied", "cm", "x"]),
        env.kctl(&["apply", "set-last-applied", "-f", "nofile.yaml"]),
        env.kctl(&["apply", "set-last-applied", "-f", "cm.yaml"]),
        env.kctl(&["apply", "set-last-applied", "-f", "plain.yaml"]),
        env.kctl(&["apply", "set-last-applied", "-f", "plain.yaml", "-o", "wide"]),
        env.kctl(&["apply", "edit-last-applied"]),
        env.kctl(&["apply", "edit-last-applied", "cm", "nope"]),
        env.kctl(&["apply", "edit-last-applied", "cm", "plain"]),
        env.kctl(&["apply", "-f", "cm.yaml", "view-last-applied", "cm", "x"]),
    ];
    assert!(codes(&runs).iter().all(|c| *c != 0), "{}", transcript(&runs));
    // Nothing was changed by any of them.
    let after = env.kctl(&["apply", "view-last-applied", "cm", "plain"]);
    assert_eq!((after.code, after.stdout.as_str()), (0, ""), "{after}");
    insta::assert_snapshot!(transcript(&runs));
}

#[test]
fn edit_last_applied_editor_loop() {
    let env = env();
    env.kctl(&["apply", "-f", "cm2.yaml"]);
    env.kctl(&["apply", "-f", "ns.yaml"]);
    env.kctl(&["apply", "-f", "two.yaml", "-n", "team"]);
    let edit = |editor: &str, args: &[&str]| {
        let _ = std::fs::remove_file(env.dir.path().join("count"));
        let mut r = env.kctl_env(args, &[("EDITOR", &script(&env, editor))]);
        r.stderr = temp_names(&r.stderr);
        r
    };
    let mut runs = vec![edit("edit.sh", &["apply", "edit-last-applied", "cm", "x", "-o", "json"])];
    let json_input = read(&env, "editor-input.txt");
    runs.push(edit("break.sh", &["apply", "edit-last-applied", "cm", "x"]));
    let reopened = read(&env, "editor-input-2.txt");
    runs.push(edit("repair.sh", &["apply", "edit-last-applied", "cm/x"]));
    runs.push(env.kctl(&["apply", "view-last-applied", "cm", "x"]));
    runs.push(edit("empty.sh", &["apply", "edit-last-applied", "cm", "x"]));
    runs.push(edit("edit.sh", &["apply", "edit-last-applied", "-f", "two.yaml", "-n", "team"]));
    let list_input = read(&env, "editor-input.txt");
    runs.push(env.kctl(&["apply", "view-last-applied", "-f", "two.yaml", "-n", "team"]));
    assert_eq!(codes(&runs), [0, 1, 0, 0, 0, 0, 0], "{}", transcript(&runs));
    assert!(
        runs[3].stdout.contains("a: \"5\"") && runs[3].stdout.contains("b: \"4\""),
        "{}",
        runs[3]
    );
    assert!(runs[6].stdout.contains("a: \"4\""), "{}", runs[6]);
    // No temp file is left but the one kept on purpose.
    let left: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("kctl-edit-"))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    insta::assert_snapshot!(format!(
        "{}\n--- reopened file:\n{reopened}\n--- json file:\n{json_input}\n--- list file:\n{list_input}",
        transcript(&runs)
    ));
}

#[test]
fn edit_last_applied_editor_lookup_and_line_endings() {
    let env = env();
    env.kctl(&["apply", "-f", "cm2.yaml"]);
    let edit = script(&env, "edit.sh");
    let mark = script(&env, "mark.sh");
    // KUBE_EDITOR wins over EDITOR.
    let r = env.kctl_env(
        &["apply", "edit-last-applied", "cm", "x"],
        &[("KUBE_EDITOR", &mark), ("EDITOR", &edit)],
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, "Edit cancelled, no changes made.\n"), "{r}");
    assert_eq!(read(&env, "marker.txt").trim(), mark);
    // An editor command with arguments is split on spaces.
    let r = env.kctl_env(
        &["apply", "edit-last-applied", "cm", "x", "--windows-line-endings"],
        &[("EDITOR", &format!("/bin/sh {edit}"))],
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, "configmap/x edited\n"), "{r}");
    let input = read(&env, "editor-input.txt");
    assert!(input.starts_with("# Please edit") && input.contains("\r\n"), "{input:?}");
    let lines: Vec<&str> = input.split('\n').collect();
    assert!(lines[..lines.len() - 1].iter().all(|l| l.ends_with('\r')), "{input:?}");
    // A missing editor.
    let r =
        env.kctl_env(&["apply", "edit-last-applied", "cm", "x"], &[("EDITOR", "/no/such/editor")]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "error: unable to launch the editor \"/no/such/editor\"\n"),
        "{r}"
    );
    // vi is the fallback: with no editor variables, vi (absent from this PATH) is tried.
    let r = env.kctl_env(&["apply", "edit-last-applied", "cm", "x"], &[("PATH", "/nonexistent")]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "error: unable to launch the editor \"vi\"\n"),
        "{r}"
    );
}

/// The parity scenario: every step as `(args, EDITOR script or "")`.
const SCENARIO: &[(&[&str], &str)] = &[
    (&["apply", "-f", "cm.yaml"], ""),
    (&["create", "-f", "plain.yaml"], ""),
    (&["apply", "-f", "dep.yaml"], ""),
    (&["apply", "view-last-applied", "configmap", "x"], ""),
    (&["apply", "view-last-applied", "cm/x", "-o", "json"], ""),
    (&["apply", "view-last-applied", "deploy", "web"], ""),
    (&["apply", "view-last-applied", "cm", "plain"], ""),
    (&["apply", "view-last-applied", "cm", "-l", "app=demo"], ""),
    (&["apply", "view-last-applied", "cm", "--all", "-o", "json"], ""),
    (&["apply", "set-last-applied", "-f", "cm2.yaml"], ""),
    (&["apply", "set-last-applied", "-f", "cm2.yaml"], ""),
    (&["apply", "set-last-applied", "-f", "plain.yaml"], ""),
    (
        &[
            "apply",
            "set-last-applied",
            "-f",
            "plain.yaml",
            "--create-annotation",
            "--dry-run=server",
        ],
        "",
    ),
    (&["apply", "set-last-applied", "-f", "dep.yaml", "--dry-run=client", "-o", "yaml"], ""),
    (&["apply", "set-last-applied", "-f", "plain.yaml", "--create-annotation", "-o", "name"], ""),
    (&["apply", "view-last-applied", "cm", "plain", "-o", "json"], ""),
    (&["apply", "edit-last-applied", "cm", "x"], "edit.sh"),
    (&["apply", "view-last-applied", "cm", "x"], ""),
    (&["apply", "edit-last-applied", "cm/x", "-o", "json"], "edit.sh"),
    (&["apply", "edit-last-applied", "deploy", "web"], "edit.sh"),
    (&["apply", "view-last-applied", "cm", "nope"], ""),
    (&["apply", "view-last-applied", "cm"], ""),
    (&["apply", "view-last-applied", "cm", "x", "-l", "app=demo"], ""),
    (&["apply", "view-last-applied", "foos", "x"], ""),
    (&["apply", "view-last-applied", "cm", "x", "-o", "wide"], ""),
    (&["apply", "set-last-applied", "cm", "x"], ""),
    (&["apply", "set-last-applied", "-f", "nofile.yaml"], ""),
    (&["apply", "edit-last-applied", "cm", "nope"], "edit.sh"),
    (&["apply", "edit-last-applied"], "edit.sh"),
];

/// kubectl's output with its own name where kctl prints `kctl`.
fn as_kctl(s: &str) -> String {
    s.replace("'kubectl ", "'kctl ").replace("`kubectl ", "`kctl ")
}

#[test]
fn kubectl_and_kctl_agree_on_last_applied() {
    let kenv = env();
    let cenv = env();
    let mut mismatches = Vec::new();
    let mut runs = Vec::new();
    for (args, editor) in SCENARIO {
        let extra: Vec<(&str, String)> =
            if editor.is_empty() { vec![] } else { vec![("EDITOR", script(&kenv, editor))] };
        let kextra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let cscript = script(&cenv, editor);
        let cextra: Vec<(&str, &str)> =
            if editor.is_empty() { vec![] } else { vec![("EDITOR", cscript.as_str())] };
        let k = kenv.kubectl_env(args, &kextra);
        let c = cenv.kctl_env(args, &cextra);
        let (kout, kerr) = (as_kctl(&k.stdout), as_kctl(&k.stderr));
        if (k.code, &kout, &kerr) != (c.code, &c.stdout, &c.stderr) {
            mismatches.push(format!("--- kubectl:\n{k}\n--- kctl:\n{c}"));
        }
        runs.push(c);
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // The resulting objects are identical too.
    let objects = |env: &TestEnv| env.kctl(&["get", "cm,deploy", "-o", "json"]).stdout;
    let (kobjs, cobjs) = (objects(&kenv), objects(&cenv));
    assert!(kobjs.contains("last-applied-configuration"), "{kobjs}");
    assert_eq!(kobjs, cobjs);
    insta::assert_snapshot!(transcript(&runs));
}
