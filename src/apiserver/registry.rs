//! The built-in resource table: for every kind the server knows, its group, version, plural
//! and singular names, short names, scope, categories and subresources. Discovery, OpenAPI and
//! request routing all read this one table; custom resources (from stored CRDs) are resolved
//! into the same [`Resource`] shape.

use serde_json::Value;
use std::sync::Arc;

/// The standard verbs of a read-write resource, in discovery order.
pub const VERBS: &[&str] =
    &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/// One resource the server serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// API group; empty for the core group.
    pub group: String,
    /// Version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name (URL segment).
    pub plural: String,
    /// Singular resource name.
    pub singular: String,
    /// Short names (`deploy`, `cm`).
    pub short_names: Vec<String>,
    /// True for namespaced resources.
    pub namespaced: bool,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Serves the `status` subresource.
    pub status: bool,
    /// Serves the `scale` subresource (at `spec.replicas`).
    pub scale: bool,
    /// `metadata.generation` is maintained (bumped on spec changes).
    pub generation: bool,
    /// True for kinds compiled into Kubernetes (strategic merge patch allowed).
    pub builtin: bool,
    /// For a custom resource: its CRD version's schema, printer columns and scale paths.
    pub custom: Option<Arc<crate::apiserver::crd::Custom>>,
}

impl Resource {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// True when `av` is [`Resource::api_version`] (compared without building it).
    pub fn is_api_version(&self, av: &str) -> bool {
        if self.group.is_empty() {
            return av == self.version;
        }
        av.strip_prefix(self.group.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|v| v == self.version)
    }

    /// The storage key's resource part: `configmaps` or `deployments.apps`.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The URL prefix of this group-version: `/api/v1` or `/apis/apps/v1`.
    pub fn gv_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// Builds a resource from a stored CustomResourceDefinition's served versions (whether or
    /// not it is established: [`ApiServer::custom_resources`](super::ApiServer::custom_resources)
    /// serves only established ones).
    pub fn from_crd(crd: &Value) -> Vec<Resource> {
        let spec = &crd["spec"];
        let names = &spec["names"];
        let str_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let strs = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        let (group, plural, kind) =
            (str_of(&spec["group"]), str_of(&names["plural"]), str_of(&names["kind"]));
        if group.is_empty() || plural.is_empty() || kind.is_empty() {
            return Vec::new();
        }
        let mut singular = str_of(&names["singular"]);
        if singular.is_empty() {
            singular = kind.to_lowercase();
        }
        let versions = spec["versions"].as_array().cloned().unwrap_or_default();
        // The storage version is listed first so it is the preferred one.
        let mut out: Vec<(bool, Resource)> = versions
            .iter()
            .filter(|v| v["served"].as_bool().unwrap_or(true))
            .filter_map(|v| {
                let version = v["name"].as_str()?.to_string();
                Some((
                    v["storage"].as_bool().unwrap_or(false),
                    Resource {
                        group: group.clone(),
                        version,
                        kind: kind.clone(),
                        plural: plural.clone(),
                        singular: singular.clone(),
                        short_names: strs(&names["shortNames"]),
                        namespaced: spec["scope"].as_str() != Some("Cluster"),
                        categories: strs(&names["categories"]),
                        status: v["subresources"].get("status").is_some(),
                        scale: v["subresources"].get("scale").is_some(),
                        generation: true,
                        builtin: false,
                        custom: Some(Arc::new(crate::apiserver::crd::Custom::from_version(crd, v))),
                    },
                ))
            })
            .collect();
        out.sort_by_key(|(storage, _)| !storage);
        out.into_iter().map(|(_, r)| r).collect()
    }
}

/// Flags of a built-in table row.
const NS: u8 = 1;
const STATUS: u8 = 2;
const SCALE: u8 = 4;
const GEN: u8 = 8;
const ALL: u8 = 16;

/// (group, version, kind, plural, short names, flags)
type Row = (&'static str, &'static str, &'static str, &'static str, &'static [&'static str], u8);

const BUILTIN: &[Row] = &[
    ("", "v1", "ConfigMap", "configmaps", &["cm"], NS),
    ("", "v1", "Endpoints", "endpoints", &["ep"], NS),
    ("", "v1", "Event", "events", &["ev"], NS),
    ("", "v1", "LimitRange", "limitranges", &["limits"], NS),
    ("", "v1", "Namespace", "namespaces", &["ns"], STATUS),
    ("", "v1", "Node", "nodes", &["no"], STATUS),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", &["pvc"], NS | STATUS),
    ("", "v1", "PersistentVolume", "persistentvolumes", &["pv"], STATUS),
    ("", "v1", "Pod", "pods", &["po"], NS | STATUS | ALL),
    ("", "v1", "PodTemplate", "podtemplates", &[], NS | GEN),
    (
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        &["rc"],
        NS | STATUS | SCALE | GEN | ALL,
    ),
    ("", "v1", "ResourceQuota", "resourcequotas", &["quota"], NS | STATUS),
    ("", "v1", "Secret", "secrets", &[], NS),
    ("", "v1", "ServiceAccount", "serviceaccounts", &["sa"], NS),
    ("", "v1", "Service", "services", &["svc"], NS | STATUS | ALL),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        &["crd", "crds"],
        STATUS | GEN,
    ),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", &[], NS),
    ("apps", "v1", "DaemonSet", "daemonsets", &["ds"], NS | STATUS | GEN | ALL),
    ("apps", "v1", "Deployment", "deployments", &["deploy"], NS | STATUS | SCALE | GEN | ALL),
    ("apps", "v1", "ReplicaSet", "replicasets", &["rs"], NS | STATUS | SCALE | GEN | ALL),
    ("apps", "v1", "StatefulSet", "statefulsets", &["sts"], NS | STATUS | SCALE | GEN | ALL),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        &["hpa"],
        NS | STATUS | ALL,
    ),
    // Served at v1 too, stored at v2 (the first row of a group and plural is the storage and
    // preferred version; `conversion` converts the others).
    (
        "autoscaling",
        "v1",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        &["hpa"],
        NS | STATUS | ALL,
    ),
    ("batch", "v1", "CronJob", "cronjobs", &["cj"], NS | STATUS | GEN | ALL),
    ("batch", "v1", "Job", "jobs", &[], NS | STATUS | GEN | ALL),
    ("coordination.k8s.io", "v1", "Lease", "leases", &[], NS),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", &[], NS | GEN),
    ("events.k8s.io", "v1", "Event", "events", &["ev"], NS),
    ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", &[], GEN),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", &["ing"], NS | STATUS | GEN),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", &["netpol"], NS | GEN),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", &["pdb"], NS | STATUS | GEN),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", &[], 0),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", &[], 0),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", &[], NS),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", &[], NS),
    ("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", &["pc"], GEN),
    ("storage.k8s.io", "v1", "StorageClass", "storageclasses", &["sc"], 0),
];

/// The built-in resources, in discovery order (core first, then groups by name).
pub fn builtin() -> &'static [Arc<Resource>] {
    static TABLE: std::sync::OnceLock<Vec<Arc<Resource>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|&(group, version, kind, plural, short, flags)| {
                Arc::new(Resource {
                    group: group.into(),
                    version: version.into(),
                    kind: kind.into(),
                    plural: plural.into(),
                    singular: kind.to_lowercase(),
                    short_names: short.iter().map(|s| s.to_string()).collect(),
                    namespaced: flags & NS != 0,
                    categories: if flags & ALL != 0 { vec!["all".into()] } else { vec![] },
                    status: flags & STATUS != 0,
                    scale: flags & SCALE != 0,
                    generation: flags & GEN != 0,
                    builtin: true,
                    custom: None,
                })
            })
            .collect()
    })
}

/// Finds a built-in resource by group, version and plural.
pub fn find_builtin(group: &str, version: &str, plural: &str) -> Option<Arc<Resource>> {
    builtin()
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
        .cloned()
}

/// The group-versions a list of resources spans, in first-seen order.
pub fn group_versions(resources: &[Arc<Resource>]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in resources {
        let gv = (r.group.clone(), r.version.clone());
        if !out.contains(&gv) {
            out.push(gv);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_api_version_agrees_with_api_version() {
        let candidates = [
            "",
            "v1",
            "v2",
            "/v1",
            "apps/v1",
            "apps/v1/",
            "apps//v1",
            "appsv1",
            "batch/v1",
            "autoscaling/v2",
        ];
        for r in builtin() {
            assert!(r.is_api_version(&r.api_version()), "{}", r.api_version());
            for c in candidates {
                assert_eq!(r.is_api_version(c), c == r.api_version(), "{} vs {c}", r.api_version());
            }
        }
    }

    #[test]
    fn prune_allowlist_kinds_are_builtin() {
        for (g, p) in [
            ("", "configmaps"),
            ("", "endpoints"),
            ("", "namespaces"),
            ("", "persistentvolumeclaims"),
            ("", "persistentvolumes"),
            ("", "pods"),
            ("", "replicationcontrollers"),
            ("", "secrets"),
            ("", "services"),
            ("batch", "jobs"),
            ("batch", "cronjobs"),
            ("networking.k8s.io", "ingresses"),
            ("apps", "daemonsets"),
            ("apps", "deployments"),
            ("apps", "replicasets"),
            ("apps", "statefulsets"),
        ] {
            assert!(builtin().iter().any(|r| r.group == g && r.plural == p), "{g}/{p}");
        }
    }

    #[test]
    fn crd_versions_become_resources() {
        let crd = serde_json::json!({"spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "kind": "Widget"},
            "versions": [{"name": "v1beta1", "served": true}, {"name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}}}]}});
        let rs = Resource::from_crd(&crd);
        assert_eq!(rs[0].version, "v1");
        assert!(rs[0].status && !rs[0].builtin && rs[0].namespaced);
        assert_eq!(rs[1].singular, "widget");
    }
}
