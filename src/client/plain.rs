//! Plain-HTTP requests sent straight over hyper's HTTP/1.1 connections, without the general
//! client's layers (proxy matching, redirect and retry policies, URL re-parsing).
//!
//! Used for `http://` servers on the loopback interface when no proxy applies, which is how
//! `kctl serve` is reached and where a large apply is bound by per-request CPU. Only the
//! ordinary case is handled here: a request whose connection fails other than by refusal, or
//! whose answer is a redirect, is handed back to the caller, which sends it through reqwest,
//! so those behave exactly as on every other transport. (On the loopback interface a
//! connection is made or refused at once; nothing waits twice.)

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use std::sync::Mutex;

/// Idle connections to one `http://` server.
pub struct Plain {
    /// `host:port` to connect to.
    authority: String,
    /// The `Host` header.
    host: HeaderValue,
    /// Path prefix of the server URL (`""` for none), put before every request path.
    prefix: String,
    /// Connections not carrying a request right now.
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

/// What became of a request.
pub enum Sent {
    /// The server answered (not with a redirect).
    Answered { status: StatusCode, headers: HeaderMap, body: Bytes },
    /// Nothing was sent, or the server redirected: send it the general way.
    Elsewhere,
    /// The request went out and no complete answer came back; the error chain.
    Failed(String),
}

impl Plain {
    /// The plain transport for `url`, when it is an `http://` URL of the loopback interface
    /// that no proxy setting of the environment or kubeconfig could apply to.
    pub fn for_url(url: &url::Url, proxy_configured: bool) -> Option<Plain> {
        Plain::unless_proxied(url, proxy_configured || proxy_in_environment())
    }

    fn unless_proxied(url: &url::Url, proxied: bool) -> Option<Plain> {
        if url.scheme() != "http" || proxied {
            return None;
        }
        let loopback = match url.host()? {
            url::Host::Ipv4(a) => a.is_loopback(),
            url::Host::Ipv6(a) => a.is_loopback(),
            url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        };
        if !loopback {
            return None;
        }
        if !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        let host = url.host_str()?;
        let port = url.port_or_known_default()?;
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        Some(Plain {
            authority: format!("{host}:{port}"),
            host: HeaderValue::from_str(&authority).ok()?,
            prefix: url.path().trim_end_matches('/').to_string(),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Sends one request (`path` with its query, `headers` complete but for `Host` and
    /// `Content-Length`) and reads the whole answer.
    pub async fn send(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Sent {
        let uri = match format!("{}{path}", self.prefix).parse::<http::Uri>() {
            Ok(u) => u,
            Err(_) => return Sent::Elsewhere,
        };
        let mut req = http::Request::new(Full::new(body.clone()));
        *req.method_mut() = method.clone();
        *req.uri_mut() = uri;
        let h = req.headers_mut();
        h.reserve(headers.len() + 2);
        h.insert(header::HOST, self.host.clone());
        for (k, v) in headers {
            h.append(k, v.clone());
        }
        let mut req = Some(req);
        // A pooled connection the server has closed in the meantime gives the request back
        // unsent; it then goes out on a new connection.
        for _ in 0..3 {
            let mut sender = match self.checkout().await {
                Ok(s) => s,
                Err(Unconnected::Refused(chain)) => return Sent::Failed(chain),
                Err(Unconnected::Otherwise) => return Sent::Elsewhere,
            };
            let Some(r) = req.take() else { return Sent::Elsewhere };
            match sender.try_send_request(r).await {
                Ok(resp) => {
                    let (parts, incoming) = resp.into_parts();
                    if parts.status.is_redirection() && parts.headers.contains_key(header::LOCATION)
                    {
                        return Sent::Elsewhere;
                    }
                    return match incoming.collect().await {
                        Ok(b) => {
                            self.checkin(sender);
                            Sent::Answered {
                                status: parts.status,
                                headers: parts.headers,
                                body: b.to_bytes(),
                            }
                        }
                        Err(e) => Sent::Failed(super::error_chain(&e)),
                    };
                }
                Err(mut e) => match e.take_message() {
                    Some(unsent) => req = Some(unsent),
                    None => return Sent::Failed(super::error_chain(e.error())),
                },
            }
        }
        Sent::Elsewhere
    }

    /// An idle connection that can take a request, or a new one.
    async fn checkout(&self) -> Result<SendRequest<Full<Bytes>>, Unconnected> {
        loop {
            let pooled = match self.idle.lock() {
                Ok(mut idle) => idle.pop(),
                Err(p) => p.into_inner().pop(),
            };
            match pooled {
                // Ready once its connection has finished the previous exchange; an error
                // means the server closed it.
                Some(mut s) => {
                    if s.ready().await.is_ok() {
                        return Ok(s);
                    }
                }
                None => break,
            }
        }
        let stream = match tokio::net::TcpStream::connect(&self.authority).await {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Err(Unconnected::Refused(super::error_chain(&e)));
            }
            Err(_) => return Err(Unconnected::Otherwise),
        };
        let _ = stream.set_nodelay(true);
        let (sender, conn) = http1::Builder::new()
            .handshake(TokioIo::new(stream))
            .await
            .map_err(|_| Unconnected::Otherwise)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    fn checkin(&self, sender: SendRequest<Full<Bytes>>) {
        match self.idle.lock() {
            Ok(mut idle) => idle.push(sender),
            Err(p) => p.into_inner().push(sender),
        }
    }
}

/// Why no connection could be had.
enum Unconnected {
    /// The server refused it; the error chain.
    Refused(String),
    /// Anything else: left to the general client to report.
    Otherwise,
}

/// True when the environment names a proxy that plain-HTTP requests could go through.
fn proxy_in_environment() -> bool {
    ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

#[cfg(test)]
mod tests {
    use crate::client::config::RestConfig;
    use crate::client::{Client, Request};
    use http::Method;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Reads one request head and body (by Content-Length) from `s`; `None` at end of stream.
    async fn read_request(s: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> Option<String> {
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while buf.len() < end + 4 + len {
                    let mut chunk = [0u8; 4096];
                    let n = s.read(&mut chunk).await.ok()?;
                    if n == 0 {
                        return None;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
                buf.drain(..end + 4 + len);
                return Some(format!("{head}\r\n\r\n{body}"));
            }
            let mut chunk = [0u8; 4096];
            let n = s.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// A peer that answers each request with `answer(request_text)`, closing each connection
    /// after one exchange when `close` is set; returns its address and what it received.
    async fn peer(
        close: bool,
        answer: fn(&str) -> String,
    ) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut s, _)) = l.accept().await else { return };
                let log = log.clone();
                log.lock().unwrap().push("CONNECT".into());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    while let Some(req) = read_request(&mut s, &mut buf).await {
                        let resp = answer(&req);
                        log.lock().unwrap().push(req);
                        if s.write_all(resp.as_bytes()).await.is_err() || close {
                            return;
                        }
                    }
                });
            }
        });
        (addr, seen)
    }

    fn client(addr: &str) -> Client {
        let cfg = RestConfig {
            server: format!("http://{addr}"),
            namespace: "default".into(),
            token: Some("tok".into()),
            impersonate_user: Some("jane".into()),
            impersonate_groups: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        Client::http(&cfg).unwrap()
    }

    fn ok(body: &str) -> String {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    #[tokio::test(flavor = "current_thread")]
    async fn requests_carry_every_header_and_reuse_connections() {
        let (addr, seen) = peer(false, |_| ok("{}")).await;
        let c = client(&addr);
        for i in 0..3 {
            let req = Request::new(Method::POST, format!("/api/v1/namespaces?x={i}"))
                .body("application/json", "{\"a\":1}");
            let resp = c.send(req).await.unwrap();
            assert_eq!(resp.status, 200);
            assert_eq!(&resp.body[..], b"{}");
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 4, "one connection, three requests: {seen:?}");
        assert_eq!(seen[0], "CONNECT");
        let first = seen[1].to_ascii_lowercase();
        assert!(first.starts_with("post /api/v1/namespaces?x=0 http/1.1\r\n"), "{first}");
        for h in [
            format!("host: {addr}"),
            "authorization: bearer tok".into(),
            "impersonate-user: jane".into(),
            "impersonate-group: a".into(),
            "impersonate-group: b".into(),
            "accept: application/json".into(),
            "content-type: application/json".into(),
            "content-length: 7".into(),
            "user-agent: kctl/v".into(),
        ] {
            assert!(first.contains(&format!("\r\n{h}")), "{h} missing from {first}");
        }
        assert!(first.ends_with("{\"a\":1}"));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn closed_connections_are_replaced() {
        let (addr, seen) = peer(true, |_| ok("{\"n\":1}")).await;
        let c = client(&addr);
        for _ in 0..4 {
            let resp = c.send(Request::new(Method::GET, "/version")).await.unwrap();
            assert_eq!(&resp.body[..], b"{\"n\":1}");
        }
        assert_eq!(seen.lock().unwrap().len(), 8, "a connection for each request");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn redirects_are_followed_as_the_general_client_does() {
        let (addr, seen) = peer(false, |req| match req.starts_with("GET /old ") {
            true => "HTTP/1.1 302 Found\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n".into(),
            false => ok("{\"at\":\"new\"}"),
        })
        .await;
        let c = client(&addr);
        let resp = c.send(Request::new(Method::GET, "/old")).await.unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(&resp.body[..], b"{\"at\":\"new\"}");
        let seen = seen.lock().unwrap();
        assert!(seen.iter().any(|r| r.starts_with("GET /new ")), "{seen:?}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn refused_connections_read_as_kubectl_reports_them() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = client(&format!("127.0.0.1:{port}"));
        let e = c.send(Request::new(Method::GET, "/api")).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "The connection to the server 127.0.0.1:{port} was refused - did you specify the right host or port?"
            )
        );
    }

    #[test]
    fn only_plain_loopback_servers_without_a_proxy_qualify() {
        let q = |u: &str, proxy| {
            super::Plain::unless_proxied(&url::Url::parse(u).unwrap(), proxy).is_some()
        };
        assert!(q("http://127.0.0.1:8080", false));
        assert!(q("http://localhost:8080/prefix", false));
        assert!(q("http://[::1]:8080", false));
        assert!(!q("http://127.0.0.1:8080", true));
        assert!(!q("https://127.0.0.1:8080", false));
        assert!(!q("http://10.0.0.1:8080", false));
        assert!(!q("http://user:pw@127.0.0.1:8080", false));
    }
}
