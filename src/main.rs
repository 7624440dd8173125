//! The `kctl` binary: hands the command line to [`kctl::cli::main`] and exits with its code.

fn main() -> std::process::ExitCode {
    kctl::cli::main()
}
