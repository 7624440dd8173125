//! `kctl serve`: run the bundled Kubernetes-compatible apiserver.
//!
//! Prints `Serving on http(s)://ADDR` to stderr once the socket is bound (so scripts and tests
//! can read the port chosen for `--addr 127.0.0.1:0`), optionally writes a kubeconfig, and
//! shuts down cleanly on SIGINT or SIGTERM.
//!
//! Authentication is off by default and every caller acts as a `system:masters` user, which is
//! only safe on loopback: a non-loopback `--addr` is refused unless `--auth` is given. With
//! `--auth`, requests must authenticate (static tokens from `--token-auth-file`, client
//! certificates signed by `--client-ca-file`, or ServiceAccount tokens this server issues) and
//! are authorized by RBAC; `--write-kubeconfig` then carries a fresh admin token (group
//! `system:masters`). Kubeconfigs are always written with mode 0600, `--data-dir` is 0700, and
//! with `--auth` the ServiceAccount signing key is kept in it (0600) so tokens survive restarts.
//! `--max-requests-inflight`, `--max-mutating-requests-inflight`, `--max-watches`,
//! `--max-watches-per-user` and `--max-list-bytes` bound the load one client can put on the
//! server (see `apiserver::auth::limits`).
//!
//! For reproducible tests, `KCTL_TEST_NOW` (an RFC 3339 time) freezes the server clock and
//! `KCTL_TEST_UID_SEED` (an integer) makes uids and generated names deterministic, and
//! `KCTL_TEST_EXIT_ON_STDIN_EOF=1` shuts the server down when its stdin closes (so a test
//! harness that dies never leaves a server behind).

#![allow(clippy::result_large_err)]

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
  kctl serve --addr 127.0.0.1:0 --data-dir ./state --tls-cert tls.crt --tls-key tls.key

  # Require authentication and enforce RBAC; users come from a token file
  kctl serve --auth --tls-cert tls.crt --tls-key tls.key --token-auth-file tokens.csv \\
    --write-kubeconfig ./admin.kubeconfig")]
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
    /// Require authentication and authorize requests with RBAC. Required to listen on a
    /// non-loopback address; needs --tls-cert (clients send credentials only over HTTPS).
    #[arg(long, requires = "tls_cert")]
    pub auth: bool,
    /// Static bearer tokens, one per line: token,user,uid,"group1,group2" (kube-apiserver's
    /// format).
    #[arg(long, value_name = "PATH", requires = "auth")]
    pub token_auth_file: Option<PathBuf>,
    /// Accept client certificates signed by this CA bundle (PEM): the certificate's CN is the
    /// user name and its O entries the groups.
    #[arg(long, value_name = "PATH", requires_all = ["auth", "tls_cert"])]
    pub client_ca_file: Option<PathBuf>,
    /// Number of simulated worker nodes (node-1 … node-N) besides the tainted control-plane
    /// node.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub nodes: usize,
    /// Run the control plane (scheduler, simulated kubelet, workload controllers, garbage
    /// collector).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub controllers: bool,
    /// The most read-only requests served at once (as kube-apiserver; 0 for no limit).
    /// Watches and other long-running requests do not count.
    #[arg(long, default_value_t = 400, value_name = "N")]
    pub max_requests_inflight: usize,
    /// The most mutating requests served at once (as kube-apiserver; 0 for no limit).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub max_mutating_requests_inflight: usize,
    /// The most watches open at once (0 for no limit).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_watches: usize,
    /// The most watches one user may have open at once (0 for no limit).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_watches_per_user: usize,
    /// The most bytes of objects in one list response: pages requested with `limit` are cut
    /// short, a list without `limit` beyond it is refused (0 for no limit; default 256 MiB).
    #[arg(long, default_value_t = 256 * 1024 * 1024, value_name = "BYTES")]
    pub max_list_bytes: usize,
}

impl ServeArgs {
    /// The request limits these flags ask for.
    pub fn limits(&self) -> crate::apiserver::auth::limits::LimitsConfig {
        crate::apiserver::auth::limits::LimitsConfig {
            max_requests_inflight: self.max_requests_inflight,
            max_mutating_requests_inflight: self.max_mutating_requests_inflight,
            max_watches: self.max_watches,
            max_watches_per_user: self.max_watches_per_user,
            max_list_bytes: self.max_list_bytes,
        }
    }
}

/// The identity of the admin credential `--auth --write-kubeconfig` writes.
pub const ADMIN_USER: &str = "kctl-admin";

/// A kubeconfig for a server at `url`, trusting `ca_pem` when given.
///
/// The server does no authentication. Over HTTPS the user carries a placeholder token anyway,
/// because kubectl prompts for a username and password on HTTPS servers without credentials.
pub fn kubeconfig(url: &str, ca_pem: Option<&[u8]>) -> String {
    kubeconfig_with_token(url, ca_pem, None)
}

/// A kubeconfig for a server at `url` whose user authenticates with `token` when given.
pub fn kubeconfig_with_token(url: &str, ca_pem: Option<&[u8]>, token: Option<&str>) -> String {
    let user = match token {
        Some(t) => format!("{{token: {t}}}"),
        None if ca_pem.is_some() => "{token: kctl-serve-no-auth}".to_string(),
        None => "{}".to_string(),
    };
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

/// Writes `text` to `path`, readable by its owner only (it may hold a credential).
pub fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        opts.mode(0o600);
        let mut f = opts.open(path)?;
        // An existing file keeps its old mode on open; tighten it before writing.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        opts.open(path)?.write_all(text.as_bytes())
    }
}

/// Creates `dir` if needed and makes it accessible to its owner only (state may hold Secrets).
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The file in `--data-dir` holding the ServiceAccount token signing key (mode 0600).
pub const SIGNING_KEY_FILE: &str = "sa-signing.key";

/// The authentication configuration and admin token for `--auth`.
fn auth_config(
    args: &ServeArgs,
) -> Result<Option<(crate::apiserver::auth::AuthConfig, String)>, CliError> {
    use crate::apiserver::auth::{AuthConfig, UserInfo, authn};
    if !args.auth {
        return Ok(None);
    }
    let tokens = match &args.token_auth_file {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::message(format!("cannot read {}: {e}", p.display())))?;
            authn::TokenFile::parse(&text)
                .map_err(|e| CliError::message(format!("--token-auth-file {}: {e}", p.display())))?
        }
        None => authn::TokenFile::default(),
    };
    let mut cfg = AuthConfig::new(tokens).map_err(|e| CliError::message(e.to_string()))?;
    // With durable state, ServiceAccount tokens outlive a restart: the key lives beside it.
    if let Some(dir) = &args.data_dir {
        private_dir(dir)
            .map_err(|e| CliError::message(format!("--data-dir {}: {e}", dir.display())))?;
        let signer = authn::TokenSigner::load_or_create(&dir.join(SIGNING_KEY_FILE))
            .map_err(|e| CliError::message(e.to_string()))?;
        cfg = cfg.with_signer(signer);
    }
    let token =
        authn::random_token().ok_or_else(|| CliError::message("cannot generate an admin token"))?;
    cfg.add_token(
        token.clone(),
        UserInfo {
            name: ADMIN_USER.into(),
            uid: ADMIN_USER.into(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
        },
    );
    Ok(Some((cfg, token)))
}

fn build_server(
    args: &ServeArgs,
    auth: Option<crate::apiserver::auth::AuthConfig>,
) -> Result<ApiServer, CliError> {
    let store = match &args.data_dir {
        Some(dir) => {
            private_dir(dir)
                .map_err(|e| CliError::message(format!("--data-dir {}: {e}", dir.display())))?;
            Some(crate::cli::local::open_store(dir)?)
        }
        None => None,
    };
    let server = crate::cli::local::server(store)?.with_limits(args.limits());
    match auth {
        Some(auth) => server
            .with_auth(auth)
            .map_err(|e| CliError::message(format!("cannot initialise the store: {e}"))),
        None => Ok(server),
    }
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
    let client_ca = match &args.client_ca_file {
        Some(p) => {
            let pem = std::fs::read(p)
                .map_err(|e| CliError::message(format!("cannot read {}: {e}", p.display())))?;
            Some(
                crate::apiserver::server::client_ca_verifier(&pem)
                    .map_err(|e| CliError::message(format!("--client-ca-file: {e}")))?,
            )
        }
        None => None,
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let read = |p: &PathBuf| {
                std::fs::read(p)
                    .map_err(|e| CliError::message(format!("cannot read {}: {e}", p.display())))
            };
            let cert_pem = read(cert)?;
            let config = crate::apiserver::server::tls_config_with_client_ca(
                &cert_pem,
                &read(key)?,
                client_ca.clone(),
            )
            .map_err(|e| CliError::message(e.to_string()))?;
            Some((config, cert_pem))
        }
        _ => None,
    };
    let auth = auth_config(&args)?.map(|(cfg, token)| match &client_ca {
        Some(v) => (cfg.with_client_ca(v.clone()), token),
        None => (cfg, token),
    });
    let admin_token = auth.as_ref().map(|(_, t)| t.clone());
    let server = build_server(&args, auth.map(|(c, _)| c))?;
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| CliError::message(format!("cannot listen on {}: {e}", args.addr)))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::message(format!("cannot listen on {}: {e}", args.addr)))?;
    if !local.ip().is_loopback() && !args.auth {
        return Err(CliError::message(format!(
            "refusing to serve on non-loopback address {local} without --auth: anyone who can reach it would have full control of the cluster"
        )));
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{local}");
    if let Some(path) = &args.write_kubeconfig {
        let text = kubeconfig_with_token(
            &url,
            tls.as_ref().map(|(_, pem)| pem.as_slice()),
            admin_token.as_deref(),
        );
        write_private(path, &text)
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
