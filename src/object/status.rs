//! The Kubernetes `Status` object: the apiserver's error body and the client's error value.

use serde::{Deserialize, Serialize};

/// A `Status` (meta.k8s.io/v1), shaped exactly as kube-apiserver writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Status {
    /// Always `Status`.
    pub kind: String,
    /// Always `v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// List metadata (empty for errors).
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// `Success` or `Failure`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Machine-readable reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Which object the status is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    /// The HTTP status code.
    #[serde(default)]
    pub code: u16,
}

/// `Status.details`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatusDetails {
    /// Object name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// API group.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Resource (plural) name, as kube-apiserver puts it in `kind`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Object uid.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// Field-level causes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
    /// Seconds after which the client may retry.
    #[serde(rename = "retryAfterSeconds", default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
}

/// One cause in `Status.details.causes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatusCause {
    /// Machine-readable cause (`FieldValueInvalid`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// The field path the cause is about.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
}

impl Status {
    /// A `Failure` status with a reason, code and message and no details.
    pub fn failure(code: u16, reason: &str, message: impl Into<String>) -> Status {
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            status: "Failure".into(),
            message: message.into(),
            reason: reason.into(),
            code,
            ..Status::default()
        }
    }

    /// A `Success` status, as returned by some deletes.
    pub fn success(details: Option<StatusDetails>) -> Status {
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            status: "Success".into(),
            details,
            ..Status::default()
        }
    }

    fn about(mut self, group: &str, resource: &str, name: &str) -> Status {
        self.details = Some(StatusDetails {
            name: name.into(),
            group: group.into(),
            kind: resource.into(),
            ..StatusDetails::default()
        });
        self
    }

    /// `404 NotFound`: `configmaps "x" not found`.
    pub fn not_found(group: &str, resource: &str, name: &str) -> Status {
        let msg = format!("{} \"{}\" not found", qualified(group, resource), name);
        Status::failure(404, "NotFound", msg).about(group, resource, name)
    }

    /// `409 AlreadyExists`: `configmaps "x" already exists`.
    pub fn already_exists(group: &str, resource: &str, name: &str) -> Status {
        let msg = format!("{} \"{}\" already exists", qualified(group, resource), name);
        Status::failure(409, "AlreadyExists", msg).about(group, resource, name)
    }

    /// `409 Conflict` with kube-apiserver's optimistic-concurrency message.
    pub fn conflict(group: &str, resource: &str, name: &str, why: &str) -> Status {
        let msg = format!(
            "Operation cannot be fulfilled on {} \"{}\": {}",
            qualified(group, resource),
            name,
            why
        );
        Status::failure(409, "Conflict", msg).about(group, resource, name)
    }

    /// `422 Invalid`: `Deployment.apps "x" is invalid: <causes joined>`.
    pub fn invalid(group: &str, kind: &str, name: &str, causes: Vec<StatusCause>) -> Status {
        let gk = if group.is_empty() { kind.to_string() } else { format!("{kind}.{group}") };
        let joined: Vec<String> = causes
            .iter()
            .map(|c| {
                if c.field.is_empty() {
                    c.message.clone()
                } else {
                    format!("{}: {}", c.field, c.message)
                }
            })
            .collect();
        let msg = if joined.len() == 1 {
            format!("{gk} \"{name}\" is invalid: {}", joined[0])
        } else {
            format!("{gk} \"{name}\" is invalid: [{}]", joined.join(", "))
        };
        let mut s = Status::failure(422, "Invalid", msg).about(group, kind, name);
        if let Some(d) = s.details.as_mut() {
            d.causes = causes;
        }
        s
    }

    /// `400 BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Status {
        Status::failure(400, "BadRequest", message)
    }

    /// `405 MethodNotAllowed`.
    pub fn method_not_allowed(message: impl Into<String>) -> Status {
        Status::failure(405, "MethodNotAllowed", message)
    }

    /// `415 UnsupportedMediaType`.
    pub fn unsupported_media_type(message: impl Into<String>) -> Status {
        Status::failure(415, "UnsupportedMediaType", message)
    }

    /// `410 Expired` (watch resourceVersion too old).
    pub fn gone(message: impl Into<String>) -> Status {
        Status::failure(410, "Expired", message)
    }

    /// `500 InternalError`.
    pub fn internal(message: impl Into<String>) -> Status {
        Status::failure(500, "InternalError", message)
    }

    /// True when `reason` is `NotFound`.
    pub fn is_not_found(&self) -> bool {
        self.reason == "NotFound"
    }

    /// True when `reason` is `Conflict`.
    pub fn is_conflict(&self) -> bool {
        self.reason == "Conflict"
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Status {}

fn qualified(group: &str, resource: &str) -> String {
    if group.is_empty() { resource.to_string() } else { format!("{resource}.{group}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_has_kube_apiserver_shape() {
        let s = Status::not_found("apps", "deployments", "web");
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["message"], "deployments.apps \"web\" not found");
        assert_eq!(v["details"]["kind"], "deployments");
        assert_eq!(v["code"], 404);
        assert_eq!(v["metadata"], serde_json::json!({}));
    }
}
