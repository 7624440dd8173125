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
            CliError::Many(errs) => errs.iter().map(CliError::render).collect(),
            CliError::Reported(_) => String::new(),
        }
    }
}

/// kubectl's rendering of a server `Status` error (`Error from server (NotFound): …`).
pub fn render_status(s: &Status) -> String {
    if s.reason.is_empty() {
        format!("Error from server: {}", s.message)
    } else {
        format!("Error from server ({}): {}", s.reason, s.message)
    }
}

impl From<Status> for CliError {
    fn from(s: Status) -> CliError {
        CliError::Server(s)
    }
}
