//! One object's client-side apply, as kubectl's `apply` does it: GET; absent → POST with the
//! last-applied annotation; present → three-way patch (strategic for built-in kinds, JSON merge
//! for everything else), nothing sent when the patch is empty, re-read and retry on 409.

use super::{DryRun, Validation, last_applied, query};
use crate::client::{self, ApiResource, Client, Request, Response, discovery::resource_path};
use crate::object::{Status, gojson, meta};
use crate::patch::schema::{LookupPatchMeta, NoSchema, builtin};
use crate::patch::{self, PatchError, PatchType};
use http::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// How many times a patch is tried when the server answers 409 Conflict.
pub const MAX_PATCH_ATTEMPTS: usize = 5;

/// Apply settings that hold for every object of one invocation.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// `--field-manager`.
    pub field_manager: String,
    /// `--validate`.
    pub validation: Validation,
    /// `--overwrite`: resolve conflicts with the live object in favour of the manifest.
    pub overwrite: bool,
    /// `--force`: delete and re-create when the patch is rejected.
    pub force: bool,
    /// Whether the caller needs the objects the server returns (`-o`, pruning); when not,
    /// responses are not decoded and [`Applied::object`] is null for what was sent.
    pub keep_objects: bool,
}

/// What apply did to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// POSTed.
    Created,
    /// PATCHed (or would have been, under `--dry-run=client`).
    Configured,
    /// The patch was empty: nothing sent.
    Unchanged,
    /// Sent as a server-side apply patch.
    ServerSideApplied,
}

impl Outcome {
    /// The word kubectl prints.
    pub fn verb(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Configured => "configured",
            Outcome::Unchanged => "unchanged",
            Outcome::ServerSideApplied => "serverside-applied",
        }
    }
}

/// The result of applying one object.
#[derive(Debug, Clone)]
pub struct Applied {
    /// What happened.
    pub outcome: Outcome,
    /// The object as the server returned it (or the local object when nothing was sent).
    pub object: Value,
    /// Warnings to print (server `Warning` headers, the missing-annotation warning).
    pub warnings: Vec<String>,
}

/// Why one object could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The server refused a request; `when` is kubectl's `creating`/`patching`/… phrase.
    #[error("{status}")]
    Api {
        /// The server's answer.
        status: Status,
        /// `creating`, `patching`, `deleting`, `replacing`.
        when: &'static str,
    },
    /// The patch could not be computed.
    #[error("{0}")]
    Patch(#[from] PatchError),
    /// The request did not get an answer.
    #[error("{0}")]
    Client(client::Error),
}

fn api_err(when: &'static str) -> impl Fn(client::Error) -> ApplyError {
    move |e| match e {
        client::Error::Api(status) => ApplyError::Api { status, when },
        other => ApplyError::Client(other),
    }
}

/// One object to apply: where it lives and what the manifest says.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The resource serving the object's kind.
    pub resource: &'a ApiResource,
    /// The namespace (namespaced resources only).
    pub namespace: Option<&'a str>,
    /// The object's name.
    pub name: &'a str,
    /// The manifest, with `metadata.namespace` already set for namespaced objects.
    pub manifest: &'a Value,
}

impl Target<'_> {
    /// The object's URL path.
    pub fn path(&self) -> String {
        resource_path(self.resource, self.namespace, Some(self.name))
    }

    /// The collection's URL path.
    pub fn collection(&self) -> String {
        resource_path(self.resource, self.namespace, None)
    }
}

/// How patches are computed for a kind.
#[derive(Clone)]
pub enum PatchPlan {
    /// Strategic merge patch with this metadata (built-in kinds).
    Strategic(Arc<dyn LookupPatchMeta>),
    /// JSON merge patch (custom resources, aggregated APIs).
    Merge,
}

impl PatchPlan {
    /// Built-in kinds get a strategic merge patch, everything else a JSON merge patch, as in
    /// kubectl (whose compiled-in scheme decides, whatever the server's OpenAPI says).
    pub fn for_kind(group: &str, version: &str, kind: &str) -> PatchPlan {
        match builtin::for_kind(group, version, kind) {
            Some(meta) => PatchPlan::Strategic(meta),
            None if is_builtin_group(group) => PatchPlan::Strategic(Arc::new(NoSchema)),
            None => PatchPlan::Merge,
        }
    }

    /// The patch's Content-Type.
    pub fn patch_type(&self) -> PatchType {
        match self {
            PatchPlan::Strategic(_) => PatchType::Strategic,
            PatchPlan::Merge => PatchType::Merge,
        }
    }

    /// The three-way patch from `original` (last applied), `modified` (the manifest) and
    /// `current` (the live object).
    pub fn three_way(
        &self,
        original: &Value,
        modified: &Value,
        current: &Value,
        overwrite: bool,
    ) -> Result<Value, PatchError> {
        match self {
            PatchPlan::Strategic(m) => {
                patch::strategic::create_three_way(original, modified, current, &**m, overwrite)
            }
            PatchPlan::Merge => patch::merge::create_three_way(original, modified, current),
        }
    }
}

/// Groups whose kinds are compiled into kubectl: the core group, unqualified groups (`apps`,
/// `batch`, `policy`, `autoscaling`) and `*.k8s.io`.
pub fn is_builtin_group(group: &str) -> bool {
    group.is_empty() || !group.contains('.') || group.ends_with(".k8s.io")
}

/// True for the empty patch `{}`.
pub fn is_empty_patch(p: &Value) -> bool {
    p.as_object().is_some_and(|m| m.is_empty())
}

/// kubectl's warning for a live object without the last-applied annotation.
pub fn missing_annotation_warning(resource: &ApiResource, name: &str) -> String {
    format!(
        "resource {}/{} is missing the kubectl.kubernetes.io/last-applied-configuration \
         annotation which is required by kubectl apply. kubectl apply should only be used on \
         resources created declaratively by either kubectl create --save-config or kubectl \
         apply. The missing annotation will be patched automatically.",
        resource.plural, name
    )
}

fn write_query(opts: &Options) -> String {
    let validation = opts.validation.query_value();
    match opts.dry_run {
        DryRun::Server => query(&[
            ("dryRun", "All"),
            ("fieldManager", &opts.field_manager),
            ("fieldValidation", validation),
        ]),
        _ => query(&[("fieldManager", &opts.field_manager), ("fieldValidation", validation)]),
    }
}

async fn send_json(
    client: &Client,
    req: Request,
    when: &'static str,
    opts: &Options,
) -> Result<(Value, Vec<String>), ApplyError> {
    let resp: Response = client.request(req).await.map_err(api_err(when))?;
    let value = match opts.keep_objects {
        true => serde_json::from_slice(&resp.body).unwrap_or(Value::Null),
        false => Value::Null,
    };
    Ok((value, resp.warnings()))
}

/// Reads the live object; `None` when it does not exist.
pub async fn get_live(client: &Client, path: &str) -> Result<Option<Value>, ApplyError> {
    match client.get(path).await {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(api_err("retrieving")(e)),
    }
}

/// Creates the object as apply does (POST with the annotation, nulls dropped).
pub async fn create(
    client: &Client,
    t: &Target<'_>,
    opts: &Options,
) -> Result<Applied, ApplyError> {
    let body = last_applied::create_body(t.manifest);
    if opts.dry_run == DryRun::Client {
        let object = serde_json::from_str(&body).unwrap_or(Value::Null);
        return Ok(Applied { outcome: Outcome::Created, object, warnings: vec![] });
    }
    let path = format!("{}{}", t.collection(), write_query(opts));
    let req = Request::new(Method::POST, path).body("application/json", body);
    let (object, warnings) = send_json(client, req, "creating", opts).await?;
    Ok(Applied { outcome: Outcome::Created, object, warnings })
}

/// Applies an object that cannot exist yet because its namespace was created by this same
/// apply: POSTs at once and takes the read-and-patch path only if the server answers that
/// it exists after all (someone else made it in the meantime).
pub async fn apply_new(
    client: &Client,
    t: &Target<'_>,
    opts: &Options,
) -> Result<Applied, ApplyError> {
    match create(client, t, opts).await {
        Err(ApplyError::Api { status, .. }) if status.reason == "AlreadyExists" => {
            apply(client, t, opts).await
        }
        other => other,
    }
}

/// Applies one object: create, patch, or nothing.
pub async fn apply(client: &Client, t: &Target<'_>, opts: &Options) -> Result<Applied, ApplyError> {
    match get_live(client, &t.path()).await? {
        None => create(client, t, opts).await,
        Some(live) => apply_to(client, t, opts, live).await,
    }
}

/// Applies one object whose live state was already read: patch, or nothing.
pub async fn apply_to(
    client: &Client,
    t: &Target<'_>,
    opts: &Options,
    mut live: Value,
) -> Result<Applied, ApplyError> {
    let path = t.path();
    if opts.dry_run == DryRun::Client {
        return Ok(Applied { outcome: Outcome::Configured, object: live, warnings: vec![] });
    }
    let gv = crate::object::GroupVersion::parse(meta::api_version(t.manifest).unwrap_or(""));
    let plan = PatchPlan::for_kind(&gv.group, &gv.version, meta::kind(t.manifest).unwrap_or(""));
    let modified = last_applied::with_annotation(t.manifest);
    let mut warnings = Vec::new();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let original = match last_applied::stored(&live) {
            Some(o) => o,
            None => {
                if attempt == 1 {
                    warnings.push(missing_annotation_warning(t.resource, t.name));
                }
                json!({})
            }
        };
        let patch = plan.three_way(&original, &modified, &live, opts.overwrite)?;
        if is_empty_patch(&patch) {
            return Ok(Applied { outcome: Outcome::Unchanged, object: live, warnings });
        }
        let body = gojson::to_string(&patch);
        let req = Request::new(Method::PATCH, format!("{path}{}", write_query(opts)))
            .body(plan.patch_type().content_type(), body);
        match send_json(client, req, "patching", opts).await {
            Ok((object, w)) => {
                warnings.extend(w);
                return Ok(Applied { outcome: Outcome::Configured, object, warnings });
            }
            Err(ApplyError::Api { status, .. })
                if status.is_conflict() && attempt < MAX_PATCH_ATTEMPTS =>
            {
                if attempt > 1 {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                match get_live(client, &path).await? {
                    Some(fresh) => live = fresh,
                    None => return create(client, t, opts).await,
                }
            }
            Err(ApplyError::Api { status, when }) if opts.force && force_recreates(&status) => {
                let _ = when;
                return recreate(client, t, opts, warnings).await;
            }
            Err(e) => return Err(e),
        }
    }
}

fn force_recreates(status: &Status) -> bool {
    matches!(status.reason.as_str(), "Invalid" | "Conflict" | "BadRequest")
}

/// `--force`: delete the object, wait until it is gone, create it again.
async fn recreate(
    client: &Client,
    t: &Target<'_>,
    opts: &Options,
    mut warnings: Vec<String>,
) -> Result<Applied, ApplyError> {
    let path = t.path();
    let body = match opts.dry_run {
        DryRun::Server => "{\"propagationPolicy\":\"Foreground\",\"dryRun\":[\"All\"]}\n",
        _ => "{\"propagationPolicy\":\"Foreground\"}\n",
    };
    client.delete(&path, Some(body.into())).await.map_err(api_err("deleting"))?;
    if opts.dry_run == DryRun::None {
        for _ in 0..300 {
            if get_live(client, &path).await?.is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let mut created = create(client, t, opts).await?;
    warnings.append(&mut created.warnings);
    Ok(Applied { outcome: Outcome::Configured, object: created.object, warnings })
}

/// Server-side apply of one object: the manifest, whole, as an apply patch.
pub async fn server_side(
    client: &Client,
    t: &Target<'_>,
    opts: &Options,
    force_conflicts: bool,
) -> Result<Applied, ApplyError> {
    let force = if force_conflicts { "true" } else { "false" };
    let validation = opts.validation.query_value();
    let q = match opts.dry_run {
        DryRun::Server => query(&[
            ("dryRun", "All"),
            ("fieldManager", &opts.field_manager),
            ("fieldValidation", validation),
            ("force", force),
        ]),
        _ => query(&[
            ("fieldManager", &opts.field_manager),
            ("fieldValidation", validation),
            ("force", force),
        ]),
    };
    let body = gojson::to_string_nl(t.manifest);
    let req = Request::new(Method::PATCH, format!("{}{q}", t.path()))
        .body(PatchType::Apply.content_type(), body);
    let (object, warnings) = send_json(client, req, "patching", opts).await?;
    Ok(Applied { outcome: Outcome::ServerSideApplied, object, warnings })
}
