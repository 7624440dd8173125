//! One module per verb. Every handler takes the parsed [`Target`](super::request::Target) and
//! [`Query`](super::request::Query) and returns a response or a `Status` error; none panics.

pub mod body;
pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod patch;
pub mod scale;
pub mod update;
pub mod watch;

use super::error::ApiError;
use super::routes::json_response;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde_json::Value;

/// What a handler returns.
pub type Result<T> = std::result::Result<T, ApiError>;

/// True when the client asked for a `meta.k8s.io` Table (kubectl's human output).
pub fn wants_table(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|m| m.contains("as=Table") && m.contains("g=meta.k8s.io")))
}

/// A JSON response from a value.
pub fn value_response(code: StatusCode, v: &Value) -> Response {
    json_response(code, Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
}

/// Parses a request body as JSON (YAML is not accepted, as upstream without SSA), noting
/// whether it names a key twice.
pub fn parse_body(body: &[u8], what: &str) -> Result<body::Decoded> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the body of the request was empty"));
    }
    body::decode(body).map_err(|e| {
        ApiError::bad_request(format!("{what}: error decoding request body as JSON: {e}"))
    })
}
