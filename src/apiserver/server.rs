//! Sockets: serve the router over plain HTTP or HTTPS (rustls) on one listener, HTTP/1.1 and
//! HTTP/2, until a shutdown signal; then stop accepting and give open connections a moment to
//! finish their current request.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Errors while loading TLS material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file could not be parsed.
    #[error("cannot read certificate: {0}")]
    Cert(String),
    /// The key file could not be parsed.
    #[error("cannot read private key: {0}")]
    Key(String),
    /// The client CA bundle could not be used.
    #[error("cannot read client CA: {0}")]
    ClientCa(String),
    /// rustls rejected the pair.
    #[error("invalid certificate/key pair: {0}")]
    Config(String),
}

/// A rustls server configuration from PEM certificate chain and key.
pub fn tls_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    tls_config_with_client_ca(cert_pem, key_pem, None)
}

/// The verifier of client certificates signed by the CA bundle `pem`: chain, validity period
/// and client-auth usage, as webpki checks them.
pub fn client_ca_verifier(
    pem: &[u8],
) -> Result<Arc<dyn rustls::server::danger::ClientCertVerifier>, TlsError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for ca in CertificateDer::pem_slice_iter(pem) {
        let ca = ca.map_err(|e| TlsError::ClientCa(e.to_string()))?;
        roots.add(ca).map_err(|e| TlsError::ClientCa(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(TlsError::ClientCa("no certificate found".into()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .allow_unauthenticated()
        .build()
        .map_err(|e| TlsError::ClientCa(e.to_string()))
}

/// Asks for a client certificate and checks the handshake signature (the client holds the
/// key), but leaves the chain to authentication, as kube-apiserver does: an expired or
/// foreign certificate gets `401 Unauthorized` rather than a failed handshake. Only the
/// authenticator (with the same CA verifier) may turn a presented certificate into a user.
#[derive(Debug)]
struct RequestClientCert(Arc<dyn rustls::server::danger::ClientCertVerifier>);

impl rustls::server::danger::ClientCertVerifier for RequestClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        self.0.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
        Ok(rustls::server::danger::ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Like [`tls_config`], and with `client_ca` (see [`client_ca_verifier`]) also requests client
/// certificates; clients without one may still connect and use a bearer token. Certificates
/// are validated by authentication, not here (see `auth::AuthConfig::with_client_ca`).
pub fn tls_config_with_client_ca(
    cert_pem: &[u8],
    key_pem: &[u8],
    client_ca: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Cert(e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::Cert("no certificate found".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| TlsError::Key(e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(v) => builder.with_client_cert_verifier(Arc::new(RequestClientCert(v))),
    };
    let mut config =
        builder.with_single_cert(certs, key).map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// How long open connections get after shutdown is requested.
const DRAIN: Duration = Duration::from_millis(500);

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    router: axum::Router,
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let mut conns = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                // Transient accept errors (EMFILE, aborted handshakes) must not stop the server.
                Err(_) => { tokio::time::sleep(Duration::from_millis(10)).await; continue }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let acceptor = acceptor.clone();
        conns.spawn(async move {
            let builder = Builder::new(TokioExecutor::new());
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        // The verified client certificate chain travels with every request
                        // of this connection, for authentication.
                        let peer = tls.get_ref().1.peer_certificates().map(|c| {
                            crate::apiserver::auth::PeerCertificates(Arc::new(
                                c.iter().map(|d| d.as_ref().to_vec()).collect(),
                            ))
                        });
                        let service = tower::ServiceExt::map_request(
                            router,
                            move |mut req: http::Request<hyper::body::Incoming>| {
                                if let Some(p) = &peer {
                                    req.extensions_mut().insert(p.clone());
                                }
                                req
                            },
                        );
                        let service = TowerToHyperService::new(service);
                        let _ = builder
                            .serve_connection_with_upgrades(TokioIo::new(tls), service)
                            .await;
                    }
                }
                None => {
                    let service = TowerToHyperService::new(router);
                    let _ =
                        builder.serve_connection_with_upgrades(TokioIo::new(stream), service).await;
                }
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while conns.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(DRAIN, async { while conns.join_next().await.is_some() {} }).await;
    conns.abort_all();
    Ok(())
}
