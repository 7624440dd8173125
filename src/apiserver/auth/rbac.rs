//! The RBAC evaluator: collects the rules that apply to a user (ClusterRoleBindings everywhere,
//! RoleBindings in the request's namespace), resolves aggregated ClusterRoles, matches a
//! request's attributes against rules, and decides whether one rule set covers another (the
//! escalation check). Objects are read straight from the store, so a binding takes effect on
//! the next request.

use super::UserInfo;
use super::attrs::Attributes;
use crate::apiserver::ApiServer;
use crate::apiserver::store::{Key, Scope};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The RBAC API group.
pub const GROUP: &str = "rbac.authorization.k8s.io";
/// The group whose members bypass authorization.
pub const MASTERS: &str = "system:masters";

/// One policy rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    /// Verbs.
    pub verbs: Vec<String>,
    /// API groups.
    pub api_groups: Vec<String>,
    /// Resources (`pods`, `pods/log`, `*`, `*/scale`).
    pub resources: Vec<String>,
    /// Resource names (empty: any).
    pub resource_names: Vec<String>,
    /// Non-resource URLs (`/version`, `/apis/*`).
    pub non_resource_urls: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

impl Rule {
    /// Reads a rule from its JSON form.
    pub fn from_json(v: &Value) -> Rule {
        Rule {
            verbs: strings(&v["verbs"]),
            api_groups: strings(&v["apiGroups"]),
            resources: strings(&v["resources"]),
            resource_names: strings(&v["resourceNames"]),
            non_resource_urls: strings(&v["nonResourceURLs"]),
        }
    }

    /// The rule's JSON form (empty lists omitted).
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: &[String]| {
            if !v.is_empty() {
                m.insert(k.into(), Value::from(v.to_vec()));
            }
        };
        put("verbs", &self.verbs);
        put("apiGroups", &self.api_groups);
        put("resources", &self.resources);
        put("resourceNames", &self.resource_names);
        put("nonResourceURLs", &self.non_resource_urls);
        Value::Object(m)
    }

    /// kube-apiserver's compact form: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`.
    pub fn compact(&self) -> String {
        let q = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", items.join(" "))
        };
        let mut parts = Vec::new();
        if !self.api_groups.is_empty() {
            parts.push(format!("APIGroups:{}", q(&self.api_groups)));
        }
        if !self.resources.is_empty() {
            parts.push(format!("Resources:{}", q(&self.resources)));
        }
        if !self.non_resource_urls.is_empty() {
            parts.push(format!("NonResourceURLs:{}", q(&self.non_resource_urls)));
        }
        if !self.resource_names.is_empty() {
            parts.push(format!("ResourceNames:{}", q(&self.resource_names)));
        }
        if !self.verbs.is_empty() {
            parts.push(format!("Verbs:{}", q(&self.verbs)));
        }
        format!("{{{}}}", parts.join(", "))
    }

    fn verb_matches(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == "*" || v == verb)
    }

    /// True when this rule allows `a`.
    pub fn allows(&self, a: &Attributes) -> bool {
        if !self.verb_matches(&a.verb) {
            return false;
        }
        if !a.resource_request {
            return self.non_resource_urls.iter().any(|u| url_matches(u, &a.path));
        }
        if !self.api_groups.iter().any(|g| g == "*" || *g == a.group) {
            return false;
        }
        let combined = a.combined_resource();
        let res_ok = self.resources.iter().any(|r| {
            r == "*"
                || *r == combined
                || (!a.subresource.is_empty()
                    && r.strip_prefix("*/") == Some(a.subresource.as_str()))
        });
        res_ok
            && (self.resource_names.is_empty()
                || (!a.name.is_empty() && self.resource_names.contains(&a.name)))
    }

    /// Splits a rule into one rule per (group, resource, name, verb) or (url, verb).
    fn breakdown(&self) -> Vec<Rule> {
        let one = |s: &String| vec![s.clone()];
        let mut out = Vec::new();
        for verb in &self.verbs {
            for g in &self.api_groups {
                for r in &self.resources {
                    if self.resource_names.is_empty() {
                        out.push(Rule {
                            verbs: one(verb),
                            api_groups: one(g),
                            resources: one(r),
                            ..Default::default()
                        });
                    }
                    for n in &self.resource_names {
                        out.push(Rule {
                            verbs: one(verb),
                            api_groups: one(g),
                            resources: one(r),
                            resource_names: one(n),
                            ..Default::default()
                        });
                    }
                }
            }
            for u in &self.non_resource_urls {
                out.push(Rule {
                    verbs: one(verb),
                    non_resource_urls: one(u),
                    ..Default::default()
                });
            }
        }
        out
    }

    /// True when this rule grants everything `other` (a broken-down rule) grants.
    fn covers(&self, other: &Rule) -> bool {
        let has = |set: &[String], v: &String| set.iter().any(|s| s == v);
        let all = |set: &[String], vs: &[String]| vs.iter().all(|v| has(set, v));
        let star = |set: &[String]| set.iter().any(|s| s == "*");
        if !(star(&self.verbs) || all(&self.verbs, &other.verbs)) {
            return false;
        }
        if !other.non_resource_urls.is_empty() {
            return other
                .non_resource_urls
                .iter()
                .all(|u| self.non_resource_urls.iter().any(|mine| url_matches(mine, u)));
        }
        if !(star(&self.api_groups) || all(&self.api_groups, &other.api_groups)) {
            return false;
        }
        let res_ok = star(&self.resources)
            || other.resources.iter().all(|r| {
                has(&self.resources, r)
                    || r.split_once('/')
                        .is_some_and(|(_, sub)| has(&self.resources, &format!("*/{sub}")))
            });
        res_ok
            && (self.resource_names.is_empty() || all(&self.resource_names, &other.resource_names))
    }
}

fn url_matches(rule: &str, path: &str) -> bool {
    rule == "*" || rule == path || rule.strip_suffix('*').is_some_and(|p| path.starts_with(p))
}

/// The rules in `requested` that `owner` does not cover, broken down and in kube-apiserver's
/// (sorted, compact) form.
pub fn uncovered(owner: &[Rule], requested: &[Rule]) -> Vec<String> {
    let mut missing = BTreeSet::new();
    for r in requested.iter().flat_map(Rule::breakdown) {
        if !owner.iter().any(|o| o.covers(&r)) {
            missing.insert(r.compact());
        }
    }
    missing.into_iter().collect()
}

/// The result of an authorization check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allowed or not.
    pub allowed: bool,
    /// kube-apiserver's reason for an allow (`RBAC: allowed by …`); empty for a denial.
    pub reason: String,
}

/// A binding's subjects and role reference, with where the binding lives.
struct Binding {
    kind: &'static str,
    name: String,
    namespace: String,
    subjects: Vec<Value>,
    role_kind: String,
    role_name: String,
}

fn list(server: &ApiServer, resource: &str, ns: Option<&str>) -> Vec<Value> {
    let scope = Scope { resource: format!("{resource}.{GROUP}"), namespace: ns.map(String::from) };
    server
        .store()
        .list(&scope)
        .map(|(items, _)| items.iter().map(|s| s.value()).collect())
        .unwrap_or_default()
}

fn get(server: &ApiServer, resource: &str, ns: &str, name: &str) -> Option<Value> {
    let key = Key::new(&format!("{resource}.{GROUP}"), ns, name);
    server.store().get(&key).ok().flatten().map(|s| s.value())
}

fn bindings(server: &ApiServer, namespace: &str) -> Vec<Binding> {
    let read = |kind: &'static str, v: Value| Binding {
        kind,
        name: v["metadata"]["name"].as_str().unwrap_or_default().into(),
        namespace: v["metadata"]["namespace"].as_str().unwrap_or_default().into(),
        subjects: v["subjects"].as_array().cloned().unwrap_or_default(),
        role_kind: v["roleRef"]["kind"].as_str().unwrap_or_default().into(),
        role_name: v["roleRef"]["name"].as_str().unwrap_or_default().into(),
    };
    let mut out: Vec<Binding> = list(server, "clusterrolebindings", None)
        .into_iter()
        .map(|v| read("ClusterRoleBinding", v))
        .collect();
    if !namespace.is_empty() {
        out.extend(
            list(server, "rolebindings", Some(namespace))
                .into_iter()
                .map(|v| read("RoleBinding", v)),
        );
    }
    out
}

fn subject_matches(subject: &Value, user: &UserInfo, binding_ns: &str) -> bool {
    let name = subject["name"].as_str().unwrap_or_default();
    match subject["kind"].as_str().unwrap_or_default() {
        "User" => name == user.name,
        "Group" => user.groups.iter().any(|g| g == name),
        "ServiceAccount" => {
            let ns = subject["namespace"].as_str().filter(|s| !s.is_empty()).unwrap_or(binding_ns);
            !ns.is_empty() && user.name == format!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

/// The rules of a role reference (`Role` in `namespace`, or a possibly aggregated ClusterRole);
/// `None` when the role does not exist.
pub fn role_rules(
    server: &ApiServer,
    kind: &str,
    name: &str,
    namespace: &str,
) -> Option<Vec<Rule>> {
    match kind {
        "Role" => get(server, "roles", namespace, name).map(|r| rules_of(&r)),
        "ClusterRole" => {
            let all = list(server, "clusterroles", None);
            let role = all.iter().find(|r| r["metadata"]["name"] == name)?;
            let mut seen = BTreeSet::new();
            Some(cluster_role_rules(role, &all, &mut seen))
        }
        _ => None,
    }
}

fn rules_of(role: &Value) -> Vec<Rule> {
    role["rules"].as_array().map(|a| a.iter().map(Rule::from_json).collect()).unwrap_or_default()
}

/// A ClusterRole's own rules plus, for an aggregated role, those of every ClusterRole its
/// `aggregationRule` selects (what kube-controller-manager's aggregation controller writes).
fn cluster_role_rules(role: &Value, all: &[Value], seen: &mut BTreeSet<String>) -> Vec<Rule> {
    let name = role["metadata"]["name"].as_str().unwrap_or_default().to_string();
    if !seen.insert(name) {
        return Vec::new();
    }
    let mut rules = rules_of(role);
    if let Some(selectors) = role["aggregationRule"]["clusterRoleSelectors"].as_array() {
        for other in all {
            let labels = &other["metadata"]["labels"];
            if selectors.iter().any(|s| selector_matches(s, labels)) {
                for r in cluster_role_rules(other, all, seen) {
                    if !rules.contains(&r) {
                        rules.push(r);
                    }
                }
            }
        }
    }
    rules
}

/// A `LabelSelector` (matchLabels and matchExpressions) against a label map. An empty
/// selector selects nothing here, as the aggregation controller ignores it.
fn selector_matches(sel: &Value, labels: &Value) -> bool {
    let empty = sel["matchLabels"].as_object().is_none_or(|m| m.is_empty())
        && sel["matchExpressions"].as_array().is_none_or(Vec::is_empty);
    !empty
        && crate::apiserver::selectors::label_selector_matches(sel, |k| {
            labels.get(k).and_then(Value::as_str)
        })
}

/// Writes every aggregated ClusterRole's rules into the store as the union of the rules of
/// the ClusterRoles its selectors pick (in name order), as kube-controller-manager's
/// aggregation controller does, so `get clusterrole admin -o yaml` shows what it grants.
/// Conflicting concurrent writes are left for the next reconciliation.
pub fn reconcile_aggregation(server: &ApiServer) {
    let mut all = list(server, "clusterroles", None);
    all.sort_by(|a, b| a["metadata"]["name"].as_str().cmp(&b["metadata"]["name"].as_str()));
    for role in &all {
        let Some(selectors) = role["aggregationRule"]["clusterRoleSelectors"].as_array() else {
            continue;
        };
        let mut rules: Vec<Value> = Vec::new();
        for other in &all {
            if other["metadata"]["name"] == role["metadata"]["name"]
                || !selectors.iter().any(|s| selector_matches(s, &other["metadata"]["labels"]))
            {
                continue;
            }
            for r in other["rules"].as_array().into_iter().flatten() {
                let normalized = Rule::from_json(r).to_json();
                if !rules.contains(&normalized) {
                    rules.push(normalized);
                }
            }
        }
        let current: Vec<Value> = role["rules"]
            .as_array()
            .map(|a| a.iter().map(|r| Rule::from_json(r).to_json()).collect())
            .unwrap_or_default();
        if current == rules {
            continue;
        }
        let name = role["metadata"]["name"].as_str().unwrap_or_default();
        let rv = role["metadata"]["resourceVersion"].as_str().and_then(|v| v.parse().ok());
        let mut updated = role.clone();
        updated["rules"] = Value::Array(rules);
        let key = Key::new(&format!("clusterroles.{GROUP}"), "", name);
        let _ = server.store().update(&key, updated, rv);
    }
}

/// Whether `user` may do `a`.
pub fn authorize(server: &ApiServer, user: &UserInfo, a: &Attributes) -> Decision {
    if user.groups.iter().any(|g| g == MASTERS) {
        return Decision { allowed: true, reason: String::new() };
    }
    let all_cluster_roles = list(server, "clusterroles", None);
    for b in bindings(server, &a.namespace) {
        let Some(subject) = b.subjects.iter().find(|s| subject_matches(s, user, &b.namespace))
        else {
            continue;
        };
        let rules = if b.role_kind == "ClusterRole" {
            match all_cluster_roles.iter().find(|r| r["metadata"]["name"] == b.role_name.as_str()) {
                Some(role) => cluster_role_rules(role, &all_cluster_roles, &mut BTreeSet::new()),
                None => continue,
            }
        } else {
            match role_rules(server, &b.role_kind, &b.role_name, &b.namespace) {
                Some(r) => r,
                None => continue,
            }
        };
        if rules.iter().any(|r| r.allows(a)) {
            let where_ = if b.kind == "RoleBinding" {
                format!("RoleBinding \"{}/{}\"", b.name, b.namespace)
            } else {
                format!("ClusterRoleBinding {:?}", b.name)
            };
            let role = if b.role_kind == "Role" {
                format!("Role \"{}/{}\"", b.role_name, b.namespace)
            } else {
                format!("ClusterRole {:?}", b.role_name)
            };
            let subj_kind = subject["kind"].as_str().unwrap_or_default();
            let subj = match subj_kind {
                "ServiceAccount" => format!(
                    "ServiceAccount \"{}/{}\"",
                    subject["name"].as_str().unwrap_or_default(),
                    subject["namespace"].as_str().unwrap_or(&b.namespace)
                ),
                k => format!("{k} {:?}", subject["name"].as_str().unwrap_or_default()),
            };
            return Decision {
                allowed: true,
                reason: format!("RBAC: allowed by {where_} of {role} to {subj}"),
            };
        }
    }
    Decision { allowed: false, reason: String::new() }
}

/// Every rule that applies to `user` in `namespace` (cluster-wide bindings plus the
/// namespace's RoleBindings), de-duplicated, in binding order.
pub fn rules_for(server: &ApiServer, user: &UserInfo, namespace: &str) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    for b in bindings(server, namespace) {
        if !b.subjects.iter().any(|s| subject_matches(s, user, &b.namespace)) {
            continue;
        }
        for r in role_rules(server, &b.role_kind, &b.role_name, &b.namespace).unwrap_or_default() {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// Full authority: what `cluster-admin` grants.
pub fn full_authority() -> Vec<Rule> {
    vec![
        Rule {
            verbs: s(&["*"]),
            api_groups: s(&["*"]),
            resources: s(&["*"]),
            ..Default::default()
        },
        Rule { verbs: s(&["*"]), non_resource_urls: s(&["*"]), ..Default::default() },
    ]
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// Groups rules by (groups, resources) for compact display, keeping first-seen order.
pub fn group_for_display(rules: &[Rule]) -> BTreeMap<String, Rule> {
    let mut m = BTreeMap::new();
    for r in rules {
        m.entry(r.compact()).or_insert_with(|| r.clone());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], res: &[&str], names: &[&str]) -> Rule {
        Rule {
            verbs: s(verbs),
            api_groups: s(groups),
            resources: s(res),
            resource_names: s(names),
            ..Default::default()
        }
    }

    #[test]
    fn matching() {
        let a = Attributes::resource("get", "", "pods", "dev", "p1");
        assert!(rule(&["get"], &[""], &["pods"], &[]).allows(&a));
        assert!(rule(&["*"], &["*"], &["*"], &[]).allows(&a));
        assert!(!rule(&["list"], &[""], &["pods"], &[]).allows(&a));
        assert!(rule(&["get"], &[""], &["pods"], &["p1"]).allows(&a));
        assert!(!rule(&["get"], &[""], &["pods"], &["p2"]).allows(&a));
        let mut sub = a.clone();
        sub.subresource = "log".into();
        assert!(!rule(&["get"], &[""], &["pods"], &[]).allows(&sub));
        assert!(rule(&["get"], &[""], &["pods/log"], &[]).allows(&sub));
        assert!(rule(&["get"], &[""], &["*/log"], &[]).allows(&sub));
        let nr = Attributes { verb: "get".into(), path: "/apis/apps".into(), ..Default::default() };
        assert!(
            Rule { verbs: s(&["get"]), non_resource_urls: s(&["/apis/*"]), ..Default::default() }
                .allows(&nr)
        );
    }

    #[test]
    fn coverage() {
        let owner = vec![rule(&["get", "list"], &[""], &["pods"], &[])];
        assert!(uncovered(&owner, &[rule(&["get"], &[""], &["pods"], &["x"])]).is_empty());
        assert_eq!(
            uncovered(&owner, &[rule(&["get", "delete"], &[""], &["pods", "secrets"], &[])]),
            vec![
                r#"{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}"#,
                r#"{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}"#,
                r#"{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}"#,
            ]
        );
        assert!(uncovered(&full_authority(), &[rule(&["*"], &["x"], &["y/z"], &[])]).is_empty());
    }
}
