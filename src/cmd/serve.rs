//! `kctl serve`: run the bundled Kubernetes-compatible apiserver.

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
}

/// Runs `kctl serve`.
pub async fn run(_args: ServeArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("serve"))
}
