//! `kctl get`: display one or many resources.

use crate::cli::flags::FileArgs;
use crate::cli::resource_args::{self, ResourceArgs, Target};
use crate::cli::{CliError, Ctx, exit::Exit};
use crate::client::{ApiResource, Client, Request, resource_path};
use crate::object::meta;
use crate::print::custom_columns::{self, Column};
use crate::print::jsonpath::JsonPath;
use crate::print::table::{self, TableOptions};
use clap::Args;
use http::{Method, header};
use serde_json::Value;

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
    /// If false, hide managedFields when printing objects in JSON or YAML format.
    #[arg(long)]
    pub show_managed_fields: bool,
    /// Watch for changes to the requested object(s), without listing/getting first.
    #[arg(long)]
    pub watch_only: bool,
    /// When printing, show the kind of the resources (always done for several types).
    #[arg(long)]
    pub show_kind: bool,
}

/// The `Accept` header kubectl sends for human output: server-side tables first.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

const FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// How `get` prints what it fetched.
#[derive(Debug, Clone)]
pub enum Format {
    /// Tables (server-side when offered), `wide` adds the priority columns.
    Human {
        /// `-o wide`.
        wide: bool,
    },
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o name`.
    Name,
    /// `-o jsonpath=…` / `-o jsonpath-as-json=…`.
    JsonPath {
        /// The template.
        path: JsonPath,
        /// `jsonpath-as-json`.
        as_json: bool,
    },
    /// `-o custom-columns=…`.
    Columns(Vec<Column>),
}

impl Format {
    /// Parses `-o`, as kubectl's printer flags do (files are read for `*-file`).
    pub fn parse(output: Option<&str>) -> Result<Format, CliError> {
        let Some(o) = output.filter(|o| !o.is_empty()) else {
            return Ok(Format::Human { wide: false });
        };
        let (name, arg) = match o.split_once('=') {
            Some((n, a)) => (n, Some(a)),
            None => (o, None),
        };
        let template = |what: &str| -> Result<String, CliError> {
            match arg {
                Some(a) if !a.is_empty() => Ok(a.to_string()),
                _ => {
                    Err(CliError::message(format!("{what} format specified but no template given")))
                }
            }
        };
        let read = |path: String| -> Result<String, CliError> {
            std::fs::read_to_string(&path)
                .map_err(|e| CliError::message(format!("error reading template {path}, {e}")))
        };
        let jsonpath = |text: String, as_json: bool| -> Result<Format, CliError> {
            let path = JsonPath::parse(&text)
                .map_err(|e| CliError::message(format!("error parsing jsonpath {text}, {e}")))?;
            Ok(Format::JsonPath { path, as_json })
        };
        match name {
            "wide" if arg.is_none() => Ok(Format::Human { wide: true }),
            "yaml" if arg.is_none() => Ok(Format::Yaml),
            "json" if arg.is_none() => Ok(Format::Json),
            "name" if arg.is_none() => Ok(Format::Name),
            "jsonpath" => jsonpath(template("template")?, false),
            "jsonpath-as-json" => jsonpath(template("template")?, true),
            "jsonpath-file" => jsonpath(read(template("template")?)?, false),
            "custom-columns" => {
                let spec = arg.unwrap_or("");
                custom_columns::parse_spec(spec)
                    .map(Format::Columns)
                    .map_err(|e| CliError::message(e.to_string()))
            }
            "custom-columns-file" => {
                let text = read(template("custom-columns-file")?)?;
                custom_columns::parse_file(&text)
                    .map(Format::Columns)
                    .map_err(|e| CliError::message(e.to_string()))
            }
            "go-template" | "go-template-file" | "template" | "templatefile" => {
                Err(CliError::message(format!(
                    "output format \"{name}\" is not supported by kctl; use jsonpath"
                )))
            }
            _ => Err(CliError::message(format!(
                "unable to match a printer suitable for the output format \"{o}\", allowed formats are: {FORMATS}"
            ))),
        }
    }

    fn human(&self) -> bool {
        matches!(self, Format::Human { .. })
    }
}

/// What one request returned: a Table, a list or one object, for one resource.
#[derive(Debug, Clone)]
struct Info {
    resource: ApiResource,
    value: Value,
}

/// kubectl's message when `get` has no type argument.
const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kctl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kctl get -h' for help and examples\n";

/// Runs `kctl get`.
pub async fn run(args: GetArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let format = Format::parse(args.output.as_deref())?;
    let parsed = ResourceArgs::parse(&args.args)?;
    let from_files = !args.files.filenames.is_empty();
    if parsed.is_empty() && !from_files {
        ctx.io.err(NO_TYPE);
        return Err(CliError::Reported(1));
    }
    if from_files && !parsed.is_empty() {
        return Err(CliError::message(
            "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
        ));
    }
    if parsed.has_names() && args.all_namespaces {
        return Err(CliError::message(resource_args::NAMES_ACROSS_NAMESPACES));
    }
    if parsed.has_names() && args.selector.is_some() {
        return Err(CliError::message("name cannot be provided when a selector is specified"));
    }
    let client = crate::cli::connect::connect(ctx).await?;
    let mut discovery = crate::cli::connect::discovery(ctx, &client).await?;
    let default_ns = client.default_namespace().to_string();
    let namespace = if args.all_namespaces { None } else { Some(default_ns.clone()) };

    // (resource, namespace, name) requests in order; `None` name = collection.
    let mut requests: Vec<(ApiResource, Option<String>, Option<String>)> = Vec::new();
    let mut errors: Vec<CliError> = Vec::new();
    let single_item;
    if from_files {
        let manifests = crate::cli::input::load_manifests_for_verb(&args.files, ctx, "get").await?;
        single_item = manifests.len() == 1;
        for m in &manifests {
            let obj = &m.object;
            let av = meta::api_version(obj).unwrap_or("");
            let kind = meta::kind(obj).unwrap_or("");
            let res = discovery
                .for_kind_fresh(&client, av, kind)
                .await
                .map_err(crate::cli::connect::client_error)?;
            let Some(res) = res else {
                errors.push(resource_args::no_mapping(obj, &m.origin.source));
                continue;
            };
            let ns =
                resource_args::object_namespace(obj, &default_ns, ctx.global.namespace.as_deref())?;
            let name = meta::name(obj).unwrap_or("").to_string();
            requests.push((res.clone(), res.namespaced.then_some(ns), Some(name)));
        }
    } else {
        single_item = parsed.single_item();
        let targets: Vec<Target> = resource_args::resolve(&parsed, &mut discovery, &client).await?;
        for t in targets {
            let ns = if t.resource.namespaced {
                if t.names.is_empty() { namespace.clone() } else { Some(default_ns.clone()) }
            } else {
                None
            };
            if t.names.is_empty() {
                requests.push((t.resource.clone(), ns, None));
            } else {
                for n in &t.names {
                    requests.push((t.resource.clone(), ns.clone(), Some(n.clone())));
                }
            }
        }
    }
    if args.watch || args.watch_only {
        return watch(&args, ctx, &client, &format, requests).await;
    }

    let mut infos: Vec<Info> = Vec::new();
    for (res, ns, name) in &requests {
        match fetch(&client, &args, &format, res, ns.as_deref(), name.as_deref()).await {
            Ok(value) => infos.push(Info { resource: res.clone(), value }),
            Err(e) if e.is_not_found() && args.ignore_not_found && name.is_some() => {}
            Err(e) => errors.push(crate::cli::connect::client_error(e)),
        }
    }

    let all_namespaced = !args.all_namespaces && infos.iter().all(|i| i.resource.namespaced);
    let printed = if format.human() {
        print_human(&args, ctx, &format, &infos)?
    } else {
        print_generic(&args, ctx, &format, infos, single_item)?;
        true
    };
    if !printed && !args.ignore_not_found && errors.is_empty() {
        if all_namespaced {
            ctx.io.err(&format!("No resources found in {default_ns} namespace.\n"));
        } else {
            ctx.io.err("No resources found\n");
        }
    }
    match errors.len() {
        0 => Ok(Exit::Success),
        1 => Err(errors.remove(0)),
        _ => Err(CliError::Many(errors)),
    }
}

/// GETs one object or LISTs a collection (in chunks of `--chunk-size`).
async fn fetch(
    client: &Client,
    args: &GetArgs,
    format: &Format,
    res: &ApiResource,
    ns: Option<&str>,
    name: Option<&str>,
) -> Result<Value, crate::client::Error> {
    let accept = if format.human() { TABLE_ACCEPT } else { "application/json" };
    let path = resource_path(res, ns, name);
    let get = |url: String| {
        let req = Request::new(Method::GET, url).header(header::ACCEPT, accept);
        async move {
            let resp = client.request(req).await?;
            serde_json::from_slice::<Value>(&resp.body)
                .map_err(|e| crate::client::Error::Decode(format!("invalid JSON in response: {e}")))
        }
    };
    if name.is_some() {
        return get(path).await;
    }
    let sorting = args.sort_by.is_some();
    let limit =
        if sorting || args.chunk_size <= 0 { String::new() } else { args.chunk_size.to_string() };
    let include = if sorting && format.human() { "Object" } else { "" };
    let mut cont = String::new();
    let mut merged: Option<Value> = None;
    loop {
        let q = resource_args::query(&[
            ("labelSelector", args.selector.as_deref().unwrap_or("")),
            ("fieldSelector", args.field_selector.as_deref().unwrap_or("")),
            ("limit", &limit),
            ("continue", &cont),
            ("includeObject", include),
        ]);
        let page = get(format!("{path}{q}")).await.map_err(|e| {
            resource_args::list_error(
                e,
                res,
                args.selector.as_deref().unwrap_or(""),
                args.field_selector.as_deref().unwrap_or(""),
            )
        })?;
        cont = page["metadata"]["continue"].as_str().unwrap_or("").to_string();
        merged = Some(match merged {
            None => page,
            Some(mut acc) => {
                let key = if acc["kind"] == "Table" { "rows" } else { "items" };
                if let (Some(a), Some(b)) = (
                    acc.get_mut(key).and_then(Value::as_array_mut),
                    page.get(key).and_then(Value::as_array),
                ) {
                    a.extend(b.iter().cloned());
                }
                acc
            }
        });
        if cont.is_empty() || limit.is_empty() {
            break;
        }
    }
    Ok(merged.unwrap_or(Value::Null))
}

fn table_options(args: &GetArgs, format: &Format, res: &ApiResource, prefix: bool) -> TableOptions {
    TableOptions {
        wide: matches!(format, Format::Human { wide: true }),
        with_namespace: args.all_namespaces && res.namespaced,
        no_headers: args.no_headers,
        show_labels: args.show_labels,
        label_columns: args
            .label_columns
            .iter()
            .flat_map(|l| l.split(','))
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        name_prefix: prefix.then(|| res.kind_prefix()),
    }
}

/// The rows (header first unless suppressed) of one fetched Table, list or object.
fn human_rows(
    args: &GetArgs,
    info: &Info,
    opts: &TableOptions,
) -> Result<Vec<Vec<String>>, CliError> {
    let v = &info.value;
    if v["kind"] == "Table" {
        let mut t = v.clone();
        if let Some(expr) = &args.sort_by {
            let rows = t["rows"].as_array().cloned().unwrap_or_default();
            let objs: Vec<Value> = rows.iter().map(|r| r["object"].clone()).collect();
            let keys = custom_columns::sort_keys(expr, &objs)
                .map_err(|e| CliError::message(e.to_string()))?;
            let order = custom_columns::sorted_order(&keys);
            t["rows"] = Value::Array(order.into_iter().map(|i| rows[i].clone()).collect());
        }
        if t["rows"].as_array().is_none_or(Vec::is_empty) {
            return Ok(Vec::new());
        }
        return Ok(table::table_rows(&t, opts));
    }
    let mut items = items_of(v);
    if items.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(expr) = &args.sort_by {
        items = sort_items(expr, items)?;
    }
    Ok(table::fallback_rows(&items, now(), opts))
}

/// The clock for client-side ages (`KCTL_TEST_NOW` pins it in tests).
fn now() -> chrono::DateTime<chrono::Utc> {
    std::env::var("KCTL_TEST_NOW")
        .ok()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(chrono::Utc::now)
}

/// Prints tables; consecutive results of one resource share a table, and tables of
/// different resources are separated by a blank line. Returns whether anything was printed.
fn print_human(
    args: &GetArgs,
    ctx: &Ctx,
    format: &Format,
    infos: &[Info],
) -> Result<bool, CliError> {
    let mut kinds: Vec<&ApiResource> = Vec::new();
    for i in infos {
        if !kinds.iter().any(|k| k.group == i.resource.group && k.kind == i.resource.kind) {
            kinds.push(&i.resource);
        }
    }
    let prefix = kinds.len() > 1 || args.show_kind;
    let mut blocks: Vec<String> = Vec::new();
    let mut idx = 0;
    while idx < infos.len() {
        let res = &infos[idx].resource;
        let opts = table_options(args, format, res, prefix);
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut header_done = false;
        while idx < infos.len() && infos[idx].resource == *res {
            let mut r = human_rows(args, &infos[idx], &opts)?;
            if !r.is_empty() && header_done && !args.no_headers {
                r.remove(0);
            }
            if !r.is_empty() {
                header_done = true;
            }
            rows.extend(r);
            idx += 1;
        }
        if !rows.is_empty() {
            blocks.push(table::layout(&rows));
        }
    }
    if blocks.is_empty() {
        return Ok(false);
    }
    let sep = if args.no_headers { "" } else { "\n" };
    ctx.io.out(&blocks.join(sep));
    Ok(true)
}

/// The objects in a fetched value: a list's items (with `apiVersion` and `kind` filled in
/// from the list, as kubectl does) or the object itself.
fn items_of(v: &Value) -> Vec<Value> {
    let Some(items) = v.get("items").and_then(Value::as_array) else {
        return if v.is_object() { vec![v.clone()] } else { Vec::new() };
    };
    let api_version = v["apiVersion"].as_str().unwrap_or("");
    let kind = v["kind"].as_str().unwrap_or("").strip_suffix("List").unwrap_or("");
    items
        .iter()
        .map(|item| {
            let mut item = item.clone();
            if let Some(m) = item.as_object_mut() {
                if !m.contains_key("apiVersion") && !api_version.is_empty() {
                    m.insert("apiVersion".into(), Value::String(api_version.into()));
                }
                if !m.contains_key("kind") && !kind.is_empty() {
                    m.insert("kind".into(), Value::String(kind.into()));
                }
            }
            item
        })
        .collect()
}

fn sort_items(expr: &str, items: Vec<Value>) -> Result<Vec<Value>, CliError> {
    let keys =
        custom_columns::sort_keys(expr, &items).map_err(|e| CliError::message(e.to_string()))?;
    Ok(custom_columns::sorted_order(&keys).into_iter().map(|i| items[i].clone()).collect())
}

/// yaml, json, name, jsonpath and custom-columns over the flattened objects.
fn print_generic(
    args: &GetArgs,
    ctx: &Ctx,
    format: &Format,
    infos: Vec<Info>,
    single_item: bool,
) -> Result<(), CliError> {
    let mut items: Vec<Value> = infos.iter().flat_map(|i| items_of(&i.value)).collect();
    if items.is_empty() && args.ignore_not_found {
        return Ok(());
    }
    if let Some(expr) = &args.sort_by {
        items = sort_items(expr, items)?;
    }
    if !args.show_managed_fields {
        items.iter_mut().for_each(crate::print::strip_managed_fields);
    }
    let whole = || {
        if single_item && items.len() == 1 {
            items[0].clone()
        } else {
            crate::print::as_list(items.clone())
        }
    };
    let text = match format {
        Format::Yaml => crate::print::yaml::to_yaml(&whole()),
        Format::Json => crate::print::json::to_json(&whole()),
        Format::Name => items.iter().map(|i| format!("{}\n", crate::print::name::of(i))).collect(),
        Format::JsonPath { path, as_json } => {
            let obj = whole();
            let r = if *as_json { path.render_json(&obj) } else { path.render(&obj) };
            r.map_err(|e| jsonpath_exec_error(path, &obj, &e.to_string()))?
        }
        Format::Columns(cols) => {
            let rows = custom_columns::rows(cols, &items, args.no_headers)
                .map_err(|e| CliError::message(e.to_string()))?;
            table::layout(&rows)
        }
        Format::Human { .. } => String::new(),
    };
    ctx.io.out(&text);
    Ok(())
}

/// kubectl's error for a template that failed on an object, with the object dumped as Go
/// prints it.
pub fn jsonpath_exec_error(path: &JsonPath, obj: &Value, msg: &str) -> CliError {
    CliError::message(format!(
        "error executing jsonpath {:?}: Error executing template: {msg}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n",
        path.source(),
        path.source(),
        crate::print::jsonpath::go_repr(obj)
    ))
}

/// `-w`: the initial listing (unless `--watch-only`), then one line per event, polling the
/// watch endpoint and resuming from the last resourceVersion.
async fn watch(
    args: &GetArgs,
    ctx: &Ctx,
    client: &Client,
    format: &Format,
    requests: Vec<(ApiResource, Option<String>, Option<String>)>,
) -> Result<Exit, CliError> {
    let mut kinds: Vec<&ApiResource> = Vec::new();
    for r in &requests {
        if !kinds.contains(&&r.0) {
            kinds.push(&r.0);
        }
    }
    if kinds.len() != 1 {
        return Err(CliError::message(format!(
            "watch is only supported on individual resources and resource collections, but {} resources were found",
            requests.len()
        )));
    }
    let (res, ns, name) = requests[0].clone();
    let accept = if format.human() { TABLE_ACCEPT } else { "application/json" };
    let path = resource_path(&res, ns.as_deref(), None);
    let field_selector = match (&name, &args.field_selector) {
        (Some(n), _) => format!("metadata.name={n}"),
        (None, Some(f)) => f.clone(),
        (None, None) => String::new(),
    };
    let list_q = resource_args::query(&[
        ("labelSelector", args.selector.as_deref().unwrap_or("")),
        ("fieldSelector", &field_selector),
    ]);
    let list = client
        .request(
            Request::new(Method::GET, format!("{path}{list_q}")).header(header::ACCEPT, accept),
        )
        .await
        .map_err(crate::cli::connect::client_error)?;
    let list: Value = serde_json::from_slice(&list.body)
        .map_err(|e| CliError::message(format!("invalid JSON in response: {e}")))?;
    let mut rv = list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
    let opts = table_options(args, format, &res, false);
    // Rows are computed with their header, which is printed again whenever the columns change
    // (a server that sends plain objects in events after a Table list), as kubectl does.
    let row_opts = TableOptions { no_headers: false, ..opts.clone() };
    let info = Info { resource: res.clone(), value: list };
    let mut printer = WatchPrinter { no_headers: args.no_headers, ..WatchPrinter::default() };
    if !args.watch_only {
        if format.human() {
            let rows = human_rows(args, &info, &row_opts)?;
            if rows.is_empty() {
                ctx.io.err(&match &ns {
                    Some(n) if res.namespaced => format!("No resources found in {n} namespace.\n"),
                    _ => "No resources found\n".to_string(),
                });
            } else {
                ctx.io.out(&printer.print(rows));
            }
        } else {
            print_generic(args, ctx, format, vec![info.clone()], false)?;
        }
    }
    loop {
        let q = resource_args::query(&[
            ("allowWatchBookmarks", "true"),
            ("labelSelector", args.selector.as_deref().unwrap_or("")),
            ("fieldSelector", &field_selector),
            ("resourceVersion", &rv),
            ("timeoutSeconds", "1"),
            ("watch", "true"),
        ]);
        let resp = client
            .request(Request::new(Method::GET, format!("{path}{q}")).header(header::ACCEPT, accept))
            .await
            .map_err(crate::cli::connect::client_error)?;
        for ev in resource_args::parse_watch_events(&resp.body) {
            if ev.kind == "ERROR" {
                let status: crate::object::Status =
                    serde_json::from_value(ev.object).unwrap_or_default();
                if status.code == 410 {
                    rv.clear();
                    continue;
                }
                return Err(CliError::Server(status));
            }
            let obj_rv = ev.object["metadata"]["resourceVersion"]
                .as_str()
                .or_else(|| ev.object["rows"][0]["object"]["metadata"]["resourceVersion"].as_str())
                .unwrap_or("")
                .to_string();
            if !obj_rv.is_empty() {
                rv = obj_rv;
            }
            if ev.kind == "BOOKMARK" {
                continue;
            }
            let info = Info { resource: res.clone(), value: ev.object };
            if format.human() {
                let rows = human_rows(args, &info, &row_opts)?;
                ctx.io.out(&printer.print(rows));
            } else {
                print_generic(args, ctx, format, vec![info], true)?;
            }
        }
    }
}

/// Prints watch rows under remembered column widths, repeating the header only when the
/// columns change.
#[derive(Debug, Default)]
struct WatchPrinter {
    no_headers: bool,
    header: Option<Vec<String>>,
    widths: Vec<usize>,
}

impl WatchPrinter {
    /// `rows` starts with its header row.
    fn print(&mut self, mut rows: Vec<Vec<String>>) -> String {
        if rows.is_empty() {
            return String::new();
        }
        let header = rows.remove(0);
        let new_columns = self.header.as_ref() != Some(&header);
        if new_columns {
            self.widths.clear();
            self.header = Some(header.clone());
            if !self.no_headers {
                rows.insert(0, header);
            }
        }
        let w = column_widths(&rows);
        self.widths.resize(self.widths.len().max(w.len()), 0);
        for (a, b) in self.widths.iter_mut().zip(w) {
            *a = (*a).max(b);
        }
        pad_rows(&rows, &self.widths)
    }
}

fn column_widths(rows: &[Vec<String>]) -> Vec<usize> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut w = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                w[i] = w[i].max(c.chars().count() + 3).max(6);
            }
        }
    }
    w
}

fn pad_rows(rows: &[Vec<String>], widths: &[usize]) -> String {
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                let w = widths.get(i).copied().unwrap_or(0);
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(c.chars().count())));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_output_formats() {
        assert!(matches!(Format::parse(None).unwrap(), Format::Human { wide: false }));
        assert!(matches!(Format::parse(Some("wide")).unwrap(), Format::Human { wide: true }));
        assert!(matches!(
            Format::parse(Some("jsonpath={.a}")).unwrap(),
            Format::JsonPath { as_json: false, .. }
        ));
        assert_eq!(
            Format::parse(Some("jsonpath={.a")).unwrap_err().to_string(),
            "error parsing jsonpath {.a, unclosed action"
        );
        assert!(
            Format::parse(Some("wat"))
                .unwrap_err()
                .to_string()
                .starts_with("unable to match a printer suitable for the output format \"wat\"")
        );
    }

    #[test]
    fn fills_list_item_kinds() {
        let l = json!({"apiVersion": "v1", "kind": "ConfigMapList", "items": [{"metadata": {"name": "a"}}]});
        assert_eq!(items_of(&l)[0]["kind"], "ConfigMap");
        assert_eq!(items_of(&l)[0]["apiVersion"], "v1");
    }
}
