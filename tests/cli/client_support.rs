//! Test support for the client tests: a throwaway PKI (rcgen) and a real rustls HTTPS server
//! on loopback (tokio-rustls + hyper) that reports who called it (client certificate CN,
//! `Authorization`) and serves `/version` and discovery from the fixtures in
//! `testdata/discovery`.

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A CA, a server certificate for 127.0.0.1/localhost, and client certificates.
pub struct Pki {
    pub ca_pem: String,
    pub server_cert_pem: String,
    pub server_key_pem: String,
    /// (common name, certificate PEM, key PEM)
    pub clients: Vec<(String, String, String)>,
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, cn);
    p
}

/// Makes a CA, a server certificate and one client certificate per common name.
pub fn make_pki(client_cns: &[&str]) -> Pki {
    let ca_key = KeyPair::generate().expect("ca key");
    let ca_p = ca_params("kctl-test-ca");
    let ca_cert = ca_p.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca_p, ca_key);
    let server_key = KeyPair::generate().expect("server key");
    let mut sp = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server params");
    sp.distinguished_name.push(DnType::CommonName, "kctl-test-server");
    let server_cert = sp.signed_by(&server_key, &issuer).expect("server cert");
    let clients = client_cns
        .iter()
        .map(|cn| {
            let key = KeyPair::generate().expect("client key");
            let mut p = CertificateParams::new(Vec::<String>::new()).expect("client params");
            p.distinguished_name.push(DnType::CommonName, *cn);
            let cert = p.signed_by(&key, &issuer).expect("client cert");
            (cn.to_string(), cert.pem(), key.serialize_pem())
        })
        .collect();
    Pki {
        ca_pem: ca_cert.pem(),
        server_cert_pem: server_cert.pem(),
        server_key_pem: server_key.serialize_pem(),
        clients,
    }
}

/// A certificate of a CA the server does not use.
pub fn other_ca_pem() -> String {
    let key = KeyPair::generate().expect("key");
    ca_params("someone-else").self_signed(&key).expect("cert").pem()
}

/// Which discovery format the server answers with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    Aggregated,
    Legacy,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
#[allow(dead_code)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub accept: String,
    pub authorization: Option<String>,
    pub user_agent: String,
    pub client_cn: Option<String>,
}

/// A running HTTPS test server.
pub struct TestServer {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Paths requested so far.
    pub fn paths(&self) -> Vec<String> {
        self.seen.lock().expect("lock").iter().map(|s| s.path.clone()).collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata").join("discovery")
}

fn fixture(name: &str) -> Option<Vec<u8>> {
    std::fs::read(fixtures().join(name)).ok()
}

/// Starts the server on 127.0.0.1 with an ephemeral port. Client certificates are optional;
/// when presented they must chain to the PKI's CA.
pub async fn start(pki: &Pki, mode: Mode) -> TestServer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = CertificateDer::from_pem_slice(pki.ca_pem.as_bytes()).expect("ca der");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).expect("add root");
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
        .allow_unauthenticated()
        .build()
        .expect("verifier");
    let cert = CertificateDer::from_pem_slice(pki.server_cert_pem.as_bytes()).expect("cert");
    let key = PrivateKeyDer::from_pem_slice(pki.server_key_pem.as_bytes()).expect("key");
    let config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let client_ders: Vec<(String, Vec<u8>)> = pki
        .clients
        .iter()
        .map(|(cn, pem, _)| {
            let der = CertificateDer::from_pem_slice(pem.as_bytes()).expect("client der");
            (cn.clone(), der.as_ref().to_vec())
        })
        .collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let seen2 = seen.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            let seen = seen2.clone();
            let client_ders = client_ders.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else { return };
                let cn = tls.get_ref().1.peer_certificates().and_then(|certs| {
                    let der = certs.first()?.as_ref().to_vec();
                    client_ders.iter().find(|(_, d)| *d == der).map(|(cn, _)| cn.clone())
                });
                let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let seen = seen.clone();
                    let cn = cn.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(req, cn, mode, &seen)) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    TestServer { url: format!("https://{addr}"), seen, task }
}

fn header(req: &hyper::Request<hyper::body::Incoming>, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from)
}

fn json(code: u16, ctype: &str, body: Vec<u8>) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(code)
        .header("Content-Type", ctype)
        .body(Full::new(Bytes::from(body)))
        .expect("response")
}

fn handle(
    req: hyper::Request<hyper::body::Incoming>,
    cn: Option<String>,
    mode: Mode,
    seen: &Mutex<Vec<Seen>>,
) -> hyper::Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let path_q = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
    let accept = header(&req, "accept").unwrap_or_default();
    let authorization = header(&req, "authorization");
    let record = Seen {
        method: req.method().to_string(),
        path: path_q,
        accept: accept.clone(),
        authorization: authorization.clone(),
        user_agent: header(&req, "user-agent").unwrap_or_default(),
        client_cn: cn.clone(),
    };
    seen.lock().expect("lock").push(record);
    let aggregated = mode == Mode::Aggregated && accept.contains("as=APIGroupDiscoveryList");
    const AGG: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    match path.as_str() {
        "/whoami" => {
            let body = serde_json::json!({
                "cn": cn,
                "authorization": authorization,
                "impersonateUser": header(&req, "impersonate-user"),
            });
            json(200, "application/json", body.to_string().into_bytes())
        }
        "/version" => json(
            200,
            "application/json",
            br#"{"major":"1","minor":"32","gitVersion":"v1.32.4","gitCommit":"0000000000000000000000000000000000000000","gitTreeState":"clean","buildDate":"2025-01-01T00:00:00Z","goVersion":"go1.23.6","compiler":"gc","platform":"linux/amd64"}"#.to_vec(),
        ),
        "/api" | "/apis" => {
            let (file, ctype) = match (aggregated, path.as_str()) {
                (true, "/api") => ("aggregated-api.json", AGG),
                (true, _) => ("aggregated-apis.json", AGG),
                (false, "/api") => ("legacy-api.json", "application/json"),
                (false, _) => ("legacy-apis.json", "application/json"),
            };
            json(200, ctype, fixture(file).unwrap_or_default())
        }
        "/api/v1/namespaces/default/configmaps/missing" => json(
            404,
            "application/json",
            br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"missing\" not found","reason":"NotFound","details":{"name":"missing","kind":"configmaps"},"code":404}"#.to_vec(),
        ),
        p => {
            let parts: Vec<&str> = p.trim_start_matches('/').split('/').collect();
            let file = match parts.as_slice() {
                ["api", v] => Some(format!("legacy-api-{v}.json")),
                ["apis", g, v] => Some(format!("legacy-apis-{g}-{v}.json")),
                _ => None,
            };
            match file.and_then(|f| fixture(&f)) {
                Some(body) => json(200, "application/json", body),
                None => json(404, "text/plain", b"404 page not found\n".to_vec()),
            }
        }
    }
}

/// Writes a file into `dir` and returns its path.
pub fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// Base64 of a string, for `*-data` kubeconfig fields.
pub fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}
