//! Field validation (`fieldValidation=Strict|Warn|Ignore`, Warn when absent, as
//! kube-apiserver 1.27+): fields a built-in kind does not have, and fields given twice.
//!
//! Unknown fields are found (and dropped, whatever the directive, as kube-apiserver's typed
//! decoding drops them) by the admission step [`admit`], walking the decoded object against
//! the generated field tree ([`crate::apiserver::schema`]). Duplicate fields only
//! show in the raw body, so the handlers call [`check_body`] (a serde visitor over the bytes,
//! recording both kinds of problem in document order, as kube's strict decoder does); the
//! handlers' one decoding of the body notes whether any key is given twice
//! ([`crate::apiserver::handlers::body`]), and a body without is not scanned again.
//! PATCH reports problems in the patched result the way kube-apiserver does per patch type:
//! [`check_patch`].
//!
//! Under Strict a create or update fails with `400 BadRequest` (`<Kind> in version "v1"
//! cannot be handled as a <Kind>: strict decoding error: unknown field "spec.foo", …`) and a
//! patch with `422 Invalid` on the field `patch`; under Warn each problem is a warning.

use super::Attributes;
use crate::apiserver::error::ApiError;
use crate::apiserver::registry::{self, Resource};
use crate::apiserver::schema::{self, FieldTree, Key, Node};
use crate::object::Status;
use crate::object::status::StatusCause;
use crate::patch::PatchType;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;

/// The effective `fieldValidation` directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    /// Drop unknown fields silently.
    Ignore,
    /// Accept the write, warn about each problem (the default).
    Warn,
    /// Reject the write.
    Strict,
}

impl Directive {
    /// Validates the query value of a write whose options are `options` (`CreateOptions`,
    /// `UpdateOptions`, `PatchOptions`), with kube-apiserver's 422 for anything else.
    pub fn validate(q: &str, options: &str) -> Result<Directive, ApiError> {
        if !["", "Ignore", "Strict", "Warn"].contains(&q) {
            let cause = StatusCause {
                reason: "FieldValueNotSupported".into(),
                message: format!(
                    "Unsupported value: {}: supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
                    quote(q)
                ),
                field: "fieldValidation".into(),
            };
            return Err(ApiError::from(Status::invalid("meta.k8s.io", options, "", vec![cause])));
        }
        Ok(Directive::parse(q))
    }

    /// Parses the query value; absent means Warn, as in kube-apiserver.
    pub fn parse(q: &str) -> Directive {
        match q {
            "Ignore" => Directive::Ignore,
            "Strict" => Directive::Strict,
            _ => Directive::Warn,
        }
    }
}

fn unknown(path: &str) -> String {
    format!("unknown field {}", quote(path))
}

fn duplicate(path: &str) -> String {
    format!("duplicate field {}", quote(path))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The root entry of a built-in resource, when field validation applies to it.
fn root(res: &Resource) -> Option<&'static str> {
    if !res.builtin {
        return None;
    }
    // The served resources are the registry's own: their roots are looked up once, by
    // position (a copy of a resource is looked up by name).
    static ROOTS: OnceLock<Vec<Option<&'static str>>> = OnceLock::new();
    let all = registry::builtin();
    let roots = ROOTS.get_or_init(|| {
        all.iter().map(|r| schema::builtin().root(&r.group, &r.version, &r.kind)).collect()
    });
    match all.iter().position(|r| std::ptr::eq(&**r, res)) {
        Some(i) => roots.get(i).copied().flatten(),
        None => schema::builtin().root(&res.group, &res.version, &res.kind),
    }
}

/// `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error: …`.
fn decode_error(res: &Resource, problems: &[String]) -> ApiError {
    ApiError::bad_request(format!(
        "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
        res.kind,
        res.version,
        res.kind,
        problems.join(", ")
    ))
}

/// The admission step: unknown fields of a created or updated built-in object are dropped
/// (as kube-apiserver's typed decoding drops them), and reported per the directive.
pub fn admit(
    a: &Attributes<'_>,
    obj: &mut Value,
    warnings: &mut Vec<String>,
) -> Result<(), ApiError> {
    if a.sub == Some("scale") {
        return Ok(());
    }
    let Some(root) = root(a.res) else { return Ok(()) };
    let directive = Directive::parse(a.field_validation);
    let problems: Vec<String> =
        schema::builtin().prune_unknown(root, obj).iter().map(|p| unknown(p)).collect();
    match directive {
        _ if problems.is_empty() => Ok(()),
        Directive::Strict => Err(decode_error(a.res, &problems)),
        Directive::Warn => {
            warnings.extend(problems);
            Ok(())
        }
        Directive::Ignore => Ok(()),
    }
}

/// Checks a create or update body for duplicate fields. Under Strict a body with any fails
/// with every strict problem of the body, in document order; under Warn the duplicates come
/// back as warnings (unknown fields are left to [`admit`]). `duplicates` tells whether the
/// body names any key twice at all (as the handlers' decoding notes it): without, there is
/// nothing to report and the body is not scanned. `options` names the write's options kind
/// (`CreateOptions` or `UpdateOptions`) for an invalid directive's error.
pub fn check_body(
    res: &Resource,
    body: &[u8],
    duplicates: bool,
    field_validation: &str,
    options: &str,
) -> Result<Vec<String>, ApiError> {
    let directive = Directive::validate(field_validation, options)?;
    if !duplicates {
        return Ok(Vec::new());
    }
    let Some(root) = root(res) else { return Ok(Vec::new()) };
    if directive == Directive::Ignore {
        return Ok(Vec::new());
    }
    let problems = scan(body, Mode::Schema(Node::of(root)));
    if !problems.iter().any(|p| p.0) {
        return Ok(Vec::new());
    }
    match directive {
        Directive::Strict => {
            let all: Vec<String> = problems.into_iter().map(|p| p.1).collect();
            Err(decode_error(res, &all))
        }
        _ => Ok(problems.into_iter().filter(|p| p.0).map(|p| p.1).collect()),
    }
}

/// Field validation of a patch to a built-in object: problems of the patch document itself
/// (duplicate fields; unknown fields of JSON patch operations) and unknown fields of the
/// patched object. Returns the warnings under Warn; under Strict kube-apiserver's
/// `422 Invalid` on the field `patch`, whose value is the patched object (JSON and merge
/// patches) or the decoded patch (strategic merge patch).
pub fn check_patch(
    res: &Resource,
    kind: PatchType,
    body: &[u8],
    patched: &Value,
    field_validation: &str,
) -> Result<Vec<String>, ApiError> {
    let directive = Directive::validate(field_validation, "PatchOptions")?;
    if directive == Directive::Ignore {
        return Ok(Vec::new());
    }
    let Some(root) = root(res) else { return Ok(Vec::new()) };
    let mut problems: Vec<String> = match kind {
        PatchType::Json => scan(body, Mode::Schema(Node::List(JSON_PATCH_OP)))
            .into_iter()
            .map(|p| format!("json patch {}", p.1))
            .collect(),
        _ => scan(body, Mode::Free).into_iter().map(|p| p.1).collect(),
    };
    problems.extend(schema::builtin().unknown_fields(root, patched).iter().map(|p| unknown(p)));
    if problems.is_empty() {
        return Ok(Vec::new());
    }
    if directive == Directive::Warn {
        return Ok(problems);
    }
    let value = match kind {
        PatchType::Strategic => {
            let patch: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            go_format(&patch)
        }
        _ => crate::object::gojson::to_string(patched),
    };
    let message =
        format!("Invalid value: {}: strict decoding error: {}", quote(&value), problems.join(", "));
    let cause = StatusCause { reason: "FieldValueInvalid".into(), message, field: "patch".into() };
    Err(ApiError::from(Status::invalid("", "", "", vec![cause])))
}

/// The pseudo-type of one JSON patch operation (`[]jsonPatchOp` in kube-apiserver).
const JSON_PATCH_OP: &str = "\u{0}jsonPatchOp";

/// Go's `%+v` of a decoded JSON value: `map[a:1 b:[x y]]`.
fn go_format(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => crate::object::gojson::format_float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_format).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(m) => {
            let parts: Vec<String> =
                m.iter().map(|(k, v)| format!("{k}:{}", go_format(v))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// How the scanner treats a value.
#[derive(Debug, Clone, Copy)]
enum Mode<'t> {
    /// Checked against the schema node: unknown and duplicate fields.
    Schema(Node<'t>),
    /// Duplicate fields only.
    Free,
    /// Not looked at (the value of an unknown field).
    Skip,
}

/// Scans a JSON document: `(is_duplicate, message)` per problem, in document order. A body
/// that is not JSON yields nothing (its decoding error is reported elsewhere).
fn scan(body: &[u8], mode: Mode<'_>) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut path = String::new();
    let mut de = serde_json::Deserializer::from_slice(body);
    let seed = Scan { tree: schema::builtin(), mode, path: &mut path, out: &mut out };
    if seed.deserialize(&mut de).is_err() {
        return Vec::new();
    }
    out
}

/// True when some object of `body` names a key twice: the same walk as strict validation's,
/// for checking faster ways of noticing duplicates against it.
#[cfg(test)]
pub(crate) fn has_duplicates(body: &[u8]) -> bool {
    scan(body, Mode::Free).iter().any(|p| p.0)
}

struct Scan<'a, 't> {
    tree: &'t FieldTree,
    mode: Mode<'t>,
    path: &'a mut String,
    out: &'a mut Vec<(bool, String)>,
}

impl<'a, 't> Scan<'a, 't> {
    fn child<'b>(&'b mut self, mode: Mode<'t>) -> Scan<'b, 't> {
        Scan { tree: self.tree, mode, path: self.path, out: self.out }
    }

    /// The mode of the value under `key`, recording an unknown field.
    fn key_mode(&mut self, key: &str) -> Mode<'t> {
        let node = match self.mode {
            Mode::Schema(n) => n,
            other => return other,
        };
        if let Node::Type(JSON_PATCH_OP) = node {
            return if ["op", "path", "from", "value"].contains(&key) {
                Mode::Free
            } else {
                self.out.push((false, unknown(self.path)));
                Mode::Skip
            };
        }
        match self.tree.key(node, key) {
            Some(Key::Known(e)) => match Node::of(e) {
                Node::Any => Mode::Free,
                n => Mode::Schema(n),
            },
            Some(Key::Unknown) => {
                self.out.push((false, unknown(self.path)));
                Mode::Skip
            }
            None => Mode::Free,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Scan<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let item = match self.mode {
            Mode::Schema(Node::List(inner)) if inner == JSON_PATCH_OP => {
                Mode::Schema(Node::Type(JSON_PATCH_OP))
            }
            Mode::Schema(Node::List(inner)) => match Node::of(inner) {
                Node::Any => Mode::Free,
                n => Mode::Schema(n),
            },
            Mode::Skip => Mode::Skip,
            _ => Mode::Free,
        };
        let mut i = 0usize;
        loop {
            let len = self.path.len();
            if !matches!(item, Mode::Skip) {
                schema::push_index(self.path, i);
            }
            let more = seq.next_element_seed(self.child(item))?.is_some();
            self.path.truncate(len);
            if !more {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if matches!(self.mode, Mode::Skip) {
                map.next_value_seed(self.child(Mode::Skip))?;
                continue;
            }
            let len = self.path.len();
            schema::push_key(self.path, &key);
            let mode = self.key_mode(&key);
            if !matches!(mode, Mode::Skip) && !seen.insert(key) {
                self.out.push((true, duplicate(self.path)));
            }
            map.next_value_seed(self.child(mode))?;
            self.path.truncate(len);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::registry;

    fn res(kind: &str) -> std::sync::Arc<Resource> {
        registry::builtin().iter().find(|r| r.kind == kind).cloned().unwrap()
    }

    #[test]
    fn duplicates_and_unknowns_in_document_order() {
        let body = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"},
            "data":{"k":"1","k":"2"},"bogus":{"x":1,"x":2}}"#;
        let e = check_body(&res("ConfigMap"), body, true, "Strict", "CreateOptions").unwrap_err();
        assert_eq!(
            e.0.message,
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: \
             duplicate field \"metadata.name\", duplicate field \"data.k\", unknown field \"bogus\""
        );
        let w = check_body(&res("ConfigMap"), body, true, "", "CreateOptions").unwrap();
        assert_eq!(w, vec!["duplicate field \"metadata.name\"", "duplicate field \"data.k\""]);
        assert!(
            check_body(&res("ConfigMap"), body, true, "Ignore", "CreateOptions")
                .unwrap()
                .is_empty()
        );
        let clean = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"bogus":1}"#;
        assert!(
            check_body(&res("ConfigMap"), clean, true, "Strict", "CreateOptions")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn list_items_carry_their_index() {
        let body = br#"{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c","imagePullPolicyy":"x"}]}}"#;
        let e = check_body(&res("Pod"), body, true, "Strict", "CreateOptions").unwrap_err();
        assert!(
            e.0.message.ends_with(
                "duplicate field \"spec.containers[1].name\", unknown field \"spec.containers[1].imagePullPolicyy\""
            ),
            "{}",
            e.0.message
        );
    }

    #[test]
    fn patch_problems() {
        let patched = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a"}, "spec": {"x": 1}});
        let body = br#"{"spec":{"x":1}}"#;
        let e = check_patch(&res("ConfigMap"), PatchType::Strategic, body, &patched, "Strict")
            .unwrap_err();
        assert_eq!(e.0.code, 422);
        assert_eq!(
            e.0.message,
            " \"\" is invalid: patch: Invalid value: \"map[spec:map[x:1]]\": strict decoding error: unknown field \"spec\""
        );
        let w = check_patch(&res("ConfigMap"), PatchType::Merge, body, &patched, "Warn").unwrap();
        assert_eq!(w, vec!["unknown field \"spec\""]);
        let ops = br#"[{"op":"add","path":"/data","valu":1}]"#;
        let w = check_patch(&res("ConfigMap"), PatchType::Json, ops, &patched, "").unwrap();
        assert_eq!(w, vec!["json patch unknown field \"[0].valu\"", "unknown field \"spec\""]);
    }

    #[test]
    fn every_builtin_kinds_minimal_manifest_passes_strict() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/tables/builtin-kinds.yaml");
        let data = std::fs::read(path).unwrap();
        let (docs, _) = crate::manifest::decode("builtin-kinds.yaml", &data).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for d in &docs {
            let (api_version, kind) =
                (d.object["apiVersion"].as_str().unwrap(), d.object["kind"].as_str().unwrap());
            let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
            let r = registry::builtin()
                .iter()
                .find(|r| r.group == group && r.version == version && r.kind == kind)
                .unwrap_or_else(|| panic!("{api_version} {kind} is not served"));
            seen.insert((r.group.clone(), r.kind.clone()));
            let body = serde_json::to_vec(&d.object).unwrap();
            assert_eq!(
                check_body(r, &body, true, "Strict", "CreateOptions").unwrap(),
                Vec::<String>::new()
            );
            let root = root(r).unwrap();
            assert_eq!(schema::builtin().unknown_fields(root, &d.object), Vec::<String>::new());
        }
        let all: std::collections::BTreeSet<_> =
            registry::builtin().iter().map(|r| (r.group.clone(), r.kind.clone())).collect();
        assert_eq!(seen, all, "a built-in kind has no manifest in builtin-kinds.yaml");
    }

    #[test]
    fn skipping_the_scan_without_duplicates_changes_no_answer() {
        let mut bodies = crate::apiserver::handlers::body::tests::bodies();
        bodies.extend(
            [
                r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"1"},"bogus":1}"#,
                r#"{"kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"1","x":"2"}},"extra":{"y":1,"y":2}}"#,
                r#"{"metadata":{"name":"a"},"bogus":{"x":1,"x":2},"data":{"k":"1"}}"#,
                r#"{"spec":{"containers":[{"name":"a","bad":1},{"name":"b","name":"c"}]},"spec":{}}"#,
                r#"{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"A","value":"1","value":"2"}]}]}}}}"#,
                r#"{"spec":{"selector":{"app":"a","\u0061pp":"b"},"ports":[{"port":80,"port":81}]}}"#,
                r#"{"stringData":{"p":"1"},"stringData":{"p":"2"},"type":"Opaque"}"#,
                r#"{"metadata":{"annotations":{"a":"1"},"annotations":{"b":"2"}}}"#,
            ]
            .map(String::from),
        );
        let kinds = ["ConfigMap", "Pod", "Deployment", "Service", "Secret", "Namespace"];
        for body in &bodies {
            // The handlers stop at a body that does not decode.
            let Ok(decoded) = crate::apiserver::handlers::body::decode(body.as_bytes()) else {
                continue;
            };
            for kind in kinds {
                for fv in ["", "Warn", "Strict", "Ignore", "bogus"] {
                    let old = check_body(&res(kind), body.as_bytes(), true, fv, "CreateOptions");
                    let new = check_body(
                        &res(kind),
                        body.as_bytes(),
                        decoded.duplicates,
                        fv,
                        "CreateOptions",
                    );
                    match (old, new) {
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{kind} {fv} {body}"),
                        (Err(a), Err(b)) => assert_eq!(a.0, b.0, "{kind} {fv} {body}"),
                        (a, b) => panic!("{kind} {fv} {body}: {a:?} vs {b:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn unsupported_directive() {
        let e = check_body(&res("ConfigMap"), b"{}", false, "strict", "UpdateOptions").unwrap_err();
        assert_eq!(
            e.0.message,
            "UpdateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": \
             supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
        );
    }

    #[test]
    fn go_format_matches_fmt_v() {
        let v = serde_json::json!({"b": [1, "x", true, null], "a": {"c": 1.5}});
        assert_eq!(go_format(&v), "map[a:map[c:1.5] b:[1 x true <nil>]]");
    }
}
