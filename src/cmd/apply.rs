//! `kctl apply`: client-side (and server-side) declarative apply, as kubectl does it.

use crate::apply::patcher::{self, Applied, ApplyError, Outcome, Target};
use crate::apply::prefetch::{self, Live, Prefetched, Wanted};
use crate::apply::{DryRun, Validation, prune};
use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs, ValidateArgs};
use crate::cli::objects::{self, Resolved};
use crate::cli::{CliError, Ctx, connect, exit::Exit, output::Output};
use crate::client::{Client, Discovery};
use clap::Args;
use futures::StreamExt;
use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

/// Apply a configuration to a resource by file name or stdin. The resource name must be
/// specified. This resource will be created if it doesn't exist yet. To use 'apply', always
/// create the resource initially with either 'apply' or 'create --save-config'.
///
/// JSON and YAML formats are accepted.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  # Apply the configuration in pod.json to a pod
  kctl apply -f ./pod.json

  # Apply resources from a directory, recursively
  kctl apply -R -f ./manifests/

  # Apply the JSON passed into stdin to a pod
  cat pod.json | kctl apply -f -

  # Apply the configuration from all files that end with '.json'
  kctl apply --prune -f manifest.yaml -l app=nginx"
)]
pub struct ApplyArgs {
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    #[command(flatten)]
    /// Output format.
    pub output: OutputArgs,
    #[command(flatten)]
    /// Dry run.
    pub dry_run: DryRunArgs,
    #[command(flatten)]
    /// Validation mode.
    pub validate: ValidateArgs,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Automatically resolve conflicts between the modified and live configuration by using
    /// values from the modified configuration
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub overwrite: bool,
    /// If true, immediately remove resources from API and bypass graceful deletion. Note that
    /// immediate deletion of some resources may result in inconsistency or data loss and
    /// requires confirmation.
    #[arg(long)]
    pub force: bool,
    /// Automatically delete resource objects that do not appear in the configs and are created
    /// by either apply or create --save-config. Should be used with either -l or --all.
    #[arg(long)]
    pub prune: bool,
    /// Select all resources in the namespace of the specified resource types.
    #[arg(long)]
    pub all: bool,
    /// Overwrite the default allowlist with <group/version/kind> for --prune
    #[arg(long = "prune-allowlist", value_name = "GVK")]
    pub prune_allowlist: Vec<String>,
    /// If true, apply runs in the server instead of the client.
    #[arg(long)]
    pub server_side: bool,
    /// Name of the manager used to track field ownership (default "kubectl-client-side-apply",
    /// or "kubectl" with --server-side).
    #[arg(long)]
    pub field_manager: Option<String>,
    /// If true, server-side apply will force the changes against conflicts.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Number of objects applied at once. Output lines keep manifest order.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Check every object with a server-side dry run first, and change nothing if any would fail.
    #[arg(long)]
    pub atomic: bool,
    /// `view-last-applied`, `set-last-applied` or `edit-last-applied`.
    #[command(subcommand)]
    pub last_applied: Option<crate::cmd::apply_last_applied::LastAppliedCommand>,
}

/// The validated plan of one `kctl apply`.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Per-object settings.
    pub opts: patcher::Options,
    /// How results are printed.
    pub output: Output,
    /// `--prune`, with its selector and allowlist.
    pub prune: Option<PrunePlan>,
    /// `--server-side` with `--force-conflicts`.
    pub server_side: Option<bool>,
    /// Objects in flight at once.
    pub concurrency: usize,
    /// Dry-run everything on the server first.
    pub atomic: bool,
}

/// What `--prune` removes.
#[derive(Debug, Clone)]
pub struct PrunePlan {
    /// `-l`, or `None` with `--all`.
    pub selector: Option<String>,
    /// `--prune-allowlist` entries, or kubectl's default list.
    pub allowlist: Vec<String>,
}

/// Checks the flags and settles every default, before any input is read or request sent.
pub fn resolve(args: &ApplyArgs) -> Result<Plan, CliError> {
    let dry_run = crate::cli::flags::dry_run(&args.dry_run);
    let validation = Validation::parse(&args.validate.validate).ok_or_else(|| {
        CliError::message(format!(
            "invalid - validate option \"{}\"; must be one of: strict (or true), warn, ignore (or false)",
            args.validate.validate
        ))
    })?;
    if args.server_side && dry_run == DryRun::Client {
        return Err(CliError::message(
            "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
        ));
    }
    if args.server_side && args.force {
        return Err(CliError::message("--force cannot be used with --server-side"));
    }
    if args.all && args.selector.is_some() {
        return Err(CliError::message("cannot set --all and --selector at the same time"));
    }
    let prune = if args.prune {
        if !args.all && args.selector.is_none() {
            return Err(CliError::message(
                "all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector",
            ));
        }
        let allowlist = if args.prune_allowlist.is_empty() {
            prune::DEFAULT_ALLOWLIST.iter().map(|s| s.to_string()).collect()
        } else {
            args.prune_allowlist.clone()
        };
        Some(PrunePlan { selector: args.selector.clone(), allowlist })
    } else {
        None
    };
    let field_manager = args.field_manager.clone().unwrap_or_else(|| {
        if args.server_side { "kubectl" } else { "kubectl-client-side-apply" }.to_string()
    });
    Ok(Plan {
        opts: patcher::Options {
            dry_run,
            field_manager,
            validation,
            overwrite: args.overwrite,
            force: args.force,
            keep_objects: args.output.output.is_some() || args.prune,
        },
        output: Output::parse(args.output.output.as_deref())?,
        prune,
        server_side: args.server_side.then_some(args.force_conflicts),
        concurrency: args.concurrency.max(1),
        atomic: args.atomic,
    })
}

/// Runs `kctl apply`.
pub async fn run(mut args: ApplyArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    if let Some(sub) = args.last_applied.take() {
        return crate::cmd::apply_last_applied::run(sub, ctx).await;
    }
    let plan = resolve(&args)?;
    let objects::Loaded { client, mut discovery, objects } =
        objects::load(ctx, &args.files, "apply", true).await?;
    let prune_kinds = match &plan.prune {
        Some(p) => {
            Some(prune::resolve_allowlist(&discovery, &p.allowlist).map_err(CliError::message)?)
        }
        None => None,
    };
    if plan.atomic && plan.opts.dry_run == DryRun::None {
        check_all(ctx, &client, &plan, &objects).await?;
    }
    let results = apply_all(ctx, &client, &mut discovery, &plan, &objects).await;
    let mut errors: Vec<CliError> = Vec::new();
    let mut applied: Vec<(usize, Applied)> = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(a) => applied.push((i, a)),
            Err(e) => errors.push(e),
        }
    }
    if let (Some(p), Some(kinds)) = (&plan.prune, &prune_kinds) {
        if let Err(e) = run_prune(ctx, &client, &plan, p, kinds, &objects, &applied).await {
            errors.push(e);
        }
    }
    plan.output.print_objects(ctx, applied.into_iter().map(|(_, a)| a.object).collect());
    // The command ends here and the process with it: freeing a large set object by object
    // would only delay the exit.
    std::mem::forget(objects);
    match errors.len() {
        0 => Ok(Exit::Success),
        _ => Err(CliError::Many(errors)),
    }
}

/// Applies every object: Namespaces and CRDs first, then the rest, `concurrency` at a time,
/// printing result lines in manifest order as they become ready.
async fn apply_all(
    ctx: &Ctx,
    client: &Client,
    discovery: &mut Discovery,
    plan: &Plan,
    objects: &[Resolved],
) -> Vec<Result<Applied, CliError>> {
    let mut results: Vec<Option<Result<Applied, CliError>>> =
        (0..objects.len()).map(|_| None).collect();
    let mut printed = 0;
    let first: Vec<usize> = (0..objects.len()).filter(|&i| objects[i].is_foundation()).collect();
    let rest: Vec<usize> = (0..objects.len()).filter(|&i| !objects[i].is_foundation()).collect();
    let mut known = Known::default();
    for (phase, indices) in [first, rest].into_iter().enumerate() {
        if phase == 1 {
            if objects.iter().any(|o| o.pending_crd) {
                wait_for_crds(client, discovery, objects).await;
            }
            known.created_namespaces = created_namespaces_of(plan, objects, &results);
        }
        known.listed = match plan.server_side {
            Some(_) => Prefetched::default(),
            None => {
                let wanted: Vec<Wanted<'_>> = indices
                    .iter()
                    .map(|&i| &objects[i])
                    .filter(|o| !known.is_new(o))
                    .map(Resolved::wanted)
                    .collect();
                prefetch::read(client, &wanted).await
            }
        };
        let known = &known;
        let mut stream = futures::stream::iter(indices)
            .map(|i| async move { (i, apply_one(client, plan, &objects[i], known).await) })
            .buffer_unordered(plan.concurrency);
        while let Some((i, r)) = stream.next().await {
            results[i] = Some(r);
            // The lines that are ready go out in one write.
            let mut lines = String::new();
            while printed < results.len() {
                let Some(r) = &results[printed] else { break };
                report(ctx, plan, &objects[printed], r, &mut lines);
                printed += 1;
            }
            if !lines.is_empty() {
                ctx.io.out(&lines);
            }
        }
    }
    results.into_iter().map(|r| r.unwrap_or_else(|| Err(CliError::Reported(1)))).collect()
}

/// Adds an object's result line to `lines`; its warnings go to stderr at once, after the lines
/// before them.
fn report(
    ctx: &Ctx,
    plan: &Plan,
    obj: &Resolved,
    r: &Result<Applied, CliError>,
    lines: &mut String,
) {
    let Ok(a) = r else { return };
    if !a.warnings.is_empty() && !lines.is_empty() {
        ctx.io.out(&std::mem::take(lines));
    }
    for w in &a.warnings {
        ctx.io.warn(w);
    }
    if plan.output.prints_lines() {
        lines.push_str(&plan.output.result_line(
            &obj.slash_name(),
            a.outcome.verb(),
            plan.opts.dry_run,
        ));
    }
}

/// The Namespaces this apply created for real (not in a dry run): nothing can exist in them
/// yet, so their objects are POSTed without being read first.
fn created_namespaces_of(
    plan: &Plan,
    objects: &[Resolved],
    results: &[Option<Result<Applied, CliError>>],
) -> HashSet<String> {
    if plan.opts.dry_run != DryRun::None || plan.server_side.is_some() {
        return HashSet::new();
    }
    objects
        .iter()
        .zip(results)
        .filter(|(o, r)| {
            o.resource.group.is_empty()
                && o.resource.kind == "Namespace"
                && matches!(r, Some(Ok(a)) if a.outcome == Outcome::Created)
        })
        .map(|(o, _)| o.name.clone())
        .collect()
}

/// What apply already knows about the live objects of a phase.
#[derive(Debug, Default)]
struct Known {
    /// Namespaces this apply created (see [`created_namespaces_of`]).
    created_namespaces: HashSet<String>,
    /// Live objects read in listings.
    listed: Prefetched,
}

impl Known {
    /// True for an object in a Namespace this apply created.
    fn is_new(&self, obj: &Resolved) -> bool {
        obj.namespace.as_ref().is_some_and(|ns| self.created_namespaces.contains(ns))
    }
}

async fn apply_one(
    client: &Client,
    plan: &Plan,
    obj: &Resolved,
    known: &Known,
) -> Result<Applied, CliError> {
    let target = Target {
        resource: &obj.resource,
        namespace: obj.namespace.as_deref(),
        name: &obj.name,
        manifest: &obj.object,
    };
    let opts = &plan.opts;
    let result = match plan.server_side {
        Some(force) => patcher::server_side(client, &target, opts, force).await,
        None if known.is_new(obj) => patcher::apply_new(client, &target, opts).await,
        None => match known.listed.live(&obj.wanted()) {
            Live::Found(live) => patcher::apply_to(client, &target, opts, live).await,
            Live::Absent => patcher::apply_new(client, &target, opts).await,
            Live::Unknown => patcher::apply(client, &target, opts).await,
        },
    };
    result.map_err(|e| apply_error(e, obj, plan.server_side.is_some()))
}

/// kubectl's rendering of a failed apply of one object.
pub fn apply_error(e: ApplyError, obj: &Resolved, server_side: bool) -> CliError {
    match e {
        ApplyError::Api { status, .. } if server_side && status.code == 415 => {
            CliError::message(format!(
                "server-side apply is not supported by this server for {}: {}",
                obj.slash_name(),
                status.message
            ))
        }
        ApplyError::Api { status, when } => {
            CliError::ServerWhen { status, when: format!("error when {when} \"{}\"", obj.source) }
        }
        ApplyError::Patch(p) => CliError::message(format!(
            "error when creating patch for {} from \"{}\": {p}",
            obj.slash_name(),
            obj.source
        )),
        ApplyError::Client(c) => connect::client_error(c),
    }
}

/// Waits (up to 30 s) until the kinds defined by CRDs of this set are served.
async fn wait_for_crds(client: &Client, discovery: &mut Discovery, objects: &[Resolved]) {
    let pending: Vec<&Resolved> = objects.iter().filter(|o| o.pending_crd).collect();
    for _ in 0..300 {
        if discovery.refresh(client).await.is_ok()
            && pending
                .iter()
                .all(|o| discovery.for_kind(&o.resource.api_version(), &o.resource.kind).is_some())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `--atomic`: a server-side dry run of every object; any failure stops everything.
async fn check_all(
    ctx: &Ctx,
    client: &Client,
    plan: &Plan,
    objects: &[Resolved],
) -> Result<(), CliError> {
    let mut dry = plan.clone();
    dry.opts.dry_run = DryRun::Server;
    let created_ns: BTreeSet<&str> = objects
        .iter()
        .filter(|o| o.resource.group.is_empty() && o.resource.kind == "Namespace")
        .map(|o| o.name.as_str())
        .collect();
    let results: Vec<Result<Applied, CliError>> = futures::stream::iter(objects)
        .map(|o| {
            let dry = &dry;
            let created_ns = &created_ns;
            async move {
                if o.pending_crd || o.namespace.as_deref().is_some_and(|ns| created_ns.contains(ns))
                {
                    // Cannot be checked before its CRD or Namespace exists.
                    return Ok(Applied {
                        outcome: Outcome::Unchanged,
                        object: o.object.clone(),
                        warnings: vec![],
                    });
                }
                apply_one(client, dry, o, &Known::default()).await
            }
        })
        .buffered(plan.concurrency)
        .collect()
        .await;
    let errors: Vec<CliError> = results.into_iter().filter_map(Result::err).collect();
    if errors.is_empty() {
        return Ok(());
    }
    ctx.io.err(
        "error: --atomic: the server rejected some objects in a dry run; nothing was changed\n",
    );
    Err(CliError::Many(errors))
}

async fn run_prune(
    ctx: &Ctx,
    client: &Client,
    plan: &Plan,
    p: &PrunePlan,
    kinds: &[crate::client::ApiResource],
    objects: &[Resolved],
    applied: &[(usize, Applied)],
) -> Result<(), CliError> {
    let uids: BTreeSet<String> = applied
        .iter()
        .filter_map(|(_, a)| crate::object::meta::uid(&a.object).map(String::from))
        .collect();
    let mut namespaces: BTreeSet<String> =
        objects.iter().filter_map(|o| o.namespace.clone()).collect();
    if namespaces.is_empty() {
        namespaces.insert(
            ctx.global.namespace.clone().unwrap_or_else(|| client.default_namespace().to_string()),
        );
    }
    let candidates = prune::candidates(client, kinds, &namespaces, p.selector.as_deref(), &uids)
        .await
        .map_err(connect::client_error)?;
    let mut errors = Vec::new();
    for c in candidates {
        let name = crate::print::name::of(&c.object);
        match prune::delete(client, &c, plan.opts.dry_run).await {
            Ok(()) if plan.output.prints_lines() => {
                ctx.io.out(&plan.output.result_line(&name, "pruned", plan.opts.dry_run))
            }
            Ok(()) => {}
            Err(e) => errors.push(connect::client_error(e)),
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(CliError::Many(errors)) }
}
