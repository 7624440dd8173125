//! `kctl rollout`: manage the rollout of Deployments, DaemonSets and StatefulSets —
//! `status`, `history`, `undo`, `restart`, `pause`, `resume` — with kubectl's messages.
//! Also the small helpers `scale`, `describe` and `logs` share: resolving `TYPE NAME` or
//! `TYPE/NAME` to an object path.

#![allow(clippy::result_large_err)]

use crate::cli::connect::{client_error, connect, discovery};
use crate::cli::{CliError, Ctx, exit::Exit};
use crate::client::discovery::{ApiResource, resource_path};
use crate::client::{Client, Discovery};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// One object named on the command line.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its resource.
    pub res: ApiResource,
    /// Its namespace (empty for cluster-scoped objects).
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl Target {
    /// The object's URL path.
    pub fn path(&self) -> String {
        resource_path(&self.res, Some(&self.namespace), Some(&self.name))
    }

    /// `deployment.apps/web`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.res.kind_prefix(), self.name)
    }

    /// `deployments.apps "web"`.
    pub fn quoted(&self) -> String {
        format!("{} \"{}\"", self.res.group_resource(), self.name)
    }
}

/// Connects and resolves `TYPE NAME` / `TYPE/NAME` arguments into targets.
pub async fn targets(ctx: &Ctx, args: &[String]) -> Result<(Client, Vec<Target>), CliError> {
    let client = connect(ctx).await?;
    let disco = discovery(ctx, &client).await?;
    let ns = ctx.global.namespace.clone().unwrap_or_else(|| client.default_namespace().to_string());
    let targets = resolve(&disco, &ns, args)?;
    Ok((client, targets))
}

fn resolve(disco: &Discovery, ns: &str, args: &[String]) -> Result<Vec<Target>, CliError> {
    let lookup = |t: &str| {
        disco.resolve(t).cloned().ok_or_else(|| {
            CliError::message(format!("the server doesn't have a resource type \"{t}\""))
        })
    };
    let mut out = Vec::new();
    if args.first().is_some_and(|a| a.contains('/')) {
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err(CliError::message(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kctl get resource/<resource_name>' instead of 'kctl get resource resource/<resource_name>'",
                ));
            };
            let res = lookup(t)?;
            let namespace = if res.namespaced { ns.to_string() } else { String::new() };
            out.push(Target { res, namespace, name: n.to_string() });
        }
    } else if let Some((t, names)) = args.split_first() {
        let res = lookup(t)?;
        for n in names {
            let namespace = if res.namespaced { ns.to_string() } else { String::new() };
            out.push(Target { res: res.clone(), namespace, name: n.clone() });
        }
    }
    if out.is_empty() {
        return Err(CliError::message(
            "required resource not specified\nSee 'kctl rollout -h' for help and examples",
        ));
    }
    Ok(out)
}

/// Manage the rollout of one or many resources.
///
/// Valid resource types include: deployments, daemonsets, statefulsets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Rollback to the previous deployment
  kctl rollout undo deployment/abc

  # Check the rollout status of a daemonset
  kctl rollout status daemonset/foo

  # Restart a deployment
  kctl rollout restart deployment/abc")]
pub struct RolloutArgs {
    #[command(subcommand)]
    /// The rollout operation.
    pub command: RolloutCommand,
}

/// The rollout operations.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Show the status of the rollout
    Status(StatusArgs),
    /// View rollout history
    History(HistoryArgs),
    /// Undo a previous rollout
    Undo(UndoArgs),
    /// Restart a resource
    Restart(NamesArgs),
    /// Mark the provided resource as paused
    Pause(NamesArgs),
    /// Resume a paused resource
    Resume(NamesArgs),
}

/// Show the status of the rollout.
///
/// By default 'rollout status' will watch the status of the latest rollout until it's done.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    /// Watch the status of the rollout until it's done.
    #[arg(short = 'w', long, default_value_t = true, action = clap::ArgAction::Set)]
    pub watch: bool,
    /// The length of time to wait before ending watch, zero means never (e.g. 5s, 2m, 3h).
    #[arg(long, default_value = "0s")]
    pub timeout: String,
    /// Pin to a specific revision for showing its status. Defaults to 0 (last revision).
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
}

/// View previous rollout revisions and configurations.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    /// See the details, including podTemplate of the revision specified.
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
}

/// Roll back to a previous rollout.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    /// The revision to rollback to. Default to 0 (last revision).
    #[arg(long, default_value_t = 0)]
    pub to_revision: i64,
}

/// Name the resources to act on.
#[derive(Debug, Args)]
pub struct NamesArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
}

/// Runs `kctl rollout`.
pub async fn run(args: RolloutArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    match args.command {
        RolloutCommand::Status(a) => status(a, ctx).await,
        RolloutCommand::History(a) => history(a, ctx).await,
        RolloutCommand::Undo(a) => undo(a, ctx).await,
        RolloutCommand::Restart(a) => restart(a, ctx).await,
        RolloutCommand::Pause(a) => pause(a, ctx, true).await,
        RolloutCommand::Resume(a) => pause(a, ctx, false).await,
    }
}

fn check_kind(t: &Target, allowed: &[&str]) -> Result<(), CliError> {
    if t.res.group == "apps" && allowed.contains(&t.res.kind.as_str()) {
        return Ok(());
    }
    Err(CliError::message(format!("no status viewer has been implemented for {}", t.res.kind)))
}

fn i(v: &Value, f: &str) -> i64 {
    v["status"][f].as_i64().unwrap_or(0)
}

/// kubectl's rollout status message for an object: `(message, done)`, or an error.
pub fn status_message(kind: &str, obj: &Value) -> Result<(String, bool), CliError> {
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    let generation = obj["metadata"]["generation"].as_i64().unwrap_or(0);
    let observed = obj["status"]["observedGeneration"].as_i64().unwrap_or(0);
    let replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
    match kind {
        "Deployment" => {
            if generation > observed {
                return Ok((
                    "Waiting for deployment spec update to be observed...\n".into(),
                    false,
                ));
            }
            let timed_out = obj["status"]["conditions"].as_array().is_some_and(|cs| {
                cs.iter().any(|c| {
                    c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded"
                })
            });
            if timed_out {
                return Err(CliError::message(format!(
                    "deployment \"{name}\" exceeded its progress deadline"
                )));
            }
            let updated = i(obj, "updatedReplicas");
            if updated < replicas {
                return Ok((
                    format!(
                        "Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...\n"
                    ),
                    false,
                ));
            }
            if i(obj, "replicas") > updated {
                return Ok((
                    format!(
                        "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...\n",
                        i(obj, "replicas") - updated
                    ),
                    false,
                ));
            }
            if i(obj, "availableReplicas") < updated {
                return Ok((
                    format!(
                        "Waiting for deployment \"{name}\" rollout to finish: {} of {updated} updated replicas are available...\n",
                        i(obj, "availableReplicas")
                    ),
                    false,
                ));
            }
            Ok((format!("deployment \"{name}\" successfully rolled out\n"), true))
        }
        "DaemonSet" => {
            if generation > observed {
                return Ok((
                    "Waiting for daemon set spec update to be observed...\n".into(),
                    false,
                ));
            }
            let desired = i(obj, "desiredNumberScheduled");
            let updated = i(obj, "updatedNumberScheduled");
            if updated < desired {
                return Ok((
                    format!(
                        "Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n"
                    ),
                    false,
                ));
            }
            let available = i(obj, "numberAvailable");
            if available < desired {
                return Ok((
                    format!(
                        "Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n"
                    ),
                    false,
                ));
            }
            Ok((format!("daemon set \"{name}\" successfully rolled out\n"), true))
        }
        "StatefulSet" => {
            if observed == 0 || generation > observed {
                return Ok((
                    "Waiting for statefulset spec update to be observed...\n".into(),
                    false,
                ));
            }
            let ready = i(obj, "readyReplicas");
            if ready < replicas {
                return Ok((
                    format!("Waiting for {} pods to be ready...\n", replicas - ready),
                    false,
                ));
            }
            let partition =
                obj["spec"]["updateStrategy"]["rollingUpdate"]["partition"].as_i64().unwrap_or(0);
            if partition > 0 {
                let updated = i(obj, "updatedReplicas");
                if updated < replicas - partition {
                    return Ok((
                        format!(
                            "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n",
                            replicas - partition
                        ),
                        false,
                    ));
                }
                return Ok((
                    format!(
                        "partitioned roll out complete: {updated} new pods have been updated...\n"
                    ),
                    true,
                ));
            }
            let (cur, upd) = (
                obj["status"]["currentRevision"].as_str(),
                obj["status"]["updateRevision"].as_str(),
            );
            if cur != upd {
                return Ok((
                    format!(
                        "waiting for statefulset rolling update to complete {} pods at revision {}...\n",
                        i(obj, "updatedReplicas"),
                        upd.unwrap_or_default()
                    ),
                    false,
                ));
            }
            Ok((
                format!(
                    "statefulset rolling update complete {replicas} pods at revision {}...\n",
                    upd.unwrap_or_default()
                ),
                true,
            ))
        }
        other => {
            Err(CliError::message(format!("no status viewer has been implemented for {other}")))
        }
    }
}

async fn status(a: StatusArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let timeout = crate::cli::global::parse_duration(&a.timeout).map_err(CliError::message)?;
    let (client, targets) = targets(ctx, &a.args).await?;
    let t = &targets[0];
    check_kind(t, &["Deployment", "DaemonSet", "StatefulSet"])?;
    let start = Instant::now();
    let mut last = String::new();
    loop {
        let obj = client.get(&t.path()).await.map_err(client_error)?;
        let (msg, done) = status_message(&t.res.kind, &obj)?;
        if msg != last {
            ctx.io.out(&msg);
            last = msg;
        }
        if done || !a.watch {
            return Ok(Exit::Success);
        }
        if let Some(timeout) = timeout.filter(|t| !t.is_zero())
            && start.elapsed() >= timeout
        {
            return Err(CliError::message("timed out waiting for the condition"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The ReplicaSets a Deployment controls, with their revisions, oldest revision first.
async fn replica_sets(
    client: &Client,
    t: &Target,
    deploy: &Value,
) -> Result<Vec<(i64, Value)>, CliError> {
    let uid = deploy["metadata"]["uid"].as_str().unwrap_or_default();
    let path = format!("/apis/apps/v1/namespaces/{}/replicasets", t.namespace);
    let list = client.get(&path).await.map_err(client_error)?;
    let mut out: Vec<(i64, Value)> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|rs| {
            rs["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|rs| rs.iter().any(|r| r["uid"] == uid && r["controller"] == true))
        })
        .map(|rs| {
            let rev = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            (rev, rs.clone())
        })
        .collect();
    out.sort_by_key(|(r, _)| *r);
    Ok(out)
}

async fn history(a: HistoryArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let (client, targets) = targets(ctx, &a.args).await?;
    for t in &targets {
        check_kind(t, &["Deployment"])?;
        let deploy = client.get(&t.path()).await.map_err(client_error)?;
        let rss = replica_sets(&client, t, &deploy).await?;
        if a.revision > 0 {
            let Some((_, rs)) = rss.iter().find(|(r, _)| *r == a.revision) else {
                return Err(CliError::message("unable to find the specified revision"));
            };
            let mut tmpl = rs["spec"]["template"].clone();
            if let Some(m) = tmpl["metadata"].as_object_mut() {
                m.remove("creationTimestamp");
            }
            let yaml = crate::print::yaml::to_yaml(&tmpl);
            ctx.io.out(&format!("{} with revision #{}\nPod Template:\n", t.display(), a.revision));
            for l in yaml.lines() {
                ctx.io.out(&format!("  {l}\n"));
            }
            continue;
        }
        let mut out = format!("{} \nREVISION  CHANGE-CAUSE\n", t.display());
        for (rev, rs) in &rss {
            if *rev == 0 {
                continue;
            }
            let cause = rs["metadata"]["annotations"]["kubernetes.io/change-cause"]
                .as_str()
                .unwrap_or("<none>");
            out.push_str(&format!("{:<9} {cause}\n", rev));
        }
        out.push('\n');
        ctx.io.out(&out);
    }
    Ok(Exit::Success)
}

fn template_without_hash(rs: &Value) -> Value {
    let mut t = rs["spec"]["template"].clone();
    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
        l.remove("pod-template-hash");
    }
    t
}

async fn undo(a: UndoArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let (client, targets) = targets(ctx, &a.args).await?;
    for t in &targets {
        check_kind(t, &["Deployment"])?;
        let deploy = client.get(&t.path()).await.map_err(client_error)?;
        if deploy["spec"]["paused"].as_bool() == Some(true) {
            return Err(CliError::message(format!(
                "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume {}' and try again",
                t.display()
            )));
        }
        let rss = replica_sets(&client, t, &deploy).await?;
        let current = rss.iter().map(|(r, _)| *r).max().unwrap_or(0);
        let target = if a.to_revision > 0 {
            rss.iter().find(|(r, _)| *r == a.to_revision)
        } else {
            rss.iter().rev().find(|(r, _)| *r != current && *r > 0)
        };
        let Some((rev, rs)) = target else {
            return Err(CliError::message(if a.to_revision > 0 {
                format!("unable to find specified revision {} in history", a.to_revision)
            } else {
                format!(
                    "no rollout history found for {}",
                    t.quoted().replace("deployments.apps", "deployment")
                )
            }));
        };
        let tmpl = template_without_hash(rs);
        if crate::apiserver::controllers::util::normalize(&tmpl)
            == crate::apiserver::controllers::util::normalize(&deploy["spec"]["template"])
        {
            ctx.io.out(&format!(
                "{} skipped rollback (current template already matches revision {rev})\n",
                t.display()
            ));
            continue;
        }
        let patch = json!([{"op": "replace", "path": "/spec/template", "value": tmpl}]);
        client
            .patch(
                &t.path(),
                "application/json-patch+json",
                serde_json::to_vec(&patch).unwrap_or_default(),
            )
            .await
            .map_err(client_error)?;
        ctx.io.out(&format!("{} rolled back\n", t.display()));
    }
    Ok(Exit::Success)
}

async fn restart(a: NamesArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let (client, targets) = targets(ctx, &a.args).await?;
    for t in &targets {
        if !(t.res.group == "apps"
            && ["Deployment", "DaemonSet", "StatefulSet"].contains(&t.res.kind.as_str()))
        {
            return Err(CliError::message("restarting is not supported"));
        }
        let obj = client.get(&t.path()).await.map_err(client_error)?;
        if obj["spec"]["paused"].as_bool() == Some(true) {
            return Err(CliError::message(
                "can't restart paused deployment (run rollout resume first)",
            ));
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}});
        client
            .patch(
                &t.path(),
                "application/merge-patch+json",
                serde_json::to_vec(&patch).unwrap_or_default(),
            )
            .await
            .map_err(client_error)?;
        ctx.io.out(&format!("{} restarted\n", t.display()));
    }
    Ok(Exit::Success)
}

async fn pause(a: NamesArgs, ctx: &Ctx, paused: bool) -> Result<Exit, CliError> {
    let (client, targets) = targets(ctx, &a.args).await?;
    let verb = if paused { "paused" } else { "resumed" };
    let mut errors = Vec::new();
    for t in &targets {
        if !(t.res.group == "apps" && t.res.kind == "Deployment") {
            errors.push(CliError::message(format!("{} is not supported", t.display())));
            continue;
        }
        let obj = client.get(&t.path()).await.map_err(client_error)?;
        if obj["spec"]["paused"].as_bool().unwrap_or(false) == paused {
            let what = if paused { "already paused" } else { "is not paused" };
            errors.push(CliError::message(format!("{} {what}", t.quoted())));
            continue;
        }
        let patch = json!({"spec": {"paused": paused}});
        client
            .patch(
                &t.path(),
                "application/merge-patch+json",
                serde_json::to_vec(&patch).unwrap_or_default(),
            )
            .await
            .map_err(client_error)?;
        ctx.io.out(&format!("{} {verb}\n", t.display()));
    }
    match errors.len() {
        0 => Ok(Exit::Success),
        1 => Err(errors.remove(0)),
        _ => Err(CliError::Many(errors)),
    }
}
