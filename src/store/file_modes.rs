//! The data directory's permissions, made by tincay itself whatever the umask: the directory
//! and every directory in it `0700`, every file `0600`. What is in it is ciphertext and
//! wrapped keys, but no other local user has any business reading even that. SECURITY-
//! SENSITIVE.
//!
//! sled creates its files with the process's umask, and may create more while it runs, so
//! the command line first narrows the umask to `077` ([`restrict_umask`]); the store also
//! creates the directory `0700` and, once open, narrows the modes of whatever is already in
//! it ([`make_private`]), which covers a directory made by an older version or another tool.
//! `serve` refuses a directory others can reach ([`check_private`]).

use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

/// Mode of the data directory and of every directory in it.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file in the data directory.
pub const FILE_MODE: u32 = 0o600;

/// Files created by this process from now on are the owner's only.
pub fn restrict_umask() {
    #[cfg(target_os = "linux")]
    {
        let _previous = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

/// Create `dir` (and missing parents) with mode `0700`, if it does not exist.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    // The mode given to `mkdir` is narrowed by the umask, never widened, so this only
    // matters under an odd umask such as 0o277; set it exactly.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
}

/// Narrow `dir` to `0700` and everything in it to `0700` (directories) or `0600` (files).
/// Symbolic links are left alone and not followed.
pub fn make_private(dir: &Path) -> io::Result<()> {
    narrow(dir, DIR_MODE)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            make_private(&entry.path())?;
        } else if kind.is_file() {
            narrow(&entry.path(), FILE_MODE)?;
        }
    }
    Ok(())
}

/// Take away whatever `mode` does not allow (never adds a permission).
fn narrow(path: &Path, mode: u32) -> io::Result<()> {
    let current = std::fs::symlink_metadata(path)?.permissions().mode() & 0o7777;
    let narrowed = current & mode;
    if narrowed != current {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(narrowed))?;
    }
    Ok(())
}

/// `Err(advice)` when group or others may read, write or enter `path`.
pub fn check_private(path: &Path, what: &str) -> Result<(), String> {
    let Ok(metadata) = std::fs::metadata(path) else {
        return Ok(());
    };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    let fix = if metadata.is_dir() {
        format!("chmod -R go-rwx {}", path.display())
    } else {
        format!("chmod 600 {}", path.display())
    };
    Err(format!(
        "{what} {} has mode {mode:o}: other local users may read it; run `{fix}` and start again",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_directory_and_its_files_are_made_the_owners_only() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir(dir.join("blobs")).unwrap();
        std::fs::set_permissions(dir.join("blobs"), std::fs::Permissions::from_mode(0o777))
            .unwrap();
        for file in ["db", "blobs/1"] {
            std::fs::write(dir.join(file), b"x").unwrap();
            std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o664))
                .unwrap();
        }
        assert!(check_private(&dir, "data directory").is_err());

        make_private(&dir).unwrap();

        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("blobs")), 0o700);
        assert_eq!(mode(&dir.join("db")), 0o600);
        assert_eq!(mode(&dir.join("blobs/1")), 0o600);
        assert_eq!(check_private(&dir, "data directory"), Ok(()));
    }

    #[test]
    fn the_refusal_says_how_to_fix_it() {
        let root = tempfile::tempdir().unwrap();
        let key = root.path().join("tincay.key");
        std::fs::write(&key, b"k").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
        let advice = check_private(&key, "key file").unwrap_err();
        assert!(advice.contains("chmod 600"), "{advice}");
        assert!(advice.contains("640"), "{advice}");
    }

    #[test]
    fn a_new_directory_is_made_0700() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
    }
}
