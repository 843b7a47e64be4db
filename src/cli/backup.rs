//! `tincay backup --out PATH [--data-dir DIR] [--key-file PATH]`: write a consistent backup.
//!
//! While a server holds the directory, the backup comes through its control socket (the
//! server takes the snapshot); otherwise the command opens the directory itself. Either way
//! the file is written under a temporary name (mode 0600), read back and checked, synced,
//! and only then given its name: a file with the backup's name is always a complete backup.
//! `--out` may name a directory, in which the file is named after the time it was taken.
//! A backup needs the master key: the file ends with a MAC under a key derived from it
//! ([`crate::store::backup`]), and reading it back checks that MAC, so every backup also
//! proves that the key given opens it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::macros::format_description;

use crate::cli::data_dir::{DataDirArgs, StoreKind};
use crate::cli::key_source::KeyArgs;
use crate::cli::{CliError, output};
use crate::control::client;
use crate::control::socket_path;
use crate::store::backup::{BackupInfo, EXTENSION, export, scan};
use crate::store::crypto::MasterKey;
use crate::store::engine::StoreError;
use crate::store::sled_store::{DATA_FILE, SledOptions, SledStore};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the backup: a new file, or an existing directory to write
    /// `tincay-YYYYMMDDTHHMMSSZ.tcbak` into. Never overwrites a file.
    #[arg(long, env = "TINCAY_BACKUP_OUT", value_name = "PATH")]
    out: PathBuf,
    #[command(flatten)]
    data: DataDirArgs,
    /// The master key of the data directory: the backup is authenticated under it (and, taken
    /// through a running server, checked against it).
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let master = args.key.load()?;
    let now = crate::clock::now();
    let out = destination(&args.out, now)?;
    let dir = &args.data.data_dir;
    // PostgreSQL is shared: the backup reads it directly, relative to the committed head,
    // while servers keep appending (see `export`).
    if args.data.postgres()?.is_some() {
        let store = args.data.open_existing()?;
        let info = write_file(&out, &master, |file| {
            export(store.as_ref(), &master, now, file)
                .map(|_| ())
                .map_err(CliError::from)
        })?;
        return report(&args, &out, &info, true);
    }
    if !dir.join(DATA_FILE).is_file() {
        return Err(CliError::Usage(format!(
            "{} holds no tincay data (is --data-dir right?)",
            dir.display()
        )));
    }
    // Offline, the log is read once, front to back (`SledOptions::one_pass`).
    let (info, online) = match SledStore::open(dir, SledOptions::one_pass()) {
        Ok(store) => {
            let info = write_file(&out, &master, |file| {
                export(&store, &master, now, file)
                    .map(|_| ())
                    .map_err(CliError::from)
            })?;
            (info, false)
        }
        Err(StoreError::Locked) => {
            let socket = socket_path(dir);
            let info = write_file(&out, &master, |file| {
                client::backup(&socket, file).map(|_| ()).map_err(|error| {
                    CliError::via_socket(dir, error, "did not send the whole backup")
                })
            })?;
            (info, true)
        }
        Err(error) => return Err(error.into()),
    };
    report(&args, &out, &info, online)
}

/// Says what the backup holds.
fn report(args: &Args, out: &Path, info: &BackupInfo, online: bool) -> Result<(), CliError> {
    output::say(&format!(
        "backup written to {}: {} records in {} streams, {} keys ({} destroyed by erasure), \
         {} bytes; head position {} mac {}; taken {}; authenticated under the given master key",
        out.display(),
        info.counts.records,
        info.counts.streams,
        info.counts.keys,
        info.counts.destroyed_keys,
        info.bytes,
        info.header.head.map_or(0, |head| head.position),
        info.header
            .head
            .map_or_else(|| "-".to_owned(), |head| head.mac.to_string()),
        match (online, args.data.store) {
            (_, StoreKind::Postgres) => "from the database",
            (true, _) => "through the running server",
            (false, _) => "directly from the data directory",
        }
    ));
    Ok(())
}

/// `out` itself, or a new file named after `now` inside the directory `out`.
fn destination(out: &Path, now: OffsetDateTime) -> Result<PathBuf, CliError> {
    let path = if out.is_dir() {
        let stamp = now
            .to_offset(time::UtcOffset::UTC)
            .format(format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .map_err(|_| CliError::Io("cannot name the backup after the time".into()))?;
        out.join(format!("tincay-{stamp}.{EXTENSION}"))
    } else {
        out.to_owned()
    };
    if path.exists() {
        return Err(CliError::Usage(format!(
            "{} exists: a backup never overwrites a file",
            path.display()
        )));
    }
    Ok(path)
}

/// Write a backup through `fill` into a temporary file next to `out`, check it reads back
/// and authenticates under `master`, sync it, and give it its name. On any failure the
/// temporary file is removed.
pub fn write_file(
    out: &Path,
    master: &MasterKey,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), CliError>,
) -> Result<BackupInfo, CliError> {
    let name = out
        .file_name()
        .ok_or_else(|| CliError::Usage(format!("{} is not a file name", out.display())))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(".partial");
    let partial = out.with_file_name(partial_name);
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&partial).map_err(|e| {
            CliError::io(
                "cannot create (is another backup running, or one was interrupted?)",
                &partial,
                &e,
            )
        })?;
        let mut writer = BufWriter::new(file);
        fill(&mut writer)?;
        let file = writer
            .into_inner()
            .map_err(|e| CliError::io("cannot write", &partial, e.error()))?;
        file.sync_all()
            .map_err(|e| CliError::io("cannot sync", &partial, &e))?;
        drop(file);
        let info = scan(&partial, master).map_err(|error| match error {
            crate::store::backup::BackupError::WrongMasterKey => CliError::Usage(
                "the backup was taken, but the given master key does not open it: find the \
                 right key before you need a backup"
                    .into(),
            ),
            error => CliError::Io(format!("the backup did not come out complete: {error}")),
        })?;
        std::fs::rename(&partial, out).map_err(|e| CliError::io("cannot rename to", out, &e))?;
        sync_parent(out)?;
        Ok(info)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn sync_parent(path: &Path) -> Result<(), CliError> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(parent)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| CliError::io("cannot sync", parent, &e))
}
