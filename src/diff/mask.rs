//! Secret masking for diffs, as kubectl masks them: every `data` value becomes `***`, and a
//! value that differs between the two sides becomes `*** (before)` / `*** (after)`.

use serde_json::{Map, Value};

/// Masks the `data` of both sides when the objects are Secrets.
pub fn mask_secrets(live: Option<&mut Value>, merged: Option<&mut Value>) {
    let is_secret = |v: &Option<&mut Value>| {
        v.as_ref().is_some_and(|o| o.get("kind").and_then(Value::as_str) == Some("Secret"))
    };
    if !is_secret(&live) && !is_secret(&merged) {
        return;
    }
    let from = live.and_then(|v| v.get_mut("data")).and_then(Value::as_object_mut);
    let to = merged.and_then(|v| v.get_mut("data")).and_then(Value::as_object_mut);
    let mut empty_from = Map::new();
    let mut empty_to = Map::new();
    let from = from.unwrap_or(&mut empty_from);
    let to = to.unwrap_or(&mut empty_to);
    let keys: Vec<String> = from.keys().cloned().collect();
    for k in keys {
        match to.get(&k) {
            Some(after) if Some(after) != from.get(&k) => {
                from.insert(k.clone(), "*** (before)".into());
                to.insert(k, "*** (after)".into());
            }
            Some(_) => {
                from.insert(k.clone(), "***".into());
                to.insert(k, "***".into());
            }
            None => {
                from.insert(k, "***".into());
            }
        }
    }
    for v in to.values_mut() {
        if !v.as_str().is_some_and(|s| s.starts_with("***")) {
            *v = "***".into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_like_kubectl() {
        let mut live =
            json!({"kind": "Secret", "data": {"same": "YQ==", "changed": "YQ==", "gone": "YQ=="}});
        let mut merged =
            json!({"kind": "Secret", "data": {"same": "YQ==", "changed": "Yg==", "new": "Yw=="}});
        mask_secrets(Some(&mut live), Some(&mut merged));
        assert_eq!(live["data"], json!({"same": "***", "changed": "*** (before)", "gone": "***"}));
        assert_eq!(merged["data"], json!({"same": "***", "changed": "*** (after)", "new": "***"}));
    }

    #[test]
    fn leaves_other_kinds_alone() {
        let mut live = json!({"kind": "ConfigMap", "data": {"a": "1"}});
        mask_secrets(Some(&mut live), None);
        assert_eq!(live["data"]["a"], "1");
    }
}
