//! CustomResourceDefinitions, as kube-apiserver's apiextensions server serves them.
//!
//! | module | owns |
//! |---|---|
//! | [`definition`] | checking a CRD, its defaults and status (accepted names, stored versions, conditions) |
//! | [`schema`] | structural schemas: pruning, defaulting and validating custom objects |
//! | [`admission`] | the admission steps for CRDs and custom objects |
//! | [`cleanup`] | deleting a CRD deletes its objects first |
//!
//! A CRD's served versions become [`Resource`](super::registry::Resource)s (see
//! `Resource::from_crd`) once its `Established` condition is true; each carries a [`Custom`]
//! with what the write path, `/scale` and Tables need. Versions convert with the `None`
//! strategy: an object read at another version than it was written at only has its
//! `apiVersion` rewritten ([`convert`]). CEL rules (`x-kubernetes-validations`) and conversion
//! webhooks are not supported.

pub mod admission;
pub mod cleanup;
pub mod definition;
pub mod schema;

use bytes::Bytes;
use serde_json::Value;

/// The group and plural of CustomResourceDefinitions.
pub const CRD_GROUP: &str = "apiextensions.k8s.io";
/// The store resource of CRDs.
pub const CRD_RESOURCE: &str = "customresourcedefinitions.apiextensions.k8s.io";

/// Where a custom resource's `scale` subresource reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePaths {
    /// `specReplicasPath`, e.g. `.spec.replicas`.
    pub spec_replicas: String,
    /// `statusReplicasPath`, e.g. `.status.replicas`.
    pub status_replicas: String,
    /// `labelSelectorPath`, if declared.
    pub label_selector: Option<String>,
}

/// What the server needs to know about one served version of a CRD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custom {
    /// The CRD's name (`widgets.example.com`).
    pub crd: String,
    /// The storage version.
    pub storage: String,
    /// The version's `openAPIV3Schema` (`Null` when absent).
    pub schema: Value,
    /// `additionalPrinterColumns`.
    pub columns: Vec<Value>,
    /// The `scale` subresource paths, when declared.
    pub scale: Option<ScalePaths>,
    /// The CRD is being deleted (its `Terminating` condition is true): no new objects.
    pub terminating: bool,
}

impl Custom {
    /// Reads one entry of `spec.versions`.
    pub fn from_version(crd: &Value, version: &Value) -> Custom {
        let versions = crd["spec"]["versions"].as_array().cloned().unwrap_or_default();
        let storage = versions
            .iter()
            .find(|v| v["storage"].as_bool() == Some(true))
            .and_then(|v| v["name"].as_str())
            .unwrap_or_default()
            .to_string();
        let scale = version["subresources"].get("scale").map(|s| ScalePaths {
            spec_replicas: s["specReplicasPath"].as_str().unwrap_or(".spec.replicas").into(),
            status_replicas: s["statusReplicasPath"].as_str().unwrap_or(".status.replicas").into(),
            label_selector: s["labelSelectorPath"].as_str().map(String::from),
        });
        Custom {
            crd: crd["metadata"]["name"].as_str().unwrap_or_default().to_string(),
            storage,
            schema: version["schema"]["openAPIV3Schema"].clone(),
            columns: version["additionalPrinterColumns"].as_array().cloned().unwrap_or_default(),
            scale,
            terminating: condition_true(crd, "Terminating"),
        }
    }
}

/// True when a CRD's condition `kind` has status `True`.
pub fn condition_true(crd: &Value, kind: &str) -> bool {
    crd["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == kind && c["status"] == "True"))
}

/// The `None` conversion strategy: an object of a custom resource read at `res`'s version
/// gets that `apiVersion`, whatever version it was written at. Other objects pass through
/// untouched (and undecoded).
pub fn convert(res: &crate::apiserver::registry::Resource, json: Bytes) -> Bytes {
    if res.custom.is_none() {
        return json;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&json) else { return json };
    if convert_value(res, &mut v) {
        serde_json::to_vec(&v).map(Bytes::from).unwrap_or(json)
    } else {
        json
    }
}

/// [`convert`] on a decoded object; true when it changed.
pub fn convert_value(res: &crate::apiserver::registry::Resource, v: &mut Value) -> bool {
    let want = res.api_version();
    if res.custom.is_none() || v["apiVersion"].as_str() == Some(want.as_str()) {
        return false;
    }
    match v.as_object_mut() {
        Some(m) => {
            m.insert("apiVersion".into(), Value::String(want));
            true
        }
        None => false,
    }
}

/// Splits a simple JSON path (`.spec.replicas`) into its keys.
pub fn path_keys(path: &str) -> Vec<&str> {
    path.split('.').filter(|s| !s.is_empty()).collect()
}

/// Reads a value at a simple JSON path.
pub fn get_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    path_keys(path).iter().try_fold(obj, |cur, k| cur.get(*k))
}
