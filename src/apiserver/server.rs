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

/// Like [`tls_config`], and when `client_ca_pem` is given, requests client certificates and
/// accepts only those that chain to it (expired or foreign ones fail the handshake); clients
/// without a certificate may still connect and authenticate with a bearer token.
pub fn tls_config_with_client_ca(
    cert_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: Option<&[u8]>,
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
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let builder = match client_ca_pem {
        None => builder.with_no_client_auth(),
        Some(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for ca in CertificateDer::pem_slice_iter(pem) {
                let ca = ca.map_err(|e| TlsError::ClientCa(e.to_string()))?;
                roots.add(ca).map_err(|e| TlsError::ClientCa(e.to_string()))?;
            }
            if roots.is_empty() {
                return Err(TlsError::ClientCa("no certificate found".into()));
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .allow_unauthenticated()
            .build()
            .map_err(|e| TlsError::ClientCa(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
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
