//! The command line: global flags (kubectl's names and meanings), parsing, dispatch, error
//! rendering and exit codes.

pub mod complete;
pub mod connect;
pub mod ctx;
pub mod error;
pub mod exit;
pub mod flags;
pub mod global;
pub mod input;
pub mod local;
pub mod objects;
pub mod output;
pub mod resource_args;

use clap::{CommandFactory, FromArgMatches, Parser};
use std::process::ExitCode;

pub use ctx::Ctx;
pub use error::CliError;
pub use global::GlobalArgs;

/// kctl controls Kubernetes clusters, and runs one of its own.
#[derive(Debug, Parser)]
#[command(
    name = "kctl",
    version,
    about = "kctl controls the Kubernetes cluster manager, and runs a local one of its own.",
    long_about = "kctl controls the Kubernetes cluster manager, and runs a local one of its own.\n\n\
Find more information about kubectl-compatible commands at:\n      https://kubernetes.io/docs/reference/kubectl/",
    disable_help_subcommand = true,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    /// Flags every command accepts.
    pub global: GlobalArgs,
    #[command(subcommand)]
    /// The command to run.
    pub command: crate::cmd::Command,
}

/// The clap command tree (used by completion scripts and help snapshots).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the process arguments, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    if let Some(code) = complete::run_if_requested() {
        return code;
    }
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return exit::clap_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return exit::clap_error(e),
    };
    let ctx = Ctx::new(cli.global.clone());
    ctx.init_logging();
    // Client commands run on one thread: their requests are issued by one task (a bounded
    // pool of futures), and keeping the connections' I/O on that thread saves a cross-thread
    // wake-up per request. `serve` handles many connections and gets a worker per core.
    let mut builder = match cli.command {
        crate::cmd::Command::Serve(_) => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            ctx.io.error(&CliError::message(format!("cannot start runtime: {e}")));
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(crate::cmd::run(cli.command, &ctx));
    if let Err(e) = runtime.block_on(local::settle()) {
        ctx.io.warn(&e.to_string());
    }
    match code {
        Ok(code) => code.into(),
        Err(err) => {
            ctx.io.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}
