//! Errors of the patch engine; each carries the JSON path it is about.

/// A patch could not be created or applied.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    /// A catch-all while the engine is being filled in.
    #[error("{path}: {message}")]
    Other {
        /// JSON path.
        path: String,
        /// What is wrong.
        message: String,
    },
}
