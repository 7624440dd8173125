//! `kctl apply`, `create`, `replace` and `diff`: the real binary against the real bundled
//! apiserver, success and error output snapshot-tested.

use crate::common::{TestEnv, transcript};

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        env:
        - {name: A, value: \"1\"}
";

const CMS: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: cm1, labels: {app: demo}}
data: {a: \"1\"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm2, labels: {app: demo}}
data: {b: \"2\"}
";

#[test]
fn apply_create_configure_unchanged() {
    let env = TestEnv::in_process();
    env.write("deploy.yaml", DEPLOY);
    env.write("cms.yaml", CMS);
    let first = env.kctl(&["apply", "-f", "deploy.yaml", "-f", "cms.yaml"]);
    let again = env.kctl(&["apply", "-f", "deploy.yaml", "-f", "cms.yaml"]);
    env.write("deploy.yaml", &DEPLOY.replace("nginx:1.25", "nginx:1.27"));
    let changed = env.kctl(&["apply", "-f", "deploy.yaml", "-f", "cms.yaml"]);
    let client_dry = env.kctl(&["apply", "-f", "cms.yaml", "--dry-run=client"]);
    let server_dry = env.kctl(&["apply", "-f", "cms.yaml", "--dry-run=server"]);
    let names = env.kctl(&["apply", "-f", "cms.yaml", "-o", "name"]);
    insta::assert_snapshot!(transcript(&[first, again, changed, client_dry, server_dry, names]));
}

#[test]
fn apply_outputs_objects_and_prunes() {
    let env = TestEnv::in_process();
    env.write("cms.yaml", CMS);
    let yaml = env.kctl(&["apply", "-f", "cms.yaml", "-o", "yaml", "--concurrency=1"]);
    env.write("one.yaml", CMS.split("---\n").next().unwrap());
    let no_selector = env.kctl(&["apply", "-f", "one.yaml", "--prune"]);
    let pruned = env.kctl(&["apply", "-f", "one.yaml", "--prune", "-l", "app=demo"]);
    let left =
        env.kctl(&["apply", "-f", "one.yaml", "--prune", "-l", "app=demo", "--dry-run=server"]);
    insta::assert_snapshot!(transcript(&[yaml, no_selector, pruned, left]));
}

#[test]
fn apply_errors_name_what_failed() {
    let env = TestEnv::in_process();
    env.write(
        "ns.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nowhere}\ndata: {a: b}\n",
    );
    env.write("gadget.yaml", "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1}\n");
    env.write("cms.yaml", CMS);
    let missing_ns = env.kctl(&["apply", "-f", "ns.yaml"]);
    let unknown_kind = env.kctl(&["apply", "-f", "gadget.yaml", "-f", "cms.yaml"]);
    let wrong_ns = env.kctl(&["apply", "-f", "ns.yaml", "-n", "default"]);
    let ssa_client = env.kctl(&["apply", "-f", "cms.yaml", "--server-side", "--dry-run=client"]);
    let bad_validate = env.kctl(&["apply", "-f", "cms.yaml", "--validate=maybe"]);
    insta::assert_snapshot!(transcript(&[
        missing_ns,
        unknown_kind,
        wrong_ns,
        ssa_client,
        bad_validate
    ]));
}

#[test]
fn apply_namespace_and_crd_first_then_their_objects() {
    let env = TestEnv::in_process();
    env.write(
        "all.yaml",
        "apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: team-a}
spec: {size: 1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-a}
data: {a: \"1\"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
",
    );
    let created = env.kctl(&["apply", "-f", "all.yaml", "--concurrency=4"]);
    let again = env.kctl(&["apply", "-f", "all.yaml"]);
    insta::assert_snapshot!(transcript(&[created, again]));
}

#[test]
fn atomic_apply_changes_nothing_when_one_object_fails() {
    let env = TestEnv::in_process();
    env.write(
        "mixed.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, namespace: nowhere}\ndata: {a: b}\n",
    );
    let atomic = env.kctl(&["apply", "-f", "mixed.yaml", "--atomic"]);
    let get = env.kctl(&["get", "configmap", "ok", "-o", "name"]);
    assert_ne!(get.code, 0, "--atomic must not create anything: {get}");
    insta::assert_snapshot!(transcript(&[atomic]));
}

#[test]
fn create_and_replace() {
    let env = TestEnv::in_process();
    env.write("cms.yaml", CMS);
    let created = env.kctl(&["create", "-f", "cms.yaml"]);
    let exists = env.kctl(&["create", "-f", "cms.yaml"]);
    let dry = env.kctl(&["create", "-f", "cms.yaml", "--dry-run=client", "-o", "name"]);
    env.write("cms.yaml", &CMS.replace("a: \\\"1\\\"", "a: \\\"9\\\""));
    let replaced = env.kctl(&["replace", "-f", "cms.yaml"]);
    env.write(
        "stale.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1, resourceVersion: \"1\"}\ndata: {a: x}\n",
    );
    let stale = env.kctl(&["replace", "-f", "stale.yaml"]);
    env.write(
        "absent.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope}\ndata: {a: x}\n",
    );
    let absent = env.kctl(&["replace", "-f", "absent.yaml"]);
    let forced = env.kctl(&["replace", "--force", "-f", "cms.yaml"]);
    insta::assert_snapshot!(transcript(&[created, exists, dry, replaced, stale, absent, forced]));
}

#[test]
fn diff_exit_codes_and_rendering() {
    let env = TestEnv::in_process();
    env.write("deploy.yaml", DEPLOY);
    let absent = env.kctl(&["diff", "-f", "deploy.yaml"]);
    env.kctl(&["apply", "-f", "deploy.yaml"]);
    let same = env.kctl(&["diff", "-f", "deploy.yaml"]);
    env.write("deploy.yaml", &DEPLOY.replace("replicas: 2", "replicas: 3"));
    let changed = env.kctl(&["diff", "-f", "deploy.yaml"]);
    env.write("gadget.yaml", "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1}\n");
    let error = env.kctl(&["diff", "-f", "gadget.yaml"]);
    insta::assert_snapshot!(transcript(&[absent, same, changed, error]));
}

#[test]
fn diff_masks_secrets_and_honours_external_diff() {
    let env = TestEnv::in_process();
    let secret =
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {user: YQ==, pass: Yg==}\n";
    env.write("secret.yaml", secret);
    env.kctl(&["apply", "-f", "secret.yaml"]);
    env.write("secret.yaml", &secret.replace("Yg==", "Yw=="));
    let masked = env.kctl(&["diff", "-f", "secret.yaml"]);
    let external =
        env.kctl_env(&["diff", "-f", "secret.yaml"], &[("KUBECTL_EXTERNAL_DIFF", "diff -q")]);
    insta::assert_snapshot!(transcript(&[masked, external]));
}

/// A manifest set with many objects of one kind: `kctl apply` reads the live objects in a few
/// listings instead of one GET each, and still ends where `kubectl apply` ends, with the same
/// result lines, also when some objects exist and some do not.
#[test]
fn many_objects_are_read_in_listings_with_kubectls_results() {
    let set = |n: usize, changed: &[usize]| -> String {
        (0..n)
            .map(|i| {
                let v = if changed.contains(&i) { "2" } else { "1" };
                format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:02}\ndata:\n  v: \"{v}\"\n"
                )
            })
            .collect::<Vec<_>>()
            .join("---\n")
    };
    let kctl_env = TestEnv::serve();
    let kubectl_env = TestEnv::serve();
    for env in [&kctl_env, &kubectl_env] {
        env.write("first.yaml", &set(20, &[]));
        env.write("second.yaml", &set(30, &[3, 7]));
    }
    let steps: [&[&str]; 3] = [
        &["apply", "-f", "first.yaml"],
        &["apply", "-f", "second.yaml"],
        &["get", "configmaps", "-o", "jsonpath={range .items[*]}{.metadata.name}={.data.v} {end}"],
    ];
    for step in steps {
        let k = kctl_env.kctl(step);
        let real = kubectl_env.kubectl(step);
        assert_eq!(
            (k.code, &k.stdout, &k.stderr),
            (real.code, &real.stdout, &real.stderr),
            "{step:?}"
        );
    }
    // The requests: one listing per phase instead of 30 GETs.
    kctl_env.write("third.yaml", &set(30, &[3]));
    let traced = kctl_env.kctl(&["apply", "-f", "third.yaml", "-v=6"]);
    assert_eq!(traced.code, 0, "{}", traced.stderr);
    let gets: Vec<&str> = traced
        .stderr
        .lines()
        .filter(|l| l.contains("] GET ") && l.contains("configmaps"))
        .collect();
    assert_eq!(gets.len(), 1, "{}", traced.stderr);
    assert!(gets[0].contains("/api/v1/namespaces/default/configmaps?limit=500"), "{gets:?}");
    assert!(traced.stdout.contains("configmap/cm-07 configured\n"), "{}", traced.stdout);
    assert!(traced.stdout.contains("configmap/cm-03 unchanged\n"), "{}", traced.stdout);
    // diff reads its LIVE side the same way and finds the one change (cm-07 back to "1").
    let diff = kctl_env.kctl(&["diff", "-f", "second.yaml", "-v=6"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    let gets = diff.stderr.lines().filter(|l| l.contains("] GET ") && l.contains("configmaps"));
    assert_eq!(gets.count(), 1, "{}", diff.stderr);
    assert!(diff.stdout.contains("-  v: \"1\"\n+  v: \"2\"\n"), "{}", diff.stdout);
    assert_eq!(diff.stdout.matches("\n+  v:").count(), 1, "{}", diff.stdout);
    let real = kubectl_env.kubectl(&["diff", "-f", "first.yaml"]);
    assert_eq!(real.code, 1, "{}", real.stderr);
}
