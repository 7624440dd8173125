//! `kctl patch`: update fields of a resource with a strategic, merge or JSON patch.

use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::{Args, ValueEnum};

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

/// Runs `kctl patch`.
pub async fn run(_args: PatchArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("patch"))
}
