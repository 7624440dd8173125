//! Version conversion: the one place handlers ask for "stored → served version"
//! ([`to_served`], [`to_served_value`]) and "served → stored" ([`to_storage`]).
//!
//! A built-in kind served at several versions (HorizontalPodAutoscaler: `autoscaling/v2`, the
//! storage version, and `autoscaling/v1`) is stored once, at the version of its first row in
//! the registry ([`storage`]); objects are converted on every read and write of another
//! version ([`hpa`]). Custom resources convert with the CRD `None` strategy
//! ([`crate::apiserver::crd::convert`]). Everything else passes through untouched.

pub mod hpa;

use super::admission::Attributes;
use super::error::ApiError;
use super::registry::{self, Resource};
use bytes::Bytes;
use serde_json::Value;
use std::sync::Arc;

/// The resource objects of built-in `res` are stored at, when it is another version than
/// `res` (`None` for resources stored as they are served, custom resources included).
pub fn storage(res: &Resource) -> Option<Arc<Resource>> {
    if !res.builtin || res.custom.is_some() {
        return None;
    }
    // Asked on every read and write: most resources are served in one version only, which a
    // short list of the others answers.
    static SEVERAL: std::sync::OnceLock<Vec<(&'static str, &'static str)>> =
        std::sync::OnceLock::new();
    let several = SEVERAL.get_or_init(|| {
        let all = registry::builtin();
        let mut out: Vec<(&'static str, &'static str)> = Vec::new();
        for r in all {
            let versions = all.iter().filter(|o| o.group == r.group && o.plural == r.plural);
            if versions.count() > 1 && !out.contains(&(r.group.as_str(), r.plural.as_str())) {
                out.push((r.group.as_str(), r.plural.as_str()));
            }
        }
        out
    });
    if !several.iter().any(|&(g, p)| g == res.group && p == res.plural) {
        return None;
    }
    registry::builtin()
        .iter()
        .find(|r| r.group == res.group && r.plural == res.plural)
        .filter(|r| r.version != res.version)
        .cloned()
}

/// True when objects of `res` are converted between the served and the stored form.
pub fn converts(res: &Resource) -> bool {
    res.custom.is_some() || storage(res).is_some()
}

/// A stored object's JSON as `res` serves it; untouched (and undecoded) when `res` needs
/// no conversion.
pub fn to_served(res: &Resource, json: Bytes) -> Bytes {
    if res.custom.is_some() {
        return super::crd::convert(res, json);
    }
    if storage(res).is_none() {
        return json;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&json) else { return json };
    to_served_value(res, &mut v);
    serde_json::to_vec(&v).map(Bytes::from).unwrap_or(json)
}

/// [`to_served`] on a decoded object.
pub fn to_served_value(res: &Resource, v: &mut Value) {
    if res.custom.is_some() {
        super::crd::convert_value(res, v);
        return;
    }
    if storage(res).is_none() || v["apiVersion"].as_str() == Some(res.api_version().as_str()) {
        return;
    }
    if let Some(f) = converter(res) {
        *v = (f.to_served)(v);
    }
}

/// An object of `res`'s version as it is stored (unchanged when `res` is its storage version).
pub fn to_storage(res: &Resource, v: Value) -> Value {
    if storage(res).is_none() {
        return v;
    }
    match converter(res) {
        Some(f) => (f.to_storage)(&v),
        None => v,
    }
}

/// Readies an incoming object of `a.res`'s version for the storage version: the fields that
/// version does not have are dropped (and reported per `a.field_validation`, as kube's decoder
/// of the request's version does), then the object is converted. Returns the storage resource,
/// which admission runs for; `None` (and `obj` untouched) when `a.res` is stored as served.
pub fn incoming(
    a: &Attributes<'_>,
    obj: &mut Value,
    warnings: &mut Vec<String>,
) -> Result<Option<Arc<Resource>>, ApiError> {
    let Some(storage) = storage(a.res) else { return Ok(None) };
    super::admission::fields::admit(a, obj, warnings)?;
    *obj = to_storage(a.res, std::mem::take(obj));
    Ok(Some(storage))
}

/// The pair of functions converting one served version.
struct Converter {
    to_served: fn(&Value) -> Value,
    to_storage: fn(&Value) -> Value,
}

fn converter(res: &Resource) -> Option<Converter> {
    match (res.group.as_str(), res.version.as_str(), res.kind.as_str()) {
        ("autoscaling", "v1", "HorizontalPodAutoscaler") => {
            Some(Converter { to_served: hpa::to_v1, to_storage: hpa::to_v2 })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_non_storage_builtin_version_has_a_converter() {
        for r in registry::builtin() {
            if storage(r).is_some() {
                assert!(converter(r).is_some(), "{}/{}", r.api_version(), r.kind);
            }
        }
        let v1 = registry::find_builtin("autoscaling", "v1", "horizontalpodautoscalers").unwrap();
        assert_eq!(storage(&v1).unwrap().version, "v2");
        let v2 = registry::find_builtin("autoscaling", "v2", "horizontalpodautoscalers").unwrap();
        assert!(storage(&v2).is_none());
    }

    #[test]
    fn unconverted_resources_pass_bytes_through() {
        let cm = registry::find_builtin("", "v1", "configmaps").unwrap();
        let raw = Bytes::from_static(b"{\"a\":  1}");
        assert_eq!(to_served(&cm, raw.clone()), raw);
    }
}
