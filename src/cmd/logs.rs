//! `kctl logs`: print a container's logs. Against a real cluster this reads the pod's `log`
//! subresource; pods of the bundled apiserver run on simulated nodes and have no logs, which
//! it says plainly.

use super::rollout::targets;
use crate::cli::connect::client_error;
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Print the logs for a container in a pod or specified resource.
///
/// If the pod has only one container, the container name is optional.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Return snapshot logs from pod nginx with only one container
  kctl logs nginx

  # Return snapshot logs from container ruby of pod web-1
  kctl logs web-1 -c ruby")]
pub struct LogsArgs {
    /// POD | TYPE/NAME
    #[arg(value_name = "POD")]
    pub name: String,
    /// Print the logs of this container.
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// Specify if the logs should be streamed.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Lines of recent log file to display.
    #[arg(long, default_value_t = -1)]
    pub tail: i64,
}

/// Runs `kctl logs`.
pub async fn run(args: LogsArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let arg =
        if args.name.contains('/') { args.name.clone() } else { format!("pods/{}", args.name) };
    let (client, targets) = targets(ctx, &[arg]).await?;
    let t = &targets[0];
    let pod = client.get(&t.path()).await.map_err(client_error)?;
    let provider =
        pod["status"]["containerStatuses"][0]["containerID"].as_str().unwrap_or_default();
    if provider.starts_with("kctl://") {
        ctx.io.err(&format!(
            "pod {}/{} runs on a simulated node of kctl's bundled apiserver: no container runs, so there are no logs\n",
            t.namespace, t.name
        ));
        return Ok(Exit::Success);
    }
    let mut path = format!("{}/log", t.path());
    let mut q = Vec::new();
    if let Some(c) = &args.container {
        q.push(format!("container={c}"));
    }
    if args.tail >= 0 {
        q.push(format!("tailLines={}", args.tail));
    }
    if !q.is_empty() {
        path = format!("{path}?{}", q.join("&"));
    }
    let resp = client
        .request(crate::client::Request::new(http::Method::GET, path))
        .await
        .map_err(client_error)?;
    ctx.io.out(&String::from_utf8_lossy(&resp.body));
    Ok(Exit::Success)
}
