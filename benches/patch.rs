//! Patch engine throughput: three-way strategic merge patch creation and application on a
//! realistic Deployment, a Deployment with 1,000 containers of 50 env vars each, and a 5 MB
//! ConfigMap, next to serde_json parse + serialize of the same documents (the floor).
//! Targets: creation within 3x the floor, application within 2x.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kctl::patch::schema::builtin;
use kctl::patch::strategic;
use serde_json::{Value, json};

/// original (last applied), modified (new manifest), current (live object).
struct Scenario {
    name: &'static str,
    kind: (&'static str, &'static str, &'static str),
    original: Value,
    modified: Value,
    current: Value,
}

fn container(i: usize, envs: usize, image: &str, env_value: &str) -> Value {
    let env: Vec<Value> = (0..envs)
        .map(|j| json!({"name": format!("VAR_{j}"), "value": if j == 0 { env_value.to_owned() } else { format!("value-{i}-{j}") }}))
        .collect();
    json!({
        "name": format!("c{i}"),
        "image": image,
        "env": env,
        "ports": [{"containerPort": 8000 + i % 1000, "protocol": "TCP"}],
        "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m", "memory": "64Mi"}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
    })
}

fn deployment(containers: Vec<Value>, replicas: u64) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "frontend"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web", "tier": "frontend"}},
                "spec": {
                    "containers": containers,
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
                },
            },
        },
    })
}

/// The live object: the original plus server-side fields.
fn live(original: &Value) -> Value {
    let mut live = original.clone();
    live["metadata"]["uid"] = json!("9f1c2d4e-0000-4000-8000-000000000001");
    live["metadata"]["resourceVersion"] = json!("123456");
    live["metadata"]["generation"] = json!(3);
    live["metadata"]["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
    live["status"] = json!({
        "replicas": 3, "readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3,
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
        ],
    });
    live
}

fn deployment_scenario(name: &'static str, containers: usize, envs: usize) -> Scenario {
    let build =
        |image: &str, env: &str| (0..containers).map(|i| container(i, envs, image, env)).collect();
    let original = deployment(build("nginx:1.25", "old"), 3);
    let modified = deployment(build("nginx:1.27", "new"), 4);
    let current = live(&original);
    Scenario { name, kind: ("apps", "v1", "Deployment"), original, modified, current }
}

fn configmap_scenario() -> Scenario {
    let entries = 5_000;
    let value = |i: usize, tag: &str| format!("{tag}-{i}-{}", "x".repeat(1_000));
    let data = |tag: &str, skip: usize| -> Value {
        (0..entries)
            .filter(|i| i % 100 != skip)
            .map(|i| {
                (format!("key-{i:05}"), json!(value(i, if i % 10 == 0 { tag } else { "same" })))
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big", "namespace": "default"}, "data": data});
    let original = cm(data("old", 99));
    let modified = cm(data("new", 98));
    let current = live(&original);
    Scenario { name: "configmap-5mb", kind: ("", "v1", "ConfigMap"), original, modified, current }
}

fn bench_scenario(c: &mut Criterion, s: &Scenario) {
    let meta = builtin::for_kind(s.kind.0, s.kind.1, s.kind.2).expect("built-in kind");
    let text = serde_json::to_string(&s.current).expect("serialize");
    let patch = strategic::create_three_way(&s.original, &s.modified, &s.current, &*meta, true)
        .expect("create");
    let mut group = c.benchmark_group(s.name);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("floor_parse_serialize", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_str(black_box(&text)).expect("parse");
            black_box(serde_json::to_string(&v).expect("serialize"))
        })
    });
    group.bench_function("three_way_create", |b| {
        b.iter(|| {
            strategic::create_three_way(
                black_box(&s.original),
                &s.modified,
                &s.current,
                &*meta,
                true,
            )
        })
    });
    group.bench_function("apply", |b| {
        b.iter(|| strategic::apply(black_box(&s.current), &patch, &*meta))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let scenarios = [
        deployment_scenario("deployment", 2, 8),
        deployment_scenario("deployment-1000x50", 1_000, 50),
        configmap_scenario(),
    ];
    for s in &scenarios {
        bench_scenario(c, s);
    }
}

criterion_group!(patch_benches, benches);
criterion_main!(patch_benches);
