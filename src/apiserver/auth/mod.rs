//! Authentication, authorization and request hygiene for the bundled apiserver.
//!
//! One axum middleware ([`middleware`]) sits in front of every route. It always enforces the
//! request body limit (3 MiB, as kube-apiserver: 413 beyond it). With an [`AuthConfig`] it then
//! authenticates the caller ([`authn`]: client certificate, static token, ServiceAccount
//! token), applies impersonation headers, refuses path tricks, authorizes the request with RBAC
//! ([`rbac`]) and answers the review APIs ([`review`]); RBAC writes additionally pass the
//! escalation checks. Without an [`AuthConfig`] (the embedded local cluster, a plain
//! `kctl serve`), every request acts as a `system:masters` user: the tool is single-user.
//!
//! | module | owns |
//! |---|---|
//! | [`attrs`] | request → verb/group/resource/name/namespace, or a non-resource path |
//! | [`authn`] | token file, certificate subjects, ServiceAccount token signing |
//! | [`rbac`] | rule matching, binding resolution, aggregation, coverage (escalation) |
//! | [`bootstrap`] | the default ClusterRoles and ClusterRoleBindings |
//! | [`review`] | SelfSubjectAccessReview, SelfSubjectRulesReview, TokenRequest |
//! | [`limits`] | in-flight requests, open watches, list response size |

// `Status` is the error type of the whole API; boxing it here alone would buy nothing.
#![allow(clippy::result_large_err)]

pub mod attrs;
pub mod authn;
pub mod bootstrap;
pub mod limits;
pub mod rbac;
pub mod review;

use super::ApiServer;
use super::error::ApiError;
use crate::object::Status;
use crate::object::status::StatusDetails;
use attrs::Attributes;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, header};
use std::sync::Arc;

/// kube-apiserver's request body limit.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// An authenticated user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserInfo {
    /// User name.
    pub name: String,
    /// Uid (may be empty).
    pub uid: String,
    /// Groups, including `system:authenticated`.
    pub groups: Vec<String>,
}

impl UserInfo {
    /// The user every request acts as when authentication is off.
    pub fn local_admin() -> UserInfo {
        UserInfo {
            name: "kctl-admin".into(),
            uid: String::new(),
            groups: vec![rbac::MASTERS.into(), "system:authenticated".into()],
        }
    }

    /// True for members of `system:masters`.
    pub fn is_master(&self) -> bool {
        self.groups.iter().any(|g| g == rbac::MASTERS)
    }
}

/// The TLS client certificate chain (DER, leaf first) of a connection, already verified
/// against `--client-ca-file`. The socket layer inserts it as a request extension.
#[derive(Debug, Clone)]
pub struct PeerCertificates(pub Arc<Vec<Vec<u8>>>);

/// Marks a request the middleware itself sends through the router (e.g. a dry-run to learn
/// what a PATCH would produce); such requests skip the checks. Only in-process code can set
/// request extensions, so no client can forge it.
#[derive(Debug, Clone, Copy)]
struct Trusted;

/// What authentication accepts.
#[derive(Debug)]
pub struct AuthConfig {
    tokens: authn::TokenFile,
    signer: authn::TokenSigner,
    client_ca: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
}

/// Errors building an [`AuthConfig`].
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    /// The token file is malformed.
    #[error(transparent)]
    TokenFile(#[from] authn::AuthnError),
    /// No random source.
    #[error("cannot generate a signing key")]
    Random,
}

impl AuthConfig {
    /// A configuration accepting the tokens of `tokens` (kube-apiserver's CSV format) and
    /// ServiceAccount tokens this server issues; client certificates once
    /// [`AuthConfig::with_client_ca`] names their CA.
    pub fn new(tokens: authn::TokenFile) -> Result<AuthConfig, AuthConfigError> {
        Ok(AuthConfig {
            tokens,
            signer: authn::TokenSigner::random().ok_or(AuthConfigError::Random)?,
            client_ca: None,
        })
    }

    /// Accepts client certificates this verifier validates (chain to `--client-ca-file`,
    /// within their validity period); the TLS layer only proves the client holds the key.
    pub fn with_client_ca(
        mut self,
        verifier: Arc<dyn rustls::server::danger::ClientCertVerifier>,
    ) -> AuthConfig {
        self.client_ca = Some(verifier);
        self
    }

    /// Signs and verifies ServiceAccount tokens with `signer` (e.g. a key kept in the data
    /// directory) instead of a key made for this process.
    pub fn with_signer(mut self, signer: authn::TokenSigner) -> AuthConfig {
        self.signer = signer;
        self
    }

    /// Adds a static token (the admin credential `kctl serve --auth` writes to its kubeconfig).
    pub fn add_token(&mut self, token: String, user: UserInfo) {
        self.tokens.insert(token, user);
    }

    /// The ServiceAccount token signer.
    pub fn signer(&self) -> &authn::TokenSigner {
        &self.signer
    }
}

fn status_response(s: Status) -> Response {
    ApiError::from(s).into_response()
}

/// 401 `Unauthorized`, as kube-apiserver sends it.
pub fn unauthorized() -> Response {
    status_response(Status::failure(401, "Unauthorized", "Unauthorized"))
}

/// 403 for `a` denied to `user`, with kube-apiserver's message and details.
pub fn forbidden(user: &UserInfo, a: &Attributes) -> Status {
    let why = a.forbidden_message(user);
    let qualified =
        if a.group.is_empty() { a.resource.clone() } else { format!("{}.{}", a.resource, a.group) };
    let message = if !a.resource_request || a.resource.is_empty() {
        format!("forbidden: {why}")
    } else if a.name.is_empty() {
        format!("{qualified} is forbidden: {why}")
    } else {
        format!("{qualified} {:?} is forbidden: {why}", a.name)
    };
    let mut s = Status::failure(403, "Forbidden", message);
    s.details = Some(StatusDetails {
        name: if a.resource_request { a.name.clone() } else { String::new() },
        group: a.group.clone(),
        kind: a.resource.clone(),
        ..Default::default()
    });
    s
}

fn too_large() -> Response {
    status_response(Status::failure(
        413,
        "RequestEntityTooLarge",
        format!("Request entity too large: limit is {MAX_BODY}"),
    ))
}

/// Authenticates a request; `None` is a 401.
fn authenticate(server: &ApiServer, cfg: &AuthConfig, req: &Request) -> Option<UserInfo> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    if let Some(certs) = req.extensions().get::<PeerCertificates>()
        && let Some(verifier) = &cfg.client_ca
        && let Some(user) = verified_cert_user(verifier.as_ref(), &certs.0)
    {
        return Some(user);
    }
    let token = bearer.filter(|t| !t.is_empty())?;
    if let Some(user) = cfg.tokens.lookup(token) {
        return Some(user.clone());
    }
    let now = server.clock().now().timestamp();
    cfg.signer.verify(server, token, now)
}

/// The user of a presented chain (leaf first) that `verifier` accepts now.
fn verified_cert_user(
    verifier: &dyn rustls::server::danger::ClientCertVerifier,
    chain: &[Vec<u8>],
) -> Option<UserInfo> {
    use rustls::pki_types::{CertificateDer, UnixTime};
    let (leaf, rest) = chain.split_first()?;
    let intermediates: Vec<CertificateDer<'_>> =
        rest.iter().map(|c| CertificateDer::from(c.as_slice())).collect();
    verifier
        .verify_client_cert(&CertificateDer::from(leaf.as_slice()), &intermediates, UnixTime::now())
        .ok()?;
    authn::cert_user(leaf)
}

fn header_values(h: &HeaderMap, name: &str) -> Vec<String> {
    h.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(String::from).collect()
}

/// Applies `Impersonate-*` headers: each impersonated identity needs the `impersonate` verb.
fn impersonate(server: &ApiServer, user: UserInfo, h: &HeaderMap) -> Result<UserInfo, Status> {
    let users = header_values(h, "impersonate-user");
    let groups = header_values(h, "impersonate-group");
    let uids = header_values(h, "impersonate-uid");
    let extras = h.keys().any(|k| k.as_str().starts_with("impersonate-extra-"));
    let Some(name) = users.first().cloned() else {
        if !groups.is_empty() || !uids.is_empty() || extras {
            return Err(Status::bad_request(
                "impersonating groups, uid or extra requires impersonating a user",
            ));
        }
        return Ok(user);
    };
    let check = |a: Attributes| -> Result<(), Status> {
        if rbac::authorize(server, &user, &a).allowed { Ok(()) } else { Err(forbidden(&user, &a)) }
    };
    let mut new_groups = Vec::new();
    if let Some(sa) = name.strip_prefix("system:serviceaccount:") {
        let (ns, sa_name) = sa.split_once(':').unwrap_or(("", sa));
        check(Attributes::resource("impersonate", "", "serviceaccounts", ns, sa_name))?;
        new_groups.push("system:serviceaccounts".to_string());
        new_groups.push(format!("system:serviceaccounts:{ns}"));
    } else {
        check(Attributes::resource("impersonate", "", "users", "", &name))?;
    }
    for g in &groups {
        check(Attributes::resource("impersonate", "", "groups", "", g))?;
        if !new_groups.contains(g) {
            new_groups.push(g.clone());
        }
    }
    for u in &uids {
        check(Attributes::resource("impersonate", "authentication.k8s.io", "uids", "", u))?;
    }
    if name != "system:anonymous" && !new_groups.iter().any(|g| g == "system:authenticated") {
        new_groups.push("system:authenticated".into());
    }
    Ok(UserInfo { name, uid: uids.first().cloned().unwrap_or_default(), groups: new_groups })
}

/// The middleware in front of every route; see the module documentation.
pub async fn middleware(State(server): State<ApiServer>, req: Request, next: Next) -> Response {
    if req.extensions().get::<Trusted>().is_some() {
        return next.run(req).await;
    }
    // Body limit first: nothing larger than kube-apiserver accepts is even read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    // Who is asking, and what: both from the request line and headers alone, so that the
    // in-flight limit is taken before the body is read.
    let user = match server.auth() {
        None => UserInfo::local_admin(),
        Some(cfg) => {
            let Some(user) = authenticate(&server, cfg, &req) else { return unauthorized() };
            match impersonate(&server, user, req.headers()) {
                Ok(u) => u,
                Err(s) => return status_response(s),
            }
        }
    };
    let attrs = match attrs::from_request(req.method(), req.uri().path(), req.uri().query()) {
        Ok(a) => a,
        Err(e @ attrs::PathError::Method(_)) => {
            return status_response(Status::method_not_allowed(e.to_string()));
        }
        Err(e) => return status_response(Status::bad_request(e.to_string())),
    };
    let _in_flight = if limits::long_running(&attrs.verb, &attrs.subresource) {
        None
    } else {
        let mutating = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        match server.limits().enter(mutating) {
            Ok(slot) => Some(slot),
            // As in kube, a super-admin always gets an answer.
            Err(_) if server.auth().is_some() && user.is_master() => None,
            Err(resp) => return resp,
        }
    };
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(err) = source {
                if err.is::<http_body_util::LengthLimitError>() {
                    return too_large();
                }
                source = err.source();
            }
            return ApiError::bad_request(format!("unable to read the request body: {e}"))
                .into_response();
        }
    };
    let mut req = Request::from_parts(parts, Body::from(body.clone()));
    if server.auth().is_some() {
        let d = rbac::authorize(&server, &user, &attrs);
        if !d.allowed {
            return status_response(forbidden(&user, &attrs));
        }
    }
    let protobuf = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(crate::apiserver::protobuf::is_protobuf);
    if let Some(resp) = review::handle(&server, &user, &attrs, &body, protobuf) {
        return resp;
    }
    if server.auth().is_some() && !user.is_master() {
        match review::check_escalation(&server, &user, &attrs, req.uri(), req.headers(), &body)
            .await
        {
            review::Verdict::Proceed => {}
            review::Verdict::Refuse(resp) => return resp,
            review::Verdict::Replace(obj) => {
                // Store exactly the checked object, guarded by its resourceVersion.
                let bytes = serde_json::to_vec(&obj).unwrap_or_default();
                let (mut parts, _) = req.into_parts();
                parts.method = Method::PUT;
                parts.headers.remove(header::CONTENT_LENGTH);
                parts.headers.insert(
                    header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
                req = Request::from_parts(parts, Body::from(bytes));
            }
        }
    }
    let aggregation_may_change = attrs.resource_request
        && attrs.group == rbac::GROUP
        && attrs.resource == "clusterroles"
        && !matches!(attrs.verb.as_str(), "get" | "list" | "watch");
    let watch = if attrs.verb == "watch" {
        match server.limits().open_watch(&user.name) {
            Ok(slot) => Some(slot),
            Err(resp) => return resp,
        }
    } else {
        None
    };
    req.extensions_mut().insert(user);
    let mut resp = next.run(req).await;
    if let Some(slot) = watch {
        // The slot is held until the stream ends (the client goes away or the watch times out).
        let (parts, body) = resp.into_parts();
        let stream = futures::StreamExt::map(body.into_data_stream(), move |chunk| {
            let _held = &slot;
            chunk
        });
        resp = Response::from_parts(parts, Body::from_stream(stream));
    }
    if aggregation_may_change && resp.status().is_success() {
        rbac::reconcile_aggregation(&server);
    }
    resp
}

/// Sends `req` through the router unchecked (for the middleware's own dry runs).
pub(crate) async fn call_trusted(server: &ApiServer, mut req: Request) -> Option<Response> {
    use tower::ServiceExt as _;
    req.extensions_mut().insert(Trusted);
    server.router().oneshot(req).await.ok()
}

/// Whether a method is one the API serves (used by tests of path tricks).
pub fn is_standard_method(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET
            | Method::HEAD
            | Method::POST
            | Method::PUT
            | Method::PATCH
            | Method::DELETE
            | Method::OPTIONS
    )
}
