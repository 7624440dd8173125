//! The admission steps for CustomResourceDefinitions and custom objects.
//!
//! [`mutate`]: a CRD gets its defaults and its status (names, conditions, stored versions);
//! a custom object loses `status` on create when the status subresource is on, loses the
//! fields its schema does not declare (an error under `fieldValidation=Strict`, a warning
//! under `Warn` or by default, silent under `Ignore`), and gets its schema's defaults.
//! [`validate`]: a CRD is checked as kube-apiserver checks it; a custom object against its
//! version's `openAPIV3Schema`.

use super::cleanup::is_crd;
use super::{definition, schema};
use crate::apiserver::admission::{Attributes, Operation};
use crate::apiserver::error::ApiError;
use crate::object::Status;
use serde_json::Value;

fn name_of(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or_default()
}

/// The mutating step.
pub fn mutate(a: &Attributes<'_>, obj: &mut Value, w: &mut Vec<String>) -> Result<(), ApiError> {
    if is_crd(a.res) {
        if a.sub.is_none() {
            definition::set_defaults(obj);
            if a.op == Operation::Create
                && let Some(m) = obj.as_object_mut()
            {
                m.remove("status");
            }
            definition::set_status(a.server, obj);
        }
        return Ok(());
    }
    let Some(custom) = a.res.custom.as_deref() else { return Ok(()) };
    if a.op == Operation::Create && custom.terminating {
        return Err(ApiError::from(Status::method_not_allowed(
            "create not allowed while custom resource definition is terminating",
        )));
    }
    if a.op == Operation::Create
        && a.res.status
        && let Some(m) = obj.as_object_mut()
    {
        m.remove("status");
    }
    let pruned = schema::prune(&custom.schema, obj);
    if !pruned.is_empty() {
        let unknown: Vec<String> = pruned.iter().map(|p| format!("unknown field {p:?}")).collect();
        match a.field_validation {
            "Strict" => {
                return Err(ApiError::from(Status::bad_request(format!(
                    "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                    a.res.kind,
                    a.res.version,
                    a.res.kind,
                    unknown.join(", ")
                ))));
            }
            "Ignore" => {}
            _ => w.extend(unknown),
        }
    }
    schema::default(&custom.schema, obj);
    Ok(())
}

/// The validating step.
pub fn validate(a: &Attributes<'_>, obj: &mut Value, _w: &mut Vec<String>) -> Result<(), ApiError> {
    let causes = if is_crd(a.res) {
        if a.sub.is_some() {
            return Ok(());
        }
        definition::validate(obj)
    } else if let Some(custom) = a.res.custom.as_deref() {
        schema::validate(&custom.schema, obj)
    } else {
        return Ok(());
    };
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::from(Status::invalid(&a.res.group, &a.res.kind, name_of(obj), causes)))
}
