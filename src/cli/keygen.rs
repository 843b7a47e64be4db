//! `tincay keygen --out PATH`: a new random master key, written with mode 0600 to a file
//! that must not exist yet.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{CliError, output};
use crate::store::crypto::MasterKey;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the key. Refuses to overwrite an existing file.
    #[arg(long, env = "TINCAY_OUT", value_name = "PATH")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let key = MasterKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&args.out).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Usage(format!(
                "{} already exists; tincay keygen never overwrites a key",
                args.out.display()
            ))
        } else {
            CliError::io("cannot create", &args.out, &error)
        }
    })?;
    file.write_all(key.to_base64().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| CliError::io("cannot write", &args.out, &error))?;
    output::say(&format!(
        "wrote a new master key to {}. Keep a copy offline (see deploy/OPERATIONS.md): \
         if it is lost, the data is lost.",
        args.out.display()
    ));
    Ok(())
}
