//! The `skillfolio` command: parses arguments, hands the work to the library, and
//! prints what comes back. Nothing else lives here.

mod commands;

use std::process::ExitCode;

use clap::Parser;

/// A build makes and frees millions of small strings and maps on both cores
/// at once, and jemalloc does that faster than glibc's allocator: a cold
/// build of the large real-code benchmark took 7% less time and 8% less
/// processor time, a rebuild a tenth less.
#[cfg(all(target_os = "linux", feature = "jemalloc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Two arenas, as many as a small machine has cores, and freed pages given
/// back after a second rather than ten: with jemalloc's own settings the
/// large benchmark's peak was 15% above glibc's allocator's, with these it
/// stays under the 250 MiB it is held to (a tenth of a second took another
/// 5 MiB off and 2% longer). `_RJEM_MALLOC_CONF` in the environment
/// overrides them.
#[cfg(all(target_os = "linux", feature = "jemalloc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: &[u8] = b"narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    commands::run(cli)
}
