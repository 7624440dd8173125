//! The CLI integration tests: the real `kctl` binary, against the real bundled apiserver.

mod completion;
mod help;
mod bad_manifests;
