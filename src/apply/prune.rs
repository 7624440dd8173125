//! `apply --prune`: after applying, delete the objects that carry the last-applied annotation,
//! match the selector, and were not part of this apply — over kubectl's default allowlist (or
//! `--prune-allowlist`), in kubectl's order.

use super::{DryRun, query};
use crate::client::{self, ApiResource, Client, Discovery, discovery::resource_path};
use crate::object::{LAST_APPLIED_ANNOTATION, meta};
use serde_json::Value;
use std::collections::BTreeSet;

/// kubectl's default prune allowlist, in the order kubectl lists the kinds
/// (`group/version/Kind`, core as `core/v1`).
pub const DEFAULT_ALLOWLIST: [&str; 16] = [
    "core/v1/ConfigMap",
    "core/v1/Endpoints",
    "core/v1/PersistentVolumeClaim",
    "core/v1/Pod",
    "core/v1/ReplicationController",
    "core/v1/Secret",
    "core/v1/Service",
    "batch/v1/Job",
    "batch/v1/CronJob",
    "networking.k8s.io/v1/Ingress",
    "apps/v1/DaemonSet",
    "apps/v1/Deployment",
    "apps/v1/ReplicaSet",
    "apps/v1/StatefulSet",
    "core/v1/Namespace",
    "core/v1/PersistentVolume",
];

/// kubectl's deprecation notice, printed whenever no allowlist is given.
pub const DEPRECATION: &str = "Deprecated: kubectl apply will no longer prune non-namespaced \
resources by default when used with the --namespace flag in a future release. To preserve the \
current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag.";

/// Resolves allowlist entries (`core/v1/ConfigMap`, `apps/v1/Deployment`) to resources.
pub fn resolve_allowlist(
    discovery: &Discovery,
    entries: &[String],
) -> Result<Vec<ApiResource>, String> {
    entries
        .iter()
        .map(|e| {
            let parts: Vec<&str> = e.split('/').collect();
            let [group, version, kind] = parts[..] else {
                return Err(format!(
                    "invalid GroupVersionKind format: {e}, please follow <group/version/kind>"
                ));
            };
            let group = if group == "core" { "" } else { group };
            let api_version =
                if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
            discovery.for_kind(&api_version, kind).cloned().ok_or_else(|| {
                format!("no matches for kind \"{kind}\" in version \"{api_version}\"")
            })
        })
        .collect()
}

/// One object to prune.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its resource.
    pub resource: ApiResource,
    /// The listed object.
    pub object: Value,
}

/// Lists the prune candidates: annotated objects matching `selector` whose uid is not in
/// `applied_uids`, namespaced kinds in each of `namespaces`, then cluster-scoped kinds.
pub async fn candidates(
    client: &Client,
    kinds: &[ApiResource],
    namespaces: &BTreeSet<String>,
    selector: Option<&str>,
    applied_uids: &BTreeSet<String>,
) -> Result<Vec<Candidate>, client::Error> {
    let q = match selector {
        Some(s) => query(&[("labelSelector", s)]),
        None => String::new(),
    };
    let mut scopes: Vec<(ApiResource, Option<String>)> = Vec::new();
    for ns in namespaces {
        scopes.extend(kinds.iter().filter(|k| k.namespaced).map(|k| (k.clone(), Some(ns.clone()))));
    }
    scopes.extend(kinds.iter().filter(|k| !k.namespaced).map(|k| (k.clone(), None)));
    let mut out = Vec::new();
    for (res, ns) in scopes {
        let list = client.get(&format!("{}{q}", resource_path(&res, ns.as_deref(), None))).await?;
        for item in list["items"].as_array().into_iter().flatten() {
            let annotated = meta::annotation(item, LAST_APPLIED_ANNOTATION).is_some();
            let applied = meta::uid(item).is_some_and(|u| applied_uids.contains(u));
            if annotated && !applied {
                out.push(Candidate { resource: res.clone(), object: item.clone() });
            }
        }
    }
    Ok(out)
}

/// Deletes one candidate as kubectl's prune does.
pub async fn delete(client: &Client, c: &Candidate, dry_run: DryRun) -> Result<(), client::Error> {
    if dry_run == DryRun::Client {
        return Ok(());
    }
    let body = match dry_run {
        DryRun::Server => {
            "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}\n"
        }
        _ => {
            "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}\n"
        }
    };
    let path = resource_path(&c.resource, meta::namespace(&c.object), meta::name(&c.object));
    client.delete(&path, Some(body.into())).await.map(|_| ())
}
