//! kubectl's client-side apply policy: the last-applied annotation (`last_applied`), the
//! create-or-patch decision with conflict retries (`patcher`), reading many live objects in a
//! few listings (`prefetch`), and pruning (`prune`).

pub mod last_applied;
pub mod patcher;
pub mod prefetch;
pub mod prune;

/// Where a write happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    /// For real.
    #[default]
    None,
    /// Nothing is sent but reads.
    Client,
    /// Writes are sent with `dryRun=All`: validated, not persisted.
    Server,
}

impl DryRun {
    /// kubectl's suffix for result lines: ` (dry run)`, ` (server dry run)` or nothing.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// `fieldValidation` for writes (`--validate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validation {
    /// Reject unknown and duplicate fields.
    #[default]
    Strict,
    /// Warn about them.
    Warn,
    /// Ignore them.
    Ignore,
}

impl Validation {
    /// Parses kubectl's `--validate` values.
    pub fn parse(s: &str) -> Option<Validation> {
        match s {
            "strict" | "true" => Some(Validation::Strict),
            "warn" => Some(Validation::Warn),
            "ignore" | "false" => Some(Validation::Ignore),
            _ => None,
        }
    }

    /// The `fieldValidation` query value.
    pub fn query_value(self) -> &'static str {
        match self {
            Validation::Strict => "Strict",
            Validation::Warn => "Warn",
            Validation::Ignore => "Ignore",
        }
    }
}

/// Builds a query string with keys in the order given (callers pass them sorted, as
/// client-go encodes them).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}
