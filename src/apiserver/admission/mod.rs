//! Admission: the ordered steps every write passes after it is decoded and before it is
//! stored, as kube-apiserver runs them — first the mutating steps (defaulting), then the
//! validating ones. Each step is one small function with the [`Step`] signature; the chain
//! is the two lists below, so adding a step is adding one line.
//!
//! Creates (POST) and updates (PUT, PATCH, including `status` and `scale` writes) both
//! pass here, with dry-run writes too (a server-side dry run must fail exactly where the
//! real write would).

pub mod defaults;
pub mod fields;
pub mod validation;

use super::ApiServer;
use super::error::ApiError;
use super::registry::Resource;
use serde_json::Value;

/// Which write is being admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// POST.
    Create,
    /// PUT or PATCH of an existing object.
    Update,
}

/// What a step may read about the write.
pub struct Attributes<'a> {
    /// The server (store, clock, registry).
    pub server: &'a ApiServer,
    /// The resource written.
    pub res: &'a Resource,
    /// Create or update.
    pub op: Operation,
    /// The stored object an update replaces; `None` on create.
    pub old: Option<&'a Value>,
    /// The subresource written (`status`, `scale`), if any.
    pub sub: Option<&'a str>,
    /// `dryRun=All`: steps must not allocate anything durable (cluster IPs, …).
    pub dry_run: bool,
    /// The `fieldValidation` query parameter (`Strict`, `Warn`, `Ignore`, or empty).
    pub field_validation: &'a str,
}

/// One admission step: may change the object (mutating steps), refuse it with a `Status`
/// error, or add warnings that the response carries as `Warning` headers.
pub type Step = fn(&Attributes<'_>, &mut Value, &mut Vec<String>) -> Result<(), ApiError>;

/// The mutating steps, in order.
const MUTATING: &[Step] =
    &[fields::admit, defaults::admit, crate::apiserver::crd::admission::mutate];

/// The validating steps, in order (run after every mutating step).
const VALIDATING: &[Step] = &[validation::admit, crate::apiserver::crd::admission::validate];

/// Runs the whole chain over `obj`; returns the warnings to send back.
pub fn admit(a: &Attributes<'_>, obj: &mut Value) -> Result<Vec<String>, ApiError> {
    let mut warnings = Vec::new();
    for step in MUTATING.iter().chain(VALIDATING) {
        step(a, obj, &mut warnings)?;
    }
    Ok(warnings)
}

/// Adds one `Warning: 299 - "…"` header per warning, as kube-apiserver sends them.
pub fn with_warnings(
    mut resp: axum::response::Response,
    warnings: &[String],
) -> axum::response::Response {
    for w in warnings {
        let text = format!("299 - {}", serde_json::to_string(w).unwrap_or_default());
        if let Ok(v) = http::HeaderValue::from_str(&text) {
            resp.headers_mut().append(http::header::WARNING, v);
        }
    }
    resp
}
