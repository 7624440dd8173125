//! The API client: kubeconfig loading and merging ([`kubeconfig`]), resolution of flags and
//! kubeconfig into one [`RestConfig`] ([`config`]), one [`Client`] over two transports (HTTP
//! with reqwest and rustls, or the embedded apiserver's router called in-process), request
//! logging at `-v=6`/`-v=8`, and discovery with REST mapping ([`discovery`]).
//!
//! Every non-2xx answer becomes [`Error::Api`] carrying the server's `Status` (or one
//! synthesized the way client-go does when the body is not a `Status`).

// `Status` is the error value by design (one type for the server's body and the client's
// error), so `Error` is as large as a `Status`.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

pub mod config;
pub mod discovery;
pub mod kubeconfig;
mod plain;
mod tls;

pub use config::{Env, Overrides, RestConfig};
pub use discovery::{ApiResource, Discovery, resource_path};

use crate::object::Status;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use std::convert::Infallible;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The in-process transport: the apiserver's router as a tower service.
pub type InProcessService = tower::util::BoxCloneService<
    http::Request<axum::body::Body>,
    http::Response<axum::body::Body>,
    Infallible,
>;

/// Errors from talking to an apiserver.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with a non-2xx status.
    #[error("{0}")]
    Api(Status),
    /// The request did not get an HTTP answer (connection refused, TLS failure, timeout).
    #[error("{0}")]
    Transport(String),
    /// The answer could not be decoded.
    #[error("{0}")]
    Decode(String),
    /// The kubeconfig or flags are invalid.
    #[error("{0}")]
    Config(String),
    /// Discovery failed or found nothing usable.
    #[error("{0}")]
    Discovery(String),
}

impl Error {
    /// The server's `Status`, when this is an API error.
    pub fn status(&self) -> Option<&Status> {
        match self {
            Error::Api(s) => Some(s),
            _ => None,
        }
    }

    /// True for a `NotFound` API error.
    pub fn is_not_found(&self) -> bool {
        self.status().is_some_and(Status::is_not_found)
    }
}

/// A raw request: method, path with query, headers and body.
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Path and query, e.g. `/api/v1/namespaces/default/configmaps?limit=500`.
    pub path: String,
    /// Extra headers (`Accept` defaults to `application/json`).
    pub headers: HeaderMap,
    /// Body bytes (empty for none).
    pub body: Bytes,
}

impl Request {
    /// A request without body.
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request { method, path: path.into(), headers: HeaderMap::new(), body: Bytes::new() }
    }

    /// Sets a header (ignored when the value is not a valid header value).
    pub fn header(mut self, name: header::HeaderName, value: &str) -> Request {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    /// Sets the body and its content type.
    pub fn body(self, content_type: &str, body: impl Into<Bytes>) -> Request {
        let mut r = self.header(header::CONTENT_TYPE, content_type);
        r.body = body.into();
        r
    }
}

/// A raw response.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Response {
    /// The `Content-Type` header, or "".
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// `Warning` header texts (`299 - "msg"` → `msg`), as kubectl prints them.
    pub fn warnings(&self) -> Vec<String> {
        self.headers
            .get_all(header::WARNING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|w| {
                let text = w.splitn(3, ' ').nth(2).unwrap_or(w).trim();
                text.strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .map(|t| t.replace("\\\"", "\""))
                    .unwrap_or_else(|| text.to_string())
            })
            .collect()
    }
}

/// The client `User-Agent`.
pub fn user_agent() -> String {
    format!(
        "kctl/v{} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            a => a,
        }
    )
}

/// A client of one apiserver. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    namespace: String,
    verbosity: std::sync::atomic::AtomicU8,
    auth: Auth,
}

enum Transport {
    Http {
        http: reqwest::Client,
        /// The server URL without a trailing `/`, as written in the configuration.
        base: String,
        /// `base` parsed once, so each request only sets its path and query.
        parsed: Option<url::Url>,
        /// The direct transport for plain-HTTP servers (see [`plain`]).
        plain: Option<plain::Plain>,
        /// The whole-request timeout (`--request-timeout`).
        timeout: Option<std::time::Duration>,
    },
    InProcess(Mutex<InProcessService>),
}

#[derive(Default)]
struct Auth {
    token: Option<String>,
    token_file: Option<std::path::PathBuf>,
    basic: Option<(String, String)>,
    impersonate_user: Option<String>,
    impersonate_groups: Vec<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = match &self.inner.transport {
            Transport::Http { base, .. } => base.as_str(),
            Transport::InProcess(_) => "in-process",
        };
        f.debug_struct("Client").field("server", &t).finish()
    }
}

/// The URL of one request: the server's URL with the request's path and query.
enum RequestUrl {
    /// Built from the parsed server URL.
    Parsed(url::Url),
    /// Left as text (the server URL did not parse; reqwest reports why).
    Text(String),
}

impl RequestUrl {
    fn as_str(&self) -> &str {
        match self {
            RequestUrl::Parsed(u) => u.as_str(),
            RequestUrl::Text(t) => t,
        }
    }
}

/// `base` followed by `path` (which may carry a `?query`): the same URL as parsing the
/// concatenated text, without parsing the scheme and host again for every request.
fn request_url(base: &str, parsed: Option<&url::Url>, path: &str) -> RequestUrl {
    let Some(parsed) = parsed.filter(|u| u.query().is_none() && u.fragment().is_none()) else {
        return RequestUrl::Text(format!("{base}{path}"));
    };
    if !path.starts_with('/') || path.contains('#') {
        return RequestUrl::Text(format!("{base}{path}"));
    }
    let (p, q) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut u = parsed.clone();
    let prefix = parsed.path().trim_end_matches('/');
    if prefix.is_empty() {
        u.set_path(p);
    } else {
        u.set_path(&format!("{prefix}{p}"));
    }
    u.set_query(q);
    RequestUrl::Parsed(u)
}

impl Client {
    /// An HTTP(S) client for a resolved configuration.
    pub fn http(cfg: &RestConfig) -> Result<Client, Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder().user_agent(user_agent()).http1_only();
        if let Some(t) = cfg.timeout {
            b = b.timeout(t);
        }
        let mut cert_pem = cfg.client_cert_pem.clone();
        let mut key_pem = cfg.client_key_pem.clone();
        let mut token = cfg.token.clone();
        if let Some(exec) = &cfg.exec
            && token.is_none()
            && cert_pem.is_none()
        {
            let cred = run_exec_plugin(exec, cfg)?;
            token = cred.token.or(token);
            if let (Some(c), Some(k)) = (cred.client_certificate_data, cred.client_key_data) {
                cert_pem = Some(c.into_bytes());
                key_pem = Some(k.into_bytes());
            }
        }
        if let Some(proxy) = cfg.proxy_url.as_deref().filter(|p| !p.is_empty()) {
            let proxy = reqwest::Proxy::all(proxy)
                .map_err(|e| Error::Config(format!("invalid proxy-url {proxy:?}: {e}")))?;
            b = b.proxy(proxy);
        }
        let custom_tls = !cfg.insecure && cfg.tls_server_name.is_some() && cfg.ca_pem.is_some();
        if let (true, Some(name), Some(ca)) = (custom_tls, &cfg.tls_server_name, &cfg.ca_pem) {
            // Verifying against another name than the URL's host needs our own rustls setup.
            let tls = tls::config_with_server_name(
                ca,
                name,
                cert_pem.as_deref().zip(key_pem.as_deref()),
            )?;
            b = b.tls_backend_preconfigured(tls);
        } else if cfg.insecure {
            b = b.tls_danger_accept_invalid_certs(true);
        } else if let Some(ca) = &cfg.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(ca)
                .map_err(|e| Error::Config(format!("unable to load root certificates: {e}")))?;
            if certs.is_empty() {
                return Err(Error::Config(
                    "unable to load root certificates: no certificates found".into(),
                ));
            }
            b = b.tls_certs_only(certs);
        }
        if cfg.server.starts_with("http://") && !custom_tls && !cfg.insecure && cfg.ca_pem.is_none()
        {
            // Plain HTTP: no trust roots to load (a redirect to https finds none and fails).
            b = b.tls_certs_only(Vec::<reqwest::Certificate>::new());
        }
        if let (false, Some(c), Some(k)) = (custom_tls, &cert_pem, &key_pem) {
            let mut pem = c.clone();
            if !pem.ends_with(b"\n") {
                pem.push(b'\n');
            }
            pem.extend_from_slice(k);
            let id = reqwest::Identity::from_pem(&pem)
                .map_err(|e| Error::Config(format!("invalid client certificate or key: {e}")))?;
            b = b.identity(id);
        }
        let http = b.build().map_err(|e| Error::Config(format!("cannot build client: {e}")))?;
        let parsed = url::Url::parse(cfg.server.trim_end_matches('/')).ok();
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport::Http {
                    http,
                    base: cfg.server.trim_end_matches('/').into(),
                    plain: parsed.as_ref().and_then(|u| {
                        plain::Plain::for_url(
                            u,
                            cfg.proxy_url.as_deref().is_some_and(|p| !p.is_empty()),
                        )
                    }),
                    parsed,
                    timeout: cfg.timeout,
                },
                namespace: cfg.namespace.clone(),
                verbosity: cfg.verbosity.into(),
                auth: Auth {
                    token,
                    token_file: cfg.token_file.clone(),
                    basic: cfg.basic_auth.clone(),
                    impersonate_user: cfg.impersonate_user.clone(),
                    impersonate_groups: cfg.impersonate_groups.clone(),
                },
            }),
        })
    }

    /// A client of the embedded local cluster: the apiserver's router called directly.
    pub fn in_process(svc: InProcessService, namespace: String) -> Client {
        Client {
            inner: Arc::new(Inner {
                transport: Transport::InProcess(Mutex::new(svc)),
                namespace,
                verbosity: 0.into(),
                auth: Auth::default(),
            }),
        }
    }

    /// Sets the log level (`-v`) of this client and its clones: 6 logs each request, 8 also
    /// headers and bodies.
    pub fn with_verbosity(self, v: u8) -> Client {
        self.inner.verbosity.store(v, std::sync::atomic::Ordering::Relaxed);
        self
    }

    /// The namespace commands use when `-n` is not given.
    pub fn default_namespace(&self) -> &str {
        &self.inner.namespace
    }

    /// The server's base URL; `None` for the in-process transport.
    pub fn base_url(&self) -> Option<&str> {
        match &self.inner.transport {
            Transport::Http { base, .. } => Some(base),
            Transport::InProcess(_) => None,
        }
    }

    fn display_url(&self, path: &str) -> String {
        match &self.inner.transport {
            Transport::Http { base, .. } => format!("{base}{path}"),
            Transport::InProcess(_) => format!("local://{path}"),
        }
    }

    /// Sends a request and returns the response whatever its status.
    pub async fn send(&self, req: Request) -> Result<Response, Error> {
        let start = Instant::now();
        let v = self.inner.verbosity.load(std::sync::atomic::Ordering::Relaxed);
        let (url, secret_path) = match v >= 6 {
            true => (self.display_url(&req.path), is_secret_path(&req.path)),
            false => (String::new(), false),
        };
        if v >= 8 {
            log_line(&format!("Request Headers: {}", format_headers(&self.log_headers(&req))));
            if !req.body.is_empty() {
                log_line(&format!("Request Body: {}", redact_body_for(&req.body, secret_path)));
            }
        }
        let result = match &self.inner.transport {
            Transport::Http { http, base, parsed, plain, timeout } => {
                let url = request_url(base, parsed.as_ref(), &req.path);
                match self.headers_of(&req) {
                    Err(e) => Err((req.method.clone(), e)),
                    Ok(headers) => match plain {
                        Some(p) => match with_timeout(
                            *timeout,
                            &url,
                            p.send(&req.method, &req.path, &headers, &req.body),
                        )
                        .await
                        {
                            Ok(plain::Sent::Elsewhere) => {
                                self.send_http(http, url, req, headers).await
                            }
                            Ok(plain::Sent::Answered { status, headers, body }) => {
                                Ok((req.method, Response { status, headers, body }))
                            }
                            Ok(plain::Sent::Failed(chain)) => {
                                Err((req.method, transport_error_text(url.as_str(), &chain, false)))
                            }
                            Err(e) => Err((req.method, e)),
                        },
                        None => self.send_http(http, url, req, headers).await,
                    },
                }
            }
            Transport::InProcess(svc) => {
                let svc = match svc.lock() {
                    Ok(g) => g.clone(),
                    Err(p) => p.into_inner().clone(),
                };
                send_in_process(svc, req).await
            }
        };
        let ms = start.elapsed().as_millis();
        if v >= 6 {
            match &result {
                Ok((method, resp)) => {
                    let reason = resp.status.canonical_reason().unwrap_or("");
                    log_line(&format!(
                        "{method} {url} {} {reason} in {ms} milliseconds",
                        resp.status.as_u16()
                    ));
                    if v >= 8 {
                        log_line(&format!("Response Headers: {}", format_headers(&resp.headers)));
                        if !resp.body.is_empty() {
                            log_line(&format!(
                                "Response Body: {}",
                                redact_body_for(&resp.body, secret_path)
                            ));
                        }
                    }
                }
                Err((method, e)) => {
                    log_line(&format!("{method} {url}  in {ms} milliseconds"));
                    if v >= 8 {
                        log_line(&format!("error: {e}"));
                    }
                }
            }
        }
        result.map(|(_, r)| r).map_err(|(_, e)| e)
    }

    fn log_headers(&self, req: &Request) -> HeaderMap {
        let mut h = with_defaults(req.headers.clone());
        if self.inner.auth.token.is_some() || self.inner.auth.token_file.is_some() {
            h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer <masked>"));
        }
        h
    }

    /// Everything a request carries besides its body: its own headers, `Accept` (JSON unless
    /// it names one), the user agent, credentials and impersonation.
    fn headers_of(&self, req: &Request) -> Result<HeaderMap, Error> {
        let mut h = with_defaults(req.headers.clone());
        let auth = &self.inner.auth;
        let credential = match (&auth.token, &auth.token_file, &auth.basic) {
            (Some(t), _, _) => Some(format!("Bearer {t}")),
            (None, Some(file), _) => {
                let t = std::fs::read_to_string(file).map_err(|e| {
                    Error::Config(format!("unable to read token file {}: {e}", file.display()))
                })?;
                Some(format!("Bearer {}", t.trim()))
            }
            (None, None, Some((u, p))) => {
                use base64::Engine;
                let pair = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
                Some(format!("Basic {pair}"))
            }
            (None, None, None) => None,
        };
        if let Some(c) = credential {
            let mut v = HeaderValue::from_str(&c)
                .map_err(|_| Error::Config("credentials hold characters a header cannot".into()))?;
            v.set_sensitive(true);
            h.insert(header::AUTHORIZATION, v);
        }
        let mut add = |name: &'static str, value: &str| -> Result<(), Error> {
            let v = HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("invalid {name} header value {value:?}")))?;
            h.append(name, v);
            Ok(())
        };
        if let Some(u) = &auth.impersonate_user {
            add("Impersonate-User", u)?;
        }
        for g in &auth.impersonate_groups {
            add("Impersonate-Group", g)?;
        }
        Ok(h)
    }

    async fn send_http(
        &self,
        http: &reqwest::Client,
        url: RequestUrl,
        req: Request,
        headers: HeaderMap,
    ) -> Result<(Method, Response), (Method, Error)> {
        let method = req.method.clone();
        let mut rb = match &url {
            RequestUrl::Parsed(u) => http.request(req.method.clone(), u.clone()),
            RequestUrl::Text(t) => http.request(req.method.clone(), t.as_str()),
        }
        .headers(headers);
        if !req.body.is_empty() || matches!(req.method, Method::POST | Method::PUT | Method::PATCH)
        {
            rb = rb.body(req.body.clone());
        }
        let resp =
            rb.send().await.map_err(|e| (method.clone(), transport_error(url.as_str(), &e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body =
            resp.bytes().await.map_err(|e| (method.clone(), Error::Transport(error_chain(&e))))?;
        Ok((method, Response { status, headers, body }))
    }

    /// Sends a request; a non-2xx answer becomes [`Error::Api`].
    pub async fn request(&self, req: Request) -> Result<Response, Error> {
        let method = req.method.clone();
        let resp = self.send(req).await?;
        if resp.status.is_success() {
            Ok(resp)
        } else {
            Err(Error::Api(status_from_response(&method, &resp)))
        }
    }

    async fn json(&self, req: Request) -> Result<serde_json::Value, Error> {
        let resp = self.request(req).await?;
        if resp.body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Decode(format!("invalid JSON in response: {e}")))
    }

    /// GET a JSON document.
    pub async fn get(&self, path: &str) -> Result<serde_json::Value, Error> {
        self.json(Request::new(Method::GET, path)).await
    }

    /// POST a body; returns the decoded answer.
    pub async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> Result<serde_json::Value, Error> {
        self.json(Request::new(Method::POST, path).body(content_type, body)).await
    }

    /// PUT a body; returns the decoded answer.
    pub async fn put(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> Result<serde_json::Value, Error> {
        self.json(Request::new(Method::PUT, path).body(content_type, body)).await
    }

    /// PATCH with a patch document of the given content type.
    pub async fn patch(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> Result<serde_json::Value, Error> {
        self.json(Request::new(Method::PATCH, path).body(content_type, body)).await
    }

    /// DELETE, optionally with `DeleteOptions` as JSON.
    pub async fn delete(
        &self,
        path: &str,
        body: Option<Bytes>,
    ) -> Result<serde_json::Value, Error> {
        let req = Request::new(Method::DELETE, path);
        let req = match body {
            Some(b) => req.body("application/json", b),
            None => req,
        };
        self.json(req).await
    }
}

async fn send_in_process(
    svc: InProcessService,
    req: Request,
) -> Result<(Method, Response), (Method, Error)> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let method = req.method.clone();
    let mut builder = http::Request::builder().method(req.method.clone()).uri(&req.path);
    if let Some(h) = builder.headers_mut() {
        *h = req.headers.clone();
        if !h.contains_key(header::ACCEPT) {
            h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        }
        if let Ok(ua) = HeaderValue::from_str(&user_agent()) {
            h.insert(header::USER_AGENT, ua);
        }
    }
    let hreq = builder
        .body(axum::body::Body::from(req.body))
        .map_err(|e| (method.clone(), Error::Transport(format!("invalid request: {e}"))))?;
    let resp = match svc.oneshot(hreq).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let (parts, body) = resp.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| (method.clone(), Error::Transport(e.to_string())))?
        .to_bytes();
    Ok((method, Response { status: parts.status, headers: parts.headers, body }))
}

/// The `Status` for a non-2xx response: the body when it is a `Status`, otherwise one built
/// as client-go builds it from the HTTP code.
pub fn status_from_response(method: &Method, resp: &Response) -> Status {
    if let Ok(s) = serde_json::from_slice::<Status>(&resp.body)
        && s.kind == "Status"
    {
        let mut s = s;
        if s.code == 0 {
            s.code = resp.status.as_u16();
        }
        return s;
    }
    let code = resp.status.as_u16();
    let body = String::from_utf8_lossy(&resp.body).trim().to_string();
    let (reason, message) = match code {
        400 => ("BadRequest", "the server rejected our request for an unknown reason".to_string()),
        401 => ("Unauthorized", "the server has asked for the client to provide credentials".into()),
        403 => ("Forbidden", if body.is_empty() { "forbidden".into() } else { body.clone() }),
        404 => ("NotFound", "the server could not find the requested resource".into()),
        405 => (
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource".into(),
        ),
        406 => ("NotAcceptable", "the server was unable to respond with a content type that the client supports".into()),
        409 => ("Conflict", "the server reported a conflict".into()),
        415 => ("UnsupportedMediaType", "the server was unable to handle the content type".into()),
        422 => ("Invalid", "the server rejected our request due to an error in our request".into()),
        429 => (
            "TooManyRequests",
            "the server has received too many requests and has asked us to try again later".into(),
        ),
        503 => ("ServiceUnavailable", "the server is currently unable to handle the request".into()),
        504 => (
            "Timeout",
            "the server was unable to return a response in the time allotted, but may still be processing the request".into(),
        ),
        500 => (
            "InternalError",
            format!("an error on the server ({body:?}) has prevented the request from succeeding"),
        ),
        _ => (
            "Unknown",
            format!("an error on the server ({body:?}) has prevented the request from succeeding"),
        ),
    };
    let _ = method;
    Status::failure(code, reason, message)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        src = s.source();
    }
    out
}

/// kubectl's wording for requests that got no HTTP answer.
fn transport_error(url: &str, e: &reqwest::Error) -> Error {
    transport_error_text(url, &error_chain(e), e.is_timeout())
}

/// kubectl's wording for a request that got no answer: `chain` is the error and its causes,
/// `timed_out` whether the request timeout ended it.
fn transport_error_text(url: &str, chain: &str, timed_out: bool) -> Error {
    let host = url
        .split_once("://")
        .map(|(_, r)| r.split('/').next().unwrap_or(r))
        .unwrap_or(url)
        .to_string();
    if chain.contains("Connection refused") || chain.contains("connection refused") {
        return Error::Transport(format!(
            "The connection to the server {host} was refused - did you specify the right host or port?"
        ));
    }
    if timed_out {
        return Error::Transport(format!(
            "Unable to connect to the server: context deadline exceeded (Client.Timeout exceeded while awaiting headers) for {url}"
        ));
    }
    Error::Transport(format!("Unable to connect to the server: {chain}"))
}

/// `headers` with `Accept` (JSON unless they name one) and the user agent.
fn with_defaults(mut headers: HeaderMap) -> HeaderMap {
    if !headers.contains_key(header::ACCEPT) {
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    }
    if let Ok(ua) = HeaderValue::from_str(&user_agent()) {
        headers.insert(header::USER_AGENT, ua);
    }
    headers
}

/// Runs `f` within the request timeout, if one is set.
async fn with_timeout<T>(
    timeout: Option<std::time::Duration>,
    url: &RequestUrl,
    f: impl std::future::Future<Output = T>,
) -> Result<T, Error> {
    match timeout {
        None => Ok(f.await),
        Some(t) => tokio::time::timeout(t, f)
            .await
            .map_err(|_| transport_error_text(url.as_str(), "timeout", true)),
    }
}

fn format_headers(h: &HeaderMap) -> String {
    let mut parts: Vec<String> = h
        .iter()
        .map(|(k, v)| {
            let val = if k == header::AUTHORIZATION {
                "<masked>".to_string()
            } else {
                v.to_str().unwrap_or("<binary>").to_string()
            };
            format!("{k}: {val}")
        })
        .collect();
    parts.sort();
    parts.join(", ")
}

/// True when `path` addresses Secrets (`…/secrets` or `…/secrets/<name>`), whose bodies (a
/// patch carries no `kind`) are masked whatever their shape.
fn is_secret_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let segs: Vec<&str> = path.split('/').collect();
    segs.iter().enumerate().any(|(i, s)| {
        *s == "secrets" && i + 2 >= segs.len() && (i == 0 || segs[i - 1] != "namespaces")
    })
}

/// A body for the log: at most 10 kB, with Secret `data`/`stringData` values masked.
#[cfg(test)]
fn redact_body(body: &[u8]) -> String {
    redact_body_for(body, false)
}

/// A body for the log: at most 10 kB, with every Secret value and token masked. `secret_path`
/// says the body belongs to a Secret even without a `kind` (patches); such bodies that are not
/// JSON are withheld entirely.
fn redact_body_for(body: &[u8], secret_path: bool) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            if secret_path {
                mask_secret_fields(&mut v);
            }
            redact_secrets(&mut v);
            v.to_string()
        }
        Err(_) if secret_path => "<redacted>".to_string(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    if text.len() > 10240 {
        let mut cut = 10240;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{} [truncated {} chars]", &text[..cut], text.len() - cut)
    } else {
        text
    }
}

/// Masks a Secret's values: `data`, `stringData`, and the last-applied annotation (which
/// holds them in clear).
fn mask_secret_fields(v: &mut serde_json::Value) {
    let masked = || serde_json::Value::String("<redacted>".into());
    for field in ["data", "stringData"] {
        if let Some(m) = v.get_mut(field).and_then(|d| d.as_object_mut()) {
            for val in m.values_mut() {
                *val = masked();
            }
        }
    }
    if let Some(a) =
        v.pointer_mut("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
    {
        *a = masked();
    }
}

/// Masks every Secret (at any depth: lists, Table rows, watch events) and every issued token
/// (`TokenRequest` status).
fn redact_secrets(v: &mut serde_json::Value) {
    match v.get("kind").and_then(|k| k.as_str()) {
        Some("Secret") => mask_secret_fields(v),
        Some("TokenRequest") => {
            if let Some(t) = v.pointer_mut("/status/token") {
                *t = serde_json::Value::String("<redacted>".into());
            }
        }
        _ => {}
    }
    match v {
        serde_json::Value::Object(m) => m.values_mut().for_each(redact_secrets),
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

/// One log line in klog's shape: `I1126 12:00:00.000000   12345 round_trippers.go:553] …`.
fn log_line(msg: &str) {
    let now = chrono::Utc::now();
    let line = format!(
        "I{} {:>7} round_trippers.go:553] {msg}\n",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    );
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
}

/// What an exec credential plugin returned.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecStatus {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    client_certificate_data: Option<String>,
    #[serde(default)]
    client_key_data: Option<String>,
}

fn run_exec_plugin(exec: &kubeconfig::ExecConfig, cfg: &RestConfig) -> Result<ExecStatus, Error> {
    let api_version =
        exec.api_version.clone().unwrap_or_else(|| "client.authentication.k8s.io/v1".into());
    let mut spec = serde_json::json!({"interactive": false});
    if exec.provide_cluster_info {
        spec["cluster"] = serde_json::json!({"server": cfg.server});
    }
    let info =
        serde_json::json!({"kind": "ExecCredential", "apiVersion": api_version, "spec": spec});
    let mut cmd = std::process::Command::new(&exec.command);
    cmd.args(exec.args.iter().flatten())
        .env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    for e in exec.env.iter().flatten() {
        cmd.env(&e.name, &e.value);
    }
    let out = cmd.output().map_err(|e| {
        let hint = exec.install_hint.as_deref().map(|h| format!("\n\n{h}")).unwrap_or_default();
        Error::Config(format!(
            "getting credentials: exec: executable {} failed: {e}{hint}",
            exec.command
        ))
    })?;
    if !out.status.success() {
        return Err(Error::Config(format!(
            "getting credentials: exec: executable {} failed with {}",
            exec.command, out.status
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::Config(format!("getting credentials: decoding stdout: {e}")))?;
    let status = v.get("status").cloned().unwrap_or_default();
    serde_json::from_value(status)
        .map_err(|e| Error::Config(format!("getting credentials: decoding status: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls_are_the_urls_of_the_joined_text() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://kube.example.com",
            "https://[::1]:6443",
            "https://host/k8s/clusters/c-1",
            "https://host/prefix/",
            "https://user@host:443/a%20b",
        ];
        let paths = [
            "/api/v1/namespaces/default/pods",
            "/api/v1/namespaces?limit=500",
            "/apis/apps/v1/namespaces/a/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
            "/api/v1/pods?labelSelector=app%3Dweb,tier+in+(a b)&fieldSelector=x==y",
            "/api/v1/namespaces/d/configmaps/n%C3%A9e",
            "/api/v1/namespaces/d/configmaps/a b?x=\"y\"",
            "/",
            "/version?timeout=32s",
        ];
        for base in bases {
            let trimmed = base.trim_end_matches('/');
            let parsed = url::Url::parse(trimmed).ok();
            for path in paths {
                let joined = format!("{trimmed}{path}");
                let expected = url::Url::parse(&joined).unwrap();
                let got = request_url(trimmed, parsed.as_ref(), path);
                assert_eq!(got.as_str(), expected.as_str(), "{base} + {path}");
            }
        }
        let bad = request_url("http://[bad", None, "/api");
        assert_eq!(bad.as_str(), "http://[bad/api");
    }

    #[test]
    fn synthesizes_status_for_plain_bodies() {
        let resp = Response {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"404 page not found"),
        };
        let s = status_from_response(&Method::GET, &resp);
        assert_eq!(s.reason, "NotFound");
        assert_eq!(s.message, "the server could not find the requested resource");
        assert_eq!(s.code, 404);
    }

    #[tokio::test]
    async fn in_process_transport_calls_the_router() {
        use axum::routing::get;
        let router =
            axum::Router::new()
                .route(
                    "/version",
                    get(|| async { axum::Json(serde_json::json!({"gitVersion": "v1.32.4"})) }),
                )
                .route(
                    "/api/v1/namespaces/{ns}/configmaps/{name}",
                    get(
                        |axum::extract::Path((_ns, name)): axum::extract::Path<(
                            String,
                            String,
                        )>| async move {
                            let s = Status::not_found("", "configmaps", &name);
                            (StatusCode::NOT_FOUND, axum::Json(s))
                        },
                    ),
                );
        let client = Client::in_process(tower::util::BoxCloneService::new(router), "team".into());
        assert_eq!(client.default_namespace(), "team");
        assert_eq!(client.base_url(), None);
        let v = client.get("/version").await.expect("version");
        assert_eq!(v["gitVersion"], "v1.32.4");
        let clones: Vec<Client> = (0..4).map(|_| client.clone()).collect();
        let results = futures::future::join_all(
            clones.iter().map(|c| c.get("/api/v1/namespaces/default/configmaps/x")),
        )
        .await;
        for r in results {
            let err = r.expect_err("404");
            assert!(err.is_not_found());
            assert_eq!(err.to_string(), "configmaps \"x\" not found");
        }
    }

    #[test]
    fn client_is_send_sync_and_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }

    #[test]
    fn nested_secrets_tokens_and_secret_patches_are_redacted() {
        let table = br#"{"kind":"Table","rows":[{"object":{"kind":"Secret","data":{"k":"c2VjcmV0"},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"k\":\"hunter2\"}}"}}}}]}"#;
        let out = redact_body_for(table, false);
        assert!(!out.contains("c2VjcmV0") && !out.contains("hunter2"), "{out}");
        let tr = br#"{"kind":"TokenRequest","status":{"token":"eyJhbGciOi.x.y"}}"#;
        assert!(!redact_body_for(tr, false).contains("eyJhbGciOi"));
        let patch = br#"{"data":{"k":"c2VjcmV0"}}"#;
        assert!(!redact_body_for(patch, true).contains("c2VjcmV0"));
        assert_eq!(redact_body_for(b"k: hunter2", true), "<redacted>");
        assert!(is_secret_path("/api/v1/namespaces/a/secrets/s?fieldManager=x"));
        assert!(is_secret_path("/api/v1/secrets"));
        assert!(!is_secret_path("/api/v1/namespaces/secrets/pods"));
    }

    #[test]
    fn secret_bodies_are_redacted() {
        let b = br#"{"kind":"Secret","data":{"password":"c2VjcmV0"}}"#;
        let out = redact_body(b);
        assert!(!out.contains("c2VjcmV0"), "{out}");
    }

    #[test]
    fn warning_header_text() {
        let mut h = HeaderMap::new();
        h.append(
            header::WARNING,
            HeaderValue::from_static("299 - \"unknown field \\\"spec.foo\\\"\""),
        );
        let r = Response { status: StatusCode::OK, headers: h, body: Bytes::new() };
        assert_eq!(r.warnings(), vec!["unknown field \"spec.foo\"".to_string()]);
    }
}
