//! `kctl apply edit-last-applied`: opens the last-applied-configuration of the selected
//! objects in an editor (`$KUBE_EDITOR`, else `$EDITOR`, else `vi`, looked up as kubectl
//! does), then stores each edited configuration as `set-last-applied` would (a JSON merge
//! patch of the annotation alone, with `fieldManager` and `fieldValidation`).
//!
//! The editing loop follows kubectl's: YAML files start with a comment header; an unchanged
//! file cancels (`Edit cancelled, no changes made.`), an empty one too; a file that does not
//! parse is reopened with the reason in the header, and reopening it unchanged gives up,
//! keeping the file. Edited objects are matched to their originals by kind and name (kubectl
//! matches by uid, which annotations lack); an unchanged one prints `skipped`.

use super::{Live, Selection, fetch};
use crate::apply::{Validation, last_applied};
use crate::cli::flags::{FileArgs, ValidateArgs};
use crate::cli::resource_args;
use crate::cli::{CliError, Ctx, connect, exit::Exit};
use crate::object::meta;
use clap::Args;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Edit the latest last-applied-configuration annotations of resources from the default
/// editor.
///
/// The edit-last-applied command allows you to directly edit any API resource you can retrieve
/// via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR
/// environment variables, or fall back to 'vi'. You can edit multiple objects, although
/// changes are applied one at a time. The command accepts file names as well as command-line
/// arguments, although the files you point to must be previously saved versions of resources.
///
/// The default format is YAML. To edit in JSON, specify "-o json".
///
/// The flag --windows-line-endings can be used to force Windows line endings, otherwise the
/// default for your operating system will be used.
///
/// In the event an error occurs while updating, a temporary file will be created on disk that
/// contains your unapplied changes.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Edit the last-applied-configuration annotations by type/name in YAML
  kctl apply edit-last-applied deployment/nginx

  # Edit the last-applied-configuration annotations by file in JSON
  kctl apply edit-last-applied -f deploy.yaml -o json")]
pub struct EditArgs {
    /// (RESOURCE/NAME | -f FILENAME)
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    #[command(flatten)]
    /// Input files.
    pub files: FileArgs,
    /// Output format. One of: (json, yaml, name). Also the format edited (yaml unless json).
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,
    /// Defaults to the line ending native to your platform.
    #[arg(long)]
    pub windows_line_endings: bool,
    /// Name of the manager used to track field ownership.
    #[arg(long, default_value = "kubectl-client-side-apply")]
    pub field_manager: String,
    #[command(flatten)]
    /// Validation mode.
    pub validate: ValidateArgs,
}

/// The header of a YAML edit buffer.
const HEADER: &str = "# Please edit the 'last-applied-configuration' annotations below.\n# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n";

/// One configuration being edited: the live object and its stored configuration.
struct Original {
    live: Live,
    config: Value,
}

/// Why the file is reopened.
struct Reason {
    head: String,
    other: Vec<String>,
}

/// Runs `kctl apply edit-last-applied`.
pub async fn run(args: EditArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let output = crate::cli::output::Output::parse(args.output.as_deref())?;
    let json = output == crate::cli::output::Output::Json;
    let validation = Validation::parse(&args.validate.validate).ok_or_else(|| {
        CliError::message(format!(
            "invalid - validate option \"{}\"; must be one of: strict (or true), warn, ignore (or false)",
            args.validate.validate
        ))
    })?;
    let sel = Selection { files: &args.files, args: &args.args, selector: None, all: false };
    let (client, objects) = fetch(ctx, sel).await?;
    let cmd_ns = ctx.global.namespace.clone().unwrap_or_else(|| client.default_namespace().into());
    let mut originals = Vec::new();
    for live in objects {
        let Some(text) = last_applied::stored_text(&live.object) else { continue };
        let config = crate::manifest::decode("edited-file", text.as_bytes())
            .map_err(|e| CliError::message(e.to_string()))?
            .0
            .into_iter()
            .next()
            .map(|m| m.object)
            .ok_or_else(|| CliError::message("no objects passed to edit"))?;
        originals.push(Original { live, config });
    }
    if originals.is_empty() {
        return Err(CliError::message(
            "no last-applied-configuration annotation found on resources, to create the annotation, use command `kctl apply set-last-applied --create-annotation`",
        ));
    }
    let shown = match originals.as_slice() {
        [one] => one.config.clone(),
        many => serde_json::json!({
            "apiVersion": "v1",
            "kind": "List",
            "metadata": {},
            "items": many.iter().map(|o| o.config.clone()).collect::<Vec<_>>(),
        }),
    };
    let render = |v: &Value| {
        if json { crate::print::json::to_json(v) } else { crate::print::yaml::to_yaml(v) }
    };
    let crlf = |s: String| if args.windows_line_endings { s.replace('\n', "\r\n") } else { s };
    let editor = Editor::from_env();
    let ext = if json { ".json" } else { ".yaml" };

    let mut reasons: Vec<Reason> = Vec::new();
    let mut original_text = String::new();
    let mut edited = String::new();
    let mut file: Option<PathBuf> = None;
    let mut contains_error = false;
    loop {
        let mut buf = String::new();
        if !json {
            buf.push_str(&header(&reasons));
        }
        if contains_error {
            buf.push_str(&manual_strip(&edited));
        } else {
            buf.push_str(&render(&shown));
        }
        let buf = crlf(buf);
        if !contains_error {
            original_text = buf.clone();
        }
        let previous = std::mem::take(&mut edited);
        let path = temp_file(ext, &buf).map_err(|e| CliError::message(e.to_string()))?;
        if let Err(e) = editor.launch(&path).await {
            let _ = std::fs::remove_file(&path);
            return Err(preserved(ctx, CliError::message(e), file.as_deref()));
        }
        edited = match std::fs::read(&path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                let e = CliError::message(format!("unable to read the edited file: {e}"));
                return Err(preserved(ctx, e, file.as_deref()));
            }
        };
        if contains_error && strip(&previous) == strip(&edited) {
            if let Some(old) = file.take() {
                let _ = std::fs::remove_file(old);
            }
            return Err(preserved(
                ctx,
                CliError::message("Edit cancelled, no valid changes were saved."),
                Some(&path),
            ));
        }
        if let Some(old) = file.replace(path.clone()) {
            let _ = std::fs::remove_file(old);
        }
        let parsed = crate::manifest::decode("edited-file", edited.as_bytes());
        let items = match parsed {
            Ok((m, _)) => m.into_iter().map(|m| m.object).collect::<Vec<_>>(),
            Err(e) => {
                let first = &originals[0].live;
                reasons = vec![Reason {
                    head: format!("{} {:?} was not valid", first.group_resource(), first.name),
                    other: vec![format!(
                        "<nil>: Invalid value: \"The edited file failed validation\": {e}"
                    )],
                }];
                ctx.io.err(&format!(
                    "error: {} {:?} is invalid\n",
                    first.group_resource(),
                    first.name
                ));
                contains_error = true;
                continue;
            }
        };
        if strip(&original_text) == strip(&edited) {
            let _ = std::fs::remove_file(&path);
            ctx.io.err("Edit cancelled, no changes made.\n");
            return Ok(Exit::Success);
        }
        if !edited.lines().any(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        }) {
            let _ = std::fs::remove_file(&path);
            ctx.io.err("Edit cancelled, saved file was empty.\n");
            return Ok(Exit::Success);
        }
        for mut item in items {
            let Some(orig) = originals.iter().find(|o| {
                meta::kind(&o.config) == meta::kind(&item)
                    && meta::name(&o.config) == meta::name(&item)
            }) else {
                return Err(preserved(
                    ctx,
                    CliError::message(format!(
                        "no original object found for {}/{}",
                        meta::kind(&item).unwrap_or(""),
                        meta::name(&item).unwrap_or("")
                    )),
                    Some(&path),
                ));
            };
            if orig.live.resource.namespaced {
                let ns = resource_args::object_namespace(&item, &cmd_ns, Some(&cmd_ns))
                    .map_err(|e| preserved(ctx, e, Some(&path)))?;
                meta::set_metadata_str(&mut item, "namespace", &ns);
            }
            let name = orig.live.slash_name();
            if item == orig.config {
                print(ctx, output, &name, "skipped", &item);
                continue;
            }
            let patch = last_applied::set_patch(&last_applied::set_value(&item));
            let q = resource_args::query(&[
                ("fieldManager", &args.field_manager),
                ("fieldValidation", validation.query_value()),
            ]);
            let target = crate::client::resource_path(
                &orig.live.resource,
                orig.live.resource.namespaced.then_some(cmd_ns.as_str()),
                meta::name(&item),
            );
            client
                .patch(&format!("{target}{q}"), "application/merge-patch+json", patch)
                .await
                .map_err(|e| preserved(ctx, connect::client_error(e), Some(&path)))?;
            print(ctx, output, &name, "edited", &item);
        }
        let _ = std::fs::remove_file(&path);
        return Ok(Exit::Success);
    }
}

fn print(ctx: &Ctx, output: crate::cli::output::Output, name: &str, verb: &str, obj: &Value) {
    if output.prints_lines() {
        ctx.io.out(&output.result_line(name, verb, crate::apply::DryRun::None));
    } else {
        output.print_objects(ctx, vec![obj.clone()]);
    }
}

/// kubectl's notice that the edited file was kept, then the error.
fn preserved(ctx: &Ctx, e: CliError, file: Option<&Path>) -> CliError {
    if let Some(f) = file.filter(|f| f.exists()) {
        ctx.io.err(&format!(
            "A copy of your changes has been stored to {:?}\n",
            f.display().to_string()
        ));
    }
    e
}

/// The comment header, with the reasons the file was reopened.
fn header(reasons: &[Reason]) -> String {
    let mut s = HEADER.to_string();
    for r in reasons {
        let colon = if r.other.is_empty() { "" } else { ":" };
        s.push_str(&format!("# {}{colon}\n", hash_on_line_break(&r.head)));
        for o in &r.other {
            s.push_str(&format!("# * {}\n", hash_on_line_break(o)));
        }
        s.push_str("#\n");
    }
    s
}

/// Continues a multi-line message as comment lines.
fn hash_on_line_break(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' && chars.peek().is_some_and(|n| *n != '#') {
            out.push_str("\n# ");
        } else {
            out.push(c);
        }
    }
    out
}

/// The lines of `text` that are not comments (`#!` lines are kept), as kubectl strips them.
fn manual_strip(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('#') && !t.starts_with("#!") {
            continue;
        }
        out.push_str(line);
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// What two edit buffers are compared by: their objects when they parse, else the text
/// without comment lines (kubectl's `StripComments`).
fn strip(text: &str) -> Result<Vec<Value>, String> {
    match crate::manifest::decode("edited-file", text.as_bytes()) {
        Ok((m, _)) => Ok(m.into_iter().map(|m| m.object).collect()),
        Err(_) => Err(manual_strip(text)),
    }
}

/// Writes `contents` to a new private temp file named like kubectl's (`kctl-edit-N.yaml`).
fn temp_file(ext: &str, contents: &str) -> std::io::Result<PathBuf> {
    use std::io::Write;
    let dir = std::env::temp_dir();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for i in 0..100u32 {
        let n = seed.wrapping_mul(2654435761).wrapping_add(i).wrapping_add(std::process::id());
        let path = dir.join(format!("kctl-edit-{n}{ext}"));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(&path) {
            Ok(mut f) => {
                f.write_all(contents.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("cannot create a temporary file"))
}

/// The editor command, found as kubectl finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Editor {
    args: Vec<String>,
    shell: bool,
}

impl Editor {
    fn from_env() -> Editor {
        Editor::from_vars(|k| std::env::var(k).ok())
    }

    /// `KUBE_EDITOR`, then `EDITOR`, then `vi`. A command with spaces is split on them; one
    /// starting with a quote is run by `$SHELL -c` (default `/bin/bash`).
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Editor {
        let editor = ["KUBE_EDITOR", "EDITOR"]
            .iter()
            .find_map(|k| var(k).filter(|v| !v.is_empty()))
            .unwrap_or_else(|| "vi".to_string());
        if !editor.contains(' ') {
            return Editor { args: vec![editor], shell: false };
        }
        if !editor.starts_with('"') {
            return Editor { args: editor.split(' ').map(String::from).collect(), shell: false };
        }
        let shell = var("SHELL").filter(|s| !s.is_empty()).unwrap_or_else(|| "/bin/bash".into());
        Editor { args: vec![shell, "-c".into(), editor], shell: true }
    }

    /// Runs the editor on `path` with the terminal, and waits for it.
    async fn launch(&self, path: &Path) -> Result<(), String> {
        let shown = self.args.join(" ");
        let mut args = self.args.clone();
        let p =
            std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string();
        if self.shell {
            if let Some(last) = args.last_mut() {
                *last = format!("{last} {p:?}");
            }
        } else {
            args.push(p);
        }
        let status = tokio::task::spawn_blocking(move || {
            std::process::Command::new(&args[0]).args(&args[1..]).status()
        })
        .await
        .map_err(|e| e.to_string())?;
        match status {
            Ok(s) if s.success() => Ok(()),
            Ok(_) => Err(format!("there was a problem with the editor {shown:?}")),
            Err(_) => Err(format!("unable to launch the editor {shown:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_editor_like_kubectl() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Editor::from_vars(env(&[])).args, ["vi"]);
        assert_eq!(
            Editor::from_vars(env(&[("EDITOR", "nano"), ("KUBE_EDITOR", "code -w")])).args,
            ["code", "-w"]
        );
        assert_eq!(Editor::from_vars(env(&[("KUBE_EDITOR", ""), ("EDITOR", "ed")])).args, ["ed"]);
        let quoted =
            Editor::from_vars(env(&[("EDITOR", "\"my editor\" -x"), ("SHELL", "/bin/sh")]));
        assert!(quoted.shell);
        assert_eq!(quoted.args, ["/bin/sh", "-c", "\"my editor\" -x"]);
    }

    #[test]
    fn headers_and_stripping() {
        let r =
            Reason { head: "configmaps \"x\" was not valid".into(), other: vec!["a\nb".into()] };
        assert_eq!(
            header(&[r]),
            format!("{HEADER}# configmaps \"x\" was not valid:\n# * a\n# b\n#\n")
        );
        assert_eq!(manual_strip("# c\na: 1\n  # d\n#!x\n"), "a: 1\n#!x\n");
        let obj = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        assert_eq!(strip(&format!("# c\n{obj}")), strip(&obj.replace(": ", ":   ")));
        assert_ne!(strip(obj), strip(&obj.replace("name: a", "name: b")));
        assert_eq!(strip("# c\nnot: [yaml\n"), Err("not: [yaml\n".into()));
    }
}
