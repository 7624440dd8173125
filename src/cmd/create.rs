//! `kctl create -f`: create resources from files or stdin.

use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs, ValidateArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Create a resource from a file or from stdin.
///
/// JSON and YAML formats are accepted.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Create a pod using the data in pod.json
  kctl create -f ./pod.json

  # Create a pod based on the JSON passed into stdin
  cat pod.json | kctl create -f -")]
pub struct CreateArgs {
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
    /// If true, the configuration of current object will be saved in its annotation. Otherwise,
    /// the annotation will be unchanged. This flag is useful when you want to perform kubectl
    /// apply on this object in the future.
    #[arg(long)]
    pub save_config: bool,
    /// Raw URI to POST to the server. Uses the transport specified by the kubeconfig file.
    #[arg(long)]
    pub raw: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-create")]
    pub field_manager: String,
}

/// Runs `kctl create`.
pub async fn run(_args: CreateArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("create"))
}
