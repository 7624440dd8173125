//! Deployments, ReplicaSets, the scheduler and the kubelet through their lifecycle against
//! `kctl serve`, driven by real kubectl and kctl: create → rolling update (surge and
//! unavailability bounds at every step) → history → undo; ReplicaSet self-healing; scale.

use crate::controllers_env::{Cluster, generated_from, name, owner};
use serde_json::Value;

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 4
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
";

fn rs_by_revision(c: &Cluster) -> Vec<(String, String, i64)> {
    let mut out: Vec<(String, String, i64)> = c
        .items(&["rs"])
        .iter()
        .map(|rs| {
            let rev = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            (rev, name(rs).to_string(), rs["spec"]["replicas"].as_i64().unwrap_or(0))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn deployment_create_update_history_undo() {
    let c = Cluster::start(3, &[]);
    c.apply(DEPLOY);
    let r = c.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.ends_with("deployment \"web\" successfully rolled out\n"), "{r}");

    // One ReplicaSet named <deploy>-<pod-template-hash>, owned by the Deployment.
    let deploy = c.json(&["deploy", "web"]);
    let rss = c.items(&["rs"]);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash =
        rs["metadata"]["labels"]["pod-template-hash"].as_str().expect("hash label").to_string();
    assert_eq!(name(rs), format!("web-{hash}"));
    assert_eq!(rs["spec"]["selector"]["matchLabels"]["pod-template-hash"], hash.as_str());
    assert_eq!(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
    assert_eq!(
        owner(rs),
        ("Deployment".into(), "web".into(), deploy["metadata"]["uid"].as_str().unwrap().into())
    );
    assert_eq!(deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");

    // Pods <rs>-<5 chars>, owned by the ReplicaSet, running on worker nodes with distinct IPs.
    let pods = c.items(&["pods"]);
    assert_eq!(pods.len(), 4);
    let mut ips = Vec::new();
    for p in &pods {
        assert!(generated_from(name(p), &format!("web-{hash}")), "{}", name(p));
        assert_eq!(owner(p).0, "ReplicaSet");
        assert_eq!(owner(p).1, format!("web-{hash}"));
        assert_eq!(p["metadata"]["labels"]["pod-template-hash"], hash.as_str());
        assert_eq!(p["status"]["phase"], "Running");
        let node = p["spec"]["nodeName"].as_str().unwrap();
        assert!(node.starts_with("node-"), "scheduled onto {node}");
        ips.push(p["status"]["podIP"].as_str().unwrap().to_string());
        assert!(p["status"]["hostIP"].as_str().unwrap().starts_with("172.18.0."));
    }
    ips.sort();
    ips.dedup();
    assert_eq!(ips.len(), 4, "one IP per pod");

    // Status as kube-controller-manager writes it.
    let st = &deploy["status"];
    assert_eq!(
        (
            st["replicas"].as_i64(),
            st["updatedReplicas"].as_i64(),
            st["readyReplicas"].as_i64(),
            st["availableReplicas"].as_i64()
        ),
        (Some(4), Some(4), Some(4), Some(4))
    );
    let conds: Vec<(String, String)> = st["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["type"].as_str().unwrap().to_string(), c["reason"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        conds,
        [
            ("Available".into(), "MinimumReplicasAvailable".into()),
            ("Progressing".into(), "NewReplicaSetAvailable".into())
        ]
    );

    // Rolling update: at every scaling step old + new stays within [replicas, replicas + surge].
    c.ok(&[
        "patch",
        "deploy",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}"#,
    ]);
    let r = c.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert_eq!(r.code, 0, "{r}");
    let revs = rs_by_revision(&c);
    assert_eq!(revs.len(), 2);
    assert_eq!((revs[0].0.as_str(), revs[0].2), ("1", 0));
    assert_eq!((revs[1].0.as_str(), revs[1].2), ("2", 4));
    let old = revs[0].1.clone();
    let new = revs[1].1.clone();
    let mut sizes = std::collections::HashMap::from([(old.clone(), 4i64), (new.clone(), 0i64)]);
    let mut steps = 0;
    for (reason, obj, msg) in c.events() {
        if reason != "ScalingReplicaSet" || obj != "web" {
            continue;
        }
        // "Scaled up replica set web-x from 1 to 2"
        let w: Vec<&str> = msg.split_whitespace().collect();
        let (rs, to) = (w[4].to_string(), w[8].parse::<i64>().unwrap());
        if rs == old && to == 4 && steps == 0 {
            continue; // the initial rollout
        }
        sizes.insert(rs, to);
        steps += 1;
        let total: i64 = sizes.values().sum();
        assert!((4..=5).contains(&total), "after {msg:?}: {sizes:?}");
    }
    assert!(steps >= 8, "4 scale-ups and 4 scale-downs, got {steps}");

    // History, from kubectl and kctl alike.
    let h = c.ok(&["rollout", "history", "deployment/web"]);
    assert_eq!(
        h,
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    let k = c.kctl(&["rollout", "history", "deployment/web"]);
    assert_eq!(k.stdout, h, "{k}");

    // Undo brings back the first ReplicaSet as revision 3.
    let u = c.kctl(&["rollout", "undo", "deployment/web"]);
    assert_eq!((u.code, u.stdout.as_str()), (0, "deployment.apps/web rolled back\n"), "{u}");
    let s = c.kctl(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert_eq!(s.code, 0, "{s}");
    assert!(s.stdout.ends_with("deployment \"web\" successfully rolled out\n"), "{s}");
    let revs = rs_by_revision(&c);
    assert_eq!(revs, [("2".to_string(), new.clone(), 0), ("3".to_string(), old.clone(), 4)]);
    let rs = c.json(&["rs", &old]);
    assert_eq!(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"], "1");

    // Real kubectl's undo goes back to revision 2, re-using that ReplicaSet.
    let u = c.kubectl(&["rollout", "undo", "deployment/web"]);
    assert_eq!(u.code, 0, "{u}");
    assert_eq!(c.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]).code, 0);
    let revs = rs_by_revision(&c);
    assert_eq!(revs, [("3".to_string(), old, 0), ("4".to_string(), new, 4)]);
    let pods = c.ok(&["get", "pods", "-o", "name"]);
    assert_eq!(pods.lines().count(), 4, "{pods}");
}

#[test]
fn replicaset_heals_and_scales() {
    let c = Cluster::start(2, &[]);
    c.apply(DEPLOY);
    assert_eq!(c.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]).code, 0);
    let pods = c.items(&["pods"]);
    let victim = name(&pods[0]).to_string();
    c.ok(&["delete", "pod", &victim]);
    let pods = c.until("a replacement pod", |c| {
        let pods = c.items(&["pods"]);
        let running = pods.iter().filter(|p| p["status"]["phase"] == "Running").count();
        (pods.len() == 4 && running == 4 && !pods.iter().any(|p| name(p) == victim)).then_some(pods)
    });
    let rs_name = owner(&pods[0]).1;
    let created: Vec<_> = c
        .events()
        .into_iter()
        .filter(|(r, o, _)| r == "SuccessfulCreate" && *o == rs_name)
        .collect();
    assert_eq!(created.len(), 5, "{created:?}");

    // kctl scale through the scale subresource; kube-style deletion events on the way down.
    let s = c.kctl(&["scale", "deployment/web", "--replicas=2"]);
    assert_eq!((s.code, s.stdout.as_str()), (0, "deployment.apps/web scaled\n"), "{s}");
    c.until("two pods", |c| (c.items(&["pods"]).len() == 2).then_some(()));
    let deleted = c.events().into_iter().filter(|(r, _, _)| r == "SuccessfulDelete").count();
    assert_eq!(deleted, 2);
    let d = c.until("status to follow", |c| {
        let d = c.json(&["deploy", "web"]);
        (d["status"]["availableReplicas"] == 2 && d["status"]["replicas"] == 2).then_some(d)
    });
    assert_eq!(d["spec"]["replicas"], 2);

    // An orphan pod matching the selector is adopted (and, being surplus, removed).
    let rs: Value = c.json(&["rs", &rs_name]);
    let labels = rs["spec"]["selector"]["matchLabels"].clone();
    let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stray", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}});
    c.apply(&pod.to_string());
    c.until("the stray pod to be adopted and scaled away", |c| {
        let pods = c.items(&["pods"]);
        (pods.len() == 2 && pods.iter().all(|p| owner(p).1 == rs_name)).then_some(())
    });
}

#[test]
fn describe_and_logs() {
    let c = Cluster::start(1, &[]);
    c.apply(DEPLOY);
    assert_eq!(c.kctl(&["rollout", "status", "deploy/web", "--timeout=20s"]).code, 0);
    let d = c.kctl(&["describe", "deployment", "web"]);
    assert_eq!(d.code, 0, "{d}");
    for want in [
        "Name:                   web",
        "Replicas:               4 desired | 4 updated | 4 total | 4 available | 0 unavailable",
        "RollingUpdateStrategy:  0 max unavailable, 1 max surge",
        "NewReplicaSet:   web-",
        "ScalingReplicaSet",
    ] {
        assert!(d.stdout.contains(want), "missing {want:?} in\n{}", d.stdout);
    }
    let pod = name(&c.items(&["pods"])[0]).to_string();
    let p = c.kctl(&["describe", "pod", &pod]);
    assert!(p.stdout.contains("Node:               node-1/172.18.0.3"), "{}", p.stdout);
    assert!(p.stdout.contains("Successfully assigned default/"), "{}", p.stdout);
    let l = c.kctl(&["logs", &pod]);
    assert_eq!(l.code, 0, "{l}");
    assert!(l.stderr.contains("simulated node"), "{l}");
}

#[test]
fn stuck_rollout_holds_surge_and_unavailability_and_pause_resume() {
    let c = Cluster::start(2, &[]);
    c.apply(&DEPLOY.replace("maxUnavailable: 0", "maxUnavailable: 1"));
    assert_eq!(c.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]).code, 0);
    // The new pods never turn Ready: the rollout stops at 4 + 1 surge pods, 4 - 1 available.
    c.ok(&[
        "patch",
        "deploy",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"template":{"metadata":{"annotations":{"kctl.dev/ready":"false"}}}}}"#,
    ]);
    let d = c.until("the rollout to get stuck", |c| {
        let d = c.json(&["deploy", "web"]);
        (d["status"]["updatedReplicas"] == 2 && d["status"]["replicas"] == 5).then_some(d)
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let d2 = c.json(&["deploy", "web"]);
    assert_eq!(d["status"], d2["status"], "the stuck rollout must be a steady state");
    assert_eq!(d2["status"]["availableReplicas"], 3);
    assert_eq!(d2["status"]["unavailableReplicas"], 2);
    let sizes: Vec<i64> = rs_by_revision(&c).iter().map(|r| r.2).collect();
    assert_eq!(sizes, [3, 2]);
    let r = c.kubectl(&["rollout", "status", "deployment/web", "--timeout=1s"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stdout.contains("Waiting for deployment \"web\" rollout to finish: 2 out of 4 new replicas have been updated..."), "{r}");

    // Paused: a template change makes no new ReplicaSet until resumed.
    let p = c.kctl(&["rollout", "pause", "deployment/web"]);
    assert_eq!((p.code, p.stdout.as_str()), (0, "deployment.apps/web paused\n"), "{p}");
    c.ok(&[
        "patch",
        "deploy",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"template":{"metadata":{"annotations":{"kctl.dev/ready":"true"}}}}}"#,
    ]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(rs_by_revision(&c).len(), 2);
    let cond = c.json(&["deploy", "web"])["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Progressing")
        .unwrap()
        .clone();
    assert_eq!(cond["reason"], "DeploymentPaused");
    let r = c.kctl(&["rollout", "resume", "deployment/web"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "deployment.apps/web resumed\n"), "{r}");
    assert_eq!(c.kctl(&["rollout", "status", "deployment/web", "--timeout=20s"]).code, 0);
    let revs = rs_by_revision(&c);
    assert_eq!(revs.len(), 3);
    assert_eq!(revs.iter().map(|r| r.2).collect::<Vec<_>>(), [0, 0, 4]);

    // restart: a new revision with the restartedAt annotation.
    let r = c.kctl(&["rollout", "restart", "deployment/web"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "deployment.apps/web restarted\n"), "{r}");
    assert_eq!(c.kctl(&["rollout", "status", "deployment/web", "--timeout=20s"]).code, 0);
    let d = c.json(&["deploy", "web"]);
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );
    assert_eq!(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "4");
}

/// `(message)` of the Deployment's ScalingReplicaSet events, in order, with the ReplicaSet
/// names replaced by their revision (`rs1`, `rs2`).
fn scaling_events(c: &Cluster) -> Vec<String> {
    let revs = rs_by_revision(c);
    c.events()
        .into_iter()
        .filter(|(reason, obj, _)| reason == "ScalingReplicaSet" && obj == "web")
        .map(|(_, _, msg)| {
            revs.iter().fold(msg, |m, (rev, name, _)| m.replace(name, &format!("rs{rev}")))
        })
        .collect()
}

#[test]
fn deployment_scaled_mid_rollout_scales_proportionally() {
    let c = Cluster::start(3, &[]);
    c.apply(
        &DEPLOY
            .replace("replicas: 4", "replicas: 10")
            .replace("{maxSurge: 1, maxUnavailable: 0}", "{maxSurge: 3, maxUnavailable: 2}"),
    );
    assert_eq!(c.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]).code, 0);
    // The new pods never turn Ready: the rollout holds at 8 old + 5 new (10 + 3 surge, 8
    // available).
    c.ok(&[
        "patch",
        "deploy",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"template":{"metadata":{"annotations":{"kctl.dev/ready":"false"}}}}}"#,
    ]);
    let stuck = |old: i64, new: i64| {
        move |c: &Cluster| {
            let sizes: Vec<i64> = rs_by_revision(c).iter().map(|r| r.2).collect();
            let d = c.json(&["deploy", "web"]);
            (sizes == [old, new] && d["status"]["replicas"] == old + new).then_some(())
        }
    };
    c.until("the rollout to hold at 8 + 5", stuck(8, 5));

    // Scaled to 20 mid-rollout: the 10 replicas up to 20 + 3 are shared in proportion to
    // the ReplicaSets' sizes (8 → 14, 5 → 9), and the rollout holds there.
    c.ok(&["scale", "deploy", "web", "--replicas=20"]);
    c.until("8 → 14 and 5 → 9", stuck(14, 9));
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(rs_by_revision(&c).iter().map(|r| r.2).collect::<Vec<_>>(), [14, 9]);
    for rs in c.items(&["rs"]) {
        let a = &rs["metadata"]["annotations"];
        assert_eq!(a["deployment.kubernetes.io/desired-replicas"], "20");
        assert_eq!(a["deployment.kubernetes.io/max-replicas"], "23");
    }

    // Scaled down to 5: 23 → 8 in proportion (14 → 5, 9 → 3), then the rollout goes on
    // within its bounds (old 5 → 3, new 3 → 5).
    c.ok(&["scale", "deploy", "web", "--replicas=5"]);
    c.until("old 3, new 5", stuck(3, 5));
    assert_eq!(
        scaling_events(&c),
        [
            "Scaled up replica set rs1 from 0 to 10",
            "Scaled up replica set rs2 from 0 to 3",
            "Scaled down replica set rs1 from 10 to 8",
            "Scaled up replica set rs2 from 3 to 5",
            "Scaled up replica set rs1 from 8 to 14",
            "Scaled up replica set rs2 from 5 to 9",
            "Scaled down replica set rs1 from 14 to 5",
            "Scaled down replica set rs2 from 9 to 3",
            "Scaled down replica set rs1 from 5 to 3",
            "Scaled up replica set rs2 from 3 to 5",
        ]
    );
}
