//! Shell completion: the scripts `kctl completion SHELL` prints, and the dynamic completion
//! they call back into.
//!
//! The scripts are thin: on TAB they run `KCTL_COMPLETE=<shell> kctl -- <words>` (the `kctl`
//! found on `PATH`, so the committed scripts are reproducible) and hand its lines to the
//! shell. The binary answers from the clap command tree (subcommands, flags, enum values)
//! through clap_complete's engine, plus the value completers attached here, centrally, without
//! touching the verbs' `Args`: resource types from discovery, resource names (`get TYPE <TAB>`,
//! `TYPE/<TAB>`), namespaces, kubeconfig contexts, clusters and users, `-o` formats and `-f`
//! files.
//!
//! Names come from one LIST asking for object metadata only (`PartialObjectMetadataList`,
//! else the plain list; a `Table` answer is understood too), with a short default timeout. Completion never writes to the shell line anything but candidates:
//! every failure yields no candidates.

use crate::cli::GlobalArgs;
use crate::client::kubeconfig::Kubeconfig;
use crate::client::{ApiResource, Client, Discovery, Env, Request, resource_path};
use clap::FromArgMatches;
use clap::parser::ValueSource;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate, PathCompleter};
use clap_complete::env::{EnvCompleter, Shells};
use clap_complete::{CompleteEnv, Shell};
use http::{Method, header};
use std::cell::RefCell;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::process::ExitCode;

/// The environment variable that switches `kctl` into completion mode; its value names the
/// shell.
pub const ENV_VAR: &str = "KCTL_COMPLETE";

/// The request timeout of completion requests when `--request-timeout` is not on the line.
pub const DEFAULT_TIMEOUT: &str = "5s";

/// The `Accept` header of name lookups: metadata only (every kube-apiserver since 1.15 serves
/// it), else the plain list. A Table is not asked for: no server needs it, and building one
/// costs `kctl serve` far more than splicing the stored objects into a list.
pub const NAMES_ACCEPT: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// The `-o` formats kubectl accepts.
const OUTPUT_FORMATS: &[(&str, &str)] = &[
    ("json", "JSON"),
    ("yaml", "YAML"),
    ("name", "resource/name"),
    ("wide", "table with more columns"),
    ("custom-columns=", "columns from a spec"),
    ("custom-columns-file=", "columns from a file"),
    ("go-template=", "Go template"),
    ("go-template-file=", "Go template from a file"),
    ("jsonpath=", "JSONPath expression"),
    ("jsonpath-as-json=", "JSONPath expression, as JSON"),
    ("jsonpath-file=", "JSONPath expression from a file"),
    ("template=", "Go template"),
    ("templatefile=", "Go template from a file"),
];

/// The verbs whose positional arguments are `TYPE [NAME…]` or `TYPE/NAME…`, and the API verb a
/// resource must support to be offered.
const RESOURCE_VERBS: &[(&str, &str)] = &[
    ("get", "get"),
    ("describe", "get"),
    ("delete", "delete"),
    ("patch", "patch"),
    ("edit", "update"),
    ("label", "patch"),
    ("annotate", "patch"),
    ("scale", "patch"),
];

thread_local! {
    /// The words of the line being completed that precede the current word.
    static LINE: RefCell<Vec<OsString>> = const { RefCell::new(Vec::new()) };
}

/// When the process was started by a completion script (`KCTL_COMPLETE` set), answers the
/// completion request or prints the registration script, and returns the exit code.
pub fn run_if_requested() -> Option<ExitCode> {
    std::env::var_os(ENV_VAR)?;
    let current_dir = std::env::current_dir().ok();
    match env().try_complete(std::env::args_os(), current_dir.as_deref()) {
        Ok(true) => Some(ExitCode::SUCCESS),
        Ok(false) => None,
        // An unknown shell: say so on stderr, never on stdout.
        Err(_) => Some(ExitCode::from(1)),
    }
}

fn env() -> CompleteEnv<'static, fn() -> clap::Command> {
    CompleteEnv::with_factory(command as fn() -> clap::Command)
        .var(ENV_VAR)
        .bin("kctl")
        .completer("kctl")
        .shells(Shells(&[&BASH, &ZSH, &FISH, &POWERSHELL, &ELVISH]))
}

const BASH: Adapter = Adapter(Shell::Bash);
const ZSH: Adapter = Adapter(Shell::Zsh);
const FISH: Adapter = Adapter(Shell::Fish);
const POWERSHELL: Adapter = Adapter(Shell::PowerShell);
const ELVISH: Adapter = Adapter(Shell::Elvish);

/// The completion script `kctl completion SHELL` prints.
pub fn registration(shell: Shell) -> String {
    let adapter = match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
        Shell::PowerShell => POWERSHELL,
        _ => ELVISH,
    };
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = adapter.write_registration(ENV_VAR, "kctl", "kctl", "kctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The clap command tree with kctl's value completers attached.
pub fn command() -> clap::Command {
    let mut cmd = crate::cli::command();
    cmd = add(cmd, "namespace", ArgValueCompleter::new(complete_namespaces));
    cmd = add(cmd, "context", ArgValueCompleter::new(complete_contexts));
    cmd = add(cmd, "cluster", ArgValueCompleter::new(complete_clusters));
    cmd = add(cmd, "user", ArgValueCompleter::new(complete_users));
    cmd = add(cmd, "kubeconfig", ArgValueCompleter::new(PathCompleter::any()));
    cmd = add(cmd, "cache_dir", ArgValueCompleter::new(PathCompleter::dir()));
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sc| attach(&name, sc));
    }
    cmd
}

/// Attaches `completer` to the argument `id` when the command has it (`mut_arg` would panic
/// on an unknown id).
fn add(cmd: clap::Command, id: &str, completer: ArgValueCompleter) -> clap::Command {
    if cmd.get_arguments().any(|a| a.get_id() == id) {
        cmd.mut_arg(id, |a| a.add(completer))
    } else {
        cmd
    }
}

/// Attaches completers to one verb's own arguments.
fn attach(verb: &str, mut sc: clap::Command) -> clap::Command {
    let ids = |sc: &clap::Command, long: &str| -> Vec<String> {
        sc.get_arguments()
            .filter(|a| a.get_long() == Some(long) && a.get_possible_values().is_empty())
            .map(|a| a.get_id().to_string())
            .collect()
    };
    for id in ids(&sc, "output") {
        sc = add(sc, &id, ArgValueCompleter::new(complete_output));
    }
    for id in ids(&sc, "filename") {
        sc = add(sc, &id, ArgValueCompleter::new(manifest_paths()));
    }
    if RESOURCE_VERBS.iter().any(|(v, _)| *v == verb) {
        sc = add(sc, "args", ArgValueCompleter::new(complete_resource_args));
    }
    sc
}

/// Directories and manifest files (`.yaml`, `.yml`, `.json`), and `-` for stdin.
fn manifest_paths() -> PathCompleter {
    PathCompleter::any()
        .filter(|p| {
            p.is_dir()
                || p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        })
        .stdio()
}

/// One shell: its registration script and its answer format.
#[derive(Debug, Clone, Copy)]
struct Adapter(Shell);

impl EnvCompleter for Adapter {
    fn name(&self) -> &'static str {
        match self.0 {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            _ => "elvish",
        }
    }

    fn is(&self, name: &str) -> bool {
        match self.0 {
            Shell::PowerShell => matches!(name, "powershell" | "pwsh" | "powershell_ise"),
            _ => name == self.name(),
        }
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        match self.0 {
            Shell::Bash => buf.write_all(bash_script(var, bin, completer).as_bytes()),
            Shell::Zsh => buf.write_all(zsh_script(var, bin, completer).as_bytes()),
            Shell::Fish => {
                clap_complete::env::Fish.write_registration(var, name, bin, completer, buf)
            }
            Shell::PowerShell => {
                clap_complete::env::Powershell.write_registration(var, name, bin, completer, buf)
            }
            _ => clap_complete::env::Elvish.write_registration(var, name, bin, completer, buf),
        }
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        mut args: Vec<OsString>,
        current_dir: Option<&std::path::Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        // Every script passes the words up to the cursor, the current word last.
        if args.len() < 2 {
            args.resize(2, OsString::new());
        }
        let mut strip = String::new();
        if matches!(self.0, Shell::Bash) {
            (args, strip) = join_bash_equals(args);
        }
        let index = args.len() - 1;
        let current = args[index].clone();
        LINE.with(|l| *l.borrow_mut() = args[..index].to_vec());
        let mut found =
            clap_complete::engine::complete(cmd, args, index, current_dir).unwrap_or_default();
        // Flags only when the word asks for them, as kubectl does.
        if !current.as_encoded_bytes().starts_with(b"-") {
            found.retain(|c| !c.get_value().as_encoded_bytes().starts_with(b"-"));
        }
        let lines = found.iter().map(|c| {
            let value = c.get_value().to_string_lossy();
            let value = value.strip_prefix(strip.as_str()).unwrap_or(&value).to_string();
            let help =
                c.get_help().map(|h| h.to_string().lines().next().unwrap_or_default().to_string());
            (value, help)
        });
        let mut out = String::new();
        for (value, help) in lines {
            out.push_str(&value);
            let described = matches!(self.0, Shell::Zsh | Shell::Fish | Shell::PowerShell);
            if let Some(h) = help.filter(|h| described && !h.is_empty()) {
                out.push('\t');
                out.push_str(&h);
            }
            out.push('\n');
        }
        buf.write_all(out.as_bytes())
    }
}

/// Bash splits `--flag=value` into three words (`=` is in `COMP_WORDBREAKS`): joins them back
/// for the parser, and returns the text bash keeps before its current word, which answers
/// must not repeat.
fn join_bash_equals(args: Vec<OsString>) -> (Vec<OsString>, String) {
    let mut out: Vec<OsString> = Vec::with_capacity(args.len());
    let mut strip = String::new();
    let last = args.len().saturating_sub(1);
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let flag = out.last().is_some_and(|p: &OsString| {
            let p = p.to_string_lossy();
            p.starts_with("--") && !p.contains('=')
        });
        if word == "=" && flag && i > 0 {
            let mut joined = out.pop().unwrap_or_default();
            joined.push("=");
            if i == last {
                // The cursor is on `=` itself: bash replaces `=`, so keep it in answers.
                strip = joined.to_string_lossy().trim_end_matches('=').to_string();
            } else {
                i += 1;
                if i == last {
                    strip = joined.to_string_lossy().into_owned();
                }
                joined.push(&args[i]);
            }
            out.push(joined);
        } else {
            out.push(word.clone());
        }
        i += 1;
    }
    (out, strip)
}

fn bash_script(var: &str, bin: &str, completer: &str) -> String {
    r#"# bash completion for kctl. Load it with: source <(kctl completion bash)
# On TAB it asks `kctl` (from PATH) for candidates; keep kctl and this script from one release.
_kctl_complete() {
    local IFS=$'\n'
    local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}" "$2")
    local out
    out=$(VAR=bash COMPLETER -- "${words[@]}" 2>/dev/null) || return 0
    COMPREPLY=()
    local line
    while IFS= read -r line; do
        [[ -n $line ]] && COMPREPLY+=("$line")
    done <<<"$out"
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[=/] ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -o nosort -F _kctl_complete BIN 2>/dev/null || complete -F _kctl_complete BIN
"#
    .replace("VAR", var)
    .replace("COMPLETER", completer)
    .replace("BIN", bin)
}

fn zsh_script(var: &str, bin: &str, completer: &str) -> String {
    r#"#compdef BIN
# zsh completion for kctl. Load it with: source <(kctl completion zsh)
# (after compinit), or save it as _kctl in a directory of $fpath.
# On TAB it asks `kctl` (from PATH) for candidates; keep kctl and this script from one release.
_kctl() {
    local -a lines vals disp nsvals nsdisp
    local line value help
    lines=("${(@f)$(VAR=zsh COMPLETER -- "${(@)words[1,CURRENT]}" 2>/dev/null)}")
    for line in "${lines[@]}"; do
        [[ -z $line ]] && continue
        value=${line%%$'\t'*}
        help=
        [[ $line == *$'\t'* ]] && help=${line#*$'\t'}
        if [[ -n $help ]]; then help="$value  -- $help"; else help=$value; fi
        if [[ $value == *[=/] ]]; then
            nsvals+=("$value"); nsdisp+=("$help")
        else
            vals+=("$value"); disp+=("$help")
        fi
    done
    (( ${#vals} )) && compadd -l -d disp -a vals
    (( ${#nsvals} )) && compadd -S '' -l -d nsdisp -a nsvals
    (( ${#vals} + ${#nsvals} ))
}
if [[ ${funcstack[1]} == _kctl ]]; then
    _kctl "$@"
else
    compdef _kctl BIN
fi
"#
    .replace("VAR", var)
    .replace("COMPLETER", completer)
    .replace("BIN", bin)
}

/// What the words before the cursor say: global flags and the verb's positional arguments.
#[derive(Debug, Default)]
struct LineCtx {
    globals: GlobalArgs,
    verb: Option<String>,
    positionals: Vec<String>,
}

fn line_ctx() -> LineCtx {
    let words = LINE.with(|l| l.borrow().clone());
    let matches = match crate::cli::command().ignore_errors(true).try_get_matches_from(words) {
        Ok(m) => m,
        Err(_) => return LineCtx::default(),
    };
    let mut globals = GlobalArgs::from_arg_matches(&matches).unwrap_or_default();
    let (verb, sub) = match matches.subcommand() {
        Some((v, m)) => (Some(v.to_string()), Some(m)),
        None => (None, None),
    };
    let set_on_line = |id: &str| {
        [Some(&matches), sub].into_iter().flatten().any(|m| {
            matches!(m.try_get_raw(id), Ok(Some(_)))
                && m.value_source(id) == Some(ValueSource::CommandLine)
        })
    };
    if !set_on_line("request_timeout") {
        globals.request_timeout = DEFAULT_TIMEOUT.to_string();
    }
    globals.verbosity = 0;
    let positionals = sub
        .and_then(|m| m.try_get_many::<String>("args").ok().flatten())
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    LineCtx { globals, verb, positionals }
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().ok()
}

/// A client for the cluster the line points at, as the verb itself would connect, or `None`
/// (nothing configured, bad flags).
async fn client(ctx: &LineCtx) -> Option<Client> {
    let ctx = crate::cli::Ctx::new(ctx.globals.clone());
    crate::cli::connect::connect(&ctx).await.ok()
}

fn starts_with(value: &str, prefix: &OsStr) -> bool {
    value.starts_with(prefix.to_string_lossy().as_ref())
}

fn kubeconfig(ctx: &LineCtx) -> Option<Kubeconfig> {
    let env = Env::from_process();
    Kubeconfig::load(
        ctx.globals.kubeconfig.as_deref(),
        env.kubeconfig.as_deref(),
        env.home.as_deref(),
    )
    .ok()
    .flatten()
}

fn complete_kubeconfig(
    current: &OsStr,
    pick: fn(&Kubeconfig) -> Vec<String>,
) -> Vec<CompletionCandidate> {
    let Some(kc) = kubeconfig(&line_ctx()) else { return Vec::new() };
    pick(&kc)
        .into_iter()
        .filter(|n| starts_with(n, current))
        .map(CompletionCandidate::new)
        .collect()
}

fn complete_contexts(current: &OsStr) -> Vec<CompletionCandidate> {
    complete_kubeconfig(current, |kc| kc.contexts.keys().cloned().collect())
}

fn complete_clusters(current: &OsStr) -> Vec<CompletionCandidate> {
    complete_kubeconfig(current, |kc| kc.clusters.keys().cloned().collect())
}

fn complete_users(current: &OsStr) -> Vec<CompletionCandidate> {
    complete_kubeconfig(current, |kc| kc.users.keys().cloned().collect())
}

fn complete_output(current: &OsStr) -> Vec<CompletionCandidate> {
    OUTPUT_FORMATS
        .iter()
        .filter(|(f, _)| starts_with(f, current))
        .map(|(f, help)| CompletionCandidate::new(*f).help(Some((*help).into())))
        .collect()
}

fn complete_namespaces(current: &OsStr) -> Vec<CompletionCandidate> {
    let ctx = line_ctx();
    let Some(rt) = runtime() else { return Vec::new() };
    let ns = ApiResource {
        group: String::new(),
        version: "v1".into(),
        kind: "Namespace".into(),
        plural: "namespaces".into(),
        singular: "namespace".into(),
        short_names: vec!["ns".into()],
        namespaced: false,
        verbs: Vec::new(),
        categories: Vec::new(),
        preferred: true,
    };
    let names = rt.block_on(async {
        let Some(client) = client(&ctx).await else { return Vec::new() };
        list_names(&client, &ns, None).await.unwrap_or_default()
    });
    names.into_iter().filter(|n| starts_with(n, current)).map(CompletionCandidate::new).collect()
}

/// `TYPE`, `TYPE NAME…` and `TYPE/NAME` arguments of the resource verbs.
fn complete_resource_args(current: &OsStr) -> Vec<CompletionCandidate> {
    let ctx = line_ctx();
    let verb = ctx.verb.as_deref().unwrap_or("get");
    let api_verb = RESOURCE_VERBS.iter().find(|(v, _)| *v == verb).map_or("get", |(_, a)| *a);
    let cur = current.to_string_lossy();
    let Some(rt) = runtime() else { return Vec::new() };
    rt.block_on(async {
        let Some(client) = client(&ctx).await else { return Vec::new() };
        let cache = crate::cli::connect::cache_dir(&crate::cli::Ctx::new(ctx.globals.clone()));
        let Ok(mut disc) = Discovery::load(&client, cache.as_deref()).await else {
            return Vec::new();
        };
        let namespace =
            ctx.globals.namespace.clone().unwrap_or_else(|| client.default_namespace().to_string());
        if let Some((ty, prefix)) = cur.split_once('/') {
            let Ok(Some(res)) = disc.resolve_fresh(&client, ty).await else { return Vec::new() };
            let names = list_names(&client, &res, Some(&namespace)).await.unwrap_or_default();
            return names
                .into_iter()
                .filter(|n| n.starts_with(prefix))
                .map(|n| CompletionCandidate::new(format!("{ty}/{n}")))
                .collect();
        }
        match ctx.positionals.as_slice() {
            [] => resource_types(&disc, api_verb, &cur),
            [ty, given @ ..] if !ty.contains('/') && !ty.contains(',') => {
                if verb == "patch" && !given.is_empty() {
                    return Vec::new();
                }
                let Ok(Some(res)) = disc.resolve_fresh(&client, ty).await else {
                    return Vec::new();
                };
                let names = list_names(&client, &res, Some(&namespace)).await.unwrap_or_default();
                names
                    .into_iter()
                    .filter(|n| n.starts_with(cur.as_ref()) && !given.contains(n))
                    .map(CompletionCandidate::new)
                    .collect()
            }
            _ => Vec::new(),
        }
    })
}

/// Every way to name a resource type that starts with `prefix`: plural, singular, short
/// names, and the group-qualified `plural.group` and `kind.group`.
fn resource_types(disc: &Discovery, api_verb: &str, prefix: &str) -> Vec<CompletionCandidate> {
    let mut out: Vec<(String, String)> = Vec::new();
    let offered: Vec<&ApiResource> = disc
        .resources()
        .iter()
        .filter(|r| r.verbs.is_empty() || r.verbs.iter().any(|v| v == api_verb))
        .collect();
    for r in &offered {
        let help = format!("{} ({})", r.kind, r.api_version());
        // Nothing typed yet: one name per type, group-qualified only where the plural is
        // ambiguous (events, events.events.k8s.io).
        let forms = if prefix.is_empty() {
            let shared = offered.iter().filter(|o| o.plural == r.plural).count() > 1;
            if shared && !r.group.is_empty() {
                vec![format!("{}.{}", r.plural, r.group)]
            } else {
                vec![r.plural.clone()]
            }
        } else {
            let mut forms = vec![r.plural.clone(), r.singular.clone()];
            forms.extend(r.short_names.iter().cloned());
            if !r.group.is_empty() {
                forms.push(format!("{}.{}", r.plural, r.group));
                forms.push(format!("{}.{}", r.kind.to_lowercase(), r.group));
            }
            forms
        };
        for f in forms {
            if !f.is_empty() && f.starts_with(prefix) && !out.iter().any(|(v, _)| *v == f) {
                out.push((f, help.clone()));
            }
        }
    }
    out.sort();
    out.into_iter().map(|(v, h)| CompletionCandidate::new(v).help(Some(h.into()))).collect()
}

/// The names of the objects of `res` in `namespace`, from one LIST that asks for metadata
/// only.
pub async fn list_names(
    client: &Client,
    res: &ApiResource,
    namespace: Option<&str>,
) -> Result<Vec<String>, crate::client::Error> {
    let resp = client.request(names_request(res, namespace)).await?;
    names_from_body(&resp.body)
        .map_err(|e| crate::client::Error::Decode(format!("invalid list: {e}")))
}

/// The LIST request of [`list_names`]: metadata only where the server offers it.
pub fn names_request(res: &ApiResource, namespace: Option<&str>) -> Request {
    let path = resource_path(res, namespace, None);
    Request::new(Method::GET, format!("{path}?includeObject=None"))
        .header(header::ACCEPT, NAMES_ACCEPT)
}

/// Names from a `PartialObjectMetadataList`, a `Table` or a plain list, decoding nothing but
/// names.
pub fn names_from_body(body: &[u8]) -> Result<Vec<String>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(default)]
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        #[serde(default)]
        metadata: Option<Meta>,
    }
    #[derive(serde::Deserialize)]
    struct Column {
        #[serde(default)]
        format: String,
    }
    #[derive(serde::Deserialize)]
    struct Row {
        #[serde(default)]
        cells: Vec<serde_json::Value>,
        #[serde(default)]
        object: Option<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(default)]
        kind: String,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default, rename = "columnDefinitions")]
        columns: Vec<Column>,
        #[serde(default)]
        rows: Vec<Row>,
    }
    let a: Answer = serde_json::from_slice(body)?;
    let meta_name = |i: Item| i.metadata.map(|m| m.name).filter(|n| !n.is_empty());
    let names = if a.kind == "Table" {
        let col = a.columns.iter().position(|c| c.format == "name").unwrap_or(0);
        a.rows
            .into_iter()
            .filter_map(|r| {
                let cell = r.cells.get(col).and_then(|c| c.as_str()).map(str::to_string);
                cell.or_else(|| r.object.and_then(meta_name))
            })
            .collect()
    } else {
        a.items.into_iter().filter_map(meta_name).collect()
    };
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn names_from_every_list_shape() {
        let partial = br#"{"kind":"PartialObjectMetadataList","items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#;
        assert_eq!(names_from_body(partial).unwrap(), ["a", "b"]);
        let table = br#"{"kind":"Table","columnDefinitions":[{"name":"X","format":""},{"name":"Name","format":"name"}],"rows":[{"cells":[1,"c"]}]}"#;
        assert_eq!(names_from_body(table).unwrap(), ["c"]);
        let list =
            br#"{"kind":"ConfigMapList","items":[{"metadata":{"name":"d"},"data":{"k":"v"}}]}"#;
        assert_eq!(names_from_body(list).unwrap(), ["d"]);
    }

    #[test]
    fn names_request_asks_for_metadata_only() {
        let res = ApiResource {
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            plural: "deployments".into(),
            singular: "deployment".into(),
            short_names: vec![],
            namespaced: true,
            verbs: vec![],
            categories: vec![],
            preferred: true,
        };
        let req = names_request(&res, Some("ns1"));
        assert_eq!(req.path, "/apis/apps/v1/namespaces/ns1/deployments?includeObject=None");
        let accept = req.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
        assert_eq!(
            accept.and_then(|a| a.split(',').next()),
            Some("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
        );
    }

    #[test]
    fn bash_equals_are_joined() {
        let (w, s) = join_bash_equals(os(&["kctl", "--namespace", "=", "kube-"]));
        assert_eq!(w, os(&["kctl", "--namespace=kube-"]));
        assert_eq!(s, "--namespace=");
        let (w, s) = join_bash_equals(os(&["kctl", "--namespace", "="]));
        assert_eq!(w, os(&["kctl", "--namespace="]));
        assert_eq!(s, "--namespace");
        let (w, s) = join_bash_equals(os(&["kctl", "-o", "=", "x"]));
        assert_eq!(w, os(&["kctl", "-o", "=", "x"]));
        assert_eq!(s, "");
    }

    #[test]
    fn output_formats_filter_by_prefix() {
        let got: Vec<_> =
            complete_output(OsStr::new("js")).iter().map(|c| c.get_value().to_owned()).collect();
        assert_eq!(got, ["json", "jsonpath=", "jsonpath-as-json=", "jsonpath-file="]);
    }

    #[test]
    fn completers_attach_without_panicking() {
        command().debug_assert();
    }
}
