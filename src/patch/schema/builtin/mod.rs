//! Built-in patch metadata for the Kubernetes kinds kctl knows (core/v1, apps/v1, batch/v1,
//! networking, rbac, policy, storage, autoscaling, admissionregistration, …), written as a
//! table in [`table`]. Fields absent from the table carry no metadata: maps merge, lists
//! are replaced, and unknown fields are never an error.

mod table;

use std::sync::{Arc, OnceLock};

use super::{Lookup, LookupPatchMeta, NoSchema, PatchMeta, SchemaError};

/// One field of a built-in type: its element or value type (when metadata lies below it),
/// strategy and merge key.
#[derive(Debug)]
pub struct Field {
    /// JSON field name.
    pub name: &'static str,
    /// The type of the value (for lists: of the elements), when it is in the table.
    pub target: Option<&'static str>,
    /// `x-kubernetes-patch-strategy`, `""` when none.
    pub strategy: &'static str,
    /// `x-kubernetes-patch-merge-key`, `""` when none.
    pub merge_key: &'static str,
}

impl Field {
    const fn new(
        name: &'static str,
        target: Option<&'static str>,
        strategy: &'static str,
        merge_key: &'static str,
    ) -> Field {
        Field { name, target, strategy, merge_key }
    }

    /// The field's patch metadata.
    pub fn meta(&self) -> PatchMeta {
        PatchMeta::new(self.strategy, Some(self.merge_key))
    }
}

/// A built-in type, named like its OpenAPI definition.
#[derive(Debug)]
pub struct TypeDef {
    /// OpenAPI definition name, e.g. `io.k8s.api.core.v1.PodSpec`.
    pub name: &'static str,
    /// Fields with metadata or with metadata below them.
    pub fields: &'static [Field],
}

/// A built-in kind and its root type.
#[derive(Debug)]
pub struct Kind {
    /// API group (`""` for core).
    pub group: &'static str,
    /// API version.
    pub version: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Root type name in [`types`].
    pub root: &'static str,
}

impl Kind {
    const fn new(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        root: &'static str,
    ) -> Kind {
        Kind { group, version, kind, root }
    }
}

/// Every built-in type of the table.
pub fn types() -> &'static [TypeDef] {
    table::TYPES
}

/// Every built-in kind of the table.
pub fn kinds() -> &'static [Kind] {
    table::KINDS
}

/// The type named `name`, if the table has it.
pub fn type_def(name: &str) -> Option<&'static TypeDef> {
    static INDEX: OnceLock<std::collections::HashMap<&'static str, &'static TypeDef>> =
        OnceLock::new();
    INDEX.get_or_init(|| table::TYPES.iter().map(|t| (t.name, t)).collect()).get(name).copied()
}

/// The metadata source for a built-in kind, or `None` for kinds the table does not know
/// (custom resources: callers use JSON merge patch for those).
pub fn for_kind(group: &str, version: &str, kind: &str) -> Option<Arc<dyn LookupPatchMeta>> {
    let k =
        table::KINDS.iter().find(|k| k.group == group && k.version == version && k.kind == kind)?;
    Some(Arc::new(Builtin { ty: type_def(k.root) }))
}

/// A position in the built-in table.
#[derive(Debug, Clone, Copy)]
struct Builtin {
    ty: Option<&'static TypeDef>,
}

impl Builtin {
    fn lookup(&self, field: &str) -> Lookup {
        let Some(f) = self.ty.and_then(|t| t.fields.iter().find(|f| f.name == field)) else {
            return (Box::new(NoSchema), PatchMeta::default());
        };
        let child: Box<dyn LookupPatchMeta> = match f.target.and_then(type_def) {
            Some(ty) => Box::new(Builtin { ty: Some(ty) }),
            None => Box::new(NoSchema),
        };
        (child, f.meta())
    }
}

impl LookupPatchMeta for Builtin {
    fn lookup_struct(&self, field: &str) -> Result<Lookup, SchemaError> {
        Ok(self.lookup(field))
    }

    fn lookup_slice(&self, field: &str) -> Result<Lookup, SchemaError> {
        Ok(self.lookup(field))
    }

    fn name(&self) -> String {
        self.ty.map_or("<no schema>", |t| t.name).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_containers_merge_by_name() {
        let meta = for_kind("apps", "v1", "Deployment").unwrap();
        let (spec, _) = meta.lookup_struct("spec").unwrap();
        let (tpl, _) = spec.lookup_struct("template").unwrap();
        let (pod, _) = tpl.lookup_struct("spec").unwrap();
        let (_, m) = pod.lookup_slice("containers").unwrap();
        assert_eq!(m, PatchMeta::new("merge", Some("name")));
    }

    #[test]
    fn every_target_and_root_exists() {
        for t in types() {
            for f in t.fields {
                if let Some(target) = f.target {
                    assert!(type_def(target).is_some(), "{}.{}: {target}", t.name, f.name);
                }
            }
        }
        for k in kinds() {
            assert!(type_def(k.root).is_some(), "{}", k.root);
        }
        assert!(for_kind("example.com", "v1", "Widget").is_none());
    }
}
