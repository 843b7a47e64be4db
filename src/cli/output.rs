//! The only place the command line prints. Nothing printed here may contain key material or
//! personal data.

/// A line for the operator on stdout.
#[allow(clippy::print_stdout)]
pub fn say(line: &str) {
    println!("{line}");
}

/// An error line on stderr.
#[allow(clippy::print_stderr)]
pub fn error(line: &str) {
    eprintln!("tincay: {line}");
}
