//! `kctl serve`: run the bundled Kubernetes-compatible apiserver.
//!
//! Prints `Serving on http(s)://ADDR` to stderr once the socket is bound (so scripts and tests
//! can read the port chosen for `--addr 127.0.0.1:0`), optionally writes a kubeconfig, and
//! shuts down cleanly on SIGINT or SIGTERM.
//!
//! For reproducible tests, `KCTL_TEST_NOW` (an RFC 3339 time) freezes the server clock and
//! `KCTL_TEST_UID_SEED` (an integer) makes uids and generated names deterministic, and
//! `KCTL_TEST_EXIT_ON_STDIN_EOF=1` shuts the server down when its stdin closes (so a test
//! harness that dies never leaves a server behind).

use crate::apiserver::ApiServer;
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;
use std::path::PathBuf;

/// Run the bundled Kubernetes-compatible apiserver.
///
/// Serves the Kubernetes API (discovery, OpenAPI v3, CRUD, patch, watch) so that kctl, kubectl
/// and other Kubernetes clients work against it unmodified. State lives in memory unless
/// --data-dir is given.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Serve on the default loopback address and write a kubeconfig for it
  kctl serve --write-kubeconfig ./kubeconfig

  # Serve durable state over HTTPS on a random port
  kctl serve --addr 127.0.0.1:0 --data-dir ./state --tls-cert tls.crt --tls-key tls.key")]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:6443")]
    pub addr: String,
    /// Serve HTTPS with this certificate (PEM).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Write a kubeconfig pointing at this server to PATH.
    #[arg(long, value_name = "PATH")]
    pub write_kubeconfig: Option<PathBuf>,
    /// Keep state in a durable database in this directory instead of memory.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Number of simulated worker nodes (node-1 … node-N) besides the tainted control-plane
    /// node.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub nodes: usize,
    /// Run the control plane (scheduler, simulated kubelet, workload controllers, garbage
    /// collector).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub controllers: bool,
}

/// A kubeconfig for a server at `url`, trusting `ca_pem` when given.
///
/// The server does no authentication. Over HTTPS the user carries a placeholder token anyway,
/// because kubectl prompts for a username and password on HTTPS servers without credentials.
pub fn kubeconfig(url: &str, ca_pem: Option<&[u8]>) -> String {
    let user = if ca_pem.is_some() { "{token: kctl-serve-no-auth}" } else { "{}" };
    use base64::Engine as _;
    let ca = ca_pem
        .map(|pem| {
            format!(
                "    certificate-authority-data: {}\n",
                base64::engine::general_purpose::STANDARD.encode(pem)
            )
        })
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: kctl\n  cluster:\n    server: {url}\n{ca}contexts:\n- name: kctl\n  context:\n    cluster: kctl\n    user: kctl\n    namespace: default\ncurrent-context: kctl\nusers:\n- name: kctl\n  user: {user}\npreferences: {{}}\n"
    )
}

fn build_server(args: &ServeArgs) -> Result<ApiServer, CliError> {
    let store = match &args.data_dir {
        Some(dir) => Some(crate::cli::local::open_store(dir)?),
        None => None,
    };
    crate::cli::local::server(store)
}

/// Resolves when stdin reaches end-of-file (only with `KCTL_TEST_EXIT_ON_STDIN_EOF`).
async fn stdin_closed() {
    if std::env::var_os("KCTL_TEST_EXIT_ON_STDIN_EOF").is_none() {
        return std::future::pending().await;
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 256];
        while matches!(std::io::Read::read(&mut std::io::stdin(), &mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    let _ = rx.await;
}

async fn shutdown_signal() {
    let stdin_eof = stdin_closed();
    tokio::pin!(stdin_eof);
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
            _ = &mut stdin_eof => {}
        }
    }
    #[cfg(not(unix))]
    {
        tokio::select! {
            _ = ctrl_c => {}
            _ = &mut stdin_eof => {}
        }
    }
}

/// Runs `kctl serve`.
pub async fn run(args: ServeArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let read = |p: &PathBuf| {
                std::fs::read(p)
                    .map_err(|e| CliError::message(format!("cannot read {}: {e}", p.display())))
            };
            let cert_pem = read(cert)?;
            let config = crate::apiserver::server::tls_config(&cert_pem, &read(key)?)
                .map_err(|e| CliError::message(e.to_string()))?;
            Some((config, cert_pem))
        }
        _ => None,
    };
    let server = build_server(&args)?;
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| CliError::message(format!("cannot listen on {}: {e}", args.addr)))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::message(format!("cannot listen on {}: {e}", args.addr)))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{local}");
    if let Some(path) = &args.write_kubeconfig {
        let text = kubeconfig(&url, tls.as_ref().map(|(_, pem)| pem.as_slice()));
        std::fs::write(path, text)
            .map_err(|e| CliError::message(format!("cannot write {}: {e}", path.display())))?;
    }
    let _controllers = if args.controllers {
        let mut options = crate::apiserver::controllers::Options {
            nodes: Some(args.nodes),
            ..Default::default()
        };
        if let Some(ms) =
            std::env::var("KCTL_TEST_JOB_BACKOFF_MS").ok().and_then(|v| v.parse::<u64>().ok())
        {
            options.job_backoff = std::time::Duration::from_millis(ms);
        }
        Some(
            server
                .start_controllers(options)
                .map_err(|e| CliError::message(format!("cannot start the controllers: {e}")))?,
        )
    } else {
        None
    };
    ctx.io.err(&format!("Serving on {url}\n"));
    crate::apiserver::server::serve(
        server.router(),
        listener,
        tls.map(|(c, _)| c),
        shutdown_signal(),
    )
    .await
    .map_err(|e| CliError::message(format!("server failed: {e}")))?;
    Ok(Exit::Success)
}
