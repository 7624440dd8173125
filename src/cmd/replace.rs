//! `kctl replace -f`: replace resources by file name or stdin.

use super::create::{file_error, raw_request, send_object, validation, write_query};
use crate::apply::{DryRun, last_applied, patcher::get_live};
use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs, ValidateArgs};
use crate::cli::objects::{self, Resolved};
use crate::cli::{CliError, Ctx, exit::Exit, output::Output};
use crate::client::{Client, discovery::resource_path};
use crate::object::{gojson, meta};
use clap::Args;
use http::Method;
use serde_json::Value;
use std::time::Duration;

/// Replace a resource by file name or stdin.
///
/// JSON and YAML formats are accepted. If replacing an existing resource, the complete resource
/// spec must be provided.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Replace a pod using the data in pod.json
  kctl replace -f ./pod.json

  # Force replace, delete and then re-create the resource
  kctl replace --force -f ./pod.json")]
pub struct ReplaceArgs {
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    #[command(flatten)]
    /// Output format.
    pub output: OutputArgs,
    #[command(flatten)]
    /// Dry run.
    pub dry_run: DryRunArgs,
    #[command(flatten)]
    /// Validation mode.
    pub validate: ValidateArgs,
    /// If true, immediately remove resources from API and bypass graceful deletion. Note that
    /// immediate deletion of some resources may result in inconsistency or data loss and
    /// requires confirmation.
    #[arg(long)]
    pub force: bool,
    /// If true, the configuration of current object will be saved in its annotation.
    #[arg(long)]
    pub save_config: bool,
    /// Raw URI to PUT to the server. Uses the transport specified by the kubeconfig file.
    #[arg(long)]
    pub raw: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-replace")]
    pub field_manager: String,
}

/// Runs `kctl replace`.
pub async fn run(args: ReplaceArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let dry_run = crate::cli::flags::dry_run(&args.dry_run);
    let validation = validation(&args.validate.validate)?;
    let output = Output::parse(args.output.output.as_deref())?;
    if let Some(raw) = &args.raw {
        return raw_request(ctx, Method::PUT, raw, &args.files).await;
    }
    let objects::Loaded { client, objects: objs, .. } =
        objects::load(ctx, &args.files, "replace", true).await?;
    let q = write_query(dry_run, &args.field_manager, validation);
    let mut errors = Vec::new();
    let mut replaced = Vec::new();
    for o in &objs {
        let result = if args.force {
            force_replace(ctx, &client, o, &q, dry_run, args.save_config).await
        } else {
            replace_one(&client, o, &q, dry_run, args.save_config).await
        };
        match result {
            Ok(v) => {
                if output.prints_lines() {
                    ctx.io.out(&output.result_line(&o.slash_name(), "replaced", dry_run));
                }
                replaced.push(v);
            }
            Err(e) => errors.push(e),
        }
    }
    output.print_objects(ctx, replaced);
    if errors.is_empty() { Ok(Exit::Success) } else { Err(CliError::Many(errors)) }
}

fn body(o: &Resolved, save_config: bool) -> Value {
    if save_config { last_applied::with_annotation(&o.object) } else { o.object.clone() }
}

async fn replace_one(
    client: &Client,
    o: &Resolved,
    q: &str,
    dry_run: DryRun,
    save_config: bool,
) -> Result<Value, CliError> {
    let path = resource_path(&o.resource, o.namespace.as_deref(), Some(&o.name));
    let mut obj = body(o, save_config);
    if meta::resource_version(&obj).is_none() {
        let live =
            get_live(client, &path).await.map_err(|e| super::apply::apply_error(e, o, false))?;
        if let Some(rv) = live.as_ref().and_then(|l| meta::resource_version(l)) {
            meta::set_metadata_str(&mut obj, "resourceVersion", rv);
        }
    }
    if dry_run == DryRun::Client {
        return Ok(obj);
    }
    let body = gojson::to_string_nl(&obj);
    send_object(client, Method::PUT, format!("{path}{q}"), body, "replacing", &o.source).await
}

/// `--force`: delete, wait until gone, create.
async fn force_replace(
    ctx: &Ctx,
    client: &Client,
    o: &Resolved,
    q: &str,
    dry_run: DryRun,
    save_config: bool,
) -> Result<Value, CliError> {
    let path = resource_path(&o.resource, o.namespace.as_deref(), Some(&o.name));
    let mut obj = body(o, save_config);
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    if dry_run != DryRun::Client {
        let del = match dry_run {
            DryRun::Server => "{\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}\n",
            _ => "{\"propagationPolicy\":\"Background\"}\n",
        };
        match client.delete(&path, Some(del.into())).await {
            Ok(_) => ctx.io.out(&format!("{} deleted{}\n", o.quoted_name(), dry_run.suffix())),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(file_error(e, "deleting", &o.source)),
        }
        if dry_run == DryRun::None {
            for _ in 0..600 {
                match get_live(client, &path).await {
                    Ok(None) => break,
                    _ => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        }
    }
    if dry_run == DryRun::Client {
        return Ok(obj);
    }
    let collection = resource_path(&o.resource, o.namespace.as_deref(), None);
    let body = gojson::to_string_nl(&obj);
    send_object(client, Method::POST, format!("{collection}{q}"), body, "replacing", &o.source)
        .await
}
