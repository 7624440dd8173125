//! Protobuf request body decoding: a realistic Deployment as kubectl's typed client sends it,
//! and the generator's fuzzed Deployment (every field populated), each next to serde_json
//! parsing the JSON of the same object (the floor a JSON body costs anyway).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kctl::apiserver::protobuf;

fn read(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn bench(c: &mut Criterion) {
    for (name, rel) in [
        ("deployment", "testdata/protobuf/requests/deployment.pb"),
        ("deployment-fuzzed", "testdata/protobuf/apps.v1.Deployment.pb"),
    ] {
        let pb = read(rel);
        let json = protobuf::to_json(&pb).expect("fixture decodes");
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Elements(1));
        g.bench_function("protobuf-decode", |b| b.iter(|| protobuf::decode(black_box(&pb))));
        g.bench_function("protobuf-to-json-bytes", |b| {
            b.iter(|| protobuf::to_json(black_box(&pb)))
        });
        g.bench_function("serde-json-parse", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&json)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
