//! `-o custom-columns=HEADER:PATH,…` and `--sort-by`: kubectl's column printer over objects
//! and its sorter, both driven by [`JsonPath`] in kubectl's relaxed form (`.a.b`).

use super::jsonpath::{JsonPath, JsonPathError, go_sprint};
use serde_json::Value;
use std::cmp::Ordering;

/// One column: its header and the template of its cells.
#[derive(Debug, Clone)]
pub struct Column {
    /// The header, printed as given.
    pub header: String,
    /// The cell template.
    pub path: JsonPath,
}

/// A custom-columns specification that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnsError {
    /// A column without `:`.
    #[error("unexpected custom-columns spec: {0}, expected <header>:<json-path-expr>")]
    Spec(String),
    /// The spec is empty.
    #[error("custom-columns format specified but no custom columns given")]
    Empty,
    /// A column's path does not parse.
    #[error("{0}")]
    Path(#[from] JsonPathError),
}

/// Parses `NAME:.metadata.name,DATA:.data`.
pub fn parse_spec(spec: &str) -> Result<Vec<Column>, ColumnsError> {
    if spec.is_empty() {
        return Err(ColumnsError::Empty);
    }
    spec.split(',')
        .map(|part| {
            let (header, path) =
                part.split_once(':').ok_or_else(|| ColumnsError::Spec(part.to_string()))?;
            Ok(Column { header: header.to_string(), path: JsonPath::parse_relaxed(path)? })
        })
        .collect()
}

/// Parses a `custom-columns-file`: a line of headers, then a line of paths, whitespace
/// separated.
pub fn parse_file(text: &str) -> Result<Vec<Column>, ColumnsError> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let (Some(headers), Some(paths)) = (lines.next(), lines.next()) else {
        return Err(ColumnsError::Spec(text.trim().to_string()));
    };
    let headers: Vec<&str> = headers.split_whitespace().collect();
    let paths: Vec<&str> = paths.split_whitespace().collect();
    if headers.len() != paths.len() {
        return Err(ColumnsError::Spec(format!(
            "expected {} columns, got {}",
            headers.len(),
            paths.len()
        )));
    }
    headers
        .iter()
        .zip(paths)
        .map(|(h, p)| Ok(Column { header: h.to_string(), path: JsonPath::parse_relaxed(p)? }))
        .collect()
}

/// The rows of a custom-columns table (header first unless `no_headers`), for
/// [`super::table::layout`].
pub fn rows(
    columns: &[Column],
    objects: &[Value],
    no_headers: bool,
) -> Result<Vec<Vec<String>>, JsonPathError> {
    let mut out = Vec::with_capacity(objects.len() + 1);
    if !no_headers {
        out.push(columns.iter().map(|c| c.header.clone()).collect());
    }
    for obj in objects {
        let mut row = Vec::with_capacity(columns.len());
        for c in columns {
            let groups = c.path.find_results(obj)?;
            let values: Vec<String> = groups.iter().flatten().map(go_sprint).collect();
            let empty = groups.first().is_none_or(Vec::is_empty);
            row.push(if empty { "<none>".to_string() } else { values.join(",") });
        }
        out.push(row);
    }
    Ok(out)
}

/// Why `--sort-by` could not sort.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SortError {
    /// The expression does not parse.
    #[error("{0}")]
    Path(#[from] JsonPathError),
    /// The field is a map or list.
    #[error("Field {field} in *unstructured.Unstructured is an unsortable type: {ty}")]
    Unsortable {
        /// The field expression.
        field: String,
        /// Go's type name.
        ty: String,
    },
    /// No object has the field.
    #[error("couldn't find any field with path \"{0}\" in the list of objects")]
    Missing(String),
}

/// The sort key of every object under a `--sort-by` expression (`None`: field absent).
pub fn sort_keys(expr: &str, objects: &[Value]) -> Result<Vec<Option<Value>>, SortError> {
    let path = JsonPath::parse_relaxed(expr)?;
    let mut keys = Vec::with_capacity(objects.len());
    for obj in objects {
        let v = path.find_results(obj)?.into_iter().flatten().next();
        if let Some(x @ (Value::Object(_) | Value::Array(_))) = &v {
            let ty = if x.is_object() { "map[string]interface {}" } else { "[]interface {}" };
            return Err(SortError::Unsortable {
                field: path.source().to_string(),
                ty: format!("interface, err: unsortable type: {ty}"),
            });
        }
        keys.push(v);
    }
    if !objects.is_empty() && keys.iter().all(Option::is_none) {
        return Err(SortError::Missing(path.source().to_string()));
    }
    Ok(keys)
}

/// The order (indices into `keys`) kubectl's stable sort gives: absent values first, then
/// numbers numerically, strings lexically, booleans false before true.
pub fn sorted_order(keys: &[Option<Value>]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| compare(keys[a].as_ref(), keys[b].as_ref()));
    idx
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => compare_strings(x, y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => go_sprint(x).cmp(&go_sprint(y)),
    }
}

/// RFC 3339 timestamps compare as times, quantities (`100m`, `1Gi`) by value, other strings
/// lexically.
fn compare_strings(a: &str, b: &str) -> Ordering {
    if let (Ok(x), Ok(y)) =
        (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b))
    {
        return x.cmp(&y);
    }
    if let (Some(x), Some(y)) = (quantity(a), quantity(b)) {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    a.cmp(b)
}

fn quantity(s: &str) -> Option<f64> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))?;
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        _ => return None,
    };
    Some(n * mult)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::table::layout;
    use serde_json::json;

    #[test]
    fn prints_columns_like_kubectl() {
        let cols = parse_spec(
            "NAME:.metadata.name,IMG:.spec.containers[*].image,PORTS:.spec.containers[0].ports,X:.missing,R:{.spec.replicas}",
        )
        .unwrap();
        let obj = json!({"metadata": {"name": "nginx"}, "spec": {"replicas": 1, "containers": [
            {"image": "nginx:1.25", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
            {"image": "busybox"}]}});
        assert_eq!(
            layout(&rows(&cols, &[obj], false).unwrap()),
            "NAME    IMG                  PORTS                                  X        R\n\
             nginx   nginx:1.25,busybox   [map[containerPort:80 protocol:TCP]]   <none>   1\n"
        );
        assert_eq!(
            parse_spec("NAME").unwrap_err().to_string(),
            "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
    }

    #[test]
    fn sorts_numbers_strings_and_absent() {
        let objs = vec![json!({"n": 10}), json!({}), json!({"n": 9})];
        let keys = sort_keys(".n", &objs).unwrap();
        assert_eq!(sorted_order(&keys), vec![1, 2, 0]);
        let objs = vec![json!({"q": "1Gi"}), json!({"q": "100Mi"})];
        assert_eq!(sorted_order(&sort_keys("{.q}", &objs).unwrap()), vec![1, 0]);
        assert!(sort_keys(".x", &[json!({"x": {}})]).is_err());
    }
}
