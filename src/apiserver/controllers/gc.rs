//! The garbage collector: follows `ownerReferences`.
//!
//! - Background: a dependent whose owners are all gone is deleted; dangling references next
//!   to a live owner are dropped.
//! - Foreground: an owner marked for deletion with the `foregroundDeletion` finalizer has its
//!   dependents deleted (themselves in the foreground when they own others); once no
//!   dependent with `blockOwnerDeletion` remains the finalizer is removed and the owner goes.
//! - Orphan: an owner with the `orphan` finalizer has its references removed from its
//!   dependents, then the finalizer, and goes alone.
//!
//! Dependents are found among the objects the manager caches: every object with owner
//! references of a built-in resource (events aside).

use super::pod::{OwnerRef, Pod};
use super::{ControllerError, Manager, resource_of_kind, str_at};
use crate::apiserver::store::Key;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The finalizer of foreground deletion.
pub const FOREGROUND: &str = "foregroundDeletion";
/// The finalizer of orphaning deletion.
pub const ORPHAN: &str = "orphan";

/// One cached object as the collector sees it.
enum Item {
    Pod(Arc<Pod>),
    Other { resource: String, obj: Arc<Value>, owners: Vec<OwnerRef> },
}

impl Item {
    fn resource(&self) -> &str {
        match self {
            Item::Pod(_) => "pods",
            Item::Other { resource, .. } => resource,
        }
    }
    fn namespace(&self) -> &str {
        match self {
            Item::Pod(p) => p.namespace(),
            Item::Other { obj, .. } => str_at(obj, "namespace"),
        }
    }
    fn name(&self) -> &str {
        match self {
            Item::Pod(p) => p.name(),
            Item::Other { obj, .. } => str_at(obj, "name"),
        }
    }
    fn uid(&self) -> &str {
        match self {
            Item::Pod(p) => p.uid(),
            Item::Other { obj, .. } => str_at(obj, "uid"),
        }
    }
    fn rv(&self) -> Option<u64> {
        match self {
            Item::Pod(p) => Some(p.rv),
            Item::Other { obj, .. } => str_at(obj, "resourceVersion").parse().ok(),
        }
    }
    fn owners(&self) -> &[OwnerRef] {
        match self {
            Item::Pod(p) => &p.metadata.owner_references,
            Item::Other { owners, .. } => owners,
        }
    }
    fn finalizers(&self) -> Cow<'_, [String]> {
        match self {
            Item::Pod(p) => Cow::Borrowed(&p.metadata.finalizers),
            Item::Other { obj, .. } => Cow::Owned(crate::apiserver::objects::finalizers(obj)),
        }
    }
    fn terminating(&self) -> bool {
        match self {
            Item::Pod(p) => p.terminating(),
            Item::Other { obj, .. } => super::util::terminating(obj),
        }
    }
    fn key(&self) -> Key {
        Key::new(self.resource(), self.namespace(), self.name())
    }
}

fn split(resource: &str) -> (&str, &str) {
    match resource.split_once('.') {
        Some((plural, group)) => (group, plural),
        None => ("", resource),
    }
}

fn remove_finalizer(obj: &mut Value, f: &str) {
    if let Some(a) = obj["metadata"]["finalizers"].as_array_mut() {
        a.retain(|x| x != f);
        if a.is_empty() {
            crate::object::meta::metadata_mut(obj).remove("finalizers");
        }
    }
}

fn remove_owners(obj: &mut Value, uids: &[&str]) {
    if let Some(a) = obj["metadata"]["ownerReferences"].as_array_mut() {
        a.retain(|r| !uids.contains(&r["uid"].as_str().unwrap_or_default()));
        if a.is_empty() {
            crate::object::meta::metadata_mut(obj).remove("ownerReferences");
        }
    }
}

/// Whether the owner a reference names still exists (same uid).
fn owner_exists(m: &Manager, by_uid: &HashMap<&str, usize>, r: &OwnerRef, ns: &str) -> bool {
    if by_uid.contains_key(r.uid.as_str()) {
        return true;
    }
    let Some(res) = resource_of_kind(&r.api_version, &r.kind) else {
        // An owner of a kind we cannot resolve (a custom resource): never collect on a guess.
        return true;
    };
    // Not cached (or not yet): ask the store, so a watch lagging behind never deletes.
    let key = Key::new(&res.group_resource(), if res.namespaced { ns } else { "" }, &r.name);
    match m.server().store().get(&key) {
        Ok(Some(s)) => s.value()["metadata"]["uid"].as_str() == Some(r.uid.as_str()),
        Ok(None) => false,
        Err(_) => true,
    }
}

/// One garbage-collection pass.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let mut all: Vec<Item> = m.pods().into_iter().map(Item::Pod).collect();
    all.extend(m.all_cached().into_iter().map(|(resource, obj)| {
        let owners = OwnerRef::all_of(&obj);
        Item::Other { resource, obj, owners }
    }));
    let mut by_uid: HashMap<&str, usize> = HashMap::new();
    let mut dependents: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, item) in all.iter().enumerate() {
        by_uid.insert(item.uid(), i);
        for r in item.owners() {
            dependents.entry(r.uid.as_str()).or_default().push(i);
        }
    }
    // Owners being deleted with a propagation finalizer.
    for owner in all.iter().filter(|o| o.terminating()) {
        let fins = owner.finalizers();
        let uid = owner.uid();
        let deps: &[usize] = dependents.get(uid).map(Vec::as_slice).unwrap_or_default();
        if fins.iter().any(|f| f == ORPHAN) {
            for &d in deps {
                let dep = &all[d];
                m.mutate(&dep.key(), dep.rv(), |v| remove_owners(v, &[uid]))?;
            }
            m.mutate(&owner.key(), owner.rv(), |v| remove_finalizer(v, ORPHAN))?;
        } else if fins.iter().any(|f| f == FOREGROUND) {
            let mut blocking = 0;
            for &d in deps {
                let dep = &all[d];
                if dep.owners().iter().any(|r| r.uid == uid && r.block_owner_deletion == Some(true))
                {
                    blocking += 1;
                }
                if dep.terminating() {
                    continue;
                }
                if dependents.get(dep.uid()).is_some_and(|d| !d.is_empty()) {
                    m.mutate(&dep.key(), None, |v| {
                        let meta = crate::object::meta::metadata_mut(v);
                        let f = meta.entry("finalizers").or_insert_with(|| json!([]));
                        if let Some(a) = f.as_array_mut() {
                            a.push(json!(FOREGROUND));
                        }
                    })?;
                }
                let (g, p) = split(dep.resource());
                m.delete(g, p, dep.namespace(), dep.name())?;
            }
            if blocking == 0 {
                m.mutate(&owner.key(), owner.rv(), |v| remove_finalizer(v, FOREGROUND))?;
            }
        }
    }
    // Dependents whose owners are gone.
    for item in &all {
        let refs = item.owners();
        if refs.is_empty() || item.terminating() {
            continue;
        }
        let ns = item.namespace();
        let gone: Vec<&str> = refs
            .iter()
            .filter(|r| !owner_exists(m, &by_uid, r, ns))
            .map(|r| r.uid.as_str())
            .collect();
        if gone.is_empty() {
            continue;
        }
        if gone.len() == refs.len() {
            let (g, p) = split(item.resource());
            m.delete(g, p, ns, item.name())?;
        } else {
            m.mutate(&item.key(), item.rv(), |v| remove_owners(v, &gone))?;
        }
    }
    Ok(())
}
