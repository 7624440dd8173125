//! `kctl apply set-last-applied -f FILE`: sets each live object's last-applied-configuration
//! annotation to the file's object, as if `kctl apply -f FILE` had been run, without changing
//! anything else. Like kubectl, it first reads every object (an object already holding exactly
//! that configuration prints `set-last-applied NAME: no changes required.`; one without the
//! annotation is an error unless `--create-annotation`), then sends one JSON merge patch of
//! the annotation per changed object.

use crate::apply::{DryRun, last_applied};
use crate::cli::flags::{DryRunArgs, OutputArgs};
use crate::cli::output::Output;
use crate::cli::resource_args;
use crate::cli::{CliError, Ctx, connect, exit::Exit};
use clap::Args;
use serde_json::Value;

/// Set the latest last-applied-configuration annotations by setting it to match the contents
/// of a file. This results in the last-applied-configuration being updated as though 'kctl
/// apply -f <file>' was run, without updating any other parts of the object.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Set the last-applied-configuration of a resource to match the contents of a file
  kctl apply set-last-applied -f deploy.yaml

  # Execute set-last-applied against each configuration file in a directory
  kctl apply set-last-applied -f path/

  # Set the last-applied-configuration of a resource to match the contents of a file; will create the annotation if it does not already exist
  kctl apply set-last-applied -f deploy.yaml --create-annotation=true")]
pub struct SetArgs {
    /// Accepted and ignored, as kubectl does: objects are named by `-f` only.
    #[arg(hide = true)]
    pub args: Vec<String>,
    /// Filename, directory, or URL to files that contains the last-applied-configuration
    /// annotations
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filenames: Vec<String>,
    /// Will create 'last-applied-configuration' annotations if current objects doesn't have one
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, action = clap::ArgAction::Set, default_value_t = false)]
    pub create_annotation: bool,
    #[command(flatten)]
    /// Dry run.
    pub dry_run: DryRunArgs,
    #[command(flatten)]
    /// Output format.
    pub output: OutputArgs,
}

/// One object whose annotation will change.
struct Change {
    live: super::Live,
    patch: String,
}

/// Runs `kctl apply set-last-applied`.
pub async fn run(args: SetArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let output = Output::parse(args.output.output.as_deref())?;
    let dry_run = crate::cli::flags::dry_run(&args.dry_run);
    let files = crate::cli::flags::FileArgs { filenames: args.filenames.clone(), recursive: false };
    if files.filenames.is_empty() {
        return Err(CliError::message(super::NO_RESOURCES));
    }
    let loaded = crate::cli::objects::load(ctx, &files, "apply", true).await?;
    let client = loaded.client;
    let mut changes = Vec::new();
    for o in loaded.objects {
        let value = last_applied::set_value(&o.object);
        let path = crate::client::resource_path(&o.resource, o.namespace.as_deref(), Some(&o.name));
        let live = client.get(&path).await.map_err(connect::client_error)?;
        let stored = last_applied::stored_text(&live);
        if stored.is_none() && !args.create_annotation {
            return Err(CliError::message(format!(
                "no last-applied-configuration annotation found on resource: {}, to create the annotation, run the command with --create-annotation",
                o.name
            )));
        }
        if stored.is_some_and(|s| last_applied::same_config(s, &value)) {
            ctx.io.out(&format!("set-last-applied {}: no changes required.\n", o.name));
            continue;
        }
        let live = super::Live {
            resource: std::sync::Arc::unwrap_or_clone(o.resource),
            namespace: o.namespace,
            name: o.name,
            object: live,
        };
        changes.push(Change { live, patch: last_applied::set_patch(&value) });
    }
    for c in changes {
        let result: Value = if dry_run == DryRun::Client {
            c.live.object.clone()
        } else {
            let q = resource_args::query(&[(
                "dryRun",
                if dry_run == DryRun::Server { "All" } else { "" },
            )]);
            client
                .patch(&format!("{}{q}", c.live.path()), "application/merge-patch+json", c.patch)
                .await
                .map_err(connect::client_error)?
        };
        if output.prints_lines() {
            ctx.io.out(&output.result_line(&c.live.slash_name(), "configured", dry_run));
        } else {
            output.print_objects(ctx, vec![result]);
        }
    }
    Ok(Exit::Success)
}
