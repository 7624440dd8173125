//! Reading many live objects at once. kubectl GETs every object before applying it; when a
//! manifest set holds many objects of one resource, a few paged LISTs read them all in far
//! fewer requests. A listing is used only when it is complete; it is abandoned (and the
//! objects are read one by one, as kubectl does) when the server refuses it or when the
//! collection turns out to be much larger than what the set asks for, so the cost stays
//! bounded by the manifest set, never by the cluster.

use crate::client::{ApiResource, Client, discovery::resource_path};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Fewer objects of one resource than this are read one by one.
pub const MIN_OBJECTS: usize = 16;
/// Items per page.
const PAGE: usize = 500;

/// One object a phase of apply will read.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// Its resource.
    pub resource: &'a ApiResource,
    /// Its namespace (namespaced resources only).
    pub namespace: Option<&'a str>,
    /// Its name.
    pub name: &'a str,
}

/// What a listing says about one object.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    /// It exists; this is how the server holds it.
    Found(Value),
    /// A complete listing of its collection does not hold it.
    Absent,
    /// No listing covers it: read it on its own.
    Unknown,
}

/// The listings read for one phase, by collection path.
#[derive(Debug, Default)]
pub struct Prefetched {
    /// Collection path → (namespace, name) → object.
    lists: HashMap<String, HashMap<(String, String), Value>>,
}

impl Prefetched {
    /// What the listings say about an object.
    pub fn live(&self, w: &Wanted<'_>) -> Live {
        let Some(items) = self.lists.get(&collection(w)) else { return Live::Unknown };
        let key = (w.namespace.unwrap_or_default().to_string(), w.name.to_string());
        match items.get(&key) {
            Some(v) => Live::Found(v.clone()),
            None => Live::Absent,
        }
    }
}

/// The collection to read: the namespace's when every wanted object of the resource is in
/// that one namespace, the whole resource's otherwise.
fn collection_for(res: &ApiResource, namespaces: &HashSet<Option<&str>>) -> String {
    match (res.namespaced, namespaces.len()) {
        (true, 1) => resource_path(res, namespaces.iter().next().copied().flatten(), None),
        _ => resource_path(res, None, None),
    }
}

/// The key a listing is kept under: the object's own collection (its namespace's), whichever
/// collection was read.
fn collection(w: &Wanted<'_>) -> String {
    resource_path(w.resource, w.namespace, None)
}

/// Lists the collections holding at least [`MIN_OBJECTS`] of the wanted objects.
pub async fn read(client: &Client, wanted: &[Wanted<'_>]) -> Prefetched {
    let mut by_resource: HashMap<String, Vec<&Wanted<'_>>> = HashMap::new();
    for w in wanted {
        by_resource.entry(resource_path(w.resource, None, None)).or_default().push(w);
    }
    let mut out = Prefetched::default();
    for group in by_resource.values().filter(|g| g.len() >= MIN_OBJECTS) {
        let res = group[0].resource;
        let namespaces: HashSet<Option<&str>> = group.iter().map(|w| w.namespace).collect();
        let path = collection_for(res, &namespaces);
        let Some(items) = list_bounded(client, res, &path, group.len()).await else { continue };
        // Index the listing under every collection path a lookup may ask for.
        let mut per_path: HashMap<String, HashMap<(String, String), Value>> = HashMap::new();
        for ns in &namespaces {
            per_path.insert(resource_path(res, *ns, None), HashMap::new());
        }
        for item in items {
            let ns = crate::object::meta::namespace(&item).unwrap_or_default().to_string();
            let name = crate::object::meta::name(&item).unwrap_or_default().to_string();
            let key_ns = if res.namespaced { Some(ns.as_str()) } else { None };
            if let Some(m) = per_path.get_mut(&resource_path(res, key_ns, None)) {
                m.insert((if res.namespaced { ns } else { String::new() }, name), item);
            }
        }
        out.lists.extend(per_path);
    }
    out
}

/// Reads a collection page by page; `None` when the server refuses or the collection holds
/// more than a few times what is wanted from it.
async fn list_bounded(
    client: &Client,
    res: &ApiResource,
    path: &str,
    wanted: usize,
) -> Option<Vec<Value>> {
    let budget = 4 * wanted + PAGE;
    let mut items: Vec<Value> = Vec::new();
    let mut token = String::new();
    loop {
        let query = match token.is_empty() {
            true => super::query(&[("limit", &PAGE.to_string())]),
            false => super::query(&[("continue", &token), ("limit", &PAGE.to_string())]),
        };
        let mut page = client.get(&format!("{path}{query}")).await.ok()?;
        let Value::Array(batch) = page["items"].take() else { return None };
        for mut item in batch {
            // List items carry no apiVersion and kind; a GET of the object would.
            if let Some(m) = item.as_object_mut() {
                m.insert("apiVersion".into(), Value::String(res.api_version()));
                m.insert("kind".into(), Value::String(res.kind.clone()));
            }
            items.push(item);
        }
        if items.len() > budget {
            return None;
        }
        match page["metadata"]["continue"].as_str() {
            Some(t) if !t.is_empty() => token = t.to_string(),
            _ => return Some(items),
        }
    }
}
