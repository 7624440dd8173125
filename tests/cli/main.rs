//! The CLI integration tests: the real `kctl` binary, against the real bundled apiserver.

mod client_cmd;
mod client_discovery;
mod client_kubeconfig;
mod client_support;
mod completion;
mod help;
mod bad_manifests;
