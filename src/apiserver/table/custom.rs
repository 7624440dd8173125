//! Tables of custom resources: NAME, then the CRD version's `additionalPrinterColumns`
//! (JSONPath cells typed integer, number, string, boolean or date, with their priority so
//! `-o wide` shows the rest), or AGE when the CRD declares none — as kube-apiserver's
//! custom resource table convertor does.

use crate::apiserver::registry::Resource;
use crate::print::jsonpath::{JsonPath, text_of};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/// One printer column: its definition and compiled path.
struct Column {
    def: Value,
    ty: String,
    path: Option<JsonPath>,
}

fn columns(res: &Resource) -> Vec<Column> {
    let declared = res.custom.as_deref().map(|c| c.columns.clone()).unwrap_or_default();
    let declared = if declared.is_empty() {
        vec![json!({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
            "description": AGE_DESC})]
    } else {
        declared
    };
    declared
        .iter()
        .map(|c| {
            let path_src = c["jsonPath"].as_str().unwrap_or_default();
            let desc = match c["description"].as_str() {
                Some(d) if !d.is_empty() => d.to_string(),
                _ => format!("Custom resource definition column (in JSONPath format): {path_src}"),
            };
            let ty = c["type"].as_str().unwrap_or("string").to_string();
            Column {
                def: json!({"name": c["name"], "type": ty, "format": c["format"].as_str().unwrap_or_default(),
                    "description": desc, "priority": c["priority"].as_i64().unwrap_or(0)}),
                ty,
                path: JsonPath::parse_relaxed(path_src).ok(),
            }
        })
        .collect()
}

/// The cell of one column for one object (`null` when the path finds nothing).
fn cell(col: &Column, obj: &Value, now: DateTime<Utc>) -> Value {
    let Some(found) = col
        .path
        .as_ref()
        .and_then(|p| p.find_results(obj).ok())
        .and_then(|r| r.into_iter().next())
        .and_then(|g| g.into_iter().next())
    else {
        return Value::Null;
    };
    match col.ty.as_str() {
        "string" => json!(text_of(&found)),
        "integer" => match found.as_f64() {
            Some(f) if found.is_i64() || found.is_u64() || f.fract() == 0.0 => {
                found.as_i64().map_or_else(|| json!(f as i64), |i| json!(i))
            }
            _ => Value::Null,
        },
        "number" if found.is_number() => found,
        "boolean" if found.is_boolean() => found,
        "date" => found
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| json!(crate::apiserver::clock::human_duration(now - t.with_timezone(&Utc))))
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// Builds the Table of custom objects `objs`.
pub fn table(
    res: &Resource,
    objs: &[Value],
    list_meta: Option<Value>,
    include: &str,
    now: DateTime<Utc>,
) -> Value {
    let cols = columns(res);
    let mut defs = vec![json!({"name": "Name", "type": "string", "format": "name",
        "description": NAME_DESC, "priority": 0})];
    defs.extend(cols.iter().map(|c| c.def.clone()));
    let rows: Vec<Value> = objs
        .iter()
        .map(|o| {
            let mut cells = vec![o["metadata"]["name"].clone()];
            cells.extend(cols.iter().map(|c| cell(c, o, now)));
            super::row(cells, None, o, include)
        })
        .collect();
    super::assemble(list_meta, defs, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widgets(columns: Value) -> Resource {
        let crd = json!({"metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com",
            "names": {"plural": "widgets", "kind": "Widget"}, "scope": "Namespaced",
            "versions": [{"name": "v1", "served": true, "storage": true, "additionalPrinterColumns": columns}]}});
        Resource::from_crd(&crd).remove(0)
    }

    #[test]
    fn printer_columns_typed_cells() {
        let res = widgets(json!([
            {"name": "Size", "type": "string", "jsonPath": ".spec.size"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Ready", "type": "boolean", "jsonPath": ".status.ready", "priority": 1},
            {"name": "Ratio", "type": "number", "jsonPath": ".spec.ratio", "priority": 1},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        ]));
        let now = DateTime::parse_from_rfc3339("2024-01-01T01:00:00Z").unwrap().with_timezone(&Utc);
        let obj = json!({"metadata": {"name": "w", "creationTimestamp": "2024-01-01T00:55:00Z"},
            "spec": {"size": "small", "replicas": 3, "ratio": 0.5}});
        let t = table(&res, &[obj], None, "None", now);
        assert_eq!(t["rows"][0]["cells"], json!(["w", "small", 3, null, 0.5, "5m"]));
        let defs = t["columnDefinitions"].as_array().unwrap();
        assert_eq!(
            defs[1]["description"],
            "Custom resource definition column (in JSONPath format): .spec.size"
        );
        assert_eq!(defs[3]["priority"], 1);
        assert_eq!(defs.len(), 6);
    }

    #[test]
    fn age_when_no_columns_declared() {
        let res = widgets(Value::Null);
        let t = table(&res, &[], None, "None", Utc::now());
        let names: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, ["Name", "Age"]);
    }
}
