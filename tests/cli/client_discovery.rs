//! Discovery: aggregated and legacy parsing, the on-disk cache, and REST mapping.

use crate::client_support::{Mode, fixtures, make_pki, start};
use kctl::client::discovery::{
    AGGREGATED_ACCEPT, CACHE_TTL, legacy_group_versions, parse_aggregated, parse_resource_list,
    server_cache_dir,
};
use kctl::client::{ApiResource, Client, Discovery, RestConfig, resource_path};
use serde_json::Value;

fn load(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixtures().join(name)).expect("fixture")).expect("json")
}

fn aggregated() -> Vec<ApiResource> {
    let mut all = parse_aggregated(&load("aggregated-api.json")).expect("api");
    all.extend(parse_aggregated(&load("aggregated-apis.json")).expect("apis"));
    all
}

fn legacy() -> Vec<ApiResource> {
    let mut all = Vec::new();
    for v in load("legacy-api.json")["versions"].as_array().expect("versions") {
        let doc = load(&format!("legacy-api-{}.json", v.as_str().expect("str")));
        all.extend(parse_resource_list(&doc, true).expect("core"));
    }
    for (g, v, pref) in legacy_group_versions(&load("legacy-apis.json")) {
        let doc = load(&format!("legacy-apis-{g}-{v}.json"));
        all.extend(parse_resource_list(&doc, pref).expect("group"));
    }
    all
}

#[test]
fn aggregated_and_legacy_documents_give_the_same_resources() {
    let agg = aggregated();
    assert_eq!(agg, legacy());
    let deploy = agg.iter().find(|r| r.plural == "deployments").expect("deployments");
    assert_eq!(
        (deploy.group.as_str(), deploy.version.as_str(), deploy.kind.as_str()),
        ("apps", "v1", "Deployment")
    );
    assert_eq!(deploy.singular, "deployment");
    assert_eq!(deploy.short_names, vec!["deploy"]);
    assert_eq!(deploy.categories, vec!["all"]);
    assert!(deploy.namespaced && deploy.preferred);
    assert!(deploy.verbs.contains(&"patch".to_string()));
    // Subresources are not resources of their own.
    assert!(agg.iter().all(|r| !r.plural.contains('/')));
    let ns = agg.iter().find(|r| r.kind == "Namespace").expect("ns");
    assert!(!ns.namespaced);
    let ep = agg.iter().find(|r| r.kind == "Endpoints").expect("ep");
    assert_eq!(ep.singular, "endpoints");
}

#[test]
fn aggregated_drops_resources_without_kind_and_stale_versions() {
    let doc = serde_json::json!({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[
        {"metadata":{"name":"x.io"},"versions":[
            {"version":"v2","freshness":"Stale","resources":[{"resource":"as","scope":"Cluster","responseKind":{"group":"x.io","version":"v2","kind":"A"},"verbs":["get"]}]},
            {"version":"v1","resources":[
                {"resource":"as","scope":"Cluster","responseKind":{"group":"x.io","version":"v1","kind":"A"},"verbs":["get"]},
                {"resource":"bs","scope":"Namespaced","responseKind":{},"verbs":["get"]},
                {"resource":"cs","scope":"Namespaced","verbs":["get"]}]}]}]});
    let rs = parse_aggregated(&doc).expect("parse");
    assert_eq!(rs.len(), 1);
    assert_eq!(
        (rs[0].version.as_str(), rs[0].singular.as_str(), rs[0].preferred),
        ("v1", "a", false)
    );
}

#[test]
fn rest_mapping_of_type_arguments() {
    let d = Discovery::from_resources(aggregated());
    let plural = |arg: &str| d.resolve(arg).map(ApiResource::group_resource);
    for arg in [
        "deploy",
        "deployments",
        "deployment",
        "Deployment",
        "DEPLOYMENTS",
        "deployments.apps",
        "deployment.apps",
        "deploy.apps",
        "deployment.v1.apps",
        "deployments.v1.apps",
    ] {
        assert_eq!(plural(arg).as_deref(), Some("deployments.apps"), "{arg}");
    }
    assert_eq!(plural("cm").as_deref(), Some("configmaps"));
    assert_eq!(plural("crds").as_deref(), Some("customresourcedefinitions.apiextensions.k8s.io"));
    assert_eq!(plural("ing").as_deref(), Some("ingresses.networking.k8s.io"));
    assert_eq!(
        plural("ingresses.networking.k8s.io").as_deref(),
        Some("ingresses.networking.k8s.io")
    );
    assert_eq!(plural("hpa").as_deref(), Some("horizontalpodautoscalers.autoscaling"));
    assert_eq!(plural("wd").as_deref(), Some("widgets.example.com"));
    assert_eq!(plural("widget.v1.example.com").as_deref(), Some("widgets.example.com"));
    assert_eq!(plural("deployments.batch"), None);
    assert_eq!(plural("deployment.v2.apps"), None);
    assert_eq!(plural("gadgets"), None);

    let cm = d.for_kind("v1", "ConfigMap").expect("cm");
    assert_eq!(
        resource_path(cm, Some("default"), Some("x")),
        "/api/v1/namespaces/default/configmaps/x"
    );
    let d2 = d.for_kind("apps/v1", "Deployment").expect("deploy");
    assert_eq!(resource_path(d2, Some("ns"), None), "/apis/apps/v1/namespaces/ns/deployments");
    let crd = d.for_kind("apiextensions.k8s.io/v1", "CustomResourceDefinition").expect("crd");
    assert_eq!(
        resource_path(crd, Some("ns"), Some("a.b")),
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b"
    );
    assert!(d.for_kind("apps/v1beta1", "Deployment").is_none());
    assert!(d.for_kind("example.com/v1", "Gadget").is_none());
}

fn client_for(url: &str, ca: &str) -> Client {
    let cfg = RestConfig {
        server: url.to_string(),
        namespace: "default".into(),
        ca_pem: Some(ca.as_bytes().to_vec()),
        ..RestConfig::default()
    };
    Client::http(&cfg).expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggregated_discovery_is_cached_on_disk() {
    let pki = make_pki(&[]);
    let server = start(&pki, Mode::Aggregated).await;
    let client = client_for(&server.url, &pki.ca_pem);
    let cache = tempfile::tempdir().expect("tmp");

    let d = Discovery::load(&client, Some(cache.path())).await.expect("discovery");
    assert!(!d.is_cached());
    assert_eq!(d.resources().len(), aggregated().len());
    let mut paths = server.paths();
    paths.sort();
    assert_eq!(paths, vec!["/api?timeout=32s".to_string(), "/apis?timeout=32s".to_string()]);
    let seen = server.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.accept == AGGREGATED_ACCEPT));

    let dir = server_cache_dir(cache.path(), &server.url);
    let port = server.url.rsplit(':').next().expect("port");
    assert!(dir.ends_with(format!("discovery/127.0.0.1_{port}")), "{}", dir.display());
    assert!(std::fs::read_dir(&dir).expect("cache dir").count() > 0);

    // Second load: from the cache, no request.
    let mut d = Discovery::load(&client, Some(cache.path())).await.expect("cached");
    assert!(d.is_cached());
    assert_eq!(server.paths().len(), 2);
    assert_eq!(d.resolve("deploy").map(|r| r.plural.as_str()), Some("deployments"));

    // A miss on a cached discovery re-fetches once.
    assert!(d.resolve_fresh(&client, "gadgets").await.expect("refresh").is_none());
    assert_eq!(server.paths().len(), 4);
    assert!(!d.is_cached());
    assert!(d.for_kind_fresh(&client, "v1", "Gadget").await.expect("no refetch").is_none());
    assert_eq!(server.paths().len(), 4, "a fresh discovery is not fetched again");

    // An expired cache (older than kubectl's 6h TTL) is ignored.
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let f =
            std::fs::File::options().write(true).open(entry.expect("entry").path()).expect("open");
        let old = std::time::SystemTime::now() - CACHE_TTL - std::time::Duration::from_secs(60);
        f.set_modified(old).expect("mtime");
    }
    let d = Discovery::load(&client, Some(cache.path())).await.expect("expired");
    assert!(!d.is_cached());
    assert_eq!(server.paths().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_discovery_fetches_every_group_version() {
    let pki = make_pki(&[]);
    let server = start(&pki, Mode::Legacy).await;
    let client = client_for(&server.url, &pki.ca_pem);
    let d = Discovery::load(&client, None).await.expect("discovery");
    assert_eq!(d.all_resources().len(), legacy().len());
    let mut paths = server.paths();
    paths.sort();
    for p in
        ["/api/v1?timeout=32s", "/apis/apps/v1?timeout=32s", "/apis/example.com/v1?timeout=32s"]
    {
        assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
    }
    let seen = server.seen.lock().expect("lock").clone();
    let gv = seen.iter().find(|s| s.path.starts_with("/apis/apps/v1")).expect("gv");
    assert_eq!(gv.accept, "application/json, */*");
    assert_eq!(d.resolve("sts").map(|r| r.kind.as_str()), Some("StatefulSet"));
}
