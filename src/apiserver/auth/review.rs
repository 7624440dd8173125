//! The review APIs and the RBAC write checks: `SelfSubjectAccessReview` (what
//! `kubectl auth can-i` asks), `SubjectAccessReview` and `LocalSubjectAccessReview` (the same
//! question about a user named in the spec), `SelfSubjectRulesReview` (`can-i --list`),
//! `SelfSubjectReview` (`auth whoami`), `TokenReview`, `TokenRequest`
//! (`kubectl create token`), and kube-apiserver's escalation prevention for Roles,
//! ClusterRoles and their bindings.

// `Status` is the error type of the whole API; boxing it here alone would buy nothing.
#![allow(clippy::result_large_err)]

use super::attrs::Attributes;
use super::rbac::{self, GROUP, Rule};
use super::{UserInfo, forbidden};
use crate::apiserver::ApiServer;
use crate::apiserver::error::ApiError;
use crate::apiserver::routes::json_response;
use crate::apiserver::store::Key;
use crate::object::Status;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Value, json};

fn created(v: &Value) -> Response {
    json_response(StatusCode::CREATED, Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
}

fn bad_body(kind: &str, e: impl std::fmt::Display) -> Response {
    ApiError::bad_request(format!("error decoding {kind}: {e}")).into_response()
}

/// Answers the review and token APIs; `None` for every other request.
pub fn handle(
    server: &ApiServer,
    user: &UserInfo,
    a: &Attributes,
    body: &[u8],
    protobuf: bool,
) -> Option<Response> {
    if !a.resource_request || a.verb != "create" {
        return None;
    }
    enum Endpoint<'a> {
        Access(Subject<'a>),
        TokenReview,
        RulesReview,
        SelfReview,
        Token,
    }
    let endpoint = match (a.group.as_str(), a.resource.as_str(), a.subresource.as_str()) {
        ("authorization.k8s.io", "selfsubjectaccessreviews", "") => {
            Endpoint::Access(Subject::Caller(user))
        }
        ("authorization.k8s.io", "subjectaccessreviews", "") => Endpoint::Access(Subject::Given),
        ("authorization.k8s.io", "localsubjectaccessreviews", "") => {
            Endpoint::Access(Subject::Local(&a.namespace))
        }
        ("authentication.k8s.io", "tokenreviews", "") => Endpoint::TokenReview,
        ("authorization.k8s.io", "selfsubjectrulesreviews", "") => Endpoint::RulesReview,
        ("authentication.k8s.io", "selfsubjectreviews", "") => Endpoint::SelfReview,
        ("", "serviceaccounts", "token") => Endpoint::Token,
        _ => return None,
    };
    let body = match crate::apiserver::protobuf::json_body(protobuf, body) {
        Ok(b) => b,
        Err(message) => return Some(ApiError::bad_request(message).into_response()),
    };
    let body = &*body;
    Some(match endpoint {
        Endpoint::Access(subject) => access_review(server, subject, body),
        Endpoint::TokenReview => token_review(server, body),
        Endpoint::RulesReview => rules_review(server, user, body),
        Endpoint::SelfReview => self_review(user),
        Endpoint::Token => token_request(server, a, body),
    })
}

/// Whose access an access review asks about.
#[derive(Clone, Copy)]
enum Subject<'a> {
    /// The caller (`SelfSubjectAccessReview`).
    Caller(&'a UserInfo),
    /// The user in the spec (`SubjectAccessReview`).
    Given,
    /// The user in the spec, in the request's namespace (`LocalSubjectAccessReview`).
    Local(&'a str),
}

impl Subject<'_> {
    fn kind(self) -> &'static str {
        match self {
            Subject::Caller(_) => "SelfSubjectAccessReview",
            Subject::Given => "SubjectAccessReview",
            Subject::Local(_) => "LocalSubjectAccessReview",
        }
    }
}

fn invalid_review(kind: &str, field: &str, reason: &str, message: String) -> Response {
    ApiError::from(Status::invalid(
        "authorization.k8s.io",
        kind,
        "",
        vec![crate::object::status::StatusCause {
            reason: reason.into(),
            message,
            field: field.into(),
        }],
    ))
    .into_response()
}

/// The user a `SubjectAccessReview` spec names (`user`, `groups`, `uid`).
fn spec_user(spec: &Value) -> UserInfo {
    let str_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
    UserInfo {
        name: str_of(&spec["user"]),
        uid: str_of(&spec["uid"]),
        groups: spec["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g.as_str().map(String::from))
            .collect(),
    }
}

fn access_review(server: &ApiServer, subject: Subject<'_>, body: &[u8]) -> Response {
    let kind = subject.kind();
    let mut review: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return bad_body(kind, e),
    };
    let spec = &review["spec"];
    let given;
    let user = match subject {
        Subject::Caller(u) => u,
        Subject::Given | Subject::Local(_) => {
            given = spec_user(spec);
            if given.name.is_empty() && given.groups.is_empty() {
                return invalid_review(
                    kind,
                    "spec.user",
                    "FieldValueInvalid",
                    "Invalid value: \"\": at least one of user or group must be specified".into(),
                );
            }
            &given
        }
    };
    if let Subject::Local(ns) = subject {
        let asked = spec["resourceAttributes"]["namespace"].as_str().unwrap_or_default();
        if spec.get("nonResourceAttributes").is_some_and(|v| v.is_object()) {
            return invalid_review(
                kind,
                "spec.nonResourceAttributes",
                "FieldValueInvalid",
                "Invalid value: \"\": disallowed on this kind of request".into(),
            );
        }
        if asked != ns {
            return invalid_review(
                kind,
                "spec.resourceAttributes.namespace",
                "FieldValueInvalid",
                format!("Invalid value: {asked:?}: must match metadata.namespace"),
            );
        }
    }
    let str_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let a = if let Some(r) = spec.get("resourceAttributes").filter(|v| v.is_object()) {
        Attributes {
            verb: str_of(&r["verb"]),
            resource_request: true,
            group: str_of(&r["group"]),
            version: str_of(&r["version"]),
            resource: str_of(&r["resource"]),
            subresource: str_of(&r["subresource"]),
            name: str_of(&r["name"]),
            namespace: str_of(&r["namespace"]),
            path: String::new(),
        }
    } else if let Some(n) = spec.get("nonResourceAttributes").filter(|v| v.is_object()) {
        Attributes { verb: str_of(&n["verb"]), path: str_of(&n["path"]), ..Default::default() }
    } else {
        return invalid_review(
            kind,
            "spec.resourceAttributes",
            "FieldValueRequired",
            "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
        );
    };
    let d = rbac::authorize(server, user, &a);
    let mut status = json!({"allowed": d.allowed});
    if !d.reason.is_empty() {
        status["reason"] = json!(d.reason);
    }
    review["status"] = status;
    review["apiVersion"] = json!("authorization.k8s.io/v1");
    review["kind"] = json!(kind);
    let mut meta = json!({"creationTimestamp": null});
    if let Subject::Local(ns) = subject {
        meta["namespace"] = json!(ns);
    }
    review["metadata"] = meta;
    created(&review)
}

/// `TokenReview`: who a bearer token (a static token or a ServiceAccount token this server
/// issued) authenticates as. Without `--auth` no token authenticates anyone.
fn token_review(server: &ApiServer, body: &[u8]) -> Response {
    let mut review: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return bad_body("TokenReview", e),
    };
    let token = review["spec"]["token"].as_str().unwrap_or_default().to_string();
    let user = server.auth().filter(|_| !token.is_empty()).and_then(|cfg| {
        cfg.tokens
            .lookup(&token)
            .cloned()
            .or_else(|| cfg.signer().verify(server, &token, server.clock().now().timestamp()))
    });
    let status = match user {
        Some(u) => {
            let mut info = json!({"username": u.name, "groups": u.groups});
            if !u.uid.is_empty() {
                info["uid"] = json!(u.uid);
            }
            let mut st = json!({"authenticated": true, "user": info});
            if let Some(aud) = review["spec"]["audiences"].as_array().filter(|a| !a.is_empty()) {
                st["audiences"] = Value::Array(aud.clone());
            }
            st
        }
        None => json!({"user": {}, "error": "[invalid bearer token]"}),
    };
    review["status"] = status;
    review["apiVersion"] = json!("authentication.k8s.io/v1");
    review["kind"] = json!("TokenReview");
    review["metadata"] = json!({"creationTimestamp": null});
    created(&review)
}

fn self_review(user: &UserInfo) -> Response {
    let mut info = json!({"username": user.name, "groups": user.groups});
    if !user.uid.is_empty() {
        info["uid"] = json!(user.uid);
    }
    created(&json!({
        "kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"creationTimestamp": null}, "status": {"userInfo": info},
    }))
}

fn rules_review(server: &ApiServer, user: &UserInfo, body: &[u8]) -> Response {
    let mut review: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return bad_body("SelfSubjectRulesReview", e),
    };
    let ns = review["spec"]["namespace"].as_str().unwrap_or_default().to_string();
    let rules = if server.auth().is_none() && user.is_master() {
        rbac::full_authority()
    } else {
        rbac::rules_for(server, user, &ns)
    };
    let (mut res, mut non) = (Vec::new(), Vec::new());
    for r in &rules {
        if !r.resources.is_empty() {
            let mut j =
                json!({"verbs": r.verbs, "apiGroups": r.api_groups, "resources": r.resources});
            if !r.resource_names.is_empty() {
                j["resourceNames"] = json!(r.resource_names);
            }
            res.push(j);
        }
        if !r.non_resource_urls.is_empty() {
            non.push(json!({"verbs": r.verbs, "nonResourceURLs": r.non_resource_urls}));
        }
    }
    review["status"] = json!({"resourceRules": res, "nonResourceRules": non, "incomplete": false});
    review["apiVersion"] = json!("authorization.k8s.io/v1");
    review["kind"] = json!("SelfSubjectRulesReview");
    review["metadata"] = json!({"creationTimestamp": null});
    created(&review)
}

fn token_request(server: &ApiServer, a: &Attributes, body: &[u8]) -> Response {
    // Without authentication nothing verifies the token, but clients still get one, signed
    // with a key of this process.
    static UNAUTHENTICATED: std::sync::OnceLock<Option<super::authn::TokenSigner>> =
        std::sync::OnceLock::new();
    let signer = match server.auth() {
        Some(cfg) => Some(cfg.signer()),
        None => UNAUTHENTICATED.get_or_init(super::authn::TokenSigner::random).as_ref(),
    };
    let Some(signer) = signer else {
        return ApiError::internal("cannot sign the token").into_response();
    };
    let mut tr: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad_body("TokenRequest", e),
        }
    };
    let Some(sa) = server
        .store()
        .get(&Key::new("serviceaccounts", &a.namespace, &a.name))
        .ok()
        .flatten()
        .map(|s| s.value())
    else {
        return ApiError::from(Status::not_found("", "serviceaccounts", &a.name)).into_response();
    };
    let secs = tr["spec"]["expirationSeconds"].as_i64().unwrap_or(3600);
    if secs < 600 {
        return ApiError::bad_request("spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes").into_response();
    }
    let now = server.clock().now();
    let audiences: Vec<String> = tr["spec"]["audiences"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .filter(|a: &Vec<String>| !a.is_empty())
        .unwrap_or_else(|| vec![authn_issuer()]);
    let exp = now.timestamp() + secs;
    let Some(token) = signer.issue(&sa, now.timestamp(), exp, &audiences) else {
        return ApiError::internal("cannot sign the token").into_response();
    };
    let expires = chrono::DateTime::from_timestamp(exp, 0).unwrap_or(now);
    tr["apiVersion"] = json!("authentication.k8s.io/v1");
    tr["kind"] = json!("TokenRequest");
    tr["metadata"] = json!({"name": a.name, "namespace": a.namespace,
        "creationTimestamp": crate::apiserver::clock::timestamp(now)});
    tr["spec"]["audiences"] = json!(audiences);
    tr["spec"]["expirationSeconds"] = json!(secs);
    tr["spec"]["boundObjectRef"] = Value::Null;
    tr["status"] =
        json!({"token": token, "expirationTimestamp": crate::apiserver::clock::timestamp(expires)});
    created(&tr)
}

fn authn_issuer() -> String {
    super::authn::ISSUER.to_string()
}

fn rbac_resource(plural: &str) -> Option<std::sync::Arc<crate::apiserver::registry::Resource>> {
    crate::apiserver::registry::find_builtin(GROUP, "v1", plural)
}

fn escalation_message(user: &UserInfo, missing: &[String]) -> String {
    let groups: Vec<String> = user.groups.iter().map(|g| format!("{g:?}")).collect();
    format!(
        "user {:?} (groups=[{}]) is attempting to grant RBAC permissions not currently held:\n{}",
        user.name,
        groups.join(" "),
        missing.join("\n")
    )
}

/// What the middleware does with an RBAC write after the escalation checks.
#[derive(Debug)]
pub enum Verdict {
    /// Send the request on unchanged.
    Proceed,
    /// A PATCH whose result passed the checks: store exactly this object instead (a PUT with
    /// the resourceVersion it was computed from, so a concurrent change makes it a conflict
    /// rather than an unchecked grant).
    Replace(Value),
    /// Answer with this response and change nothing.
    Refuse(Response),
}

/// The object a PATCH would store, computed by sending it as a dry run; a failed dry run is
/// the answer to give.
async fn dry_run_patch(
    server: &ApiServer,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, Response> {
    let query = match uri.query() {
        Some(q) if !q.is_empty() => format!("{q}&dryRun=All"),
        _ => "dryRun=All".to_string(),
    };
    let mut req =
        http::Request::builder().method(Method::PATCH).uri(format!("{}?{query}", uri.path()));
    if let Some(ct) = headers.get(http::header::CONTENT_TYPE) {
        req = req.header(http::header::CONTENT_TYPE, ct);
    }
    let internal = |e: String| ApiError::internal(e).into_response();
    let req = req.body(Body::from(body.to_vec())).map_err(|e| internal(e.to_string()))?;
    let resp = super::call_trusted(server, req)
        .await
        .ok_or_else(|| internal("the dry run failed".into()))?;
    if !resp.status().is_success() {
        return Err(resp);
    }
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .map_err(|e| internal(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| internal(e.to_string()))
}

/// kube-apiserver's escalation prevention: a Role or ClusterRole may only grant what its author
/// holds (unless they may `escalate`), and a binding may only reference a role whose rights its
/// author holds (unless they may `bind` it). Aggregation rules need full authority.
pub async fn check_escalation(
    server: &ApiServer,
    user: &UserInfo,
    a: &Attributes,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Verdict {
    if !a.resource_request
        || a.group != GROUP
        || !a.subresource.is_empty()
        || !matches!(a.verb.as_str(), "create" | "update" | "patch")
        || !matches!(
            a.resource.as_str(),
            "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings"
        )
    {
        return Verdict::Proceed;
    }
    let obj = if a.verb == "patch" {
        match dry_run_patch(server, uri, headers, body).await {
            Ok(v) => v,
            Err(resp) => return Verdict::Refuse(resp),
        }
    } else {
        let protobuf = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(crate::apiserver::protobuf::is_protobuf);
        let Ok(body) = crate::apiserver::protobuf::json_body(protobuf, body) else {
            return Verdict::Proceed; // the handler refuses it the same way
        };
        // Not JSON: the handler refuses it without storing anything.
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return Verdict::Proceed,
        }
    };
    match judge(server, user, a, &obj) {
        Err(s) => Verdict::Refuse(ApiError::from(s).into_response()),
        Ok(false) if a.verb == "patch" => Verdict::Replace(obj),
        Ok(_) => Verdict::Proceed,
    }
}

/// The escalation rules for the object a write would store: `Ok(true)` when the user may
/// `escalate`/`bind` anyway, `Ok(false)` when they hold every right granted, else the 403.
fn judge(server: &ApiServer, user: &UserInfo, a: &Attributes, obj: &Value) -> Result<bool, Status> {
    let name = obj["metadata"]["name"].as_str().unwrap_or(&a.name).to_string();
    let Some(res) = rbac_resource(&a.resource) else { return Ok(true) };
    let ns = a.namespace.clone();
    let deny = |why: String| *ApiError::forbidden(&res, &name, &why).0;
    let owner = rbac::rules_for(server, user, &ns);
    match a.resource.as_str() {
        "roles" | "clusterroles" => {
            let escalate = Attributes::resource("escalate", GROUP, &a.resource, &ns, &name);
            if rbac::authorize(server, user, &escalate).allowed {
                return Ok(true);
            }
            let rules: Vec<Rule> = obj["rules"]
                .as_array()
                .map(|r| r.iter().map(Rule::from_json).collect())
                .unwrap_or_default();
            let missing = rbac::uncovered(&owner, &rules);
            if !missing.is_empty() {
                return Err(deny(escalation_message(user, &missing)));
            }
            if a.resource == "clusterroles"
                && obj["aggregationRule"].is_object()
                && !rbac::uncovered(&owner, &rbac::full_authority()).is_empty()
            {
                return Err(deny(
                    "must have cluster-admin privileges to use the aggregationRule".into(),
                ));
            }
            Ok(false)
        }
        _ => {
            let kind = obj["roleRef"]["kind"].as_str().unwrap_or_default();
            let role = obj["roleRef"]["name"].as_str().unwrap_or_default();
            let role_res = if kind == "Role" { "roles" } else { "clusterroles" };
            let bind = Attributes::resource("bind", GROUP, role_res, &ns, role);
            if rbac::authorize(server, user, &bind).allowed {
                return Ok(true);
            }
            let Some(rules) = rbac::role_rules(server, kind, role, &ns) else {
                let q = format!("{role_res}.{GROUP}");
                return Err(deny(format!("{q} {role:?} not found")));
            };
            let missing = rbac::uncovered(&owner, &rules);
            if missing.is_empty() {
                Ok(false)
            } else {
                Err(deny(escalation_message(user, &missing)))
            }
        }
    }
}

/// 403 for `a`, for callers outside the middleware.
pub fn forbidden_status(user: &UserInfo, a: &Attributes) -> Status {
    forbidden(user, a)
}
