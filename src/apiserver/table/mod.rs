//! Server-side `Table`s (meta.k8s.io/v1) for kubectl's human `get` output: kube-apiserver's
//! columns (names, types, formats, descriptions, `priority: 1` for `-o wide`) and cell values
//! for every built-in kind, one file per API group ([`core`], [`apps`], [`batch`],
//! [`networking`], [`rbac`], [`storage`], [`other`] for the small groups). Like
//! kube-apiserver, the server always fills the wide cells; kubectl hides them.
//!
//! Built-in kinds kube-apiserver has no printer for (Role, ClusterRole, LimitRange,
//! CustomResourceDefinition) get its default NAME / CREATED AT table; custom resources get
//! NAME / AGE. Column descriptions are the API's field documentation, generated from the
//! OpenAPI documents into `descriptions.json` (see `scripts/gen-builtin-fields.py`).

pub mod apps;
pub mod batch;
pub mod core;
pub mod custom;
pub mod networking;
pub mod other;
pub mod rbac;
pub mod storage;

use super::ApiServer;
use super::registry::Resource;
use super::request::Query;
use super::routes::json_response_typed;
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The Table content type.
pub const CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// Where a column's description comes from.
#[derive(Debug, Clone, Copy)]
pub enum Doc {
    /// Literal text.
    Text(&'static str),
    /// The documentation of an API field: (OpenAPI type name, field).
    Field(&'static str, &'static str),
}

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// One column definition.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    /// Column name (kubectl upper-cases it).
    pub name: &'static str,
    /// `string`, `integer`, `boolean`, `date`.
    pub ty: &'static str,
    /// `name` for the NAME column.
    pub format: &'static str,
    /// Description.
    pub doc: Doc,
    /// 1 for `-o wide` columns.
    pub priority: u8,
}

impl Col {
    /// A string column.
    pub const fn new(name: &'static str, doc: Doc) -> Col {
        Col { name, ty: "string", format: "", doc, priority: 0 }
    }
    /// A string column documented by an API field.
    pub const fn field(name: &'static str, ty: &'static str, field: &'static str) -> Col {
        Col::new(name, Doc::Field(ty, field))
    }
    /// A string column with literal documentation.
    pub const fn text(name: &'static str, text: &'static str) -> Col {
        Col::new(name, Doc::Text(text))
    }
    /// The same column typed `integer`.
    pub const fn int(mut self) -> Col {
        self.ty = "integer";
        self
    }
    /// The same column typed `boolean`.
    pub const fn boolean(mut self) -> Col {
        self.ty = "boolean";
        self
    }
    /// The same column shown only with `-o wide`.
    pub const fn wide(mut self) -> Col {
        self.priority = 1;
        self
    }
    /// The same column with `format: name`.
    pub const fn name_format(mut self) -> Col {
        self.format = "name";
        self
    }
}

/// NAME.
pub const NAME: Col = Col::field("Name", META, "name").name_format();
/// AGE.
pub const AGE: Col = Col::field("Age", META, "creationTimestamp");
/// CONTAINERS (wide), as printed for workloads.
pub const CONTAINERS: Col =
    Col::text("Containers", "Names of each container in the template.").wide();
/// IMAGES (wide).
pub const IMAGES: Col =
    Col::text("Images", "Images referenced by each container in the template.").wide();

/// What a row function sees besides the object.
pub struct Ctx {
    /// The server's current time.
    pub now: DateTime<Utc>,
}

impl Ctx {
    /// Go's `HumanDuration` since an RFC 3339 timestamp; `<unknown>` when absent.
    pub fn since(&self, ts: &Value) -> String {
        match parse_time(ts) {
            Some(t) => super::clock::human_duration(self.now - t),
            None => "<unknown>".into(),
        }
    }

    /// The AGE cell of an object.
    pub fn age(&self, obj: &Value) -> Value {
        json!(self.since(&obj["metadata"]["creationTimestamp"]))
    }
}

/// Parses an RFC 3339 timestamp value.
pub fn parse_time(ts: &Value) -> Option<DateTime<Utc>> {
    ts.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc))
}

/// A kind's printer: its columns and the cells of one object (one per column, in order).
pub struct Printer {
    /// Column definitions.
    pub columns: &'static [Col],
    /// Cells of one object.
    pub row: fn(&Value, &Ctx) -> Vec<Value>,
}

/// A printed row: cells plus optional row conditions (pods that completed).
pub fn conditions(obj: &Value, res: &Resource) -> Option<Value> {
    if res.group.is_empty() && res.kind == "Pod" {
        return core::pod_conditions(obj);
    }
    None
}

/// kube-apiserver's default table for kinds without a printer.
const DEFAULT_COLUMNS: &[Col] =
    &[NAME, Col { name: "Created At", ty: "date", ..Col::field("", META, "creationTimestamp") }];

fn default_row(o: &Value, _: &Ctx) -> Vec<Value> {
    let created = parse_time(&o["metadata"]["creationTimestamp"])
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "0001-01-01T00:00:00Z".into());
    vec![o["metadata"]["name"].clone(), json!(created)]
}

/// The NAME / AGE table of custom resources.
const CUSTOM_COLUMNS: &[Col] = &[NAME, AGE];

fn custom_row(o: &Value, ctx: &Ctx) -> Vec<Value> {
    vec![o["metadata"]["name"].clone(), ctx.age(o)]
}

/// The printer of a resource.
pub fn printer(res: &Resource) -> Printer {
    if !res.builtin {
        return Printer { columns: CUSTOM_COLUMNS, row: custom_row };
    }
    let found = match res.group.as_str() {
        "" => core::printer(&res.kind),
        "apps" => apps::printer(&res.kind),
        "batch" => batch::printer(&res.kind),
        "networking.k8s.io" => networking::printer(&res.kind),
        "rbac.authorization.k8s.io" => rbac::printer(&res.kind),
        "storage.k8s.io" => storage::printer(&res.kind),
        "events.k8s.io" => core::events_printer(&res.kind),
        group => other::printer(group, &res.kind),
    };
    found.unwrap_or(Printer { columns: DEFAULT_COLUMNS, row: default_row })
}

/// The generated field documentation.
fn descriptions() -> &'static HashMap<String, String> {
    static DOCS: OnceLock<HashMap<String, String>> = OnceLock::new();
    DOCS.get_or_init(|| serde_json::from_str(include_str!("descriptions.json")).unwrap_or_default())
}

/// A column's description text.
pub fn describe(doc: Doc) -> &'static str {
    match doc {
        Doc::Text(t) => t,
        Doc::Field(ty, field) => {
            descriptions().get(&format!("{ty}#{field}")).map(String::as_str).unwrap_or_default()
        }
    }
}

fn column_json(c: &Col) -> Value {
    json!({"name": c.name, "type": c.ty, "format": c.format, "description": describe(c.doc),
        "priority": c.priority})
}

/// Builds a Table of `objs`.
pub fn table(
    res: &Resource,
    objs: &[Value],
    list_meta: Option<Value>,
    include: &str,
    now: DateTime<Utc>,
) -> Value {
    if !res.builtin {
        return custom::table(res, objs, list_meta, include, now);
    }
    let p = printer(res);
    let ctx = Ctx { now };
    // Cells are computed from the stored version (kube prints the internal object, so every
    // served version gets the same columns); the row carries the object as served.
    let converted = super::conversion::storage(res).is_some();
    let cells = |o: &Value| match converted {
        true => (p.row)(&super::conversion::to_storage(res, o.clone()), &ctx),
        false => (p.row)(o, &ctx),
    };
    let rows = objs.iter().map(|o| row(cells(o), conditions(o, res), o, include));
    assemble(list_meta, p.columns.iter().map(column_json).collect(), rows.collect())
}

/// One Table row: its cells, its conditions, and the object as `includeObject` asks
/// (`None`, `Object`, or by default its metadata as a `PartialObjectMetadata`).
pub(crate) fn row(cells: Vec<Value>, conditions: Option<Value>, o: &Value, include: &str) -> Value {
    let mut row = Map::new();
    row.insert("cells".into(), Value::Array(cells));
    if let Some(c) = conditions {
        row.insert("conditions".into(), c);
    }
    match include {
        "None" => {}
        "Object" => {
            row.insert("object".into(), o.clone());
        }
        _ => {
            row.insert(
                "object".into(),
                json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": o["metadata"]}),
            );
        }
    }
    Value::Object(row)
}

/// The Table object from its column definitions and rows.
pub(crate) fn assemble(list_meta: Option<Value>, defs: Vec<Value>, rows: Vec<Value>) -> Value {
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta.unwrap_or_else(|| json!({})), "columnDefinitions": defs, "rows": rows})
}

/// A Table response.
pub fn response(
    server: &ApiServer,
    res: &Resource,
    objs: &[Value],
    list_meta: Option<Value>,
    q: &Query,
) -> Response {
    let t = table(res, objs, list_meta, &q.include_object, server.clock().now());
    json_response_typed(
        StatusCode::OK,
        Bytes::from(serde_json::to_vec(&t).unwrap_or_default()),
        CONTENT_TYPE,
    )
}

// ---- shared cell helpers ----

/// A string field, `""` when absent.
pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// An integer field, 0 when absent.
pub fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// The length of an array or object field.
pub fn len(v: &Value) -> i64 {
    match v {
        Value::Array(a) => a.len() as i64,
        Value::Object(m) => m.len() as i64,
        _ => 0,
    }
}

/// A string, or `alt` when empty.
pub fn or(v: &str, alt: &str) -> String {
    if v.is_empty() { alt.to_string() } else { v.to_string() }
}

/// Go's `%v` of a scalar (quantities and int-or-strings given as numbers or strings).
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty.
pub fn format_labels(m: &Value) -> String {
    let Some(m) = m.as_object().filter(|m| !m.is_empty()) else { return "<none>".into() };
    m.iter().map(|(k, v)| format!("{k}={}", scalar(v))).collect::<Vec<_>>().join(",")
}

/// A label selector as `labels.Selector.String()`: requirements sorted by key.
pub fn selector_string(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    if let Some(m) = sel["matchLabels"].as_object() {
        for (k, v) in m {
            reqs.push((k.clone(), format!("{k}={}", scalar(v))));
        }
    }
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = s(&e["key"]).to_string();
        let mut values: Vec<String> =
            e["values"].as_array().into_iter().flatten().map(scalar).collect();
        values.sort();
        let text = match s(&e["operator"]) {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return "<error>".into(),
        };
        reqs.push((key, text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    reqs.into_iter().map(|r| r.1).collect::<Vec<_>>().join(",")
}

/// `metav1.FormatLabelSelector`: the selector string, `<none>` when empty.
pub fn format_selector(sel: &Value) -> String {
    or(&selector_string(sel), "<none>")
}

/// The CONTAINERS and IMAGES cells of a pod spec.
pub fn containers(spec: &Value) -> [Value; 2] {
    let list = spec["containers"].as_array().map(Vec::as_slice).unwrap_or_default();
    let names: Vec<&str> = list.iter().map(|c| s(&c["name"])).collect();
    let images: Vec<&str> = list.iter().map(|c| s(&c["image"])).collect();
    [json!(names.join(",")), json!(images.join(","))]
}

/// The NAME cell.
pub fn name(o: &Value) -> Value {
    json!(s(&o["metadata"]["name"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::registry;

    #[test]
    fn every_builtin_kind_has_columns_with_descriptions_and_matching_cells() {
        let now = Utc::now();
        let ctx = Ctx { now };
        for r in registry::builtin() {
            let p = printer(r);
            for c in p.columns {
                assert!(
                    !describe(c.doc).is_empty(),
                    "{} column {} has no description",
                    r.kind,
                    c.name
                );
            }
            let cells = (p.row)(&json!({"metadata": {"name": "x"}}), &ctx);
            assert_eq!(cells.len(), p.columns.len(), "{}", r.kind);
        }
    }

    #[test]
    fn pod_table_json() {
        let pods = registry::find_builtin("", "v1", "pods").unwrap();
        let pod = json!({"metadata": {"name": "p", "namespace": "d"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Succeeded"}});
        let t = table(&pods, &[pod], None, "", Utc::now());
        let cols: Vec<(String, i64)> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["name"].as_str().unwrap().to_string(), c["priority"].as_i64().unwrap()))
            .collect();
        let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "Name",
                "Ready",
                "Status",
                "Restarts",
                "Age",
                "IP",
                "Node",
                "Nominated Node",
                "Readiness Gates"
            ]
        );
        assert_eq!(cols.iter().filter(|c| c.1 == 1).count(), 4);
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
        let row = &t["rows"][0];
        assert_eq!(row["conditions"][0]["reason"], "Succeeded");
        assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
        let roles = registry::find_builtin("rbac.authorization.k8s.io", "v1", "roles").unwrap();
        let t = table(
            &roles,
            &[json!({"metadata": {"name": "r", "creationTimestamp": "2026-01-02T03:04:05Z"}})],
            None,
            "None",
            Utc::now(),
        );
        assert_eq!(t["columnDefinitions"][1]["type"], "date");
        assert_eq!(t["rows"][0]["cells"], json!(["r", "2026-01-02T03:04:05Z"]));
        assert!(t["rows"][0].get("object").is_none());
    }

    #[test]
    fn selectors_print_like_kube() {
        let sel = json!({"matchLabels": {"b": "2", "a": "1"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "x", "operator": "DoesNotExist"}]});
        assert_eq!(selector_string(&sel), "a=1,b=2,env in (dev,prod),!x");
        assert_eq!(format_selector(&json!({})), "<none>");
        assert_eq!(format_labels(&json!({"k": "v", "a": "b"})), "a=b,k=v");
    }
}
