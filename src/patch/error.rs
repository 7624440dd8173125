//! Errors of the patch engine; each carries the JSON path it is about.

use crate::patch::schema::SchemaError;

/// A patch could not be created or applied.
///
/// Every variant names the JSON path (`spec.template.spec.containers[name=app]`) where the
/// problem was found; the root document is `<root>`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PatchError {
    /// An input is not a JSON document (or not a JSON object where one is required).
    #[error("{path}: invalid JSON document")]
    BadJsonDocument {
        /// JSON path.
        path: String,
    },
    /// An element of a merging list of maps has no merge key.
    #[error("{path}: does not contain declared merge key \"{key}\"")]
    MissingMergeKey {
        /// JSON path of the element.
        path: String,
        /// The declared merge key.
        key: String,
    },
    /// The patch metadata source could not answer a lookup (unknown field, wrong shape).
    #[error("{path}: {source}")]
    Schema {
        /// JSON path of the field.
        path: String,
        /// What the metadata source said.
        source: SchemaError,
    },
    /// The items of a patch list are not in the order of its `$setElementOrder` list.
    #[error("{path}: the order in patch list {patch} doesn't match $setElementOrder list {order}")]
    OrderMismatch {
        /// JSON path of the list.
        path: String,
        /// The patch list, as JSON.
        patch: String,
        /// The `$setElementOrder` list, as JSON.
        order: String,
    },
    /// A directive (`$patch`, `$retainKeys`, `$setElementOrder/…`,
    /// `$deleteFromPrimitiveList/…`) is malformed or not allowed here.
    #[error("{path}: {message}")]
    InvalidDirective {
        /// JSON path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Values of incompatible shapes meet where the patch semantics need one shape
    /// (a list of lists, mixed element types, a merging list of maps without merge key).
    #[error("{path}: {message}")]
    InvalidShape {
        /// JSON path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The change from original to modified collides with a change made to the live object.
    #[error(
        "{path}: conflict: patch {patch} conflicts with changes made to the live object {changed}"
    )]
    Conflict {
        /// JSON path (the root for three-way patches).
        path: String,
        /// The computed patch, as JSON.
        patch: String,
        /// The changes from original to current, as JSON.
        changed: String,
    },
    /// An RFC 6902 JSON patch could not be applied.
    #[error("{path}: {message}")]
    JsonPatch {
        /// JSON pointer of the failing operation's path.
        path: String,
        /// What is wrong, including the index of the operation.
        message: String,
    },
}

impl PatchError {
    /// Whether this is a three-way conflict (resolved by `overwrite=true`).
    pub fn is_conflict(&self) -> bool {
        matches!(self, PatchError::Conflict { .. })
    }

    /// The JSON path this error is about.
    pub fn path(&self) -> &str {
        match self {
            PatchError::BadJsonDocument { path }
            | PatchError::MissingMergeKey { path, .. }
            | PatchError::Schema { path, .. }
            | PatchError::OrderMismatch { path, .. }
            | PatchError::InvalidDirective { path, .. }
            | PatchError::InvalidShape { path, .. }
            | PatchError::Conflict { path, .. }
            | PatchError::JsonPatch { path, .. } => path,
        }
    }
}
