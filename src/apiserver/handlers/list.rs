//! LIST: selectors, `limit`/`continue` paging, list metadata with the store's
//! resourceVersion; items are spliced in as stored bytes, so an unfiltered page is never
//! re-encoded.

use super::{Result, wants_table};
use crate::apiserver::ApiServer;
use crate::apiserver::error::ApiError;
use crate::apiserver::request::{Query, Target};
use crate::apiserver::routes::json_response;
use crate::apiserver::selectors::{FieldSelector, LabelSelector};
use crate::apiserver::store::Stored;
use crate::apiserver::table;
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::Value;

/// The selectors of a request, parsed.
pub fn selectors(q: &Query) -> Result<(LabelSelector, FieldSelector)> {
    let l = LabelSelector::parse(&q.label_selector).map_err(|e| ApiError::bad_request(e.0))?;
    let f = FieldSelector::parse(&q.field_selector).map_err(|e| ApiError::bad_request(e.0))?;
    Ok((l, f))
}

/// Stored objects, each with its decoded form when a selector had to decode it.
pub type Matches = Vec<(Stored, Option<Value>)>;

/// The objects in scope that match the request's selectors, with the list resourceVersion.
pub fn matching(server: &ApiServer, t: &Target, q: &Query) -> Result<(Matches, u64)> {
    let (labels, fields) = selectors(q)?;
    let (mut items, rv) =
        server.store().list(&t.scope()).map_err(|e| ApiError::from_store(e, &t.res, ""))?;
    if crate::apiserver::conversion::converts(&t.res) {
        for s in &mut items {
            s.json = crate::apiserver::conversion::to_served(&t.res, std::mem::take(&mut s.json));
        }
    }
    if labels.is_empty() && fields.is_empty() {
        return Ok((items.into_iter().map(|s| (s, None)).collect(), rv));
    }
    let mut out = Vec::new();
    for s in items {
        let v = crate::apiserver::decode(&s.json)?;
        if labels.matches(&v) && fields.matches(&v) {
            out.push((s, Some(v)));
        }
    }
    Ok((out, rv))
}

fn position_key(v: &Value) -> (String, String) {
    let m = &v["metadata"];
    (
        m["namespace"].as_str().unwrap_or_default().to_string(),
        m["name"].as_str().unwrap_or_default().to_string(),
    )
}

fn decode_continue(token: &str) -> Result<(String, String)> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    Ok((
        v["ns"].as_str().ok_or_else(bad)?.to_string(),
        v["name"].as_str().ok_or_else(bad)?.to_string(),
    ))
}

fn encode_continue(ns: &str, name: &str, rv: u64) -> String {
    let v = serde_json::json!({"ns": ns, "name": name, "rv": rv});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

/// How many of `items` one response carries: `limit` (when given), cut short so that the
/// response stays within the server's list byte cap (at least one item per page); a list
/// requested without `limit` that exceeds the cap is refused (see `auth::limits`).
fn page_size(server: &ApiServer, t: &Target, q: &Query, items: &Matches) -> Result<usize> {
    let wanted = if q.limit > 0 { q.limit.min(items.len()) } else { items.len() };
    let cap = server.limits().config().max_list_bytes;
    if cap == 0 {
        return Ok(wanted);
    }
    let mut bytes = 0usize;
    for (i, (s, _)) in items.iter().take(wanted).enumerate() {
        bytes += s.json.len() + 1;
        if bytes > cap {
            if q.limit == 0 {
                let total = items.iter().map(|(s, _)| s.json.len() + 1).sum();
                return Err(crate::apiserver::auth::limits::list_too_large(
                    &t.res.plural,
                    total,
                    cap,
                ));
            }
            return Ok(i.max(1));
        }
    }
    Ok(wanted)
}

/// Serves `GET <collection>`.
pub fn list(server: &ApiServer, t: &Target, q: &Query, headers: &HeaderMap) -> Result<Response> {
    let (mut items, rv) = matching(server, t, q)?;
    if !q.continue_token.is_empty() {
        let after = decode_continue(&q.continue_token)?;
        let mut keep = Vec::with_capacity(items.len());
        for (s, v) in items {
            let v = match v {
                Some(v) => v,
                None => crate::apiserver::decode(&s.json)?,
            };
            if position_key(&v) > after {
                keep.push((s, Some(v)));
            }
        }
        items = keep;
    }
    let mut cont = None;
    let page = page_size(server, t, q, &items)?;
    if page < items.len() {
        let remaining = items.len() - page;
        items.truncate(page);
        if let Some((s, v)) = items.last() {
            let v = match v {
                Some(v) => v.clone(),
                None => crate::apiserver::decode(&s.json)?,
            };
            let (ns, name) = position_key(&v);
            cont = Some((encode_continue(&ns, &name, rv), remaining));
        }
    }
    if wants_table(headers) {
        let objs = items
            .into_iter()
            .map(|(s, v)| v.map(Ok).unwrap_or_else(|| crate::apiserver::decode(&s.json)))
            .collect::<Result<Vec<_>>>()?;
        let mut resp_meta = serde_json::json!({"resourceVersion": rv.to_string()});
        if let Some((c, _)) = &cont {
            resp_meta["continue"] = Value::String(c.clone());
        }
        return Ok(table::response(server, &t.res, &objs, Some(resp_meta), q));
    }
    let mut body =
        Vec::with_capacity(128 + items.iter().map(|(s, _)| s.json.len() + 1).sum::<usize>());
    body.extend_from_slice(
        format!(
            "{{\"kind\":\"{}List\",\"apiVersion\":\"{}\",\"metadata\":{{\"resourceVersion\":\"{rv}\"",
            t.res.kind,
            t.res.api_version()
        )
        .as_bytes(),
    );
    if let Some((c, remaining)) = &cont {
        body.extend_from_slice(
            format!(",\"continue\":\"{c}\",\"remainingItemCount\":{remaining}").as_bytes(),
        );
    }
    body.extend_from_slice(b"},\"items\":[");
    for (i, (s, _)) in items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&s.json);
    }
    body.extend_from_slice(b"]}");
    Ok(json_response(StatusCode::OK, Bytes::from(body)))
}
