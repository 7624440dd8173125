//! HorizontalPodAutoscalers served at `autoscaling/v1` and `autoscaling/v2` (stored at v2),
//! with real kubectl against `kctl serve`: `kubectl autoscale` (a protobuf v1 POST), both
//! views of one object, client-side apply and diff of a v1 manifest, tables, watches,
//! discovery and OpenAPI, field validation against v1's fields, and the round trip of what
//! only v2 can express through v1's annotations.

use crate::common::{Run, TestEnv, transcript};
use serde_json::{Value, json};

const V1: &str = "horizontalpodautoscalers.v1.autoscaling";

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "{r}");
    r
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{}: {e}\n{r}", r.cmdline))
}

#[test]
fn kubectl_autoscale_posts_v1_and_both_versions_read_it() {
    let env = TestEnv::serve();
    let mut runs = vec![ok(env.kubectl(&["create", "deployment", "web", "--image=nginx:1.27"]))];
    let autoscale = ok(env.kubectl(&[
        "autoscale",
        "deployment",
        "web",
        "--min=2",
        "--max=5",
        "--cpu-percent=80",
    ]));
    assert_eq!(autoscale.stdout, "horizontalpodautoscaler.autoscaling/web autoscaled\n");
    runs.push(autoscale);
    let v2 = ok(env.kubectl(&["get", "hpa", "web", "-o", "json"]));
    let v2 = json_of(&v2);
    assert_eq!(v2["apiVersion"], "autoscaling/v2");
    assert_eq!(
        v2["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": 80}}}])
    );
    let v1 = json_of(&ok(env.kubectl(&["get", V1, "web", "-o", "json"])));
    assert_eq!(v1["apiVersion"], "autoscaling/v1");
    assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 80);
    assert_eq!(v1["spec"]["minReplicas"], 2);
    assert!(v1["spec"].get("metrics").is_none(), "{v1}");
    assert_eq!(v1["status"], json!({"currentReplicas": 0, "desiredReplicas": 0}));
    assert_eq!(v1["metadata"], v2["metadata"]);
    for args in [
        &["get", "hpa", "web", "-o", "yaml"][..],
        &["get", V1, "web", "-o", "yaml"],
        &["get", "hpa"],
        &["get", V1],
        &["get", V1, "-o", "wide", "--show-kind"],
    ] {
        runs.push(ok(env.kubectl(args)));
    }
    // The two tables are the same but for the kind kubectl shows.
    assert_eq!(runs[4].stdout, runs[5].stdout);
    // kctl resolves the fully-qualified v1 name as kubectl does.
    runs.push(ok(env.kctl(&["get", V1, "web", "-o", "yaml"])));
    assert_eq!(runs[runs.len() - 1].stdout, runs[3].stdout);
    // kubectl expands a short name to group and resource only: `hpa.v1.autoscaling` is read
    // at the preferred version, v2; kctl resolves it the same way.
    let short = ok(env.kubectl(&["get", "hpa.v1.autoscaling", "web", "-o", "yaml"]));
    assert_eq!(short.stdout, runs[2].stdout);
    let kctl_short = ok(env.kctl(&["get", "hpa.v1.autoscaling", "web", "-o", "yaml"]));
    assert_eq!(kctl_short.stdout, short.stdout);
    // Deleting through v1 answers with kube's Status.
    runs.push(ok(env.kubectl(&["delete", V1, "web"])));
    insta::assert_snapshot!(transcript(&runs));
}

const V1_MANIFEST: &str = "apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  maxReplicas: 4
  targetCPUUtilizationPercentage: 60
";

#[test]
fn kubectl_apply_and_diff_a_v1_manifest() {
    let env = TestEnv::serve();
    let path = env.write("hpa.yaml", V1_MANIFEST);
    let mut runs = Vec::new();
    let diff_new = env.kubectl(&["diff", "-f", &path]);
    assert_eq!(diff_new.code, 1, "{diff_new}");
    runs.push(diff_new);
    let created = ok(env.kubectl(&["apply", "-f", &path]));
    assert_eq!(created.stdout, "horizontalpodautoscaler.autoscaling/api created\n");
    runs.push(created);
    let same = env.kubectl(&["diff", "-f", &path]);
    assert_eq!((same.code, same.stdout.as_str()), (0, ""), "{same}");
    runs.push(same);
    let unchanged = ok(env.kubectl(&["apply", "-f", &path]));
    assert_eq!(unchanged.stdout, "horizontalpodautoscaler.autoscaling/api unchanged\n");
    runs.push(unchanged);
    let changed = env.write("hpa.yaml", &V1_MANIFEST.replace("maxReplicas: 4", "maxReplicas: 6"));
    let diff_changed = env.kubectl(&["diff", "-f", &changed]);
    assert_eq!(diff_changed.code, 1, "{diff_changed}");
    runs.push(diff_changed);
    let configured = ok(env.kubectl(&["apply", "-f", &changed]));
    assert_eq!(configured.stdout, "horizontalpodautoscaler.autoscaling/api configured\n");
    runs.push(configured);
    let v2 = json_of(&ok(env.kubectl(&["get", "hpa", "api", "-o", "json"])));
    assert_eq!(v2["spec"]["maxReplicas"], 6);
    assert_eq!(v2["spec"]["minReplicas"], 1, "v2 defaults apply");
    assert_eq!(v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 60);
    runs.push(ok(env.kubectl(&["get", V1, "api", "-o", "yaml"])));
    runs.push(ok(env.kubectl(&["get", "hpa"])));
    // A v1 manifest is checked against v1's fields: `spec.metrics` is v2's.
    let bad = format!("{}  metrics: []\n", V1_MANIFEST.replace("name: api\n", "name: api-bad\n"));
    let bad = env.write("bad.yaml", &bad);
    runs.push(env.kubectl(&["apply", "-f", &bad, "--validate=strict"]));
    runs.push(env.kubectl(&["apply", "-f", &bad, "--validate=warn", "--dry-run=server"]));
    let (strict, warn) = (&runs[runs.len() - 2], &runs[runs.len() - 1]);
    assert_eq!(strict.code, 1, "{strict}");
    assert!(strict.stderr.contains("in version \"v1\""), "{strict}");
    assert_eq!(warn.code, 0, "{warn}");
    assert!(warn.stderr.contains("Warning: unknown field \"spec.metrics\""), "{warn}");
    // A strategic merge patch of the v1 view.
    runs.push(ok(env.kubectl(&[
        "patch",
        V1,
        "api",
        "-p",
        r#"{"spec":{"targetCPUUtilizationPercentage":75}}"#,
    ])));
    let v2 = json_of(&ok(env.kubectl(&["get", "hpa", "api", "-o", "json"])));
    assert_eq!(v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 75);
    insta::assert_snapshot!(transcript(&runs));
}

const V2_MANIFEST: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: rich
  annotations:
    team: platform
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Pods
    pods:
      metric:
        name: requests-per-second
      target:
        type: AverageValue
        averageValue: 1k
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
  - type: External
    external:
      metric:
        name: queue-depth
        selector:
          matchLabels:
            queue: jobs
      target:
        type: Value
        value: \"30\"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
";

const V2_STATUS: &str = r#"{"status":{"currentReplicas":2,"desiredReplicas":3,
  "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":55,"averageValue":"110m"}}},
    {"type":"Pods","pods":{"metric":{"name":"requests-per-second"},"current":{"averageValue":"800"}}}],
  "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-02T03:04:05Z","reason":"ReadyForNewScale","message":"recommended size matches current size"}]}}"#;

/// The object without what every write changes.
fn unversioned(mut v: Value) -> Value {
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    v
}

#[test]
fn v2_only_fields_survive_a_round_trip_through_v1() {
    let env = TestEnv::serve();
    let path = env.write("rich.yaml", V2_MANIFEST);
    ok(env.kubectl(&["create", "-f", &path]));
    ok(env.kubectl(&[
        "patch",
        "hpa",
        "rich",
        "--subresource=status",
        "--type=merge",
        "-p",
        V2_STATUS,
    ]));
    let before = json_of(&ok(env.kubectl(&["get", "hpa", "rich", "-o", "json"])));
    let v1_run = ok(env.kubectl(&["get", V1, "rich", "-o", "yaml"]));
    let v1_json = json_of(&ok(env.kubectl(&["get", V1, "rich", "-o", "json"])));
    assert_eq!(v1_json["spec"]["targetCPUUtilizationPercentage"], 70);
    assert_eq!(v1_json["status"]["currentCPUUtilizationPercentage"], 55);
    assert_eq!(v1_json["metadata"]["annotations"]["team"], "platform");
    // PUT the v1 view back (main resource, then status): nothing of v2 is lost, only the
    // CPU target moves after the metrics restored from the annotation.
    let v1_path = env.write("rich-v1.json", &unversioned(v1_json).to_string());
    let replaced = ok(env.kubectl(&["replace", "-f", &v1_path]));
    let status = ok(env.kubectl(&["replace", "--subresource=status", "-f", &v1_path]));
    let after = json_of(&ok(env.kubectl(&["get", "hpa", "rich", "-o", "json"])));
    let mut want = unversioned(before);
    let metrics = want["spec"]["metrics"].as_array_mut().expect("metrics");
    let cpu = metrics.remove(1);
    metrics.push(cpu);
    assert_eq!(unversioned(after), want);
    // A JSON patch of the v1 view drops the pods and external metrics with their annotation.
    let dropped = ok(env.kubectl(&[
        "patch",
        V1,
        "rich",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/annotations/autoscaling.alpha.kubernetes.io~1metrics"}]"#,
    ]));
    let v2 = json_of(&ok(env.kubectl(&["get", "hpa", "rich", "-o", "json"])));
    assert_eq!(v2["spec"]["metrics"].as_array().map(Vec::len), Some(1), "{v2}");
    assert_eq!(v2["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"], 60);
    insta::assert_snapshot!(transcript(&[v1_run, replaced, status, dropped]));
}

#[test]
fn discovery_openapi_and_watch_serve_both_versions() {
    let env = TestEnv::serve();
    let versions = ok(env.kubectl(&["api-versions"]));
    assert!(versions.stdout.contains("autoscaling/v1\nautoscaling/v2\n"), "{versions}");
    let group = json_of(&ok(env.kubectl(&["get", "--raw", "/apis/autoscaling"])));
    assert_eq!(group["preferredVersion"]["version"], "v2");
    assert_eq!(
        group["versions"],
        json!([{"groupVersion": "autoscaling/v2", "version": "v2"},
            {"groupVersion": "autoscaling/v1", "version": "v1"}])
    );
    let list = json_of(&ok(env.kubectl(&["get", "--raw", "/apis/autoscaling/v1"])));
    let names: Vec<&str> = list["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]);
    let openapi = json_of(&ok(env.kubectl(&["get", "--raw", "/openapi/v3/apis/autoscaling/v1"])));
    let path = "/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}";
    assert_eq!(
        openapi["paths"][path]["patch"]["x-kubernetes-group-version-kind"],
        json!({"group": "autoscaling", "version": "v1", "kind": "HorizontalPodAutoscaler"})
    );
    // api-resources lists the preferred version only.
    let resources = ok(env.kubectl(&["api-resources", "--api-group=autoscaling"]));
    assert!(resources.stdout.contains("autoscaling/v2"), "{resources}");
    assert!(!resources.stdout.contains("autoscaling/v1"), "{resources}");
    // A v2 object watched at v1.
    let path = env.write("rich.yaml", V2_MANIFEST);
    ok(env.kubectl(&["create", "-f", &path]));
    let watch = ok(env.kubectl(&[
        "get",
        "--raw",
        "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?watch=true&timeoutSeconds=1",
    ]));
    let event: Value = serde_json::from_str(watch.stdout.lines().next().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {watch}"));
    assert_eq!(event["type"], "ADDED");
    assert_eq!(event["object"]["apiVersion"], "autoscaling/v1");
    assert_eq!(event["object"]["spec"]["targetCPUUtilizationPercentage"], 70);
    assert!(
        event["object"]["metadata"]["annotations"]["autoscaling.alpha.kubernetes.io/metrics"]
            .is_string()
    );
    // Deletions answer in the version deleted through: an object a finalizer holds, and the
    // objects of a collection.
    let held = env.write(
        "held.json",
        r#"{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "held", "finalizers": ["example.com/hold"]},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "x"}, "maxReplicas": 2}}"#,
    );
    ok(env.kubectl(&["create", "-f", &held]));
    let collection = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    let deleting = json_of(&ok(env.kubectl(&["delete", "--raw", &format!("{collection}/held")])));
    assert_eq!(deleting["apiVersion"], "autoscaling/v1");
    assert_eq!(deleting["spec"]["targetCPUUtilizationPercentage"], 80);
    assert!(deleting["metadata"]["deletionTimestamp"].is_string(), "{deleting}");
    let deleted = json_of(&ok(env.kubectl(&["delete", "--raw", collection])));
    assert_eq!(deleted["apiVersion"], "autoscaling/v1");
    let items = deleted["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{deleted}");
    assert!(items.iter().all(|i| i["spec"]["targetCPUUtilizationPercentage"].is_number()));
}
