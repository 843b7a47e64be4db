//! The `tincay` binary: parses the command line and hands over to the library.

/// mimalloc instead of the C library's allocator: a replay allocates each event's buffers on
/// the reading threads and frees them on the applying one, which glibc's per-thread arenas
/// make slow (the log's replay benchmark: about 25% faster). The benchmarks use it too, so
/// they measure what this binary does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tincay::cli::main()
}
