//! The bundled Kubernetes-compatible apiserver.

pub mod store;
