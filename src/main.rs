//! The `tincay` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    tincay::cli::main()
}
