//! kubeconfig files: the on-disk structure (clusters, users, contexts, current context),
//! loading, and merging a `KUBECONFIG` list exactly as kubectl does (the first file to set a
//! map entry or a field wins). Relative file references are resolved against the directory of
//! the file that names them, at load time, so a merged config no longer depends on its origin.

use super::Error;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// A kubeconfig (`kind: Config`), possibly merged from several files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kubeconfig {
    /// Clusters by name.
    pub clusters: BTreeMap<String, Cluster>,
    /// Users (auth infos) by name.
    pub users: BTreeMap<String, AuthInfo>,
    /// Contexts by name.
    pub contexts: BTreeMap<String, Context>,
    /// The context used when `--context` is not given.
    pub current_context: Option<String>,
    /// The files this config was read from, in merge order.
    pub sources: Vec<PathBuf>,
}

/// A cluster entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cluster {
    /// The apiserver URL.
    #[serde(default)]
    pub server: Option<String>,
    /// Path to a PEM CA bundle.
    #[serde(default)]
    pub certificate_authority: Option<PathBuf>,
    /// Base64-encoded PEM CA bundle.
    #[serde(default)]
    pub certificate_authority_data: Option<String>,
    /// Skip verification of the server certificate.
    #[serde(default)]
    pub insecure_skip_tls_verify: Option<bool>,
    /// Server name used to verify the server certificate.
    #[serde(default)]
    pub tls_server_name: Option<String>,
    /// Proxy for requests to this cluster.
    #[serde(default)]
    pub proxy_url: Option<String>,
}

/// A user entry (kubectl calls it an auth info).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AuthInfo {
    /// Path to a PEM client certificate.
    #[serde(default)]
    pub client_certificate: Option<PathBuf>,
    /// Base64-encoded PEM client certificate.
    #[serde(default)]
    pub client_certificate_data: Option<String>,
    /// Path to a PEM client key.
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    /// Base64-encoded PEM client key.
    #[serde(default)]
    pub client_key_data: Option<String>,
    /// Bearer token.
    #[serde(default)]
    pub token: Option<String>,
    /// File holding a bearer token (re-read on every request).
    #[serde(default, rename = "tokenFile")]
    pub token_file: Option<PathBuf>,
    /// User to impersonate.
    #[serde(default, rename = "as")]
    pub impersonate: Option<String>,
    /// Groups to impersonate.
    #[serde(default, rename = "as-groups")]
    pub impersonate_groups: Option<Vec<String>>,
    /// Basic-auth user name.
    #[serde(default)]
    pub username: Option<String>,
    /// Basic-auth password.
    #[serde(default)]
    pub password: Option<String>,
    /// An exec credential plugin.
    #[serde(default)]
    pub exec: Option<ExecConfig>,
}

/// An exec credential plugin (`client.authentication.k8s.io/v1`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecConfig {
    /// The plugin's API version.
    #[serde(default)]
    pub api_version: Option<String>,
    /// The program to run.
    pub command: String,
    /// Its arguments (`null` in many generated kubeconfigs).
    #[serde(default)]
    pub args: Option<Vec<String>>,
    /// Extra environment variables (`null` in many generated kubeconfigs).
    #[serde(default)]
    pub env: Option<Vec<ExecEnvVar>>,
    /// Whether the plugin receives cluster information in `KUBERNETES_EXEC_INFO`.
    #[serde(default)]
    pub provide_cluster_info: bool,
    /// Printed when the command is not found.
    #[serde(default)]
    pub install_hint: Option<String>,
}

/// One environment variable for an exec plugin.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExecEnvVar {
    /// Variable name.
    pub name: String,
    /// Variable value.
    #[serde(default)]
    pub value: String,
}

/// A context entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Context {
    /// Cluster name.
    #[serde(default)]
    pub cluster: String,
    /// User name.
    #[serde(default)]
    pub user: String,
    /// Default namespace.
    #[serde(default)]
    pub namespace: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
struct RawFile {
    #[serde(default)]
    clusters: Option<Vec<Named<Cluster>>>,
    #[serde(default)]
    users: Option<Vec<NamedUser>>,
    #[serde(default)]
    contexts: Option<Vec<NamedContext>>,
    #[serde(default)]
    current_context: Option<String>,
}

#[derive(Deserialize)]
struct Named<T> {
    name: String,
    #[serde(default)]
    cluster: Option<T>,
}

#[derive(Deserialize)]
struct NamedUser {
    name: String,
    #[serde(default)]
    user: Option<AuthInfo>,
}

#[derive(Deserialize)]
struct NamedContext {
    name: String,
    #[serde(default)]
    context: Option<Context>,
}

impl Kubeconfig {
    /// Parses one kubeconfig document; relative paths are resolved against `base_dir`.
    pub fn parse(text: &str, base_dir: Option<&Path>) -> Result<Kubeconfig, String> {
        if text.trim().is_empty() {
            return Ok(Kubeconfig::default());
        }
        let raw: Option<RawFile> = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        let raw = raw.unwrap_or_default();
        let fix = |p: &mut Option<PathBuf>| {
            if let (Some(path), Some(base)) = (p.as_mut(), base_dir)
                && path.is_relative()
                && !path.as_os_str().is_empty()
            {
                *path = base.join(&*path);
            }
        };
        let mut out = Kubeconfig::default();
        for c in raw.clusters.unwrap_or_default() {
            let mut cluster = c.cluster.unwrap_or_default();
            fix(&mut cluster.certificate_authority);
            out.clusters.entry(c.name).or_insert(cluster);
        }
        for u in raw.users.unwrap_or_default() {
            let mut user = u.user.unwrap_or_default();
            fix(&mut user.client_certificate);
            fix(&mut user.client_key);
            fix(&mut user.token_file);
            out.users.entry(u.name).or_insert(user);
        }
        for c in raw.contexts.unwrap_or_default() {
            out.contexts.entry(c.name).or_insert(c.context.unwrap_or_default());
        }
        out.current_context = raw.current_context.filter(|s| !s.is_empty());
        Ok(out)
    }

    /// Reads and parses one file.
    pub fn read(path: &Path) -> Result<Kubeconfig, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!("error loading config file \"{}\": {e}", path.display()))
        })?;
        let mut cfg = Kubeconfig::parse(&text, path.parent()).map_err(|e| {
            Error::Config(format!("error loading config file \"{}\": {e}", path.display()))
        })?;
        cfg.sources.push(path.to_path_buf());
        Ok(cfg)
    }

    /// Merges `later` into `self` with kubectl's rule: entries and fields already set win.
    pub fn merge(&mut self, later: Kubeconfig) {
        for (k, v) in later.clusters {
            self.clusters.entry(k).or_insert(v);
        }
        for (k, v) in later.users {
            self.users.entry(k).or_insert(v);
        }
        for (k, v) in later.contexts {
            self.contexts.entry(k).or_insert(v);
        }
        if self.current_context.is_none() {
            self.current_context = later.current_context;
        }
        self.sources.extend(later.sources);
    }

    /// Loads the kubeconfig kubectl would use: the explicit `--kubeconfig` file (which must
    /// exist), else every existing file of the `KUBECONFIG` list, else `~/.kube/config` when
    /// it exists. Returns `None` when no file was found.
    pub fn load(
        explicit: Option<&Path>,
        kubeconfig_env: Option<&OsStr>,
        home: Option<&Path>,
    ) -> Result<Option<Kubeconfig>, Error> {
        if let Some(path) = explicit {
            return Kubeconfig::read(path).map(Some);
        }
        if let Some(list) = kubeconfig_env.filter(|v| !v.is_empty()) {
            let mut merged: Option<Kubeconfig> = None;
            let mut seen: Vec<PathBuf> = Vec::new();
            for path in std::env::split_paths(list) {
                if path.as_os_str().is_empty() || seen.contains(&path) {
                    continue;
                }
                seen.push(path.clone());
                // kubectl skips list entries that do not exist.
                if !path.exists() {
                    continue;
                }
                let cfg = Kubeconfig::read(&path)?;
                match merged.as_mut() {
                    Some(m) => m.merge(cfg),
                    None => merged = Some(cfg),
                }
            }
            return Ok(merged);
        }
        if let Some(home) = home {
            let path = home.join(".kube").join("config");
            if path.exists() {
                return Kubeconfig::read(&path).map(Some);
            }
        }
        Ok(None)
    }
}
