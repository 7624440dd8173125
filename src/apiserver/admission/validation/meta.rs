//! `ValidateObjectMeta` / `ValidateObjectMetaUpdate`: the name (by the kind's rule), labels,
//! annotation keys and their total size. Custom resources get the same checks.

use super::{Errs, go_strings, names, quote};
use crate::apiserver::registry::Resource;
use serde_json::{Map, Value};

/// The largest total size of an object's annotations (keys plus values), in bytes.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// Checks `metadata` (as the root object's, at `metadata`).
pub fn object_meta(errs: &mut Errs, res: &Resource, obj: &Value, old: Option<&Value>) {
    let meta = &obj["metadata"];
    if old.is_none() {
        let rule = if res.builtin {
            names::for_kind(&res.group, &res.kind)
        } else {
            names::dns1123_subdomain
        };
        if let Some(prefix) = meta["generateName"].as_str().filter(|p| !p.is_empty()) {
            // A prefix may end in '-' (the random suffix follows): check it with one appended.
            for msg in rule(&format!("{prefix}a")) {
                errs.invalid("metadata.generateName", &quote(prefix), &msg);
            }
        }
        match meta["name"].as_str().unwrap_or_default() {
            "" => errs.required("metadata.name", "name or generateName is required"),
            name => {
                for msg in rule(name) {
                    errs.invalid("metadata.name", &quote(name), &msg);
                }
            }
        }
    }
    errs.nonnegative("metadata.generation", &meta["generation"]);
    labels(errs, meta["labels"].as_object(), "metadata.labels");
    annotations(errs, meta["annotations"].as_object(), "metadata.annotations");
    finalizers(errs, &meta["finalizers"]);
}

/// `ValidateLabels`: keys are qualified names, values label values.
pub fn labels(errs: &mut Errs, labels: Option<&Map<String, Value>>, field: &str) {
    for (k, v) in labels.into_iter().flatten() {
        for msg in names::qualified_name(k) {
            errs.invalid(field, &quote(k), &msg);
        }
        let v = v.as_str().unwrap_or_default();
        for msg in names::label_value(v) {
            errs.invalid(field, &quote(v), &msg);
        }
    }
}

/// `ValidateAnnotations`: keys are qualified names (case aside), at most 256 KiB in all.
pub fn annotations(errs: &mut Errs, annotations: Option<&Map<String, Value>>, field: &str) {
    let Some(a) = annotations else { return };
    for k in a.keys() {
        // Lower-casing changes only keys with capitals or beyond ASCII: others are used as is.
        let lower = if k.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(k.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(k.as_str())
        };
        for msg in names::qualified_name(&lower) {
            errs.invalid(field, &quote(k), &msg);
        }
    }
    let total: usize = a.iter().map(|(k, v)| k.len() + v.as_str().map_or(0, str::len)).sum();
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.too_long(field, TOTAL_ANNOTATION_SIZE_LIMIT);
    }
}

/// `ValidateFinalizers`: qualified names, and not both dependents policies.
fn finalizers(errs: &mut Errs, f: &Value) {
    let list: Vec<&str> = f.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    for name in &list {
        for msg in names::qualified_name(name) {
            errs.invalid("metadata.finalizers", &quote(name), &msg);
        }
    }
    if list.contains(&"orphan") && list.contains(&"foregroundDeletion") {
        errs.invalid(
            "metadata.finalizers",
            &go_strings(f),
            "finalizer orphan and foregroundDeletion cannot be both set",
        );
    }
}
