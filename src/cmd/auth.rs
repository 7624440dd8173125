//! `kctl auth can-i` (and `kctl auth whoami`): ask the server what the current user — or the
//! user named by the global `--as`/`--as-group` impersonation flags — may do, through
//! SelfSubjectAccessReview and SelfSubjectRulesReview, with kubectl's answers, table and exit
//! codes (`yes` exits 0, `no` exits 1).

// `Status` is the error type of the whole API; boxing it here alone would buy nothing.
#![allow(clippy::result_large_err)]

use crate::cli::{CliError, Ctx, connect, exit::Exit};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

/// Inspect authorization.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// The auth subcommand.
    #[command(subcommand)]
    pub command: AuthCommand,
}

/// `kctl auth` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Check whether an action is allowed
    #[command(name = "can-i")]
    CanI(CanIArgs),
    /// Experimental: Check self subject attributes
    Whoami(WhoamiArgs),
}

/// Check whether an action is allowed.
///
/// VERB is a logical Kubernetes API verb like 'get', 'list', 'watch', 'delete', etc. TYPE is a
/// Kubernetes resource. Shortcuts and groups will be resolved. NONRESOURCEURL is a partial URL
/// that starts with "/". NAME is the name of a particular Kubernetes resource. This command
/// pairs nicely with impersonation. See --as global flag.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Check to see if I can create pods in any namespace
  kctl auth can-i create pods --all-namespaces

  # Check to see if I can list deployments in my current namespace
  kctl auth can-i list deployments.apps

  # Check to see if service account \"foo\" of namespace \"dev\" can list pods in the namespace \"prod\"
  kctl auth can-i list pods --as=system:serviceaccount:dev:foo -n prod

  # Check to see if I can do everything in my current namespace (\"*\" means all)
  kctl auth can-i '*' '*'

  # Check to see if I can get the job named \"bar\" in namespace \"foo\"
  kctl auth can-i get jobs.batch/bar -n foo

  # Check to see if I can read pod logs
  kctl auth can-i get pods --subresource=log

  # Check to see if I can access the URL /logs/
  kctl auth can-i get /logs/

  # List all allowed actions in namespace \"foo\"
  kctl auth can-i --list --namespace=foo")]
pub struct CanIArgs {
    /// VERB, then TYPE[/NAME] or NONRESOURCEURL.
    #[arg(value_name = "VERB TYPE/NAME | NONRESOURCEURL")]
    pub args: Vec<String>,
    /// If true, check the specified action in all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// If true, prints all allowed actions.
    #[arg(long)]
    pub list: bool,
    /// If true, print output without headers (with --list).
    #[arg(long)]
    pub no_headers: bool,
    /// If true, suppress output and just return the exit code.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// SubResource such as pod/log or deployment/scale
    #[arg(long, default_value = "")]
    pub subresource: String,
}

/// Experimental: Check self subject attributes.
#[derive(Debug, Args)]
pub struct WhoamiArgs {}

/// Runs `kctl auth …`.
pub async fn run(args: AuthArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    match args.command {
        AuthCommand::CanI(a) => can_i(a, ctx).await,
        AuthCommand::Whoami(_) => whoami(ctx).await,
    }
}

/// What `can-i` asks about, resolved before any review is sent.
#[derive(Debug, PartialEq)]
enum Question {
    Resource { verb: String, group: String, resource: String, name: String },
    NonResource { verb: String, path: String },
    List,
}

fn resolve_args(a: &CanIArgs) -> Result<(Question, Option<String>), CliError> {
    if a.list {
        if !a.args.is_empty() {
            return Err(CliError::message("list option must be specified with no arguments"));
        }
        if a.quiet {
            return Err(CliError::message("list option can't be specified with quiet option"));
        }
        return Ok((Question::List, None));
    }
    if a.quiet && a.no_headers {
        return Err(CliError::message("--no-headers cannot be set without --list specified"));
    }
    match a.args.as_slice() {
        [verb, url] if url.starts_with('/') => {
            Ok((Question::NonResource { verb: verb.clone(), path: url.clone() }, None))
        }
        [verb, ty] => {
            let (ty, name) = match ty.split_once('/') {
                Some((t, n)) => (t.to_string(), n.to_string()),
                None => (ty.clone(), String::new()),
            };
            Ok((
                Question::Resource {
                    verb: verb.clone(),
                    group: String::new(),
                    resource: ty.clone(),
                    name,
                },
                Some(ty),
            ))
        }
        _ => Err(CliError::message(
            "you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kctl auth can-i -h' for help and examples.",
        )),
    }
}

async fn can_i(a: CanIArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let (mut question, type_arg) = resolve_args(&a)?;
    let client = connect::connect(ctx).await?;
    let namespace = if a.all_namespaces {
        String::new()
    } else {
        ctx.global.namespace.clone().unwrap_or_else(|| client.default_namespace().to_string())
    };
    if let (Question::Resource { group, resource, .. }, Some(ty)) = (&mut question, type_arg)
        && ty != "*"
    {
        let discovery = connect::discovery(ctx, &client).await?;
        match discovery.resolve(&ty) {
            Some(r) => {
                *group = r.group.clone();
                *resource = r.plural.clone();
            }
            None => match ty.split_once('.') {
                Some((res, g)) => {
                    ctx.io.err(&format!(
                        "Warning: the server doesn't have a resource type '{res}' in group '{g}'\n\n"
                    ));
                    *resource = res.to_string();
                    *group = g.to_string();
                }
                None => ctx
                    .io
                    .err(&format!("Warning: the server doesn't have a resource type '{ty}'\n\n")),
            },
        }
    }
    let (path, body) = match &question {
        Question::List => (
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
                "metadata": {}, "spec": {"namespace": namespace}}),
        ),
        Question::Resource { verb, group, resource, name } => (
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                "metadata": {}, "spec": {"resourceAttributes": {
                    "namespace": namespace, "verb": verb, "group": group,
                    "resource": resource, "subresource": a.subresource, "name": name}}}),
        ),
        Question::NonResource { verb, path } => (
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                "metadata": {}, "spec": {"nonResourceAttributes": {"path": path, "verb": verb}}}),
        ),
    };
    let body = serde_json::to_vec(&body).map_err(|e| CliError::message(e.to_string()))?;
    let answer =
        client.post(path, "application/json", body).await.map_err(|e| connect::report(ctx, e))?;
    let status = &answer["status"];
    if question == Question::List {
        if status["incomplete"].as_bool() == Some(true) {
            let why = status["evaluationError"].as_str().unwrap_or_default();
            ctx.io.err(&format!("warning: the list may be incomplete: {why}\n"));
        }
        ctx.io.out(&rules_table(status, !a.no_headers));
        return Ok(Exit::Success);
    }
    if status["allowed"].as_bool() == Some(true) {
        if !a.quiet {
            ctx.io.out("yes\n");
        }
        return Ok(Exit::Success);
    }
    if !a.quiet {
        let mut line = "no".to_string();
        if let Some(r) = status["reason"].as_str().filter(|r| !r.is_empty()) {
            line.push_str(&format!(" - {r}"));
        }
        if let Some(e) = status["evaluationError"].as_str().filter(|r| !r.is_empty()) {
            line.push_str(&format!(" - {e}"));
        }
        ctx.io.out(&format!("{line}\n"));
    }
    Err(CliError::Reported(1))
}

/// One row of the `--list` table: kubectl's PolicyRule fields.
#[derive(Debug, Clone, Default)]
struct Row {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

impl Row {
    /// The sort key kubectl uses: the Go string form of the rule.
    fn key(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.groups),
            go_list(&self.resources),
            go_list(&self.names),
            go_list(&self.urls)
        )
    }

    fn resource_column(&self) -> String {
        let Some(first) = self.resources.first() else { return String::new() };
        let (res, sub) = match first.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (first.as_str(), None),
        };
        let mut out = res.to_string();
        if let Some(g) = self.groups.first().filter(|g| !g.is_empty()) {
            out.push('.');
            out.push_str(g);
        }
        if let Some(s) = sub {
            out.push('/');
            out.push_str(s);
        }
        out
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// kubectl's `auth can-i --list` table: rules broken down to one group, resource (and name)
/// each, verbs of identical simple rules merged, sorted by their Go string form.
fn rules_table(status: &Value, headers: bool) -> String {
    let one = |s: &String| vec![s.clone()];
    let mut broken = Vec::new();
    for r in status["resourceRules"].as_array().into_iter().flatten() {
        let (verbs, groups, resources, names) = (
            strs(&r["verbs"]),
            strs(&r["apiGroups"]),
            strs(&r["resources"]),
            strs(&r["resourceNames"]),
        );
        for g in &groups {
            for res in &resources {
                for v in &verbs {
                    if names.is_empty() {
                        broken.push(Row {
                            verbs: one(v),
                            groups: one(g),
                            resources: one(res),
                            ..Default::default()
                        });
                    }
                    for n in &names {
                        broken.push(Row {
                            verbs: one(v),
                            groups: one(g),
                            resources: one(res),
                            names: one(n),
                            ..Default::default()
                        });
                    }
                }
            }
        }
    }
    for r in status["nonResourceRules"].as_array().into_iter().flatten() {
        let verbs = strs(&r["verbs"]);
        for u in strs(&r["nonResourceURLs"]) {
            for v in &verbs {
                broken.push(Row { verbs: one(v), urls: vec![u.clone()], ..Default::default() });
            }
        }
    }
    // Compact: rules naming one group, one resource and at most one name merge their verbs.
    let mut rows: Vec<Row> = Vec::new();
    let mut simple: Vec<Row> = Vec::new();
    for r in broken {
        let is_simple = r.urls.is_empty()
            && r.groups.len() == 1
            && r.resources.len() == 1
            && r.names.len() <= 1;
        if !is_simple {
            rows.push(r);
            continue;
        }
        match simple
            .iter_mut()
            .find(|s| s.groups == r.groups && s.resources == r.resources && s.names == r.names)
        {
            Some(s) => s.verbs.extend(r.verbs),
            None => simple.push(r),
        }
    }
    rows.extend(simple);
    rows.sort_by_cached_key(Row::key);
    let mut table: Vec<[String; 4]> = Vec::new();
    if headers {
        table.push([
            "Resources".into(),
            "Non-Resource URLs".into(),
            "Resource Names".into(),
            "Verbs".into(),
        ]);
    }
    for r in &rows {
        table.push([r.resource_column(), go_list(&r.urls), go_list(&r.names), go_list(&r.verbs)]);
    }
    tabwrite(&table)
}

/// Go's tabwriter as kubectl configures it (min width 6, padding 3); the last column is not
/// padded.
fn tabwrite(rows: &[[String; 4]]) -> String {
    let mut widths = [0usize; 3];
    for r in rows {
        for (i, w) in widths.iter_mut().enumerate() {
            *w = (*w).max((r[i].chars().count() + 3).max(6));
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, w) in widths.iter().enumerate() {
            out.push_str(&format!("{:<w$}", r[i], w = *w));
        }
        out.push_str(&r[3]);
        out.push('\n');
    }
    out
}

async fn whoami(ctx: &Ctx) -> Result<Exit, CliError> {
    let client = connect::connect(ctx).await?;
    let body = json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1", "metadata": {}});
    let body = serde_json::to_vec(&body).map_err(|e| CliError::message(e.to_string()))?;
    let answer = client
        .post("/apis/authentication.k8s.io/v1/selfsubjectreviews", "application/json", body)
        .await
        .map_err(|e| connect::report(ctx, e))?;
    let info = &answer["status"]["userInfo"];
    let mut rows = vec![["ATTRIBUTE".to_string(), "VALUE".to_string()]];
    rows.push(["Username".into(), info["username"].as_str().unwrap_or_default().into()]);
    if let Some(uid) = info["uid"].as_str() {
        rows.push(["UID".into(), uid.into()]);
    }
    rows.push(["Groups".into(), go_list(&strs(&info["groups"]))]);
    let w = rows.iter().map(|r| r[0].len() + 3).max().unwrap_or(6).max(6);
    let text: String = rows.iter().map(|r| format!("{:<w$}{}\n", r[0], r[1])).collect();
    ctx.io.out(&text);
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorts_like_kubectl() {
        let status = json!({"resourceRules": [
            {"verbs": ["get", "list"], "apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"]},
            {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews"]}],
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*"]}]});
        let t = rules_table(&status, true);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[1].starts_with("selfsubjectaccessreviews.authorization.k8s.io"), "{t}");
        assert!(lines[2].starts_with("deployments/scale "), "{t}");
        assert!(lines.last().unwrap().contains("[/api]"), "{t}");
    }
}
