//! The memory backend: objects in ordered tables per (resource, namespace), a bounded history
//! of recent events for watch resumption, and a fan-out to live watchers.
//!
//! Memory is dominated by the objects themselves, so each version of an object is stored once,
//! as one allocation holding its name followed by its compact JSON ([`Version`]). The table,
//! the event history and every response body handed out share that allocation; resource and
//! namespace strings are kept once per table, not per object, and no decoded `Value` is kept.

use super::{Event, EventType, Key, Scope, Store, StoreError, Stored};
use bytes::Bytes;
use serde_json::Value;
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How many recent events a memory store keeps for watches that resume from an older version.
pub const DEFAULT_HISTORY: usize = 10_000;

/// Scratch buffers larger than this are released after a write instead of being kept.
const SCRATCH_KEEP: usize = 1 << 20;

/// An in-memory [`Store`].
#[derive(Debug)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

/// One version of one object: its resourceVersion and `name ++ json` in one shared string.
/// Ordered and compared by name only, so a table is a set of versions looked up by name.
#[derive(Debug, Clone)]
struct Version {
    rv: u64,
    name_len: usize,
    data: Arc<str>,
}

impl Version {
    fn name(&self) -> &str {
        self.data.get(..self.name_len).unwrap_or_default()
    }

    fn json(&self) -> &[u8] {
        self.data.as_bytes().get(self.name_len..).unwrap_or_default()
    }

    /// The stored object; its `json` shares this version's allocation.
    fn stored(&self) -> Stored {
        Stored { rv: self.rv, json: Bytes::from_owner(JsonOf(self.clone())) }
    }
}

/// The JSON part of a version, as the owner of a `Bytes`.
struct JsonOf(Version);

impl AsRef<[u8]> for JsonOf {
    fn as_ref(&self) -> &[u8] {
        self.0.json()
    }
}

impl Borrow<str> for Version {
    fn borrow(&self) -> &str {
        self.name()
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.name().cmp(other.name())
    }
}

/// Where a table's objects live; shared by the table and its events in the history.
#[derive(Debug)]
struct Place {
    resource: Box<str>,
    namespace: Box<str>,
}

impl Place {
    fn in_scope(&self, scope: &Scope) -> bool {
        *self.resource == *scope.resource
            && scope.namespace.as_deref().is_none_or(|ns| ns == &*self.namespace)
    }

    fn key(&self, name: &str) -> Key {
        Key::new(&self.resource, &self.namespace, name)
    }
}

/// The objects of one resource in one namespace (or cluster-wide), by name.
#[derive(Debug)]
struct Table {
    place: Arc<Place>,
    objects: BTreeSet<Version>,
}

/// One retained event.
#[derive(Debug)]
struct Change {
    kind: EventType,
    place: Arc<Place>,
    version: Version,
}

impl Change {
    fn event(&self) -> Event {
        Event {
            kind: self.kind,
            key: self.place.key(self.version.name()),
            object: self.version.stored(),
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// resource → namespace ("" for cluster-scoped) → table.
    tables: BTreeMap<Box<str>, BTreeMap<Box<str>, Table>>,
    rv: u64,
    history: VecDeque<Change>,
    history_limit: usize,
    /// The newest resourceVersion whose event has been dropped from `history`.
    compacted: u64,
    watchers: Vec<(Scope, UnboundedSender<Event>)>,
    /// Reused encoding buffer, so stored versions are allocated at their exact size.
    scratch: Vec<u8>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::with_history(DEFAULT_HISTORY)
    }
}

impl MemoryStore {
    /// An empty store that keeps `limit` recent events for watch resumption.
    pub fn with_history(limit: usize) -> MemoryStore {
        let inner = Inner { history_limit: limit.max(1), ..Inner::default() };
        MemoryStore { inner: Mutex::new(inner) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    fn table(&self, key: &Key) -> Option<&Table> {
        self.tables.get(key.resource.as_str())?.get(key.namespace.as_str())
    }

    fn current(&self, key: &Key) -> Option<&Version> {
        self.table(key)?.objects.get(key.name.as_str())
    }

    fn check(&self, key: &Key, precondition: Option<u64>) -> Result<&Version, StoreError> {
        let current = self.current(key).ok_or(StoreError::NotFound)?;
        match precondition {
            Some(rv) if rv != current.rv => Err(StoreError::Conflict),
            _ => Ok(current),
        }
    }

    /// Encodes `obj` with `metadata.resourceVersion` set to `rv` into the scratch buffer,
    /// after `name`.
    fn encode_scratch(&mut self, name: &str, obj: &mut Value, rv: u64) {
        crate::object::meta::set_metadata_str(obj, "resourceVersion", &rv.to_string());
        self.scratch.clear();
        self.scratch.extend_from_slice(name.as_bytes());
        // Writing a `Value` to a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut self.scratch, obj);
    }

    /// The scratch buffer as a version at `rv`.
    fn scratch_version(&mut self, name_len: usize, rv: u64) -> Version {
        let data: Arc<str> = match std::str::from_utf8(&self.scratch) {
            Ok(s) => Arc::from(s),
            Err(_) => Arc::from(String::from_utf8_lossy(&self.scratch).as_ref()),
        };
        if self.scratch.capacity() > SCRATCH_KEEP {
            self.scratch = Vec::new();
        }
        Version { rv, name_len, data }
    }

    /// Stores `version` under `key`, creating the table when missing; returns the table's
    /// place.
    fn put(&mut self, key: &Key, version: Version) -> Arc<Place> {
        // Looked up before `entry`, which would copy the names for every write.
        if let Some(table) = self
            .tables
            .get_mut(key.resource.as_str())
            .and_then(|by_ns| by_ns.get_mut(key.namespace.as_str()))
        {
            table.objects.replace(version);
            return table.place.clone();
        }
        let by_ns = self.tables.entry(key.resource.as_str().into()).or_default();
        let table = by_ns.entry(key.namespace.as_str().into()).or_insert_with(|| Table {
            place: Arc::new(Place {
                resource: key.resource.as_str().into(),
                namespace: key.namespace.as_str().into(),
            }),
            objects: BTreeSet::new(),
        });
        table.objects.replace(version);
        table.place.clone()
    }

    fn publish(&mut self, kind: EventType, place: Arc<Place>, version: Version) {
        let change = Change { kind, place, version };
        if !self.watchers.is_empty() {
            let mut event: Option<Event> = None;
            self.watchers.retain(|(scope, tx)| {
                if !change.place.in_scope(scope) {
                    return true;
                }
                tx.send(event.get_or_insert_with(|| change.event()).clone()).is_ok()
            });
        }
        self.history.push_back(change);
        while self.history.len() > self.history_limit {
            if let Some(old) = self.history.pop_front() {
                self.compacted = old.version.rv;
            }
        }
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        Ok(self.lock().current(key).map(Version::stored))
    }

    fn list(&self, scope: &Scope) -> Result<(Vec<Stored>, u64), StoreError> {
        let inner = self.lock();
        let items = match inner.tables.get(scope.resource.as_str()) {
            None => Vec::new(),
            Some(by_ns) => match &scope.namespace {
                Some(ns) => by_ns
                    .get(ns.as_str())
                    .map(|t| t.objects.iter().map(Version::stored).collect())
                    .unwrap_or_default(),
                None => {
                    by_ns.values().flat_map(|t| t.objects.iter()).map(Version::stored).collect()
                }
            },
        };
        Ok((items, inner.rv))
    }

    fn create(&self, key: &Key, mut obj: Value) -> Result<Stored, StoreError> {
        let mut inner = self.lock();
        if inner.current(key).is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let rv = inner.next_rv();
        inner.encode_scratch(&key.name, &mut obj, rv);
        let version = inner.scratch_version(key.name.len(), rv);
        let place = inner.put(key, version.clone());
        let stored = version.stored();
        inner.publish(EventType::Added, place, version);
        Ok(stored)
    }

    fn update(
        &self,
        key: &Key,
        mut obj: Value,
        precondition: Option<u64>,
    ) -> Result<Stored, StoreError> {
        let mut inner = self.lock();
        let current = inner.check(key, precondition)?.clone();
        // A write equal to the stored object apart from its resourceVersion is a no-op: the
        // encoding is canonical (sorted keys), so comparing bytes compares values.
        inner.encode_scratch(&key.name, &mut obj, current.rv);
        if inner.scratch.get(key.name.len()..) == Some(current.json()) {
            return Ok(current.stored());
        }
        let rv = inner.next_rv();
        inner.encode_scratch(&key.name, &mut obj, rv);
        let version = inner.scratch_version(key.name.len(), rv);
        let place = inner.put(key, version.clone());
        let stored = version.stored();
        inner.publish(EventType::Modified, place, version);
        Ok(stored)
    }

    fn delete(&self, key: &Key, precondition: Option<u64>) -> Result<Stored, StoreError> {
        let mut inner = self.lock();
        let current = inner.check(key, precondition)?.clone();
        let mut last: Value = serde_json::from_slice(current.json())
            .map_err(|e| StoreError::Backend(format!("stored object is not JSON: {e}")))?;
        let rv = inner.next_rv();
        inner.encode_scratch(&key.name, &mut last, rv);
        let version = inner.scratch_version(key.name.len(), rv);
        let Some(by_ns) = inner.tables.get_mut(key.resource.as_str()) else {
            return Err(StoreError::NotFound);
        };
        let Some(table) = by_ns.get_mut(key.namespace.as_str()) else {
            return Err(StoreError::NotFound);
        };
        table.objects.remove(key.name.as_str());
        let place = table.place.clone();
        if table.objects.is_empty() {
            by_ns.remove(key.namespace.as_str());
            if by_ns.is_empty() {
                inner.tables.remove(key.resource.as_str());
            }
        }
        let stored = version.stored();
        inner.publish(EventType::Deleted, place, version);
        Ok(stored)
    }

    fn watch(&self, scope: &Scope, since: u64) -> Result<UnboundedReceiver<Event>, StoreError> {
        let mut inner = self.lock();
        if since > 0 && since < inner.compacted {
            return Err(StoreError::Gone { requested: since, oldest: inner.compacted + 1 });
        }
        let (tx, rx) = unbounded_channel();
        if since > 0 {
            // The history is in resourceVersion order.
            let start = inner.history.partition_point(|c| c.version.rv <= since);
            for change in inner.history.range(start..) {
                if change.place.in_scope(scope) {
                    let _ = tx.send(change.event());
                }
            }
        }
        inner.watchers.push((scope.clone(), tx));
        Ok(rx)
    }

    fn current_rv(&self) -> Result<u64, StoreError> {
        Ok(self.lock().rv)
    }

    fn changes_since(
        &self,
        scope: &Scope,
        since: u64,
    ) -> Result<Option<(Vec<Event>, u64)>, StoreError> {
        let inner = self.lock();
        if since < inner.compacted {
            return Ok(None);
        }
        let start = inner.history.partition_point(|c| c.version.rv <= since);
        let events = inner
            .history
            .range(start..)
            .filter(|c| c.place.in_scope(scope))
            .map(Change::event)
            .collect();
        Ok(Some((events, inner.rv)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm(name: &str, v: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}, "data": {"k": v}})
    }

    fn scope() -> Scope {
        Scope { resource: "configmaps".into(), namespace: Some("default".into()) }
    }

    #[test]
    fn versions_increase_and_noop_updates_keep_them() {
        let s = MemoryStore::default();
        let k = Key::new("configmaps", "default", "a");
        let a = s.create(&k, cm("a", "1")).unwrap();
        assert_eq!(a.rv, 1);
        assert!(matches!(s.create(&k, cm("a", "1")), Err(StoreError::AlreadyExists)));
        let same = s.update(&k, cm("a", "1"), Some(1)).unwrap();
        assert_eq!(same.rv, 1);
        let b = s.update(&k, cm("a", "2"), Some(1)).unwrap();
        assert_eq!(b.rv, 2);
        assert_eq!(b.value()["metadata"]["resourceVersion"], "2");
        assert!(matches!(s.update(&k, cm("a", "3"), Some(1)), Err(StoreError::Conflict)));
        let d = s.delete(&k, None).unwrap();
        assert_eq!(d.rv, 3);
        assert!(s.get(&k).unwrap().is_none());
    }

    #[test]
    fn lists_by_namespace_in_name_order() {
        let s = MemoryStore::default();
        for n in ["b", "a"] {
            s.create(&Key::new("configmaps", "default", n), cm(n, "1")).unwrap();
        }
        s.create(&Key::new("configmaps", "other", "c"), cm("c", "1")).unwrap();
        let (items, rv) = s.list(&scope()).unwrap();
        let names: Vec<String> = items
            .iter()
            .map(|i| i.value()["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(rv, 3);
        let all = Scope { resource: "configmaps".into(), namespace: None };
        assert_eq!(s.list(&all).unwrap().0.len(), 3);
    }

    #[test]
    fn watch_resumes_from_history_and_expires() {
        let s = MemoryStore::with_history(2);
        for n in ["a", "b", "c"] {
            s.create(&Key::new("configmaps", "default", n), cm(n, "1")).unwrap();
        }
        let mut rx = s.watch(&scope(), 1).unwrap();
        assert_eq!(rx.try_recv().unwrap().object.rv, 2);
        assert_eq!(rx.try_recv().unwrap().object.rv, 3);
        assert!(rx.try_recv().is_err());
        s.create(&Key::new("configmaps", "default", "d"), cm("d", "1")).unwrap();
        assert_eq!(rx.try_recv().unwrap().kind, EventType::Added);
        assert!(matches!(s.watch(&scope(), 1), Err(StoreError::Gone { .. })));
    }

    #[test]
    fn versions_share_one_allocation_and_tables_go_away_when_empty() {
        let s = MemoryStore::default();
        let k = Key::new("configmaps", "gone", "a");
        let created = s.create(&k, cm("a", "1")).unwrap();
        let read = s.get(&k).unwrap().unwrap();
        assert_eq!(created.json.as_ptr(), read.json.as_ptr(), "one copy of the JSON");
        assert_eq!(read.value()["metadata"]["name"], "a");
        s.delete(&k, None).unwrap();
        assert!(s.lock().tables.is_empty());
        // The deletion stays in the history for watchers resuming before it.
        let mut rx = s.watch(&Scope { resource: "configmaps".into(), namespace: None }, 1).unwrap();
        let e = rx.try_recv().unwrap();
        assert_eq!((e.kind, e.key.name.as_str(), e.object.rv), (EventType::Deleted, "a", 2));
    }
}
