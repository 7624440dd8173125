//! The CLI integration tests: the real `kctl` binary, against the real bundled apiserver.

mod common;
mod completion;
mod help;
mod kubectl_apply;
mod kubectl_delete;
mod kubectl_get;
mod kubectl_write;
mod serve_api;
