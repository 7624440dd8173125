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

use super::util::terminating;
use super::{ControllerError, Manager, resource_of_kind, str_at};
use crate::apiserver::store::Key;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The finalizer of foreground deletion.
pub const FOREGROUND: &str = "foregroundDeletion";
/// The finalizer of orphaning deletion.
pub const ORPHAN: &str = "orphan";

fn split(resource: &str) -> (&str, &str) {
    match resource.split_once('.') {
        Some((plural, group)) => (group, plural),
        None => ("", resource),
    }
}

fn finalizers(obj: &Value) -> Vec<String> {
    crate::apiserver::objects::finalizers(obj)
}

fn without_finalizer(obj: &Value, f: &str) -> Value {
    let mut new = obj.clone();
    if let Some(a) = new["metadata"]["finalizers"].as_array_mut() {
        a.retain(|x| x != f);
        if a.is_empty() {
            crate::object::meta::metadata_mut(&mut new).remove("finalizers");
        }
    }
    new
}

fn without_owner(obj: &Value, uids: &[&str]) -> Value {
    let mut new = obj.clone();
    if let Some(a) = new["metadata"]["ownerReferences"].as_array_mut() {
        a.retain(|r| !uids.contains(&r["uid"].as_str().unwrap_or_default()));
        if a.is_empty() {
            crate::object::meta::metadata_mut(&mut new).remove("ownerReferences");
        }
    }
    new
}

/// Whether the owner a reference names still exists (same uid).
fn owner_exists(m: &Manager, by_uid: &HashMap<String, Arc<Value>>, r: &Value, ns: &str) -> bool {
    let uid = r["uid"].as_str().unwrap_or_default();
    if by_uid.contains_key(uid) {
        return true;
    }
    let (Some(av), Some(kind), Some(name)) =
        (r["apiVersion"].as_str(), r["kind"].as_str(), r["name"].as_str())
    else {
        return false;
    };
    let Some(res) = resource_of_kind(av, kind) else {
        // An owner of a kind we cannot resolve (a custom resource): never collect on a guess.
        return true;
    };
    // Not cached (or not yet): ask the store, so a watch lagging behind never deletes.
    let key = Key::new(&res.group_resource(), if res.namespaced { ns } else { "" }, name);
    match m.server().store().get(&key) {
        Ok(Some(s)) => s.value()["metadata"]["uid"].as_str() == Some(uid),
        Ok(None) => false,
        Err(_) => true,
    }
}

/// One garbage-collection pass.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let all = m.all_cached();
    let mut by_uid: HashMap<String, Arc<Value>> = HashMap::new();
    let mut dependents: HashMap<String, Vec<(String, Arc<Value>)>> = HashMap::new();
    for (res, obj) in &all {
        by_uid.insert(str_at(obj, "uid").to_string(), obj.clone());
        for r in obj["metadata"]["ownerReferences"].as_array().into_iter().flatten() {
            if let Some(uid) = r["uid"].as_str() {
                dependents.entry(uid.to_string()).or_default().push((res.clone(), obj.clone()));
            }
        }
    }
    // Owners being deleted with a propagation finalizer.
    for (res, obj) in &all {
        if !terminating(obj) {
            continue;
        }
        let fins = finalizers(obj);
        let (group, plural) = split(res);
        let uid = str_at(obj, "uid");
        let deps = dependents.get(uid).cloned().unwrap_or_default();
        if fins.iter().any(|f| f == ORPHAN) {
            for (dres, dep) in &deps {
                let (g, p) = split(dres);
                m.update(g, p, dep, without_owner(dep, &[uid]))?;
            }
            m.update(group, plural, obj, without_finalizer(obj, ORPHAN))?;
        } else if fins.iter().any(|f| f == FOREGROUND) {
            let mut blocking = 0;
            for (dres, dep) in &deps {
                let (g, p) = split(dres);
                let blocks = dep["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| r["uid"] == uid && r["blockOwnerDeletion"] == true);
                if blocks {
                    blocking += 1;
                }
                if terminating(dep) {
                    continue;
                }
                let owns = dependents.get(str_at(dep, "uid")).is_some_and(|d| !d.is_empty());
                let dep = if owns {
                    let mut new = (**dep).clone();
                    let meta = crate::object::meta::metadata_mut(&mut new);
                    let f = meta.entry("finalizers").or_insert_with(|| json!([]));
                    if let Some(a) = f.as_array_mut() {
                        a.push(json!(FOREGROUND));
                    }
                    m.update(g, p, dep, new)?.unwrap_or_else(|| dep.clone())
                } else {
                    dep.clone()
                };
                m.delete(g, p, str_at(&dep, "namespace"), str_at(&dep, "name"))?;
            }
            if blocking == 0 {
                m.update(group, plural, obj, without_finalizer(obj, FOREGROUND))?;
            }
        }
    }
    // Dependents whose owners are gone.
    for (res, obj) in &all {
        let refs = obj["metadata"]["ownerReferences"].as_array().cloned().unwrap_or_default();
        if refs.is_empty() || terminating(obj) {
            continue;
        }
        let ns = str_at(obj, "namespace");
        let gone: Vec<&str> = refs
            .iter()
            .filter(|r| !owner_exists(m, &by_uid, r, ns))
            .filter_map(|r| r["uid"].as_str())
            .collect();
        if gone.is_empty() {
            continue;
        }
        let (g, p) = split(res);
        if gone.len() == refs.len() {
            m.delete(g, p, ns, str_at(obj, "name"))?;
        } else {
            m.update(g, p, obj, without_owner(obj, &gone))?;
        }
    }
    Ok(())
}
