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
    /// rustls rejected the pair.
    #[error("invalid certificate/key pair: {0}")]
    Config(String),
}

/// A rustls server configuration from PEM certificate chain and key.
pub fn tls_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<rustls::ServerConfig>, TlsError> {
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
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
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
        let service = TowerToHyperService::new(router.clone());
        let acceptor = acceptor.clone();
        conns.spawn(async move {
            let builder = Builder::new(TokioExecutor::new());
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = builder
                            .serve_connection_with_upgrades(TokioIo::new(tls), service)
                            .await;
                    }
                }
                None => {
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
