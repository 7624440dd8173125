//! GET of one object (and of its `status` / `scale` subresource), as JSON or as a Table.

use super::{Result, wants_table};
use crate::apiserver::ApiServer;
use crate::apiserver::error::ApiError;
use crate::apiserver::request::{Query, Target};
use crate::apiserver::routes::json_response;
use crate::apiserver::table;
use axum::response::Response;
use http::{HeaderMap, StatusCode};

/// Serves `GET <object>`.
pub fn get(server: &ApiServer, t: &Target, q: &Query, headers: &HeaderMap) -> Result<Response> {
    let mut stored = server
        .store()
        .get(&t.key())
        .map_err(|e| ApiError::from_store(e, &t.res, t.name()))?
        .ok_or_else(|| ApiError::not_found(&t.res, t.name()))?;
    stored.json = crate::apiserver::conversion::to_served(&t.res, stored.json);
    if t.sub.as_deref() == Some("scale") {
        let obj = crate::apiserver::decode(&stored.json)?;
        return Ok(super::value_response(StatusCode::OK, &super::scale::view(&t.res, &obj)));
    }
    if wants_table(headers) {
        let obj = crate::apiserver::decode(&stored.json)?;
        return Ok(table::response(server, &t.res, &[obj], None, q));
    }
    Ok(json_response(StatusCode::OK, stored.json))
}
