//! Discovery and REST mapping: which resources the server offers (aggregated discovery v2 /
//! v2beta1, falling back to the legacy per-group-version documents), an on-disk cache under
//! `--cache-dir` with kubectl's 6 hour TTL, and kubectl's mapping of a type argument
//! (`deploy`, `deployments`, `deployment.v1.apps`, `Deployment`) to a resource.

use super::{Client, Error, Request};
use futures::future::join_all;
use http::{Method, header};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The `Accept` header kubectl sends to `/api` and `/apis`.
pub const AGGREGATED_ACCEPT: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// How long a cached discovery document stays valid (kubectl: 6 hours).
pub const CACHE_TTL: Duration = Duration::from_secs(6 * 60 * 60);

const CACHE_FILE: &str = "kctl-resources.json";

/// One resource the server offers (subresources are not listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiResource {
    /// API group ("" for core).
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name (URL segment).
    pub plural: String,
    /// Singular resource name.
    pub singular: String,
    /// Short names (`deploy`).
    #[serde(default)]
    pub short_names: Vec<String>,
    /// Namespaced (true) or cluster-scoped.
    pub namespaced: bool,
    /// Supported verbs.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Categories (`all`).
    #[serde(default)]
    pub categories: Vec<String>,
    /// True when this is the group's preferred version.
    #[serde(default)]
    pub preferred: bool,
}

impl ApiResource {
    /// True when this is the resource for `kind` in `api_version` (`apps/v1`, `v1`).
    pub fn is_for(&self, api_version: &str, kind: &str) -> bool {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        self.group == group && self.version == version && self.kind == kind
    }

    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps` or `pods`: the name kubectl prints for the resource.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `deployment.apps` or `pod`: the prefix of `kubectl … -o name` output.
    pub fn kind_prefix(&self) -> String {
        let k = self.kind.to_lowercase();
        if self.group.is_empty() { k } else { format!("{k}.{}", self.group) }
    }
}

/// The server's resources.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    preferred: Vec<ApiResource>,
    all: Vec<ApiResource>,
    from_cache: bool,
    cache_file: Option<PathBuf>,
}

/// The URL path of a resource: collection or object, namespaced or cluster-scoped. A
/// namespaced resource without a namespace gives the all-namespaces form.
pub fn resource_path(res: &ApiResource, namespace: Option<&str>, name: Option<&str>) -> String {
    let mut p = if res.group.is_empty() {
        format!("/api/{}", res.version)
    } else {
        format!("/apis/{}/{}", res.group, res.version)
    };
    if res.namespaced
        && let Some(ns) = namespace.filter(|n| !n.is_empty())
    {
        p.push_str("/namespaces/");
        p.push_str(ns);
    }
    p.push('/');
    p.push_str(&res.plural);
    if let Some(n) = name {
        p.push('/');
        p.push_str(n);
    }
    p
}

/// The cache directory of one server: `<cache_dir>/discovery/<host_port>`.
pub fn server_cache_dir(cache_dir: &Path, server: &str) -> PathBuf {
    cache_dir.join("discovery").join(super::config::cache_key(server))
}

impl Discovery {
    /// A discovery over a fixed list (first version of each group is the preferred one when
    /// none is marked).
    pub fn from_resources(mut all: Vec<ApiResource>) -> Discovery {
        if !all.iter().any(|r| r.preferred) {
            let mut first: Vec<(String, String)> = Vec::new();
            for r in &all {
                if !first.iter().any(|(g, _)| g == &r.group) {
                    first.push((r.group.clone(), r.version.clone()));
                }
            }
            for r in &mut all {
                r.preferred = first.iter().any(|(g, v)| g == &r.group && v == &r.version);
            }
        }
        let preferred = all.iter().filter(|r| r.preferred).cloned().collect();
        Discovery { preferred, all, from_cache: false, cache_file: None }
    }

    /// Loads discovery: from the cache under `cache_dir` when fresh, else from the server
    /// (then written to the cache). `None` disables the cache.
    pub async fn load(client: &Client, cache_dir: Option<&Path>) -> Result<Discovery, Error> {
        let cache_file = match (cache_dir, client.base_url()) {
            (Some(dir), Some(base)) => Some(server_cache_dir(dir, base).join(CACHE_FILE)),
            _ => None,
        };
        if let Some(file) = &cache_file
            && let Some(all) = read_cache(file)
        {
            let mut d = Discovery::from_resources(all);
            d.from_cache = true;
            d.cache_file = cache_file;
            return Ok(d);
        }
        let mut d = Discovery::from_resources(fetch(client).await?);
        d.cache_file = cache_file;
        d.write_cache();
        Ok(d)
    }

    /// Re-fetches from the server and rewrites the cache (what kubectl does when a lookup
    /// misses a cached discovery).
    pub async fn refresh(&mut self, client: &Client) -> Result<(), Error> {
        let fresh = Discovery::from_resources(fetch(client).await?);
        self.preferred = fresh.preferred;
        self.all = fresh.all;
        self.from_cache = false;
        self.write_cache();
        Ok(())
    }

    /// True when this discovery was read from the on-disk cache.
    pub fn is_cached(&self) -> bool {
        self.from_cache
    }

    /// Resolves a type argument, re-fetching discovery once if it came from the cache and
    /// the argument is unknown.
    pub async fn resolve_fresh(
        &mut self,
        client: &Client,
        arg: &str,
    ) -> Result<Option<ApiResource>, Error> {
        if let Some(r) = self.resolve(arg) {
            return Ok(Some(r.clone()));
        }
        if self.from_cache {
            self.refresh(client).await?;
            return Ok(self.resolve(arg).cloned());
        }
        Ok(None)
    }

    /// Maps a kind, re-fetching discovery once if it came from the cache and the kind is
    /// unknown.
    pub async fn for_kind_fresh(
        &mut self,
        client: &Client,
        api_version: &str,
        kind: &str,
    ) -> Result<Option<ApiResource>, Error> {
        if let Some(r) = self.for_kind(api_version, kind) {
            return Ok(Some(r.clone()));
        }
        if self.from_cache {
            self.refresh(client).await?;
            return Ok(self.for_kind(api_version, kind).cloned());
        }
        Ok(None)
    }

    fn write_cache(&self) {
        let Some(file) = &self.cache_file else { return };
        let Some(dir) = file.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let body =
            CacheFile { kind: CACHE_KIND.into(), resources: std::borrow::Cow::Borrowed(&self.all) };
        let Ok(body) = serde_json::to_vec(&body) else { return };
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = dir.join(format!(".{CACHE_FILE}.{}", std::process::id()));
        if std::fs::write(&tmp, body).is_ok() && std::fs::rename(&tmp, file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// The preferred version of every resource, in discovery order (core group first).
    pub fn resources(&self) -> &[ApiResource] {
        &self.preferred
    }

    /// Every version of every resource.
    pub fn all_resources(&self) -> &[ApiResource] {
        &self.all
    }

    /// kubectl's REST mapping of a user type argument: short name, plural, singular or kind,
    /// optionally qualified as `name.group` or `name.version.group`.
    pub fn resolve(&self, arg: &str) -> Option<&ApiResource> {
        let arg = arg.trim();
        if arg.is_empty() {
            return None;
        }
        let parts: Vec<&str> = arg.splitn(3, '.').collect();
        if parts.len() == 3
            && let Some(r) = self.find(parts[0], Some(parts[1]), Some(parts[2]))
        {
            return Some(r);
        }
        if let Some((name, group)) = arg.split_once('.')
            && let Some(r) = self.find(name, None, Some(group))
        {
            return Some(r);
        }
        self.find(arg, None, None)
    }

    fn find(&self, name: &str, version: Option<&str>, group: Option<&str>) -> Option<&ApiResource> {
        let lname = name.to_lowercase();
        let in_group = |r: &&ApiResource| group.is_none_or(|g| r.group == g);
        let fits = |r: &&ApiResource| in_group(r) && version.is_none_or(|v| r.version == v);
        let tiers: [&dyn Fn(&ApiResource) -> bool; 4] = [
            &|r| r.short_names.iter().any(|s| s.eq_ignore_ascii_case(&lname)),
            &|r| r.plural == lname,
            &|r| r.singular == lname,
            &|r| r.kind.to_lowercase() == lname,
        ];
        for (i, tier) in tiers.iter().enumerate() {
            // kubectl expands a short name to a group and resource only, dropping the version
            // asked for (`hpa.v1.autoscaling` is the preferred version's resource), unless the
            // name is also a resource's plural or singular name.
            let short = i == 0
                && version.is_some()
                && !self
                    .all
                    .iter()
                    .filter(in_group)
                    .any(|r| r.plural == lname || r.singular == lname);
            let fits = |r: &&ApiResource| if short { in_group(r) } else { fits(r) };
            let hit = self
                .preferred
                .iter()
                .filter(fits)
                .find(|r| tier(r))
                .or_else(|| self.all.iter().filter(fits).find(|r| tier(r)));
            if hit.is_some() {
                return hit;
            }
        }
        None
    }

    /// The resource serving `kind` in `api_version` (`apps/v1`, `v1`).
    pub fn for_kind(&self, api_version: &str, kind: &str) -> Option<&ApiResource> {
        self.all.iter().find(|r| r.is_for(api_version, kind))
    }
}

fn read_cache(file: &Path) -> Option<Vec<ApiResource>> {
    let meta = std::fs::metadata(file).ok()?;
    let age = SystemTime::now().duration_since(meta.modified().ok()?).unwrap_or_default();
    if age > CACHE_TTL {
        return None;
    }
    let text = std::fs::read(file).ok()?;
    let cache: CacheFile<'static> = serde_json::from_slice(&text).ok()?;
    (cache.kind == CACHE_KIND).then(|| cache.resources.into_owned())
}

/// The kind written into the discovery cache file.
const CACHE_KIND: &str = "KctlDiscoveryCache";

/// The discovery cache file: every version of every resource.
#[derive(Serialize, Deserialize)]
struct CacheFile<'a> {
    kind: std::borrow::Cow<'a, str>,
    resources: std::borrow::Cow<'a, [ApiResource]>,
}

/// Fetches discovery from the server: aggregated when the server offers it, else legacy.
pub async fn fetch(client: &Client) -> Result<Vec<ApiResource>, Error> {
    let (core, groups) = futures::join!(root(client, "/api"), root(client, "/apis"));
    let mut out = Vec::new();
    let mut legacy_gvs: Vec<(String, String, bool)> = Vec::new();
    match core? {
        Root::Aggregated(v) => out.extend(parse_aggregated(&v)?),
        Root::Legacy(v) => {
            for ver in v.get("versions").and_then(Value::as_array).into_iter().flatten() {
                if let Some(ver) = ver.as_str() {
                    let preferred = legacy_gvs.is_empty();
                    legacy_gvs.push((String::new(), ver.to_string(), preferred));
                }
            }
        }
    }
    match groups {
        Ok(Root::Aggregated(v)) => out.extend(parse_aggregated(&v)?),
        Ok(Root::Legacy(v)) => legacy_gvs.extend(legacy_group_versions(&v)),
        // A server without groups (only /api) is acceptable.
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
    if !legacy_gvs.is_empty() {
        let docs = join_all(legacy_gvs.iter().map(|(g, v, _)| {
            let path = if g.is_empty() {
                format!("/api/{v}?timeout=32s")
            } else {
                format!("/apis/{g}/{v}?timeout=32s")
            };
            let req =
                Request::new(Method::GET, path).header(header::ACCEPT, "application/json, */*");
            async move { client.request(req).await }
        }))
        .await;
        for ((_, _, preferred), doc) in legacy_gvs.iter().zip(docs) {
            let resp = match doc {
                Ok(r) => r,
                // kubectl tolerates group-versions that fail (partial discovery).
                Err(Error::Api(_)) => continue,
                Err(e) => return Err(e),
            };
            let v: Value = serde_json::from_slice(&resp.body)
                .map_err(|e| Error::Discovery(format!("invalid APIResourceList: {e}")))?;
            out.extend(parse_resource_list(&v, *preferred)?);
        }
    }
    Ok(out)
}

enum Root {
    Aggregated(Value),
    Legacy(Value),
}

async fn root(client: &Client, path: &str) -> Result<Root, Error> {
    let req = Request::new(Method::GET, format!("{path}?timeout=32s"))
        .header(header::ACCEPT, AGGREGATED_ACCEPT);
    let resp = client.request(req).await?;
    let v: Value = serde_json::from_slice(&resp.body)
        .map_err(|e| Error::Discovery(format!("invalid discovery document from {path}: {e}")))?;
    // kubectl chooses the decoder by Content-Type alone.
    if resp.content_type().contains("as=APIGroupDiscoveryList") {
        Ok(Root::Aggregated(v))
    } else {
        Ok(Root::Legacy(v))
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Parses an `APIGroupDiscoveryList` (v2 or v2beta1).
pub fn parse_aggregated(doc: &Value) -> Result<Vec<ApiResource>, Error> {
    let items = doc
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Discovery("APIGroupDiscoveryList without items".into()))?;
    let mut out = Vec::new();
    for item in items {
        let group = item.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
        let mut first = true;
        for ver in item.get("versions").and_then(Value::as_array).into_iter().flatten() {
            let preferred = first;
            first = false;
            if str_of(ver, "freshness") == "Stale" {
                continue;
            }
            let version = str_of(ver, "version");
            for r in ver.get("resources").and_then(Value::as_array).into_iter().flatten() {
                let kind = r.pointer("/responseKind/kind").and_then(Value::as_str).unwrap_or("");
                let plural = str_of(r, "resource");
                if kind.is_empty() || plural.is_empty() {
                    continue;
                }
                let singular = match str_of(r, "singularResource") {
                    "" => kind.to_lowercase(),
                    s => s.to_string(),
                };
                out.push(ApiResource {
                    group: group.to_string(),
                    version: version.to_string(),
                    kind: kind.to_string(),
                    plural: plural.to_string(),
                    singular,
                    short_names: strings(r.get("shortNames")),
                    namespaced: str_of(r, "scope") == "Namespaced",
                    verbs: strings(r.get("verbs")),
                    categories: strings(r.get("categories")),
                    preferred,
                });
            }
        }
    }
    Ok(out)
}

/// The group-versions listed in a legacy `APIGroupList`, with the preferred flag.
pub fn legacy_group_versions(doc: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for g in doc.get("groups").and_then(Value::as_array).into_iter().flatten() {
        let name = str_of(g, "name");
        let preferred = g.pointer("/preferredVersion/version").and_then(Value::as_str);
        let versions: Vec<&str> = g
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| str_of(v, "version"))
            .filter(|v| !v.is_empty())
            .collect();
        let pref = preferred.or(versions.first().copied()).unwrap_or("");
        for v in versions {
            out.push((name.to_string(), v.to_string(), v == pref));
        }
    }
    out
}

/// Parses a legacy `APIResourceList` (subresources are skipped).
pub fn parse_resource_list(doc: &Value, preferred: bool) -> Result<Vec<ApiResource>, Error> {
    let gv = str_of(doc, "groupVersion");
    if gv.is_empty() {
        return Err(Error::Discovery("APIResourceList without groupVersion".into()));
    }
    let (group, version) = gv.rsplit_once('/').unwrap_or(("", gv));
    let mut out = Vec::new();
    for r in doc.get("resources").and_then(Value::as_array).into_iter().flatten() {
        let name = str_of(r, "name");
        let kind = str_of(r, "kind");
        if name.is_empty() || name.contains('/') || kind.is_empty() {
            continue;
        }
        let singular = match str_of(r, "singularName") {
            "" => kind.to_lowercase(),
            s => s.to_string(),
        };
        out.push(ApiResource {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
            plural: name.to_string(),
            singular,
            short_names: strings(r.get("shortNames")),
            namespaced: r.get("namespaced").and_then(Value::as_bool).unwrap_or(false),
            verbs: strings(r.get("verbs")),
            categories: strings(r.get("categories")),
            preferred,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(group: &str, version: &str, kind: &str, plural: &str, short: &[&str]) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: kind.to_lowercase(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            namespaced: true,
            verbs: vec![],
            categories: vec![],
            preferred: false,
        }
    }

    #[test]
    fn paths() {
        let d = res("apps", "v1", "Deployment", "deployments", &[]);
        assert_eq!(
            resource_path(&d, Some("ns"), Some("x")),
            "/apis/apps/v1/namespaces/ns/deployments/x"
        );
        assert_eq!(resource_path(&d, None, None), "/apis/apps/v1/deployments");
        let mut n = res("", "v1", "Namespace", "namespaces", &["ns"]);
        n.namespaced = false;
        assert_eq!(resource_path(&n, Some("ignored"), Some("a")), "/api/v1/namespaces/a");
    }

    #[test]
    fn non_preferred_versions_map_when_asked_for() {
        let d = Discovery::from_resources(vec![
            res(
                "autoscaling",
                "v2",
                "HorizontalPodAutoscaler",
                "horizontalpodautoscalers",
                &["hpa"],
            ),
            res(
                "autoscaling",
                "v1",
                "HorizontalPodAutoscaler",
                "horizontalpodautoscalers",
                &["hpa"],
            ),
        ]);
        assert_eq!(d.resolve("hpa").map(|r| r.version.as_str()), Some("v2"));
        assert_eq!(
            d.resolve("horizontalpodautoscalers.v1.autoscaling").map(|r| r.version.as_str()),
            Some("v1")
        );
        assert_eq!(
            d.resolve("horizontalpodautoscaler.v1.autoscaling").map(|r| r.version.as_str()),
            Some("v1")
        );
        // As kubectl's short name expander: the version of a short name is dropped.
        assert_eq!(d.resolve("hpa.v1.autoscaling").map(|r| r.version.as_str()), Some("v2"));
        assert_eq!(d.resources().len(), 1);
        assert!(d.for_kind("autoscaling/v1", "HorizontalPodAutoscaler").is_some());
    }
}
