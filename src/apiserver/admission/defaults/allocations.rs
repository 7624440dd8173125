//! The cluster IPs and node ports the stored Services hold, kept as an index per server so
//! that allocating for one new Service does not decode every stored one. The index follows
//! the store through its retained changes (`Store::changes_since`) and is rebuilt from a list
//! when the backend cannot answer that way or its history has moved on.

use crate::apiserver::ApiServer;
use crate::apiserver::store::{EventType, Scope, Stored};
use std::collections::HashMap;
use std::sync::Mutex;

/// The parts of a stored Service that allocation reads; decoding only these (instead of the
/// whole object) keeps following the store cheap.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Allocated {
    metadata: AllocatedMeta,
    spec: AllocatedSpec,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AllocatedMeta {
    namespace: String,
    name: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AllocatedSpec {
    #[serde(rename = "clusterIPs")]
    cluster_ips: Vec<String>,
    ports: Vec<AllocatedPort>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AllocatedPort {
    #[serde(rename = "nodePort")]
    node_port: Option<u64>,
}

/// What one Service holds.
#[derive(Debug, Default, Clone)]
struct Held {
    ips: Vec<String>,
    ports: Vec<u64>,
}

impl Held {
    /// The Service's key (`namespace/name`) and what it holds.
    fn of(stored: &Stored) -> (String, Held) {
        let a = serde_json::from_slice::<Allocated>(&stored.json).unwrap_or_default();
        let key = format!("{}/{}", a.metadata.namespace, a.metadata.name);
        let ports = a.spec.ports.into_iter().filter_map(|p| p.node_port).collect();
        (key, Held { ips: a.spec.cluster_ips, ports })
    }
}

/// The held addresses and ports, each with the Services (`namespace/name`) holding it.
#[derive(Debug, Default)]
pub struct Allocations {
    /// The resourceVersion the index is current as of; `None` when it must not be reused.
    rv: Option<u64>,
    by_service: HashMap<String, Held>,
    ips: HashMap<String, Vec<String>>,
    ports: HashMap<u64, Vec<String>>,
}

impl Allocations {
    /// True when a Service other than `key` holds `ip`.
    pub fn ip_taken(&self, ip: &str, key: &str) -> bool {
        self.ips.get(ip).is_some_and(|owners| owners.iter().any(|o| o != key))
    }

    /// True when a Service other than `key` holds node port `port`.
    pub fn port_taken(&self, port: u64, key: &str) -> bool {
        self.ports.get(&port).is_some_and(|owners| owners.iter().any(|o| o != key))
    }

    fn forget(&mut self, key: &str) {
        let Some(old) = self.by_service.remove(key) else { return };
        for ip in old.ips {
            if let Some(owners) = self.ips.get_mut(&ip) {
                owners.retain(|o| o != key);
                if owners.is_empty() {
                    self.ips.remove(&ip);
                }
            }
        }
        for port in old.ports {
            if let Some(owners) = self.ports.get_mut(&port) {
                owners.retain(|o| o != key);
                if owners.is_empty() {
                    self.ports.remove(&port);
                }
            }
        }
    }

    fn hold(&mut self, key: String, held: Held) {
        self.forget(&key);
        for ip in &held.ips {
            self.ips.entry(ip.clone()).or_default().push(key.clone());
        }
        for port in &held.ports {
            self.ports.entry(*port).or_default().push(key.clone());
        }
        self.by_service.insert(key, held);
    }

    /// Reads every stored Service.
    fn listed(server: &ApiServer) -> Allocations {
        let mut a = Allocations::default();
        if let Ok((items, rv)) = server.store().list(&services()) {
            a.rv = Some(rv);
            for s in &items {
                let (key, held) = Held::of(s);
                a.hold(key, held);
            }
        }
        a
    }

    /// Brings the index up to date with the store's retained changes; false when it cannot.
    fn follow(&mut self, server: &ApiServer) -> bool {
        let Some(since) = self.rv else { return false };
        let Ok(Some((events, rv))) = server.store().changes_since(&services(), since) else {
            return false;
        };
        for e in events {
            let (key, held) = Held::of(&e.object);
            match e.kind {
                EventType::Deleted => self.forget(&key),
                _ => self.hold(key, held),
            }
        }
        self.rv = Some(rv);
        true
    }
}

fn services() -> Scope {
    Scope { resource: "services".into(), namespace: None }
}

/// A server's Service allocation index.
#[derive(Debug, Default)]
pub struct AllocationIndex(Mutex<Allocations>);

impl AllocationIndex {
    /// Runs `f` with the allocations as the store holds them now.
    pub fn with<R>(&self, server: &ApiServer, f: impl FnOnce(&Allocations) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !guard.follow(server) {
            *guard = Allocations::listed(server);
        }
        f(&guard)
    }
}
