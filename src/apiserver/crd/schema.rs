//! Structural schemas (`openAPIV3Schema`) applied to custom objects, in kube-apiserver's
//! order: [`prune`] drops fields the schema does not declare (and reports them for
//! `fieldValidation`), [`default`] fills in `default:` values and drops nulls of
//! non-nullable fields, [`validate`] checks the result with kube-apiserver's messages.
//!
//! Field paths are dotted (`spec.size`); array items are `[i]` in pruning reports and `.i`
//! in validation errors, as upstream's pruner and OpenAPI validator name them.

use crate::object::status::StatusCause;
use crate::print::jsonpath::go_float;
use serde_json::{Map, Value};

/// The `metadata` fields of every object (`ObjectMeta`); others are pruned.
const OBJECT_META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

fn child(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn flag(s: &Value, name: &str) -> bool {
    s.get(name).and_then(Value::as_bool) == Some(true)
}

/// Drops the fields of `obj` that `schema` does not declare; returns their paths. The root
/// (and every `x-kubernetes-embedded-resource`) keeps `apiVersion`, `kind` and the
/// `ObjectMeta` fields of `metadata`.
pub fn prune(schema: &Value, obj: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    prune_at(schema, obj, "", true, &mut out);
    out
}

/// Prunes a value below an object's root (a schema's `default`); returns the dropped paths.
pub fn prune_value(schema: &Value, v: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    prune_at(schema, v, "", false, &mut out);
    out
}

fn prune_meta(meta: &mut Value, path: &str, out: &mut Vec<String>) {
    if let Some(m) = meta.as_object_mut() {
        let unknown: Vec<String> =
            m.keys().filter(|k| !OBJECT_META.contains(&k.as_str())).cloned().collect();
        for k in unknown {
            m.remove(&k);
            out.push(child(path, &k));
        }
    }
}

fn prune_at(s: &Value, v: &mut Value, path: &str, resource: bool, out: &mut Vec<String>) {
    if !s.is_object() || flag(s, "x-kubernetes-int-or-string") {
        return;
    }
    match v {
        Value::Object(map) => {
            let preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
            let props = s.get("properties").and_then(Value::as_object);
            let additional = s.get("additionalProperties");
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let p = child(path, &k);
                if resource && matches!(k.as_str(), "apiVersion" | "kind") {
                    continue;
                }
                if resource && k == "metadata" {
                    if let Some(m) = map.get_mut(&k) {
                        prune_meta(m, &p, out);
                    }
                    continue;
                }
                let Some(val) = map.get_mut(&k) else { continue };
                if let Some(ps) = props.and_then(|ps| ps.get(&k)) {
                    let embedded = flag(ps, "x-kubernetes-embedded-resource");
                    prune_at(ps, val, &p, embedded, out);
                } else if let Some(a) = additional.filter(|a| a.is_object()) {
                    let embedded = flag(a, "x-kubernetes-embedded-resource");
                    prune_at(a, val, &p, embedded, out);
                } else if additional != Some(&Value::Bool(true)) && !preserve {
                    map.remove(&k);
                    out.push(p);
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = s.get("items") {
                let embedded = flag(is, "x-kubernetes-embedded-resource");
                for (i, item) in items.iter_mut().enumerate() {
                    prune_at(is, item, &format!("{path}[{i}]"), embedded, out);
                }
            }
        }
        _ => {}
    }
}

/// Fills in `default:` values for absent fields (and for nulls of non-nullable ones), and
/// drops nulls of non-nullable fields without a default, at every level.
pub fn default(schema: &Value, obj: &mut Value) {
    if !schema.is_object() {
        return;
    }
    match obj {
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, ps) in props {
                    let missing = map.get(k).is_none_or(|v| v.is_null() && !flag(ps, "nullable"));
                    if !missing {
                        continue;
                    }
                    match ps.get("default") {
                        Some(d) => {
                            map.insert(k.clone(), d.clone());
                        }
                        None => {
                            if map.get(k).is_some_and(Value::is_null) {
                                map.remove(k);
                            }
                        }
                    }
                }
                for (k, v) in map.iter_mut() {
                    if let Some(ps) = props.get(k) {
                        default(ps, v);
                    }
                }
            } else if let Some(a) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for v in map.values_mut() {
                    default(a, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = schema.get("items") {
                for item in items {
                    default(is, item);
                }
            }
        }
        _ => {}
    }
}

/// Go's `%v`/`%q` of a decoded JSON value, as `field.Error` prints a bad value.
pub fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Number(n) => go_float(n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
        Value::Null => "\"null\"".into(),
        Value::Array(_) | Value::Object(_) => go_literal(v),
    }
}

/// Go's `%#v` of a decoded JSON value (`map[string]interface {}{"name":"a"}`).
fn go_literal(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, x)| {
                    format!("{}:{}", serde_json::to_string(k).unwrap_or_default(), go_literal(x))
                })
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(go_literal).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        Value::Null => "interface {}(nil)".into(),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("{n}"),
        other => go_value(other),
    }
}

/// A number as the validator prints a schema bound: integral values as integers.
fn bound(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { go_float(f) }
}

fn cause(reason: &str, field: &str, message: String) -> StatusCause {
    StatusCause { reason: reason.into(), message, field: field.into() }
}

fn invalid(path: &str, value: &Value, detail: String) -> StatusCause {
    cause("FieldValueInvalid", path, format!("Invalid value: {}: {detail}", go_value(value)))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_integer(v: &Value) -> bool {
    v.as_i64().is_some()
        || v.as_u64().is_some()
        || v.as_f64().is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

fn type_ok(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => is_integer(v),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    }
}

/// Validates `obj` against `schema`; returns the errors as `Status` causes.
pub fn validate(schema: &Value, obj: &Value) -> Vec<StatusCause> {
    let mut errs = Vec::new();
    validate_at(schema, obj, "", true, &mut errs);
    errs
}

/// Validates a value below an object's root (a schema's `default`).
pub fn validate_value(schema: &Value, v: &Value) -> Vec<StatusCause> {
    let mut errs = Vec::new();
    validate_at(schema, v, "", false, &mut errs);
    errs
}

fn validate_at(s: &Value, v: &Value, path: &str, root: bool, errs: &mut Vec<StatusCause>) {
    if !s.is_object() {
        return;
    }
    let name = if path.is_empty() { "." } else { path };
    if v.is_null() && flag(s, "nullable") {
        return;
    }
    // Type.
    let (ty, ty_ok) = if flag(s, "x-kubernetes-int-or-string") {
        ("integer,string", is_integer(v) || v.is_string())
    } else {
        match s.get("type").and_then(Value::as_str) {
            Some(t) => (t, type_ok(t, v)),
            None => ("", true),
        }
    };
    if !ty_ok {
        let got = Value::String(type_name(v).into());
        errs.push(cause(
            "FieldValueTypeInvalid",
            path,
            format!(
                "Invalid value: {}: {name} in body must be of type {ty}: {}",
                go_value(&got),
                go_value(&got)
            ),
        ));
        return;
    }
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    match v {
        Value::String(text) => {
            let len = text.chars().count() as f64;
            if let Some(max) = num("maxLength")
                && len > max
            {
                errs.push(cause(
                    "FieldValueTooLong",
                    path,
                    format!(
                        "Too long: may not be more than {} {}",
                        bound(max),
                        if max == 1.0 { "byte" } else { "bytes" }
                    ),
                ));
            }
            if let Some(min) = num("minLength")
                && len < min
            {
                errs.push(invalid(
                    path,
                    v,
                    format!("{name} in body should be at least {} chars long", bound(min)),
                ));
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str)
                && regex::Regex::new(p).is_ok_and(|re| !re.is_match(text))
            {
                errs.push(invalid(path, v, format!("{name} in body should match '{p}'")));
            }
            if let Some(f) = s.get("format").and_then(Value::as_str)
                && !format_ok(f, text)
            {
                errs.push(cause(
                    "FieldValueTypeInvalid",
                    path,
                    format!(
                        "Invalid value: {}: {name} in body must be of type {f}: {}",
                        go_value(v),
                        go_value(v)
                    ),
                ));
            }
        }
        Value::Number(_) => {
            let x = v.as_f64().unwrap_or(0.0);
            if let Some(m) = num("multipleOf")
                && m > 0.0
                && (x / m).fract() != 0.0
            {
                errs.push(invalid(
                    path,
                    v,
                    format!("{name} in body should be a multiple of {}", bound(m)),
                ));
            }
            if let Some(max) = num("maximum") {
                let excl = flag(s, "exclusiveMaximum");
                if x > max || (excl && x == max) {
                    let how = if excl { "less than" } else { "less than or equal to" };
                    errs.push(invalid(
                        path,
                        v,
                        format!("{name} in body should be {how} {}", bound(max)),
                    ));
                }
            }
            if let Some(min) = num("minimum") {
                let excl = flag(s, "exclusiveMinimum");
                if x < min || (excl && x == min) {
                    let how = if excl { "greater than" } else { "greater than or equal to" };
                    errs.push(invalid(
                        path,
                        v,
                        format!("{name} in body should be {how} {}", bound(min)),
                    ));
                }
            }
        }
        Value::Array(items) => {
            let n = items.len() as f64;
            if let Some(max) = num("maxItems")
                && n > max
            {
                errs.push(cause(
                    "FieldValueTooMany",
                    path,
                    format!("Too many: {}: must have at most {} items", items.len(), bound(max)),
                ));
            }
            if let Some(min) = num("minItems")
                && n < min
            {
                errs.push(invalid(
                    path,
                    &Value::from(items.len()),
                    format!("{name} in body should have at least {} items", bound(min)),
                ));
            }
            if flag(s, "uniqueItems")
                && items.iter().enumerate().any(|(i, x)| items[..i].contains(x))
            {
                errs.push(invalid(
                    path,
                    &Value::String(String::new()),
                    format!("{name} in body shouldn't contain duplicates"),
                ));
            }
        }
        Value::Object(map) => {
            let n = map.len() as f64;
            if let Some(max) = num("maxProperties")
                && n > max
            {
                errs.push(cause(
                    "FieldValueTooMany",
                    path,
                    format!("Too many: {}: must have at most {} items", map.len(), bound(max)),
                ));
            }
            if let Some(min) = num("minProperties")
                && n < min
            {
                errs.push(invalid(
                    path,
                    &Value::from(map.len()),
                    format!("{name} in body should have at least {} properties", bound(min)),
                ));
            }
        }
        _ => {}
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        let list: Vec<String> = allowed.iter().map(go_value).collect();
        errs.push(cause(
            "FieldValueNotSupported",
            path,
            format!("Unsupported value: {}: supported values: {}", go_value(v), list.join(", ")),
        ));
    }
    match v {
        Value::Object(map) => validate_object(s, map, path, root, errs),
        Value::Array(items) => {
            list_type(s, items, path, errs);
            if let Some(is) = s.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate_at(is, item, &child(path, &i.to_string()), false, errs);
                }
            }
        }
        _ => {}
    }
}

fn validate_object(
    s: &Value,
    map: &Map<String, Value>,
    path: &str,
    root: bool,
    errs: &mut Vec<StatusCause>,
) {
    for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
        if let Some(r) = r.as_str()
            && !map.contains_key(r)
        {
            errs.push(cause("FieldValueRequired", &child(path, r), "Required value".into()));
        }
    }
    let props = s.get("properties").and_then(Value::as_object);
    let additional = s.get("additionalProperties").filter(|a| a.is_object());
    for (k, v) in map {
        if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        if let Some(ps) = props.and_then(|p| p.get(k)).or(additional) {
            validate_at(ps, v, &child(path, k), false, errs);
        }
    }
}

/// `x-kubernetes-list-type: set` (items unique) and `map` (keys unique).
fn list_type(s: &Value, items: &[Value], path: &str, errs: &mut Vec<StatusCause>) {
    match s.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("set") => {
            for (i, x) in items.iter().enumerate() {
                if items[..i].contains(x) {
                    errs.push(cause(
                        "FieldValueDuplicate",
                        &format!("{path}[{i}]"),
                        format!("Duplicate value: {}", go_value(x)),
                    ));
                }
            }
        }
        Some("map") => {
            let keys: Vec<&str> = s
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let key_of = |x: &Value| -> Value {
                let mut m = Map::new();
                for k in &keys {
                    if let Some(v) = x.get(*k) {
                        m.insert((*k).to_string(), v.clone());
                    }
                }
                Value::Object(m)
            };
            let ks: Vec<Value> = items.iter().map(key_of).collect();
            for i in 0..ks.len() {
                if ks[..i].contains(&ks[i]) {
                    errs.push(cause(
                        "FieldValueDuplicate",
                        &format!("{path}[{i}]"),
                        format!("Duplicate value: {}", go_literal(&ks[i])),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// The string formats kube-apiserver checks; unknown formats pass.
fn format_ok(format: &str, s: &str) -> bool {
    use base64::Engine as _;
    match format {
        "date-time" | "datetime" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        "byte" => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => s.split_once('/').is_some_and(|(ip, bits)| {
            let max = if ip.parse::<std::net::Ipv4Addr>().is_ok() {
                32
            } else if ip.parse::<std::net::Ipv6Addr>().is_ok() {
                128
            } else {
                return false;
            };
            bits.parse::<u8>().is_ok_and(|b| b <= max)
        }),
        "uuid" => {
            let parts: Vec<&str> = s.split('-').collect();
            parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
                && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
        }
        "hostname" => {
            s.len() <= 255
                && s.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                })
        }
        "email" => s.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn widget_schema() -> Value {
        json!({"type": "object", "properties": {
            "spec": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$"},
                "size": {"type": "string", "enum": ["small", "large"], "default": "small"},
                "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
                "ratio": {"type": "number", "exclusiveMaximum": true, "maximum": 1.5},
                "port": {"x-kubernetes-int-or-string": true},
                "when": {"type": "string", "format": "date-time"},
                "note": {"type": "string", "nullable": true},
                "tags": {"type": "array", "maxItems": 3, "items": {"type": "string"},
                    "x-kubernetes-list-type": "set"},
                "ports": {"type": "array", "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "properties": {"name": {"type": "string"},
                        "mode": {"type": "string", "default": "tcp"}}}},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                    "properties": {"known": {"type": "object", "properties": {"a": {"type": "string"}}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                    "x-kubernetes-preserve-unknown-fields": true},
            }},
            "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
        }})
    }

    fn messages(obj: Value) -> Vec<String> {
        validate(&widget_schema(), &obj)
            .into_iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect()
    }

    #[test]
    fn prunes_unknown_fields_and_honours_preserve() {
        let mut obj = json!({"apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": {"name": "w", "bogus": 1},
            "spec": {"name": "ab", "foo": 1, "extra": {"anything": [1], "known": {"a": "x", "b": 2}},
                "ports": [{"name": "a", "zzz": true}], "labels": {"x": "y"},
                "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "junk": 1}, "spec": {}}},
            "other": true});
        let pruned = prune(&widget_schema(), &mut obj);
        assert_eq!(
            pruned,
            vec![
                "metadata.bogus",
                "other",
                "spec.extra.known.b",
                "spec.foo",
                "spec.ports[0].zzz",
                "spec.template.metadata.junk"
            ]
        );
        assert_eq!(obj["spec"]["extra"]["anything"], json!([1]));
        assert_eq!(obj["spec"]["template"]["spec"], json!({}));
        assert_eq!(obj["metadata"], json!({"name": "w"}));
    }

    #[test]
    fn no_schema_prunes_nothing() {
        let mut obj = json!({"spec": {"a": 1}});
        assert!(prune(&Value::Null, &mut obj).is_empty());
        assert_eq!(obj["spec"]["a"], 1);
    }

    #[test]
    fn defaults_fill_absent_and_null_fields_at_every_level() {
        let mut obj = json!({"spec": {"name": "ab", "replicas": null, "note": null,
            "ports": [{"name": "a"}, {"name": "b", "mode": "udp"}]}});
        default(&widget_schema(), &mut obj);
        assert_eq!(obj["spec"]["size"], "small");
        assert_eq!(obj["spec"]["replicas"], 1);
        assert_eq!(obj["spec"]["note"], Value::Null, "nullable keeps null");
        assert_eq!(obj["spec"]["ports"][0]["mode"], "tcp");
        assert_eq!(obj["spec"]["ports"][1]["mode"], "udp");
        assert!(obj.get("status").is_none(), "no default, no object");
        let mut no_default = json!({"spec": {"name": "ab", "when": null}});
        default(&widget_schema(), &mut no_default);
        assert!(no_default["spec"].get("when").is_none(), "null without default is dropped");
    }

    #[test]
    fn validation_messages_match_kube_apiserver() {
        let errs = messages(json!({"spec": {"size": "huge", "replicas": 11}}));
        assert_eq!(
            errs,
            vec![
                "spec.name: Required value",
                "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
                "spec.size: Unsupported value: \"huge\": supported values: \"small\", \"large\"",
            ]
        );
        let errs = messages(json!({"spec": {"name": "ABCDEFGHIJ", "replicas": "3", "ratio": 1.5,
            "port": true, "when": "yesterday", "tags": ["a", "b", "a", "c"],
            "ports": [{"name": "x"}, {"name": "x"}], "labels": {"k": 1}}}));
        assert_eq!(
            errs,
            vec![
                "spec.labels.k: Invalid value: \"integer\": spec.labels.k in body must be of type string: \"integer\"",
                "spec.name: Too long: may not be more than 8 bytes",
                "spec.name: Invalid value: \"ABCDEFGHIJ\": spec.name in body should match '^[a-z]+$'",
                "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"",
                "spec.ports[1]: Duplicate value: map[string]interface {}{\"name\":\"x\"}",
                "spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5",
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
                "spec.tags: Too many: 4: must have at most 3 items",
                "spec.tags[2]: Duplicate value: \"a\"",
                "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"",
            ]
        );
        let errs = messages(json!({"spec": {"name": "a", "replicas": -1, "port": 80}}));
        assert_eq!(
            errs,
            vec![
                "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long",
                "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0",
            ]
        );
        assert!(
            messages(json!({"spec": {"name": "ok", "port": "http", "replicas": 3.0}})).is_empty()
        );
    }

    #[test]
    fn unique_items_and_array_paths() {
        let s = json!({"type": "object", "properties": {"xs": {"type": "array", "uniqueItems": true, "minItems": 2,
            "items": {"type": "integer", "maximum": 5}}}});
        let errs: Vec<String> = validate(&s, &json!({"xs": [7, 7]}))
            .into_iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        assert_eq!(
            errs,
            vec![
                "xs: Invalid value: \"\": xs in body shouldn't contain duplicates",
                "xs.0: Invalid value: 7: xs.0 in body should be less than or equal to 5",
                "xs.1: Invalid value: 7: xs.1 in body should be less than or equal to 5",
            ]
        );
    }
}
