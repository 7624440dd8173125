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
    let (m, w) = dec("---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n...\n");
    assert!(w.is_empty());
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].object["metadata"]["name"], "a");
    assert_eq!(m[0].origin, Origin { source: "x.yaml".into(), document: 1, line: 4 });
    assert_eq!(m[1].origin.line, 11);
    assert_eq!(m[1].origin.document, 3);
}
