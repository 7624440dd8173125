//! Real kubectl's typed clients against `kctl serve`: the imperative generators
//! (`kubectl create configmap|secret|deployment|service|…`, `kubectl autoscale`) send their
//! objects as `application/vnd.kubernetes.protobuf`. Each must print what it prints against a
//! real cluster, and the stored object must carry every field of the object kubectl built
//! (what `--dry-run=client -o json` prints). `kubectl create token` and `kubectl auth` send
//! protobuf review and token requests to an auth-enabled server.

use crate::common::{Run, TestEnv, transcript};
use serde_json::Value;

/// `kubectl create <args>` and the object it creates, as `kubectl get` names it.
const GENERATORS: &[(&[&str], &str)] = &[
    (
        &["configmap", "app-config", "--from-literal=mode=production", "--from-literal=level=3"],
        "configmap/app-config",
    ),
    (&["secret", "generic", "creds", "--from-literal=user=admin", "--type=Opaque"], "secret/creds"),
    (
        &[
            "secret",
            "docker-registry",
            "regcred",
            "--docker-server=registry.example.com",
            "--docker-username=builder",
            "--docker-password=s3cret",
            "--docker-email=builder@example.com",
        ],
        "secret/regcred",
    ),
    (&["secret", "tls", "web-tls", "--cert=tls.crt", "--key=tls.key"], "secret/web-tls"),
    (
        &["deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80"],
        "deployment.apps/web",
    ),
    (&["service", "clusterip", "web", "--tcp=80:8080"], "service/web"),
    (&["service", "nodeport", "web-np", "--tcp=80:8080", "--node-port=30080"], "service/web-np"),
    (&["service", "loadbalancer", "web-lb", "--tcp=443:8443"], "service/web-lb"),
    (
        &["service", "externalname", "db", "--external-name=db.example.com", "--tcp=5432"],
        "service/db",
    ),
    (&["namespace", "team-a"], "namespace/team-a"),
    (&["serviceaccount", "builder"], "serviceaccount/builder"),
    (
        &[
            "role",
            "reader",
            "--verb=get,list,watch",
            "--resource=pods,configmaps",
            "--resource-name=x",
        ],
        "role.rbac.authorization.k8s.io/reader",
    ),
    (
        &[
            "rolebinding",
            "reader-binding",
            "--role=reader",
            "--user=alice",
            "--group=devs",
            "--serviceaccount=default:builder",
        ],
        "rolebinding.rbac.authorization.k8s.io/reader-binding",
    ),
    (
        &["clusterrole", "viewer", "--verb=get,list", "--resource=nodes,deployments.apps"],
        "clusterrole.rbac.authorization.k8s.io/viewer",
    ),
    (
        &["clusterrole", "logs", "--verb=get", "--non-resource-url=/logs/*"],
        "clusterrole.rbac.authorization.k8s.io/logs",
    ),
    (
        &["clusterrolebinding", "viewer-binding", "--clusterrole=viewer", "--group=devs"],
        "clusterrolebinding.rbac.authorization.k8s.io/viewer-binding",
    ),
    (&["job", "once", "--image=busybox:1.36", "--", "echo", "hi"], "job.batch/once"),
    (
        &[
            "cronjob",
            "nightly",
            "--image=busybox:1.36",
            "--schedule=0 2 * * *",
            "--restart=OnFailure",
            "--",
            "date",
        ],
        "cronjob.batch/nightly",
    ),
    (
        &["quota", "compute", "--hard=cpu=2,memory=1Gi,pods=10", "--scopes=NotTerminating"],
        "resourcequota/compute",
    ),
    (
        &[
            "priorityclass",
            "high",
            "--value=1000",
            "--description=important workloads",
            "--preemption-policy=Never",
        ],
        "priorityclass.scheduling.k8s.io/high",
    ),
    (
        &["poddisruptionbudget", "web-pdb", "--selector=app=web", "--min-available=50%"],
        "poddisruptionbudget.policy/web-pdb",
    ),
    (
        &[
            "ingress",
            "web",
            "--class=nginx",
            "--rule=web.example.com/*=web:80,tls=web-tls",
            "--annotation=team=frontend",
        ],
        "ingress.networking.k8s.io/web",
    ),
];

/// Where `want` (the object kubectl built) is not carried by `got` (the stored object): every
/// field of `want` must be in `got` with the same value; a server may add fields (defaults,
/// bookkeeping), and nulls in `want` (Go's nil) ask for nothing.
fn not_carried(want: &Value, got: &Value, path: &str, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Null, _) => {}
        (Value::Object(w), Value::Object(g)) => {
            for (k, v) in w {
                match g.get(k) {
                    Some(gv) => not_carried(v, gv, &format!("{path}.{k}"), out),
                    None if v.is_null() || v.as_object().is_some_and(|o| o.is_empty()) => {}
                    None => out.push(format!("{path}.{k}: missing (want {v})")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                not_carried(wv, gv, &format!("{path}[{i}]"), out);
            }
        }
        _ if want == got => {}
        _ => out.push(format!("{path}: want {want}, got {got}")),
    }
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{}: {e}\n{r}", r.cmdline))
}

fn write_tls_pair(env: &TestEnv) {
    let pair = rcgen::generate_simple_self_signed(vec!["web.example.com".into()]).expect("cert");
    env.write("tls.crt", &pair.cert.pem());
    env.write("tls.key", &pair.signing_key.serialize_pem());
}

#[test]
fn imperative_generators_store_the_object_kubectl_built() {
    let env = TestEnv::serve();
    write_tls_pair(&env);
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for (args, name) in GENERATORS {
        // The dry-run flags go before a command given after `--`.
        let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        let mut dry: Vec<&str> = vec!["create"];
        dry.extend_from_slice(&args[..split]);
        dry.extend(["--dry-run=client", "-o", "json"]);
        dry.extend_from_slice(&args[split..]);
        let mut real: Vec<&str> = vec!["create"];
        real.extend_from_slice(args);
        let built = env.kubectl(&dry);
        assert_eq!(built.code, 0, "{built}");
        let created = env.kubectl(&real);
        let stored = env.kubectl(&["get", name, "-o", "json"]);
        assert_eq!(stored.code, 0, "{stored}");
        let mut missing = Vec::new();
        not_carried(&json_of(&built), &json_of(&stored), name, &mut missing);
        problems.extend(missing);
        runs.push(created);
    }
    assert!(runs.iter().all(|r| r.code == 0), "{}", transcript(&runs));
    assert!(problems.is_empty(), "stored objects differ from kubectl's:\n{}", problems.join("\n"));
    insta::assert_snapshot!(transcript(&runs));
}
