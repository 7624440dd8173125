//! `kctl diff -f`: live objects against what apply would make of them.

use crate::apply::patcher::{self, PatchPlan, get_live, is_empty_patch};
use crate::apply::prefetch::{self, Live, Prefetched, Wanted};
use crate::apply::{last_applied, prune, query};
use crate::cli::flags::FileArgs;
use crate::cli::objects::{self, Resolved};
use crate::cli::{CliError, Ctx, connect, exit::Exit};
use crate::client::{Client, Request, discovery::resource_path};
use crate::object::{gojson, meta};
use clap::Args;
use futures::StreamExt;
use http::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Diff configurations specified by file name or stdin between the current online
/// configuration, and the configuration as it would be if applied.
///
/// The output is always YAML. Exit status: 0 no differences were found, 1 differences were
/// found, >1 kctl or diff failed with an error. KUBECTL_EXTERNAL_DIFF names an external diff
/// program to use instead of kctl's own renderer.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Diff resources included in pod.json
  kctl diff -f pod.json

  # Diff file read from stdin
  cat service.yaml | kctl diff -f -")]
pub struct DiffArgs {
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Include resources that would be deleted by pruning. Can be used with -l and default
    /// shows all resources would be pruned
    #[arg(long)]
    pub prune: bool,
    /// If true, apply runs in the server instead of the client.
    #[arg(long)]
    pub server_side: bool,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-client-side-apply")]
    pub field_manager: String,
    /// If true, server-side apply will force the changes against conflicts.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Number of objects to process in parallel when diffing against the live version.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Show secret values instead of masking them.
    #[arg(long)]
    pub show_secret: bool,
}

/// Runs `kctl diff`: exit 0 without differences, 1 with differences, 2 on error.
pub async fn run(args: DiffArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    match diff(&args, ctx).await {
        Ok(changed) => Ok(if changed { Exit::Differences } else { Exit::Success }),
        Err(CliError::Reported(_)) => Err(CliError::Reported(2)),
        Err(e) => {
            ctx.io.error(&e);
            Err(CliError::Reported(2))
        }
    }
}

/// One object's two sides.
struct Pair {
    file: String,
    live: Option<Value>,
    merged: Option<Value>,
}

async fn diff(args: &DiffArgs, ctx: &Ctx) -> Result<bool, CliError> {
    if args.prune && args.selector.is_none() {
        return Err(CliError::message(
            "all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector",
        ));
    }
    let objects::Loaded { client, discovery, objects: objs } =
        objects::load(ctx, &args.files, "diff", true).await?;
    let field_manager = args.field_manager.clone();
    let wanted: Vec<Wanted<'_>> = objs.iter().map(Resolved::wanted).collect();
    let listed = prefetch::read(&client, &wanted).await;
    let listed = &listed;
    let results: Vec<Result<Pair, CliError>> = futures::stream::iter(&objs)
        .map(|o| merged_side(&client, o, args, &field_manager, listed))
        .buffered(args.concurrency.max(1))
        .collect()
        .await;
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(p) => pairs.push(p),
            Err(e) => errors.push(e),
        }
    }
    if args.prune {
        let kinds: Vec<String> = prune::DEFAULT_ALLOWLIST.iter().map(|s| s.to_string()).collect();
        let kinds = prune::resolve_allowlist(&discovery, &kinds).map_err(CliError::message)?;
        let uids: BTreeSet<String> = pairs
            .iter()
            .filter_map(|p| p.live.as_ref().and_then(|l| meta::uid(l)).map(String::from))
            .collect();
        let namespaces: BTreeSet<String> =
            objs.iter().filter_map(|o| o.namespace.clone()).collect();
        let pruned =
            prune::candidates(&client, &kinds, &namespaces, args.selector.as_deref(), &uids)
                .await
                .map_err(connect::client_error)?;
        pairs.extend(pruned.into_iter().map(|c| Pair {
            file: crate::diff::file_name(&c.object),
            live: Some(c.object),
            merged: None,
        }));
    }
    let changed = show(ctx, args, pairs)?;
    if errors.is_empty() { Ok(changed) } else { Err(CliError::Many(errors)) }
}

/// The live object and what apply would make of it (a server-side dry run of the same request).
async fn merged_side(
    client: &Client,
    o: &Resolved,
    args: &DiffArgs,
    field_manager: &str,
    listed: &Prefetched,
) -> Result<Pair, CliError> {
    let path = resource_path(&o.resource, o.namespace.as_deref(), Some(&o.name));
    let err = |e: patcher::ApplyError| super::apply::apply_error(e, o, args.server_side);
    let live = match listed.live(&o.wanted()) {
        Live::Found(v) => Some(v),
        Live::Absent => None,
        Live::Unknown => get_live(client, &path).await.map_err(err)?,
    };
    let file = crate::diff::file_name(&o.object);
    let api = |e: crate::client::Error| super::create::file_error(e, "patching", &o.source);
    if args.server_side {
        let force = if args.force_conflicts { "true" } else { "false" };
        let manager =
            if field_manager == "kubectl-client-side-apply" { "kubectl" } else { field_manager };
        let q = query(&[("dryRun", "All"), ("fieldManager", manager), ("force", force)]);
        let req = Request::new(Method::PATCH, format!("{path}{q}"))
            .body(crate::patch::PatchType::Apply.content_type(), gojson::to_string_nl(&o.object));
        let resp = client.request(req).await.map_err(api)?;
        return Ok(Pair { file, live, merged: serde_json::from_slice(&resp.body).ok() });
    }
    let q = query(&[("dryRun", "All"), ("fieldManager", field_manager)]);
    let Some(mut current) = live.clone() else {
        let collection = resource_path(&o.resource, o.namespace.as_deref(), None);
        let body = last_applied::encode_without_nulls(&o.object);
        let req =
            Request::new(Method::POST, format!("{collection}{q}")).body("application/json", body);
        let resp = client
            .request(req)
            .await
            .map_err(|e| super::create::file_error(e, "creating", &o.source))?;
        return Ok(Pair { file, live: None, merged: serde_json::from_slice(&resp.body).ok() });
    };
    let gv = crate::object::GroupVersion::parse(meta::api_version(&o.object).unwrap_or(""));
    let plan = PatchPlan::for_kind(&gv.group, &gv.version, meta::kind(&o.object).unwrap_or(""));
    // kubectl's modified side without a new annotation: the manifest with its annotations
    // map present (empty if it had none) and the last-applied key left out.
    let modified: Value = serde_json::from_str(&last_applied::annotation_value(&o.object))
        .unwrap_or_else(|_| o.object.clone());
    for attempt in 1..=4 {
        let original = last_applied::stored(&current).unwrap_or_else(|| json!({}));
        let mut patch =
            plan.three_way(&original, &modified, &current, true).map_err(|e| err(e.into()))?;
        if is_empty_patch(&patch) {
            return Ok(Pair { file, live, merged: Some(current) });
        }
        if attempt < 4 {
            if let Some(rv) = meta::resource_version(&current) {
                crate::object::meta::set_metadata_str(&mut patch, "resourceVersion", rv);
            }
        }
        let req = Request::new(Method::PATCH, format!("{path}{q}"))
            .body(plan.patch_type().content_type(), gojson::to_string(&patch));
        match client.request(req).await {
            Ok(resp) => {
                return Ok(Pair { file, live, merged: serde_json::from_slice(&resp.body).ok() });
            }
            Err(e) if e.status().is_some_and(|s| s.is_conflict()) && attempt < 4 => {
                current = get_live(client, &path).await.map_err(err)?.unwrap_or(current);
            }
            Err(e) => return Err(api(e)),
        }
    }
    Err(CliError::message(format!("{}: too many conflicts", o.slash_name())))
}

fn yaml_of(v: Option<&Value>) -> String {
    match v {
        Some(v) => {
            let mut v = v.clone();
            crate::print::strip_managed_fields(&mut v);
            crate::print::yaml::to_yaml(&v)
        }
        None => String::new(),
    }
}

/// Prints the diffs (or runs `KUBECTL_EXTERNAL_DIFF`); true when anything differs.
fn show(ctx: &Ctx, args: &DiffArgs, pairs: Vec<Pair>) -> Result<bool, CliError> {
    let mut rendered = Vec::new();
    for mut p in pairs {
        if !args.show_secret {
            crate::diff::mask::mask_secrets(p.live.as_mut(), p.merged.as_mut());
        }
        rendered.push((p.file, yaml_of(p.live.as_ref()), yaml_of(p.merged.as_ref())));
    }
    if let Some(program) =
        std::env::var("KUBECTL_EXTERNAL_DIFF").ok().filter(|s| !s.trim().is_empty())
    {
        return external(ctx, &program, &rendered);
    }
    let color = ctx.color();
    let mut changed = false;
    for (file, live, merged) in &rendered {
        let text = crate::diff::render::unified(file, live, merged, color);
        if !text.is_empty() {
            changed = true;
            ctx.io.out(&text);
        }
    }
    Ok(changed)
}

/// kubectl's `KUBECTL_EXTERNAL_DIFF`: `prog LIVE-dir MERGED-dir [args matching ^[a-zA-Z0-9-=]+$]`.
fn external(
    ctx: &Ctx,
    program: &str,
    rendered: &[(String, String, String)],
) -> Result<bool, CliError> {
    let mut words = program.split_whitespace();
    let prog = words.next().unwrap_or("diff");
    let extra: Vec<&str> = words
        .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '='))
        .collect();
    let stamp = format!(
        "{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let tmp = std::env::temp_dir();
    let (live_dir, merged_dir) =
        (tmp.join(format!("LIVE-{stamp}")), tmp.join(format!("MERGED-{stamp}")));
    let io = |e: std::io::Error| CliError::message(format!("writing diff files: {e}"));
    std::fs::create_dir_all(&live_dir).map_err(io)?;
    std::fs::create_dir_all(&merged_dir).map_err(io)?;
    for (file, live, merged) in rendered {
        if !live.is_empty() {
            std::fs::write(live_dir.join(file), live).map_err(io)?;
        }
        if !merged.is_empty() {
            std::fs::write(merged_dir.join(file), merged).map_err(io)?;
        }
    }
    let out =
        std::process::Command::new(prog).arg(&live_dir).arg(&merged_dir).args(&extra).output();
    let _ = std::fs::remove_dir_all(&live_dir);
    let _ = std::fs::remove_dir_all(&merged_dir);
    let out = out.map_err(|e| CliError::message(format!("failed to run \"{prog}\": {e}")))?;
    ctx.io.out(&String::from_utf8_lossy(&out.stdout));
    ctx.io.err(&String::from_utf8_lossy(&out.stderr));
    match out.status.code() {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(code) => {
            Err(CliError::message(format!("failed to run \"{prog}\": exit status {code}")))
        }
        None => Err(CliError::message(format!("failed to run \"{prog}\": killed by a signal"))),
    }
}
