//! `kctl get`: display one or many resources.

use crate::cli::flags::FileArgs;
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// Display one or many resources.
///
/// Prints a table of the most important information about the specified resources. You can
/// filter the list using a label selector and the --selector flag. If the desired resource type
/// is namespaced you will only see results in the current namespace unless you pass
/// --all-namespaces.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # List all pods in ps output format
  kctl get pods

  # List a single deployment with specified NAME in YAML output format
  kctl get deployment web -o yaml

  # List all replication controllers and services together in ps output format
  kctl get rc,services

  # List one or more resources by their type and names
  kctl get rc/web service/frontend pods/web-pod-13je7")]
pub struct GetArgs {
    /// TYPE[.VERSION][.GROUP] [NAME ...] | TYPE[.VERSION][.GROUP]/NAME ...
    #[arg(value_name = "TYPE|TYPE/NAME")]
    pub args: Vec<String>,
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template,
    /// templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns,
    /// custom-columns-file, wide).
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Selector (field query) to filter on, supports '=', '==', and '!='.
    #[arg(long)]
    pub field_selector: Option<String>,
    /// If present, list the requested object(s) across all namespaces. Namespace in current
    /// context is ignored even if specified with --namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// When printing, show all labels as the last column (default hide labels column)
    #[arg(long)]
    pub show_labels: bool,
    /// Accepts a comma separated list of labels that are going to be presented as columns.
    #[arg(short = 'L', long = "label-columns", value_name = "LABEL")]
    pub label_columns: Vec<String>,
    /// If non-empty, sort list types using this field specification. The field specification
    /// is expressed as a JSONPath expression (e.g. '{.metadata.name}').
    #[arg(long)]
    pub sort_by: Option<String>,
    /// When using the default or custom-column output format, don't print headers (default
    /// print headers).
    #[arg(long)]
    pub no_headers: bool,
    /// After listing/getting the requested object, watch for changes.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// If true, suppress NotFound error for specific objects that do not exist.
    #[arg(long)]
    pub ignore_not_found: bool,
    /// Return large lists in chunks rather than all at once. Pass 0 to disable.
    #[arg(long, default_value_t = 500)]
    pub chunk_size: i64,
}

/// Runs `kctl get`.
pub async fn run(_args: GetArgs, _ctx: &Ctx) -> Result<Exit, CliError> {
    Err(super::unavailable("get"))
}
