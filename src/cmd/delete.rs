//! `kctl delete`: delete resources by file, by type and name, or by label selector.

use crate::cli::flags::{DryRunArgs, FileArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::{Args, ValueEnum};

/// How dependents are deleted (`--cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Cascade {
    /// The garbage collector deletes dependents in the background.
    Background,
    /// The owner waits until its dependents are deleted.
    Foreground,
    /// Dependents are left behind.
    Orphan,
}

/// Delete resources by file names, stdin, resources and names, or by resources and label
/// selector.
///
/// JSON and YAML formats are accepted. Only one type of argument may be specified: file names,
/// resources and names, or resources and label selector.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Delete a pod using the type and name specified in pod.json
  kctl delete -f ./pod.json

  # Delete pods and services with same names \"baz\" and \"foo\"
  kctl delete pod,service baz foo

  # Delete pods and services with label name=myLabel
  kctl delete pods,services -l name=myLabel

  # Delete all pods
  kctl delete pods --all")]
pub struct DeleteArgs {
    /// TYPE [NAME ...] | TYPE/NAME ...
    #[arg(value_name = "TYPE|TYPE/NAME")]
    pub args: Vec<String>,
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    #[command(flatten)]
    /// Dry run.
    pub dry_run: DryRunArgs,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Selector (field query) to filter on, supports '=', '==', and '!='.
    #[arg(long)]
    pub field_selector: Option<String>,
    /// Delete all resources, in the namespace of the specified resource types.
    #[arg(long)]
    pub all: bool,
    /// If present, list the requested object(s) across all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy
    /// for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.
    #[arg(long, value_enum, default_value_t = Cascade::Background, num_args = 0..=1, default_missing_value = "background", require_equals = true)]
    pub cascade: Cascade,
    /// If true, suppress NotFound error for specific objects that do not exist.
    #[arg(long)]
    pub ignore_not_found: bool,
    /// If true, wait for resources to be gone before returning. This waits for finalizers.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub wait: bool,
    /// Period of time in seconds given to the resource to terminate gracefully. Ignored if
    /// negative. Set to 1 for immediate shutdown.
    #[arg(long, default_value_t = -1, allow_negative_numbers = true)]
    pub grace_period: i64,
    /// If true, resources are signaled for immediate shutdown (same as --grace-period=1).
    #[arg(long)]
    pub now: bool,
    /// If true, immediately remove resources from API and bypass graceful deletion.
    #[arg(long)]
    pub force: bool,
    /// Output mode. Use "-o name" for shorter output (resource/name).
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,
}

/// Runs `kctl delete`.
pub async fn run(_args: DeleteArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("delete"))
}
