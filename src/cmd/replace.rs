//! `kctl replace -f`: replace resources by file name or stdin.

use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs, ValidateArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

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
pub async fn run(_args: ReplaceArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("replace"))
}
