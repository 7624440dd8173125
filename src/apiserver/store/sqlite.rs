//! The durable backend: a [`Store`] on an SQLite database in WAL mode, shared safely by
//! several processes at once.
//!
//! Layout of the database (`kctl.db` in the data directory):
//! - `meta(key, value)`: the schema version, the cluster-wide resourceVersion counter (`rv`)
//!   and the newest resourceVersion dropped from the event history (`compacted`);
//! - `objects(resource, namespace, name, rv, json)`: the current objects;
//! - `events(rv, type, resource, namespace, name, json)`: a bounded history of recent changes,
//!   used to resume watches and to notice writes made by other processes.
//!
//! Every write runs in one `BEGIN IMMEDIATE` transaction that allocates the next
//! resourceVersion, changes the object and records the event, so versions are strictly
//! increasing across processes and commit in version order. `synchronous=FULL` makes a
//! committed (acknowledged) write survive a killed process and a power loss; the busy timeout
//! makes concurrent processes wait for each other instead of failing.
//!
//! Watchers get local writes immediately after commit and writes of other processes through
//! a background thread that polls the event table while anyone watches. Each watcher remembers
//! the newest version it was sent, so no event is delivered twice.

use super::{Event, EventType, Key, Scope, Store, StoreError, Stored, encode_with_rv};
use bytes::Bytes;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How many recent events the database keeps for watches that resume from an older version.
pub const DEFAULT_HISTORY: u64 = 10_000;

/// The file name of the database inside the data directory.
pub const DB_FILE: &str = "kctl.db";

/// The schema version this code reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// How long a write or read waits for another process holding the database lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// How often the watch thread looks for changes made by other processes.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// How many idle read connections are kept for reuse.
const READ_POOL: usize = 4;

/// A [`Store`] on an SQLite database in a data directory.
pub struct SqliteStore {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.shared.path).finish()
    }
}

struct Shared {
    path: PathBuf,
    history: u64,
    /// The one connection that writes; holding its lock serializes this process's writes.
    writer: Mutex<Connection>,
    /// Idle read connections; reads never touch the writer.
    readers: Mutex<Vec<Connection>>,
    hub: Mutex<Hub>,
}

/// The live watchers of this process.
#[derive(Default)]
struct Hub {
    watchers: Vec<Watcher>,
    /// Every event up to this version has been offered to the watchers.
    dispatched: u64,
}

struct Watcher {
    scope: Scope,
    tx: UnboundedSender<Event>,
    /// The newest version sent to (or skipped for) this watcher.
    last: u64,
}

impl Hub {
    /// Offers `events` (in version order) to every watcher, skipping what each has seen, and
    /// drops watchers whose receiver is gone.
    fn dispatch(&mut self, events: &[Event]) {
        for event in events {
            let rv = event.object.rv;
            if rv <= self.dispatched {
                continue;
            }
            self.watchers.retain_mut(|w| {
                if rv <= w.last {
                    return true;
                }
                if rv > w.last + 1 {
                    // Versions in between were compacted away before this process saw
                    // them: end the watch (its client re-lists) rather than skip changes.
                    return false;
                }
                w.last = rv;
                !w.scope.contains(&event.key) || w.tx.send(event.clone()).is_ok()
            });
            self.dispatched = rv;
        }
    }

    fn prune(&mut self) {
        self.watchers.retain(|w| !w.tx.is_closed());
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn type_code(kind: EventType) -> i64 {
    match kind {
        EventType::Added => 0,
        EventType::Modified => 1,
        EventType::Deleted => 2,
    }
}

fn type_from_code(code: i64) -> EventType {
    match code {
        0 => EventType::Added,
        2 => EventType::Deleted,
        _ => EventType::Modified,
    }
}

/// Opens one connection with the per-connection settings.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(backend)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(backend)?;
    conn.pragma_update(None, "foreign_keys", "OFF").map_err(backend)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Creates the data directory (mode 0700) and the database file (mode 0600) when missing.
fn prepare_files(dir: &Path, db: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| backend(format!("creating {}: {e}", dir.display())))?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(db).map_err(|e| backend(format!("opening {}: {e}", db.display())))?;
    Ok(())
}

/// Switches the database to WAL and creates or checks the schema.
fn init_schema(conn: &mut Connection) -> Result<(), StoreError> {
    let mode: String =
        conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(backend)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(backend(format!("cannot switch the database to WAL mode (got {mode})")));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS objects (
             resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
             rv INTEGER NOT NULL, json BLOB NOT NULL,
             PRIMARY KEY (resource, namespace, name));
         CREATE TABLE IF NOT EXISTS events (
             rv INTEGER PRIMARY KEY, type INTEGER NOT NULL, resource TEXT NOT NULL,
             namespace TEXT NOT NULL, name TEXT NOT NULL, json BLOB NOT NULL);",
    )
    .map_err(backend)?;
    let version: Option<i64> = tx
        .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
        .optional()
        .map_err(backend)?;
    match version {
        None => {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('rv', 0), \
                 ('compacted', 0)",
                params![SCHEMA_VERSION],
            )
            .map_err(backend)?;
        }
        Some(v) if v == SCHEMA_VERSION => {}
        Some(v) => {
            return Err(backend(format!(
                "database schema version {v} is not supported (this kctl uses {SCHEMA_VERSION})"
            )));
        }
    }
    tx.commit().map_err(backend)
}

/// Reads a meta counter.
fn meta(conn: &Connection, key: &str) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT value FROM meta WHERE key = ?1").map_err(backend)?;
    let v: Option<i64> = stmt.query_row([key], |r| r.get(0)).optional().map_err(backend)?;
    Ok(v.map(to_u64).unwrap_or(0))
}

fn set_meta(conn: &Connection, key: &str, value: u64) -> Result<(), StoreError> {
    let mut stmt =
        conn.prepare_cached("UPDATE meta SET value = ?2 WHERE key = ?1").map_err(backend)?;
    stmt.execute(params![key, to_i64(value)]).map_err(backend)?;
    Ok(())
}

fn get_object(conn: &Connection, key: &Key) -> Result<Option<Stored>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT rv, json FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3",
        )
        .map_err(backend)?;
    stmt.query_row(params![key.resource, key.namespace, key.name], |r| {
        Ok(Stored { rv: to_u64(r.get(0)?), json: Bytes::from(r.get::<_, Vec<u8>>(1)?) })
    })
    .optional()
    .map_err(backend)
}

/// Reads the events after `since`, oldest first.
fn events_after(conn: &Connection, since: u64) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT rv, type, resource, namespace, name, json FROM events WHERE rv > ?1 \
             ORDER BY rv",
        )
        .map_err(backend)?;
    let rows = stmt
        .query_map([to_i64(since)], |r| {
            Ok(Event {
                kind: type_from_code(r.get(1)?),
                key: Key { resource: r.get(2)?, namespace: r.get(3)?, name: r.get(4)? },
                object: Stored {
                    rv: to_u64(r.get(0)?),
                    json: Bytes::from(r.get::<_, Vec<u8>>(5)?),
                },
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(backend)
}

impl SqliteStore {
    /// Opens (creating when missing) the store in `dir`, keeping the default event history.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with_history(dir, DEFAULT_HISTORY)
    }

    /// Opens (creating when missing) the store in `dir`, keeping `history` recent events for
    /// watches that resume from an older version.
    pub fn open_with_history(dir: &Path, history: u64) -> Result<SqliteStore, StoreError> {
        let path = dir.join(DB_FILE);
        prepare_files(dir, &path)?;
        let mut writer = connect(&path)?;
        init_schema(&mut writer)?;
        let shared = Arc::new(Shared {
            path,
            history: history.max(1),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            hub: Mutex::new(Hub::default()),
        });
        let weak = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("kctl-sqlite-watch".into())
            .spawn(move || poll_loop(weak))
            .map_err(backend)?;
        Ok(SqliteStore { shared })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Runs SQLite's `PRAGMA integrity_check`; `Ok` when the database is consistent.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        self.shared.read(|conn| {
            let result: String =
                conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(backend)?;
            if result == "ok" { Ok(()) } else { Err(backend(format!("integrity check: {result}"))) }
        })
    }

    /// Runs one write transaction: `f` gets the transaction and the next resourceVersion and
    /// returns the event to record, or `None` to change nothing (the version is then not used).
    fn write<F>(&self, f: F) -> Result<Stored, StoreError>
    where
        F: FnOnce(&rusqlite::Transaction<'_>, u64) -> Result<WriteOutcome, StoreError>,
    {
        let shared = &self.shared;
        let mut conn = lock(&shared.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
        let rv = meta(&tx, "rv")? + 1;
        let event = match f(&tx, rv)? {
            WriteOutcome::Unchanged(stored) => return Ok(stored),
            WriteOutcome::Changed(event) => event,
        };
        set_meta(&tx, "rv", rv)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO events (rv, type, resource, namespace, name, json) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(backend)?;
            stmt.execute(params![
                to_i64(rv),
                type_code(event.kind),
                event.key.resource,
                event.key.namespace,
                event.key.name,
                &event.object.json[..]
            ])
            .map_err(backend)?;
        }
        let limit = shared.history;
        let batch = (limit / 16).clamp(1, 256);
        if rv > limit && (rv - limit).is_multiple_of(batch) {
            let compacted = rv - limit;
            let mut stmt =
                tx.prepare_cached("DELETE FROM events WHERE rv <= ?1").map_err(backend)?;
            stmt.execute([to_i64(compacted)]).map_err(backend)?;
            set_meta(&tx, "compacted", compacted)?;
        }
        // Events committed by other processes since the last dispatch precede this one; read
        // them in the same transaction so watchers see every version in order.
        let dispatched = {
            let mut hub = lock(&shared.hub);
            hub.prune();
            if hub.watchers.is_empty() { None } else { Some(hub.dispatched) }
        };
        let mut batch_events = match dispatched {
            Some(d) if d + 1 < rv => events_after(&tx, d)?,
            _ => Vec::new(),
        };
        tx.commit().map_err(backend)?;
        let stored = event.object.clone();
        let mut hub = lock(&shared.hub);
        if hub.watchers.is_empty() {
            hub.dispatched = hub.dispatched.max(rv);
        } else {
            batch_events.retain(|e| e.object.rv < rv);
            batch_events.push(event);
            hub.dispatch(&batch_events);
        }
        Ok(stored)
    }
}

enum WriteOutcome {
    /// Nothing changed; the stored object as it is.
    Unchanged(Stored),
    /// The object changed; the event describing it.
    Changed(Event),
}

impl Shared {
    /// Runs `f` on an idle read connection (opening one when none is idle).
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = lock(&self.readers).pop();
        let conn = match conn {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let result = f(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < READ_POOL {
            idle.push(conn);
        }
        result
    }

    /// Delivers events committed (by any process) since the last dispatch.
    fn poll(&self) -> Result<(), StoreError> {
        let since = {
            let mut hub = lock(&self.hub);
            hub.prune();
            if hub.watchers.is_empty() {
                return Ok(());
            }
            hub.dispatched
        };
        let events = self.read(|conn| {
            if meta(conn, "rv")? <= since {
                return Ok(Vec::new());
            }
            events_after(conn, since)
        })?;
        if !events.is_empty() {
            lock(&self.hub).dispatch(&events);
        }
        Ok(())
    }
}

/// The watch thread: polls for changes while the store exists.
fn poll_loop(shared: Weak<Shared>) {
    loop {
        std::thread::sleep(POLL_INTERVAL);
        let Some(shared) = shared.upgrade() else { return };
        if let Err(e) = shared.poll() {
            tracing::warn!("watch poll on {}: {e}", shared.path.display());
        }
    }
}

fn write_object(
    tx: &rusqlite::Transaction<'_>,
    key: &Key,
    stored: &Stored,
) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO objects (resource, namespace, name, rv, json) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(backend)?;
    stmt.execute(params![
        key.resource,
        key.namespace,
        key.name,
        to_i64(stored.rv),
        &stored.json[..]
    ])
    .map_err(backend)?;
    Ok(())
}

fn check(
    tx: &rusqlite::Transaction<'_>,
    key: &Key,
    precondition: Option<u64>,
) -> Result<Stored, StoreError> {
    let current = get_object(tx, key)?.ok_or(StoreError::NotFound)?;
    match precondition {
        Some(rv) if rv != current.rv => Err(StoreError::Conflict),
        _ => Ok(current),
    }
}

impl Store for SqliteStore {
    fn get(&self, key: &Key) -> Result<Option<Stored>, StoreError> {
        self.shared.read(|conn| get_object(conn, key))
    }

    fn list(&self, scope: &Scope) -> Result<(Vec<Stored>, u64), StoreError> {
        self.shared.read(|conn| {
            // One read transaction so the items and the version are one snapshot.
            conn.execute_batch("BEGIN").map_err(backend)?;
            let result = (|| {
                let rv = meta(conn, "rv")?;
                let row = |r: &rusqlite::Row<'_>| {
                    Ok(Stored { rv: to_u64(r.get(0)?), json: Bytes::from(r.get::<_, Vec<u8>>(1)?) })
                };
                let items = match &scope.namespace {
                    Some(ns) => {
                        let mut stmt = conn
                            .prepare_cached(
                                "SELECT rv, json FROM objects WHERE resource = ?1 AND \
                                 namespace = ?2 ORDER BY namespace, name",
                            )
                            .map_err(backend)?;
                        stmt.query_map(params![scope.resource, ns], row)
                            .map_err(backend)?
                            .collect::<Result<Vec<_>, _>>()
                    }
                    None => {
                        let mut stmt = conn
                            .prepare_cached(
                                "SELECT rv, json FROM objects WHERE resource = ?1 \
                                 ORDER BY namespace, name",
                            )
                            .map_err(backend)?;
                        stmt.query_map(params![scope.resource], row)
                            .map_err(backend)?
                            .collect::<Result<Vec<_>, _>>()
                    }
                }
                .map_err(backend)?;
                Ok((items, rv))
            })();
            let end = conn.execute_batch("COMMIT").map_err(backend);
            let value = result?;
            end?;
            Ok(value)
        })
    }

    fn create(&self, key: &Key, obj: Value) -> Result<Stored, StoreError> {
        self.write(|tx, rv| {
            if get_object(tx, key)?.is_some() {
                return Err(StoreError::AlreadyExists);
            }
            let stored = encode_with_rv(obj, rv);
            write_object(tx, key, &stored)?;
            Ok(WriteOutcome::Changed(Event {
                kind: EventType::Added,
                key: key.clone(),
                object: stored,
            }))
        })
    }

    fn update(
        &self,
        key: &Key,
        obj: Value,
        precondition: Option<u64>,
    ) -> Result<Stored, StoreError> {
        self.write(|tx, rv| {
            let current = check(tx, key, precondition)?;
            if super::same_apart_from_rv(&current, &obj) {
                return Ok(WriteOutcome::Unchanged(current));
            }
            let stored = encode_with_rv(obj, rv);
            write_object(tx, key, &stored)?;
            Ok(WriteOutcome::Changed(Event {
                kind: EventType::Modified,
                key: key.clone(),
                object: stored,
            }))
        })
    }

    fn delete(&self, key: &Key, precondition: Option<u64>) -> Result<Stored, StoreError> {
        self.write(|tx, rv| {
            let current = check(tx, key, precondition)?;
            let mut stmt = tx
                .prepare_cached(
                    "DELETE FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3",
                )
                .map_err(backend)?;
            stmt.execute(params![key.resource, key.namespace, key.name]).map_err(backend)?;
            let last = encode_with_rv(current.value(), rv);
            Ok(WriteOutcome::Changed(Event {
                kind: EventType::Deleted,
                key: key.clone(),
                object: last,
            }))
        })
    }

    fn watch(&self, scope: &Scope, since: u64) -> Result<UnboundedReceiver<Event>, StoreError> {
        // Holding the hub while reading keeps dispatches from slipping between the snapshot
        // and the registration.
        let mut hub = lock(&self.shared.hub);
        hub.prune();
        let (replay, newest) = self.shared.read(|conn| {
            conn.execute_batch("BEGIN").map_err(backend)?;
            let result = (|| {
                let newest = meta(conn, "rv")?;
                if since == 0 {
                    return Ok((Vec::new(), newest));
                }
                let compacted = meta(conn, "compacted")?;
                if since < compacted {
                    return Err(StoreError::Gone { requested: since, oldest: compacted + 1 });
                }
                Ok((events_after(conn, since)?, newest))
            })();
            let end = conn.execute_batch("COMMIT").map_err(backend);
            let value = result?;
            end?;
            Ok(value)
        })?;
        let (tx, rx) = unbounded_channel();
        for event in replay.into_iter().filter(|e| scope.contains(&e.key)) {
            let _ = tx.send(event);
        }
        if hub.watchers.is_empty() {
            // Nobody needed the versions before this snapshot.
            hub.dispatched = hub.dispatched.max(newest);
        }
        hub.watchers.push(Watcher { scope: scope.clone(), tx, last: newest });
        Ok(rx)
    }

    fn current_rv(&self) -> Result<u64, StoreError> {
        self.shared.read(|conn| meta(conn, "rv"))
    }
}
