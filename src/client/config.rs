//! Resolving what to talk to: command-line overrides on top of the merged kubeconfig give one
//! [`RestConfig`] (server, namespace, TLS and credentials), following kubectl's precedence.

use super::Error;
use super::kubeconfig::{AuthInfo, Cluster, ExecConfig, Kubeconfig};
use base64::Engine;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Connection settings given on the command line; each wins over the kubeconfig.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `-n/--namespace`.
    pub namespace: Option<String>,
    /// `-s/--server`.
    pub server: Option<String>,
    /// `--token`.
    pub token: Option<String>,
    /// `--certificate-authority`.
    pub certificate_authority: Option<PathBuf>,
    /// `--client-certificate`.
    pub client_certificate: Option<PathBuf>,
    /// `--client-key`.
    pub client_key: Option<PathBuf>,
    /// `--insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `--tls-server-name`.
    pub tls_server_name: Option<String>,
    /// `--request-timeout` (None: no timeout).
    pub request_timeout: Option<Duration>,
    /// `--as`.
    pub impersonate_user: Option<String>,
    /// `--as-group`.
    pub impersonate_groups: Vec<String>,
}

/// The parts of the process environment that configuration depends on.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `KUBECONFIG`.
    pub kubeconfig: Option<OsString>,
    /// The home directory (`~/.kube/config`, `~/.kube/cache`).
    pub home: Option<PathBuf>,
}

impl Env {
    /// The real process environment.
    pub fn from_process() -> Env {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Env { kubeconfig: std::env::var_os("KUBECONFIG"), home }
    }
}

/// Everything needed to talk to one apiserver.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RestConfig {
    /// Base URL of the apiserver, e.g. `https://127.0.0.1:6443`.
    pub server: String,
    /// The default namespace (`default` when neither flag nor context sets one).
    pub namespace: String,
    /// PEM CA bundle to trust instead of the system roots.
    pub ca_pem: Option<Vec<u8>>,
    /// PEM client certificate.
    pub client_cert_pem: Option<Vec<u8>>,
    /// PEM client key.
    pub client_key_pem: Option<Vec<u8>>,
    /// Bearer token.
    pub token: Option<String>,
    /// File holding a bearer token, read for each request.
    pub token_file: Option<PathBuf>,
    /// Basic-auth user name and password.
    pub basic_auth: Option<(String, String)>,
    /// Exec credential plugin.
    pub exec: Option<ExecConfig>,
    /// Skip verification of the server certificate.
    pub insecure: bool,
    /// Server name for certificate verification.
    pub tls_server_name: Option<String>,
    /// Proxy for requests to this cluster (`proxy-url`).
    pub proxy_url: Option<String>,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
    /// `Impersonate-User`.
    pub impersonate_user: Option<String>,
    /// `Impersonate-Group` (repeated).
    pub impersonate_groups: Vec<String>,
    /// The context this configuration came from, if any.
    pub context: Option<String>,
    /// Log level (`-v`): 6 logs requests, 8 also bodies.
    pub verbosity: u8,
}

impl RestConfig {
    /// Resolves the configuration kubectl would use. `Ok(None)` means nothing is configured:
    /// no kubeconfig (or one without contexts) and no `--server`.
    pub fn resolve(overrides: &Overrides, env: &Env) -> Result<Option<RestConfig>, Error> {
        let kc = Kubeconfig::load(
            overrides.kubeconfig.as_deref(),
            env.kubeconfig.as_deref(),
            env.home.as_deref(),
        )?
        .unwrap_or_default();
        RestConfig::from_kubeconfig(&kc, overrides)
    }

    /// Resolves the configuration from an already loaded kubeconfig.
    pub fn from_kubeconfig(
        kc: &Kubeconfig,
        overrides: &Overrides,
    ) -> Result<Option<RestConfig>, Error> {
        let context_name = overrides.context.clone().or_else(|| kc.current_context.clone());
        let context = match &context_name {
            Some(name) => match kc.contexts.get(name) {
                Some(c) => Some(c.clone()),
                None => {
                    return Err(Error::Config(format!(
                        "context was not found for specified context: {name}"
                    )));
                }
            },
            None => None,
        };
        if context.is_none()
            && overrides.server.is_none()
            && overrides.cluster.is_none()
            && overrides.user.is_none()
        {
            return Ok(None);
        }
        let context = context.unwrap_or_default();
        let cluster_name = overrides.cluster.clone().unwrap_or_else(|| context.cluster.clone());
        let user_name = overrides.user.clone().unwrap_or_else(|| context.user.clone());
        let cluster = match kc.clusters.get(&cluster_name) {
            Some(c) => c.clone(),
            None if overrides.cluster.is_some() => {
                return Err(Error::Config(format!("cluster \"{cluster_name}\" does not exist")));
            }
            None => Cluster::default(),
        };
        let mut user = match kc.users.get(&user_name) {
            Some(u) => u.clone(),
            None if overrides.user.is_some() => {
                return Err(Error::Config(format!("auth info \"{user_name}\" does not exist")));
            }
            None => AuthInfo::default(),
        };
        // Credentials given on the command line replace the kubeconfig user's credentials.
        if overrides.token.is_some()
            || overrides.client_certificate.is_some()
            || overrides.client_key.is_some()
        {
            user = AuthInfo {
                impersonate: user.impersonate,
                impersonate_groups: user.impersonate_groups,
                ..AuthInfo::default()
            };
            user.token = overrides.token.clone();
            user.client_certificate = overrides.client_certificate.clone();
            user.client_key = overrides.client_key.clone();
        }

        let server = overrides
            .server
            .clone()
            .or(cluster.server.clone())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::Config(if cluster_name.is_empty() {
                    "no server found for cluster \"\"".to_string()
                } else {
                    format!("no server found for cluster \"{cluster_name}\"")
                })
            })?;
        let server = normalize_server(&server);

        let insecure =
            overrides.insecure_skip_tls_verify || cluster.insecure_skip_tls_verify.unwrap_or(false);
        let ca_pem = if overrides.insecure_skip_tls_verify {
            None
        } else if let Some(path) = &overrides.certificate_authority {
            Some(read_file(path, "certificate-authority")?)
        } else if let Some(data) = cluster.certificate_authority_data.as_deref() {
            Some(decode_b64(data, "certificate-authority-data")?)
        } else if let Some(path) = &cluster.certificate_authority {
            Some(read_file(path, "certificate-authority")?)
        } else {
            None
        };
        if insecure && ca_pem.is_some() {
            return Err(Error::Config(
                "specifying a root certificates file with the insecure flag is not allowed".into(),
            ));
        }
        let client_cert_pem = match (&user.client_certificate_data, &user.client_certificate) {
            (Some(d), _) if overrides.client_certificate.is_none() => {
                Some(decode_b64(d, "client-certificate-data")?)
            }
            (_, Some(p)) => Some(read_file(p, "client-certificate")?),
            _ => None,
        };
        let client_key_pem = match (&user.client_key_data, &user.client_key) {
            (Some(d), _) if overrides.client_key.is_none() => {
                Some(decode_b64(d, "client-key-data")?)
            }
            (_, Some(p)) => Some(read_file(p, "client-key")?),
            _ => None,
        };
        if client_cert_pem.is_some() != client_key_pem.is_some() {
            let missing = if client_cert_pem.is_some() { "client-key" } else { "client-cert" };
            return Err(Error::Config(format!(
                "{missing}-data or {missing} must be specified for {user_name} to use the clientCert authentication method."
            )));
        }
        let namespace = overrides
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .or(context.namespace.clone().filter(|n| !n.is_empty()))
            .unwrap_or_else(|| "default".to_string());
        let basic_auth = match (&user.username, &user.password) {
            (Some(u), Some(p)) if !u.is_empty() => Some((u.clone(), p.clone())),
            _ => None,
        };
        Ok(Some(RestConfig {
            server,
            namespace,
            ca_pem,
            client_cert_pem,
            client_key_pem,
            token: user.token.clone().filter(|t| !t.is_empty()),
            token_file: user.token_file.clone(),
            basic_auth,
            exec: user.exec.clone(),
            insecure,
            tls_server_name: overrides.tls_server_name.clone().or(cluster.tls_server_name.clone()),
            proxy_url: cluster.proxy_url.clone(),
            timeout: overrides.request_timeout,
            impersonate_user: overrides.impersonate_user.clone().or(user.impersonate),
            impersonate_groups: if overrides.impersonate_groups.is_empty() {
                user.impersonate_groups.unwrap_or_default()
            } else {
                overrides.impersonate_groups.clone()
            },
            context: context_name,
            verbosity: 0,
        }))
    }

    /// `host_port` as kubectl names the discovery cache directory of this server.
    pub fn cache_key(&self) -> String {
        cache_key(&self.server)
    }
}

/// kubectl's discovery cache directory name for a server URL: the host and port with the
/// scheme removed and every character outside `[A-Za-z0-9.]` replaced by `_`.
pub fn cache_key(server: &str) -> String {
    let rest = server.split_once("://").map(|(_, r)| r).unwrap_or(server);
    rest.trim_end_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' })
        .collect()
}

/// `host:port` without a scheme means https, as in kubectl.
fn normalize_server(s: &str) -> String {
    let s = s.trim_end_matches('/');
    if s.contains("://") { s.to_string() } else { format!("https://{s}") }
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path)
        .map_err(|e| Error::Config(format!("unable to read {what} {}: {e}", path.display())))
}

fn decode_b64(data: &str, what: &str) -> Result<Vec<u8>, Error> {
    let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned)
        .map_err(|e| Error::Config(format!("invalid base64 in {what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_key_is_host_port() {
        assert_eq!(cache_key("https://127.0.0.1:6443"), "127.0.0.1_6443");
        assert_eq!(cache_key("http://localhost:8080/"), "localhost_8080");
    }
}
