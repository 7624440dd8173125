//! The pure data model shared by client and server: group/version/kind, metadata accessors
//! on dynamic objects (`serde_json::Value`), the `Status` type and Go-style JSON encoding.

pub mod gojson;
pub mod gvk;
pub mod meta;
pub mod status;

pub use gvk::{GroupVersion, GroupVersionKind, GroupVersionResource};
pub use status::Status;

/// A Kubernetes object as it travels on the wire: a JSON object.
pub type Object = serde_json::Value;

/// The annotation that client-side apply keeps the last applied manifest in.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
