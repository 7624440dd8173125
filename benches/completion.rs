//! Completion latency: a whole `kctl` completion process (start, kubeconfig, cached
//! discovery, one metadata-only LIST, print) completing ConfigMap names in a namespace that
//! holds 5,000 ConfigMaps, against a real `kctl serve` on loopback. Target: under 100 ms.
//!
//! `KCTL_BENCH_BIN` overrides the binary measured (default: this build's `kctl`).

#[path = "../tests/cli/completion_support.rs"]
mod completion_support;

use completion_support::Served;
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const OBJECTS: usize = 5000;

fn kctl() -> PathBuf {
    std::env::var_os("KCTL_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kctl")))
}

fn complete(s: &Served, words: &[&str]) -> usize {
    let out = Command::new(kctl())
        .env_clear()
        .envs(s.envs())
        .env("KCTL_COMPLETE", "bash")
        .arg("--")
        .args(words)
        .output()
        .expect("run kctl");
    assert!(out.status.success());
    out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count()
}

fn bench(c: &mut Criterion) {
    let s = Served::start(&kctl());
    s.namespace("bench");
    for i in 0..OBJECTS {
        s.configmap("bench", &format!("cm-{i:05}"));
    }
    // Warm the discovery cache, as any earlier kctl command would have.
    assert_eq!(complete(&s, &["kctl", "-n", "bench", "get", "configmap", ""]), OBJECTS);
    let mut g = c.benchmark_group("completion");
    g.sample_size(30).measurement_time(Duration::from_secs(10));
    g.bench_function("names of 5000 configmaps", |b| {
        b.iter(|| complete(&s, &["kctl", "-n", "bench", "get", "configmap", ""]))
    });
    g.bench_function("names of 5000 configmaps, prefix cm-012", |b| {
        b.iter(|| complete(&s, &["kctl", "-n", "bench", "get", "configmap", "cm-012"]))
    });
    g.bench_function("TYPE/ names of 5000 configmaps", |b| {
        b.iter(|| complete(&s, &["kctl", "-n", "bench", "get", "cm/"]))
    });
    g.bench_function("resource types", |b| b.iter(|| complete(&s, &["kctl", "get", "dep"])));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
