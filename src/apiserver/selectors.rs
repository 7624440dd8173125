//! Label and field selectors as LIST, WATCH and DELETECOLLECTION take them: every label
//! operator (`=`, `==`, `!=`, `in`, `notin`, exists, `!` not-exists, `>`, `<`) and field
//! selectors on `metadata.name` / `metadata.namespace` (and other plain string fields).

use serde_json::Value;

/// A selector that cannot be parsed; the message is kube-apiserver's wording where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
    Gt(i64),
    Lt(i64),
}

/// One `key <op> values` requirement.
#[derive(Debug, Clone, PartialEq)]
struct Requirement {
    key: String,
    op: Op,
}

impl Requirement {
    fn matches(&self, value: Option<&str>) -> bool {
        match (&self.op, value) {
            (Op::Eq(v), Some(x)) => v == x,
            (Op::Eq(_), None) => false,
            (Op::NotEq(v), x) => x != Some(v.as_str()),
            (Op::In(vs), Some(x)) => vs.iter().any(|v| v == x),
            (Op::In(_), None) => false,
            (Op::NotIn(vs), x) => x.is_none_or(|x| !vs.iter().any(|v| v == x)),
            (Op::Exists, x) => x.is_some(),
            (Op::NotExists, x) => x.is_none(),
            (Op::Gt(n), Some(x)) => x.parse::<i64>().is_ok_and(|x| x > *n),
            (Op::Lt(n), Some(x)) => x.parse::<i64>().is_ok_and(|x| x < *n),
            (Op::Gt(_) | Op::Lt(_), None) => false,
        }
    }
}

/// A parsed label selector; empty matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<Requirement>);

/// A parsed field selector; empty matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector(Vec<Requirement>);

/// Splits on commas outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn set_values(rest: &str, whole: &str) -> Result<Vec<String>, SelectorError> {
    let rest = rest.trim();
    let inner = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).ok_or_else(|| {
        SelectorError(format!("unable to parse requirement: found '{whole}', expected: '('"))
    })?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
}

fn parse_requirement(raw: &str) -> Result<Requirement, SelectorError> {
    let part = raw.trim();
    let bad =
        || SelectorError(format!("unable to parse requirement: invalid label key \"{part}\""));
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement { key: key.trim().to_string(), op: Op::NotExists });
    }
    for (sym, ctor) in [("!=", 0u8), ("==", 1), ("=", 1), (">", 2), ("<", 3)] {
        if let Some((k, v)) = part.split_once(sym) {
            let (key, val) = (k.trim().to_string(), v.trim().to_string());
            if key.is_empty() {
                return Err(bad());
            }
            let op = match ctor {
                0 => Op::NotEq(val),
                1 => Op::Eq(val),
                _ => {
                    let n = val.parse::<i64>().map_err(|_| {
                        SelectorError(format!("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {val}"))
                    })?;
                    if ctor == 2 { Op::Gt(n) } else { Op::Lt(n) }
                }
            };
            return Ok(Requirement { key, op });
        }
    }
    let mut words = part.splitn(2, char::is_whitespace);
    let key = words.next().unwrap_or_default().to_string();
    let rest = words.next().unwrap_or_default().trim_start();
    if rest.is_empty() {
        if key.is_empty() {
            return Err(bad());
        }
        return Ok(Requirement { key, op: Op::Exists });
    }
    if let Some(r) = rest.strip_prefix("notin") {
        return Ok(Requirement { key, op: Op::NotIn(set_values(r, part)?) });
    }
    if let Some(r) = rest.strip_prefix("in") {
        return Ok(Requirement { key, op: Op::In(set_values(r, part)?) });
    }
    Err(SelectorError(format!(
        "unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt"
    )))
}

fn parse_all(s: &str) -> Result<Vec<Requirement>, SelectorError> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    split_top(s).into_iter().map(parse_requirement).collect()
}

impl LabelSelector {
    /// Parses `labelSelector`.
    pub fn parse(s: &str) -> Result<LabelSelector, SelectorError> {
        parse_all(s).map(LabelSelector)
    }

    /// True when the selector has no requirements.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when the object's labels satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = obj.get("metadata").and_then(|m| m.get("labels"));
        self.0.iter().all(|r| r.matches(labels.and_then(|l| l.get(&r.key)).and_then(Value::as_str)))
    }
}

impl FieldSelector {
    /// Parses `fieldSelector`; only equality operators are allowed, as upstream.
    pub fn parse(s: &str) -> Result<FieldSelector, SelectorError> {
        let reqs = parse_all(s)?;
        for r in &reqs {
            if !matches!(r.op, Op::Eq(_) | Op::NotEq(_)) {
                return Err(SelectorError(format!(
                    "invalid selector: '{s}'; can't understand '{}'",
                    r.key
                )));
            }
        }
        Ok(FieldSelector(reqs))
    }

    /// True when the selector has no requirements.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `metadata.name=` value, if the selector pins one name.
    pub fn pinned_name(&self) -> Option<&str> {
        self.0.iter().find_map(|r| match &r.op {
            Op::Eq(v) if r.key == "metadata.name" => Some(v.as_str()),
            _ => None,
        })
    }

    /// True when the object's fields satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|r| {
            let mut v = obj;
            for part in r.key.split('.') {
                v = v.get(part).unwrap_or(&Value::Null);
            }
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            r.matches(Some(&s))
        })
    }
}

/// True when a `LabelSelector` object (`matchLabels` and `matchExpressions`) selects the
/// labels `get` looks up. A non-object selector selects nothing; an empty one everything.
pub fn label_selector_matches<'a>(
    selector: &serde_json::Value,
    get: impl Fn(&str) -> Option<&'a str>,
) -> bool {
    use serde_json::Value;
    if !selector.is_object() {
        return false;
    }
    if let Some(ml) = selector["matchLabels"].as_object()
        && !ml.iter().all(|(k, v)| get(k) == v.as_str())
    {
        return false;
    }
    selector["matchExpressions"].as_array().is_none_or(|exprs| {
        exprs.iter().all(|e| {
            let key = e["key"].as_str().unwrap_or_default();
            let values: Vec<&str> =
                e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            match e["operator"].as_str().unwrap_or_default() {
                "In" => get(key).is_some_and(|v| values.contains(&v)),
                "NotIn" => get(key).is_none_or(|v| !values.contains(&v)),
                "Exists" => get(key).is_some(),
                "DoesNotExist" => get(key).is_none(),
                _ => false,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(labels: Value) -> Value {
        json!({"metadata": {"name": "a", "namespace": "default", "labels": labels}})
    }

    #[test]
    fn every_label_operator() {
        let o = obj(json!({"app": "web", "tier": "fe", "n": "5"}));
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app!=db", true),
            ("app in (web, db)", true),
            ("app notin (web)", false),
            ("missing notin (x)", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("n>4", true),
            ("n<4", false),
            ("app=web,tier=fe", true),
            ("app=web,tier in (be)", false),
            ("", true),
        ] {
            assert_eq!(LabelSelector::parse(sel).unwrap().matches(&o), want, "{sel}");
        }
        assert!(LabelSelector::parse("a in b").is_err());
    }

    #[test]
    fn field_selectors_on_metadata() {
        let o = obj(json!({}));
        let f = FieldSelector::parse("metadata.name=a,metadata.namespace!=kube-system").unwrap();
        assert!(f.matches(&o));
        assert_eq!(f.pinned_name(), Some("a"));
        assert!(!FieldSelector::parse("metadata.name==b").unwrap().matches(&o));
        assert!(FieldSelector::parse("metadata.name in (a)").is_err());
    }
}
