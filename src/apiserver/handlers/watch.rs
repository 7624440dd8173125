//! WATCH: a chunked stream of newline-delimited `WatchEvent`s. Without a resourceVersion
//! (or with `0`, or with `sendInitialEvents=true`) the current objects come first as
//! `ADDED`; with one, the stream resumes after it, or reports `410 Expired` as an `ERROR`
//! event when that version is older than the retained history, as kube-apiserver does.
//! `allowWatchBookmarks` adds periodic `BOOKMARK` events (and the initial-events-end marker).

use super::Result;
use crate::apiserver::ApiServer;
use crate::apiserver::error::ApiError;
use crate::apiserver::request::{Query, Target, parse_rv};
use crate::apiserver::selectors::{FieldSelector, LabelSelector};
use crate::apiserver::store::{Event, StoreError};
use crate::object::Status;
use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// The longest a watch stays open without `timeoutSeconds` (kube-apiserver picks 30–60 min).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
/// How often a bookmark is sent when the client allows them.
const BOOKMARK_EVERY: Duration = Duration::from_secs(30);

fn line(kind: &str, object: &[u8]) -> Bytes {
    let mut b = Vec::with_capacity(object.len() + 32);
    b.extend_from_slice(b"{\"type\":\"");
    b.extend_from_slice(kind.as_bytes());
    b.extend_from_slice(b"\",\"object\":");
    b.extend_from_slice(object);
    b.extend_from_slice(b"}\n");
    Bytes::from(b)
}

struct Filter {
    labels: LabelSelector,
    fields: FieldSelector,
    name: Option<String>,
}

impl Filter {
    fn matches(&self, json: &[u8]) -> bool {
        if self.labels.is_empty() && self.fields.is_empty() && self.name.is_none() {
            return true;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(json) else { return false };
        self.name.as_deref().is_none_or(|n| v["metadata"]["name"].as_str() == Some(n))
            && self.labels.matches(&v)
            && self.fields.matches(&v)
    }
}

/// Renders watch objects as one-row Tables when the client asked for Tables (`get -w`);
/// column definitions go with the first event only, as kube-apiserver does.
struct TableView {
    res: std::sync::Arc<crate::apiserver::registry::Resource>,
    include: String,
    clock: std::sync::Arc<dyn crate::apiserver::clock::Clock>,
    sent_columns: bool,
}

impl TableView {
    fn render(&mut self, json: &[u8]) -> Option<Vec<u8>> {
        let obj: serde_json::Value = serde_json::from_slice(json).ok()?;
        let mut t = crate::apiserver::table::table(
            &self.res,
            &[obj],
            None,
            &self.include,
            self.clock.now(),
        );
        if self.sent_columns {
            t["columnDefinitions"] = serde_json::json!([]);
        }
        self.sent_columns = true;
        serde_json::to_vec(&t).ok()
    }
}

fn event(view: &mut Option<TableView>, kind: &str, json: &[u8]) -> Bytes {
    match view.as_mut().and_then(|v| v.render(json)) {
        Some(t) => line(kind, &t),
        None => line(kind, json),
    }
}

struct State {
    view: Option<TableView>,
    pending: VecDeque<Bytes>,
    rx: Option<UnboundedReceiver<Event>>,
    filter: Filter,
    deadline: Instant,
    bookmarks: bool,
    next_bookmark: Instant,
    last_rv: u64,
    kind: String,
    api_version: String,
    res: std::sync::Arc<crate::apiserver::registry::Resource>,
}

impl State {
    fn bookmark(&self, initial_end: bool) -> Bytes {
        let mut meta = serde_json::json!({"resourceVersion": self.last_rv.to_string()});
        if initial_end {
            meta["annotations"] = serde_json::json!({"k8s.io/initial-events-end": "true"});
        }
        let obj = serde_json::json!({"kind": self.kind, "apiVersion": self.api_version, "metadata": meta});
        line("BOOKMARK", &serde_json::to_vec(&obj).unwrap_or_default())
    }
}

/// Serves `GET <collection>?watch=true` (and the legacy per-object form).
pub fn watch(
    server: &ApiServer,
    t: &Target,
    q: &Query,
    headers: &http::HeaderMap,
) -> Result<Response> {
    let mut view = super::wants_table(headers).then(|| TableView {
        res: t.res.clone(),
        include: q.include_object.clone(),
        clock: server.clock().clone(),
        sent_columns: false,
    });
    let (labels, fields) = super::list::selectors(q)?;
    let filter = Filter { labels, fields, name: t.name.clone() };
    let scope = t.scope();
    let timeout = q.timeout_seconds.map(Duration::from_secs).unwrap_or(DEFAULT_TIMEOUT);
    let mut pending = VecDeque::new();
    let initial =
        q.send_initial_events || q.resource_version.is_empty() || q.resource_version == "0";
    let since = if initial {
        let (items, rv) =
            server.store().list(&scope).map_err(|e| ApiError::from_store(e, &t.res, ""))?;
        for s in items.iter().filter(|s| filter.matches(&s.json)) {
            let json = crate::apiserver::conversion::to_served(&t.res, s.json.clone());
            pending.push_back(event(&mut view, "ADDED", &json));
        }
        rv
    } else {
        parse_rv(&q.resource_version, &t.res, "")?.unwrap_or(0)
    };
    let rx = match server.store().watch(&scope, since) {
        Ok(rx) => Some(rx),
        Err(StoreError::Gone { requested, oldest }) => {
            let status = Status::gone(format!("too old resource version: {requested} ({oldest})"));
            pending.push_back(line("ERROR", crate::object::gojson::to_string(&status).as_bytes()));
            None
        }
        Err(e) => return Err(ApiError::from_store(e, &t.res, "")),
    };
    let now = Instant::now();
    let mut state = State {
        view,
        pending,
        rx,
        filter,
        deadline: now + timeout,
        bookmarks: q.allow_bookmarks,
        next_bookmark: now + BOOKMARK_EVERY,
        last_rv: since,
        kind: t.res.kind.clone(),
        api_version: t.res.api_version(),
        res: t.res.clone(),
    };
    if q.send_initial_events && q.allow_bookmarks && state.rx.is_some() {
        let b = state.bookmark(true);
        state.pending.push_back(b);
    }
    let stream = futures::stream::unfold(state, |mut st| async move {
        if let Some(b) = st.pending.pop_front() {
            return Some((Ok::<Bytes, std::convert::Infallible>(b), st));
        }
        loop {
            let rx = st.rx.as_mut()?;
            tokio::select! {
                ev = rx.recv() => {
                    let ev = ev?;
                    st.last_rv = ev.object.rv;
                    if st.filter.matches(&ev.object.json) {
                        let json = crate::apiserver::conversion::to_served(&st.res, ev.object.json.clone());
                        let b = event(&mut st.view, ev.kind.as_str(), &json);
                        return Some((Ok(b), st));
                    }
                }
                _ = tokio::time::sleep_until(st.deadline) => return None,
                _ = tokio::time::sleep_until(st.next_bookmark), if st.bookmarks => {
                    st.next_bookmark += BOOKMARK_EVERY;
                    let b = st.bookmark(false);
                    return Some((Ok(b), st));
                }
            }
        }
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}
