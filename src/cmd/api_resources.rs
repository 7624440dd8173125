//! `kctl api-resources`: the resources the server offers.

use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Print the supported API resources on the server.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Print the supported API resources
  kctl api-resources

  # Print the supported API resources with more information
  kctl api-resources -o wide

  # Print the supported namespaced resources
  kctl api-resources --namespaced=true")]
pub struct ApiResourcesArgs {
    /// Output format. One of: (wide, name).
    #[arg(short = 'o', long = "output")]
    pub output: Option<String>,
    /// If false, non-namespaced resources will be returned, otherwise returning namespaced
    /// resources by default.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub namespaced: Option<bool>,
    /// Limit to resources in the specified API group.
    #[arg(long)]
    pub api_group: Option<String>,
    /// If false, non-namespaced resources will be returned.
    #[arg(long)]
    pub no_headers: bool,
    /// Limit to resources that support the specified verbs.
    #[arg(long)]
    pub verbs: Vec<String>,
    /// If non-empty, sort list of resources using specified field. The field can be either
    /// 'name' or 'kind'.
    #[arg(long)]
    pub sort_by: Option<String>,
    /// Use the cached list of resources if available.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub cached: bool,
}

/// Runs `kctl api-resources`.
pub async fn run(_args: ApiResourcesArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("api-resources"))
}
