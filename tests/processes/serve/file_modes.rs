//! Issue 19, attack 5: under a permissive umask, `serve` used to leave its data directory
//! `drwxr-xr-x` and sled's file `-rw-r--r--`. Now tincay makes them the owner's only itself,
//! and refuses to serve a directory that others can read.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{Fixture, mode};

/// Sets this process's umask (its children inherit it) until dropped. The test binary runs
/// one test at a time ([`crate::serial`]), so no other test sees it.
struct Umask(rustix::fs::Mode);

impl Umask {
    fn set(raw: u32) -> Self {
        Umask(rustix::process::umask(rustix::fs::Mode::from_raw_mode(raw)))
    }
}

impl Drop for Umask {
    fn drop(&mut self) {
        rustix::process::umask(self.0);
    }
}

/// Every directory under `dir` (and `dir`) and every file, with its mode.
fn modes(dir: &Path, found: &mut Vec<(String, bool, u32)>) {
    found.push((dir.display().to_string(), true, mode(dir)));
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            modes(&entry.path(), found);
        } else if kind.is_file() {
            found.push((
                entry.path().display().to_string(),
                false,
                mode(&entry.path()),
            ));
        }
    }
}

#[test]
fn under_umask_000_the_data_directory_is_0700_and_its_files_0600() {
    let fx = Fixture::new();
    let _umask = Umask::set(0o000);
    let key = fx.keygen("tincay.key");
    assert_eq!(mode(Path::new(&key)), 0o600);

    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        &[],
    );
    let (status, _) = server.http("GET", "/readyz", None);
    assert_eq!(status, 200);
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");

    let mut found = Vec::new();
    modes(&fx.path("tincay-data"), &mut found);
    assert!(
        found.iter().any(|(path, _, _)| path.ends_with("/db")),
        "{found:?}"
    );
    for (path, is_dir, mode) in &found {
        let wanted = if *is_dir { 0o700 } else { 0o600 };
        assert_eq!(*mode, wanted, "{path} has mode {mode:o}");
    }
}

#[test]
fn serve_refuses_a_data_directory_others_can_read_and_says_how_to_fix_it() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        &[],
    );
    assert!(server.terminate().status.success());
    let data = fx.path("tincay-data");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();

    let refused = fx
        .command(
            &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
            &[],
        )
        .output()
        .unwrap();

    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("chmod -R go-rwx"), "{said}");
    assert!(said.contains("755"), "{said}");
    assert_eq!(mode(&data), 0o755, "nothing was changed by the refusal");
}
