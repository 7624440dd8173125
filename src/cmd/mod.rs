//! One file per verb; one `Command` enum and one flat match.

pub mod api_resources;
pub mod apply;
pub mod apply_last_applied;
pub mod auth;
pub mod completion;
pub mod create;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod get;
pub mod logs;
pub mod patch;
pub mod replace;
pub mod rollout;
pub mod scale;
pub mod serve;
pub mod version;

use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Subcommand;

/// Every kctl command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply a configuration to a resource by file name or stdin
    Apply(apply::ApplyArgs),
    /// Create a resource from a file or from stdin
    Create(create::CreateArgs),
    /// Replace a resource by file name or stdin
    Replace(replace::ReplaceArgs),
    /// Diff the live version against a would-be applied version
    Diff(diff::DiffArgs),
    /// Display one or many resources
    Get(get::GetArgs),
    /// Delete resources by file names, stdin, resources and names, or by resources and label selector
    Delete(delete::DeleteArgs),
    /// Update fields of a resource
    Patch(patch::PatchArgs),
    /// Run the bundled Kubernetes-compatible apiserver
    Serve(serve::ServeArgs),
    /// Inspect authorization
    Auth(auth::AuthArgs),
    /// Output shell completion code for the specified shell (bash, zsh, fish, powershell, or elvish)
    Completion(completion::CompletionArgs),
    /// Print the client and server version information
    Version(version::VersionArgs),
    /// Print the supported API resources on the server
    #[command(name = "api-resources")]
    ApiResources(api_resources::ApiResourcesArgs),
    /// Manage the rollout of a resource
    Rollout(rollout::RolloutArgs),
    /// Set a new size for a deployment, replica set, or stateful set
    Scale(scale::ScaleArgs),
    /// Show details of a specific resource or group of resources
    Describe(describe::DescribeArgs),
    /// Print the logs for a container in a pod
    Logs(logs::LogsArgs),
}

/// Runs one command.
pub async fn run(command: Command, ctx: &Ctx) -> Result<Exit, CliError> {
    match command {
        Command::Apply(args) => apply::run(args, ctx).await,
        Command::Create(args) => create::run(args, ctx).await,
        Command::Replace(args) => replace::run(args, ctx).await,
        Command::Diff(args) => diff::run(args, ctx).await,
        Command::Get(args) => get::run(args, ctx).await,
        Command::Delete(args) => delete::run(args, ctx).await,
        Command::Patch(args) => patch::run(args, ctx).await,
        Command::Serve(args) => serve::run(args, ctx).await,
        Command::Auth(args) => auth::run(args, ctx).await,
        Command::Completion(args) => completion::run(args, ctx),
        Command::Version(args) => version::run(args, ctx).await,
        Command::ApiResources(args) => api_resources::run(args, ctx).await,
        Command::Rollout(args) => rollout::run(args, ctx).await,
        Command::Scale(args) => scale::run(args, ctx).await,
        Command::Describe(args) => describe::run(args, ctx).await,
        Command::Logs(args) => logs::run(args, ctx).await,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        crate::cli::command().debug_assert();
    }
}
