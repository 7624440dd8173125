//! Unit tests for manifest reading.

use super::*;
use serde_json::json;

fn dec(s: &str) -> (Vec<Manifest>, Vec<Warning>) {
    decode("x.yaml", s.as_bytes()).unwrap()
}

fn dec_err(s: &str) -> String {
    decode("x.yaml", s.as_bytes()).unwrap_err().to_string()
}

#[test]
fn multi_document() {
    let (m, w) = dec(
        "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n...\n",
    );
    assert!(w.is_empty());
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].object["metadata"]["name"], "a");
    assert_eq!(m[0].origin, Origin { source: "x.yaml".into(), document: 1, line: 4 });
    assert_eq!(m[1].origin.line, 11);
    assert_eq!(m[1].origin.document, 3);
}

#[test]
fn lists_expand_with_item_lines() {
    let (m, _) = dec(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n",
    );
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].origin.line, 4);
    assert_eq!(m[1].origin.line, 7);
    assert_eq!(m[1].object["kind"], "Secret");
    let (m, _) = dec(
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n",
    );
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].object["metadata"]["name"], "a");
    let e =
        dec_err("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: a}\n");
    assert_eq!(e, "x.yaml:4:3: items[0].kind is not set");
}

#[test]
fn exact_big_integers() {
    let (m, _) = dec(
        "apiVersion: v1\nkind: X\nmetadata: {name: a}\nspec:\n  a: 9007199254740993\n  b: 9223372036854775807\n  c: 18446744073709551615\n  d: -9223372036854775808\n",
    );
    let spec = &m[0].object["spec"];
    assert_eq!(spec["a"].as_i64(), Some(9007199254740993));
    assert_eq!(spec["b"].as_i64(), Some(i64::MAX));
    assert_eq!(spec["c"].as_u64(), Some(u64::MAX));
    assert_eq!(spec["d"].as_i64(), Some(i64::MIN));
    let (m, _) = decode(
        "x.json",
        br#"{"apiVersion":"v1","kind":"X","metadata":{"name":"a"},"n":9007199254740993}"#,
    )
    .unwrap();
    assert_eq!(m[0].object["n"].as_i64(), Some(9007199254740993));
    assert_eq!(m[0].object["n"].to_string(), "9007199254740993");
}

#[test]
fn yaml11_values_and_warnings() {
    let src = "apiVersion: v1\nkind: X\nmetadata:\n  name: a\nspec:\n  enabled: yes\n  off: 1\n  mode: 0644\n  hex: 0x10\n  big: 1_000\n  t: true\n  q: \"yes\"\n";
    let (m, w) = dec(src);
    let spec = &m[0].object["spec"];
    assert_eq!(spec["enabled"], json!(true));
    assert_eq!(spec["false"], json!(1), "keys too: off is false");
    assert_eq!(spec["mode"], json!(420));
    assert_eq!(spec["hex"], json!(16));
    assert_eq!(spec["big"], json!(1000));
    assert_eq!(spec["t"], json!(true));
    assert_eq!(spec["q"], json!("yes"));
    let lines: Vec<String> = w.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            "x.yaml:6: the unquoted value yes is read as the boolean true (YAML 1.1, as kubectl reads it); YAML 1.2 reads the string \"yes\"",
            "x.yaml:7: the unquoted value off is read as the boolean false (YAML 1.1, as kubectl reads it); YAML 1.2 reads the string \"off\"",
            "x.yaml:8: the unquoted value 0644 is read as the number 420 (YAML 1.1, as kubectl reads it); YAML 1.2 reads the number 644",
            "x.yaml:10: the unquoted value 1_000 is read as the number 1000 (YAML 1.1, as kubectl reads it); YAML 1.2 reads the string \"1_000\"",
        ]
    );
}

#[test]
fn yaml11_booleans_where_strings_are_required() {
    let e = dec_err(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"1\"\n  enabled: yes\n",
    );
    assert_eq!(
        e,
        r#"x.yaml:7:12: data.enabled: the value yes is read as the boolean true by YAML 1.1; quote it ("yes") to keep a string"#
    );
    let e = dec_err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    on: off\n");
    assert!(e.starts_with("x.yaml:6:9: metadata.labels.true: the value off"), "{e}");
    let e = dec_err(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        env:\n        - name: A\n          value: no\n",
    );
    assert!(
        e.starts_with("x.yaml:11:18: spec.template.spec.containers[0].env[0].value: the value no"),
        "{e}"
    );
    // Quoted: fine.
    dec(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {a: \"yes\"}\ndata:\n  enabled: 'yes'\n",
    );
}

#[test]
fn merge_keys_and_duplicates() {
    let (m, _) = dec(
        "apiVersion: v1\nkind: X\nmetadata: {name: a}\nbase: &b {x: 1, z: 2}\nspec:\n  <<: *b\n  z: 3\n",
    );
    assert_eq!(m[0].object["spec"], json!({"x": 1, "z": 3}));
    let e = dec_err("apiVersion: v1\nkind: X\nmetadata: {name: a}\nkind: Y\n");
    assert_eq!(e, "x.yaml:4:1: mapping key \"kind\" already defined at line 2");
    // Long mappings are indexed: duplicates are found before and after the index is built.
    let keys: String = (0..40).map(|i| format!("  k{i}: {i}\n")).collect();
    let long = format!("apiVersion: v1\nkind: X\nmetadata: {{name: a}}\ndata:\n{keys}");
    assert_eq!(dec(&long).0[0].object["data"].as_object().map(|m| m.len()), Some(40));
    let e = dec_err(&format!("{long}  k2: again\n"));
    assert_eq!(e, "x.yaml:45:3: mapping key \"k2\" already defined at line 7");
    let e = dec_err(&format!("{long}  k39: again\n"));
    assert_eq!(e, "x.yaml:45:3: mapping key \"k39\" already defined at line 44");
    let short = "apiVersion: v1\nkind: X\nmetadata: {name: a}\ndata:\n  a: 1\n  b: 2\n  a: 3\n";
    assert_eq!(dec_err(short), "x.yaml:7:3: mapping key \"a\" already defined at line 5");
}

#[test]
fn checks() {
    assert_eq!(dec_err("- a\n- b\n"), "x.yaml:1:1: the document is a list, not a mapping (object)");
    assert_eq!(dec_err("kind: X\nmetadata: {name: a}\n"), "x.yaml:1:1: apiVersion is not set");
    assert_eq!(dec_err("apiVersion: v1\nmetadata: {name: a}\n"), "x.yaml:1:1: kind is not set");
    assert_eq!(
        dec_err("apiVersion: v1\nkind: X\nmetadata: []\n"),
        "x.yaml:3:11: metadata must be a mapping, not a list"
    );
    assert_eq!(
        dec_err("apiVersion: v1\nkind: X\nmetadata:\n  labels: {}\n"),
        "x.yaml:4:3: metadata.name is not set"
    );
    dec("apiVersion: v1\nkind: X\nmetadata:\n  generateName: a-\n");
    assert!(dec_err("a: b: c\n").starts_with("x.yaml:1:"));
    assert!(dec_err("a:\n\tb: 1\n").starts_with("x.yaml:2:"));
}

#[test]
fn limits() {
    let deep = "[".repeat(100_000);
    assert!(dec_err(&deep).starts_with("x.yaml:1:"));
    let deep: String = (0..5000).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    assert!(dec_err(&deep).starts_with("x.yaml:"));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let p = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    let e = dec_err(&bomb);
    assert!(e.contains("aliases expand to more than"), "{e}");
    let e = decode("x.yaml", &[0xff, 0xfe, 0x00, 0x13]).unwrap_err().to_string();
    assert_eq!(e, "x.yaml:1:1: the input is not UTF-8 text (binary data?)");
}

#[test]
fn json_streams() {
    let (m, _) = decode("x.json", b"{\"apiVersion\":\"v1\",\"kind\":\"A\",\"metadata\":{\"name\":\"a\"}}\n\n{\"apiVersion\":\"v1\",\"kind\":\"A\",\"metadata\":{\"name\":\"b\"}}").unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[1].origin.line, 3);
    assert_eq!(m[1].origin.document, 1);
    let e = decode("x.json", b"{\"apiVersion\":\"v1\",\n\"kind\": }").unwrap_err().to_string();
    assert_eq!(e, "x.json:2:9: expected value");
    // A YAML flow mapping is not JSON but is still read.
    let (m, _) = decode("x.yaml", b"{apiVersion: v1, kind: A, metadata: {name: a}}\n").unwrap();
    assert_eq!(m[0].object["kind"], "A");
}

fn write(dir: &std::path::Path, rel: &str, name: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"))
        .unwrap();
}

fn names(l: &Loaded) -> Vec<String> {
    l.manifests.iter().map(|m| m.object["metadata"]["name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn directories_recursion_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "b.yaml", "b");
    write(d, "a.yml", "a");
    write(d, "c.json", "c"); // YAML inside a .json file is read too
    write(d, "d.txt", "ignored");
    write(d, "sub/e.yaml", "e");
    let l = load(&[Input::Path(d.to_path_buf())], false).unwrap();
    assert_eq!(names(&l), ["a", "b", "c"]);
    let l = load(&[Input::Path(d.to_path_buf())], true).unwrap();
    assert_eq!(names(&l), ["a", "b", "c", "e"]);
    assert!(l.manifests[3].origin.source.ends_with("e.yaml"));
    // A file named directly is read whatever its extension.
    let l = load(
        &[
            Input::Path(d.join("d.txt")),
            Input::Bytes {
                name: "STDIN".into(),
                data: b"apiVersion: v1\nkind: A\nmetadata: {name: s}\n".to_vec(),
            },
        ],
        false,
    )
    .unwrap();
    assert_eq!(names(&l), ["ignored", "s"]);
    assert_eq!(l.manifests[1].origin.source, "STDIN");
}

#[test]
fn all_errors_are_collected() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), "apiVersion: v1\nkind: A\nmetadata: {}\n---\nkind: B\n")
        .unwrap();
    std::fs::write(d.join("b.yaml"), "a: [\n").unwrap();
    let errs = load(&[Input::Path(d.to_path_buf()), Input::Path(d.join("missing.yaml"))], false)
        .unwrap_err();
    assert_eq!(errs.0.len(), 4, "{errs}");
    assert!(errs.0[3].to_string().ends_with("missing.yaml\" does not exist"));
    assert_eq!(load(&[], false).unwrap(), Loaded::default());
}
