//! Bad manifests: `kctl apply -f testdata/bad/<case>` fails with exit code 1, names the file
//! and line, never panics, and sends nothing (the `--server` listener sees no connection).
//! Also: manifests fetched from an http URL.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `kctl apply` with `args` from the crate root, against a loopback listener that
/// must never be contacted.
fn apply(args: &[&str]) -> Output {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home.path())
        .env("KUBECONFIG", home.path().join("none"))
        .env("NO_COLOR", "1")
        .arg("apply")
        .args(args)
        .args(["--server", &server])
        .output()
        .unwrap();
    listener.set_nonblocking(true).unwrap();
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("kctl contacted the server: {other:?}"),
    }
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the common contract and snapshots stderr.
fn check(case: &str) -> String {
    let path = format!("testdata/bad/{case}");
    let out = apply(&["-f", &path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{case}: {err}");
    assert!(!err.contains("panicked"), "{case}: {err}");
    assert!(out.stdout.is_empty(), "{case}: stdout {:?}", out.stdout);
    err
}

/// The error names `testdata/bad/<file>:<line>:`.
fn assert_located(case: &str, err: &str) {
    let needle = format!("error: testdata/bad/{case}:");
    let rest = err.split(&needle).nth(1).unwrap_or_else(|| panic!("{case}: {err}"));
    let line: String = rest.chars().take_while(char::is_ascii_digit).collect();
    assert!(!line.is_empty(), "{case}: no line in {err}");
}

macro_rules! bad {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let err = check($file);
                assert_located($file, &err);
                insta::assert_snapshot!(stringify!($test), err);
            }
        )*

        /// Every file in testdata/bad is covered by a test above.
        const CASES: &[&str] = &[$($file,)*];
    };
}

bad! {
    bad_syntax_mapping_values => "syntax-mapping-values.yaml",
    bad_tab_indentation => "tab-indentation.yaml",
    bad_duplicate_key => "duplicate-key.yaml",
    bad_not_a_mapping_list => "not-a-mapping-list.yaml",
    bad_not_a_mapping_scalar => "not-a-mapping-scalar.yaml",
    bad_missing_apiversion => "missing-apiversion.yaml",
    bad_missing_kind => "missing-kind.yaml",
    bad_kind_not_string => "kind-not-string.yaml",
    bad_missing_name => "missing-name.yaml",
    bad_missing_metadata => "missing-metadata.yaml",
    bad_metadata_not_mapping => "metadata-not-mapping.yaml",
    bad_name_not_string => "name-not-string.yaml",
    bad_list_item_without_kind => "list-item-without-kind.yaml",
    bad_list_items_not_a_list => "list-items-not-a-list.yaml",
    bad_second_document => "second-document-bad.yaml",
    bad_unclosed_quote => "unclosed-quote.yaml",
    bad_unclosed_bracket => "unclosed-bracket.yaml",
    bad_indentation => "bad-indentation.yaml",
    bad_unknown_anchor => "unknown-anchor.yaml",
    bad_escape => "bad-escape.yaml",
    bad_collection_key => "collection-key.yaml",
    bad_merge_key => "bad-merge-key.yaml",
    bad_tag => "bad-tag.yaml",
    bad_infinity => "infinity.yaml",
    bad_configmap_unquoted_bool => "configmap-unquoted-bool.yaml",
    bad_secret_unquoted_octal => "secret-unquoted-octal.yaml",
    bad_label_unquoted_bool => "label-unquoted-bool.yaml",
    bad_annotation_unquoted_bool => "annotation-unquoted-bool.yaml",
    bad_env_unquoted_bool => "env-unquoted-bool.yaml",
    bad_json_trailing_comma => "json-trailing-comma.json",
    bad_json_truncated => "json-truncated.json",
    bad_json_missing_kind => "json-missing-kind.json",
    bad_control_characters => "control-characters.yaml",
    bad_binary_garbage => "binary-garbage.yaml",
    bad_nul_bytes => "nul-bytes.yaml",
    bad_deep_flow_nesting => "deep-flow-nesting.yaml",
    bad_deep_block_nesting => "deep-block-nesting.yaml",
    bad_alias_bomb => "alias-bomb.yaml",
}

#[test]
fn bad_directory_reports_every_file() {
    let err = check("directory-with-errors");
    assert_located("directory-with-errors/b-missing-name.yml", &err);
    assert_located("directory-with-errors/c-syntax.json", &err);
    assert!(!err.contains("ignored.txt"), "{err}");
    insta::assert_snapshot!("bad_directory_reports_every_file", err);
}

#[test]
fn bad_empty_input() {
    let err = check("empty.yaml");
    assert_eq!(err, "error: no objects passed to apply\n");
}

#[test]
fn bad_missing_file() {
    let out = apply(&["-f", "testdata/bad/does-not-exist.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: the path \"testdata/bad/does-not-exist.yaml\" does not exist\n"
    );
}

#[test]
fn bad_one_bad_file_among_good_ones_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n").unwrap();
    let out = apply(&["-f", good.to_str().unwrap(), "-f", "testdata/bad/missing-kind.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: testdata/bad/missing-kind.yaml:1:1: kind is not set\n");
}

#[test]
fn bad_corpus_is_covered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bad");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let extra = ["directory-with-errors", "empty.yaml"];
    let uncovered: Vec<&String> = files
        .iter()
        .filter(|f| !CASES.contains(&f.as_str()) && !extra.contains(&f.as_str()))
        .collect();
    assert!(uncovered.is_empty(), "add tests for {uncovered:?}");
    assert!(CASES.len() >= 20);
}

/// Serves `routes` (path → (status, body)) on loopback, one request per connection.
fn serve(routes: Vec<(&'static str, u16, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let req = String::from_utf8_lossy(&buf);
            let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, body) = routes
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|(_, s, b)| (*s, b.clone()))
                .unwrap_or((404, "not found".into()));
            let reason = if status == 200 { "OK" } else { "Not Found" };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn url_sources_are_fetched_and_located() {
    let base = serve(vec![
        (
            "/good.yaml",
            200,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  on: \"x\"\n".into(),
        ),
        ("/bad.yaml", 200, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n".into()),
    ]);
    // A good manifest is read (its YAML 1.1 warning names the URL and line) and applied to
    // the bundled apiserver.
    let good = format!("{base}/good.yaml");
    let env = crate::common::TestEnv::in_process();
    let run = env.kctl(&["apply", "-f", &good]);
    assert!(
        run.stderr.contains(&format!(
            "Warning: {good}:6: the unquoted value on is read as the boolean true"
        )),
        "{run}"
    );
    assert_eq!(run.stdout, "configmap/a created\n", "{run}");
    // A bad one is located by URL, line and column.
    let bad = format!("{base}/bad.yaml");
    let out = apply(&["-f", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(&format!("error: {bad}:4:")), "{}", stderr(&out));
    // A missing one reports the HTTP status.
    let missing = format!("{base}/missing.yaml");
    let out = apply(&["-f", &missing]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: unable to read URL \"{missing}\", server reported 404 Not Found, status code=404\n"
        )
    );
}

#[test]
fn stdin_is_read_for_dash() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_kctl"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["apply", "-f", "-", "--server", &server])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: y\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: STDIN:6:6: data.x: the value y is read as the boolean true by YAML 1.1; quote it (\"y\") to keep a string\n"
    );
}
