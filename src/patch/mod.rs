//! The pure patch engine: strategic merge patch (`strategic`), JSON merge patch (`merge`,
//! RFC 7386), JSON patch (`json`, RFC 6902) and the patch metadata sources (`schema`).
//! Shared by the client (apply, diff) and the bundled apiserver (PATCH).

pub mod error;
pub mod json;
pub mod merge;
pub mod schema;
pub mod strategic;

pub use error::PatchError;
pub use schema::LookupPatchMeta;

/// The three patch types of the Kubernetes API, plus server-side apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/strategic-merge-patch+json`
    Strategic,
    /// `application/merge-patch+json`
    Merge,
    /// `application/json-patch+json`
    Json,
    /// `application/apply-patch+yaml`
    Apply,
}

impl PatchType {
    /// The Content-Type header for this patch type.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Json => "application/json-patch+json",
            PatchType::Apply => "application/apply-patch+yaml",
        }
    }

    /// The patch type named by a Content-Type header (parameters ignored).
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        let base = ct.split(';').next().unwrap_or("").trim();
        [PatchType::Strategic, PatchType::Merge, PatchType::Json, PatchType::Apply]
            .into_iter()
            .find(|t| t.content_type() == base)
    }
}
