//! The CLI integration tests: the real `kctl` binary, against the real bundled apiserver.

mod bad_manifests;
mod completion;
mod help;
