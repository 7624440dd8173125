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

/// Checks the table against every patch strategy and merge key of the published OpenAPI v3
/// documents (`KCTL_OPENAPI_V3_DIR`, default `../shared/openapi/v3`).
#[cfg(test)]
mod openapi_check {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use serde_json::Value;

    use super::*;

    fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                json_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    /// Every schema by name, one entry per document that defines it (documents of
    /// different Kubernetes versions may disagree).
    fn schemas() -> BTreeMap<String, Vec<Value>> {
        let dir = std::env::var_os("KCTL_OPENAPI_V3_DIR").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/openapi/v3"))
        });
        let mut files = Vec::new();
        json_files(&dir, &mut files);
        files.sort();
        assert!(!files.is_empty(), "no OpenAPI v3 documents in {}", dir.display());
        let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let defs = doc.pointer("/components/schemas").and_then(Value::as_object);
            for (name, s) in defs.into_iter().flatten() {
                out.entry(name.clone()).or_default().push(s.clone());
            }
        }
        out
    }

    /// The schema name a property refers to (through `allOf` and `items`).
    fn target(prop: &Value) -> Option<String> {
        let first = |s: &Value| s.pointer("/allOf/0").cloned().unwrap_or_else(|| s.clone());
        let mut s = first(prop);
        if let Some(items) = s.get("items") {
            s = first(items);
        }
        s.get("$ref")?.as_str()?.rsplit('/').next().map(str::to_owned)
    }

    fn ext<'a>(prop: &'a Value, key: &str) -> &'a str {
        prop.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// Differences between the table's entry for `name` and one OpenAPI definition of it.
    fn differences(name: &str, schema: &Value) -> Vec<String> {
        let mut diffs = Vec::new();
        let ty = type_def(name);
        let props = schema.get("properties").and_then(Value::as_object);
        for (field, prop) in props.into_iter().flatten() {
            let strategy = ext(prop, "x-kubernetes-patch-strategy");
            let key = ext(prop, "x-kubernetes-patch-merge-key");
            let entry = ty.and_then(|t| t.fields.iter().find(|f| f.name == field));
            let listed = entry.and_then(|f| f.target).map(str::to_owned);
            let wanted = target(prop).filter(|t| type_def(t).is_some());
            match entry {
                None if !strategy.is_empty() || !key.is_empty() => diffs
                    .push(format!("{name}.{field}: missing (strategy {strategy:?}, key {key:?})")),
                None if ty.is_some() && wanted.is_some() => {
                    diffs.push(format!("{name}.{field}: missing link to {wanted:?}"))
                }
                Some(f) if f.strategy != strategy || f.merge_key != key => diffs.push(format!(
                    "{name}.{field}: table has ({:?}, {:?}), OpenAPI has ({strategy:?}, {key:?})",
                    f.strategy, f.merge_key
                )),
                Some(_) if listed != wanted => diffs
                    .push(format!("{name}.{field}: table links {listed:?}, OpenAPI {wanted:?}")),
                _ => {}
            }
        }
        for f in ty.map(|t| t.fields).unwrap_or_default() {
            if schema.pointer(&format!("/properties/{}", f.name)).is_none() {
                diffs.push(format!("{name}.{}: not in OpenAPI", f.name));
            }
        }
        diffs
    }

    fn kind_differences(name: &str, schema: &Value) -> Vec<String> {
        let gvks = schema.get("x-kubernetes-group-version-kind").and_then(Value::as_array);
        if type_def(name).is_none() || name.ends_with("List") {
            return Vec::new();
        }
        let mut diffs = Vec::new();
        for gvk in gvks.into_iter().flatten() {
            let s = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("");
            let found = kinds().iter().find(|k| {
                k.group == s("group") && k.version == s("version") && k.kind == s("kind")
            });
            if found.map(|k| k.root) != Some(name) {
                diffs.push(format!(
                    "kind {}/{} {}: root should be {name}",
                    s("group"),
                    s("version"),
                    s("kind")
                ));
            }
        }
        diffs
    }

    /// Every patch strategy and merge key of every document is in the table, and every
    /// table entry is in the documents. Where documents of different Kubernetes versions
    /// define a schema differently, the table must match one of them (the newest).
    #[test]
    fn table_matches_openapi_v3() {
        let mut diffs = Vec::new();
        for (name, defs) in schemas() {
            let per_doc: Vec<Vec<String>> = defs
                .iter()
                .map(|d| [differences(&name, d), kind_differences(&name, d)].concat())
                .collect();
            if per_doc.iter().all(|d| !d.is_empty()) {
                diffs.extend(per_doc.into_iter().flatten());
            }
        }
        assert!(diffs.is_empty(), "built-in table differs from OpenAPI v3:\n{}", diffs.join("\n"));
    }
}
