//! `kctl diff -f`: live objects against what apply would make of them.

use crate::cli::flags::FileArgs;
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Diff configurations specified by file name or stdin between the current online
/// configuration, and the configuration as it would be if applied.
///
/// The output is always YAML. Exit status: 0 no differences were found, 1 differences were
/// found, >1 kctl or diff failed with an error. KUBECTL_EXTERNAL_DIFF names an external diff
/// program to use instead of kctl's own renderer.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Diff resources included in pod.json
  kctl diff -f pod.json

  # Diff file read from stdin
  cat service.yaml | kctl diff -f -")]
pub struct DiffArgs {
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Include resources that would be deleted by pruning. Can be used with -l and default
    /// shows all resources would be pruned
    #[arg(long)]
    pub prune: bool,
    /// If true, apply runs in the server instead of the client.
    #[arg(long)]
    pub server_side: bool,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-client-side-apply")]
    pub field_manager: String,
    /// If true, server-side apply will force the changes against conflicts.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Number of objects to process in parallel when diffing against the live version.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Show secret values instead of masking them.
    #[arg(long)]
    pub show_secret: bool,
}

/// Runs `kctl diff`.
pub async fn run(_args: DiffArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("diff"))
}
