//! `kctl api-resources`: the resources the server offers, printed as kubectl prints them
//! (sorted by group then name, or by `--sort-by`; `-o wide` adds verbs and categories).

use crate::cli::{CliError, Ctx, connect, exit::Exit};
use crate::client::{ApiResource, Discovery};
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
    #[arg(long, default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub cached: bool,
}

/// Runs `kctl api-resources`.
pub async fn run(args: ApiResourcesArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let output = args.output.as_deref().unwrap_or("");
    if !matches!(output, "" | "wide" | "name") {
        return Err(CliError::message("--output wide or name is accepted"));
    }
    let sort_by = args.sort_by.as_deref().unwrap_or("");
    if !matches!(sort_by, "" | "name" | "kind") {
        return Err(CliError::message("--sort-by accepts only name or kind"));
    }
    let client = connect::connect(ctx).await?;
    let mut discovery = connect::discovery(ctx, &client).await?;
    if !args.cached && discovery.is_cached() {
        discovery.refresh(&client).await.map_err(|e| connect::report(ctx, e))?;
    }
    ctx.io.out(&render(&discovery, &args));
    Ok(Exit::Success)
}

/// The text `kctl api-resources` prints for a discovery and the given flags.
pub fn render(discovery: &Discovery, args: &ApiResourcesArgs) -> String {
    let output = args.output.as_deref().unwrap_or("");
    let mut rows: Vec<&ApiResource> = discovery
        .resources()
        .iter()
        .filter(|r| !r.verbs.is_empty())
        .filter(|r| args.api_group.as_ref().is_none_or(|g| &r.group == g))
        .filter(|r| args.namespaced.is_none_or(|n| r.namespaced == n))
        .filter(|r| {
            // `--verbs` takes a comma-separated list and may be repeated.
            args.verbs
                .iter()
                .flat_map(|v| v.split(','))
                .filter(|v| !v.is_empty())
                .all(|v| r.verbs.iter().any(|have| have == v))
        })
        .collect();
    let key = |r: &ApiResource| -> String {
        match args.sort_by.as_deref() {
            Some("name") => r.plural.clone(),
            Some("kind") => r.kind.clone(),
            _ => r.group.clone(),
        }
    };
    rows.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.plural.cmp(&b.plural)));
    if output == "name" {
        return rows.iter().map(|r| format!("{}\n", r.group_resource())).collect();
    }
    let wide = output == "wide";
    let mut table: Vec<Vec<String>> = Vec::new();
    if !args.no_headers {
        let mut h: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        if wide {
            h.push("VERBS".into());
            h.push("CATEGORIES".into());
        }
        table.push(h);
    }
    for r in rows {
        let mut row = vec![
            r.plural.clone(),
            r.short_names.join(","),
            r.api_version(),
            r.namespaced.to_string(),
            r.kind.clone(),
        ];
        if wide {
            row.push(format!("[{}]", r.verbs.join(" ")));
            row.push(format!("[{}]", r.categories.join(" ")));
        }
        table.push(row);
    }
    tabulate(&table)
}

/// Aligns cells as Go's tabwriter does for kubectl (padding 3, last column unpadded).
fn tabulate(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] + 3 - cell.chars().count();
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
