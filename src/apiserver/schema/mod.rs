//! The field tree of the built-in kinds: which fields each object type has, generated from
//! Kubernetes' published OpenAPI v3 documents into `builtin_fields.json` by
//! `scripts/gen-builtin-fields.py` (the file names its source). Strict field validation
//! walks objects against it to find the fields kube-apiserver's decoder would not know.
//!
//! A field's entry is one string: `""` (not checked below: scalars, int-or-string, free-form
//! and `x-kubernetes-preserve-unknown-fields` values, maps of scalars), a type name, `[X` (a
//! list of X) or `{X` (a map of X).

use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The generated tree, embedded.
const BUILTIN_FIELDS: &str = include_str!("builtin_fields.json");

/// The parsed field tree.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FieldTree {
    /// Where the tree was generated from.
    pub source: String,
    /// `group/version/kind` → root type.
    pub kinds: HashMap<String, String>,
    /// Type name → field name → field entry.
    pub types: NameMap<NameMap<String>>,
}

/// A map keyed by the tree's type and field names, hashed with rustc's Fx hash: std's
/// default (SipHash, built to resist flooding) takes several times longer on these short
/// names. The tables are fixed at start-up and lookups never add to them, so a request's keys
/// cannot crowd them.
pub type NameMap<V> = HashMap<String, V, rustc_hash::FxBuildHasher>;

/// The built-in kinds' tree (an empty tree if the embedded file were unreadable, which the
/// tests rule out).
pub fn builtin() -> &'static FieldTree {
    static TREE: OnceLock<FieldTree> = OnceLock::new();
    TREE.get_or_init(|| serde_json::from_str(BUILTIN_FIELDS).unwrap_or_default())
}

/// One step into a value: the entry that describes a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node<'a> {
    /// Not checked below.
    Any,
    /// An object of the named type.
    Type(&'a str),
    /// A list of the inner entry.
    List(&'a str),
    /// A map of the inner entry.
    Map(&'a str),
}

impl<'a> Node<'a> {
    /// Decodes a field entry.
    pub fn of(entry: &'a str) -> Node<'a> {
        if entry.is_empty() {
            Node::Any
        } else if let Some(inner) = entry.strip_prefix('[') {
            Node::List(inner)
        } else if let Some(inner) = entry.strip_prefix('{') {
            Node::Map(inner)
        } else {
            Node::Type(entry)
        }
    }
}

/// What a key of an object is, under a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    /// A known field (or a map key) whose value is described by the entry.
    Known(&'a str),
    /// A field the type does not have.
    Unknown,
}

impl FieldTree {
    /// The root type entry of a kind.
    pub fn root(&self, group: &str, version: &str, kind: &str) -> Option<&str> {
        self.kinds.get(&format!("{group}/{version}/{kind}")).map(String::as_str)
    }

    /// Looks `key` up under an object-valued node; `None` when the node does not describe
    /// an object (then nothing below is checked).
    pub fn key<'a>(&'a self, node: Node<'a>, key: &str) -> Option<Key<'a>> {
        self.keys(node).key(key)
    }

    /// The keys an object-valued node allows, resolved once for all the keys of an object.
    fn keys<'a>(&'a self, node: Node<'a>) -> Keys<'a> {
        match node {
            Node::Type(t) => self.types.get(t).map_or(Keys::Unchecked, Keys::Fields),
            Node::Map(inner) => Keys::Any(inner),
            Node::Any | Node::List(_) => Keys::Unchecked,
        }
    }

    /// The paths of the fields of `obj` (a value of `entry`) that the schema does not have,
    /// in kube's notation (`spec.template.spec.containers[0].foo`).
    pub fn unknown_fields(&self, entry: &str, obj: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let mut path = String::new();
        self.walk(Node::of(entry), obj, &mut path, &mut out);
        out
    }

    /// Removes the fields of `obj` that the schema does not have (kube-apiserver's typed
    /// decoding drops them) and returns their paths, as [`FieldTree::unknown_fields`].
    pub fn prune_unknown(&self, entry: &str, obj: &mut Value) -> Vec<String> {
        let mut out = Vec::new();
        let mut path = String::new();
        self.prune(Node::of(entry), obj, &mut path, &mut out);
        out
    }

    fn prune(&self, node: Node<'_>, v: &mut Value, path: &mut String, out: &mut Vec<String>) {
        match (node, v) {
            (Node::List(inner), Value::Array(items)) => {
                let inner = Node::of(inner);
                if inner == Node::Any {
                    return;
                }
                for (i, item) in items.iter_mut().enumerate() {
                    let len = path.len();
                    push_index(path, i);
                    self.prune(inner, item, path, out);
                    path.truncate(len);
                }
            }
            (Node::Type(_) | Node::Map(_), Value::Object(map)) => {
                let keys = self.keys(node);
                // Unknown keys are rare: removed after the walk, which visits every key in
                // order as `retain` would, at a fraction of its cost.
                let mut drop: Vec<String> = Vec::new();
                for (k, child) in map.iter_mut() {
                    let len = path.len();
                    push_key(path, k);
                    match keys.key(k) {
                        Some(Key::Known(e)) => self.prune(Node::of(e), child, path, out),
                        Some(Key::Unknown) => {
                            out.push(path.clone());
                            drop.push(k.clone());
                        }
                        None => {}
                    }
                    path.truncate(len);
                }
                for k in &drop {
                    map.remove(k);
                }
            }
            _ => {}
        }
    }

    fn walk(&self, node: Node<'_>, v: &Value, path: &mut String, out: &mut Vec<String>) {
        match (node, v) {
            (Node::List(inner), Value::Array(items)) => {
                let inner = Node::of(inner);
                if inner == Node::Any {
                    return;
                }
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    push_index(path, i);
                    self.walk(inner, item, path, out);
                    path.truncate(len);
                }
            }
            (Node::Type(_) | Node::Map(_), Value::Object(map)) => {
                let keys = self.keys(node);
                for (k, child) in map {
                    let len = path.len();
                    push_key(path, k);
                    match keys.key(k) {
                        Some(Key::Known(e)) => self.walk(Node::of(e), child, path, out),
                        Some(Key::Unknown) => out.push(path.clone()),
                        None => {}
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
}

/// The keys of an object under a node.
#[derive(Debug, Clone, Copy)]
enum Keys<'a> {
    /// The fields of a type.
    Fields(&'a NameMap<String>),
    /// Any key, each value described by the entry (a map).
    Any(&'a str),
    /// Not checked (not an object-valued node, or a type the tree does not have).
    Unchecked,
}

impl<'a> Keys<'a> {
    fn key(self, key: &str) -> Option<Key<'a>> {
        match self {
            Keys::Fields(fields) => {
                Some(fields.get(key).map_or(Key::Unknown, |e| Key::Known(e.as_str())))
            }
            Keys::Any(inner) => Some(Key::Known(inner)),
            Keys::Unchecked => None,
        }
    }
}

/// Appends `[i]` to a path.
pub fn push_index(path: &mut String, i: usize) {
    // Writing to a `String` cannot fail.
    let _ = write!(path, "[{i}]");
}

/// Appends `.key` (or `key` at the root) to a path.
pub fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::registry;

    #[test]
    fn every_builtin_kind_has_a_root_and_every_reference_resolves() {
        let tree = builtin();
        assert!(tree.source.starts_with("k8s.io/kubernetes@"), "{}", tree.source);
        for r in registry::builtin() {
            assert!(tree.root(&r.group, &r.version, &r.kind).is_some(), "{}/{}", r.group, r.kind);
        }
        assert_eq!(tree.kinds.len(), registry::builtin().len(), "kinds not in the registry");
        let mut entries: Vec<&str> = tree.kinds.values().map(String::as_str).collect();
        for fields in tree.types.values() {
            entries.extend(fields.values().map(String::as_str));
        }
        for e in entries {
            let mut e = e;
            while let Some(rest) = e.strip_prefix('[').or_else(|| e.strip_prefix('{')) {
                e = rest;
            }
            assert!(e.is_empty() || tree.types.contains_key(e), "dangling type {e}");
        }
        // Every root describes a real object with its type fields.
        for (k, root) in &tree.kinds {
            let fields = &tree.types[root];
            assert!(fields.contains_key("apiVersion") && fields.contains_key("metadata"), "{k}");
        }
    }

    #[test]
    fn finds_unknown_fields_with_kube_paths() {
        let tree = builtin();
        let root = tree.root("apps", "v1", "Deployment").unwrap();
        let obj = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": {"a": "b"}, "annotations": {"k": "v"}, "bogus": 1},
            "spec": {"selector": {"matchLabels": {"app": "x"}},
                "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                "template": {"metadata": {"labels": {"app": "x"}},
                "spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolicyy": "Always",
                    "resources": {"limits": {"cpu": "1"}}, "ports": [{"containerPort": 80}]}]}}},
            "status": {"replicas": 1}});
        assert_eq!(
            tree.unknown_fields(root, &obj),
            vec!["metadata.bogus", "spec.template.spec.containers[0].imagePullPolicyy"]
        );
    }

    #[test]
    fn prunes_unknown_fields_at_every_depth_in_key_order() {
        let tree = builtin();
        let root = tree.root("apps", "v1", "Deployment").unwrap();
        let mut obj = serde_json::json!({"zz": 1, "apiVersion": "apps/v1", "aa": {"x": 1},
            "metadata": {"name": "x", "labels": {"bogus": "kept"}, "bogus": 1},
            "spec": {"template": {"spec": {"containers": [
                {"name": "a", "b1": 1, "env": [{"name": "A", "valueFrom": {"x": 1}}]},
                {"name": "b", "a1": 2, "ports": [{"containerPort": 1, "p": 1}]}]}}}});
        let want = vec![
            "aa",
            "metadata.bogus",
            "spec.template.spec.containers[0].b1",
            "spec.template.spec.containers[0].env[0].valueFrom.x",
            "spec.template.spec.containers[1].a1",
            "spec.template.spec.containers[1].ports[0].p",
            "zz",
        ];
        assert_eq!(tree.unknown_fields(root, &obj), want);
        assert_eq!(tree.prune_unknown(root, &mut obj), want);
        assert_eq!(
            obj,
            serde_json::json!({"apiVersion": "apps/v1",
                "metadata": {"name": "x", "labels": {"bogus": "kept"}},
                "spec": {"template": {"spec": {"containers": [
                    {"name": "a", "env": [{"name": "A", "valueFrom": {}}]},
                    {"name": "b", "ports": [{"containerPort": 1}]}]}}}})
        );
        assert!(tree.unknown_fields(root, &obj).is_empty());
    }

    #[test]
    fn free_form_values_are_not_checked() {
        let tree = builtin();
        let crd = tree.root("apiextensions.k8s.io", "v1", "CustomResourceDefinition").unwrap();
        let obj = serde_json::json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
            "type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "default": {"anything": {"goes": 1}}}}}}}]}});
        assert!(tree.unknown_fields(crd, &obj).is_empty());
        let cm = tree.root("", "v1", "ConfigMap").unwrap();
        let obj = serde_json::json!({"data": {"any-key": "v"}, "binaryData": {"k": "AA=="}});
        assert!(tree.unknown_fields(cm, &obj).is_empty());
        let mut cm_status = serde_json::json!({"status": {}, "data": {"k": "v"}});
        assert_eq!(tree.unknown_fields(cm, &cm_status), vec!["status"]);
        assert_eq!(tree.prune_unknown(cm, &mut cm_status), vec!["status"]);
        assert_eq!(cm_status, serde_json::json!({"data": {"k": "v"}}));
    }
}
