//! `kctl patch`: update fields of a resource with a strategic, merge or JSON patch.

use crate::cli::flags::{DryRun, DryRunArgs, FileArgs, OutputArgs};
use crate::cli::resource_args::{self, ResourceArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use crate::client::{ApiResource, resource_path};
use crate::cmd::get::Format;
use crate::object::{gojson, meta};
use clap::{Args, ValueEnum};
use serde_json::Value;

/// `--type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PatchKind {
    /// Strategic merge patch (built-in kinds only).
    Strategic,
    /// RFC 7386 JSON merge patch.
    Merge,
    /// RFC 6902 JSON patch.
    Json,
}

/// Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON
/// patch.
///
/// JSON and YAML formats are accepted.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Partially update a node using a strategic merge patch, specifying the patch as JSON
  kctl patch node k8s-node-1 -p '{\"spec\":{\"unschedulable\":true}}'

  # Update a container's image using a JSON patch with positional arrays
  kctl patch pod valid-pod --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/containers/0/image\", \"value\":\"new image\"}]'")]
pub struct PatchArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    #[command(flatten)]
    /// Output format.
    pub output: OutputArgs,
    #[command(flatten)]
    /// Dry run.
    pub dry_run: DryRunArgs,
    /// The patch to be applied to the resource JSON file.
    #[arg(short = 'p', long)]
    pub patch: Option<String>,
    /// A file containing a patch to be applied to the resource.
    #[arg(long)]
    pub patch_file: Option<String>,
    /// The type of patch being provided; one of [json merge strategic]
    #[arg(long = "type", value_enum, default_value_t = PatchKind::Strategic)]
    pub patch_type: PatchKind,
    /// If true, patch will operate on the content of the file, not the server-side resource.
    #[arg(long)]
    pub local: bool,
    /// If specified, patch will operate on the subresource of the requested object.
    #[arg(long)]
    pub subresource: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-patch")]
    pub field_manager: String,
}

impl PatchKind {
    /// The Content-Type of this patch type.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchKind::Strategic => "application/strategic-merge-patch+json",
            PatchKind::Merge => "application/merge-patch+json",
            PatchKind::Json => "application/json-patch+json",
        }
    }
}

/// The request body for `-p` text, as apimachinery's `yaml.ToJSON` makes it: text that
/// starts with `{` is taken as JSON and sent unchanged; anything else is YAML, converted to
/// compact JSON with sorted keys and no trailing newline.
pub fn patch_body(text: &str) -> Result<String, String> {
    if text.trim_start().starts_with('{') {
        return Ok(text.to_string());
    }
    let v = serde_saphyr::from_str::<Value>(text).map_err(|e| {
        // Only the parser's message, in go-yaml's form: `yaml: <message>`.
        let first = e.to_string();
        let first = first.lines().next().unwrap_or("").to_string();
        let msg = first.rsplit_once(": ").map_or(first.as_str(), |(_, m)| m);
        format!("unable to parse {text:?}: yaml: {msg}")
    })?;
    Ok(gojson::to_string(&v))
}

/// How the result is printed.
#[derive(Debug, Clone)]
enum Output {
    Line,
    Format(Format),
}

fn output(o: Option<&str>) -> Result<Output, CliError> {
    match o {
        None | Some("") => Ok(Output::Line),
        Some(other) => match Format::parse(Some(other)) {
            Ok(f @ (Format::Name | Format::Yaml | Format::Json | Format::JsonPath { .. })) => {
                Ok(Output::Format(f))
            }
            Ok(_) => Err(CliError::message(format!(
                "unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"
            ))),
            Err(e) => Err(e),
        },
    }
}

/// One object to patch: where it lives and, when known, its current state.
#[derive(Debug, Clone)]
struct Subject {
    resource: Option<ApiResource>,
    namespace: Option<String>,
    name: String,
    /// The object read from the server (or the file for `-f`).
    object: Value,
}

/// Runs `kctl patch`.
pub async fn run(args: PatchArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let parsed = ResourceArgs::parse(&args.args)?;
    let given = |o: &Option<String>| o.clone().filter(|s| !s.is_empty());
    let text = match (given(&args.patch), given(&args.patch_file)) {
        (Some(_), Some(_)) => {
            return Err(CliError::message("cannot specify --patch and --patch-file together"));
        }
        (None, None) => {
            return Err(CliError::message(
                "must specify --patch or --patch-file containing the contents of the patch",
            ));
        }
        (Some(p), None) => p,
        (None, Some(f)) => std::fs::read_to_string(&f)
            .map_err(|e| CliError::message(format!("unable to read patch file: {e}")))?,
    };
    if args.local && !parsed.is_empty() {
        return Err(CliError::message("cannot specify --local and server resources"));
    }
    if args.local && args.files.filenames.is_empty() {
        return Err(CliError::message("must specify -f and --local"));
    }
    if parsed.is_empty() && args.files.filenames.is_empty() {
        return Err(CliError::message(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        ));
    }
    if !parsed.is_empty() && !parsed.has_names() {
        return Err(CliError::message("resource(s) were provided, but no name was specified"));
    }
    let out = output(args.output.output.as_deref())?;
    let body = patch_body(&text).map_err(CliError::message)?;
    // The parsed patch, for client-side application; the server judges the bytes itself.
    let patch: Option<Value> = serde_json::from_str(&body).ok();
    let dry = args.dry_run.dry_run;

    let mut subjects: Vec<Subject> = Vec::new();
    let mut errors: Vec<CliError> = Vec::new();
    let mut client = None;
    if !args.files.filenames.is_empty() {
        let manifests =
            crate::cli::input::load_manifests_for_verb(&args.files, ctx, "patch").await?;
        let mut disco = None;
        if !args.local {
            let c = crate::cli::connect::connect(ctx).await?;
            disco = Some(crate::cli::connect::discovery(ctx, &c).await?);
            client = Some(c);
        }
        let default_ns = client
            .as_ref()
            .map(|c| c.default_namespace().to_string())
            .or_else(|| ctx.global.namespace.clone())
            .unwrap_or_else(|| "default".to_string());
        for m in manifests {
            let obj = m.object;
            let mut resource = None;
            if let (Some(c), Some(d)) = (&client, disco.as_mut()) {
                let r = d
                    .for_kind_fresh(
                        c,
                        meta::api_version(&obj).unwrap_or(""),
                        meta::kind(&obj).unwrap_or(""),
                    )
                    .await
                    .map_err(crate::cli::connect::client_error)?;
                match r {
                    Some(r) => resource = Some(r),
                    None => {
                        errors.push(resource_args::no_mapping(&obj, &m.origin.source));
                        continue;
                    }
                }
            }
            let ns = resource_args::object_namespace(
                &obj,
                &default_ns,
                ctx.global.namespace.as_deref(),
            )?;
            let namespaced = resource.as_ref().is_none_or(|r| r.namespaced);
            subjects.push(Subject {
                namespace: namespaced.then_some(ns),
                name: meta::name(&obj).unwrap_or("").to_string(),
                resource,
                object: obj,
            });
        }
    } else {
        let c = crate::cli::connect::connect(ctx).await?;
        let mut disco = crate::cli::connect::discovery(ctx, &c).await?;
        let default_ns = c.default_namespace().to_string();
        for t in resource_args::resolve(&parsed, &mut disco, &c).await? {
            for n in &t.names {
                let ns = t.resource.namespaced.then(|| default_ns.clone());
                let path = resource_path(&t.resource, ns.as_deref(), Some(n));
                match c.get(&path).await {
                    Ok(obj) => subjects.push(Subject {
                        resource: Some(t.resource.clone()),
                        namespace: ns,
                        name: n.clone(),
                        object: obj,
                    }),
                    Err(e) => errors.push(crate::cli::connect::client_error(e)),
                }
            }
        }
        client = Some(c);
    }

    for s in subjects {
        let local = args.local || dry == DryRun::Client;
        let result = if local {
            match &patch {
                Some(p) => apply_local(args.patch_type, &s.object, p).map_err(CliError::message),
                None if args.patch_type == PatchKind::Merge => {
                    Err(CliError::message("Invalid JSON Patch"))
                }
                None => Err(CliError::message("invalid JSON document")),
            }
        } else {
            match (&client, &s.resource) {
                (Some(c), Some(res)) => {
                    let mut path = resource_path(res, s.namespace.as_deref(), Some(&s.name));
                    if let Some(sub) = &args.subresource {
                        path = format!("{path}/{sub}");
                    }
                    let dry_q = if dry == DryRun::Server { "All" } else { "" };
                    let q = resource_args::query(&[
                        ("dryRun", dry_q),
                        ("fieldManager", &args.field_manager),
                    ]);
                    c.patch(&format!("{path}{q}"), args.patch_type.content_type(), body.clone())
                        .await
                        .map_err(|e| patch_error(e, args.patch_type, res))
                }
                _ => Err(CliError::message("no server to patch against")),
            }
        };
        let patched = match result {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let changed = patched != s.object;
        let mut shown = patched.clone();
        crate::print::strip_managed_fields(&mut shown);
        let name = match &s.resource {
            Some(r) => format!("{}/{}", r.kind_prefix(), s.name),
            None => crate::print::name::of(&patched),
        };
        let text = match &out {
            Output::Line if changed => format!("{name} patched\n"),
            Output::Line => format!("{name} patched (no change)\n"),
            Output::Format(Format::Name) => format!("{name}\n"),
            Output::Format(Format::Json) => crate::print::json::to_json(&shown),
            Output::Format(Format::JsonPath { path, as_json }) => {
                let r = if *as_json { path.render_json(&shown) } else { path.render(&shown) };
                match r {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push(crate::cmd::get::jsonpath_exec_error(
                            path,
                            &shown,
                            &e.to_string(),
                        ));
                        continue;
                    }
                }
            }
            Output::Format(_) => crate::print::yaml::to_yaml(&shown),
        };
        ctx.io.out(&text);
    }
    match errors.len() {
        0 => Ok(Exit::Success),
        1 => Err(errors.remove(0)),
        _ => Err(CliError::Many(errors)),
    }
}

/// kubectl's rendering of a failed PATCH: a 415 names the media type and the kind.
fn patch_error(e: crate::client::Error, kind: PatchKind, res: &ApiResource) -> CliError {
    match e {
        crate::client::Error::Api(s) if s.code == 415 => CliError::message(format!(
            "{} is not supported by {}, Kind={}: {}",
            kind.content_type(),
            res.api_version(),
            res.kind,
            s.message
        )),
        other => crate::cli::connect::client_error(other),
    }
}

/// Applies the patch client-side (`--local`, `--dry-run=client`) with kctl's patch engine:
/// strategic merge patch with the built-in patch metadata of the object's kind.
fn apply_local(kind: PatchKind, doc: &Value, patch: &Value) -> Result<Value, String> {
    match kind {
        PatchKind::Merge => {
            if !patch.is_object() {
                return Err("Invalid JSON Patch".into());
            }
            Ok(crate::patch::merge::apply(doc, patch))
        }
        PatchKind::Json => crate::patch::json::apply(doc, patch).map_err(|e| e.to_string()),
        PatchKind::Strategic => {
            if !patch.is_object() {
                return Err("invalid JSON document".into());
            }
            let gvk = crate::object::GroupVersionKind::from_api_version(
                meta::api_version(doc).unwrap_or(""),
                meta::kind(doc).unwrap_or(""),
            );
            let schema = crate::patch::schema::builtin::for_kind(&gvk.group, &gvk.version, &gvk.kind)
                .ok_or_else(|| {
                    format!(
                        "strategic merge patch is not supported for {}, Kind={}: use --type merge or --type json",
                        gvk.api_version(),
                        gvk.kind
                    )
                })?;
            crate::patch::strategic::apply(doc, patch, &*schema).map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_yaml_patches_to_json() {
        assert_eq!(patch_body("spec: {replicas: 6}").unwrap(), "{\"spec\":{\"replicas\":6}}");
        assert_eq!(patch_body(" {\"b\":1,\"a\":2}").unwrap(), " {\"b\":1,\"a\":2}");
        assert_eq!(patch_body("{a:[}").unwrap(), "{a:[}");
        assert_eq!(
            patch_body("[{\"op\":\"replace\",\"value\":4,\"path\":\"/x\"}]").unwrap(),
            "[{\"op\":\"replace\",\"path\":\"/x\",\"value\":4}]"
        );
        assert_eq!(patch_body("notjson:[").unwrap(), "\"notjson:[\"");
        assert!(
            patch_body("a: b: c")
                .unwrap_err()
                .ends_with("yaml: mapping values are not allowed in this context")
        );
    }

    #[test]
    fn applies_merge_and_json_patches_locally() {
        let doc = serde_json::json!({"data": {"a": "1"}});
        let p = serde_json::json!({"data": {"a": null, "b": "2"}});
        assert_eq!(
            apply_local(PatchKind::Merge, &doc, &p).unwrap(),
            serde_json::json!({"data": {"b": "2"}})
        );
        let p = serde_json::json!([{"op": "add", "path": "/data/c", "value": "3"}]);
        assert_eq!(apply_local(PatchKind::Json, &doc, &p).unwrap()["data"]["c"], "3");
        let d = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}});
        let p = serde_json::json!({"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "z"}]}}}});
        let out = apply_local(PatchKind::Strategic, &d, &p).unwrap();
        assert_eq!(out["spec"]["template"]["spec"]["containers"][1]["image"], "z");
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["image"], "x");
    }
}
