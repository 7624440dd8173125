//! POST: create an object — type and namespace checks, `generateName`, the namespace must
//! exist (and not be terminating), bookkeeping, admission, `dryRun=All`.

use super::{Result, parse_body, value_response};
use crate::apiserver::admission::{self, Attributes, Operation, with_warnings};
use crate::apiserver::error::ApiError;
use crate::apiserver::request::{Query, Target};
use crate::apiserver::routes::json_response;
use crate::apiserver::store::Key;
use crate::apiserver::{ApiServer, conversion, namespace_resource, objects};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde_json::Value;

/// Checks that namespace `ns` exists and accepts new content.
pub fn check_namespace_open(server: &ApiServer, ns: &str) -> Result<()> {
    let nsres = namespace_resource();
    let stored = server
        .store()
        .get(&Key::new("namespaces", "", ns))
        .map_err(|e| ApiError::from_store(e, &nsres, ns))?
        .ok_or_else(|| ApiError::not_found(&nsres, ns))?;
    // Only the deletion mark is needed. Stored objects are serde_json's compact encoding,
    // which writes a key's plain ASCII verbatim: without the quoted key anywhere in the text
    // there is no mark, and the decode below is skipped for every create.
    if !mentions(&stored.json, b"\"deletionTimestamp\"") {
        return Ok(());
    }
    // A partial decode keeps the rest cheap.
    #[derive(serde::Deserialize)]
    struct Marked {
        metadata: Mark,
    }
    #[derive(serde::Deserialize)]
    struct Mark {
        #[serde(rename = "deletionTimestamp", default)]
        deletion_timestamp: Option<serde::de::IgnoredAny>,
    }
    let marked: Marked = serde_json::from_slice(&stored.json)
        .map_err(|e| ApiError::internal(format!("stored namespace {ns}: {e}")))?;
    if marked.metadata.deletion_timestamp.is_some() {
        let mut s = crate::object::Status::failure(
            403,
            "Forbidden",
            format!(
                "unable to create new content in namespace {ns} because it is being terminated"
            ),
        );
        s.details = Some(crate::object::status::StatusDetails {
            name: ns.into(),
            kind: "namespaces".into(),
            causes: vec![crate::object::status::StatusCause {
                reason: "NamespaceTerminating".into(),
                message: format!("namespace {ns} is being terminated"),
                field: "metadata.namespace".into(),
            }],
            ..Default::default()
        });
        return Err(ApiError::from(s));
    }
    Ok(())
}

/// True when `needle` occurs in `haystack`.
fn mentions(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// Prepares an object for creation under `t` (shared with PUT-less creates such as replace --force).
pub fn prepare(server: &ApiServer, t: &Target, mut obj: Value) -> Result<(Key, Value)> {
    objects::check_type(&t.res, &mut obj)?;
    objects::check_namespace(t, &mut obj)?;
    let name = objects::assign_name(server, &t.res, &mut obj)?;
    if let Some(ns) = &t.namespace {
        check_namespace_open(server, ns)?;
    }
    objects::stamp_new(server, &t.res, &mut obj);
    let key = crate::apiserver::store::Key::new(
        &t.res.group_resource(),
        t.namespace.as_deref().unwrap_or(""),
        &name,
    );
    Ok((key, obj))
}

/// Serves `POST <collection>`.
pub fn create(server: &ApiServer, t: &Target, q: &Query, body: Bytes) -> Result<Response> {
    if t.res.namespaced && t.namespace.is_none() {
        return Err(ApiError::no_route());
    }
    let decoded = parse_body(
        &body,
        &format!(
            "{} in version \"{}\" cannot be handled as a {}",
            t.res.kind, t.res.version, t.res.kind
        ),
    )?;
    let body_warnings = admission::fields::check_body(
        &t.res,
        &body,
        decoded.duplicates,
        &q.field_validation,
        "CreateOptions",
    )?;
    let (key, mut obj) = prepare(server, t, decoded.value)?;
    let mut attrs = Attributes {
        server,
        res: &t.res,
        op: Operation::Create,
        old: None,
        sub: None,
        dry_run: q.dry_run,
        field_validation: &q.field_validation,
    };
    let mut warnings = body_warnings;
    // Another version than the stored one: admission and the store see the storage version.
    let storage = conversion::incoming(&attrs, &mut obj, &mut warnings)?;
    if let Some(s) = &storage {
        attrs.res = s;
    }
    warnings.extend(admission::admit(&attrs, &mut obj)?);
    if q.dry_run {
        if server
            .store()
            .get(&key)
            .map_err(|e| ApiError::from_store(e, &t.res, &key.name))?
            .is_some()
        {
            return Err(ApiError::from_store(
                crate::apiserver::store::StoreError::AlreadyExists,
                &t.res,
                &key.name,
            ));
        }
        conversion::to_served_value(&t.res, &mut obj);
        return Ok(with_warnings(value_response(StatusCode::CREATED, &obj), &warnings));
    }
    let stored =
        server.store().create(&key, obj).map_err(|e| ApiError::from_store(e, &t.res, &key.name))?;
    let json = conversion::to_served(&t.res, stored.json);
    Ok(with_warnings(json_response(StatusCode::CREATED, json), &warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_finds_a_quoted_key_anywhere() {
        let key = b"\"deletionTimestamp\"";
        assert!(mentions(br#"{"metadata":{"deletionTimestamp":"x"}}"#, key));
        assert!(mentions(br#""deletionTimestamp""#, key));
        assert!(mentions(br#"{"a":"x","deletionTimestamp":null}"#, key));
        assert!(!mentions(br#"{"metadata":{"deletionTimestam":"x"}}"#, key));
        assert!(!mentions(br#"{"metadata":{"name":"deletionTimestampx"}}"#, key));
        assert!(!mentions(br#"{"deletionTimestamp":1}"#, b"\"deletionTimestamp\"\""));
        assert!(!mentions(br#"{"deletionGracePeriodSeconds":1,"d":"deletion"}"#, key));
        assert!(!mentions(b"", key));
        assert!(!mentions(b"\"", key));
        assert!(mentions(b"ab", b"b"));
        assert!(mentions(b"ab", b"a"));
        assert!(!mentions(b"ab", b"c"));
        assert!(mentions(b"ab", b""));
    }
}
