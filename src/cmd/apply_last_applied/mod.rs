//! `kctl apply view-last-applied | set-last-applied | edit-last-applied`: the subcommands of
//! `apply` that read or rewrite the `kubectl.kubernetes.io/last-applied-configuration`
//! annotation without touching the rest of the object, as kubectl's do.
//!
//! | module | command |
//! |---|---|
//! | [`view`] | print the annotation as YAML or JSON |
//! | [`set`] | set it from a file (merge patch of the annotation alone) |
//! | [`edit`] | edit it in `$KUBE_EDITOR`/`$EDITOR`, then set it as `set` does |
//!
//! This module holds what they share: finding the live objects (kubectl's resource builder:
//! `-f`, `TYPE NAME`, `TYPE/NAME`, `-l`, `--all`), in argument order, stopping at the first
//! error.

#![allow(clippy::result_large_err)]

pub mod edit;
pub mod set;
pub mod view;

use crate::cli::flags::FileArgs;
use crate::cli::resource_args::{self, ResourceArgs};
use crate::cli::{CliError, Ctx, connect, exit::Exit};
use crate::client::{ApiResource, Client, resource_path};
use crate::object::meta;
use clap::Subcommand;
use serde_json::Value;

/// The subcommands of `kctl apply`.
#[derive(Debug, Subcommand)]
pub enum LastAppliedCommand {
    /// View the latest last-applied-configuration annotations of a resource/object
    #[command(name = "view-last-applied")]
    View(view::ViewArgs),
    /// Set the last-applied-configuration annotation on a live object to match the contents of
    /// a file
    #[command(name = "set-last-applied")]
    Set(set::SetArgs),
    /// Edit latest last-applied-configuration annotations of a resource/object
    #[command(name = "edit-last-applied")]
    Edit(edit::EditArgs),
}

/// Runs one subcommand.
pub async fn run(cmd: LastAppliedCommand, ctx: &Ctx) -> Result<Exit, CliError> {
    match cmd {
        LastAppliedCommand::View(args) => view::run(args, ctx).await,
        LastAppliedCommand::Set(args) => set::run(args, ctx).await,
        LastAppliedCommand::Edit(args) => edit::run(args, ctx).await,
    }
}

/// kubectl's error when neither arguments nor files name anything.
pub const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// One object as the server holds it.
#[derive(Debug, Clone)]
pub struct Live {
    /// Its resource.
    pub resource: ApiResource,
    /// Its namespace (namespaced kinds only).
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
    /// The object read from the server.
    pub object: Value,
}

impl Live {
    /// `configmap/x`.
    pub fn slash_name(&self) -> String {
        format!("{}/{}", self.resource.kind_prefix(), self.name)
    }

    /// The object's URL path.
    pub fn path(&self) -> String {
        resource_path(&self.resource, self.namespace.as_deref(), Some(&self.name))
    }

    /// `configmaps` or `deployments.apps`, as kubectl's edit messages name the resource.
    pub fn group_resource(&self) -> String {
        self.resource.group_resource()
    }
}

/// What names the objects of a command.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// `-f`/`-R`.
    pub files: &'a FileArgs,
    /// Positional `TYPE NAME…` or `TYPE/NAME…`.
    pub args: &'a [String],
    /// `-l`.
    pub selector: Option<&'a str>,
    /// `--all`.
    pub all: bool,
}

/// Checks the selection as kubectl's builder does, before anything is read or sent.
fn check(sel: &Selection<'_>) -> Result<ResourceArgs, CliError> {
    let parsed = ResourceArgs::parse(sel.args)?;
    let selector = sel.selector.filter(|s| !s.is_empty());
    if !sel.files.filenames.is_empty() && !parsed.is_empty() {
        return Err(CliError::message(
            "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
        ));
    }
    if sel.all && selector.is_some() {
        return Err(CliError::message("setting 'all' parameter but found a non empty selector. "));
    }
    if sel.files.filenames.is_empty() && parsed.is_empty() {
        return Err(CliError::message(NO_RESOURCES));
    }
    if selector.is_some() && parsed.has_names() {
        return Err(CliError::message("name cannot be provided when a selector is specified"));
    }
    if !parsed.is_empty() && !parsed.has_names() && selector.is_none() && !sel.all {
        return Err(CliError::message("resource(s) were provided, but no name was specified"));
    }
    Ok(parsed)
}

/// Connects and reads every selected object from the server, in order; the first failure
/// (unknown type, NotFound, …) ends the command, as kubectl's builder does.
pub async fn fetch(ctx: &Ctx, sel: Selection<'_>) -> Result<(Client, Vec<Live>), CliError> {
    let parsed = check(&sel)?;
    if !sel.files.filenames.is_empty() {
        let loaded = crate::cli::objects::load(ctx, sel.files, "apply", true).await?;
        let mut out = Vec::new();
        for o in loaded.objects {
            let path = resource_path(&o.resource, o.namespace.as_deref(), Some(&o.name));
            let object = loaded.client.get(&path).await.map_err(connect::client_error)?;
            out.push(Live {
                resource: std::sync::Arc::unwrap_or_clone(o.resource),
                namespace: o.namespace,
                name: o.name,
                object,
            });
        }
        return Ok((loaded.client, out));
    }
    let client = connect::connect(ctx).await?;
    let mut discovery = connect::discovery(ctx, &client).await?;
    let ns = ctx.global.namespace.clone().unwrap_or_else(|| client.default_namespace().to_string());
    let targets = resource_args::resolve(&parsed, &mut discovery, &client).await?;
    let mut out = Vec::new();
    for t in targets {
        let namespace = t.resource.namespaced.then(|| ns.clone());
        if t.names.is_empty() {
            let q = resource_args::query(&[("labelSelector", sel.selector.unwrap_or(""))]);
            let path = format!("{}{q}", resource_path(&t.resource, namespace.as_deref(), None));
            let list = client.get(&path).await.map_err(|e| {
                connect::client_error(resource_args::list_error(
                    e,
                    &t.resource,
                    sel.selector.unwrap_or(""),
                    "",
                ))
            })?;
            for item in list["items"].as_array().into_iter().flatten() {
                let mut object = item.clone();
                // List items may carry no kind; put it back as kubectl's decoder does.
                if let Some(m) = object.as_object_mut() {
                    m.entry("apiVersion").or_insert_with(|| t.resource.api_version().into());
                    m.entry("kind").or_insert_with(|| t.resource.kind.clone().into());
                }
                let name = meta::name(&object).unwrap_or("").to_string();
                let namespace = t
                    .resource
                    .namespaced
                    .then(|| meta::namespace(&object).unwrap_or(&ns).to_string());
                out.push(Live { resource: t.resource.clone(), namespace, name, object });
            }
            continue;
        }
        for n in &t.names {
            let path = resource_path(&t.resource, namespace.as_deref(), Some(n));
            let object = client.get(&path).await.map_err(connect::client_error)?;
            out.push(Live {
                resource: t.resource.clone(),
                namespace: namespace.clone(),
                name: n.clone(),
                object,
            });
        }
    }
    Ok((client, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel<'a>(files: &'a FileArgs, args: &'a [String], l: Option<&'a str>, all: bool) -> String {
        match check(&Selection { files, args, selector: l, all }) {
            Ok(_) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn checks_selections_like_the_builder() {
        let none = FileArgs::default();
        let file = FileArgs { filenames: vec!["a.yaml".into()], recursive: false };
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(sel(&none, &[], None, false), NO_RESOURCES);
        assert_eq!(
            sel(&none, &s(&["cm"]), None, false),
            "resource(s) were provided, but no name was specified"
        );
        assert_eq!(sel(&none, &s(&["cm"]), Some("a=b"), false), "ok");
        assert_eq!(sel(&none, &s(&["cm"]), None, true), "ok");
        assert_eq!(
            sel(&none, &s(&["cm", "x"]), Some("a=b"), false),
            "name cannot be provided when a selector is specified"
        );
        assert!(sel(&file, &s(&["cm", "x"]), None, false).starts_with("when paths"));
        assert_eq!(sel(&file, &[], None, false), "ok");
        assert_eq!(sel(&none, &s(&["cm/x"]), None, false), "ok");
    }
}
