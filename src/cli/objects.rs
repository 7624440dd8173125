//! From manifests to targets: every object's kind resolved against discovery, its namespace
//! settled (manifest, `-n`, or the context's), all checked before anything is changed. Kinds
//! that a CustomResourceDefinition in the same set will define resolve through that CRD.

use crate::cli::{CliError, Ctx};
use crate::client::{ApiResource, Client, Discovery};
use crate::manifest::Manifest;
use crate::object::meta;
use serde_json::Value;
use std::sync::Arc;

/// One manifest object, ready to be sent.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The object, with `metadata.namespace` set for namespaced kinds.
    pub object: Value,
    /// The resource serving its kind (shared by every object of that kind).
    pub resource: Arc<ApiResource>,
    /// Its namespace (namespaced kinds only).
    pub namespace: Option<String>,
    /// Its name (empty for `generateName` objects).
    pub name: String,
    /// The file it came from, as kubectl names it in messages.
    pub source: String,
    /// True when the kind is served only once a CRD of this set is established.
    pub pending_crd: bool,
}

impl Resolved {
    /// The object as a listing looks it up.
    pub fn wanted(&self) -> crate::apply::prefetch::Wanted<'_> {
        crate::apply::prefetch::Wanted {
            resource: &self.resource,
            namespace: self.namespace.as_deref(),
            name: &self.name,
        }
    }

    /// `deployment.apps/web`.
    pub fn slash_name(&self) -> String {
        format!("{}/{}", self.resource.kind_prefix(), self.name)
    }

    /// `deployment.apps "web"`.
    pub fn quoted_name(&self) -> String {
        format!("{} \"{}\"", self.resource.kind_prefix(), self.name)
    }

    /// True for Namespaces and CustomResourceDefinitions, which apply sends first.
    pub fn is_foundation(&self) -> bool {
        matches!(
            (self.resource.group.as_str(), self.resource.kind.as_str()),
            ("", "Namespace") | ("apiextensions.k8s.io", "CustomResourceDefinition")
        )
    }

    /// True for a CustomResourceDefinition.
    pub fn is_crd(&self) -> bool {
        self.resource.group == "apiextensions.k8s.io"
            && self.resource.kind == "CustomResourceDefinition"
    }
}

/// The resource a CRD in the manifest set defines for `api_version`/`kind`, if any.
fn from_crds(crds: &[Value], api_version: &str, kind: &str) -> Option<ApiResource> {
    let gv = crate::object::GroupVersion::parse(api_version);
    crds.iter().find_map(|crd| {
        let spec = &crd["spec"];
        let names = &spec["names"];
        let served = spec["versions"].as_array()?.iter().any(|v| v["name"] == gv.version.as_str());
        if spec["group"] != gv.group.as_str() || names["kind"] != kind || !served {
            return None;
        }
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        };
        Some(ApiResource {
            group: gv.group.clone(),
            version: gv.version.clone(),
            kind: kind.to_string(),
            plural: names["plural"].as_str()?.to_string(),
            singular: names["singular"]
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| kind.to_lowercase()),
            short_names: strings(&names["shortNames"]),
            namespaced: spec["scope"] != "Cluster",
            verbs: vec![],
            categories: strings(&names["categories"]),
            preferred: true,
        })
    })
}

/// Resolves every manifest; fails with every problem found (one per line) and sends nothing
/// but discovery requests.
pub async fn resolve_all(
    ctx: &Ctx,
    client: &Client,
    discovery: &mut Discovery,
    manifests: Vec<Manifest>,
    need_name: bool,
) -> Result<Vec<Resolved>, CliError> {
    let explicit_ns = ctx.global.namespace.clone();
    let default_ns = explicit_ns.clone().unwrap_or_else(|| client.default_namespace().to_string());
    let mut out = Vec::with_capacity(manifests.len());
    let mut errors = Vec::new();
    let crds: Vec<Value> = manifests
        .iter()
        .filter(|m| meta::kind(&m.object) == Some("CustomResourceDefinition"))
        .map(|m| m.object.clone())
        .collect();
    // Large sets hold few kinds: each is looked up once.
    let mut kinds: Vec<Arc<ApiResource>> = Vec::new();
    for m in manifests {
        let obj = &m.object;
        let api_version = meta::api_version(obj).unwrap_or("");
        let kind = meta::kind(obj).unwrap_or("");
        let name = meta::name(obj).unwrap_or("").to_string();
        let source = m.origin.source.clone();
        let known = kinds.iter().find(|r| r.is_for(api_version, kind)).cloned();
        let found = match known {
            Some(r) => Some(r),
            None => discovery
                .for_kind_fresh(client, api_version, kind)
                .await
                .map_err(crate::cli::connect::client_error)?
                .map(|r| {
                    let r = Arc::new(r);
                    kinds.push(Arc::clone(&r));
                    r
                }),
        };
        let (resource, pending_crd) = match found {
            Some(r) => (r, false),
            None => match from_crds(&crds, api_version, kind) {
                Some(r) => (Arc::new(r), true),
                None => {
                    errors.push(CliError::message(format!(
                        "resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
                        meta::namespace(obj).unwrap_or("")
                    )));
                    continue;
                }
            },
        };
        if need_name && name.is_empty() {
            errors.push(CliError::message(format!(
                "{}:{}: metadata.name: Required value: name is required (generateName is not supported by this command)",
                m.origin.source, m.origin.line
            )));
            continue;
        }
        let own_ns = meta::namespace(obj).map(String::from);
        let namespace = match (resource.namespaced, own_ns, &explicit_ns) {
            (false, ..) => None,
            (true, Some(own), Some(flag)) if own != *flag => {
                errors.push(CliError::message(format!(
                    "the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."
                )));
                continue;
            }
            (true, own, _) => Some(own.unwrap_or_else(|| default_ns.clone())),
        };
        let mut object = m.object;
        if let Some(ns) = &namespace {
            meta::set_metadata_str(&mut object, "namespace", ns);
        }
        out.push(Resolved { object, resource, namespace, name, source, pending_crd });
    }
    if errors.is_empty() { Ok(out) } else { Err(CliError::Many(errors)) }
}

/// What a verb working on `-f` input starts from: the connected client, discovery, and every
/// object read, checked and resolved — nothing changed yet.
pub struct Loaded {
    /// The connected client.
    pub client: Client,
    /// Discovery, possibly refreshed while resolving.
    pub discovery: Discovery,
    /// The resolved objects, in input order.
    pub objects: Vec<Resolved>,
}

/// Reads `-f` input for `verb`, connects, and resolves every object against discovery.
pub async fn load(
    ctx: &Ctx,
    files: &crate::cli::flags::FileArgs,
    verb: &str,
    need_name: bool,
) -> Result<Loaded, CliError> {
    let manifests = crate::cli::input::load_manifests_for_verb(files, ctx, verb).await?;
    let client = crate::cli::connect::connect(ctx).await?;
    let mut discovery = crate::cli::connect::discovery(ctx, &client).await?;
    let objects = resolve_all(ctx, &client, &mut discovery, manifests, need_name).await?;
    Ok(Loaded { client, discovery, objects })
}
