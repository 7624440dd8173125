//! The `kctl` binary: hands the command line to [`kctl::cli::main`] and exits with its code.
//!
//! The binary allocates through mimalloc: decoding a manifest set and serving requests make many
//! small, short-lived allocations on several threads, where glibc's per-thread arenas spend much
//! of their time growing their heaps a few pages at a time. It is built to keep the process in
//! ordinary pages (transparent huge pages off from its first allocation): a command, or a server
//! starting, touches little of each 2 MiB page the kernel would otherwise clear for it.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kctl::cli::main()
}
