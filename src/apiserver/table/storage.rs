//! Table printer of storage.k8s.io/v1 storage classes.

use super::{AGE, Col, Ctx, NAME, Printer, s};
use serde_json::{Value, json};

const SC: &str = "io.k8s.api.storage.v1.StorageClass";

/// The printer of a storage.k8s.io/v1 kind.
pub fn printer(kind: &str) -> Option<Printer> {
    (kind == "StorageClass").then_some(Printer { columns: SC_COLUMNS, row: storage_class })
}

const SC_COLUMNS: &[Col] = &[
    NAME,
    Col::field("Provisioner", SC, "provisioner"),
    Col::field("ReclaimPolicy", SC, "reclaimPolicy"),
    Col::field("VolumeBindingMode", SC, "volumeBindingMode"),
    Col::field("AllowVolumeExpansion", SC, "allowVolumeExpansion"),
    AGE,
];

fn storage_class(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let annotations = &o["metadata"]["annotations"];
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| s(&annotations[*a]) == "true");
    let mut name = s(&o["metadata"]["name"]).to_string();
    if default {
        name.push_str(" (default)");
    }
    vec![
        json!(name),
        json!(s(&o["provisioner"])),
        json!(o["reclaimPolicy"].as_str().unwrap_or("Delete")),
        json!(o["volumeBindingMode"].as_str().unwrap_or("Immediate")),
        json!(o["allowVolumeExpansion"].as_bool().unwrap_or(false)),
        ctx.age(o),
    ]
}
