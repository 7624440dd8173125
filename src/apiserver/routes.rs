//! URL → handler. Fixed endpoints (`/version`, health, discovery, OpenAPI) are axum routes;
//! every `/api/v1/…` and `/apis/<g>/<v>/…` resource path goes through one dispatcher that
//! parses the path itself, because resource names come from the registry (and stored CRDs).

use super::ApiServer;
use super::error::ApiError;
use super::handlers;
use super::request::{Query, Target, parse_target};
use super::{discovery, openapi, protobuf};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

/// Largest accepted request body (kube-apiserver's limit is 3 MiB per object; allow some slack).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// A response with a JSON body.
pub fn json_response(code: StatusCode, body: Bytes) -> Response {
    json_response_typed(code, body, "application/json")
}

/// A response with a JSON body and an explicit content type.
pub fn json_response_typed(code: StatusCode, body: Bytes, content_type: &'static str) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = code;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// Builds the full router.
pub fn router(server: ApiServer) -> Router {
    Router::new()
        .route("/version", get(version))
        .route("/healthz", get(ok))
        .route("/livez", get(ok))
        .route("/readyz", get(ok))
        .route("/api", get(discovery::api))
        .route("/apis", get(discovery::apis))
        .route("/openapi/v3", get(openapi::index))
        .route("/openapi/v3/{*gv}", get(openapi::document))
        .route("/openapi/v2", get(not_found))
        .fallback(dispatch)
        .layer(axum::middleware::from_fn_with_state(server.clone(), super::auth::middleware))
        .with_state(server)
}

async fn ok() -> &'static str {
    "ok"
}

async fn not_found() -> ApiError {
    ApiError::no_route()
}

async fn version() -> Response {
    let (major, minor, git) = super::KUBE_VERSION;
    let body = serde_json::json!({
        "major": major, "minor": minor, "gitVersion": git,
        "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
        "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.6", "compiler": "gc",
        "platform": format!("{}/{}", std::env::consts::OS, if cfg!(target_arch = "x86_64") { "amd64" } else if cfg!(target_arch = "aarch64") { "arm64" } else { std::env::consts::ARCH }),
    });
    json_response(StatusCode::OK, Bytes::from(serde_json::to_vec_pretty(&body).unwrap_or_default()))
}

/// Splits `/api/v1/rest…` or `/apis/<g>/<v>/rest…` into (group, version, rest).
fn split_gv(path: &str) -> Option<(&str, &str, Vec<&str>)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["api", v, rest @ ..] => Some(("", v, rest.to_vec())),
        ["apis", g, v, rest @ ..] => Some((g, v, rest.to_vec())),
        _ => None,
    }
}

async fn dispatch(State(server): State<ApiServer>, req: Request) -> Response {
    match dispatch_inner(server, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn dispatch_inner(server: ApiServer, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    // `/apis/<group>`: the legacy APIGroup document.
    if parts.method == Method::GET && segs.len() == 2 && segs[0] == "apis" {
        return discovery::group(&server, segs[1]);
    }
    let Some((group, version, rest)) = split_gv(&path) else { return Err(ApiError::no_route()) };
    if rest.is_empty() {
        if parts.method != Method::GET {
            return Err(ApiError::no_route());
        }
        return discovery::resource_list(&server, group, version);
    }
    let target = parse_target(&server, group, version, &rest)?;
    let ct = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let base = ct.split(';').next().unwrap_or_default().trim();
    // Built-in kinds also read protobuf (objects, and the DeleteOptions of a DELETE); custom
    // resources have no protobuf form.
    let builtin = target.res.builtin && target.res.custom.is_none();
    let protobuf = builtin
        && base == protobuf::MEDIA_TYPE
        && matches!(parts.method, Method::POST | Method::PUT | Method::DELETE);
    let checked = matches!(parts.method, Method::POST | Method::PUT)
        || (parts.method == Method::DELETE && base == protobuf::MEDIA_TYPE);
    if checked && !protobuf && !matches!(base, "application/json" | "" | "*/*") {
        let accepted = if builtin {
            format!("application/json, {}", protobuf::MEDIA_TYPE)
        } else {
            "application/json".to_string()
        };
        return Err(ApiError::from(crate::object::Status::unsupported_media_type(format!(
            "the body of the request was in an unknown format - accepted media types include: {accepted}"
        ))));
    }
    let query = Query::parse(parts.uri.query())?;
    let mut body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|e| ApiError::bad_request(format!("unable to read the request body: {e}")))?;
    if protobuf && !body.is_empty() {
        body = Bytes::from(protobuf::to_json(&body).map_err(ApiError::bad_request)?);
    }
    route(&server, &parts.method, &parts.headers, target, query, body).await
}

async fn route(
    server: &ApiServer,
    method: &Method,
    headers: &HeaderMap,
    target: Target,
    query: Query,
    body: Bytes,
) -> Result<Response, ApiError> {
    let sub = target.sub.as_deref();
    match sub {
        None => {}
        Some("status") if target.res.status => {}
        Some("scale") if target.res.scale => {}
        Some(_) => return Err(ApiError::no_route()),
    }
    let is_collection = target.name.is_none();
    match (method.clone(), is_collection) {
        (Method::GET, _) if query.watch && sub.is_none() => {
            handlers::watch::watch(server, &target, &query, headers)
        }
        (Method::GET, true) => handlers::list::list(server, &target, &query, headers),
        (Method::GET, false) => handlers::get::get(server, &target, &query, headers),
        (Method::POST, true) => handlers::create::create(server, &target, &query, body),
        (Method::PUT, false) => handlers::update::update(server, &target, &query, body),
        (Method::PATCH, false) => handlers::patch::patch(server, &target, &query, headers, body),
        (Method::DELETE, false) => handlers::delete::delete(server, &target, &query, body),
        (Method::DELETE, true) => {
            handlers::delete::delete_collection(server, &target, &query, body)
        }
        _ => Err(ApiError::from(crate::object::Status::method_not_allowed(
            "the server does not allow this method on the requested resource",
        ))),
    }
}
