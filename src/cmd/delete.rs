//! `kctl delete`: delete resources by file, by type and name, or by label selector.

use crate::cli::flags::{DryRun, DryRunArgs, FileArgs};
use crate::cli::resource_args::{self, ResourceArgs};
use crate::cli::{CliError, Ctx, exit::Exit};
use crate::client::{ApiResource, Client, Request, resource_path};
use crate::object::{Status, meta};
use clap::{Args, ValueEnum};
use http::Method;
use std::time::{Duration, Instant};

/// How dependents are deleted (`--cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Cascade {
    /// The garbage collector deletes dependents in the background.
    Background,
    /// The owner waits until its dependents are deleted.
    Foreground,
    /// Dependents are left behind.
    Orphan,
}

/// Delete resources by file names, stdin, resources and names, or by resources and label
/// selector.
///
/// JSON and YAML formats are accepted. Only one type of argument may be specified: file names,
/// resources and names, or resources and label selector.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Delete a pod using the type and name specified in pod.json
  kctl delete -f ./pod.json

  # Delete pods and services with same names \"baz\" and \"foo\"
  kctl delete pod,service baz foo

  # Delete pods and services with label name=myLabel
  kctl delete pods,services -l name=myLabel

  # Delete all pods
  kctl delete pods --all")]
pub struct DeleteArgs {
    /// TYPE [NAME ...] | TYPE/NAME ...
    #[arg(value_name = "TYPE|TYPE/NAME")]
    pub args: Vec<String>,
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    #[command(flatten)]
    /// Dry run.
    pub dry_run: DryRunArgs,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Selector (field query) to filter on, supports '=', '==', and '!='.
    #[arg(long)]
    pub field_selector: Option<String>,
    /// Delete all resources, in the namespace of the specified resource types.
    #[arg(long)]
    pub all: bool,
    /// If present, list the requested object(s) across all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy
    /// for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.
    #[arg(long, value_enum, default_value_t = Cascade::Background, num_args = 0..=1, default_missing_value = "background", require_equals = true)]
    pub cascade: Cascade,
    /// If true, suppress NotFound error for specific objects that do not exist.
    #[arg(long)]
    pub ignore_not_found: bool,
    /// If true, wait for resources to be gone before returning. This waits for finalizers.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub wait: bool,
    /// Period of time in seconds given to the resource to terminate gracefully. Ignored if
    /// negative. Set to 1 for immediate shutdown.
    #[arg(long, default_value_t = -1, allow_negative_numbers = true)]
    pub grace_period: i64,
    /// If true, resources are signaled for immediate shutdown (same as --grace-period=1).
    #[arg(long)]
    pub now: bool,
    /// If true, immediately remove resources from API and bypass graceful deletion.
    #[arg(long)]
    pub force: bool,
    /// Output mode. Use "-o name" for shorter output (resource/name).
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,
    /// The length of time to wait before giving up on a delete, zero means determine a timeout
    /// from the size of the object
    #[arg(long, default_value = "0s")]
    pub timeout: String,
}

impl Cascade {
    fn policy(self) -> &'static str {
        match self {
            Cascade::Background => "Background",
            Cascade::Foreground => "Foreground",
            Cascade::Orphan => "Orphan",
        }
    }
}

/// kubectl's message when `delete` has nothing to act on.
const NO_ARGS: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `DeleteOptions` as kubectl encodes it: Go struct field order, not sorted keys, then a
/// newline (`json.Encoder`).
pub fn delete_options(grace_period: Option<i64>, policy: &str, dry_run: bool) -> String {
    let mut fields: Vec<String> = Vec::new();
    if let Some(g) = grace_period {
        fields.push(format!("\"gracePeriodSeconds\":{g}"));
    }
    fields.push(format!("\"propagationPolicy\":{}", crate::object::gojson::to_string(policy)));
    if dry_run {
        fields.push("\"dryRun\":[\"All\"]".to_string());
    }
    format!("{{{}}}\n", fields.join(","))
}

/// One object to delete.
#[derive(Debug, Clone)]
struct Victim {
    resource: ApiResource,
    namespace: Option<String>,
    name: String,
    /// The file it came from (`-f`), for kubectl's `error when deleting "<file>"` prefix.
    source: Option<String>,
}

/// The validated plan (kubectl's Complete/Validate).
#[derive(Debug)]
struct Plan {
    grace_period: Option<i64>,
    force: bool,
    ignore_not_found: bool,
    wait: bool,
    timeout: Option<Duration>,
    name_output: bool,
}

fn plan(args: &DeleteArgs, parsed: &ResourceArgs) -> Result<Plan, CliError> {
    let selecting = args.all || args.selector.is_some() || args.field_selector.is_some();
    if parsed.is_empty() && args.files.filenames.is_empty() {
        return Err(CliError::message(NO_ARGS));
    }
    if !args.files.filenames.is_empty() && !parsed.is_empty() {
        return Err(CliError::message(
            "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
        ));
    }
    if parsed.has_names() && args.all_namespaces {
        return Err(CliError::message(resource_args::NAMES_ACROSS_NAMESPACES));
    }
    if parsed.has_names() && selecting {
        return Err(CliError::message("name cannot be provided when a selector is specified"));
    }
    if args.all && args.selector.is_some() {
        return Err(CliError::message("cannot set --all and --selector at the same time"));
    }
    if !parsed.is_empty() && !parsed.has_names() && !selecting {
        return Err(CliError::message("resource(s) were provided, but no name was specified"));
    }
    let mut grace = args.grace_period;
    if args.now {
        if grace != -1 {
            return Err(CliError::message("--now and --grace-period cannot be specified together"));
        }
        grace = 1;
    }
    if grace == 0 && !args.force {
        grace = 1;
    }
    if args.force && grace < 0 {
        grace = 0;
    }
    let name_output = match args.output.as_deref() {
        None | Some("") => false,
        Some("name") => true,
        Some(o) => {
            return Err(CliError::message(format!(
                "unable to match a printer suitable for the output format \"{o}\", allowed formats are: name"
            )));
        }
    };
    let timeout = crate::cli::global::parse_duration(&args.timeout).map_err(CliError::message)?;
    Ok(Plan {
        grace_period: (grace >= 0).then_some(grace),
        force: args.force && grace == 0,
        ignore_not_found: args.ignore_not_found || selecting,
        wait: args.wait,
        timeout: timeout.filter(|d| !d.is_zero()),
        name_output,
    })
}

/// Runs `kctl delete`.
pub async fn run(args: DeleteArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let parsed = ResourceArgs::parse(&args.args)?;
    let plan = plan(&args, &parsed)?;
    let dry = args.dry_run.dry_run;
    let client = crate::cli::connect::connect(ctx).await?;
    let mut discovery = crate::cli::connect::discovery(ctx, &client).await?;
    let default_ns = client.default_namespace().to_string();
    let mut errors: Vec<CliError> = Vec::new();
    let mut victims: Vec<Victim> = Vec::new();
    let selecting = args.all || args.selector.is_some() || args.field_selector.is_some();

    if !args.files.filenames.is_empty() {
        let manifests =
            crate::cli::input::load_manifests_for_verb(&args.files, ctx, "delete").await?;
        for m in &manifests {
            let obj = &m.object;
            let res = discovery
                .for_kind_fresh(
                    &client,
                    meta::api_version(obj).unwrap_or(""),
                    meta::kind(obj).unwrap_or(""),
                )
                .await
                .map_err(crate::cli::connect::client_error)?;
            let Some(res) = res else {
                errors.push(resource_args::no_mapping(obj, &m.origin.source));
                continue;
            };
            let ns =
                resource_args::object_namespace(obj, &default_ns, ctx.global.namespace.as_deref())?;
            victims.push(Victim {
                namespace: res.namespaced.then_some(ns),
                resource: res,
                name: meta::name(obj).unwrap_or("").to_string(),
                source: Some(m.origin.source.clone()),
            });
        }
    } else {
        let targets = resource_args::resolve(&parsed, &mut discovery, &client).await?;
        for t in targets {
            if t.names.is_empty() {
                let ns =
                    (t.resource.namespaced && !args.all_namespaces).then(|| default_ns.clone());
                let q = resource_args::query(&[
                    ("labelSelector", args.selector.as_deref().unwrap_or("")),
                    ("fieldSelector", args.field_selector.as_deref().unwrap_or("")),
                ]);
                let path = format!("{}{q}", resource_path(&t.resource, ns.as_deref(), None));
                match client.get(&path).await {
                    Ok(list) => {
                        for item in list["items"].as_array().into_iter().flatten() {
                            victims.push(Victim {
                                resource: t.resource.clone(),
                                namespace: if t.resource.namespaced {
                                    meta::namespace(item).map(str::to_string).or(ns.clone())
                                } else {
                                    None
                                },
                                name: meta::name(item).unwrap_or("").to_string(),
                                source: None,
                            });
                        }
                    }
                    Err(e) => {
                        errors.push(crate::cli::connect::client_error(resource_args::list_error(
                            e,
                            &t.resource,
                            args.selector.as_deref().unwrap_or(""),
                            args.field_selector.as_deref().unwrap_or(""),
                        )))
                    }
                }
            } else {
                let ns = t.resource.namespaced.then(|| default_ns.clone());
                for n in &t.names {
                    victims.push(Victim {
                        resource: t.resource.clone(),
                        namespace: ns.clone(),
                        name: n.clone(),
                        source: None,
                    });
                }
            }
        }
    }

    if victims.is_empty() && selecting && errors.is_empty() {
        ctx.io.out("No resources found\n");
        return Ok(Exit::Success);
    }
    if plan.force {
        ctx.io.warn("Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let suffix = match dry {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    let verb = if plan.force { "force deleted" } else { "deleted" };
    let body = delete_options(plan.grace_period, args.cascade.policy(), dry == DryRun::Server);
    let mut to_wait: Vec<&Victim> = Vec::new();
    for v in &victims {
        let line = if plan.name_output {
            format!("{}/{}\n", v.resource.kind_prefix(), v.name)
        } else {
            format!("{} \"{}\" {verb}{suffix}\n", v.resource.kind_prefix(), v.name)
        };
        if dry == DryRun::Client {
            ctx.io.out(&line);
            continue;
        }
        let path = resource_path(&v.resource, v.namespace.as_deref(), Some(&v.name));
        match client.delete(&path, Some(body.clone().into())).await {
            Ok(_) => {
                ctx.io.out(&line);
                to_wait.push(v);
            }
            Err(e) if e.is_not_found() && plan.ignore_not_found => to_wait.push(v),
            Err(e) => errors.push(with_source(e, v.source.as_deref(), "deleting")),
        }
    }
    if plan.wait && dry == DryRun::None {
        let deadline = plan.timeout.map(|t| Instant::now() + t);
        for v in to_wait {
            if let Err(e) = wait_deleted(&client, v, deadline).await {
                errors.push(e);
            }
        }
    }
    match errors.len() {
        0 => Ok(Exit::Success),
        1 => Err(errors.remove(0)),
        _ => Err(CliError::Many(errors)),
    }
}

/// A client error, with kubectl's `error when <verb> "<file>": ` prefix for file input.
pub fn with_source(e: crate::client::Error, source: Option<&str>, verb: &str) -> CliError {
    match (e, source) {
        (crate::client::Error::Api(mut s), Some(file)) => {
            s.message = format!("error when {verb} \"{file}\": {}", s.message);
            CliError::Server(s)
        }
        (e, _) => crate::cli::connect::client_error(e),
    }
}

/// kubectl's wait: GET (404 means gone), else LIST by name for a resourceVersion and watch
/// from it until `DELETED`. Watches are short and resumed, so the client needs no streaming.
async fn wait_deleted(
    client: &Client,
    v: &Victim,
    deadline: Option<Instant>,
) -> Result<(), CliError> {
    let path = resource_path(&v.resource, v.namespace.as_deref(), Some(&v.name));
    match client.get(&path).await {
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(crate::cli::connect::client_error(e)),
        Ok(_) => {}
    }
    let collection = resource_path(&v.resource, v.namespace.as_deref(), None);
    let selector = format!("metadata.name={}", v.name);
    let list_q = resource_args::query(&[
        ("fieldSelector", &selector),
        ("limit", "500"),
        ("resourceVersion", "0"),
    ]);
    let list = client
        .get(&format!("{collection}{list_q}"))
        .await
        .map_err(crate::cli::connect::client_error)?;
    if list["items"].as_array().is_some_and(Vec::is_empty) {
        return Ok(());
    }
    let mut rv = list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(CliError::message(format!(
                "timed out waiting for the condition on {}/{}",
                v.resource.plural, v.name
            )));
        }
        let q = resource_args::query(&[
            ("allowWatchBookmarks", "true"),
            ("fieldSelector", &selector),
            ("resourceVersion", &rv),
            ("timeoutSeconds", "1"),
            ("watch", "true"),
        ]);
        let resp = client
            .request(Request::new(Method::GET, format!("{collection}{q}")))
            .await
            .map_err(crate::cli::connect::client_error)?;
        for ev in resource_args::parse_watch_events(&resp.body) {
            match ev.kind.as_str() {
                "DELETED" => return Ok(()),
                "ERROR" => {
                    let s: Status = serde_json::from_value(ev.object).unwrap_or_default();
                    if s.code != 410 {
                        return Err(CliError::Server(s));
                    }
                    // Expired: start over from a fresh GET.
                    return Box::pin(wait_deleted(client, v, deadline)).await;
                }
                _ => {
                    if let Some(r) = meta::resource_version(&ev.object) {
                        rv = r.to_string();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_delete_options_like_kubectl() {
        assert_eq!(
            delete_options(None, "Background", false),
            "{\"propagationPolicy\":\"Background\"}\n"
        );
        assert_eq!(
            delete_options(Some(1), "Background", true),
            "{\"gracePeriodSeconds\":1,\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}\n"
        );
    }
}
