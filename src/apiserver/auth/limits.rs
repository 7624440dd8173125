//! Request limits, so that no client can exhaust the server:
//!
//! - kube-apiserver's in-flight limits: at most `max_requests_inflight` read-only and
//!   `max_mutating_requests_inflight` mutating requests are served at once (defaults 400 and
//!   200, as kube; `0` means unlimited); beyond that a request gets `429 TooManyRequests`
//!   with `Retry-After: 1` and kube's message. Long-running requests (watches, logs, exec,
//!   attach, port-forward, proxy) are exempt, and with authentication on, so are members of
//!   `system:masters`, as in kube. Without authentication every caller is the one local
//!   admin, so the limits apply to every request.
//! - A cap on open watches, in total (`max_watches`, default 1000) and per user
//!   (`max_watches_per_user`, default 100); kube has none, so the defaults are generous.
//! - A cap on the bytes of one list response (`max_list_bytes`, default 256 MiB): a page
//!   requested with `limit` is cut short (with a `continue` token, which the API allows);
//!   a list without `limit` that would exceed it is refused, telling the client to page.

use crate::apiserver::error::ApiError;
use crate::object::Status;
use crate::object::status::StatusDetails;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// kube-apiserver's message for a request over the in-flight limit.
pub const TOO_MANY_REQUESTS: &str = "Too many requests, please try again later.";

/// The configured limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Read-only requests served at once (`--max-requests-inflight`; 0 = unlimited).
    pub max_requests_inflight: usize,
    /// Mutating requests served at once (`--max-mutating-requests-inflight`; 0 = unlimited).
    pub max_mutating_requests_inflight: usize,
    /// Open watches in total (`--max-watches`; 0 = unlimited).
    pub max_watches: usize,
    /// Open watches per user (`--max-watches-per-user`; 0 = unlimited).
    pub max_watches_per_user: usize,
    /// Bytes in one list response (`--max-list-bytes`; 0 = unlimited).
    pub max_list_bytes: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_requests_inflight: 400,
            max_mutating_requests_inflight: 200,
            max_watches: 1000,
            max_watches_per_user: 100,
            max_list_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Default)]
struct Watches {
    total: usize,
    per_user: HashMap<String, usize>,
}

/// The limits and what currently counts against them.
#[derive(Debug)]
pub struct Limits {
    config: LimitsConfig,
    read: Option<Arc<Semaphore>>,
    mutating: Option<Arc<Semaphore>>,
    watches: Mutex<Watches>,
}

/// Holds an in-flight slot until dropped.
#[derive(Debug)]
pub struct InFlight(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

/// Holds an open-watch slot until dropped (when the watch stream ends).
#[derive(Debug)]
pub struct WatchSlot {
    limits: Arc<Limits>,
    user: String,
}

impl Drop for WatchSlot {
    fn drop(&mut self) {
        let mut w = self.limits.watches.lock().unwrap_or_else(|e| e.into_inner());
        w.total = w.total.saturating_sub(1);
        if let Some(n) = w.per_user.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                w.per_user.remove(&self.user);
            }
        }
    }
}

fn semaphore(n: usize) -> Option<Arc<Semaphore>> {
    (n > 0).then(|| Arc::new(Semaphore::new(n.min(Semaphore::MAX_PERMITS))))
}

impl Limits {
    /// Limits with nothing in flight.
    pub fn new(config: LimitsConfig) -> Limits {
        Limits {
            read: semaphore(config.max_requests_inflight),
            mutating: semaphore(config.max_mutating_requests_inflight),
            watches: Mutex::new(Watches::default()),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    /// Takes an in-flight slot for a read-only or a mutating request, or answers 429.
    pub fn enter(&self, mutating: bool) -> Result<InFlight, Response> {
        let pool = if mutating { &self.mutating } else { &self.read };
        match pool {
            None => Ok(InFlight(None)),
            Some(s) => s
                .clone()
                .try_acquire_owned()
                .map(|p| InFlight(Some(p)))
                .map_err(|_| too_many(TOO_MANY_REQUESTS.to_string())),
        }
    }

    /// Opens a watch for `user`, or answers 429 when the total or the user's cap is reached.
    pub fn open_watch(self: &Arc<Self>, user: &str) -> Result<WatchSlot, Response> {
        let mut w = self.watches.lock().unwrap_or_else(|e| e.into_inner());
        let mine = w.per_user.get(user).copied().unwrap_or(0);
        let (total_cap, user_cap) = (self.config.max_watches, self.config.max_watches_per_user);
        if user_cap > 0 && mine >= user_cap {
            return Err(too_many(format!(
                "Too many watches: user {user:?} already has {mine} open (the limit per user is {user_cap}); close some and try again later."
            )));
        }
        if total_cap > 0 && w.total >= total_cap {
            return Err(too_many(format!(
                "Too many watches: the server already has {} open (the limit is {total_cap}); try again later.",
                w.total
            )));
        }
        w.total += 1;
        *w.per_user.entry(user.to_string()).or_insert(0) += 1;
        Ok(WatchSlot { limits: self.clone(), user: user.to_string() })
    }

    /// Open watches: in total, and of `user`.
    pub fn open_watches(&self, user: &str) -> (usize, usize) {
        let w = self.watches.lock().unwrap_or_else(|e| e.into_inner());
        (w.total, w.per_user.get(user).copied().unwrap_or(0))
    }
}

/// A 429 `TooManyRequests` Status with `Retry-After: 1`.
pub fn too_many(message: String) -> Response {
    let mut s = Status::failure(429, "TooManyRequests", message);
    s.details = Some(StatusDetails { retry_after_seconds: Some(1), ..Default::default() });
    let mut resp = ApiError::from(s).into_response();
    resp.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("1"));
    resp
}

/// True for requests kube-apiserver treats as long-running (exempt from in-flight limits).
pub fn long_running(verb: &str, subresource: &str) -> bool {
    matches!(verb, "watch" | "proxy")
        || matches!(subresource, "attach" | "exec" | "proxy" | "log" | "portforward")
}

/// The list response cap's refusal of a list requested without `limit`.
pub fn list_too_large(resource: &str, bytes: usize, cap: usize) -> ApiError {
    ApiError::from(Status::bad_request(format!(
        "the list of {resource} is {bytes} bytes, more than this server sends in one response ({cap} bytes, kctl serve --max-list-bytes); request it in pages with limit and continue"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(read: usize, mutating: usize, watches: usize, per_user: usize) -> LimitsConfig {
        LimitsConfig {
            max_requests_inflight: read,
            max_mutating_requests_inflight: mutating,
            max_watches: watches,
            max_watches_per_user: per_user,
            max_list_bytes: 0,
        }
    }

    #[test]
    fn in_flight_pools_are_separate_and_recover() {
        let l = Limits::new(cfg(1, 1, 0, 0));
        let r = l.enter(false).unwrap();
        assert_eq!(l.enter(false).unwrap_err().status(), 429);
        let m = l.enter(true).unwrap();
        assert!(l.enter(true).is_err());
        drop((r, m));
        assert!(l.enter(false).is_ok() && l.enter(true).is_ok());
        let unlimited = Limits::new(cfg(0, 0, 0, 0));
        let held: Vec<_> = (0..1000).map(|_| unlimited.enter(true).unwrap()).collect();
        assert_eq!(held.len(), 1000);
    }

    #[test]
    fn watch_caps_per_user_and_total() {
        let l = Arc::new(Limits::new(cfg(0, 0, 3, 2)));
        let a1 = l.open_watch("a").unwrap();
        let _a2 = l.open_watch("a").unwrap();
        let e = l.open_watch("a").unwrap_err();
        assert_eq!(e.status(), 429);
        assert_eq!(e.headers()[http::header::RETRY_AFTER], "1");
        let _b1 = l.open_watch("b").unwrap();
        assert!(l.open_watch("c").is_err());
        assert_eq!(l.open_watches("a"), (3, 2));
        drop(a1);
        assert_eq!(l.open_watches("a"), (2, 1));
        assert!(l.open_watch("c").is_ok());
    }
}
