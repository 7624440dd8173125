//! `kctl create -f`: create resources from files or stdin.

use crate::apply::{DryRun, Validation, last_applied, query};
use crate::cli::flags::{DryRunArgs, FileArgs, OutputArgs, ValidateArgs};
use crate::cli::objects::{self, Resolved};
use crate::cli::{CliError, Ctx, connect, exit::Exit, output::Output};
use crate::client::{Client, Request};
use crate::object::meta;
use clap::Args;
use futures::StreamExt;
use http::Method;
use serde_json::Value;

/// Create a resource from a file or from stdin.
///
/// JSON and YAML formats are accepted.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Create a pod using the data in pod.json
  kctl create -f ./pod.json

  # Create a pod based on the JSON passed into stdin
  cat pod.json | kctl create -f -")]
pub struct CreateArgs {
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
    /// If true, the configuration of current object will be saved in its annotation. Otherwise,
    /// the annotation will be unchanged. This flag is useful when you want to perform kubectl
    /// apply on this object in the future.
    #[arg(long)]
    pub save_config: bool,
    /// Raw URI to POST to the server. Uses the transport specified by the kubeconfig file.
    #[arg(long)]
    pub raw: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-create")]
    pub field_manager: String,
}

/// Runs `kctl create`.
pub async fn run(args: CreateArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let dry_run = crate::cli::flags::dry_run(&args.dry_run);
    let validation = validation(&args.validate.validate)?;
    let output = Output::parse(args.output.output.as_deref())?;
    if let Some(raw) = &args.raw {
        return raw_request(ctx, Method::POST, raw, &args.files).await;
    }
    let objects::Loaded { client, objects: objs, .. } =
        objects::load(ctx, &args.files, "create", false).await?;
    let q = write_query(dry_run, &args.field_manager, validation);
    let results: Vec<Result<Value, CliError>> = futures::stream::iter(&objs)
        .map(|o| create_one(&client, o, &q, dry_run, args.save_config))
        .buffered(8)
        .collect()
        .await;
    let mut errors = Vec::new();
    let mut created = Vec::new();
    for (o, r) in objs.iter().zip(results) {
        match r {
            Ok(v) => {
                if output.prints_lines() {
                    let name = meta::name(&v).unwrap_or(&o.name).to_string();
                    let line = format!("{}/{name}", o.resource.kind_prefix());
                    ctx.io.out(&output.result_line(&line, "created", dry_run));
                }
                created.push(v);
            }
            Err(e) => errors.push(e),
        }
    }
    output.print_objects(ctx, created);
    if errors.is_empty() { Ok(Exit::Success) } else { Err(CliError::Many(errors)) }
}

/// Parses `--validate`.
pub fn validation(s: &str) -> Result<Validation, CliError> {
    Validation::parse(s).ok_or_else(|| {
        CliError::message(format!(
            "invalid - validate option \"{s}\"; must be one of: strict (or true), warn, ignore (or false)"
        ))
    })
}

/// The query of a POST or PUT: `[dryRun=All&]fieldManager=…&fieldValidation=…`.
pub fn write_query(dry_run: DryRun, field_manager: &str, validation: Validation) -> String {
    let v = validation.query_value();
    match dry_run {
        DryRun::Server => {
            query(&[("dryRun", "All"), ("fieldManager", field_manager), ("fieldValidation", v)])
        }
        _ => query(&[("fieldManager", field_manager), ("fieldValidation", v)]),
    }
}

async fn create_one(
    client: &Client,
    o: &Resolved,
    q: &str,
    dry_run: DryRun,
    save_config: bool,
) -> Result<Value, CliError> {
    let obj = if save_config { last_applied::with_annotation(&o.object) } else { o.object.clone() };
    let body = last_applied::encode_without_nulls(&obj);
    if dry_run == DryRun::Client {
        return Ok(serde_json::from_str(&body).unwrap_or(Value::Null));
    }
    let path = format!(
        "{}{q}",
        crate::client::discovery::resource_path(&o.resource, o.namespace.as_deref(), None)
    );
    send_object(client, Method::POST, path, body, "creating", &o.source).await
}

/// Sends an object's JSON body (POST or PUT) and decodes the answer; errors name the file.
pub async fn send_object(
    client: &Client,
    method: Method,
    path: String,
    body: String,
    when: &str,
    source: &str,
) -> Result<Value, CliError> {
    let resp = client
        .request(Request::new(method, path).body("application/json", body))
        .await
        .map_err(|e| file_error(e, when, source))?;
    Ok(serde_json::from_slice(&resp.body).unwrap_or(Value::Null))
}

/// A client error about an object from a file, with kubectl's `error when <verb> "<file>"`.
pub fn file_error(e: crate::client::Error, when: &str, source: &str) -> CliError {
    match e {
        crate::client::Error::Api(status) => {
            CliError::ServerWhen { status, when: format!("error when {when} \"{source}\"") }
        }
        other => connect::client_error(other),
    }
}

/// `--raw URI`: the file's bytes sent as they are to a URI of the server.
pub async fn raw_request(
    ctx: &Ctx,
    method: Method,
    uri: &str,
    files: &FileArgs,
) -> Result<Exit, CliError> {
    let [file] = &files.filenames[..] else {
        return Err(CliError::message("--raw can only use a single local file or stdin"));
    };
    let body = if file == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
            .map_err(|e| CliError::message(format!("reading stdin: {e}")))?;
        buf
    } else {
        std::fs::read(file).map_err(|e| CliError::message(format!("{file}: {e}")))?
    };
    let client = connect::connect(ctx).await?;
    let resp = client
        .request(Request::new(method, uri).body("application/json", body))
        .await
        .map_err(connect::client_error)?;
    ctx.io.out(&String::from_utf8_lossy(&resp.body));
    Ok(Exit::Success)
}
