//! Patch metadata from an OpenAPI v2 (Swagger) document: `x-kubernetes-patch-strategy` and
//! `x-kubernetes-patch-merge-key` on properties, `$ref` to `#/definitions/…`. A schema
//! without type or properties is arbitrary: nothing below it is looked up.

use std::sync::Arc;

use serde_json::Value;

use super::graph::{Dialect, Graph};
use super::{LookupPatchMeta, SchemaError};

/// Builds a metadata source for the definition `root` (`#/definitions/<name>`) of a parsed
/// Swagger 2.0 document.
pub fn from_document(doc: &Value, root: &str) -> Result<Arc<dyn LookupPatchMeta>, SchemaError> {
    let graph = Arc::new(Graph::compile(doc, Dialect::V2)?);
    Ok(Arc::new(graph.cursor(root)?))
}
