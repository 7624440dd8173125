//! Exit codes, as kubectl uses them: 0 success, 1 any error (usage errors included);
//! `diff` exits 0 without differences, 1 with differences, above 1 on error.

use std::process::ExitCode;

/// The result of a command that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Exit 0.
    Success,
    /// Exit 1 without an error message (`diff` found differences).
    Differences,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        match e {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Differences => ExitCode::from(1),
        }
    }
}

/// Prints a clap error (or help/version output) and maps it to kubectl's exit code.
pub fn clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    // clap writes help to stdout and errors to stderr itself.
    let _ = e.print();
    if informational { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
