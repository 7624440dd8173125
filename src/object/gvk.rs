//! Group, version, kind and resource identities, parsed from `apiVersion` strings.

use std::fmt;

/// A group and version, as in an object's `apiVersion` (`apps/v1`, or `v1` for the core group).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupVersion {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version, such as `v1`.
    pub version: String,
}

impl GroupVersion {
    /// Parses an `apiVersion` value: `v1` is the core group, `apps/v1` the `apps` group.
    pub fn parse(api_version: &str) -> GroupVersion {
        match api_version.split_once('/') {
            Some((g, v)) => GroupVersion { group: g.to_string(), version: v.to_string() },
            None => GroupVersion { group: String::new(), version: api_version.to_string() },
        }
    }

    /// The `apiVersion` form: `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

impl fmt::Display for GroupVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.api_version())
    }
}

/// A kind within a group and version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupVersionKind {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version.
    pub version: String,
    /// The kind, such as `Deployment`.
    pub kind: String,
}

impl GroupVersionKind {
    /// Builds a GVK from an `apiVersion` and a `kind`.
    pub fn from_api_version(api_version: &str, kind: &str) -> GroupVersionKind {
        let gv = GroupVersion::parse(api_version);
        GroupVersionKind { group: gv.group, version: gv.version, kind: kind.to_string() }
    }

    /// The group and version of this kind.
    pub fn group_version(&self) -> GroupVersion {
        GroupVersion { group: self.group.clone(), version: self.version.clone() }
    }

    /// The `apiVersion` form of the group and version.
    pub fn api_version(&self) -> String {
        self.group_version().api_version()
    }
}

/// A resource (plural, lowercase) within a group and version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupVersionResource {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version.
    pub version: String,
    /// The plural resource name, such as `deployments`.
    pub resource: String,
}

impl GroupVersionResource {
    /// `deployments.apps` or `configmaps`: the form kubectl uses in messages.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_core_and_grouped_api_versions() {
        let core = GroupVersion::parse("v1");
        assert_eq!(core.group, "");
        assert_eq!(core.api_version(), "v1");
        let apps = GroupVersionKind::from_api_version("apps/v1", "Deployment");
        assert_eq!(apps.group, "apps");
        assert_eq!(apps.api_version(), "apps/v1");
    }
}
