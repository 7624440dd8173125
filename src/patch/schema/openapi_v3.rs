//! Patch metadata from an OpenAPI v3 document: the same extensions as v2, with
//! `allOf: [{$ref}]` wrappers (the first `allOf` entry is used) and references into
//! `#/components/schemas/…`. Looking up a field of a schema without properties is an error.
//! `x-kubernetes-list-type`/`x-kubernetes-list-map-keys` are not patch metadata: like
//! apimachinery, only the patch extensions decide strategies.

use std::sync::Arc;

use serde_json::Value;

use super::graph::{Dialect, Graph};
use super::{LookupPatchMeta, SchemaError};

/// Builds a metadata source for the schema `root` (`#/components/schemas/<name>`) of a
/// parsed OpenAPI v3 document.
pub fn from_document(doc: &Value, root: &str) -> Result<Arc<dyn LookupPatchMeta>, SchemaError> {
    let graph = Arc::new(Graph::compile(doc, Dialect::V3)?);
    Ok(Arc::new(graph.cursor(root)?))
}
