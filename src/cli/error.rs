//! `CliError`: the one error type the CLI renders, with kubectl's prefixes, in one place.

use crate::object::Status;

/// An error that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A plain message, printed as `error: <message>`.
    #[error("{0}")]
    Message(String),
    /// An error the server returned, printed as `Error from server (<reason>): <message>`.
    #[error("{0}")]
    Server(Status),
    /// An error the server returned for an object read from a file; `when` is kubectl's
    /// `error when creating "deploy.yaml"` context.
    #[error("{when}: {status}")]
    ServerWhen {
        /// The server's answer.
        status: Status,
        /// The context phrase.
        when: String,
    },
    /// Several errors (one per object); each printed on its own line.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Many(Vec<CliError>),
    /// An error already printed; only the exit code remains.
    #[error("")]
    Reported(u8),
}

impl CliError {
    /// A plain `error: …` message.
    pub fn message(m: impl Into<String>) -> CliError {
        CliError::Message(m.into())
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Reported(code) => *code,
            _ => 1,
        }
    }

    /// The text written to stderr, kubectl-style, one line per error.
    pub fn render(&self) -> String {
        match self {
            CliError::Message(m) => format!("error: {m}\n"),
            CliError::Server(s) => format!("{}\n", render_status(s)),
            CliError::ServerWhen { status, when } => {
                format!("{}\n", render_status_when(status, when))
            }
            CliError::Many(errs) => errs.iter().map(CliError::render).collect(),
            CliError::Reported(_) => String::new(),
        }
    }
}

/// kubectl's rendering of a server `Status` error (`Error from server (NotFound): …`).
pub fn render_status(s: &Status) -> String {
    render(s, None)
}

/// kubectl's rendering of a server error about an object from a file:
/// `Error from server (AlreadyExists): error when creating "x.yaml": …`.
pub fn render_status_when(s: &Status, when: &str) -> String {
    render(s, Some(when))
}

fn render(s: &Status, when: Option<&str>) -> String {
    let context = when.map(|w| format!("{w}: ")).unwrap_or_default();
    if s.code == 401 || s.reason == "Unauthorized" {
        let why = if s.message.is_empty() { "Unauthorized" } else { s.message.as_str() };
        return format!("error: You must be logged in to the server ({why})");
    }
    if s.reason == "Invalid" {
        if let Some(d) = s.details.as_ref().filter(|d| !d.causes.is_empty() && !d.name.is_empty()) {
            let mut seen = Vec::new();
            for c in &d.causes {
                let line = if c.field.is_empty() {
                    c.message.clone()
                } else {
                    format!("{}: {}", c.field, c.message)
                };
                if !seen.contains(&line) {
                    seen.push(line);
                }
            }
            return if seen.len() == 1 {
                format!("The {} \"{}\" is invalid: {}", d.kind, d.name, seen[0])
            } else {
                let lines: Vec<String> = seen.iter().map(|l| format!("* {l}")).collect();
                format!("The {} \"{}\" is invalid: \n{}", d.kind, d.name, lines.join("\n"))
            };
        }
        return format!("The request is invalid: {context}{}", s.message);
    }
    if s.reason.is_empty() {
        format!("Error from server: {context}{}", s.message)
    } else {
        format!("Error from server ({}): {context}{}", s.reason, s.message)
    }
}

impl From<Status> for CliError {
    fn from(s: Status) -> CliError {
        CliError::Server(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::status::{StatusCause, StatusDetails};

    #[test]
    fn renders_like_kubectl() {
        let nf = Status::not_found("apps", "deployments", "web");
        assert_eq!(
            render_status(&nf),
            "Error from server (NotFound): deployments.apps \"web\" not found"
        );
        assert_eq!(
            render_status_when(&nf, "error when deleting \"d.yaml\""),
            "Error from server (NotFound): error when deleting \"d.yaml\": deployments.apps \"web\" not found"
        );
        let cause = |f: &str, m: &str| StatusCause {
            reason: "FieldValueInvalid".into(),
            message: m.into(),
            field: f.into(),
        };
        let one = Status::invalid(
            "apps",
            "Deployment",
            "web",
            vec![cause("spec.replicas", "Invalid value: -1: must be greater than or equal to 0")],
        );
        assert_eq!(
            render_status(&one),
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        let two = Status::invalid(
            "apps",
            "Deployment",
            "web",
            vec![cause("a", "x"), cause("b", "y"), cause("a", "x")],
        );
        assert_eq!(render_status(&two), "The Deployment \"web\" is invalid: \n* a: x\n* b: y");
        let mut bare = Status::failure(
            422,
            "Invalid",
            "Deployment.apps \"web\" is invalid: metadata.name: Invalid value",
        );
        bare.details = Some(StatusDetails::default());
        assert_eq!(
            render_status_when(&bare, "error when creating \"d.yaml\""),
            "The request is invalid: error when creating \"d.yaml\": Deployment.apps \"web\" is invalid: metadata.name: Invalid value"
        );
        let unauth = Status::failure(401, "Unauthorized", "Unauthorized");
        assert_eq!(
            render_status(&unauth),
            "error: You must be logged in to the server (Unauthorized)"
        );
    }
}
