//! The control plane inside the bundled apiserver: simulated nodes, a scheduler, a simulated
//! kubelet and the workload controllers of kube-controller-manager.
//!
//! One [`Manager`] owns an informer-style cache of the objects the controllers read (pods,
//! nodes, workloads, volumes), kept current from the store's in-process watches and from its
//! own writes. Pods, by far the most numerous, are cached as the slim typed [`pod::Pod`];
//! the other objects (a few per workload) as decoded values. A *pass* runs every controller once over the cache; controllers are level
//! triggered (they compare desired and actual state, never replay events), so running passes
//! until one makes no write reaches the steady state. [`crate::apiserver::ApiServer::start_controllers`]
//! runs passes on a background thread whenever the store changes; [`settle`] runs them to a
//! steady state in the caller, which is what the embedded local cluster does after a command.
//!
//! Writes go through the same bookkeeping as the handlers ([`crate::apiserver::objects`]),
//! and time and names come from the server's injected clock and uid source.
//!
//! | module | owns |
//! |---|---|
//! | [`nodes`] | the simulated nodes and their status |
//! | [`scheduler`] | binding pending pods to nodes |
//! | [`kubelet`] | pod status on bound pods: IPs, containers, phase, conditions |
//! | [`pod`] | the typed pod view the manager caches |
//! | [`replicaset`] | ReplicaSets |
//! | [`deployment`] | Deployments (rolling update, recreate, revisions) |
//! | [`statefulset`] | StatefulSets (ordinals, PVCs) |
//! | [`daemonset`] | DaemonSets |
//! | [`job`] | Jobs |
//! | [`cronjob`] | CronJobs and their schedules |
//! | [`gc`] | the garbage collector (background, foreground, orphan) |
//! | [`volumes`] | PersistentVolumeClaim binding |
//! | [`util`] | selectors, owner references, int-or-percent, quantities |

pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod gc;
pub mod job;
pub mod kubelet;
pub mod nodes;
pub mod pod;
pub mod replicaset;
pub mod scheduler;
pub mod statefulset;
pub mod util;
pub mod volumes;

use super::ApiServer;
use super::clock::timestamp;
use super::conversion;
use super::handlers::delete::{DeleteOptions, Deleted, delete_object};
use super::objects;
use super::registry::{self, Resource};
use super::store::{Event, EventType, Key, Scope, StoreError, Stored};
use pod::Pod;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// The resources the controllers watch, as `(group, plural)`.
pub const WATCHED: &[(&str, &str)] = &[
    ("", "nodes"),
    ("", "pods"),
    ("", "persistentvolumeclaims"),
    ("", "persistentvolumes"),
    ("apps", "replicasets"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "controllerrevisions"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];

/// Resources the controllers never look at: events churn and own nothing.
const IGNORED: &[&str] = &["events", "events.events.k8s.io"];

/// True when the cache keeps `v`: every object of a [`WATCHED`] resource, and of other
/// resources those the garbage collector may act on (with owners or finalizers).
fn keep(resource: &str, v: &Value) -> bool {
    watched(resource)
        || v["metadata"]["ownerReferences"].as_array().is_some_and(|a| !a.is_empty())
        || v["metadata"]["finalizers"].as_array().is_some_and(|a| !a.is_empty())
}

/// True when `resource` (group-qualified) is one of [`WATCHED`].
fn watched(resource: &str) -> bool {
    let (plural, group) = resource.split_once('.').unwrap_or((resource, ""));
    WATCHED.iter().any(|(g, p)| *g == group && *p == plural)
}

/// Controller failures that stop a pass (write conflicts are not failures: the next pass
/// retries from fresh state).
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A resource the controllers need is not served.
    #[error("resource {0} is not served")]
    UnknownResource(String),
}

/// Options for the control plane.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many simulated worker nodes to create at start (`node-1` … `node-N`), besides the
    /// tainted `control-plane` node. `None` creates no node at all.
    pub nodes: Option<usize>,
    /// The first delay before a failed Job pod is replaced (doubling with each failure);
    /// kube-controller-manager uses 10 s.
    pub job_backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { nodes: Some(3), job_backoff: Duration::from_secs(10) }
    }
}

/// One cached object: its resourceVersion and decoded value.
#[derive(Debug, Clone)]
pub struct Cached {
    /// The resourceVersion of the cached state.
    pub rv: u64,
    /// The object.
    pub obj: Arc<Value>,
}

/// The cache of one resource: `(namespace, name)` → object.
pub type Objects = BTreeMap<(String, String), Cached>;

/// The pod cache: `(namespace, name)` → pod.
pub type Pods = BTreeMap<(String, String), Arc<Pod>>;

/// The group-qualified resource of pods, cached apart as [`Pod`]s.
const PODS: &str = "pods";

/// The controller manager: a cache plus the write helpers every controller uses.
pub struct Manager {
    server: ApiServer,
    cache: HashMap<String, Objects>,
    pods: Pods,
    events: Vec<UnboundedReceiver<Event>>,
    writes: usize,
    options: Options,
    bootstrapped: bool,
    event_seq: u64,
}

impl Drop for Manager {
    fn drop(&mut self) {
        self.server.kubelet_presence(false);
    }
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager").field("writes", &self.writes).finish_non_exhaustive()
    }
}

/// The group-qualified resource name of `(group, plural)`.
pub fn gr(group: &str, plural: &str) -> String {
    if group.is_empty() { plural.to_string() } else { format!("{plural}.{group}") }
}

/// The served built-in resource `(group, plural)`.
pub fn resource(group: &str, plural: &str) -> Result<Arc<Resource>, ControllerError> {
    registry::find_builtin(group, "v1", plural)
        .ok_or_else(|| ControllerError::UnknownResource(gr(group, plural)))
}

/// The resource of a `kind` in `apiVersion` (for owner references).
pub fn resource_of_kind(api_version: &str, kind: &str) -> Option<Arc<Resource>> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    registry::builtin()
        .iter()
        .find(|r| r.group == group && r.version == version && r.kind == kind)
        .cloned()
}

impl Manager {
    /// A manager over `server`: lists every watched resource into the cache and follows
    /// the store's changes from there.
    pub fn new(server: ApiServer, options: Options) -> Result<Manager, ControllerError> {
        let mut m = Manager {
            server,
            cache: HashMap::new(),
            pods: Pods::new(),
            events: Vec::new(),
            writes: 0,
            options,
            bootstrapped: false,
            event_seq: 0,
        };
        m.server.kubelet_presence(true);
        let mut receivers = Vec::new();
        // One watch per stored resource: versions converted from the storage one are skipped.
        for res in registry::builtin().iter().filter(|r| conversion::storage(r).is_none()) {
            let resource = res.group_resource();
            if IGNORED.contains(&resource.as_str()) {
                continue;
            }
            let scope = Scope { resource: resource.clone(), namespace: None };
            let (items, rv) = m.server.store().list(&scope)?;
            for s in items {
                if resource == PODS {
                    let p = Pod::from_json(&s.json, s.rv);
                    let k = (p.metadata.namespace.clone(), p.metadata.name.clone());
                    m.pods.insert(k, Arc::new(p));
                    continue;
                }
                let v = s.value();
                if keep(&resource, &v) {
                    let k = (str_at(&v, "namespace").to_string(), str_at(&v, "name").to_string());
                    m.cache
                        .entry(resource.clone())
                        .or_default()
                        .insert(k, Cached { rv: s.rv, obj: Arc::new(v) });
                }
            }
            receivers.push(m.server.store().watch(&scope, rv)?);
        }
        m.events = receivers;
        Ok(m)
    }

    /// The server.
    pub fn server(&self) -> &ApiServer {
        &self.server
    }

    /// The current time from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.server.clock().now()
    }

    /// The current time as a metadata timestamp.
    pub fn now_str(&self) -> String {
        timestamp(self.now())
    }

    /// The cached objects of `(group, plural)`.
    pub fn objects(&self, group: &str, plural: &str) -> Vec<Arc<Value>> {
        self.cache
            .get(&gr(group, plural))
            .map(|m| m.values().map(|c| c.obj.clone()).collect())
            .unwrap_or_default()
    }

    /// Every cached object with its group-qualified resource.
    pub fn all_cached(&self) -> Vec<(String, Arc<Value>)> {
        self.cache
            .iter()
            .flat_map(|(r, m)| m.values().map(move |c| (r.clone(), c.obj.clone())))
            .collect()
    }

    /// The cached objects of `(group, plural)` in namespace `ns`.
    pub fn objects_in(&self, group: &str, plural: &str, ns: &str) -> Vec<Arc<Value>> {
        let Some(m) = self.cache.get(&gr(group, plural)) else { return Vec::new() };
        m.range((ns.to_string(), String::new())..)
            .take_while(|((n, _), _)| n == ns)
            .map(|(_, c)| c.obj.clone())
            .collect()
    }

    /// One cached object.
    pub fn cached(&self, group: &str, plural: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.cache
            .get(&gr(group, plural))?
            .get(&(ns.to_string(), name.to_string()))
            .map(|c| c.obj.clone())
    }

    /// Every cached pod.
    pub fn pods(&self) -> Vec<Arc<Pod>> {
        self.pods.values().cloned().collect()
    }

    /// The cached pods in namespace `ns`.
    pub fn pods_in(&self, ns: &str) -> impl Iterator<Item = &Arc<Pod>> {
        self.pods
            .range((ns.to_string(), String::new())..)
            .take_while(move |((n, _), _)| n == ns)
            .map(|(_, p)| p)
    }

    /// One cached pod.
    pub fn pod(&self, ns: &str, name: &str) -> Option<Arc<Pod>> {
        self.pods.get(&(ns.to_string(), name.to_string())).cloned()
    }

    /// Pods indexed by the uid of their controlling owner.
    pub fn pods_by_owner(&self) -> HashMap<String, Vec<Arc<Pod>>> {
        let mut out: HashMap<String, Vec<Arc<Pod>>> = HashMap::new();
        for p in self.pods.values() {
            if let Some(uid) = p.controller_uid() {
                out.entry(uid.to_string()).or_default().push(p.clone());
            }
        }
        out
    }

    fn remember(&mut self, resource: &str, s: &Stored) {
        if resource == PODS {
            self.remember_pod(Pod::from_json(&s.json, s.rv));
            return;
        }
        self.remember_value(resource, s.rv, s.value());
    }

    fn remember_pod(&mut self, p: Pod) -> Arc<Pod> {
        let k = (p.metadata.namespace.clone(), p.metadata.name.clone());
        let p = Arc::new(p);
        self.pods.insert(k, p.clone());
        p
    }

    /// Caches `v` as written at `rv` (a value the manager wrote itself, so no decoding).
    fn remember_value(&mut self, resource: &str, rv: u64, mut v: Value) {
        if resource == PODS {
            self.remember_pod(Pod::from_value(&v, rv));
            return;
        }
        if !keep(resource, &v) {
            self.forget(resource, str_at(&v, "namespace"), str_at(&v, "name"));
            return;
        }
        crate::object::meta::set_metadata_str(&mut v, "resourceVersion", &rv.to_string());
        let k = (str_at(&v, "namespace").to_string(), str_at(&v, "name").to_string());
        self.cache
            .entry(resource.to_string())
            .or_default()
            .insert(k, Cached { rv, obj: Arc::new(v) });
    }

    /// Counts a write; every so often applies the changes received meanwhile, so their
    /// events (which hold old object versions) do not pile up during a long pass.
    fn wrote(&mut self) {
        self.writes += 1;
        if self.writes.is_multiple_of(512) {
            self.drain();
        }
    }

    fn forget(&mut self, resource: &str, ns: &str, name: &str) {
        if resource == PODS {
            self.pods.remove(&(ns.to_string(), name.to_string()));
            return;
        }
        if let Some(m) = self.cache.get_mut(resource) {
            m.remove(&(ns.to_string(), name.to_string()));
        }
    }

    /// Applies the store changes received so far to the cache; returns how many arrived.
    pub fn drain(&mut self) -> usize {
        let mut n = 0;
        let mut receivers = std::mem::take(&mut self.events);
        for rx in &mut receivers {
            while let Ok(e) = rx.try_recv() {
                n += 1;
                self.apply_event(e);
            }
        }
        self.events = receivers;
        n
    }

    fn apply_event(&mut self, e: Event) {
        let k = (e.key.namespace.clone(), e.key.name.clone());
        if e.key.resource == PODS {
            let cached = self.pods.get(&k).map(|p| p.rv);
            match e.kind {
                EventType::Added | EventType::Modified
                    if cached.is_none_or(|rv| rv < e.object.rv) =>
                {
                    self.pods.insert(k, Arc::new(Pod::from_json(&e.object.json, e.object.rv)));
                }
                EventType::Deleted if cached.is_some_and(|rv| rv <= e.object.rv) => {
                    self.pods.remove(&k);
                }
                _ => {}
            }
            return;
        }
        let m = self.cache.entry(e.key.resource.clone()).or_default();
        let newer = m.get(&k).is_none_or(|c| c.rv < e.object.rv);
        match e.kind {
            EventType::Added | EventType::Modified if newer => {
                let v = e.object.value();
                if keep(&e.key.resource, &v) {
                    m.insert(k, Cached { rv: e.object.rv, obj: Arc::new(v) });
                } else {
                    m.remove(&k);
                }
            }
            EventType::Deleted if m.get(&k).is_some_and(|c| c.rv <= e.object.rv) => {
                m.remove(&k);
            }
            _ => {}
        }
    }

    /// Waits until a store change arrives or `timeout` passes; applies what arrived.
    pub fn wait(&mut self, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let n = self.drain();
            if n > 0 || Instant::now() >= deadline {
                return n;
            }
            // A short poll: the control loop runs on its own thread without a runtime.
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Creates an object (a `generateName` is honoured) with the handlers' bookkeeping.
    /// Returns the stored object, or `None` when the name was taken.
    pub fn create(
        &mut self,
        group: &str,
        plural: &str,
        obj: Value,
    ) -> Result<Option<Arc<Value>>, ControllerError> {
        Ok(self
            .create_raw(group, plural, obj)?
            .and_then(|key| self.cached(group, plural, &key.namespace, &key.name)))
    }

    /// Creates a pod as [`Manager::create`] does; returns the cached pod.
    pub fn create_pod(&mut self, obj: Value) -> Result<Option<Arc<Pod>>, ControllerError> {
        Ok(self.create_raw("", "pods", obj)?.and_then(|key| self.pod(&key.namespace, &key.name)))
    }

    fn create_raw(
        &mut self,
        group: &str,
        plural: &str,
        mut obj: Value,
    ) -> Result<Option<Key>, ControllerError> {
        let res = resource(group, plural)?;
        let ns = str_at(&obj, "namespace").to_string();
        let Ok(name) = objects::assign_name(&self.server, &res, &mut obj) else {
            return Ok(None);
        };
        if obj.get("apiVersion").is_none() {
            obj["apiVersion"] = json!(res.api_version());
        }
        if obj.get("kind").is_none() {
            obj["kind"] = json!(res.kind);
        }
        objects::stamp_new(&self.server, &res, &mut obj);
        crate::apiserver::admission::defaults::for_internal_write(&self.server, &res, &mut obj);
        let key = Key::new(&res.group_resource(), if res.namespaced { &ns } else { "" }, &name);
        // What to cache, taken before the store consumes the object.
        let pod = (key.resource == PODS).then(|| Pod::from_value(&obj, 0));
        let copy = (pod.is_none() && keep(&key.resource, &obj)).then(|| obj.clone());
        match self.server.store().create(&key, obj) {
            Ok(s) => {
                if let Some(mut p) = pod {
                    p.rv = s.rv;
                    self.remember_pod(p);
                } else if let Some(v) = copy {
                    self.remember_value(&key.resource, s.rv, v);
                }
                self.wrote();
                Ok(Some(key))
            }
            Err(StoreError::AlreadyExists) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes `new` over `old` (spec, metadata and status alike), conditional on `old`'s
    /// resourceVersion. A conflict refreshes the cache and returns `None`: the next pass
    /// works from the fresh state. Removing the last finalizer of a deleted object removes it.
    pub fn update(
        &mut self,
        group: &str,
        plural: &str,
        old: &Value,
        new: Value,
    ) -> Result<Option<Arc<Value>>, ControllerError> {
        let res = resource(group, plural)?;
        // An unchanged object is a no-op in the store (same resourceVersion), counted as no
        // write. Controllers derive `new` from the cached `old`, so the server-owned metadata is
        // already right; only `generation` needs the handlers' rule (bumped when anything
        // but metadata and status changed).
        let mut merged = new;
        if res.generation && spec_changed(old, &merged) {
            let g = old["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
            crate::object::meta::metadata_mut(&mut merged).insert("generation".into(), json!(g));
        }
        let ns = str_at(old, "namespace").to_string();
        let name = str_at(old, "name").to_string();
        let key = Key::new(&res.group_resource(), &ns, &name);
        let rv = str_at(old, "resourceVersion").parse::<u64>().ok();
        if !self.write(&key, rv, merged)? {
            return Ok(None);
        }
        Ok(self.cached(group, plural, &ns, &name))
    }

    /// Changes the stored pod with `change`, provided it is still at the cached pod's
    /// resourceVersion (else the cache is refreshed and `None` returned, as for a conflict).
    /// Returns the pod as written.
    pub fn update_pod(
        &mut self,
        pod: &Pod,
        change: impl FnOnce(&mut Value),
    ) -> Result<Option<Arc<Pod>>, ControllerError> {
        let key = Key::new(PODS, pod.namespace(), pod.name());
        if !self.mutate(&key, Some(pod.rv), change)? {
            return Ok(None);
        }
        Ok(self.pod(pod.namespace(), pod.name()))
    }

    /// Changes any stored object with `change`, provided it is still at resourceVersion
    /// `rv` when given; returns false when it was not (the cache is then refreshed) or is gone.
    pub fn mutate(
        &mut self,
        key: &Key,
        rv: Option<u64>,
        change: impl FnOnce(&mut Value),
    ) -> Result<bool, ControllerError> {
        let Some(stored) = self.server.store().get(key)? else {
            self.forget(&key.resource, &key.namespace, &key.name);
            return Ok(false);
        };
        if rv.is_some_and(|rv| rv != stored.rv) {
            self.remember(&key.resource, &stored);
            return Ok(false);
        }
        let mut obj = stored.value();
        let generation = obj["metadata"]["generation"].as_i64();
        let before = generation.map(|_| obj.clone());
        change(&mut obj);
        if let (Some(g), Some(before)) = (generation, before)
            && spec_changed(&before, &obj)
        {
            crate::object::meta::metadata_mut(&mut obj).insert("generation".into(), json!(g + 1));
        }
        self.write(key, Some(stored.rv), obj)
    }

    /// Stores `obj` at `key` conditional on `rv` and caches it; true when it was written (or
    /// was already so). A conflict refreshes the cache and returns false.
    fn write(
        &mut self,
        key: &Key,
        rv: Option<u64>,
        mut obj: Value,
    ) -> Result<bool, ControllerError> {
        crate::object::meta::metadata_mut(&mut obj).remove("managedFields");
        if objects::ready_to_vanish(&obj) {
            return match self.server.store().delete(key, rv) {
                Ok(_) => {
                    self.forget(&key.resource, &key.namespace, &key.name);
                    self.wrote();
                    Ok(false)
                }
                Err(StoreError::Conflict) | Err(StoreError::NotFound) => {
                    self.refresh(key)?;
                    Ok(false)
                }
                Err(e) => Err(e.into()),
            };
        }
        // What to cache, taken before the store consumes the object.
        let pod = (key.resource == PODS).then(|| Pod::from_value(&obj, 0));
        let copy = pod.is_none().then(|| obj.clone());
        match self.server.store().update(key, obj, rv) {
            Ok(s) => {
                if Some(s.rv) != rv {
                    if let Some(mut p) = pod {
                        p.rv = s.rv;
                        self.remember_pod(p);
                    } else if let Some(v) = copy {
                        self.remember_value(&key.resource, s.rv, v);
                    }
                    self.wrote();
                }
                Ok(true)
            }
            Err(StoreError::Conflict) | Err(StoreError::NotFound) => {
                self.refresh(key)?;
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn refresh(&mut self, key: &Key) -> Result<(), ControllerError> {
        match self.server.store().get(key)? {
            Some(s) => self.remember(&key.resource, &s),
            None => self.forget(&key.resource, &key.namespace, &key.name),
        }
        Ok(())
    }

    /// Deletes an object as a DELETE request would (finalizers keep it Terminating; a pod
    /// on a node gets its grace period).
    pub fn delete(
        &mut self,
        group: &str,
        plural: &str,
        ns: &str,
        name: &str,
    ) -> Result<(), ControllerError> {
        self.delete_with(group, plural, ns, name, &DeleteOptions::default())
    }

    /// Deletes an object with a grace period of 0, as the kubelet does once a pod's
    /// containers have stopped.
    pub fn delete_now(
        &mut self,
        group: &str,
        plural: &str,
        ns: &str,
        name: &str,
    ) -> Result<(), ControllerError> {
        let opts = DeleteOptions { grace_period: Some(0), ..Default::default() };
        self.delete_with(group, plural, ns, name, &opts)?;
        // The last object of a Terminating namespace going lets the namespace go.
        let _ = crate::apiserver::handlers::delete::finish_namespace(&self.server, ns);
        Ok(())
    }

    fn delete_with(
        &mut self,
        group: &str,
        plural: &str,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<(), ControllerError> {
        let res = resource(group, plural)?;
        let key = Key::new(&res.group_resource(), ns, name);
        match delete_object(&self.server, &res, &key, opts) {
            Ok(Deleted::Gone(_)) => {
                self.forget(&key.resource, ns, name);
                self.wrote();
            }
            Ok(Deleted::Terminating(_)) => {
                self.refresh(&key)?;
                self.wrote();
            }
            Err(_) => self.refresh(&key)?,
        }
        Ok(())
    }

    /// Records an Event about `involved` as kube-controller-manager's event recorder does.
    pub fn event(
        &mut self,
        involved: &Value,
        kind: &str,
        reason: &str,
        message: &str,
        source: &str,
    ) {
        let ns = match str_at(involved, "namespace") {
            "" => "default",
            ns => ns,
        }
        .to_string();
        // Named like the event recorder's `<object>.<hex time>`, so names sort by creation.
        self.event_seq += 1;
        let nanos = self.now().timestamp_nanos_opt().unwrap_or_default() as u64;
        let name =
            format!("{}.{:016x}", str_at(involved, "name"), nanos.wrapping_add(self.event_seq));
        let now = self.now_str();
        let ev = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": {
                "apiVersion": involved["apiVersion"], "kind": involved["kind"],
                "name": str_at(involved, "name"), "namespace": str_at(involved, "namespace"),
                "uid": str_at(involved, "uid"), "resourceVersion": str_at(involved, "resourceVersion"),
            },
            "reason": reason, "message": message, "type": kind,
            "source": {"component": source},
            "firstTimestamp": now, "lastTimestamp": now, "count": 1,
            "eventTime": null, "reportingComponent": source, "reportingInstance": "",
        });
        // Events are best effort, as upstream: a failed write is dropped.
        let _ = self.create("", "events", ev);
    }

    /// How many writes this manager has made.
    pub fn writes(&self) -> usize {
        self.writes
    }

    /// Runs every controller once; returns how many writes it made.
    pub fn pass(&mut self) -> Result<usize, ControllerError> {
        self.drain();
        let before = self.writes;
        if !self.bootstrapped {
            nodes::bootstrap(self)?;
            self.bootstrapped = true;
        }
        nodes::sync(self)?;
        nodes::collect_orphaned_pods(self)?;
        volumes::sync(self)?;
        gc::sync(self)?;
        cronjob::sync(self)?;
        deployment::sync(self)?;
        replicaset::sync(self)?;
        statefulset::sync(self)?;
        daemonset::sync(self)?;
        job::sync(self)?;
        scheduler::sync(self)?;
        kubelet::sync(self)?;
        Ok(self.writes - before)
    }

    /// The simulated node count requested at start.
    pub fn options(&self) -> &Options {
        &self.options
    }
}

/// Runs controller passes on `server` until one makes no write (a steady state) or
/// `timeout` passes; returns the total number of writes. The embedded local cluster calls
/// this after each command so the same sequences work without a server process.
pub fn settle(
    server: &ApiServer,
    options: Options,
    timeout: Duration,
) -> Result<usize, ControllerError> {
    let mut m = Manager::new(server.clone(), options)?;
    let deadline = Instant::now() + timeout;
    let mut total = 0;
    while Instant::now() < deadline {
        let n = m.pass()?;
        total += n;
        if n == 0 {
            break;
        }
    }
    Ok(total)
}

/// A running control plane; dropping it (or calling [`Handle::stop`]) stops the loop.
#[derive(Debug)]
pub struct Handle {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Handle {
    /// Stops the loop and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// How often the loop runs a pass without a store change, for time-driven behaviour
/// (Job durations, CronJob schedules, deadlines).
pub const TICK: Duration = Duration::from_millis(200);

/// Starts the control plane on a background thread: a pass after every burst of store
/// changes, and at least every [`TICK`].
pub fn start(server: &ApiServer, options: Options) -> Result<Handle, ControllerError> {
    let mut m = Manager::new(server.clone(), options)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("kctl-controllers".into())
        .spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match m.pass() {
                    Ok(0) => {
                        m.wait(TICK);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        // The loop has no caller to report to: stderr is the server's log.
                        #[allow(clippy::print_stderr)]
                        {
                            eprintln!("controllers: {e}");
                        }
                        m.wait(TICK);
                    }
                }
            }
        })
        .map_err(|e| ControllerError::Store(StoreError::Backend(e.to_string())))?;
    Ok(Handle { stop, thread: Some(thread) })
}

/// True when anything but `metadata` and `status` differs between `a` and `b`.
fn spec_changed(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else { return a != b };
    let outside = |k: &String| k != "metadata" && k != "status";
    a.iter().filter(|(k, _)| outside(k)).ne(b.iter().filter(|(k, _)| outside(k)))
}

/// A metadata string field of `obj` (empty when absent).
pub fn str_at<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj["metadata"][field].as_str().unwrap_or_default()
}
