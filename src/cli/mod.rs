//! The `tincay` command line.

/// Parse the command line and run the command.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
