//! Object names as kubectl prints them: `deployment.apps/web`, `configmap/cm1`, and the
//! `deployment.apps "web"` form of deletion lines.

/// `<kind lower-cased>[.<group>]`: the type part of kubectl's result lines.
pub fn kind_group(api_version: &str, kind: &str) -> String {
    let group = api_version.split_once('/').map(|(g, _)| g).unwrap_or("");
    let kind = kind.to_lowercase();
    if group.is_empty() { kind } else { format!("{kind}.{group}") }
}

/// `deployment.apps/web`.
pub fn slash_name(api_version: &str, kind: &str, name: &str) -> String {
    format!("{}/{}", kind_group(api_version, kind), name)
}

/// `deployment.apps "web"`.
pub fn quoted_name(api_version: &str, kind: &str, name: &str) -> String {
    format!("{} \"{}\"", kind_group(api_version, kind), name)
}

/// `slash_name` of an object value.
pub fn of(obj: &serde_json::Value) -> String {
    use crate::object::meta;
    slash_name(
        meta::api_version(obj).unwrap_or(""),
        meta::kind(obj).unwrap_or(""),
        meta::name(obj).unwrap_or(""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_kubectl() {
        assert_eq!(slash_name("apps/v1", "Deployment", "web"), "deployment.apps/web");
        assert_eq!(slash_name("v1", "ConfigMap", "cm1"), "configmap/cm1");
        assert_eq!(quoted_name("example.com/v1", "Widget", "w"), "widget.example.com \"w\"");
    }
}
