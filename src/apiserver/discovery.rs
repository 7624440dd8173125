//! Discovery: aggregated (`apidiscovery.k8s.io/v2` and `v2beta1`, chosen by the Accept
//! header, identified to kubectl by the Content-Type alone) and legacy (`APIVersions`,
//! `APIGroupList`, `APIGroup`, `APIResourceList`), all generated from the registry, plus the
//! storage-less review APIs (`authentication.k8s.io`, `authorization.k8s.io`).

use super::ApiServer;
use super::error::ApiError;
use super::registry::{self, Resource, VERBS};
use super::routes::{json_response, json_response_typed};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value, json};
use std::sync::Arc;

const V2: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const V2BETA1: &str = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/// Which discovery document a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Aggregated, `apidiscovery.k8s.io/<version>`.
    Aggregated(&'static str),
    /// Legacy `APIVersions` / `APIGroupList`.
    Legacy,
}

/// Picks the first acceptable media type in the Accept header.
pub fn negotiate(headers: &HeaderMap) -> Form {
    let accept: Vec<&str> =
        headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    for media in accept.iter().flat_map(|a| a.split(',')) {
        let params: Vec<&str> = media.split(';').map(str::trim).collect();
        if params.contains(&"as=APIGroupDiscoveryList") && params.contains(&"g=apidiscovery.k8s.io")
        {
            if params.contains(&"v=v2") {
                return Form::Aggregated("v2");
            }
            if params.contains(&"v=v2beta1") {
                return Form::Aggregated("v2beta1");
            }
            continue;
        }
        if matches!(params[0], "application/json" | "*/*" | "application/*") {
            return Form::Legacy;
        }
    }
    Form::Legacy
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().map(|s| Value::String(s.clone())).collect())
}

fn aggregated_resource(r: &Resource) -> Value {
    let mut m = Map::new();
    m.insert("resource".into(), json!(r.plural));
    m.insert(
        "responseKind".into(),
        json!({"group": r.group, "version": r.version, "kind": r.kind}),
    );
    m.insert("scope".into(), json!(if r.namespaced { "Namespaced" } else { "Cluster" }));
    m.insert("singularResource".into(), json!(r.singular));
    m.insert("verbs".into(), json!(VERBS));
    if !r.short_names.is_empty() {
        m.insert("shortNames".into(), strings(&r.short_names));
    }
    if !r.categories.is_empty() {
        m.insert("categories".into(), strings(&r.categories));
    }
    let mut subs = Vec::new();
    if r.scale {
        subs.push(json!({"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}, "verbs": ["get", "patch", "update"]}));
    }
    if r.status {
        subs.push(json!({"subresource": "status", "responseKind": {"group": r.group, "version": r.version, "kind": r.kind}, "verbs": ["get", "patch", "update"]}));
    }
    if !subs.is_empty() {
        m.insert("subresources".into(), Value::Array(subs));
    }
    Value::Object(m)
}

/// Resources grouped by version, in first-seen order.
type Versions = Vec<(String, Vec<Value>)>;

/// The aggregated discovery list for the core group (`core = true`) or the named groups.
pub fn aggregated(resources: &[Arc<Resource>], core: bool, version: &str) -> Value {
    let mut groups: Vec<(String, Versions)> = Vec::new();
    for r in resources.iter().filter(|r| r.group.is_empty() == core) {
        let gi = match groups.iter().position(|(g, _)| *g == r.group) {
            Some(i) => i,
            None => {
                groups.push((r.group.clone(), Vec::new()));
                groups.len() - 1
            }
        };
        let versions = &mut groups[gi].1;
        let vi = match versions.iter().position(|(v, _)| *v == r.version) {
            Some(i) => i,
            None => {
                versions.push((r.version.clone(), Vec::new()));
                versions.len() - 1
            }
        };
        versions[vi].1.push(aggregated_resource(r));
    }
    let items: Vec<Value> = groups
        .into_iter()
        .map(|(g, versions)| {
            let mut meta = json!({"creationTimestamp": null});
            if !g.is_empty() {
                meta["name"] = json!(g);
            }
            let versions: Vec<Value> = versions
                .into_iter()
                .map(|(v, res)| json!({"version": v, "resources": res, "freshness": "Current"}))
                .collect();
            json!({"metadata": meta, "versions": versions})
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": format!("apidiscovery.k8s.io/{version}"), "metadata": {}, "items": items})
}

fn respond(
    form: Form,
    aggregated_doc: impl FnOnce(&str) -> Value,
    legacy: impl FnOnce() -> Value,
) -> Response {
    match form {
        Form::Aggregated(v) => {
            let ct = if v == "v2" { V2 } else { V2BETA1 };
            json_response_typed(StatusCode::OK, Bytes::from(aggregated_doc(v).to_string()), ct)
        }
        Form::Legacy => json_response(StatusCode::OK, Bytes::from(legacy().to_string())),
    }
}

/// `GET /api`.
pub async fn api(State(server): State<ApiServer>, headers: HeaderMap) -> Response {
    respond(
        negotiate(&headers),
        |v| aggregated(&server.resources(), true, v),
        || json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": ""}]}),
    )
}

fn group_doc(resources: &[Arc<Resource>], group: &str) -> Option<Value> {
    let versions: Vec<Value> = registry::group_versions(resources)
        .into_iter()
        .filter(|(g, _)| g == group)
        .map(|(g, v)| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
        .collect();
    let preferred = versions.first()?.clone();
    Some(json!({"name": group, "versions": versions, "preferredVersion": preferred}))
}

/// The review APIs the auth middleware answers (`create` only), as
/// `(group, plural, singular, kind, namespaced)`, in kube-apiserver's order; they have no
/// storage, so the registry lacks them.
const REVIEWS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "authentication.k8s.io",
        "selfsubjectreviews",
        "selfsubjectreview",
        "SelfSubjectReview",
        false,
    ),
    ("authentication.k8s.io", "tokenreviews", "tokenreview", "TokenReview", false),
    (
        "authorization.k8s.io",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        "LocalSubjectAccessReview",
        true,
    ),
    (
        "authorization.k8s.io",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        false,
    ),
    (
        "authorization.k8s.io",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        false,
    ),
    (
        "authorization.k8s.io",
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        false,
    ),
];

/// The review groups, in kube-apiserver's order.
const REVIEW_GROUPS: [&str; 2] = ["authentication.k8s.io", "authorization.k8s.io"];

/// Where kube-apiserver lists the review groups: before `autoscaling` (else last).
fn review_position(names: &[&str]) -> usize {
    names.iter().position(|g| *g == "autoscaling").unwrap_or(names.len())
}

/// Adds the review groups to an aggregated `/apis` document.
fn with_review_groups_aggregated(mut doc: Value) -> Value {
    let Some(items) = doc["items"].as_array_mut() else { return doc };
    let names: Vec<&str> =
        items.iter().map(|i| i["metadata"]["name"].as_str().unwrap_or("")).collect();
    let at = review_position(&names);
    let groups: Vec<Value> = REVIEW_GROUPS
        .iter()
        .filter(|g| !names.contains(g))
        .map(|g| {
            let res: Vec<Value> = REVIEWS
                .iter()
                .filter(|r| r.0 == *g)
                .map(|(g, plural, singular, kind, namespaced)| {
                    let scope = if *namespaced { "Namespaced" } else { "Cluster" };
                    json!({"resource": plural, "responseKind": {"group": g, "version": "v1", "kind": kind},
                        "scope": scope, "singularResource": singular, "verbs": ["create"]})
                })
                .collect();
            json!({"metadata": {"name": g, "creationTimestamp": null},
                "versions": [{"version": "v1", "resources": res, "freshness": "Current"}]})
        })
        .collect();
    items.splice(at..at, groups);
    doc
}

fn review_group_doc(group: &str) -> Option<Value> {
    REVIEW_GROUPS.contains(&group).then(|| {
        let v = json!({"groupVersion": format!("{group}/v1"), "version": "v1"});
        json!({"name": group, "versions": [v.clone()], "preferredVersion": v})
    })
}

/// `GET /apis`.
pub async fn apis(State(server): State<ApiServer>, headers: HeaderMap) -> Response {
    let resources = server.resources();
    respond(
        negotiate(&headers),
        |v| with_review_groups_aggregated(aggregated(&resources, false, v)),
        || {
            let mut names: Vec<String> = Vec::new();
            for r in resources.iter().filter(|r| !r.group.is_empty()) {
                if !names.contains(&r.group) {
                    names.push(r.group.clone());
                }
            }
            let mut groups: Vec<Value> =
                names.iter().filter_map(|g| group_doc(&resources, g)).collect();
            let listed: Vec<&str> = names.iter().map(String::as_str).collect();
            let at = review_position(&listed);
            let reviews = REVIEW_GROUPS.iter().filter(|g| !listed.contains(g));
            groups.splice(at..at, reviews.filter_map(|g| review_group_doc(g)));
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        },
    )
}

/// `GET /apis/<group>`.
pub fn group(server: &ApiServer, group: &str) -> Result<Response, ApiError> {
    let mut doc = group_doc(&server.resources(), group)
        .or_else(|| review_group_doc(group))
        .ok_or_else(ApiError::no_route)?;
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Ok(json_response(StatusCode::OK, Bytes::from(doc.to_string())))
}

/// `GET /api/v1` or `GET /apis/<group>/<version>`.
pub fn resource_list(server: &ApiServer, group: &str, version: &str) -> Result<Response, ApiError> {
    let resources: Vec<Arc<Resource>> = server
        .resources()
        .into_iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if resources.is_empty() {
        return review_resource_list(group, version).ok_or_else(ApiError::no_route);
    }
    let mut out = Vec::new();
    for r in &resources {
        let mut m = json!({"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
            "kind": r.kind, "verbs": VERBS});
        if !r.short_names.is_empty() {
            m["shortNames"] = strings(&r.short_names);
        }
        if !r.categories.is_empty() {
            m["categories"] = strings(&r.categories);
        }
        out.push(m);
        if r.scale {
            out.push(json!({"name": format!("{}/scale", r.plural), "singularName": "", "namespaced": r.namespaced,
                "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}));
        }
        if r.status {
            out.push(json!({"name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                "kind": r.kind, "verbs": ["get", "patch", "update"]}));
        }
    }
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    let doc = json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out});
    Ok(json_response(StatusCode::OK, Bytes::from(doc.to_string())).into_response())
}

/// `APIResourceList` of a review group.
fn review_resource_list(group: &str, version: &str) -> Option<Response> {
    if version != "v1" || !REVIEW_GROUPS.contains(&group) {
        return None;
    }
    let out: Vec<Value> = REVIEWS
        .iter()
        .filter(|r| r.0 == group)
        .map(|(_, plural, singular, kind, namespaced)| {
            json!({"name": plural, "singularName": singular, "namespaced": namespaced, "kind": kind, "verbs": ["create"]})
        })
        .collect();
    let doc = json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": format!("{group}/v1"), "resources": out});
    Some(json_response(StatusCode::OK, Bytes::from(doc.to_string())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_header_picks_the_form() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
                .parse()
                .unwrap(),
        );
        assert_eq!(negotiate(&h), Form::Aggregated("v2"));
        h.insert(header::ACCEPT, "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json".parse().unwrap());
        assert_eq!(negotiate(&h), Form::Aggregated("v2beta1"));
        h.insert(header::ACCEPT, "application/json, */*".parse().unwrap());
        assert_eq!(negotiate(&h), Form::Legacy);
    }

    #[test]
    fn aggregated_apps_has_deployments_with_scale() {
        let doc = aggregated(registry::builtin(), false, "v2");
        let apps = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"] == "apps")
            .unwrap();
        let d = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "deployments")
            .unwrap();
        assert_eq!(d["shortNames"], json!(["deploy"]));
        assert_eq!(d["subresources"][0]["subresource"], "scale");
    }

    #[test]
    fn autoscaling_lists_v2_first_then_v1() {
        let doc = aggregated(registry::builtin(), false, "v2");
        let group = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"] == "autoscaling")
            .unwrap();
        let versions: Vec<&Value> = group["versions"].as_array().unwrap().iter().collect();
        assert_eq!(versions.iter().map(|v| &v["version"]).collect::<Vec<_>>(), ["v2", "v1"]);
        for v in versions {
            let hpa = &v["resources"][0];
            assert_eq!(hpa["resource"], "horizontalpodautoscalers");
            assert_eq!(hpa["responseKind"]["version"], v["version"]);
            assert_eq!(hpa["subresources"].as_array().map(Vec::len), Some(1), "status only");
        }
        let legacy = group_doc(registry::builtin(), "autoscaling").unwrap();
        assert_eq!(legacy["preferredVersion"]["version"], "v2");
    }
}
