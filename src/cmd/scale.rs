//! `kctl scale`: set a new size for a Deployment, ReplicaSet, StatefulSet or
//! ReplicationController through its `scale` subresource.

use super::rollout::targets;
use crate::cli::connect::client_error;
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;
use serde_json::json;

/// Set a new size for a deployment, replica set, replication controller, or stateful set.
///
/// Scale also allows users to specify one or more preconditions for the scale action.
///
/// If --current-replicas or --resource-version is specified, it is validated before the scale
/// is attempted, and it is guaranteed that the precondition holds true when the scale is sent
/// to the server.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Scale a replica set named 'foo' to 3
  kctl scale --replicas=3 rs/foo

  # If the deployment named mysql's current size is 2, scale mysql to 3
  kctl scale --current-replicas=2 --replicas=3 deployment/mysql")]
pub struct ScaleArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    /// The new desired number of replicas. Required.
    #[arg(long)]
    pub replicas: Option<i64>,
    /// Precondition for current size. Requires that the current size of the resource match
    /// this value in order to scale. -1 (default) for no condition.
    #[arg(long, default_value_t = -1)]
    pub current_replicas: i64,
    /// Precondition for resource version. Requires that the current resource version match
    /// this value in order to scale.
    #[arg(long, default_value = "")]
    pub resource_version: String,
}

/// Runs `kctl scale`.
pub async fn run(args: ScaleArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let Some(replicas) = args.replicas.filter(|r| *r >= 0) else {
        return Err(CliError::message(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ));
    };
    let (client, targets) = targets(ctx, &args.args).await?;
    for t in &targets {
        let path = format!("{}/scale", t.path());
        let scale = client.get(&path).await.map_err(client_error)?;
        if args.current_replicas >= 0
            && scale["spec"]["replicas"].as_i64().unwrap_or(0) != args.current_replicas
        {
            return Err(CliError::message(format!(
                "Expected replicas to be {}, was {}",
                args.current_replicas,
                scale["spec"]["replicas"].as_i64().unwrap_or(0)
            )));
        }
        let mut patch = json!({"spec": {"replicas": replicas}});
        if !args.resource_version.is_empty() {
            patch["metadata"] = json!({"resourceVersion": args.resource_version});
        }
        client
            .patch(
                &path,
                "application/merge-patch+json",
                serde_json::to_vec(&patch).unwrap_or_default(),
            )
            .await
            .map_err(client_error)?;
        ctx.io.out(&format!("{} scaled\n", t.display()));
    }
    Ok(Exit::Success)
}
