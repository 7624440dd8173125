//! The embedded local cluster: with no kubeconfig and no `--server`, kctl runs the bundled
//! apiserver in-process over durable state in a per-user data directory. Several kctl
//! processes may use it at once (the SQLite store serialises their writes).
//!
//! The directory is `$KCTL_LOCAL_CLUSTER_DIR` when set, else
//! `$XDG_DATA_HOME/kctl/local-cluster`, else `~/.local/share/kctl/local-cluster`. The user is
//! the cluster's only user and acts with full rights.

use crate::apiserver::ApiServer;
use crate::apiserver::clock::{FixedClock, SeededUids};
use crate::apiserver::store::Store;
use crate::apiserver::store::sqlite::SqliteStore;
use crate::cli::CliError;
use crate::client::Client;
use std::path::PathBuf;
use std::sync::Arc;

/// The environment variable that overrides the local cluster's data directory.
pub const DIR_ENV: &str = "KCTL_LOCAL_CLUSTER_DIR";

/// The local cluster's data directory.
pub fn data_dir() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(xdg).join("kctl").join("local-cluster"));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).ok_or_else(|| {
        CliError::message(format!(
            "no cluster is configured and there is no home directory for the local cluster: set {DIR_ENV}, KUBECONFIG or --server"
        ))
    })?;
    Ok(PathBuf::from(home).join(".local").join("share").join("kctl").join("local-cluster"))
}

/// Builds an apiserver over `store`, honouring the test hooks `KCTL_TEST_NOW` (a frozen
/// RFC 3339 clock) and `KCTL_TEST_UID_SEED` (deterministic uids and generated names).
pub fn server(store: Option<Arc<dyn Store>>) -> Result<ApiServer, CliError> {
    let mut builder = ApiServer::builder();
    if let Ok(now) = std::env::var("KCTL_TEST_NOW") {
        let t = chrono::DateTime::parse_from_rfc3339(&now)
            .map_err(|e| CliError::message(format!("invalid KCTL_TEST_NOW {now:?}: {e}")))?;
        builder = builder.clock(Arc::new(FixedClock(t.with_timezone(&chrono::Utc))));
    }
    if let Ok(seed) = std::env::var("KCTL_TEST_UID_SEED") {
        let seed = seed
            .parse::<u64>()
            .map_err(|e| CliError::message(format!("invalid KCTL_TEST_UID_SEED {seed:?}: {e}")))?;
        builder = builder.uids(Arc::new(SeededUids::new(seed)));
    }
    if let Some(store) = store {
        builder = builder.store(store);
    }
    builder.build().map_err(|e| CliError::message(format!("cannot initialise the store: {e}")))
}

/// Opens the durable store in `dir`.
pub fn open_store(dir: &std::path::Path) -> Result<Arc<dyn Store>, CliError> {
    SqliteStore::open(dir)
        .map(|s| Arc::new(s) as Arc<dyn Store>)
        .map_err(|e| CliError::message(format!("{}: {e}", dir.display())))
}

/// The local cluster this process opened, if any: its controllers run after the command.
static IN_USE: std::sync::OnceLock<ApiServer> = std::sync::OnceLock::new();

/// A client for the embedded local cluster: the apiserver's router, called in-process.
/// `namespace` is `-n`, else `default`.
pub fn client(namespace: Option<&str>) -> Result<Client, CliError> {
    let dir = data_dir()?;
    let server = server(Some(open_store(&dir)?))?;
    let _ = IN_USE.set(server.clone());
    Ok(Client::in_process(server.service(), namespace.unwrap_or("default").to_string()))
}

/// Runs the local cluster's control plane (scheduler, simulated kubelet, controllers, garbage
/// collector) to a steady state, when this process used the local cluster: there is no
/// server process to do it in the background.
#[allow(clippy::result_large_err)]
pub async fn settle() -> Result<(), CliError> {
    let Some(server) = IN_USE.get() else { return Ok(()) };
    server
        .settle(Default::default(), std::time::Duration::from_secs(10))
        .await
        .map(|_| ())
        .map_err(|e| CliError::message(format!("local cluster controllers: {e}")))
}
