//! Flag groups shared by several verbs (kubectl's FilenameOptions, output, dry-run, …).

use clap::{Args, ValueEnum};

/// `-f`, `-R` and `-k`-less file options (kubectl's FilenameOptions).
#[derive(Debug, Clone, Default, Args)]
pub struct FileArgs {
    /// The files that contain the configurations. Files, directories, URLs, or `-` for stdin.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub filenames: Vec<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage
    /// related manifests organized within the same directory.
    #[arg(short = 'R', long)]
    pub recursive: bool,
}

/// `--dry-run`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Send requests normally.
    #[default]
    None,
    /// Only print the object that would be sent, without sending it.
    Client,
    /// Submit server-side requests without persisting the resource.
    Server,
}

/// `--dry-run` as a flag: `--dry-run` alone means `client`, as kubectl.
#[derive(Debug, Clone, Default, Args)]
pub struct DryRunArgs {
    /// Must be "none", "server", or "client". If client strategy, only print the object that
    /// would be sent, without sending it. If server strategy, submit server-side request without
    /// persisting the resource.
    #[arg(long = "dry-run", value_enum, default_value_t = DryRun::None, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: DryRun,
}

/// `-o/--output` for verbs that print objects they changed.
#[derive(Debug, Clone, Default, Args)]
pub struct OutputArgs {
    /// Output format. One of: (json, yaml, name).
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,
}

/// `--validate`.
#[derive(Debug, Clone, Default, Args)]
pub struct ValidateArgs {
    /// Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a
    /// schema to validate the input and fail the request if invalid. "warn" will warn about
    /// unknown or duplicate fields without blocking the request. "false" or "ignore" will not
    /// perform any schema validation.
    #[arg(long, value_name = "MODE", default_value = "strict", num_args = 0..=1, default_missing_value = "strict", require_equals = true)]
    pub validate: String,
}

/// The apply-layer dry-run mode of `--dry-run`.
pub fn dry_run(args: &DryRunArgs) -> crate::apply::DryRun {
    match args.dry_run {
        DryRun::None => crate::apply::DryRun::None,
        DryRun::Client => crate::apply::DryRun::Client,
        DryRun::Server => crate::apply::DryRun::Server,
    }
}
