//! `kctl completion SHELL`: print a shell completion script.

#![allow(clippy::result_large_err)]

use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;
use clap_complete::Shell;

/// Output shell completion code for the specified shell (bash, zsh, fish, powershell, or
/// elvish). The shell code must be evaluated to provide interactive completion of kctl
/// commands. This can be done by sourcing it from the .bash_profile.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Load the kctl completion code for bash into the current shell
  source <(kctl completion bash)

  # Write bash completion code to a file and source it from .bash_profile
  kctl completion bash > ~/.kube/completion.bash.inc
  printf \"
  # kctl shell completion
  source '$HOME/.kube/completion.bash.inc'
  \" >> $HOME/.bash_profile
  source $HOME/.bash_profile

  # Load the kctl completion code for zsh into the current shell
  source <(kctl completion zsh)

  # Load the kctl completion code for fish into the current shell
  kctl completion fish | source")]
pub struct CompletionArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for the chosen shell.
pub fn run(args: CompletionArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    ctx.io.out(&script(args.shell));
    Ok(Exit::Success)
}

/// The completion script for `shell`: it asks `kctl` (found on `PATH`) for candidates, so
/// subcommands, flags, resource types and names always match the binary and the cluster.
pub fn script(shell: Shell) -> String {
    crate::cli::complete::registration(shell)
}
