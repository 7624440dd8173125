//! kubectl's resource arguments: `TYPE[,TYPE…] [NAME…]` and `TYPE/NAME…`, parsed without a
//! server, then resolved against discovery (short names, plurals, kinds, `name.group`, and
//! categories such as `all`) into an ordered list of [`Target`]s. Shared by `get`, `delete`,
//! `patch` and later `describe` and `rollout`.

use crate::client::{ApiResource, Client, Discovery};

/// The positional arguments of a verb, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceArgs {
    /// No arguments.
    Empty,
    /// `TYPE[,TYPE…] [NAME…]`: every type with every name (no names: the whole collection).
    Types {
        /// The type arguments, split on commas, empty entries dropped.
        types: Vec<String>,
        /// The names after the type list.
        names: Vec<String>,
    },
    /// `TYPE/NAME …`: one type and one name per argument.
    Pairs(Vec<(String, String)>),
}

/// Why a set of resource arguments is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    /// `TYPE TYPE/NAME` mixes both forms.
    #[error(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kctl get resource/<resource_name>' instead of 'kctl get resource resource/<resource_name>'"
    )]
    MixedForms,
    /// `a/b/c`, `/name` or `type/`.
    #[error("arguments in resource/name form must have a single resource and name")]
    BadPair,
    /// A type argument the server does not serve.
    #[error("the server doesn't have a resource type \"{0}\"")]
    UnknownType(String),
}

impl ResourceArgs {
    /// Parses positional arguments the way kubectl's builder does.
    pub fn parse(args: &[String]) -> Result<ResourceArgs, ArgsError> {
        if args.is_empty() {
            return Ok(ResourceArgs::Empty);
        }
        if args.iter().any(|a| a.contains('/')) {
            let mut pairs = Vec::with_capacity(args.len());
            for a in args {
                let Some((t, n)) = a.split_once('/') else {
                    return Err(ArgsError::MixedForms);
                };
                if t.is_empty() || n.is_empty() || n.contains('/') {
                    return Err(ArgsError::BadPair);
                }
                pairs.push((t.to_string(), n.to_string()));
            }
            return Ok(ResourceArgs::Pairs(pairs));
        }
        let types: Vec<String> =
            args[0].split(',').filter(|t| !t.is_empty()).map(str::to_string).collect();
        if types.is_empty() {
            return Ok(ResourceArgs::Empty);
        }
        Ok(ResourceArgs::Types { types, names: args[1..].to_vec() })
    }

    /// True when no type was given.
    pub fn is_empty(&self) -> bool {
        matches!(self, ResourceArgs::Empty)
    }

    /// True when at least one object name was given.
    pub fn has_names(&self) -> bool {
        match self {
            ResourceArgs::Empty => false,
            ResourceArgs::Types { names, .. } => !names.is_empty(),
            ResourceArgs::Pairs(_) => true,
        }
    }

    /// True when exactly one object is named (`TYPE NAME` or `TYPE/NAME`): kubectl then
    /// prints that object alone rather than a `List`.
    pub fn single_item(&self) -> bool {
        match self {
            ResourceArgs::Empty => false,
            ResourceArgs::Types { types, names } => types.len() == 1 && names.len() == 1,
            ResourceArgs::Pairs(p) => p.len() == 1,
        }
    }
}

/// One resource to act on: a whole collection (`names` empty) or named objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The resource, from discovery.
    pub resource: ApiResource,
    /// Object names; empty means the collection.
    pub names: Vec<String>,
}

/// Expands a type argument into resources: a category (`all`) into its members in discovery
/// order, anything else through kubectl's REST mapping.
pub fn expand_type(discovery: &Discovery, arg: &str) -> Option<Vec<ApiResource>> {
    let lower = arg.to_lowercase();
    let members: Vec<ApiResource> =
        discovery.resources().iter().filter(|r| r.categories.contains(&lower)).cloned().collect();
    if !members.is_empty() && discovery.resolve(arg).is_none_or(|_| lower == "all") {
        return Some(members);
    }
    discovery.resolve(arg).map(|r| vec![r.clone()])
}

/// Resolves parsed arguments into targets, in argument order. Consecutive `TYPE/NAME`
/// arguments of the same resource share one target, as kubectl prints them in one table.
/// A cached discovery that misses a type is re-fetched once, as kubectl does.
pub async fn resolve(
    args: &ResourceArgs,
    discovery: &mut Discovery,
    client: &Client,
) -> Result<Vec<Target>, ResolveError> {
    let mut out: Vec<Target> = Vec::new();
    match args {
        ResourceArgs::Empty => {}
        ResourceArgs::Types { types, names } => {
            for t in types {
                for res in expand_fresh(discovery, client, t).await? {
                    if out.iter().any(|o| o.resource == res) {
                        continue;
                    }
                    out.push(Target { resource: res, names: names.clone() });
                }
            }
        }
        ResourceArgs::Pairs(pairs) => {
            for (t, n) in pairs {
                let res = expand_fresh(discovery, client, t).await?;
                for r in res {
                    match out.last_mut() {
                        Some(last) if last.resource == r => last.names.push(n.clone()),
                        _ => out.push(Target { resource: r, names: vec![n.clone()] }),
                    }
                }
            }
        }
    }
    Ok(out)
}

async fn expand_fresh(
    discovery: &mut Discovery,
    client: &Client,
    arg: &str,
) -> Result<Vec<ApiResource>, ResolveError> {
    if let Some(r) = expand_type(discovery, arg) {
        return Ok(r);
    }
    if discovery.is_cached() {
        discovery.refresh(client).await.map_err(|e| ResolveError::Client(Box::new(e)))?;
        if let Some(r) = expand_type(discovery, arg) {
            return Ok(r);
        }
    }
    Err(ResolveError::Args(ArgsError::UnknownType(arg.to_string())))
}

/// A failure while resolving arguments.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The arguments name something the server does not serve.
    #[error("{0}")]
    Args(#[from] ArgsError),
    /// Discovery could not be re-fetched.
    #[error("{0}")]
    Client(Box<crate::client::Error>),
}

impl From<ResolveError> for crate::cli::CliError {
    fn from(e: ResolveError) -> Self {
        match e {
            ResolveError::Args(a) => crate::cli::CliError::message(a.to_string()),
            ResolveError::Client(c) => crate::cli::connect::client_error(*c),
        }
    }
}

impl From<ArgsError> for crate::cli::CliError {
    fn from(e: ArgsError) -> Self {
        crate::cli::CliError::message(e.to_string())
    }
}

/// A query string as Go's `url.Values.Encode` writes it: keys sorted, values escaped with
/// `url.QueryEscape` (`app%3Ddemo`, spaces as `+`). Empty values are left out.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut pairs: Vec<&(&str, &str)> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let parts: Vec<String> =
        pairs.iter().map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v))).collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The namespace an object from a file is addressed in: its own, else the default; an
/// explicit `-n` that disagrees with the object is kubectl's error.
pub fn object_namespace(
    obj: &serde_json::Value,
    default_ns: &str,
    explicit_ns: Option<&str>,
) -> Result<String, crate::cli::CliError> {
    match (crate::object::meta::namespace(obj).filter(|n| !n.is_empty()), explicit_ns) {
        (Some(own), Some(flag)) if own != flag => Err(crate::cli::CliError::message(format!(
            "the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."
        ))),
        (Some(own), _) => Ok(own.to_string()),
        (None, _) => Ok(default_ns.to_string()),
    }
}

/// kubectl's wording for a failed LIST (BadRequest or NotFound): the message names the
/// resource and the selectors, and the error stays a server error.
pub fn list_error(
    e: crate::client::Error,
    res: &ApiResource,
    label_selector: &str,
    field_selector: &str,
) -> crate::client::Error {
    match e {
        crate::client::Error::Api(mut s) if s.code == 400 || s.code == 404 => {
            let gvr = format!("{}/{}, Resource={}", res.group, res.version, res.plural);
            s.message = if label_selector.is_empty() && field_selector.is_empty() {
                format!("Unable to list {gvr:?}: {}", s.message)
            } else {
                format!(
                    "Unable to find {gvr:?} that match label selector {label_selector:?}, field selector {field_selector:?}: {}",
                    s.message
                )
            };
            crate::client::Error::Api(s)
        }
        other => other,
    }
}

/// kubectl's refusal to look up names across all namespaces.
pub const NAMES_ACROSS_NAMESPACES: &str =
    "a resource cannot be retrieved by name across all namespaces";

/// kubectl's error for a manifest whose kind the server does not serve.
pub fn no_mapping(obj: &serde_json::Value, source: &str) -> crate::cli::CliError {
    use crate::object::meta;
    crate::cli::CliError::message(format!(
        "resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{}\" in version \"{}\"\nensure CRDs are installed first",
        meta::name(obj).unwrap_or(""),
        meta::namespace(obj).unwrap_or(""),
        source,
        meta::kind(obj).unwrap_or(""),
        meta::api_version(obj).unwrap_or("")
    ))
}

/// One event of a watch stream.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchEvent {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    pub kind: String,
    /// The object (or Table, or Status for `ERROR`).
    pub object: serde_json::Value,
}

/// Parses a newline-delimited watch stream body.
pub fn parse_watch_events(body: &[u8]) -> Vec<WatchEvent> {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<serde_json::Value>()
        .filter_map(Result::ok)
        .map(|mut v| WatchEvent {
            kind: v["type"].as_str().unwrap_or("").to_string(),
            object: v.get_mut("object").map(serde_json::Value::take).unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn res(group: &str, kind: &str, plural: &str, short: &[&str], cats: &[&str]) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: kind.to_lowercase(),
            short_names: s(short),
            namespaced: true,
            verbs: s(&["get", "list"]),
            categories: s(cats),
            preferred: true,
        }
    }

    fn disco() -> Discovery {
        Discovery::from_resources(vec![
            res("", "Pod", "pods", &["po"], &["all"]),
            res("", "ConfigMap", "configmaps", &["cm"], &[]),
            res("apps", "Deployment", "deployments", &["deploy"], &["all"]),
        ])
    }

    #[test]
    fn parses_type_lists_and_names() {
        assert_eq!(ResourceArgs::parse(&[]).unwrap(), ResourceArgs::Empty);
        assert_eq!(
            ResourceArgs::parse(&s(&["cm,deploy", "a", "b"])).unwrap(),
            ResourceArgs::Types { types: s(&["cm", "deploy"]), names: s(&["a", "b"]) }
        );
        assert_eq!(
            ResourceArgs::parse(&s(&["cm/a", "deploy/b"])).unwrap(),
            ResourceArgs::Pairs(vec![("cm".into(), "a".into()), ("deploy".into(), "b".into())])
        );
        assert_eq!(ResourceArgs::parse(&s(&["cm", "cm/a"])), Err(ArgsError::MixedForms));
        assert_eq!(ResourceArgs::parse(&s(&["cm/a/b"])), Err(ArgsError::BadPair));
        assert!(ResourceArgs::parse(&s(&["cm", "a"])).unwrap().single_item());
        assert!(!ResourceArgs::parse(&s(&["cm,deploy", "a"])).unwrap().single_item());
    }

    #[test]
    fn encodes_queries_like_go() {
        assert_eq!(
            query(&[("limit", "500"), ("labelSelector", "app=demo"), ("continue", "")]),
            "?labelSelector=app%3Ddemo&limit=500"
        );
        assert_eq!(query_escape("a b,c!"), "a+b%2Cc%21");
        let ev = parse_watch_events(
            b"{\"type\":\"ADDED\",\"object\":{\"a\":1}}\n{\"type\":\"DELETED\",\"object\":{}}\n",
        );
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[1].kind, "DELETED");
    }

    #[test]
    fn expands_categories_and_names() {
        let d = disco();
        let all: Vec<String> =
            expand_type(&d, "all").unwrap().into_iter().map(|r| r.plural).collect();
        assert_eq!(all, s(&["pods", "deployments"]));
        assert_eq!(expand_type(&d, "cm").unwrap()[0].plural, "configmaps");
        assert!(expand_type(&d, "foos").is_none());
    }
}
