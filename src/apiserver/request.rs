//! What a resource request names and asks for: the [`Target`] (resource, namespace, name,
//! subresource) parsed from the URL path, and the [`Query`] parameters kube-apiserver honours.

use super::ApiServer;
use super::error::ApiError;
use super::registry::Resource;
use super::store::{Key, Scope};
use std::sync::Arc;

/// The object or collection a request is about.
#[derive(Debug, Clone)]
pub struct Target {
    /// The resource.
    pub res: Arc<Resource>,
    /// The namespace from the URL; `None` for cluster-scoped resources and all-namespace lists.
    pub namespace: Option<String>,
    /// The object name; `None` for collections.
    pub name: Option<String>,
    /// The subresource (`status`, `scale`).
    pub sub: Option<String>,
}

impl Target {
    /// The store key of the named object.
    pub fn key(&self) -> Key {
        Key::new(
            &self.res.group_resource(),
            self.namespace.as_deref().unwrap_or(""),
            self.name.as_deref().unwrap_or(""),
        )
    }

    /// The store scope of the collection.
    pub fn scope(&self) -> Scope {
        Scope { resource: self.res.group_resource(), namespace: self.namespace.clone() }
    }

    /// The object name, or empty.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }
}

/// Parses the part of a resource path after `/api/v1` or `/apis/<g>/<v>`.
pub fn parse_target(
    server: &ApiServer,
    group: &str,
    version: &str,
    segs: &[&str],
) -> Result<Target, ApiError> {
    let resolve =
        |plural: &str| server.resolve(group, version, plural).ok_or_else(ApiError::no_route);
    let own = |s: &&str| s.to_string();
    // `namespaces/<ns>/<resource>…` is a namespaced path unless the third segment is one of
    // the namespace object's own subresources.
    if segs.len() >= 3
        && segs[0] == "namespaces"
        && !(segs.len() == 3 && matches!(segs[2], "status" | "finalize"))
    {
        let res = resolve(segs[2])?;
        if !res.namespaced || segs.len() > 5 {
            return Err(ApiError::no_route());
        }
        return Ok(Target {
            res,
            namespace: Some(segs[1].to_string()),
            name: segs.get(3).map(own),
            sub: segs.get(4).map(own),
        });
    }
    let Some(plural) = segs.first() else { return Err(ApiError::no_route()) };
    let res = resolve(plural)?;
    if segs.len() > 3 || (res.namespaced && segs.len() > 1) {
        return Err(ApiError::no_route());
    }
    Ok(Target { res, namespace: None, name: segs.get(1).map(own), sub: segs.get(2).map(own) })
}

/// The query parameters the server acts on; unknown ones (`timeout`, `pretty`) are ignored.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// `labelSelector`.
    pub label_selector: String,
    /// `fieldSelector`.
    pub field_selector: String,
    /// `limit` (0: no limit).
    pub limit: usize,
    /// `continue`.
    pub continue_token: String,
    /// `resourceVersion`.
    pub resource_version: String,
    /// `watch=true` (or `1`).
    pub watch: bool,
    /// `allowWatchBookmarks=true`.
    pub allow_bookmarks: bool,
    /// `sendInitialEvents=true`.
    pub send_initial_events: bool,
    /// `timeoutSeconds`.
    pub timeout_seconds: Option<u64>,
    /// `dryRun=All`.
    pub dry_run: bool,
    /// `fieldManager`.
    pub field_manager: String,
    /// `fieldValidation`.
    pub field_validation: String,
    /// `includeObject` for Tables (`None`, `Metadata`, `Object`).
    pub include_object: String,
    /// `propagationPolicy`.
    pub propagation_policy: String,
    /// `gracePeriodSeconds`.
    pub grace_period_seconds: Option<i64>,
}

fn truthy(v: &str) -> bool {
    matches!(v, "true" | "1" | "True")
}

impl Query {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Query, ApiError> {
        let mut q = Query::default();
        let Some(raw) = raw else { return Ok(q) };
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "labelSelector" => q.label_selector = v,
                "fieldSelector" => q.field_selector = v,
                "limit" => {
                    q.limit = v.parse::<i64>().map(|n| n.max(0) as usize).map_err(|_| {
                        ApiError::bad_request(format!("invalid value for limit: {v:?}"))
                    })?
                }
                "continue" => q.continue_token = v,
                "resourceVersion" => q.resource_version = v,
                "watch" => q.watch = truthy(&v),
                "allowWatchBookmarks" => q.allow_bookmarks = truthy(&v),
                "sendInitialEvents" => q.send_initial_events = truthy(&v),
                "timeoutSeconds" => q.timeout_seconds = v.parse().ok(),
                "dryRun" => {
                    if v != "All" {
                        return Err(ApiError::bad_request(format!(
                            "Invalid dry run value: {v}; supported values: [All]"
                        )));
                    }
                    q.dry_run = true
                }
                "fieldManager" => q.field_manager = v,
                "fieldValidation" => q.field_validation = v,
                "includeObject" => q.include_object = v,
                "propagationPolicy" => q.propagation_policy = v,
                "gracePeriodSeconds" => q.grace_period_seconds = v.parse().ok(),
                _ => {}
            }
        }
        Ok(q)
    }
}

/// Parses a `resourceVersion` string; empty is `None`.
pub fn parse_rv(rv: &str, res: &Resource, name: &str) -> Result<Option<u64>, ApiError> {
    if rv.is_empty() {
        return Ok(None);
    }
    rv.parse::<u64>().map(Some).map_err(|_| {
        ApiError::from(crate::object::Status::invalid(
            &res.group,
            &res.kind,
            name,
            vec![crate::object::status::StatusCause {
                reason: "FieldValueInvalid".into(),
                message: format!("Invalid value: {rv:?}: must be a valid resourceVersion"),
                field: "metadata.resourceVersion".into(),
            }],
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(group: &str, path: &str) -> Result<Target, ApiError> {
        let server = ApiServer::in_memory();
        let segs: Vec<&str> = path.split('/').collect();
        parse_target(&server, group, "v1", &segs)
    }

    #[test]
    fn url_forms() {
        let x = t("", "namespaces/default/configmaps/cm1").unwrap();
        assert_eq!(
            (x.namespace.as_deref(), x.name.as_deref(), x.sub.as_deref()),
            (Some("default"), Some("cm1"), None)
        );
        let x = t("apps", "namespaces/ns/deployments/web/scale").unwrap();
        assert_eq!(x.sub.as_deref(), Some("scale"));
        let x = t("", "configmaps").unwrap();
        assert!(x.namespace.is_none() && x.name.is_none(), "all-namespaces list");
        let x = t("", "namespaces/team-a/status").unwrap();
        assert_eq!(
            (x.res.plural.as_str(), x.name.as_deref(), x.sub.as_deref()),
            ("namespaces", Some("team-a"), Some("status"))
        );
        let x = t("", "nodes/n1").unwrap();
        assert_eq!(x.name.as_deref(), Some("n1"));
        assert!(t("", "configmaps/cm1").is_err(), "namespaced object needs a namespace");
        assert!(t("", "namespaces/default/nodes").is_err(), "cluster-scoped under a namespace");
        assert!(t("", "widgets").is_err());
    }

    #[test]
    fn query_parameters() {
        let q = Query::parse(Some(
            "labelSelector=app%3Dweb&limit=5&watch=true&dryRun=All&timeoutSeconds=3",
        ))
        .unwrap();
        assert_eq!(
            (q.label_selector.as_str(), q.limit, q.watch, q.dry_run, q.timeout_seconds),
            ("app=web", 5, true, true, Some(3))
        );
        assert!(Query::parse(Some("dryRun=Some")).is_err());
    }
}
