//! From global flags to a connected [`Client`]: flags become [`Overrides`], overrides and the
//! kubeconfig become a [`RestConfig`], the config becomes a client. Also where discovery is
//! loaded with the `--cache-dir` default kubectl uses.

#![allow(clippy::result_large_err)]

use crate::cli::{CliError, Ctx, GlobalArgs};
use crate::client::{Client, Discovery, Env, Error, Overrides, RestConfig};
use std::path::PathBuf;

/// The connection overrides the global flags carry.
pub fn overrides(g: &GlobalArgs) -> Result<Overrides, CliError> {
    let request_timeout =
        crate::cli::global::parse_duration(&g.request_timeout).map_err(CliError::message)?;
    Ok(Overrides {
        kubeconfig: g.kubeconfig.clone(),
        context: g.context.clone(),
        cluster: g.cluster.clone(),
        user: g.user.clone(),
        namespace: g.namespace.clone(),
        server: g.server.clone(),
        token: g.token.clone(),
        certificate_authority: g.certificate_authority.clone(),
        client_certificate: g.client_certificate.clone(),
        client_key: g.client_key.clone(),
        insecure_skip_tls_verify: g.insecure_skip_tls_verify,
        tls_server_name: g.tls_server_name.clone(),
        request_timeout,
        impersonate_user: g.as_user.clone(),
        impersonate_groups: g.as_group.clone(),
    })
}

/// Resolves the configuration of this invocation (`None`: nothing configured).
pub fn rest_config(ctx: &Ctx) -> Result<Option<RestConfig>, CliError> {
    let ov = overrides(&ctx.global)?;
    let cfg = RestConfig::resolve(&ov, &Env::from_process()).map_err(client_error)?;
    Ok(cfg.map(|mut c| {
        c.verbosity = ctx.global.verbosity;
        c
    }))
}

/// Connects to the configured cluster.
pub async fn connect(ctx: &Ctx) -> Result<Client, CliError> {
    match rest_config(ctx)? {
        Some(cfg) => Client::http(&cfg).map_err(client_error),
        None => crate::cli::local::client(ctx.global.namespace.as_deref()),
    }
}

/// The discovery cache root: `--cache-dir`, else `~/.kube/cache` as kubectl.
pub fn cache_dir(ctx: &Ctx) -> Option<PathBuf> {
    ctx.global
        .cache_dir
        .clone()
        .or_else(|| Env::from_process().home.map(|h| h.join(".kube").join("cache")))
}

/// Loads discovery for `client`, through the on-disk cache.
pub async fn discovery(ctx: &Ctx, client: &Client) -> Result<Discovery, CliError> {
    Discovery::load(client, cache_dir(ctx).as_deref()).await.map_err(|e| report(ctx, e))
}

/// Maps a client error to the CLI's: API errors keep their `Status`.
pub fn client_error(e: Error) -> CliError {
    match e {
        Error::Api(s) => CliError::Server(s),
        Error::Transport(m) => CliError::message(m),
        other => CliError::message(other.to_string()),
    }
}

/// Like [`client_error`], but prints connection failures bare, as kubectl does
/// (`The connection to the server … was refused …`, no `error: ` prefix).
pub fn report(ctx: &Ctx, e: Error) -> CliError {
    match e {
        Error::Transport(m) => {
            ctx.io.err(&format!("{m}\n"));
            CliError::Reported(1)
        }
        other => client_error(other),
    }
}
