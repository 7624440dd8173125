//! `kctl apply view-last-applied`: prints the last-applied-configuration annotation of each
//! selected object, as YAML (the default) or as the stored JSON re-indented. Objects without
//! the annotation print nothing, as in kubectl. Everything is read before anything is
//! printed, so an error prints no partial output.

use super::{Selection, fetch};
use crate::apply::last_applied;
use crate::cli::flags::FileArgs;
use crate::cli::{CliError, Ctx, exit::Exit};
use clap::Args;

/// View the latest last-applied-configuration annotations by type/name or file.
///
/// The default output will be printed to stdout in YAML format. You can use the -o option to
/// change the output format.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # View the last-applied-configuration annotations by type/name in YAML
  kctl apply view-last-applied deployment/nginx

  # View the last-applied-configuration annotations by file in JSON
  kctl apply view-last-applied -f deploy.yaml -o json")]
pub struct ViewArgs {
    /// (TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME)
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    /// Output format. Must be one of (yaml, json)
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "yaml")]
    pub output: String,
    /// Select all resources in the namespace of the specified resource types
    #[arg(long)]
    pub all: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l
    /// key1=value1,key2=value2). Matching objects must satisfy all of the specified label
    /// constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
}

/// Runs `kctl apply view-last-applied`.
pub async fn run(args: ViewArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let sel = Selection {
        files: &args.files,
        args: &args.args,
        selector: args.selector.as_deref(),
        all: args.all,
    };
    let (_, objects) = fetch(ctx, sel).await?;
    let configs: Vec<String> = objects
        .iter()
        .filter_map(|o| last_applied::stored_text(&o.object).map(String::from))
        .collect();
    let mut out = String::new();
    for text in &configs {
        match args.output.as_str() {
            "json" => out.push_str(&last_applied::indent_json(text).map_err(CliError::message)?),
            "yaml" => {
                let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                    CliError::message(format!("error converting JSON to YAML: {e}"))
                })?;
                out.push_str(&crate::print::yaml::to_yaml(&v));
            }
            other => {
                ctx.io.out(&out);
                return Err(CliError::message(format!(
                    "Unexpected -o output mode: {other}, the flag 'output' must be one of yaml|json\nSee 'kctl apply view-last-applied -h' for help and examples"
                )));
            }
        }
    }
    ctx.io.out(&out);
    Ok(Exit::Success)
}
