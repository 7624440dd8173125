//! Helpers the controllers share: `LabelSelector` objects, owner references, int-or-percent
//! values, resource quantities and the pod-template hash (pod state lives on
//! [`super::pod::Pod`]).

use serde_json::{Value, json};

/// True when `labels` satisfy a `metav1.LabelSelector` object (`matchLabels` and
/// `matchExpressions`). A null or absent selector matches nothing, an empty one everything.
pub fn selector_matches(selector: &Value, labels: &Value) -> bool {
    selector_matches_with(selector, |k| labels.get(k).and_then(Value::as_str))
}

/// [`selector_matches`] over labels looked up by `get`.
pub fn selector_matches_with<'a>(selector: &Value, get: impl Fn(&str) -> Option<&'a str>) -> bool {
    crate::apiserver::selectors::label_selector_matches(selector, get)
}

/// True when a node's labels satisfy a `NodeSelectorTerm`'s `matchExpressions` (which
/// also allow `Gt` and `Lt`) and its `matchFields` on `metadata.name`.
pub fn node_term_matches(term: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    let name = node["metadata"]["name"].as_str().unwrap_or_default();
    let check = |e: &Value, value: Option<&str>| {
        let values: Vec<&str> = e["values"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let num = |v: Option<&str>| v.and_then(|v| v.parse::<i64>().ok());
        match e["operator"].as_str().unwrap_or_default() {
            "In" => value.is_some_and(|v| values.contains(&v)),
            "NotIn" => value.is_none_or(|v| !values.contains(&v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            "Gt" => {
                matches!((num(value), num(values.first().copied())), (Some(a), Some(b)) if a > b)
            }
            "Lt" => {
                matches!((num(value), num(values.first().copied())), (Some(a), Some(b)) if a < b)
            }
            _ => false,
        }
    };
    let exprs_ok = term["matchExpressions"].as_array().is_none_or(|es| {
        es.iter().all(|e| {
            check(e, labels.get(e["key"].as_str().unwrap_or_default()).and_then(Value::as_str))
        })
    });
    let fields_ok = term["matchFields"].as_array().is_none_or(|es| {
        es.iter().all(|e| e["key"].as_str() == Some("metadata.name") && check(e, Some(name)))
    });
    exprs_ok && fields_ok
}

/// The owner reference marked `controller: true`, if any.
pub fn controller_ref(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
}

/// The uid of the controlling owner, if any.
pub fn controller_uid(obj: &Value) -> Option<&str> {
    controller_ref(obj).and_then(|r| r["uid"].as_str())
}

/// An owner reference to `owner`, as controllers set it on what they create.
pub fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"], "kind": owner["kind"],
        "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
        "controller": true, "blockOwnerDeletion": true,
    })
}

/// Resolves an int-or-percent (`maxSurge: 25%`) against `total`, rounding up or down.
pub fn int_or_percent(v: &Value, total: i64, default: &str, round_up: bool) -> i64 {
    let v = if v.is_null() { json!(default) } else { v.clone() };
    match &v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) if round_up => (p * total + 99) / 100,
            Some(p) => p * total / 100,
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

/// Parses a CPU quantity into millicores (`500m`, `2`, `0.5`).
pub fn cpu_millis(q: &str) -> i64 {
    if let Some(m) = q.strip_suffix('m') {
        return m.parse().unwrap_or(0);
    }
    q.parse::<f64>().map(|c| (c * 1000.0).round() as i64).unwrap_or(0)
}

/// Parses a memory quantity into bytes (`128Mi`, `1G`, `1e6`, `100`).
pub fn memory_bytes(q: &str) -> i64 {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (s, mult) in SUFFIXES {
        if let Some(n) = q.strip_suffix(s) {
            return n.parse::<f64>().map(|n| (n * mult) as i64).unwrap_or(0);
        }
    }
    q.parse::<f64>().map(|n| n as i64).unwrap_or(0)
}

/// True when the object is marked for deletion.
pub fn terminating(obj: &Value) -> bool {
    obj["metadata"].get("deletionTimestamp").is_some_and(|t| !t.is_null())
}

/// Drops nulls, empty objects and empty arrays, recursively: the values Go clients write
/// for unset fields (`creationTimestamp: null`, `resources: {}`), which must not make two
/// templates differ.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), normalize(v)))
                .filter(|(_, v)| !is_empty_value(v))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// FNV-1a, 32 bits.
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The `pod-template-hash` of a pod template (and collision count): FNV-1a over the
/// template's canonical JSON, its decimal digits mapped onto kube's safe alphabet.
pub fn template_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut t = template.clone();
    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
        l.remove("pod-template-hash");
    }
    let t = normalize(&t);
    let mut bytes = serde_json::to_vec(&t).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(c.to_string().as_bytes());
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

/// Maps each byte onto the alphabet kube uses for generated names (no vowels, no confusable
/// characters), as `rand.SafeEncodeString` does.
pub fn safe_encode(s: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes().map(|b| ALPHABET[b as usize % ALPHABET.len()] as char).collect()
}

/// Sets a condition of `type` in `status.conditions`, keeping `lastTransitionTime` when the
/// status does not change; returns the new conditions.
pub fn set_condition(
    conditions: &Value,
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
    with_update_time: bool,
) -> Value {
    let mut out: Vec<Value> = conditions.as_array().cloned().unwrap_or_default();
    let old = out.iter().position(|c| c["type"] == kind);
    let transition = match old {
        Some(i) if out[i]["status"] == status => {
            out[i]["lastTransitionTime"].as_str().unwrap_or(now).to_string()
        }
        _ => now.to_string(),
    };
    let unchanged = old.is_some_and(|i| {
        out[i]["status"] == status && out[i]["reason"] == reason && out[i]["message"] == message
    });
    let mut c = json!({"type": kind, "status": status});
    if with_update_time {
        let update = match old {
            Some(i) if unchanged => out[i]["lastUpdateTime"].as_str().unwrap_or(now).to_string(),
            _ => now.to_string(),
        };
        c["lastUpdateTime"] = json!(update);
    }
    c["lastTransitionTime"] = json!(transition);
    c["reason"] = json!(reason);
    c["message"] = json!(message);
    match old {
        Some(i) => out[i] = c,
        None => out.push(c),
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_percentages() {
        let sel = json!({"matchLabels": {"app": "a"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x"]}]});
        assert!(selector_matches(&sel, &json!({"app": "a", "tier": "x"})));
        assert!(!selector_matches(&sel, &json!({"app": "a"})));
        assert_eq!(int_or_percent(&json!("25%"), 10, "25%", true), 3);
        assert_eq!(int_or_percent(&json!("25%"), 10, "25%", false), 2);
        assert_eq!(int_or_percent(&Value::Null, 4, "25%", false), 1);
        assert_eq!(cpu_millis("1.5"), 1500);
        assert_eq!(memory_bytes("1Gi"), 1 << 30);
        assert_eq!(
            template_hash(&json!({"a": 1}), None).len(),
            fnv32a(b"{\"a\":1}").to_string().len()
        );
    }
}
