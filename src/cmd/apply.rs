//! `kctl apply`: client-side (and server-side) declarative apply, as kubectl does it.

use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs, ValidateArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Apply a configuration to a resource by file name or stdin. The resource name must be
/// specified. This resource will be created if it doesn't exist yet. To use 'apply', always
/// create the resource initially with either 'apply' or 'create --save-config'.
///
/// JSON and YAML formats are accepted.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Apply the configuration in pod.json to a pod
  kctl apply -f ./pod.json

  # Apply resources from a directory, recursively
  kctl apply -R -f ./manifests/

  # Apply the JSON passed into stdin to a pod
  cat pod.json | kctl apply -f -

  # Apply the configuration from all files that end with '.json'
  kctl apply --prune -f manifest.yaml -l app=nginx")]
pub struct ApplyArgs {
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
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Automatically resolve conflicts between the modified and live configuration by using
    /// values from the modified configuration
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub overwrite: bool,
    /// If true, immediately remove resources from API and bypass graceful deletion. Note that
    /// immediate deletion of some resources may result in inconsistency or data loss and
    /// requires confirmation.
    #[arg(long)]
    pub force: bool,
    /// Automatically delete resource objects that do not appear in the configs and are created
    /// by either apply or create --save-config. Should be used with either -l or --all.
    #[arg(long)]
    pub prune: bool,
    /// Select all resources in the namespace of the specified resource types.
    #[arg(long)]
    pub all: bool,
    /// Overwrite the default allowlist with <group/version/kind> for --prune
    #[arg(long = "prune-allowlist", value_name = "GVK")]
    pub prune_allowlist: Vec<String>,
    /// If true, apply runs in the server instead of the client.
    #[arg(long)]
    pub server_side: bool,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-client-side-apply")]
    pub field_manager: String,
    /// If true, server-side apply will force the changes against conflicts.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Number of objects applied at once. Output lines keep manifest order.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Check every object with a server-side dry run first, and change nothing if any would fail.
    #[arg(long)]
    pub atomic: bool,
}

/// Runs `kctl apply`.
pub async fn run(args: ApplyArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let manifests = crate::cli::input::load_manifests(&args.files, ctx).await?;
    let _ = manifests;
    Err(super::unavailable("apply"))
}
