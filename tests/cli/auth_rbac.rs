//! RBAC against `kctl serve --auth`, driven by real kubectl and by kctl: per-user allow/deny
//! matrices for Role/RoleBinding/ClusterRole/ClusterRoleBinding, resourceNames, subresources,
//! non-resource URLs, aggregation, escalation prevention, `auth can-i` and impersonation.
//! Denials must carry kube-apiserver's exact texts.

use crate::common::TestEnv;
use crate::common::auth_env::Cred;

fn policy_env() -> TestEnv {
    let env = TestEnv::serve_auth();
    let policy = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/auth/policy.yaml"),
    )
    .expect("policy");
    env.admin_apply(&policy);
    for (who, token) in [("alice", "alice-token"), ("bob", "bob-token"), ("carol", "carol-token")] {
        env.user_kubeconfig(who, Cred::Token(token));
    }
    env
}

/// Asserts success.
fn ok(r: &crate::common::Run) {
    assert_eq!(r.code, 0, "{r}");
}

/// Asserts a denial with exactly this server message.
fn denied(r: &crate::common::Run, message: &str) {
    assert_eq!(r.code, 1, "{r}");
    assert!(
        r.stderr.contains(&format!("Error from server (Forbidden): {message}"))
            || r.stderr.contains(message),
        "expected {message:?}\n{r}"
    );
}

#[test]
fn role_and_binding_matrix() {
    let env = policy_env();
    // alice: Role + RoleBinding in dev only.
    ok(&env.kubectl_as("alice", &["get", "pods", "-n", "dev"]));
    let msg = r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "prod""#;
    denied(&env.kubectl_as("alice", &["get", "pods", "-n", "prod"]), msg);
    denied(
        &env.kubectl_as("alice", &["get", "pods", "-A"]),
        r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope"#,
    );
    denied(
        &env.kubectl_as("alice", &["delete", "pod", "x", "-n", "dev"]),
        r#"pods "x" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "dev""#,
    );
    denied(
        &env.kubectl_as("alice", &["get", "deployments", "-n", "dev"]),
        r#"deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "dev""#,
    );
    // bob: ClusterRole edit bound by a RoleBinding in prod: writes there, nothing in dev.
    env.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bobs}\ndata: {a: b}\n");
    ok(&env.kubectl_as("bob", &["apply", "-f", "cm.yaml", "-n", "prod"]));
    ok(&env.kubectl_as("bob", &["delete", "configmap", "bobs", "-n", "prod"]));
    denied(
        &env.kubectl_as("bob", &["apply", "-f", "cm.yaml", "-n", "dev"]),
        r#"configmaps "bobs" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "dev""#,
    );
    // kctl gets the same answers for writes.
    ok(&env.kctl_as("bob", &["apply", "-f", "cm.yaml", "-n", "prod"]));
    denied(
        &env.kctl_as("alice", &["create", "-f", "cm.yaml", "-n", "dev"]),
        r#"configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "dev""#,
    );
    // bob may not touch RBAC or namespaces (edit does not include them).
    denied(
        &env.kubectl_as("bob", &["get", "roles", "-n", "prod"]),
        r#"roles.rbac.authorization.k8s.io is forbidden: User "bob" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "prod""#,
    );
    // carol: group ops → ClusterRoleBinding to view: reads everywhere, no Secrets, no writes.
    ok(&env.kubectl_as("carol", &["get", "pods", "-A"]));
    ok(&env.kubectl_as("carol", &["get", "deployments", "-n", "dev"]));
    denied(
        &env.kubectl_as("carol", &["get", "secrets", "-n", "dev"]),
        r#"secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "dev""#,
    );
    denied(
        &env.kubectl_as("carol", &["delete", "configmap", "other", "-n", "dev"]),
        r#"configmaps "other" is forbidden: User "carol" cannot delete resource "configmaps" in API group "" in the namespace "dev""#,
    );
}

#[test]
fn resource_names_subresources_and_urls() {
    let env = policy_env();
    ok(&env.kubectl_as("alice", &["get", "configmap", "allowed", "-n", "dev"]));
    denied(
        &env.kubectl_as("alice", &["get", "configmap", "other", "-n", "dev"]),
        r#"configmaps "other" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "dev""#,
    );
    denied(
        &env.kubectl_as("alice", &["get", "configmaps", "-n", "dev"]),
        r#"configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "dev""#,
    );
    // deployments/scale but not deployments.
    ok(&env.kubectl_as(
        "alice",
        &["get", "--raw", "/apis/apps/v1/namespaces/dev/deployments/web/scale"],
    ));
    denied(
        &env.kubectl_as(
            "alice",
            &["get", "--raw", "/apis/apps/v1/namespaces/dev/deployments/web/status"],
        ),
        r#"deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments/status" in API group "apps" in the namespace "dev""#,
    );
    ok(&env.kubectl_as(
        "alice",
        &[
            "patch",
            "deployment",
            "web",
            "-n",
            "dev",
            "--subresource=scale",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":3}}"#,
        ],
    ));
    denied(
        &env.kubectl_as(
            "alice",
            &[
                "patch",
                "deployment",
                "web",
                "-n",
                "dev",
                "--type=merge",
                "-p",
                r#"{"spec":{"replicas":5}}"#,
            ],
        ),
        // kubectl reads the object before patching it.
        r#"deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "dev""#,
    );
    let r =
        env.kubectl(&["get", "deployment", "web", "-n", "dev", "-o", "jsonpath={.spec.replicas}"]);
    assert_eq!(r.stdout, "3", "{r}");
    // Non-resource URLs: discovery and /version for everyone authenticated; /metrics for carol.
    ok(&env.kubectl_as("bob", &["get", "--raw", "/version"]));
    ok(&env.kubectl_as("bob", &["get", "--raw", "/apis"]));
    denied(
        &env.kubectl_as("bob", &["get", "--raw", "/metrics"]),
        r#"forbidden: User "bob" cannot get path "/metrics""#,
    );
    // carol passes authorization; the server has no /metrics, so 404.
    let r = env.kubectl_as("carol", &["get", "--raw", "/metrics"]);
    assert!(r.stderr.contains("NotFound"), "{r}");
}

#[test]
fn aggregated_cluster_roles() {
    let env = policy_env();
    env.admin_apply(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: monitoring}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {example.com/aggregate-to-monitoring: \"true\"}\nrules: []\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: bob-monitoring}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]\n",
    );
    let msg = r#"services is forbidden: User "bob" cannot list resource "services" in API group "" in the namespace "dev""#;
    denied(&env.kubectl_as("bob", &["get", "services", "-n", "dev"]), msg);
    env.admin_apply(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: services-reader\n  labels: {example.com/aggregate-to-monitoring: \"true\"}\nrules:\n- {apiGroups: [\"\"], resources: [services], verbs: [list]}\n",
    );
    ok(&env.kubectl_as("bob", &["get", "services", "-n", "dev"]));
    // The bootstrap view role aggregates too: a role labelled aggregate-to-view extends it.
    denied(
        &env.kubectl_as("carol", &["get", "secrets", "-n", "dev"]),
        r#"secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "dev""#,
    );
    env.admin_apply(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secrets-viewer\n  labels: {rbac.authorization.k8s.io/aggregate-to-view: \"true\"}\nrules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [list]}\n",
    );
    ok(&env.kubectl_as("carol", &["get", "secrets", "-n", "dev"]));
}

#[test]
fn escalation_is_prevented() {
    let env = policy_env();
    // dave (client certificate, O=dev-team) administers RBAC in dev, but only reads pods.
    env.admin_apply(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: rbac-admin, namespace: dev}\nrules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list, create, update, patch, delete]}\n- {apiGroups: [\"\"], resources: [pods], verbs: [get, list]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: dev-team-rbac, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rbac-admin}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: dev-team}]\n",
    );
    env.user_kubeconfig("dave", Cred::Cert("dave"));
    // Granting what one holds is fine.
    env.write("ok-role.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: lister, namespace: dev}\nrules:\n- {apiGroups: [\"\"], resources: [pods], verbs: [list]}\n");
    ok(&env.kubectl_as("dave", &["apply", "-f", "ok-role.yaml"]));
    // Granting more is refused with kube-apiserver's message, and nothing is created.
    env.write("bad-role.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: deleter, namespace: dev}\nrules:\n- {apiGroups: [\"\"], resources: [pods, secrets], verbs: [get, delete]}\n");
    let want = "roles.rbac.authorization.k8s.io \"deleter\" is forbidden: user \"dave\" (groups=[\"dev-team\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"delete\"]}\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}";
    let r = env.kubectl_as("dave", &["create", "-f", "bad-role.yaml"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains(want), "{r}");
    // The same through kubectl's generator, which sends the Role as protobuf.
    let generated = ["create", "role", "deleter", "-n", "dev", "--verb=get,delete"];
    let r = env.kubectl_as("dave", &[&generated[..], &["--resource=pods,secrets"]].concat());
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains(want), "{r}");
    let r = env.kubectl(&["get", "role", "deleter", "-n", "dev"]);
    assert!(r.stderr.contains("NotFound"), "{r}");
    // kubectl apply on the existing role (a strategic merge patch) within dave's rights works…
    env.write("ok-role2.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: lister, namespace: dev}\nrules:\n- {apiGroups: [\"\"], resources: [pods], verbs: [list, get]}\n");
    ok(&env.kubectl_as("dave", &["apply", "-f", "ok-role2.yaml"]));
    // …and beyond them is refused.
    env.write("bad-role2.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: lister, namespace: dev}\nrules:\n- {apiGroups: [\"\"], resources: [pods], verbs: [list, get, deletecollection]}\n");
    let r = env.kubectl_as("dave", &["apply", "-f", "bad-role2.yaml"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(
        r.stderr.contains("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"deletecollection\"]}"),
        "{r}"
    );
    // Escalating an existing role by patch is refused too, and the role is unchanged.
    let r = env.kubectl_as(
        "dave",
        &[
            "patch",
            "role",
            "lister",
            "-n",
            "dev",
            "--type=json",
            "-p",
            r#"[{"op":"add","path":"/rules/0/verbs/-","value":"delete"}]"#,
        ],
    );
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("is attempting to grant RBAC permissions not currently held"), "{r}");
    let r =
        env.kubectl(&["get", "role", "lister", "-n", "dev", "-o", "jsonpath={.rules[0].verbs}"]);
    assert_eq!(r.stdout, r#"["list","get"]"#, "{r}");
    // A patch of a role that does not exist is a plain NotFound, and creates nothing.
    let r = env.kubectl_as(
        "dave",
        &[
            "patch",
            "role",
            "ghost",
            "-n",
            "dev",
            "--type=merge",
            "-p",
            r#"{"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}"#,
        ],
    );
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains(r#"roles.rbac.authorization.k8s.io "ghost" not found"#), "{r}");
    // Binding a role one does not hold is refused; binding one one holds is fine.
    env.write("bad-rb.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: bob-admin, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]\n");
    let r = env.kubectl_as("dave", &["apply", "-f", "bad-rb.yaml"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("rolebindings.rbac.authorization.k8s.io \"bob-admin\" is forbidden: user \"dave\" (groups=[\"dev-team\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}"), "{r}");
    let r = env.kubectl(&["get", "rolebinding", "bob-admin", "-n", "dev"]);
    assert!(r.stderr.contains("NotFound"), "{r}");
    env.write("ok-rb.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: bob-lister, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: lister}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]\n");
    ok(&env.kubectl_as("dave", &["apply", "-f", "ok-rb.yaml"]));
    ok(&env.kubectl_as("bob", &["get", "pods", "-n", "dev"]));
    // With `bind` on the edit ClusterRole (by name), dave may bind it without holding it…
    env.admin_apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: binder, namespace: dev}\nrules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [edit], verbs: [bind]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: dave-binder, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: binder}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: dave}]\n");
    env.write("edit-rb.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: bob-edit, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]\n");
    ok(&env.kubectl_as("dave", &["apply", "-f", "edit-rb.yaml"]));
    // …and with `escalate` on roles, create roles granting more than dave holds.
    ok(&env.kubectl_as("dave", &["create", "-f", "bad-role.yaml"]));
    // Aggregation rules need full authority.
    env.admin_apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr-writer}\nrules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [create]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: carol-cr-writer}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr-writer}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: carol}]\n");
    env.write("agg.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: grab-all}\naggregationRule:\n  clusterRoleSelectors: [{matchLabels: {x: y}}]\nrules: []\n");
    let r = env.kubectl_as("carol", &["create", "-f", "agg.yaml"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains(r#"clusterroles.rbac.authorization.k8s.io "grab-all" is forbidden: must have cluster-admin privileges to use the aggregationRule"#), "{r}");
}

#[test]
fn can_i_answers_match_kubectl() {
    let env = policy_env();
    let cases: &[(&[&str], &str, i32)] = &[
        (&["auth", "can-i", "list", "pods", "-n", "dev"], "yes", 0),
        (&["auth", "can-i", "delete", "pods", "-n", "dev"], "no", 1),
        (&["auth", "can-i", "list", "pods", "-n", "prod"], "no", 1),
        (&["auth", "can-i", "get", "configmaps/allowed", "-n", "dev"], "yes", 0),
        (&["auth", "can-i", "get", "configmaps/other", "-n", "dev"], "no", 1),
        (&["auth", "can-i", "get", "configmaps", "-n", "dev"], "no", 1),
        (&["auth", "can-i", "list", "deployments", "-n", "dev"], "no", 1),
        (
            &["auth", "can-i", "patch", "deployments.apps", "-n", "dev", "--subresource=scale"],
            "yes",
            0,
        ),
        (&["auth", "can-i", "patch", "deployments.apps", "-n", "dev"], "no", 1),
        (&["auth", "can-i", "get", "/version"], "yes", 0),
        (&["auth", "can-i", "get", "/metrics"], "no", 1),
    ];
    for (args, want, code) in cases {
        for r in [env.kubectl_as("alice", args), env.kctl_as("alice", args)] {
            assert_eq!((r.stdout.trim(), r.code), (*want, *code), "{r}");
        }
    }
    // The admin asks on behalf of others with --as (impersonation).
    for tool in ["kubectl", "kctl"] {
        let run =
            |args: &[&str]| if tool == "kubectl" { env.kubectl(args) } else { env.kctl(args) };
        assert_eq!(
            run(&["auth", "can-i", "create", "configmaps", "-n", "prod", "--as", "bob"])
                .stdout
                .trim(),
            "yes"
        );
        assert_eq!(
            run(&["auth", "can-i", "create", "configmaps", "-n", "dev", "--as", "bob"])
                .stdout
                .trim(),
            "no"
        );
        assert_eq!(
            run(&[
                "auth",
                "can-i",
                "list",
                "secrets",
                "-n",
                "dev",
                "--as",
                "carol",
                "--as-group",
                "ops"
            ])
            .stdout
            .trim(),
            "no"
        );
        assert_eq!(
            run(&["auth", "can-i", "list", "pods", "-A", "--as", "carol", "--as-group", "ops"])
                .stdout
                .trim(),
            "yes"
        );
        assert_eq!(run(&["auth", "can-i", "*", "*", "-A"]).stdout.trim(), "yes");
    }
    // --list prints the same table as kubectl.
    for (who, ns) in [("alice", "dev"), ("bob", "prod"), ("carol", "default")] {
        let k = env.kubectl_as(who, &["auth", "can-i", "--list", "-n", ns]);
        let c = env.kctl_as(who, &["auth", "can-i", "--list", "-n", ns]);
        assert_eq!(k.code, 0, "{k}");
        assert_eq!(c.stdout, k.stdout, "kctl:\n{c}\nkubectl:\n{k}");
    }
    let k = env.kubectl_as("alice", &["auth", "whoami"]);
    let c = env.kctl_as("alice", &["auth", "whoami"]);
    assert_eq!(c.stdout, k.stdout, "{c}\n{k}");
    assert!(k.stdout.contains("alice"), "{k}");
}

#[test]
fn impersonation_needs_the_impersonate_verb() {
    let env = policy_env();
    let msg = r#"users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope"#;
    denied(&env.kubectl_as("alice", &["get", "pods", "-n", "prod", "--as", "bob"]), msg);
    // kctl sends the same impersonation headers.
    let r = env.kctl_as("alice", &["auth", "can-i", "list", "pods", "-n", "prod", "--as", "bob"]);
    assert!(r.stderr.contains(msg), "{r}");
    env.admin_apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: impersonate-bob}\nrules:\n- {apiGroups: [\"\"], resources: [users], resourceNames: [bob], verbs: [impersonate]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: alice-impersonates-bob}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-bob}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]\n");
    // Acting as bob: bob's rights, not alice's.
    ok(&env.kubectl_as("alice", &["get", "pods", "-n", "prod", "--as", "bob"]));
    let r = env.kctl_as("alice", &["auth", "can-i", "list", "pods", "-n", "prod", "--as", "bob"]);
    assert_eq!(r.stdout, "yes\n", "{r}");
    denied(
        &env.kubectl_as("alice", &["get", "pods", "-n", "dev", "--as", "bob"]),
        r#"pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "dev""#,
    );
    // Impersonating a group needs its own grant.
    denied(
        &env.kubectl_as(
            "alice",
            &["get", "pods", "-n", "dev", "--as", "bob", "--as-group", "system:masters"],
        ),
        r#"groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope"#,
    );
    denied(
        &env.kubectl_as("alice", &["get", "pods", "-n", "dev", "--as", "carol"]),
        r#"users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope"#,
    );
}

#[test]
fn aggregated_rules_are_written_back() {
    let env = policy_env();
    let rules =
        |name: &str| env.kubectl(&["get", "clusterrole", name, "-o", "jsonpath={.rules}"]).stdout;
    assert!(rules("view").contains("deployments"), "{}", rules("view"));
    assert!(!rules("view").contains("secrets"), "{}", rules("view"));
    assert!(rules("edit").contains("secrets"), "{}", rules("edit"));
    assert!(rules("admin").contains("rolebindings"), "{}", rules("admin"));
    env.admin_apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widgets-view\n  labels: {rbac.authorization.k8s.io/aggregate-to-view: \"true\"}\nrules:\n- {apiGroups: [example.com], resources: [widgets], verbs: [get]}\n");
    assert!(rules("view").contains("widgets"), "{}", rules("view"));
    assert_eq!(env.kubectl(&["delete", "clusterrole", "widgets-view"]).code, 0);
    assert!(!rules("view").contains("widgets"), "{}", rules("view"));
}
