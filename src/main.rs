//! The `kctl` binary: hands the command line to [`kctl::cli::main`] and exits with its code.
//!
//! The binary allocates through mimalloc: decoding a manifest set and serving requests make many
//! small, short-lived allocations on several threads, where glibc's per-thread arenas spend much
//! of their time growing their heaps a few pages at a time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kctl::cli::main()
}
