//! The bundled Kubernetes-compatible apiserver.
