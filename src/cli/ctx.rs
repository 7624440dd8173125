//! `Ctx`: what a command may use of the outside world — output streams, global flags,
//! environment and clock. Commands never print directly.

use super::{CliError, GlobalArgs};
use std::io::Write;
use std::sync::Mutex;

/// The command context.
#[derive(Debug)]
pub struct Ctx {
    /// Global flags.
    pub global: GlobalArgs,
    /// Output streams.
    pub io: Io,
}

impl Ctx {
    /// A context over the process's real stdout and stderr.
    pub fn new(global: GlobalArgs) -> Ctx {
        Ctx { global, io: Io::default() }
    }

    /// Routes `tracing` output (request logs at `-v=6` and above) to stderr.
    pub fn init_logging(&self) {
        let level = match self.global.verbosity {
            0..=3 => return,
            4..=8 => "debug",
            _ => "trace",
        };
        // Only kctl's own events: dependencies' internals are not kubectl's -v output.
        let filter = tracing_subscriber::EnvFilter::new(format!("kctl={level}"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .without_time()
            .with_writer(std::io::stderr)
            .try_init();
    }

    /// Colors are used only when stdout is a terminal and `NO_COLOR` is unset.
    pub fn color(&self) -> bool {
        use std::io::IsTerminal;
        std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
    }
}

/// Output streams. Writes to a closed pipe end the process quietly, as ripgrep does.
#[derive(Debug, Default)]
pub struct Io {
    lock: Mutex<()>,
}

impl Io {
    /// Writes data or result lines to stdout.
    pub fn out(&self, s: &str) {
        let _g = self.lock.lock();
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }

    /// Writes warnings and diagnostics to stderr.
    pub fn err(&self, s: &str) {
        let _g = self.lock.lock();
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(s.as_bytes()).and_then(|_| err.flush());
    }

    /// Writes `Warning: <message>` to stderr, as kubectl does.
    pub fn warn(&self, msg: &str) {
        self.err(&format!("Warning: {msg}\n"));
    }

    /// Renders an error to stderr.
    pub fn error(&self, e: &CliError) {
        self.err(&e.render());
    }
}
