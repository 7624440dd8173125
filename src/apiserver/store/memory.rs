//! The memory backend: objects in an ordered map, a bounded history of recent events for
//! watch resumption, and a fan-out to live watchers.

use super::{Event, EventType, Key, Scope, Store, StoreError, Stored, encode_with_rv};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How many recent events a memory store keeps for watches that resume from an older version.
pub const DEFAULT_HISTORY: usize = 10_000;

/// An in-memory [`Store`].
#[derive(Debug)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    objects: BTreeMap<Key, Stored>,
    rv: u64,
    history: VecDeque<Event>,
    history_limit: usize,
    /// The newest resourceVersion whose event has been dropped from `history`.
    compacted: u64,
    watchers: Vec<(Scope, UnboundedSender<Event>)>,
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

    fn publish(&mut self, kind: EventType, key: &Key, object: &Stored) {
        let event = Event { kind, key: key.clone(), object: object.clone() };
        self.watchers.retain(|(scope, tx)| !scope.contains(key) || tx.send(event.clone()).is_ok());
        self.history.push_back(event);
        while self.history.len() > self.history_limit {
            if let Some(old) = self.history.pop_front() {
                self.compacted = old.object.rv;
            }
        }
    }

    fn check(&self, key: &Key, precondition: Option<u64>) -> Result<&Stored, StoreError> {
        let current = self.objects.get(key).ok_or(StoreError::NotFound)?;
        match precondition {
            Some(rv) if rv != current.rv => Err(StoreError::Conflict),
            _ => Ok(current),
        }
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        Ok(self.lock().objects.get(key).cloned())
    }

    fn list(&self, scope: &Scope) -> Result<(Vec<Stored>, u64), StoreError> {
        let inner = self.lock();
        let start = Key::new(&scope.resource, scope.namespace.as_deref().unwrap_or(""), "");
        let items = inner
            .objects
            .range(start..)
            .take_while(|(k, _)| {
                k.resource == scope.resource
                    && scope.namespace.as_ref().is_none_or(|ns| *ns == k.namespace)
            })
            .map(|(_, v)| v.clone())
            .collect();
        Ok((items, inner.rv))
    }

    fn create(&self, key: &Key, obj: Value) -> Result<Stored, StoreError> {
        let mut inner = self.lock();
        if inner.objects.contains_key(key) {
            return Err(StoreError::AlreadyExists);
        }
        let stored = encode_with_rv(obj, inner.next_rv());
        inner.objects.insert(key.clone(), stored.clone());
        inner.publish(EventType::Added, key, &stored);
        Ok(stored)
    }

    fn update(
        &self,
        key: &Key,
        obj: Value,
        precondition: Option<u64>,
    ) -> Result<Stored, StoreError> {
        let mut inner = self.lock();
        let current = inner.check(key, precondition)?;
        if super::same_apart_from_rv(current, &obj) {
            return Ok(current.clone());
        }
        let stored = encode_with_rv(obj, inner.next_rv());
        inner.objects.insert(key.clone(), stored.clone());
        inner.publish(EventType::Modified, key, &stored);
        Ok(stored)
    }

    fn delete(&self, key: &Key, precondition: Option<u64>) -> Result<Stored, StoreError> {
        let mut inner = self.lock();
        inner.check(key, precondition)?;
        let old = inner.objects.remove(key).ok_or(StoreError::NotFound)?;
        let rv = inner.next_rv();
        let last = encode_with_rv(old.value(), rv);
        inner.publish(EventType::Deleted, key, &last);
        Ok(last)
    }

    fn watch(&self, scope: &Scope, since: u64) -> Result<UnboundedReceiver<Event>, StoreError> {
        let mut inner = self.lock();
        if since > 0 && since < inner.compacted {
            return Err(StoreError::Gone { requested: since, oldest: inner.compacted + 1 });
        }
        let (tx, rx) = unbounded_channel();
        if since > 0 {
            for event in inner.history.iter().filter(|e| e.object.rv > since) {
                if scope.contains(&event.key) {
                    let _ = tx.send(event.clone());
                }
            }
        }
        inner.watchers.push((scope.clone(), tx));
        Ok(rx)
    }

    fn current_rv(&self) -> Result<u64, StoreError> {
        Ok(self.lock().rv)
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
}
