//! The garbage collector through kubectl's three cascade modes against `kctl serve`.

use crate::controllers_env::{Cluster, name, owner};

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
";

fn deploy(c: &Cluster) {
    c.apply(DEPLOY);
    assert_eq!(c.kubectl(&["rollout", "status", "deploy/web", "--timeout=20s"]).code, 0);
}

#[test]
fn cascading_deletes_in_all_three_modes() {
    let c = Cluster::start(2, &[]);

    // Background: the owner goes at once, the collector removes the ReplicaSet and its pods.
    deploy(&c);
    c.ok(&["delete", "deploy", "web"]);
    c.until("background collection", |c| {
        (c.items(&["rs"]).is_empty() && c.items(&["pods"]).is_empty()).then_some(())
    });

    // Foreground: kubectl waits for the owner, which goes only after its dependents.
    deploy(&c);
    let r = c.kubectl(&["delete", "deploy", "web", "--cascade=foreground", "--timeout=20s"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(c.items(&["rs"]).is_empty() && c.items(&["pods"]).is_empty(), "dependents left behind");
    assert!(c.kubectl(&["get", "deploy", "web"]).code != 0);

    // Orphan: the ReplicaSet stays, without an owner; its pods stay with it.
    deploy(&c);
    let rs = name(&c.items(&["rs"])[0]).to_string();
    c.ok(&["delete", "deploy", "web", "--cascade=orphan"]);
    let rss = c.until("the ReplicaSet to be orphaned", |c| {
        let rss = c.items(&["rs"]);
        (c.kubectl(&["get", "deploy", "web"]).code != 0
            && rss.len() == 1
            && rss[0]["metadata"]["ownerReferences"].is_null())
        .then_some(rss)
    });
    assert_eq!(name(&rss[0]), rs);
    let pods = c.items(&["pods"]);
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| owner(p).1 == rs));

    // kctl delete of the orphan ReplicaSet (background) takes its pods along.
    c.ok(&["delete", "rs", &rs]);
    c.until("the pods to follow", |c| c.items(&["pods"]).is_empty().then_some(()));
}
