//! Patch metadata (strategies and merge keys) behind one lookup trait, from OpenAPI v2,
//! OpenAPI v3 or the built-in table. The strategic merge patch engine only ever sees
//! [`LookupPatchMeta`]; it never knows where the metadata comes from.

pub mod builtin;
mod graph;
pub mod openapi_v2;
pub mod openapi_v3;

/// The patch metadata of one field: `x-kubernetes-patch-strategy` split on `,` and
/// `x-kubernetes-patch-merge-key`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchMeta {
    /// Strategies in declaration order (`merge`, `replace`, `retainKeys`).
    pub strategies: Vec<String>,
    /// The merge key of a merging list of maps.
    pub merge_key: Option<String>,
}

/// The strategy of a field with `retainKeys` split off (apimachinery's
/// `extractRetainKeysPatchStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// No strategy (or an unknown one): maps are merged, lists replaced.
    Default,
    /// `merge`: lists are merged (by merge key for lists of maps).
    Merge,
    /// `replace`: the value is replaced as a whole.
    Replace,
}

impl PatchMeta {
    /// Metadata from an extension value such as `"merge,retainKeys"` and an optional merge key.
    pub fn new(strategies: &str, merge_key: Option<&str>) -> PatchMeta {
        PatchMeta {
            strategies: strategies
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            merge_key: merge_key.filter(|k| !k.is_empty()).map(str::to_owned),
        }
    }

    /// The merge key, or `""` when none is declared.
    pub fn merge_key(&self) -> &str {
        self.merge_key.as_deref().unwrap_or("")
    }

    /// Splits the strategies into `(retainKeys, other strategy)`; more than one
    /// non-`retainKeys` strategy is an error.
    pub fn split(&self) -> Result<(bool, Strategy), SchemaError> {
        let retain = self.strategies.iter().any(|s| s == "retainKeys");
        let others: Vec<&str> =
            self.strategies.iter().map(String::as_str).filter(|s| *s != "retainKeys").collect();
        let too_many = others.len() > 1 || self.strategies.len() > 2;
        if too_many {
            return Err(SchemaError::BadStrategy(self.strategies.join(",")));
        }
        let strategy = match others.first() {
            Some(&"merge") => Strategy::Merge,
            Some(&"replace") => Strategy::Replace,
            _ => Strategy::Default,
        };
        Ok((retain, strategy))
    }
}

/// A patch metadata lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The field is not declared by the schema.
    #[error("unable to find api field \"{field}\" in {schema}")]
    FieldNotFound {
        /// The field looked up.
        field: String,
        /// The schema it was looked up in.
        schema: String,
    },
    /// A field was looked up in a schema that is not an object with properties.
    #[error("unable to look up api field \"{field}\": expected kind, but got {found} {schema}")]
    NotAKind {
        /// The field looked up.
        field: String,
        /// What the schema is (map, array, primitive).
        found: &'static str,
        /// The schema name.
        schema: String,
    },
    /// A `$ref` points nowhere.
    #[error("unable to resolve {0}")]
    Unresolved(String),
    /// The declared strategies cannot be combined.
    #[error("unexpected patch strategy: {0}")]
    BadStrategy(String),
    /// The schema document itself is unusable.
    #[error("invalid schema document: {0}")]
    BadDocument(String),
}

/// A child lookup result: the metadata source for the field's value (for lists: for the
/// list's elements) and the field's own patch metadata.
pub type Lookup = (Box<dyn LookupPatchMeta>, PatchMeta);

/// A source of patch metadata positioned at one schema node (like apimachinery's
/// `LookupPatchMeta`). Object-safe; children are boxed.
pub trait LookupPatchMeta: Send + Sync {
    /// Looks up `field` of this object schema, whose value is a map.
    fn lookup_struct(&self, field: &str) -> Result<Lookup, SchemaError>;
    /// Looks up `field` of this object schema, whose value is a list; the returned
    /// source describes the list's elements.
    fn lookup_slice(&self, field: &str) -> Result<Lookup, SchemaError>;
    /// A name for the schema node, used in messages.
    fn name(&self) -> String;
}

/// Metadata source that knows nothing: every lookup succeeds with empty metadata, so maps
/// merge and lists are replaced (the behaviour for values without a schema).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSchema;

impl LookupPatchMeta for NoSchema {
    fn lookup_struct(&self, _field: &str) -> Result<Lookup, SchemaError> {
        Ok((Box::new(NoSchema), PatchMeta::default()))
    }

    fn lookup_slice(&self, _field: &str) -> Result<Lookup, SchemaError> {
        Ok((Box::new(NoSchema), PatchMeta::default()))
    }

    fn name(&self) -> String {
        "<no schema>".to_owned()
    }
}
