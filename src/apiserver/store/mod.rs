//! The versioned object store behind the apiserver: one trait, a memory backend (the default
//! for `kctl serve`) and a durable backend. Every write gets the next cluster-wide
//! `resourceVersion`; watches replay from a recent `resourceVersion` and then follow live
//! changes. In-process watches are also the seam the controllers use.

pub mod memory;
pub mod sqlite;
#[cfg(test)]
mod tests;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;

/// Where an object lives: its resource (`configmaps`, `deployments.apps`), namespace (empty for
/// cluster-scoped objects) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// The group-qualified resource: `configmaps`, `deployments.apps`.
    pub resource: String,
    /// The namespace; empty for cluster-scoped objects.
    pub namespace: String,
    /// The object's name.
    pub name: String,
}

impl Key {
    /// Builds a key.
    pub fn new(resource: &str, namespace: &str, name: &str) -> Key {
        Key { resource: resource.into(), namespace: namespace.into(), name: name.into() }
    }
}

/// A stored object: its resourceVersion and its JSON encoding (with `metadata.resourceVersion`
/// already set), so reads need no re-encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The resourceVersion of the write that produced this object.
    pub rv: u64,
    /// The object, JSON-encoded.
    pub json: Bytes,
}

impl Stored {
    /// Decodes the object.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.json).unwrap_or(Value::Null)
    }
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// Created.
    Added,
    /// Updated.
    Modified,
    /// Deleted.
    Deleted,
}

impl EventType {
    /// The watch event type as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as delivered to watchers.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventType,
    /// Which object.
    pub key: Key,
    /// The object after the change (for deletions: the last state, with the deletion's rv).
    pub object: Stored,
}

/// Store failures. Handlers turn these into `Status` errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist.
    #[error("not found")]
    NotFound,
    /// An object with this key exists already.
    #[error("already exists")]
    AlreadyExists,
    /// A resourceVersion precondition failed.
    #[error(
        "the object has been modified; please apply your changes to the latest version and try again"
    )]
    Conflict,
    /// The requested resourceVersion is older than the retained history.
    #[error("too old resource version: {requested} ({oldest})")]
    Gone {
        /// The requested version.
        requested: u64,
        /// The oldest version still retained.
        oldest: u64,
    },
    /// The backend failed (I/O, database).
    #[error("storage error: {0}")]
    Backend(String),
}

/// Which objects a list or watch covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The group-qualified resource.
    pub resource: String,
    /// Only this namespace, or all namespaces when `None`.
    pub namespace: Option<String>,
}

impl Scope {
    /// True when `key` is within this scope.
    pub fn contains(&self, key: &Key) -> bool {
        key.resource == self.resource
            && self.namespace.as_ref().is_none_or(|ns| *ns == key.namespace)
    }
}

/// A versioned object store.
///
/// Writes take the object as a value, set `metadata.resourceVersion` to the new version and
/// store its JSON encoding. An update whose result equals the stored object (apart from
/// `resourceVersion`) changes nothing and keeps the old version, as kube-apiserver does.
pub trait Store: Send + Sync + 'static {
    /// Reads one object.
    fn get(&self, key: &Key) -> Result<Option<Stored>, StoreError>;
    /// Lists the objects in scope, ordered by namespace then name, with the store's current
    /// resourceVersion at the time of the read.
    fn list(&self, scope: &Scope) -> Result<(Vec<Stored>, u64), StoreError>;
    /// Creates an object; fails with `AlreadyExists` when the key is taken.
    fn create(&self, key: &Key, obj: Value) -> Result<Stored, StoreError>;
    /// Replaces an object; with `precondition`, fails with `Conflict` unless the stored
    /// resourceVersion equals it.
    fn update(
        &self,
        key: &Key,
        obj: Value,
        precondition: Option<u64>,
    ) -> Result<Stored, StoreError>;
    /// Deletes an object and returns its last state; with `precondition`, fails with
    /// `Conflict` unless the stored resourceVersion equals it.
    fn delete(&self, key: &Key, precondition: Option<u64>) -> Result<Stored, StoreError>;
    /// Streams the changes in scope after resourceVersion `since` (0: from now on); fails
    /// with `Gone` when `since` is older than the retained history.
    fn watch(&self, scope: &Scope, since: u64) -> Result<UnboundedReceiver<Event>, StoreError>;
    /// The newest resourceVersion.
    fn current_rv(&self) -> Result<u64, StoreError>;
    /// The retained changes in scope after resourceVersion `since`, read synchronously, with
    /// the resourceVersion they bring a reader up to. `None` when the backend cannot answer
    /// that way or `since` is older than its retained history: the caller re-lists instead.
    fn changes_since(
        &self,
        _scope: &Scope,
        _since: u64,
    ) -> Result<Option<(Vec<Event>, u64)>, StoreError> {
        Ok(None)
    }
}

/// Sets `metadata.resourceVersion` on `obj` and encodes it.
pub fn encode_with_rv(mut obj: Value, rv: u64) -> Stored {
    crate::object::meta::set_metadata_str(&mut obj, "resourceVersion", &rv.to_string());
    let json = Bytes::from(serde_json::to_vec(&obj).unwrap_or_default());
    Stored { rv, json }
}

/// True when `new` equals `old` apart from `metadata.resourceVersion` (a no-op write).
pub fn same_apart_from_rv(old: &Stored, new: &Value) -> bool {
    let mut old = old.value();
    let mut new = new.clone();
    for v in [&mut old, &mut new] {
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
    }
    old == new
}
