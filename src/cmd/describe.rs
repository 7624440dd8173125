//! `kctl describe`: a human description of workload objects, pods and nodes, with their
//! events, laid out as kubectl's describers do.

use super::rollout::{Target, targets};
use crate::cli::connect::client_error;
use crate::cli::{CliError, Ctx, exit::Exit};
use crate::client::Client;
use clap::Args;
use serde_json::Value;

/// Show details of a specific resource or group of resources.
///
/// Print a detailed description of the selected resources, including related resources such
/// as events or controllers.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Describe a node
  kctl describe nodes node-1

  # Describe a deployment
  kctl describe deployment/web")]
pub struct DescribeArgs {
    /// TYPE NAME | TYPE/NAME
    #[arg(value_name = "TYPE NAME")]
    pub args: Vec<String>,
    /// If true, display events related to the described object.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub show_events: bool,
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or_default()
}

fn map_lines(v: &Value, indent: usize) -> String {
    match v.as_object().filter(|m| !m.is_empty()) {
        None => "<none>".into(),
        Some(m) => {
            let mut keys: Vec<_> = m.iter().collect();
            keys.sort_by(|a, b| a.0.cmp(b.0));
            keys.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(&format!("\n{}", " ".repeat(indent)))
        }
    }
}

fn annotations(v: &Value, indent: usize) -> String {
    match v.as_object().filter(|m| !m.is_empty()) {
        None => "<none>".into(),
        Some(m) => m
            .iter()
            .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
            .map(|(k, v)| {
                format!("{k}: {}", v.as_str().unwrap_or_default().trim_end().replace('\n', "\\n"))
            })
            .collect::<Vec<_>>()
            .join(&format!("\n{}", " ".repeat(indent))),
    }
}

fn selector(sel: &Value) -> String {
    let mut parts: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect())
        .unwrap_or_default();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let vals: Vec<&str> = e["values"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        parts.push(format!(
            "{} {} ({})",
            s(e, &["key"]),
            s(e, &["operator"]).to_lowercase(),
            vals.join(",")
        ));
    }
    parts.join(",")
}

fn time(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| t.format("%a, %d %b %Y %H:%M:%S %z").to_string())
        .unwrap_or_else(|_| t.to_string())
}

fn age(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| {
            crate::apiserver::clock::human_duration(
                chrono::Utc::now() - t.with_timezone(&chrono::Utc),
            )
        })
        .unwrap_or_else(|_| "<unknown>".into())
}

/// Left-aligned `Key:  value` lines with the values in one column.
fn fields(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0) + 2;
    rows.iter().map(|(k, v)| format!("{:<width$}{v}\n", format!("{k}:"))).collect()
}

fn table(rows: &[Vec<String>], indent: &str) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| rows.iter().map(|r| r.get(i).map_or(0, String::len)).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::from(indent);
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(&format!("{:<w$}  ", c, w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn pod_template(t: &Value) -> String {
    let mut out = format!("  Labels:  {}\n", map_lines(&t["metadata"]["labels"], 11));
    if t["metadata"]["annotations"].as_object().is_some_and(|a| !a.is_empty()) {
        out.push_str(&format!(
            "  Annotations:  {}\n",
            annotations(&t["metadata"]["annotations"], 16)
        ));
    }
    out.push_str("  Containers:\n");
    for c in t["spec"]["containers"].as_array().into_iter().flatten() {
        out.push_str(&containers(c, None));
    }
    out.push_str("  Volumes:         <none>\n");
    out
}

fn containers(c: &Value, st: Option<&Value>) -> String {
    let mut out = format!("   {}:\n", s(c, &["name"]));
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(st) = st {
        rows.push(("Container ID", s(st, &["containerID"]).to_string()));
    }
    rows.push(("Image", s(c, &["image"]).to_string()));
    if let Some(st) = st {
        rows.push(("Image ID", s(st, &["imageID"]).to_string()));
    }
    let ports: Vec<String> = c["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| format!("{}/{}", p["containerPort"], p["protocol"].as_str().unwrap_or("TCP")))
        .collect();
    rows.push(("Port", if ports.is_empty() { "<none>".into() } else { ports.join(", ") }));
    rows.push(("Host Port", if ports.is_empty() { "<none>".into() } else { "0/TCP".into() }));
    if let Some(st) = st {
        if let Some(r) = st["state"]["running"].as_object() {
            rows.push(("State", "Running".into()));
            rows.push((
                "  Started",
                time(r.get("startedAt").and_then(Value::as_str).unwrap_or_default()),
            ));
        } else if let Some(t) = st["state"]["terminated"].as_object() {
            rows.push(("State", "Terminated".into()));
            rows.push((
                "  Reason",
                t.get("reason").and_then(Value::as_str).unwrap_or_default().into(),
            ));
            rows.push((
                "  Exit Code",
                t.get("exitCode").map(|c| c.to_string()).unwrap_or_default(),
            ));
        } else {
            rows.push(("State", "Waiting".into()));
        }
        rows.push(("Ready", if st["ready"] == true { "True".into() } else { "False".into() }));
        rows.push(("Restart Count", st["restartCount"].as_i64().unwrap_or(0).to_string()));
    }
    rows.push(("Environment", "<none>".into()));
    rows.push(("Mounts", "<none>".into()));
    for l in fields(&rows).lines() {
        out.push_str(&format!("    {l}\n"));
    }
    out
}

fn conditions(obj: &Value, with_reason: bool) -> String {
    let mut rows = vec![if with_reason {
        vec!["Type".to_string(), "Status".into(), "Reason".into()]
    } else {
        vec!["Type".to_string(), "Status".into()]
    }];
    rows.push(rows[0].iter().map(|h| "-".repeat(h.len())).collect());
    for c in obj["status"]["conditions"].as_array().into_iter().flatten() {
        let mut r = vec![s(c, &["type"]).to_string(), s(c, &["status"]).to_string()];
        if with_reason {
            r.push(s(c, &["reason"]).to_string());
        }
        rows.push(r);
    }
    format!("Conditions:\n{}", table(&rows, "  "))
}

async fn events(client: &Client, t: &Target, obj: &Value) -> Result<String, CliError> {
    let uid = s(obj, &["metadata", "uid"]);
    let ns = if t.namespace.is_empty() { "default" } else { &t.namespace };
    let list =
        client.get(&format!("/api/v1/namespaces/{ns}/events")).await.map_err(client_error)?;
    let mut evs: Vec<&Value> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["involvedObject"]["uid"] == uid)
        .collect();
    if evs.is_empty() {
        return Ok("Events:  <none>\n".into());
    }
    evs.sort_by_key(|e| {
        (s(e, &["lastTimestamp"]).to_string(), s(e, &["metadata", "name"]).to_string())
    });
    let mut rows = vec![
        vec!["Type".to_string(), "Reason".into(), "Age".into(), "From".into(), "Message".into()],
        vec!["----".to_string(), "------".into(), "----".into(), "----".into(), "-------".into()],
    ];
    for e in evs {
        rows.push(vec![
            s(e, &["type"]).into(),
            s(e, &["reason"]).into(),
            age(s(e, &["lastTimestamp"])),
            s(e, &["source", "component"]).into(),
            s(e, &["message"]).into(),
        ]);
    }
    Ok(format!("Events:\n{}", table(&rows, "  ")))
}

fn header(obj: &Value, namespaced: bool) -> Vec<(&'static str, String)> {
    let m = &obj["metadata"];
    let mut rows = vec![("Name", s(m, &["name"]).to_string())];
    if namespaced {
        rows.push(("Namespace", s(m, &["namespace"]).to_string()));
    }
    rows.push(("CreationTimestamp", time(s(m, &["creationTimestamp"]))));
    rows.push(("Labels", map_lines(&m["labels"], 24)));
    rows.push(("Annotations", annotations(&m["annotations"], 24)));
    rows
}

async fn describe_one(client: &Client, t: &Target, show_events: bool) -> Result<String, CliError> {
    let obj = client.get(&t.path()).await.map_err(client_error)?;
    let i = |f: &str| obj["status"][f].as_i64().unwrap_or(0);
    let replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
    let mut rows = header(&obj, t.res.namespaced);
    let mut body = String::new();
    match (t.res.group.as_str(), t.res.kind.as_str()) {
        ("apps", "Deployment") => {
            rows.push(("Selector", selector(&obj["spec"]["selector"])));
            rows.push((
                "Replicas",
                format!(
                    "{replicas} desired | {} updated | {} total | {} available | {} unavailable",
                    i("updatedReplicas"),
                    i("replicas"),
                    i("availableReplicas"),
                    i("unavailableReplicas")
                ),
            ));
            let strategy = obj["spec"]["strategy"]["type"].as_str().unwrap_or("RollingUpdate");
            rows.push(("StrategyType", strategy.into()));
            rows.push((
                "MinReadySeconds",
                obj["spec"]["minReadySeconds"].as_i64().unwrap_or(0).to_string(),
            ));
            if strategy == "RollingUpdate" {
                let ru = &obj["spec"]["strategy"]["rollingUpdate"];
                let f = |v: &Value| {
                    if v.is_null() {
                        "25%".to_string()
                    } else {
                        v.as_str().map(String::from).unwrap_or_else(|| v.to_string())
                    }
                };
                rows.push((
                    "RollingUpdateStrategy",
                    format!(
                        "{} max unavailable, {} max surge",
                        f(&ru["maxUnavailable"]),
                        f(&ru["maxSurge"])
                    ),
                ));
            }
            body.push_str(&format!("Pod Template:\n{}", pod_template(&obj["spec"]["template"])));
            body.push_str(&conditions(&obj, true));
            let uid = s(&obj, &["metadata", "uid"]);
            let rss = client
                .get(&format!("/apis/apps/v1/namespaces/{}/replicasets", t.namespace))
                .await
                .map_err(client_error)?;
            let rev = s(&obj, &["metadata", "annotations", "deployment.kubernetes.io/revision"]);
            let mut old = Vec::new();
            let mut new = "<none>".to_string();
            for rs in rss["items"].as_array().into_iter().flatten() {
                if !rs["metadata"]["ownerReferences"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r["uid"] == uid))
                {
                    continue;
                }
                let line = format!(
                    "{} ({}/{} replicas created)",
                    s(rs, &["metadata", "name"]),
                    rs["status"]["replicas"].as_i64().unwrap_or(0),
                    rs["spec"]["replicas"].as_i64().unwrap_or(0)
                );
                if s(rs, &["metadata", "annotations", "deployment.kubernetes.io/revision"]) == rev {
                    new = line;
                } else if rs["spec"]["replicas"].as_i64().unwrap_or(0) > 0 {
                    old.push(line);
                }
            }
            body.push_str(&fields(&[
                ("OldReplicaSets", if old.is_empty() { "<none>".into() } else { old.join(", ") }),
                ("NewReplicaSet", new),
            ]));
        }
        ("apps", "ReplicaSet" | "StatefulSet" | "DaemonSet") | ("batch", "Job") => {
            rows.push(("Selector", selector(&obj["spec"]["selector"])));
            if let Some(c) = crate::apiserver::controllers::util::controller_ref(&obj) {
                rows.push(("Controlled By", format!("{}/{}", s(c, &["kind"]), s(c, &["name"]))));
            }
            match t.res.kind.as_str() {
                "ReplicaSet" | "StatefulSet" => rows
                    .push(("Replicas", format!("{} current / {replicas} desired", i("replicas")))),
                "DaemonSet" => {
                    rows.push((
                        "Desired Number of Nodes Scheduled",
                        i("desiredNumberScheduled").to_string(),
                    ));
                    rows.push((
                        "Current Number of Nodes Scheduled",
                        i("currentNumberScheduled").to_string(),
                    ));
                    rows.push((
                        "Number of Nodes Scheduled with Up-to-date Pods",
                        i("updatedNumberScheduled").to_string(),
                    ));
                    rows.push((
                        "Number of Nodes Scheduled with Available Pods",
                        i("numberAvailable").to_string(),
                    ));
                    rows.push((
                        "Number of Nodes Misscheduled",
                        i("numberMisscheduled").to_string(),
                    ));
                }
                _ => {
                    rows.push((
                        "Parallelism",
                        obj["spec"]["parallelism"].as_i64().unwrap_or(1).to_string(),
                    ));
                    rows.push((
                        "Completions",
                        obj["spec"]["completions"]
                            .as_i64()
                            .map_or("<unset>".into(), |c| c.to_string()),
                    ));
                    rows.push(("Start Time", time(s(&obj, &["status", "startTime"]))));
                }
            }
            let (running, ok, failed) =
                (i("readyReplicas").max(i("active")), i("succeeded"), i("failed"));
            rows.push((
                "Pods Status",
                format!(
                    "{running} Running / {} Waiting / {ok} Succeeded / {failed} Failed",
                    (i("replicas") - i("readyReplicas")).max(0)
                ),
            ));
            body.push_str(&format!("Pod Template:\n{}", pod_template(&obj["spec"]["template"])));
        }
        ("", "Pod") => {
            rows.push((
                "Service Account",
                obj["spec"]["serviceAccountName"].as_str().unwrap_or("default").into(),
            ));
            rows.push((
                "Node",
                format!("{}/{}", s(&obj, &["spec", "nodeName"]), s(&obj, &["status", "hostIP"])),
            ));
            rows.push(("Start Time", time(s(&obj, &["status", "startTime"]))));
            rows.push(("Status", s(&obj, &["status", "phase"]).into()));
            rows.push(("IP", s(&obj, &["status", "podIP"]).into()));
            if let Some(c) = crate::apiserver::controllers::util::controller_ref(&obj) {
                rows.push(("Controlled By", format!("{}/{}", s(c, &["kind"]), s(c, &["name"]))));
            }
            body.push_str("Containers:\n");
            for c in obj["spec"]["containers"].as_array().into_iter().flatten() {
                let st = obj["status"]["containerStatuses"]
                    .as_array()
                    .and_then(|a| a.iter().find(|x| x["name"] == c["name"]));
                body.push_str(&containers(c, st).replacen("   ", "  ", 1));
            }
            body.push_str(&conditions(&obj, false));
            body.push_str(&fields(&[
                ("QoS Class", s(&obj, &["status", "qosClass"]).into()),
                ("Node-Selectors", map_lines(&obj["spec"]["nodeSelector"], 18)),
            ]));
        }
        ("", "Node") => {
            let taints: Vec<String> = obj["spec"]["taints"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| format!("{}:{}", s(t, &["key"]), s(t, &["effect"])))
                .collect();
            rows.push((
                "Taints",
                if taints.is_empty() {
                    "<none>".into()
                } else {
                    taints.join("\n                    ")
                },
            ));
            rows.push(("Unschedulable", (obj["spec"]["unschedulable"] == true).to_string()));
            body.push_str(&conditions(&obj, true));
            let addrs: Vec<String> = obj["status"]["addresses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| format!("  {}:  {}", s(a, &["type"]), s(a, &["address"])))
                .collect();
            body.push_str(&format!("Addresses:\n{}\n", addrs.join("\n")));
            let cap: Vec<String> = obj["status"]["capacity"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("  {k}:  {}", v.as_str().unwrap_or_default()))
                .collect();
            body.push_str(&format!("Capacity:\n{}\n", cap.join("\n")));
            body.push_str(&fields(&[
                ("PodCIDR", s(&obj, &["spec", "podCIDR"]).into()),
                ("ProviderID", s(&obj, &["spec", "providerID"]).into()),
            ]));
        }
        _ => {
            let rest = crate::print::yaml::to_yaml(
                &serde_json::json!({"spec": obj["spec"], "status": obj["status"]}),
            );
            body.push_str(&rest);
        }
    }
    let mut out = fields(&rows);
    out.push_str(&body);
    if show_events {
        out.push_str(&events(client, t, &obj).await?);
    }
    Ok(out)
}

/// Runs `kctl describe`.
pub async fn run(args: DescribeArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let (client, targets) = targets(ctx, &args.args).await?;
    let mut outs = Vec::new();
    for t in &targets {
        outs.push(describe_one(&client, t, args.show_events).await?);
    }
    ctx.io.out(&outs.join("\n\n"));
    Ok(Exit::Success)
}
