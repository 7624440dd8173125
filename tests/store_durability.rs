//! Durability and multi-process tests of the SQLite store: acknowledged writes survive a
//! `kill -9`, two processes incrementing one counter lose no update, and a watcher sees the
//! writes of another process.
//!
//! The other processes are this test binary itself, re-invoked with `KCTL_STORE_CHILD`
//! selecting what the `child` test does; without it, `child` does nothing.

use kctl::apiserver::store::sqlite::SqliteStore;
use kctl::apiserver::store::{EventType, Key, Scope, Store, StoreError};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MODE: &str = "KCTL_STORE_CHILD";
const DIR: &str = "KCTL_STORE_CHILD_DIR";
const COUNT: &str = "KCTL_STORE_CHILD_COUNT";
const PREFIX: &str = "KCTL_STORE_CHILD_PREFIX";

fn cm(name: &str, i: u64) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": "default"},
           "data": {"i": i.to_string(), "payload": "x".repeat(200)}})
}

fn scope() -> Scope {
    Scope { resource: "configmaps".into(), namespace: Some("default".into()) }
}

fn spawn_child(mode: &str, dir: &Path, count: u64, prefix: &str) -> Child {
    let exe = std::env::current_exe().expect("test binary path");
    Command::new(exe)
        .args(["--exact", "child", "--nocapture", "--test-threads=1", "--quiet"])
        .env(MODE, mode)
        .env(DIR, dir)
        .env(COUNT, count.to_string())
        .env(PREFIX, prefix)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child")
}

/// The child side: `writer` creates COUNT objects and acknowledges each on stdout after the
/// store returned; `counter` increments the shared counter COUNT times with optimistic
/// concurrency.
#[test]
fn child() {
    let Ok(mode) = std::env::var(MODE) else { return };
    let dir = std::env::var(DIR).expect("dir");
    let count: u64 = std::env::var(COUNT).expect("count").parse().expect("count");
    let prefix = std::env::var(PREFIX).unwrap_or_default();
    let store = SqliteStore::open(Path::new(&dir)).expect("open");
    let mut out = std::io::stdout().lock();
    match mode.as_str() {
        "writer" => {
            for i in 0..count {
                let name = format!("{prefix}{i}");
                let stored = store
                    .create(&Key::new("configmaps", "default", &name), cm(&name, i))
                    .expect("create");
                writeln!(out, "ACK {name} {}", stored.rv).expect("ack");
                out.flush().expect("flush");
            }
        }
        "counter" => {
            let key = Key::new("configmaps", "default", "counter");
            for _ in 0..count {
                loop {
                    let cur = store.get(&key).expect("get").expect("counter exists");
                    let mut v = cur.value();
                    let n = v["data"]["n"].as_u64().expect("n");
                    v["data"]["n"] = json!(n + 1);
                    match store.update(&key, v, Some(cur.rv)) {
                        Ok(_) => break,
                        Err(StoreError::Conflict) => continue,
                        Err(e) => panic!("update: {e}"),
                    }
                }
            }
            writeln!(out, "DONE").expect("done");
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let mut child = spawn_child("writer", &data, 1_000_000, "obj-");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut acked: Vec<(String, u64)> = Vec::new();
    let parse = |line: &str| -> Option<(String, u64)> {
        let mut parts = line.strip_prefix("ACK ")?.split(' ');
        Some((parts.next()?.to_string(), parts.next()?.parse().ok()?))
    };
    let mut started = None;
    for line in lines.by_ref() {
        let line = line.expect("read ack");
        if let Some(ack) = parse(&line) {
            started.get_or_insert_with(Instant::now);
            acked.push(ack);
            if acked.len() >= 300 {
                break;
            }
        }
    }
    let elapsed = started.map(|s| s.elapsed()).unwrap_or_default();
    child.kill().expect("kill -9");
    // Acknowledgements already in the pipe count too.
    for line in lines {
        let Ok(line) = line else { break };
        if let Some(ack) = parse(&line) {
            acked.push(ack);
        }
    }
    let _ = child.wait();
    assert!(acked.len() >= 300, "child acknowledged only {} writes", acked.len());
    report(&format!(
        "durable creates (synchronous=FULL, separate process): {:.0}/s",
        299.0 / elapsed.as_secs_f64().max(1e-9)
    ));

    let store = SqliteStore::open(&data).expect("reopen");
    store.check_integrity().expect("integrity after kill -9");
    for (name, rv) in &acked {
        let got = store.get(&Key::new("configmaps", "default", name)).expect("get");
        let got = got.unwrap_or_else(|| panic!("acknowledged write {name} lost"));
        assert_eq!(got.rv, *rv, "{name}");
        assert_eq!(got.value()["metadata"]["name"], name.as_str());
    }
    let (items, rv) = store.list(&scope()).expect("list");
    assert!(items.len() >= acked.len());
    assert_eq!(rv, items.len() as u64, "one version per create, no gaps");
    // The store keeps working after the crash.
    let next = store.create(&Key::new("configmaps", "default", "after"), cm("after", 0));
    assert_eq!(next.expect("write after crash").rv, rv + 1);
}

#[test]
fn two_processes_increment_one_counter_without_lost_updates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    {
        let store = SqliteStore::open(&data).expect("open");
        let obj = json!({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "counter", "namespace": "default"},
                         "data": {"n": 0}});
        store.create(&Key::new("configmaps", "default", "counter"), obj).expect("create");
    }
    let per = 150;
    let started = Instant::now();
    let children: Vec<Child> = (0..2).map(|_| spawn_child("counter", &data, per, "")).collect();
    for mut child in children {
        let status = child.wait().expect("wait");
        assert!(status.success(), "counter child failed: {status}");
    }
    let elapsed = started.elapsed();
    let store = SqliteStore::open(&data).expect("reopen");
    let counter = store.get(&Key::new("configmaps", "default", "counter")).expect("get");
    let counter = counter.expect("counter");
    assert_eq!(counter.value()["data"]["n"], json!(2 * per));
    assert_eq!(counter.rv, 2 * per + 1);
    assert_eq!(store.current_rv().expect("rv"), 2 * per + 1);
    store.check_integrity().expect("integrity");
    report(&format!(
        "two processes, get+update with precondition: {:.0} increments/s",
        (2 * per) as f64 / elapsed.as_secs_f64()
    ));
}

#[test]
fn a_watch_sees_writes_of_another_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let store = SqliteStore::open(&data).expect("open");
    store.create(&Key::new("configmaps", "default", "local-0"), cm("local-0", 0)).expect("create");
    let mut rx = store.watch(&scope(), 0).expect("watch");
    let count = 50;
    let mut child = spawn_child("writer", &data, count, "remote-");
    // Local writes interleave with the other process's.
    for i in 1..=5 {
        let name = format!("local-{i}");
        store.create(&Key::new("configmaps", "default", &name), cm(&name, i)).expect("create");
    }
    assert!(child.wait().expect("wait").success());
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < (count + 5) as usize && Instant::now() < deadline {
        match rx.try_recv() {
            Ok(event) => {
                assert_eq!(event.kind, EventType::Added);
                seen.push(event);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    assert_eq!(seen.len(), (count + 5) as usize, "missing events");
    let rvs: Vec<u64> = seen.iter().map(|e| e.object.rv).collect();
    let expected: Vec<u64> = (2..=count + 6).collect();
    assert_eq!(rvs, expected, "every version once, in order");
    std::thread::sleep(Duration::from_millis(200));
    assert!(rx.try_recv().is_err(), "no duplicates");
    // A second watch resumes from the middle of the other process's writes.
    let mut resumed = store.watch(&scope(), 30).expect("resume");
    let mut replayed = 0;
    while let Ok(event) = resumed.try_recv() {
        assert!(event.object.rv > 30);
        replayed += 1;
    }
    assert_eq!(replayed, count + 6 - 30);
}

#[test]
fn several_processes_open_a_fresh_directory_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("fresh");
    let per = 40;
    let children: Vec<Child> =
        (0..4).map(|c| spawn_child("writer", &data, per, &format!("p{c}-"))).collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success(), "a writer failed");
    }
    let store = SqliteStore::open(&data).expect("open");
    store.check_integrity().expect("integrity");
    let (items, rv) = store.list(&scope()).expect("list");
    assert_eq!(items.len() as u64, 4 * per);
    assert_eq!(rv, 4 * per);
    let mut rvs: Vec<u64> = items.iter().map(|i| i.rv).collect();
    rvs.sort_unstable();
    assert_eq!(rvs, (1..=4 * per).collect::<Vec<_>>(), "every version used exactly once");
}

#[test]
fn in_process_throughput() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).expect("open");
    let n = 1000u64;
    let keys: Vec<Key> =
        (0..n).map(|i| Key::new("configmaps", "default", &format!("cm-{i:05}"))).collect();
    let t = Instant::now();
    for (i, k) in keys.iter().enumerate() {
        store.create(k, cm(&k.name, i as u64)).expect("create");
    }
    let creates = n as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    for k in keys.iter().cycle().take(20_000) {
        assert!(store.get(k).expect("get").is_some());
    }
    let gets = 20_000.0 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    for _ in 0..20 {
        assert_eq!(store.list(&scope()).expect("list").0.len() as u64, n);
    }
    let lists = 20.0 / t.elapsed().as_secs_f64();
    report(&format!(
        "in-process (debug build): {creates:.0} creates/s, {gets:.0} gets/s, \
         {lists:.0} lists of {n}/s"
    ));
}
