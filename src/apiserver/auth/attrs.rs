//! Request attributes: what a request asks to do, in the terms RBAC rules speak (verb, API
//! group, resource, subresource, name, namespace, or a non-resource path). Parsed from the URL
//! the same way the router segments it, so the authorizer and the handler always agree on which
//! object a request touches.

use super::UserInfo;

/// What one request (or one access review) asks to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    /// The verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`, or a special verb (`impersonate`, `bind`, `escalate`).
    pub verb: String,
    /// True for `/api/v1/…` and `/apis/<g>/<v>/…` resource paths.
    pub resource_request: bool,
    /// API group (empty for core).
    pub group: String,
    /// API version (empty when unknown).
    pub version: String,
    /// Resource (plural).
    pub resource: String,
    /// Subresource.
    pub subresource: String,
    /// Object name, when the request names one.
    pub name: String,
    /// Namespace, for namespaced requests.
    pub namespace: String,
    /// The URL path, for non-resource requests.
    pub path: String,
}

impl Attributes {
    /// A resource request.
    pub fn resource(verb: &str, group: &str, resource: &str, namespace: &str, name: &str) -> Self {
        Attributes {
            verb: verb.into(),
            resource_request: true,
            group: group.into(),
            resource: resource.into(),
            namespace: namespace.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    /// `resource` or `resource/subresource`.
    pub fn combined_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }

    /// kube-apiserver's denial text: `User "alice" cannot list resource "pods" in API group ""
    /// in the namespace "dev"`.
    pub fn forbidden_message(&self, user: &UserInfo) -> String {
        let who = &user.name;
        if !self.resource_request {
            return format!("User {who:?} cannot {} path {:?}", self.verb, self.path);
        }
        let res = self.combined_resource();
        if self.namespace.is_empty() {
            format!(
                "User {who:?} cannot {} resource {res:?} in API group {:?} at the cluster scope",
                self.verb, self.group
            )
        } else {
            format!(
                "User {who:?} cannot {} resource {res:?} in API group {:?} in the namespace {:?}",
                self.verb, self.group, self.namespace
            )
        }
    }
}

/// Why a path or method is refused before authorization.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// `.` or `..` segments, or an encoded slash, backslash or dot.
    #[error("invalid request path {0:?}")]
    Path(String),
    /// A method other than the upper-case standard ones.
    #[error("the server does not allow this method on the requested resource")]
    Method(String),
}

/// Refuses path tricks: dot segments, percent-encoded `/`, `\` or `.`, control characters.
pub fn check_path(path: &str) -> Result<(), PathError> {
    // Every refused encoding starts with `%`: a path without one is not lower-cased.
    let bad_encoding = path.contains('%') && {
        let lower = path.to_ascii_lowercase();
        ["%2f", "%5c", "%2e", "%00"].iter().any(|e| lower.contains(e))
    };
    let bad_segment = path.split('/').any(|s| s == "." || s == ".." || s.contains('\\'));
    if bad_encoding || bad_segment || path.chars().any(|c| c.is_control()) {
        return Err(PathError::Path(path.to_string()));
    }
    Ok(())
}

/// Parses a request into attributes, the way kube-apiserver's request-info factory does: paths
/// with fewer than three segments under `/api` (or four under `/apis`) are non-resource requests.
pub fn from_request(
    method: &http::Method,
    path: &str,
    query: Option<&str>,
) -> Result<Attributes, PathError> {
    check_path(path)?;
    let base_verb = match *method {
        http::Method::GET | http::Method::HEAD => "get",
        http::Method::POST => "create",
        http::Method::PUT => "update",
        http::Method::PATCH => "patch",
        http::Method::DELETE => "delete",
        http::Method::OPTIONS => "options",
        _ => return Err(PathError::Method(method.as_str().to_string())),
    };
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let non_resource = || Attributes {
        verb: match *method {
            http::Method::GET | http::Method::HEAD => "get".into(),
            ref m => m.as_str().to_ascii_lowercase(),
        },
        path: path.to_string(),
        ..Default::default()
    };
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] if !rest.is_empty() => ("", *v, rest),
        ["apis", g, v, rest @ ..] if !rest.is_empty() => (*g, *v, rest),
        _ => return Ok(non_resource()),
    };
    let mut a = Attributes {
        verb: base_verb.into(),
        resource_request: true,
        group: group.into(),
        version: version.into(),
        ..Default::default()
    };
    // Mirrors `request::parse_target`: `namespaces/<ns>/<resource>…` unless the third segment
    // is one of the namespace object's own subresources.
    let mut parts: &[&str] = rest;
    if parts.len() >= 3
        && parts[0] == "namespaces"
        && !(parts.len() == 3 && matches!(parts[2], "status" | "finalize"))
    {
        a.namespace = parts[1].into();
        parts = &parts[2..];
    } else if parts.first() == Some(&"namespaces") && parts.len() >= 2 {
        // The namespace object itself: its name is also its namespace, as in kube-apiserver.
        a.namespace = parts[1].into();
    }
    a.resource = parts.first().map(|s| s.to_string()).unwrap_or_default();
    a.name = parts.get(1).map(|s| s.to_string()).unwrap_or_default();
    a.subresource = parts.get(2..).map(|s| s.join("/")).unwrap_or_default();
    let mut watch = false;
    let mut name_selector = None;
    // Only `watch` and `fieldSelector` matter here: a query naming neither, even encoded
    // (`%`), is not decoded.
    if let Some(q) =
        query.filter(|q| q.contains('%') || q.contains("watch") || q.contains("fieldSelector"))
    {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            match k.as_ref() {
                "watch" => watch = matches!(v.as_ref(), "true" | "1" | "True"),
                "fieldSelector" => {
                    // `metadata.name=x` narrows a list or watch to one name (resourceNames).
                    for term in v.split(',') {
                        if let Some(n) = term.strip_prefix("metadata.name=") {
                            name_selector = Some(n.trim_start_matches('=').to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if a.name.is_empty() {
        match a.verb.as_str() {
            "get" => a.verb = if watch { "watch".into() } else { "list".into() },
            "delete" => a.verb = "deletecollection".into(),
            _ => {}
        }
        if matches!(a.verb.as_str(), "list" | "watch")
            && let Some(n) = name_selector
        {
            a.name = n;
        }
    } else if a.verb == "get" && watch {
        a.verb = "watch".into();
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn resource_and_non_resource_paths() {
        let a = from_request(&Method::GET, "/api/v1/namespaces/dev/pods", None).unwrap();
        assert_eq!(
            (a.verb.as_str(), a.resource.as_str(), a.namespace.as_str()),
            ("list", "pods", "dev")
        );
        let a = from_request(&Method::GET, "/api/v1/namespaces/dev/pods/p/log", None).unwrap();
        assert_eq!((a.verb.as_str(), a.name.as_str(), a.subresource.as_str()), ("get", "p", "log"));
        let a = from_request(&Method::GET, "/apis/apps/v1", None).unwrap();
        assert!(!a.resource_request);
        let a = from_request(&Method::GET, "/api/v1/namespaces/dev", None).unwrap();
        assert_eq!(
            (a.resource.as_str(), a.name.as_str(), a.namespace.as_str()),
            ("namespaces", "dev", "dev")
        );
        let a = from_request(
            &Method::GET,
            "/api/v1/pods",
            Some("watch=true&fieldSelector=metadata.name%3Dx"),
        )
        .unwrap();
        assert_eq!((a.verb.as_str(), a.name.as_str()), ("watch", "x"));
        let a =
            from_request(&Method::DELETE, "/apis/apps/v1/namespaces/a/deployments", None).unwrap();
        assert_eq!(a.verb, "deletecollection");
    }

    #[test]
    fn tricks_are_refused() {
        for p in [
            "/api/v1/namespaces/dev/pods/../secrets",
            "/api/v1/namespaces/dev/pods%2Fx",
            "/api/v1/./pods",
            "/api/v1/%2e%2e/x",
        ] {
            assert!(from_request(&Method::GET, p, None).is_err(), "{p}");
        }
        let m = Method::from_bytes(b"DeLeTe").unwrap();
        assert!(from_request(&m, "/api/v1/namespaces/dev/pods/x", None).is_err());
    }

    #[test]
    fn queries_and_paths_without_the_watched_words_read_the_same() {
        // The words, plain or encoded, in key or value position, and queries without them.
        let queries = [
            None,
            Some(""),
            Some("fieldManager=kubectl-client-side-apply&fieldValidation=Strict"),
            Some("watch=true"),
            Some("watch=1&resourceVersion=5"),
            Some("w%61tch=true"),
            Some("watch=tru%65"),
            Some("fieldSelector=metadata.name%3Dx"),
            Some("fieldSelector=metadata.name=y,spec.x=1"),
            Some("field%53elector=metadata.name=z"),
            Some("limit=500&watch+=true"),
            Some("labelSelector=app%3Dwatch"),
            Some("timeoutSeconds=5&allowWatchBookmarks=true&watch=True"),
        ];
        let paths = ["/api/v1/pods", "/api/v1/namespaces/dev/pods/p", "/apis/apps/v1/deployments"];
        for path in paths {
            for q in queries {
                let got = from_request(&Method::GET, path, q).unwrap();
                // What the query means when decoded in full.
                let pairs: Vec<(String, String)> = q
                    .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                    .unwrap_or_default();
                // The last `watch` decides.
                let watch = pairs
                    .iter()
                    .rev()
                    .find(|(k, _)| k == "watch")
                    .is_some_and(|(_, v)| matches!(v.as_str(), "true" | "1" | "True"));
                let named = path.ends_with("/p");
                let want = match (named, watch) {
                    (true, true) => "watch",
                    (true, false) => "get",
                    (false, true) => "watch",
                    (false, false) => "list",
                };
                assert_eq!(got.verb, want, "{path} {q:?}");
                let selected = pairs
                    .iter()
                    .filter(|(k, _)| k == "fieldSelector")
                    .flat_map(|(_, v)| v.split(','))
                    .filter_map(|t| t.strip_prefix("metadata.name="))
                    .next_back();
                let want_name = if named { "p" } else { selected.unwrap_or_default() };
                assert_eq!(got.name, want_name, "{path} {q:?}");
            }
        }
        for p in ["/api/v1/a%2Fb", "/api/v1/A%2fB", "/api/v1/%5C", "/api/v1/x%00", "/api/v1/%2E"] {
            assert!(check_path(p).is_err(), "{p}");
        }
        for p in ["/api/v1/a%20b", "/api/v1/pods", "/api/v1/100%", "/api/v1/%2"] {
            assert!(check_path(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn messages() {
        let u = UserInfo { name: "alice".into(), ..Default::default() };
        let a = Attributes::resource("list", "", "pods", "dev", "");
        assert_eq!(
            a.forbidden_message(&u),
            r#"User "alice" cannot list resource "pods" in API group "" in the namespace "dev""#
        );
        let a = Attributes { verb: "get".into(), path: "/version".into(), ..Default::default() };
        assert_eq!(a.forbidden_message(&u), r#"User "alice" cannot get path "/version""#);
    }
}
