//! Human tables: kubectl's column layout (tab-separated cells aligned with three spaces of
//! padding, minimum width six, upper-cased headers) for server-side `Table` objects and for the
//! NAME/AGE fallback when a server returns plain objects.

use serde_json::Value;

/// Options of the human printer.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// `-o wide`: include columns with priority above zero.
    pub wide: bool,
    /// `-A`: prepend a NAMESPACE column.
    pub with_namespace: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `--show-labels`: append a LABELS column.
    pub show_labels: bool,
    /// `-L`: one column per label key.
    pub label_columns: Vec<String>,
    /// Prefix names with `kind.group/` (several types in one `get`).
    pub name_prefix: Option<String>,
}

/// Lays out rows like Go's tabwriter with kubectl's settings (minwidth 6, padding 3).
pub fn layout(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                widths[i] = widths[i].max(cell.chars().count() + 3).max(6);
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count();
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// The header and rows of a `meta.k8s.io/v1` Table, as text cells.
pub fn table_rows(table: &Value, opts: &TableOptions) -> Vec<Vec<String>> {
    let defs = table["columnDefinitions"].as_array().cloned().unwrap_or_default();
    let shown: Vec<usize> = defs
        .iter()
        .enumerate()
        .filter(|(_, d)| opts.wide || d["priority"].as_i64().unwrap_or(0) == 0)
        .map(|(i, _)| i)
        .collect();
    let mut rows = Vec::new();
    if !opts.no_headers {
        let mut header: Vec<String> = Vec::new();
        if opts.with_namespace {
            header.push("NAMESPACE".into());
        }
        header.extend(shown.iter().map(|&i| defs[i]["name"].as_str().unwrap_or("").to_uppercase()));
        header.extend(opts.label_columns.iter().map(|l| label_header(l)));
        if opts.show_labels {
            header.push("LABELS".into());
        }
        rows.push(header);
    }
    for row in table["rows"].as_array().into_iter().flatten() {
        let cells = row["cells"].as_array().cloned().unwrap_or_default();
        let meta = &row["object"]["metadata"];
        let mut out: Vec<String> = Vec::new();
        if opts.with_namespace {
            out.push(meta["namespace"].as_str().unwrap_or("").to_string());
        }
        for (n, &i) in shown.iter().enumerate() {
            let mut text = cells.get(i).map(cell_text).unwrap_or_default();
            if n == 0
                && let Some(prefix) = &opts.name_prefix
            {
                text = format!("{prefix}/{text}");
            }
            out.push(text);
        }
        push_label_cells(&mut out, meta, opts);
        rows.push(out);
    }
    rows
}

/// NAME (and AGE) rows for plain objects, kubectl's fallback without server-side tables.
pub fn fallback_rows(
    items: &[Value],
    now: chrono::DateTime<chrono::Utc>,
    opts: &TableOptions,
) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    if !opts.no_headers {
        let mut header: Vec<String> = Vec::new();
        if opts.with_namespace {
            header.push("NAMESPACE".into());
        }
        header.extend(["NAME".to_string(), "AGE".to_string()]);
        header.extend(opts.label_columns.iter().map(|l| label_header(l)));
        if opts.show_labels {
            header.push("LABELS".into());
        }
        rows.push(header);
    }
    for item in items {
        let meta = &item["metadata"];
        let mut out = Vec::new();
        if opts.with_namespace {
            out.push(meta["namespace"].as_str().unwrap_or("").to_string());
        }
        let name = meta["name"].as_str().unwrap_or("").to_string();
        out.push(match &opts.name_prefix {
            Some(p) => format!("{p}/{name}"),
            None => name,
        });
        out.push(age(meta["creationTimestamp"].as_str(), now));
        push_label_cells(&mut out, meta, opts);
        rows.push(out);
    }
    rows
}

fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

fn push_label_cells(out: &mut Vec<String>, meta: &Value, opts: &TableOptions) {
    let labels = meta["labels"].as_object();
    for key in &opts.label_columns {
        out.push(labels.and_then(|l| l.get(key)).and_then(Value::as_str).unwrap_or("").to_string());
    }
    if opts.show_labels {
        let text = match labels {
            Some(l) if !l.is_empty() => l
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(","),
            _ => "<none>".to_string(),
        };
        out.push(text);
    }
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<none>".into(),
        other => other.to_string(),
    }
}

/// kubectl's short human duration (`5s`, `3m20s`, `2d3h`), from a creation timestamp.
pub fn age(created: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> String {
    let Some(t) = created.and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok()) else {
        return "<unknown>".into();
    };
    let secs = (now - t.with_timezone(&chrono::Utc)).num_seconds().max(0);
    human_duration(secs)
}

/// Go's `duration.HumanDuration` as kubectl uses it for AGE.
pub fn human_duration(secs: i64) -> String {
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86400);
    match secs {
        s if s < 120 => format!("{s}s"),
        _ if m < 10 => match secs % 60 {
            0 => format!("{m}m"),
            s => format!("{m}m{s}s"),
        },
        _ if m < 180 => format!("{m}m"),
        _ if h < 8 => match m % 60 {
            0 => format!("{h}h"),
            mm => format!("{h}h{mm}m"),
        },
        _ if h < 48 => format!("{h}h"),
        _ if h < 192 => match h % 24 {
            0 => format!("{d}d"),
            hh => format!("{d}d{hh}h"),
        },
        _ if d < 365 * 2 => format!("{d}d"),
        _ if d < 365 * 8 => match d % 365 {
            0 => format!("{}y", d / 365),
            dd => format!("{}y{dd}d", d / 365),
        },
        _ => format!("{}y", d / 365),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lays_out_like_tabwriter() {
        let rows = vec![
            vec!["NAME".to_string(), "READY".into(), "AGE".into()],
            vec!["nginx".to_string(), "0/1".into(), "1s".into()],
        ];
        assert_eq!(layout(&rows), "NAME    READY   AGE\nnginx   0/1     1s\n");
    }

    #[test]
    fn prints_server_tables_with_namespace() {
        let t = json!({"columnDefinitions": [
            {"name": "Name", "priority": 0}, {"name": "Data", "priority": 0},
            {"name": "Extra", "priority": 1}, {"name": "Age", "priority": 0}],
          "rows": [{"cells": ["cm1", 1, "x", "5m"], "object": {"metadata": {"namespace": "default"}}}]});
        let opts = TableOptions { with_namespace: true, ..TableOptions::default() };
        assert_eq!(
            layout(&table_rows(&t, &opts)),
            "NAMESPACE   NAME   DATA   AGE\ndefault     cm1    1      5m\n"
        );
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(200), "3m20s");
        assert_eq!(human_duration(3 * 3600 + 60), "3h1m");
        assert_eq!(human_duration(50 * 3600), "2d2h");
    }
}
