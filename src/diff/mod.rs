//! Live vs merged: the file name kubectl gives each object, Secret masking, and unified diff
//! rendering (kctl renders diffs itself; `KUBECTL_EXTERNAL_DIFF` is honoured by `cmd::diff`).

pub mod mask;
pub mod render;

use crate::object::meta;
use serde_json::Value;

/// kubectl's per-object file name: `<group.>version.Kind.namespace.name`
/// (`apps.v1.Deployment.default.web`, `v1.Namespace..team-a`).
pub fn file_name(obj: &Value) -> String {
    let gv = crate::object::GroupVersion::parse(meta::api_version(obj).unwrap_or(""));
    let prefix =
        if gv.group.is_empty() { gv.version } else { format!("{}.{}", gv.group, gv.version) };
    format!(
        "{prefix}.{}.{}.{}",
        meta::kind(obj).unwrap_or(""),
        meta::namespace(obj).unwrap_or(""),
        meta::name(obj).unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn file_names_like_kubectl() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"}});
        assert_eq!(super::file_name(&d), "apps.v1.Deployment.default.web");
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}});
        assert_eq!(super::file_name(&ns), "v1.Namespace..team-a");
    }
}
