//! PersistentVolumeClaim binding, as kube-controller-manager's PV controller: a pending
//! claim binds to the smallest Available PersistentVolume that satisfies its class, access
//! modes and size; failing that, a claim of the default StorageClass (or of the simulated
//! `standard` class) gets a dynamically provisioned volume `pvc-<claim uid>`. Volumes whose
//! claim is gone are deleted (`Delete` reclaim policy) or Released (`Retain`).

use super::util::{memory_bytes, terminating};
use super::{ControllerError, Manager, str_at};
use serde_json::{Value, json};
use std::sync::Arc;

/// The provisioner of the simulated default StorageClass.
pub const PROVISIONER: &str = "kctl.dev/hostpath";
/// The event source of the volume controller.
pub const SOURCE: &str = "persistentvolume-controller";

fn size(v: &Value) -> i64 {
    v.as_str().map(memory_bytes).unwrap_or(0)
}

fn default_class(m: &Manager) -> Option<String> {
    let classes = m.server().store().list(&crate::apiserver::store::Scope {
        resource: "storageclasses.storage.k8s.io".into(),
        namespace: None,
    });
    let Ok((classes, _)) = classes else { return None };
    if classes.is_empty() {
        return Some("standard".into());
    }
    classes.iter().map(|s| s.value()).find_map(|c| {
        (c["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true")
            .then(|| str_at(&c, "name").to_string())
    })
}

/// One pass of binding and reclaiming.
pub fn sync(m: &mut Manager) -> Result<(), ControllerError> {
    let claims: Vec<Arc<Value>> = m.objects("", "persistentvolumeclaims");
    let volumes: Vec<Arc<Value>> = m.objects("", "persistentvolumes");
    let mut taken: Vec<String> = Vec::new();
    for pvc in claims.iter().filter(|c| c["status"]["phase"] != "Bound" && !terminating(c)) {
        let want = size(&pvc["spec"]["resources"]["requests"]["storage"]);
        let class = pvc["spec"]["storageClassName"].as_str().map(String::from);
        let modes = pvc["spec"]["accessModes"].as_array().cloned().unwrap_or_default();
        // A named volume, or the smallest fitting Available one.
        let named = pvc["spec"]["volumeName"].as_str().filter(|n| !n.is_empty());
        let candidate = volumes
            .iter()
            .filter(|pv| pv["status"]["phase"] == "Available" || pv["status"]["phase"].is_null())
            .filter(|pv| {
                pv["spec"]["claimRef"].is_null() && !taken.contains(&str_at(pv, "name").to_string())
            })
            .filter(|pv| named.is_none_or(|n| str_at(pv, "name") == n))
            .filter(|pv| {
                pv["spec"]["storageClassName"].as_str().unwrap_or("")
                    == class.as_deref().unwrap_or("")
            })
            .filter(|pv| {
                let have = pv["spec"]["accessModes"].as_array().cloned().unwrap_or_default();
                modes.iter().all(|mode| have.contains(mode))
            })
            .filter(|pv| size(&pv["spec"]["capacity"]["storage"]) >= want)
            .min_by_key(|pv| size(&pv["spec"]["capacity"]["storage"]))
            .cloned();
        let pv = match candidate {
            Some(pv) => Some(pv),
            None if named.is_none() => {
                let class = match class.clone() {
                    Some(c) if !c.is_empty() => Some(c),
                    Some(_) => None,
                    None => default_class(m),
                };
                match class {
                    Some(class) => provision(m, pvc, &class)?,
                    None => None,
                }
            }
            None => None,
        };
        let Some(pv) = pv else { continue };
        taken.push(str_at(&pv, "name").to_string());
        bind(m, pvc, &pv)?;
    }
    // Reclaim volumes whose claim is gone.
    for pv in m.objects("", "persistentvolumes") {
        let r = &pv["spec"]["claimRef"];
        if r.is_null() || pv["status"]["phase"] == "Released" {
            continue;
        }
        let ns = r["namespace"].as_str().unwrap_or_default();
        let name = r["name"].as_str().unwrap_or_default();
        let alive = m
            .cached("", "persistentvolumeclaims", ns, name)
            .is_some_and(|c| c["metadata"]["uid"] == r["uid"]);
        if alive || r["uid"].is_null() {
            continue;
        }
        if pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete" {
            m.delete("", "persistentvolumes", "", str_at(&pv, "name"))?;
        } else {
            let mut new = (*pv).clone();
            new["status"] = json!({"phase": "Released"});
            m.update("", "persistentvolumes", &pv, new)?;
        }
    }
    Ok(())
}

fn provision(
    m: &mut Manager,
    pvc: &Value,
    class: &str,
) -> Result<Option<Arc<Value>>, ControllerError> {
    let name = format!("pvc-{}", str_at(pvc, "uid"));
    let storage = pvc["spec"]["resources"]["requests"]["storage"].clone();
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": name, "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER}},
        "spec": {"capacity": {"storage": if storage.is_null() { json!("1Gi") } else { storage }},
            "accessModes": pvc["spec"]["accessModes"], "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": class, "volumeMode": pvc["spec"]["volumeMode"].as_str().unwrap_or("Filesystem"),
            "hostPath": {"path": format!("/var/local/kctl/{name}"), "type": ""}},
        "status": {"phase": "Available"}});
    let out = m.create("", "persistentvolumes", pv)?;
    if out.is_some() {
        let msg = format!("Successfully provisioned volume {name} using {PROVISIONER}");
        m.event(pvc, "Normal", "ProvisioningSucceeded", &msg, SOURCE);
    }
    Ok(out.or_else(|| m.cached("", "persistentvolumes", "", &name)))
}

fn bind(m: &mut Manager, pvc: &Value, pv: &Value) -> Result<(), ControllerError> {
    let mut new_pv = pv.clone();
    new_pv["spec"]["claimRef"] = json!({"kind": "PersistentVolumeClaim", "namespace": str_at(pvc, "namespace"),
        "name": str_at(pvc, "name"), "uid": str_at(pvc, "uid"), "apiVersion": "v1",
        "resourceVersion": str_at(pvc, "resourceVersion")});
    new_pv["status"] = json!({"phase": "Bound"});
    crate::object::meta::set_annotation(&mut new_pv, "pv.kubernetes.io/bound-by-controller", "yes");
    if m.update("", "persistentvolumes", pv, new_pv)?.is_none() {
        return Ok(());
    }
    let mut new = pvc.clone();
    new["spec"]["volumeName"] = json!(str_at(pv, "name"));
    if new["spec"]["storageClassName"].is_null()
        && let Some(c) = pv["spec"]["storageClassName"].as_str()
    {
        new["spec"]["storageClassName"] = json!(c);
    }
    new["status"] = json!({"phase": "Bound", "accessModes": pv["spec"]["accessModes"], "capacity": pv["spec"]["capacity"]});
    crate::object::meta::set_annotation(&mut new, "pv.kubernetes.io/bind-completed", "yes");
    crate::object::meta::set_annotation(&mut new, "pv.kubernetes.io/bound-by-controller", "yes");
    m.update("", "persistentvolumeclaims", pvc, new)?;
    Ok(())
}
