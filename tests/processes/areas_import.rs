//! `tincay areas import`, run for real: into a fresh directory, again (nothing written), and
//! through the control socket of a running server, where a unit that exists with other data
//! is reported, left alone, and makes the command exit 1.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::master;
use crate::user_add::serve;

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/areas/vn-2025.csv");

/// What a run of the binary left behind.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

async fn import(dir: &Path, args: &[&str]) -> Run {
    let dir = dir.to_owned();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tincay"));
        command
            .args(["areas", "import"])
            .args(&args)
            .args(["--key-file", "master.key"])
            .current_dir(&dir);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("TINCAY_") {
                command.env_remove(name);
            }
        }
        let output = command.output().unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// `serial` is held for the whole test by design (see `crate::serial`).
#[allow(clippy::await_holding_lock)]
async fn areas_import_loads_a_province_once_and_reports_a_conflict_through_the_server() {
    let _serial = crate::serial();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("master.key");
    std::fs::write(&key, master().to_base64().as_bytes()).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();

    let first = import(dir.path(), &["--file", SHIPPED, "--province", "51"]).await;
    assert_eq!(first.code, Some(0), "{first:?}");
    assert!(
        first.stdout.contains("added 51 Tỉnh Quảng Ngãi (tỉnh)\n"),
        "{first:?}"
    );
    assert!(
        first.stdout.contains("added 23500 Xã Đăk Hà (xã)\n"),
        "{first:?}"
    );
    assert!(first.stdout.contains("added 97 units ("), "{first:?}");
    let again = import(dir.path(), &["--file", SHIPPED, "--province", "51"]).await;
    assert_eq!(again.code, Some(0), "{again:?}");
    assert!(
        again
            .stdout
            .starts_with("added 0 units; retired 0; 97 already there"),
        "{again:?}"
    );

    let server = serve(&dir.path().join("tincay-data")).await;
    let dry = import(
        dir.path(),
        &["--file", SHIPPED, "--province", "01", "--dry-run"],
    )
    .await;
    assert_eq!(dry.code, Some(0), "{dry:?}");
    assert!(
        dry.stdout.contains("(through the running server)"),
        "{dry:?}"
    );
    assert!(dry.stdout.contains("would add 127 units"), "{dry:?}");
    let renamed = dir.path().join("renamed.csv");
    std::fs::write(
        &renamed,
        "code,name,type,level,parent,valid_from,valid_to,successor\n\
         51,Tỉnh Quảng Ngãi Mới,tỉnh,province,,2025-07-01,,\n\
         01,Thành phố Hà Nội,thành phố trung ương,province,,2025-07-01,,\n",
    )
    .unwrap();
    let conflict = import(dir.path(), &["--file", renamed.to_str().unwrap()]).await;
    assert_eq!(conflict.code, Some(1), "{conflict:?}");
    assert!(
        conflict
            .stdout
            .contains("conflict 51: the registry has another name; left as it is"),
        "{conflict:?}"
    );
    assert!(
        conflict.stdout.contains("added 01 Thành phố Hà Nội"),
        "{conflict:?}"
    );
    assert!(
        conflict.stderr.contains("1 units exist with other data"),
        "{conflict:?}"
    );
    server.stop().await;

    let after = import(
        dir.path(),
        &["--file", renamed.to_str().unwrap(), "--dry-run"],
    )
    .await;
    assert!(
        after.stdout.contains("conflict 51"),
        "the name was not overwritten: {after:?}"
    );
}
