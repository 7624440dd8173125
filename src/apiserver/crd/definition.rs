//! A CustomResourceDefinition itself: the defaults kube-apiserver fills in, its validation
//! (names, group, scope, versions, structural schemas; kube-apiserver's messages), and the
//! status its controllers write — `acceptedNames`, `storedVersions` and the `NamesAccepted`
//! and `Established` conditions — computed synchronously on every write, so a CRD's
//! resources are served as soon as its create returns.

use super::{CRD_RESOURCE, schema};
use crate::apiserver::ApiServer;
use crate::apiserver::clock::timestamp;
use crate::apiserver::store::Scope;
use crate::object::status::StatusCause;
use serde_json::{Map, Value, json};

/// The finalizer that holds a CRD until its objects are deleted.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const TYPES: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

fn is_dns1035(s: &str) -> bool {
    is_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Fills in what kube-apiserver defaults on a CRD: `names.singular`, `names.listKind`,
/// `conversion.strategy`.
pub fn set_defaults(crd: &mut Value) {
    let Some(spec) = crd.get_mut("spec").and_then(Value::as_object_mut) else { return };
    if let Some(names) = spec.get_mut("names").and_then(Value::as_object_mut) {
        let kind = names.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
        if names.get("singular").and_then(Value::as_str).unwrap_or_default().is_empty() {
            names.insert("singular".into(), json!(kind.to_lowercase()));
        }
        if names.get("listKind").and_then(Value::as_str).unwrap_or_default().is_empty()
            && !kind.is_empty()
        {
            names.insert("listKind".into(), json!(format!("{kind}List")));
        }
    }
    if !spec.contains_key("conversion") {
        spec.insert("conversion".into(), json!({"strategy": "None"}));
    }
}

fn required(field: &str, detail: &str) -> StatusCause {
    let message = if detail.is_empty() {
        "Required value".into()
    } else {
        format!("Required value: {detail}")
    };
    StatusCause { reason: "FieldValueRequired".into(), message, field: field.into() }
}

fn invalid(field: &str, value: &Value, detail: &str) -> StatusCause {
    StatusCause {
        reason: "FieldValueInvalid".into(),
        message: format!("Invalid value: {}: {detail}", schema::go_value(value)),
        field: field.into(),
    }
}

fn forbidden(field: &str, detail: &str) -> StatusCause {
    StatusCause {
        reason: "FieldValueForbidden".into(),
        message: format!("Forbidden: {detail}"),
        field: field.into(),
    }
}

fn unsupported(field: &str, value: &str, allowed: &[&str]) -> StatusCause {
    let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
    StatusCause {
        reason: "FieldValueNotSupported".into(),
        message: format!("Unsupported value: {value:?}: supported values: {}", list.join(", ")),
        field: field.into(),
    }
}

/// Validates a (defaulted) CRD; returns kube-apiserver's causes.
pub fn validate(crd: &Value) -> Vec<StatusCause> {
    let mut errs = Vec::new();
    let spec = &crd["spec"];
    let names = &spec["names"];
    let (group, plural) = (str_at(spec, "group"), str_at(names, "plural"));
    let name = str_at(&crd["metadata"], "name");
    if name != format!("{plural}.{group}") {
        errs.push(invalid(
            "metadata.name",
            &json!(name),
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    if group.is_empty() {
        errs.push(required("spec.group", ""));
    } else if !is_subdomain(group) {
        errs.push(invalid("spec.group", &json!(group), SUBDOMAIN_MSG));
    } else if !group.contains('.') {
        errs.push(invalid("spec.group", &json!(group), "should be a domain with at least one dot"));
    }
    match str_at(spec, "scope") {
        "" => errs.push(required("spec.scope", "")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(unsupported("spec.scope", other, &["Cluster", "Namespaced"])),
    }
    for field in ["plural", "singular"] {
        let v = str_at(names, field);
        let path = format!("spec.names.{field}");
        if v.is_empty() {
            errs.push(required(&path, ""));
        } else if !is_label(v) {
            errs.push(invalid(&path, &json!(v), LABEL_MSG));
        }
    }
    for (i, s) in strs(&names["shortNames"]).iter().enumerate() {
        if !is_label(s) {
            errs.push(invalid(&format!("spec.names.shortNames[{i}]"), &json!(s), LABEL_MSG));
        }
    }
    let kind = str_at(names, "kind");
    if kind.is_empty() {
        errs.push(required("spec.names.kind", ""));
    } else if !is_dns1035(&kind.to_lowercase()) {
        errs.push(invalid(
            "spec.names.kind",
            &json!(kind),
            "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?",
        ));
    }
    if str_at(names, "listKind") == kind {
        errs.push(invalid(
            "spec.names.listKind",
            &json!(kind),
            "kind and listKind may not be the same or empty",
        ));
    }
    validate_versions(spec, &mut errs);
    errs
}

fn validate_versions(spec: &Value, errs: &mut Vec<StatusCause>) {
    let versions = spec["versions"].as_array().cloned().unwrap_or_default();
    if versions.is_empty() {
        errs.push(required("spec.versions", "must have at least one version"));
        return;
    }
    let storage = versions.iter().filter(|v| v["storage"].as_bool() == Some(true)).count();
    if storage != 1 {
        errs.push(invalid(
            "spec.versions",
            &json!(versions.iter().map(|v| str_at(v, "name")).collect::<Vec<_>>()),
            "must have exactly one version marked as storage version",
        ));
    }
    let mut seen = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let path = format!("spec.versions[{i}]");
        let name = str_at(v, "name");
        if name.is_empty() {
            errs.push(required(&format!("{path}.name"), ""));
        } else if !is_dns1035(name) {
            errs.push(invalid(&format!("{path}.name"), &json!(name), DNS1035_MSG));
        } else if seen.contains(&name) {
            errs.push(invalid(&format!("{path}.name"), &json!(name), "must be unique"));
        }
        seen.push(name);
        let schema_path = format!("{path}.schema.openAPIV3Schema");
        match v["schema"].get("openAPIV3Schema") {
            None | Some(Value::Null) => errs.push(required(&schema_path, "schemas are required")),
            Some(s) => {
                let ty = str_at(s, "type");
                if ty != "object" {
                    errs.push(invalid(
                        &format!("{schema_path}.type"),
                        &json!(ty),
                        "must be object at the root",
                    ));
                }
                structural(s, &schema_path, true, errs);
                if let Some(meta) = s["properties"].get("metadata") {
                    let extra = meta["properties"]
                        .as_object()
                        .is_some_and(|p| p.keys().any(|k| k != "name" && k != "generateName"));
                    if extra {
                        errs.push(forbidden(
                            &format!("{schema_path}.properties[metadata]"),
                            "must not specify anything other than name and generateName, but metadata is implicitly specified",
                        ));
                    }
                }
            }
        }
        if let Some(scale) = v["subresources"].get("scale") {
            let sp = format!("{path}.subresources.scale");
            let spec_path = str_at(scale, "specReplicasPath");
            if spec_path.is_empty() {
                errs.push(required(&format!("{sp}.specReplicasPath"), ""));
            } else if !spec_path.starts_with(".spec.") {
                errs.push(invalid(
                    &format!("{sp}.specReplicasPath"),
                    &json!(spec_path),
                    "should be a json path under .spec",
                ));
            }
            let status_path = str_at(scale, "statusReplicasPath");
            if status_path.is_empty() {
                errs.push(required(&format!("{sp}.statusReplicasPath"), ""));
            } else if !status_path.starts_with(".status.") {
                errs.push(invalid(
                    &format!("{sp}.statusReplicasPath"),
                    &json!(status_path),
                    "should be a json path under .status",
                ));
            }
        }
        for (j, c) in v["additionalPrinterColumns"].as_array().into_iter().flatten().enumerate() {
            let cp = format!("{path}.additionalPrinterColumns[{j}]");
            if str_at(c, "name").is_empty() {
                errs.push(required(&format!("{cp}.name"), ""));
            }
            let ty = str_at(c, "type");
            if !matches!(ty, "integer" | "number" | "string" | "boolean" | "date") {
                errs.push(unsupported(
                    &format!("{cp}.type"),
                    ty,
                    &["integer", "number", "string", "boolean", "date"],
                ));
            }
            if str_at(c, "jsonPath").is_empty() {
                errs.push(required(&format!("{cp}.JSONPath"), ""));
            }
        }
    }
}

/// The structural-schema rules kube-apiserver enforces on `openAPIV3Schema`.
fn structural(s: &Value, path: &str, root: bool, errs: &mut Vec<StatusCause>) {
    if !s.is_object() {
        return;
    }
    let preserve = s.get("x-kubernetes-preserve-unknown-fields");
    let int_or_string = s.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true);
    let embedded = s.get("x-kubernetes-embedded-resource").and_then(Value::as_bool) == Some(true);
    if preserve.is_some_and(|p| p != &Value::Bool(true)) {
        errs.push(invalid(
            &format!("{path}.x-kubernetes-preserve-unknown-fields"),
            preserve.unwrap_or(&Value::Null),
            "must be true or undefined",
        ));
    }
    match s.get("type").and_then(Value::as_str) {
        None | Some("") => {
            if !int_or_string && preserve != Some(&Value::Bool(true)) && !embedded && !root {
                errs.push(required(
                    &format!("{path}.type"),
                    "must not be empty for specified object fields",
                ));
            }
        }
        Some(t) if !TYPES.contains(&t) => errs.push(unsupported(&format!("{path}.type"), t, TYPES)),
        Some("array") if s.get("items").is_none() => {
            errs.push(required(&format!("{path}.items"), "must be specified"));
        }
        Some(_) => {}
    }
    if s.get("$ref").is_some() {
        errs.push(forbidden(&format!("{path}.$ref"), "$ref is not supported"));
    }
    if s.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        errs.push(forbidden(
            &format!("{path}.uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    if s.get("properties").is_some() && s.get("additionalProperties").is_some() {
        errs.push(forbidden(
            &format!("{path}.additionalProperties"),
            "additionalProperties and properties are mutual exclusive",
        ));
    }
    if s.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("map")
        && s.get("x-kubernetes-list-map-keys").and_then(Value::as_array).is_none_or(Vec::is_empty)
    {
        errs.push(required(
            &format!("{path}.x-kubernetes-list-map-keys"),
            "must not be empty if x-kubernetes-list-type is map",
        ));
    }
    if let Some(d) = s.get("default") {
        let mut pruned = d.clone();
        let dropped = schema::prune_value(s, &mut pruned);
        if !dropped.is_empty() {
            errs.push(invalid(&format!("{path}.default"), d, "must not have unknown fields"));
        }
        for c in schema::validate_value(s, d) {
            let field = if c.field.is_empty() {
                format!("{path}.default")
            } else {
                format!("{path}.default.{}", c.field)
            };
            errs.push(StatusCause { field, ..c });
        }
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (k, p) in props {
            if root && k == "metadata" {
                continue;
            }
            structural(p, &format!("{path}.properties[{k}]"), false, errs);
        }
    }
    if let Some(items) = s.get("items") {
        structural(items, &format!("{path}.items"), false, errs);
    }
    if let Some(a) = s.get("additionalProperties").filter(|a| a.is_object()) {
        structural(a, &format!("{path}.additionalProperties"), false, errs);
    }
}

fn condition(kind: &str, ok: bool, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": kind, "status": if ok { "True" } else { "False" }, "lastTransitionTime": now,
        "reason": reason, "message": message})
}

/// Sets (or replaces) a condition, keeping `lastTransitionTime` when the status is unchanged.
fn set_condition(conds: &mut Vec<Value>, mut new: Value) {
    match conds.iter_mut().find(|c| c["type"] == new["type"]) {
        Some(c) => {
            if c["status"] == new["status"] {
                new["lastTransitionTime"] = c["lastTransitionTime"].clone();
            }
            *c = new;
        }
        None => conds.push(new),
    }
}

/// Names already accepted by the other CRDs of `group`: (resource names, kinds).
fn names_in_use(server: &ApiServer, group: &str, me: &str) -> (Vec<String>, Vec<String>) {
    let scope = Scope { resource: CRD_RESOURCE.into(), namespace: None };
    let (mut resources, mut kinds) = (Vec::new(), Vec::new());
    let Ok((items, _)) = server.store().list(&scope) else { return (resources, kinds) };
    for s in items {
        let Ok(crd) = serde_json::from_slice::<Value>(&s.json) else { continue };
        if str_at(&crd["metadata"], "name") == me || str_at(&crd["spec"], "group") != group {
            continue;
        }
        let a = &crd["status"]["acceptedNames"];
        resources.extend(
            [str_at(a, "plural"), str_at(a, "singular")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
        resources.extend(strs(&a["shortNames"]));
        kinds.extend(
            [str_at(a, "kind"), str_at(a, "listKind")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    (resources, kinds)
}

/// Computes `status` as the naming and establishing controllers would leave it: accepted
/// names (each name accepted unless another CRD of the group holds it), `NamesAccepted`,
/// `Established` (true once every name is accepted), and `storedVersions`.
pub fn set_status(server: &ApiServer, crd: &mut Value) {
    let now = timestamp(server.clock().now());
    let spec = crd["spec"].clone();
    let requested = &spec["names"];
    let name = str_at(&crd["metadata"], "name").to_string();
    let (resources, kinds) = names_in_use(server, str_at(&spec, "group"), &name);
    let status = &crd["status"];
    let accepted = status["acceptedNames"].clone();
    let mut names = accepted.as_object().cloned().unwrap_or_default();
    let mut failure: Option<(&str, String)> = None;
    // In the naming controller's order; the last conflict found is the one reported.
    let check = |field: &str, used: &[String], names: &mut Map<String, Value>| -> Option<String> {
        let want = str_at(requested, field);
        if want == str_at(&accepted, field) || !used.iter().any(|u| u == want) {
            if !want.is_empty() {
                names.insert(field.into(), json!(want));
            }
            None
        } else {
            Some(format!("{want:?} is already in use"))
        }
    };
    for (field, reason) in [("plural", "PluralConflict"), ("singular", "SingularConflict")] {
        if let Some(m) = check(field, &resources, &mut names) {
            failure = Some((reason, m));
        }
    }
    let short = strs(&requested["shortNames"]);
    match short.iter().find(|s| resources.contains(s)) {
        Some(s) if strs(&accepted["shortNames"]) != short => {
            failure = Some(("ShortNamesConflict", format!("{s:?} is already in use")));
        }
        _ if short.is_empty() => {
            names.remove("shortNames");
        }
        _ => {
            names.insert("shortNames".into(), json!(short));
        }
    }
    for (field, reason) in [("kind", "KindConflict"), ("listKind", "ListKindConflict")] {
        if let Some(m) = check(field, &kinds, &mut names) {
            failure = Some((reason, m));
        }
    }
    let categories = strs(&requested["categories"]);
    if categories.is_empty() {
        names.remove("categories");
    } else {
        names.insert("categories".into(), json!(categories));
    }
    let mut conds: Vec<Value> = status["conditions"].as_array().cloned().unwrap_or_default();
    let was_established = super::condition_true(crd, "Established");
    match &failure {
        None => {
            set_condition(
                &mut conds,
                condition("NamesAccepted", true, "NoConflicts", "no conflicts found", &now),
            );
            set_condition(
                &mut conds,
                condition(
                    "Established",
                    true,
                    "InitialNamesAccepted",
                    "the initial names have been accepted",
                    &now,
                ),
            );
        }
        Some((reason, message)) => {
            set_condition(&mut conds, condition("NamesAccepted", false, reason, message, &now));
            if !was_established {
                set_condition(
                    &mut conds,
                    condition(
                        "Established",
                        false,
                        "NotAccepted",
                        "not all names are accepted",
                        &now,
                    ),
                );
            }
        }
    }
    let mut stored = strs(&status["storedVersions"]);
    for v in spec["versions"].as_array().into_iter().flatten() {
        if v["storage"].as_bool() == Some(true)
            && let Some(n) = v["name"].as_str()
            && !stored.iter().any(|s| s == n)
        {
            stored.push(n.to_string());
        }
    }
    crate::apiserver::objects::set_path(
        crd,
        &["status"],
        json!({"acceptedNames": names, "conditions": conds, "storedVersions": stored}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd() -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "size": {"type": "string", "enum": ["small", "large"], "default": "small"}}}}}}}]}})
    }

    fn fields(c: &Value) -> Vec<String> {
        validate(c).into_iter().map(|c| format!("{}: {}", c.field, c.message)).collect()
    }

    #[test]
    fn a_good_crd_is_valid_after_defaults() {
        let mut c = crd();
        set_defaults(&mut c);
        assert_eq!(c["spec"]["names"]["singular"], "widget");
        assert_eq!(c["spec"]["names"]["listKind"], "WidgetList");
        assert_eq!(c["spec"]["conversion"]["strategy"], "None");
        assert!(fields(&c).is_empty(), "{:?}", fields(&c));
    }

    #[test]
    fn bad_crds_get_kube_messages() {
        let mut c = crd();
        c["metadata"]["name"] = json!("wrong");
        c["spec"]["group"] = json!("example");
        c["spec"]["versions"][0]["storage"] = json!(false);
        c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
            ["bad"] = json!({"properties": {"x": {"type": "string"}}});
        c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
            ["size"]["default"] = json!("huge");
        set_defaults(&mut c);
        let f = fields(&c);
        let p = "spec.versions[0].schema.openAPIV3Schema.properties[spec]";
        assert_eq!(
            f,
            vec![
                "metadata.name: Invalid value: \"wrong\": must be spec.names.plural+\".\"+spec.group".to_string(),
                "spec.group: Invalid value: \"example\": should be a domain with at least one dot".into(),
                "spec.versions: Invalid value: []interface {}{\"v1\"}: must have exactly one version marked as storage version".into(),
                format!("{p}.properties[bad].type: Required value: must not be empty for specified object fields"),
                format!("{p}.properties[size].default: Unsupported value: \"huge\": supported values: \"small\", \"large\""),
            ]
        );
    }
}
