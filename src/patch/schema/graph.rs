//! A compiled OpenAPI schema graph shared by the v2 and v3 metadata sources: every named
//! definition and every inline schema becomes a node; `$ref` and `allOf` are resolved once,
//! at construction, so lookups are map reads. The two dialects differ only in how a lookup
//! treats schemas that are not objects with properties.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;

use super::{Lookup, LookupPatchMeta, NoSchema, PatchMeta, SchemaError};

/// Which OpenAPI flavour the graph came from; decides the lookup rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Swagger 2.0, read like kube-openapi's `proto` model.
    V2,
    /// OpenAPI 3, read like apimachinery's `PatchMetaFromOpenAPIV3`.
    V3,
}

#[derive(Debug)]
enum Shape {
    /// No type and no properties: anything goes.
    Arbitrary,
    /// Declared properties (possibly none).
    Object(BTreeMap<String, Prop>),
    /// `type: object` without properties.
    Map,
    /// `type: array`.
    Array(Option<usize>),
    /// Any scalar type.
    Primitive,
    /// A `$ref` that points nowhere.
    Unresolved(String),
}

#[derive(Debug)]
struct Prop {
    meta: PatchMeta,
    target: usize,
}

#[derive(Debug)]
struct Node {
    name: String,
    shape: Shape,
}

/// The compiled schema document.
#[derive(Debug)]
pub(crate) struct Graph {
    dialect: Dialect,
    nodes: Vec<Node>,
    names: HashMap<String, usize>,
    prefix: &'static str,
}

impl Graph {
    /// Compiles every definition of `doc`.
    pub(crate) fn compile(doc: &Value, dialect: Dialect) -> Result<Graph, SchemaError> {
        let (prefix, defs) = match dialect {
            Dialect::V2 => ("#/definitions/", doc.get("definitions")),
            Dialect::V3 => ("#/components/schemas/", doc.pointer("/components/schemas")),
        };
        let defs = defs
            .and_then(Value::as_object)
            .ok_or_else(|| SchemaError::BadDocument(format!("no {prefix} section")))?;
        let mut graph = Graph { dialect, nodes: Vec::new(), names: HashMap::new(), prefix };
        for name in defs.keys() {
            let id = graph.push(name.clone(), Shape::Arbitrary);
            graph.names.insert(name.clone(), id);
        }
        for (name, schema) in defs {
            let shape = graph.shape_of(name, schema);
            graph.nodes[graph.names[name]].shape = shape;
        }
        Ok(graph)
    }

    /// A cursor at the definition named by `root` (`#/definitions/X` or
    /// `#/components/schemas/X`, or just `X`).
    pub(crate) fn cursor(self: Arc<Self>, root: &str) -> Result<Cursor, SchemaError> {
        let name = root.strip_prefix(self.prefix).unwrap_or(root);
        let node = *self.names.get(name).ok_or_else(|| SchemaError::Unresolved(root.to_owned()))?;
        Ok(Cursor { graph: self, node: Some(node) })
    }

    fn push(&mut self, name: String, shape: Shape) -> usize {
        self.nodes.push(Node { name, shape });
        self.nodes.len() - 1
    }

    /// The node a (property or items) schema stands for: the referenced definition, or a
    /// new node for an inline schema.
    fn node_of(&mut self, name: &str, schema: &Value) -> usize {
        let schema = first_all_of(schema);
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let def = target.strip_prefix(self.prefix).unwrap_or(target);
            return match self.names.get(def) {
                Some(&id) => id,
                None => self.push(name.to_owned(), Shape::Unresolved(target.to_owned())),
            };
        }
        let id = self.push(name.to_owned(), Shape::Arbitrary);
        self.nodes[id].shape = self.shape_of(name, schema);
        id
    }

    fn shape_of(&mut self, name: &str, schema: &Value) -> Shape {
        let schema = first_all_of(schema);
        if schema.get("$ref").is_some() {
            let target = self.node_of(name, schema);
            return Shape::Object(BTreeMap::from([(String::new(), Prop::alias(target))]));
        }
        let props = schema.get("properties").and_then(Value::as_object);
        match (schema.get("type").and_then(Value::as_str), props) {
            (None | Some("object"), Some(props)) => Shape::Object(self.props(name, props)),
            (Some("object"), None) => Shape::Map,
            (Some("array"), _) => {
                Shape::Array(schema.get("items").map(|i| self.node_of(&format!("{name}[]"), i)))
            }
            (None, None) => Shape::Arbitrary,
            (Some(_), _) => Shape::Primitive,
        }
    }

    fn props(
        &mut self,
        name: &str,
        props: &serde_json::Map<String, Value>,
    ) -> BTreeMap<String, Prop> {
        props
            .iter()
            .map(|(field, schema)| {
                let meta = PatchMeta::new(
                    ext(schema, "x-kubernetes-patch-strategy").unwrap_or(""),
                    ext(schema, "x-kubernetes-patch-merge-key"),
                );
                let target = self.node_of(&format!("{name}.{field}"), schema);
                (field.clone(), Prop { meta, target })
            })
            .collect()
    }

    /// Follows alias nodes (a definition that is itself only a `$ref`).
    fn resolve(&self, mut id: usize) -> usize {
        for _ in 0..self.nodes.len() {
            match &self.nodes[id].shape {
                Shape::Object(p) if p.len() == 1 && p.contains_key("") => id = p[""].target,
                _ => break,
            }
        }
        id
    }
}

impl Prop {
    fn alias(target: usize) -> Prop {
        Prop { meta: PatchMeta::default(), target }
    }
}

fn first_all_of(schema: &Value) -> &Value {
    match schema.get("allOf").and_then(Value::as_array).and_then(|a| a.first()) {
        Some(first) => first,
        None => schema,
    }
}

fn ext<'a>(schema: &'a Value, key: &str) -> Option<&'a str> {
    schema.get(key).and_then(Value::as_str)
}

/// A position in a [`Graph`]; `None` means "no schema" (below an arbitrary value in v2).
pub(crate) struct Cursor {
    graph: Arc<Graph>,
    node: Option<usize>,
}

impl Cursor {
    fn at(&self, node: Option<usize>) -> Box<dyn LookupPatchMeta> {
        match node {
            Some(node) => Box::new(Cursor { graph: self.graph.clone(), node: Some(node) }),
            None => Box::new(NoSchema),
        }
    }

    /// The declared property `field`, by the dialect's rules. `Ok(None)` means the lookup
    /// succeeds without schema (v2 arbitrary values).
    fn prop(&self, field: &str) -> Result<Option<&Prop>, SchemaError> {
        let Some(node) = self.node else { return Ok(None) };
        let node = &self.graph.nodes[self.graph.resolve(node)];
        let not_found =
            || SchemaError::FieldNotFound { field: field.to_owned(), schema: node.name.clone() };
        let not_kind = |found| SchemaError::NotAKind {
            field: field.to_owned(),
            found,
            schema: node.name.clone(),
        };
        match (&node.shape, self.graph.dialect) {
            (Shape::Object(props), _) => props.get(field).map(Some).ok_or_else(not_found),
            (Shape::Unresolved(r), _) => Err(SchemaError::Unresolved(r.clone())),
            (_, Dialect::V3) => Err(not_found()),
            (Shape::Arbitrary, Dialect::V2) => Ok(None),
            (Shape::Map, Dialect::V2) => Err(not_kind("map")),
            (Shape::Array(_), Dialect::V2) => Err(not_kind("array")),
            (Shape::Primitive, Dialect::V2) => Err(not_kind("primitive")),
        }
    }

    fn checked(&self, id: usize) -> Result<usize, SchemaError> {
        let id = self.graph.resolve(id);
        match &self.graph.nodes[id].shape {
            Shape::Unresolved(r) => Err(SchemaError::Unresolved(r.clone())),
            _ => Ok(id),
        }
    }
}

impl LookupPatchMeta for Cursor {
    fn lookup_struct(&self, field: &str) -> Result<Lookup, SchemaError> {
        match self.prop(field)? {
            None => Ok((self.at(None), PatchMeta::default())),
            Some(prop) => Ok((self.at(Some(self.checked(prop.target)?)), prop.meta.clone())),
        }
    }

    fn lookup_slice(&self, field: &str) -> Result<Lookup, SchemaError> {
        let Some(prop) = self.prop(field)? else {
            return Ok((self.at(None), PatchMeta::default()));
        };
        let target = self.checked(prop.target)?;
        let element = match &self.graph.nodes[target].shape {
            Shape::Array(Some(items)) => Some(self.checked(*items)?),
            Shape::Object(_) | Shape::Array(None) => Some(target),
            _ if self.graph.dialect == Dialect::V3 => Some(target),
            _ => None,
        };
        Ok((self.at(element), prop.meta.clone()))
    }

    fn name(&self) -> String {
        match self.node {
            Some(node) => self.graph.nodes[node].name.clone(),
            None => "<no schema>".to_owned(),
        }
    }
}
