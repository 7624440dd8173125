//! The decoder against the generator's fixtures: Go's protobuf bytes of two fuzzed objects per
//! kind (some fields nil, every field set), and Go's JSON of the same objects decoded back.

use super::*;
use std::path::PathBuf;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/protobuf")
}

/// Every kind's fixture: (name, protobuf bytes, Go's JSON).
fn fixtures() -> Vec<(String, Vec<u8>, Value)> {
    let mut out = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".pb").map(str::to_string))
        .collect();
    names.sort();
    for name in names {
        let pb = std::fs::read(fixtures_dir().join(format!("{name}.pb"))).unwrap();
        let json = std::fs::read(fixtures_dir().join(format!("{name}.json")))
            .unwrap_or_else(|_| panic!("{name}.json is missing"));
        out.push((name, pb, serde_json::from_slice(&json).unwrap()));
    }
    out
}

/// A message of length-delimited fields.
fn msg(fields: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, data) in fields {
        out.push((n << 3) | 2);
        out.push(u8::try_from(data.len()).unwrap());
        out.extend_from_slice(data);
    }
    out
}

fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let tm = msg(&[(1, api_version.as_bytes()), (2, kind.as_bytes())]);
    let mut out = b"k8s\0".to_vec();
    out.extend(msg(&[(1, &tm), (2, raw)]));
    out
}

#[test]
fn every_kind_has_a_fixture_and_decodes_as_go_marshals_it() {
    let schema = schema::get().unwrap();
    let fixtures = fixtures();
    let mut covered = std::collections::BTreeSet::new();
    for (name, pb, want) in &fixtures {
        let got = decode(pb).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.object, *want, "{name} decodes differently from Go's JSON");
        // The fixture is named after the kind it holds: `<group|core>.<version>.<Kind>`.
        let gv = match got.api_version.split_once('/') {
            Some((g, v)) => format!("{g}.{v}"),
            None => format!("core.{}", got.api_version),
        };
        let kind = format!("{gv}.{}", got.kind);
        assert!(*name == kind || *name == format!("{kind}.full"), "{name} holds a {kind}");
        covered.insert(kind);
    }
    // Each kind has two fixtures: some fields nil, and every field set.
    assert_eq!(fixtures.len(), 2 * schema.kind_count(), "a kind of the schema lacks a fixture");
    assert_eq!(covered.len(), schema.kind_count(), "a kind of the schema has no fixture");
}

#[test]
fn corrupted_and_truncated_bodies_are_errors_not_panics() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (name, pb, _) in fixtures() {
        // Every truncation of the envelope's first bytes, then a spread of cut points.
        for cut in (0..pb.len()).step_by(1 + pb.len() / 64) {
            if let Ok(d) = decode(&pb[..cut]) {
                // Cutting at a field boundary can leave a valid (smaller) object.
                assert!(d.object.is_object(), "{name} cut at {cut}");
            }
        }
        for _ in 0..64 {
            let mut b = pb.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() as usize) % b.len();
                b[i] = next() as u8;
            }
            let _ = decode(&b);
        }
    }
}

#[test]
fn malformed_envelopes_name_the_problem() {
    assert_eq!(decode(b"{}"), Err(DecodeError::NoMagic));
    assert_eq!(decode(b"k8s\0\x0a\x05"), Err(DecodeError::Truncated));
    let unknown = b"k8s\0\x0a\x0c\x0a\x02v1\x12\x06Nobody";
    assert_eq!(
        decode(unknown),
        Err(DecodeError::UnknownKind { api_version: "v1".into(), kind: "Nobody".into() })
    );
    // A ConfigMap whose name (metadata field 1) is not UTF-8.
    let bad = envelope("v1", "ConfigMap", &msg(&[(1, &msg(&[(1, b"\xff")]))]));
    assert_eq!(decode(&bad), Err(DecodeError::Utf8("name".into())));
    // A varint where metadata's message belongs.
    let wrong = envelope("v1", "ConfigMap", &[0x08, 0x01]);
    assert!(matches!(decode(&wrong), Err(DecodeError::WireType { .. })));
    assert!(to_json(&bad).unwrap_err().starts_with("unable to decode the protobuf request body"));
}

#[test]
fn a_minimal_config_map_has_go_json_zero_values() {
    // metadata{name: "x"}, data{"a": "b"}
    let entry = msg(&[(1, b"a"), (2, b"b")]);
    let raw = msg(&[(1, &msg(&[(1, b"x")])), (2, &entry)]);
    let body = envelope("v1", "ConfigMap", &raw);
    let d = decode(&body).unwrap();
    assert_eq!(
        d.object,
        serde_json::json!({
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "x", "creationTimestamp": null},
            "data": {"a": "b"}
        })
    );
}

#[test]
fn decoded_objects_have_no_field_strict_validation_rejects() {
    // Every field Go marshals must be one the built-in field tree knows, or kubectl's
    // `fieldValidation=Strict` would refuse protobuf bodies.
    let tree = crate::apiserver::schema::builtin();
    let mut checked = 0;
    for (name, pb, _) in fixtures() {
        let d = decode(&pb).unwrap();
        let (group, version) = d.api_version.split_once('/').unwrap_or(("", &d.api_version));
        let Some(root) = tree.root(group, version, &d.kind) else { continue };
        let mut obj = d.object.clone();
        let unknown = tree.prune_unknown(root, &mut obj);
        assert!(unknown.is_empty(), "{name}: unknown fields {unknown:?}");
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} kinds have a field tree");
}
