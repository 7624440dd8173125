//! The CLI integration tests: the real `kctl` binary, against the real bundled apiserver.

mod apply_vectors;
mod bad_manifests;
mod client_cmd;
mod client_discovery;
mod client_kubeconfig;
mod client_support;
mod common;
mod completion;
mod completion_shells;
mod completion_support;
mod help;
mod kubectl_apply;
mod kubectl_delete;
mod kubectl_get;
mod kubectl_write;
mod local_cluster;
mod serve_api;
mod verbs_apply;
mod verbs_delete;
mod verbs_get;
mod verbs_patch;
