//! Semantic tests every [`Store`] backend must pass: each test is generic over the store and
//! runs against the memory backend and the SQLite backend alike.

use super::memory::MemoryStore;
use super::sqlite::SqliteStore;
use super::{EventType, Key, Scope, Store, StoreError};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

fn cm(name: &str, v: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}, "data": {"k": v}})
}

fn key(ns: &str, name: &str) -> Key {
    Key::new("configmaps", ns, name)
}

fn scope() -> Scope {
    Scope { resource: "configmaps".into(), namespace: Some("default".into()) }
}

fn names(items: &[super::Stored]) -> Vec<String> {
    items.iter().map(|i| i.value()["metadata"]["name"].as_str().unwrap_or("").to_string()).collect()
}

/// Waits (briefly) for the next event: backends may deliver from another thread.
fn next(rx: &mut UnboundedReceiver<super::Event>) -> Option<super::Event> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if let Ok(e) = rx.try_recv() {
            return Some(e);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Nothing more arrives within a short while.
fn quiet(rx: &mut UnboundedReceiver<super::Event>) -> bool {
    std::thread::sleep(Duration::from_millis(150));
    rx.try_recv().is_err()
}

fn versions_increase_and_noop_updates_keep_them(s: impl Store) {
    let k = key("default", "a");
    let a = s.create(&k, cm("a", "1")).unwrap();
    assert_eq!(a.rv, 1);
    assert_eq!(s.current_rv().unwrap(), 1);
    assert!(matches!(s.create(&k, cm("a", "1")), Err(StoreError::AlreadyExists)));
    let same = s.update(&k, cm("a", "1"), Some(1)).unwrap();
    assert_eq!(same.rv, 1);
    assert_eq!(s.current_rv().unwrap(), 1);
    let b = s.update(&k, cm("a", "2"), Some(1)).unwrap();
    assert_eq!(b.rv, 2);
    assert_eq!(b.value()["metadata"]["resourceVersion"], "2");
    assert_eq!(s.get(&k).unwrap().unwrap(), b);
    assert!(matches!(s.update(&k, cm("a", "3"), Some(1)), Err(StoreError::Conflict)));
    assert!(matches!(s.delete(&k, Some(1)), Err(StoreError::Conflict)));
    let unconditional = s.update(&k, cm("a", "3"), None).unwrap();
    assert_eq!(unconditional.rv, 3);
    let d = s.delete(&k, Some(3)).unwrap();
    assert_eq!(d.rv, 4);
    assert_eq!(d.value()["metadata"]["resourceVersion"], "4");
    assert_eq!(d.value()["data"]["k"], "3");
    assert!(s.get(&k).unwrap().is_none());
    assert!(matches!(s.delete(&k, None), Err(StoreError::NotFound)));
    assert!(matches!(s.update(&k, cm("a", "1"), None), Err(StoreError::NotFound)));
    assert_eq!(s.current_rv().unwrap(), 4);
    // Versions keep increasing after a deletion; a re-created object gets a fresh one.
    assert_eq!(s.create(&k, cm("a", "1")).unwrap().rv, 5);
}

fn lists_by_namespace_in_name_order(s: impl Store) {
    for n in ["b", "a", "c"] {
        s.create(&key("default", n), cm(n, "1")).unwrap();
    }
    s.create(&key("other", "a0"), cm("a0", "1")).unwrap();
    s.create(&key("aaa", "z"), cm("z", "1")).unwrap();
    s.create(&Key::new("secrets", "default", "s"), cm("s", "1")).unwrap();
    let (items, rv) = s.list(&scope()).unwrap();
    assert_eq!(names(&items), ["a", "b", "c"]);
    assert_eq!(items.iter().map(|i| i.rv).collect::<Vec<_>>(), [2, 1, 3]);
    assert_eq!(rv, 6);
    let all = Scope { resource: "configmaps".into(), namespace: None };
    assert_eq!(names(&s.list(&all).unwrap().0), ["z", "a", "b", "c", "a0"]);
    let none = Scope { resource: "configmaps".into(), namespace: Some("missing".into()) };
    assert_eq!(s.list(&none).unwrap(), (Vec::new(), 6));
    let cluster = Scope { resource: "namespaces".into(), namespace: None };
    s.create(&Key::new("namespaces", "", "default"), json!({"metadata": {"name": "default"}}))
        .unwrap();
    assert_eq!(s.list(&cluster).unwrap().0.len(), 1);
}

fn watch_resumes_from_history_and_expires(s: impl Store) {
    for n in ["a", "b", "c"] {
        s.create(&key("default", n), cm(n, "1")).unwrap();
    }
    let mut rx = s.watch(&scope(), 1).unwrap();
    assert_eq!(next(&mut rx).unwrap().object.rv, 2);
    assert_eq!(next(&mut rx).unwrap().object.rv, 3);
    assert!(quiet(&mut rx));
    s.create(&key("default", "d"), cm("d", "1")).unwrap();
    let e = next(&mut rx).unwrap();
    assert_eq!((e.kind, e.object.rv), (EventType::Added, 4));
    assert!(quiet(&mut rx));
    match s.watch(&scope(), 1) {
        Err(StoreError::Gone { requested: 1, oldest }) => assert!(oldest > 1),
        other => panic!("expected Gone, got {other:?}"),
    }
    // The newest retained versions still resume.
    let mut rx = s.watch(&scope(), 3).unwrap();
    assert_eq!(next(&mut rx).unwrap().object.rv, 4);
}

fn watch_follows_changes_in_scope_only(s: impl Store) {
    let mut rx = s.watch(&scope(), 0).unwrap();
    let mut everything =
        s.watch(&Scope { resource: "configmaps".into(), namespace: None }, 0).unwrap();
    let k = key("default", "a");
    s.create(&k, cm("a", "1")).unwrap();
    s.create(&key("other", "x"), cm("x", "1")).unwrap();
    s.create(&Key::new("secrets", "default", "a"), cm("a", "1")).unwrap();
    s.update(&k, cm("a", "1"), None).unwrap();
    s.update(&k, cm("a", "2"), None).unwrap();
    s.delete(&k, None).unwrap();
    let got: Vec<_> = (0..3).filter_map(|_| next(&mut rx)).map(|e| (e.kind, e.object.rv)).collect();
    assert_eq!(got, [(EventType::Added, 1), (EventType::Modified, 4), (EventType::Deleted, 5)]);
    assert!(quiet(&mut rx));
    let all: Vec<_> = (0..4).filter_map(|_| next(&mut everything)).map(|e| e.object.rv).collect();
    assert_eq!(all, [1, 2, 4, 5]);
    assert!(quiet(&mut everything));
    // A dropped receiver does not disturb later writes.
    drop(rx);
    s.create(&k, cm("a", "3")).unwrap();
    assert_eq!(next(&mut everything).unwrap().object.rv, 6);
}

fn watch_from_current_version_replays_nothing(s: impl Store) {
    s.create(&key("default", "a"), cm("a", "1")).unwrap();
    let rv = s.current_rv().unwrap();
    let mut rx = s.watch(&scope(), rv).unwrap();
    assert!(quiet(&mut rx));
    s.create(&key("default", "b"), cm("b", "1")).unwrap();
    assert_eq!(next(&mut rx).unwrap().object.rv, rv + 1);
}

fn concurrent_writers_lose_no_update(s: impl Store) {
    let k = key("default", "counter");
    s.create(&k, json!({"metadata": {"name": "counter"}, "data": {"n": 0}})).unwrap();
    let threads = 4;
    let per = 25;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per {
                    loop {
                        let cur = s.get(&k).unwrap().unwrap();
                        let mut v = cur.value();
                        let n = v["data"]["n"].as_u64().unwrap();
                        v["data"]["n"] = json!(n + 1);
                        match s.update(&k, v, Some(cur.rv)) {
                            Ok(_) => break,
                            Err(StoreError::Conflict) => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            });
        }
    });
    let n = s.get(&k).unwrap().unwrap().value()["data"]["n"].as_u64().unwrap();
    assert_eq!(n, threads * per);
    assert_eq!(s.current_rv().unwrap(), threads * per + 1);
}

/// Instantiates every semantic test for one backend; `$make` takes the history limit.
macro_rules! conformance {
    ($module:ident, $make:expr) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn versions_increase_and_noop_updates_keep_them() {
                let (s, _guard) = $make(100);
                super::versions_increase_and_noop_updates_keep_them(s);
            }

            #[test]
            fn lists_by_namespace_in_name_order() {
                let (s, _guard) = $make(100);
                super::lists_by_namespace_in_name_order(s);
            }

            #[test]
            fn watch_resumes_from_history_and_expires() {
                let (s, _guard) = $make(2);
                super::watch_resumes_from_history_and_expires(s);
            }

            #[test]
            fn watch_follows_changes_in_scope_only() {
                let (s, _guard) = $make(100);
                super::watch_follows_changes_in_scope_only(s);
            }

            #[test]
            fn watch_from_current_version_replays_nothing() {
                let (s, _guard) = $make(100);
                super::watch_from_current_version_replays_nothing(s);
            }

            #[test]
            fn concurrent_writers_lose_no_update() {
                let (s, _guard) = $make(100);
                super::concurrent_writers_lose_no_update(s);
            }
        }
    };
}

fn memory(history: u64) -> (MemoryStore, ()) {
    (MemoryStore::with_history(history as usize), ())
}

fn sqlite(history: u64) -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_with_history(&dir.path().join("data"), history).unwrap();
    (store, dir)
}

conformance!(memory_backend, memory);
conformance!(sqlite_backend, sqlite);

#[test]
fn sqlite_state_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let s = SqliteStore::open(&data).unwrap();
        s.create(&key("default", "a"), cm("a", "1")).unwrap();
        s.create(&key("default", "b"), cm("b", "1")).unwrap();
        s.delete(&key("default", "b"), None).unwrap();
    }
    let s = SqliteStore::open(&data).unwrap();
    assert_eq!(s.current_rv().unwrap(), 3);
    assert_eq!(s.get(&key("default", "a")).unwrap().unwrap().rv, 1);
    let mut rx = s.watch(&scope(), 1).unwrap();
    assert_eq!(next(&mut rx).unwrap().kind, EventType::Added);
    assert_eq!(next(&mut rx).unwrap().kind, EventType::Deleted);
    assert_eq!(s.create(&key("default", "c"), cm("c", "1")).unwrap().rv, 4);
    s.check_integrity().unwrap();
}

#[cfg(unix)]
#[test]
fn sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let s = SqliteStore::open(&data).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(s.path()), 0o600);
}

#[test]
fn sqlite_two_handles_share_versions_and_watches() {
    let dir = tempfile::tempdir().unwrap();
    let a = SqliteStore::open(dir.path()).unwrap();
    let b = SqliteStore::open(dir.path()).unwrap();
    let mut rx = a.watch(&scope(), 0).unwrap();
    b.create(&key("default", "x"), cm("x", "1")).unwrap();
    a.create(&key("default", "y"), cm("y", "1")).unwrap();
    b.create(&key("default", "z"), cm("z", "1")).unwrap();
    let got: Vec<_> = (0..3).filter_map(|_| next(&mut rx)).map(|e| e.object.rv).collect();
    assert_eq!(got, [1, 2, 3]);
    assert!(quiet(&mut rx));
    assert_eq!(a.current_rv().unwrap(), 3);
    assert!(matches!(a.create(&key("default", "x"), cm("x", "1")), Err(StoreError::AlreadyExists)));
}
