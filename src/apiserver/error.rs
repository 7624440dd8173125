//! `ApiError`: a `Status` on its way to the client, with kube-apiserver's HTTP code and
//! JSON body. Store errors convert here, naming the resource and object they are about.

use super::registry::Resource;
use super::store::StoreError;
use crate::object::Status;
use axum::response::{IntoResponse, Response};

/// An error response: a `Status` object.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError(pub Box<Status>);

impl ApiError {
    /// 500 InternalError: `Internal error occurred: <msg>`.
    pub fn internal(msg: impl std::fmt::Display) -> ApiError {
        ApiError::from(Status::internal(format!("Internal error occurred: {msg}")))
    }

    /// 400 BadRequest.
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError::from(Status::bad_request(msg))
    }

    /// 404 NotFound for an object of `res`.
    pub fn not_found(res: &Resource, name: &str) -> ApiError {
        ApiError::from(Status::not_found(&res.group, &res.plural, name))
    }

    /// 404 for a path that names nothing the server serves.
    pub fn no_route() -> ApiError {
        ApiError::from(Status::failure(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ))
    }

    /// 409 Conflict (stale resourceVersion) for an object of `res`.
    pub fn conflict(res: &Resource, name: &str) -> ApiError {
        ApiError::from(Status::conflict(
            &res.group,
            &res.plural,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        ))
    }

    /// 403 Forbidden about an object of `res`.
    pub fn forbidden(res: &Resource, name: &str, why: &str) -> ApiError {
        let q = if res.group.is_empty() {
            res.plural.clone()
        } else {
            format!("{}.{}", res.plural, res.group)
        };
        let mut s =
            Status::failure(403, "Forbidden", format!("{q} \"{name}\" is forbidden: {why}"));
        s.details = Some(crate::object::status::StatusDetails {
            name: name.into(),
            group: res.group.clone(),
            kind: res.plural.clone(),
            ..Default::default()
        });
        ApiError::from(s)
    }

    /// Converts a store error about `name` of `res`.
    pub fn from_store(e: StoreError, res: &Resource, name: &str) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::not_found(res, name),
            StoreError::AlreadyExists => {
                ApiError::from(Status::already_exists(&res.group, &res.plural, name))
            }
            StoreError::Conflict => ApiError::conflict(res, name),
            StoreError::Gone { requested, oldest } => ApiError::from(Status::gone(format!(
                "too old resource version: {requested} ({oldest})"
            ))),
            StoreError::Backend(m) => ApiError::internal(m),
        }
    }

    /// The HTTP status code.
    pub fn code(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.0.code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Status> for ApiError {
    fn from(s: Status) -> ApiError {
        ApiError(Box::new(s))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::object::gojson::to_string(&self.0);
        super::routes::json_response(self.code(), body.into())
    }
}
