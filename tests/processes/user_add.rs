//! `tincay user add`, run for real: on a fresh directory it opens the store itself; on a
//! directory a running server holds, it goes through the server's control socket (mode
//! 0600), and the new user can sign in at once. The password never shows in what it prints.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, MutexGuard};

use serde_json::json;
use tempfile::TempDir;
use tincay::http::state::{HttpSettings, SystemClock};
use tincay::server::{App, ServerConfig};
use tincay::store::log::LogOptions;
use tincay::store::sled_store::{SledOptions, SledStore};
use tokio::sync::oneshot;

use crate::support::master;

const PASSWORD: &str = "mật khẩu đủ dài 2026";

/// What a run of the binary left behind.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A working directory with a key file; holds [`crate::serial`] for the test's whole run.
struct Fixture {
    dir: TempDir,
    _serial: MutexGuard<'static, ()>,
}

impl Fixture {
    fn new() -> Self {
        let _serial = crate::serial();
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("master.key");
        std::fs::write(&key, master().to_base64().as_bytes()).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        Self { dir, _serial }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("tincay-data")
    }

    /// `tincay user add ARGS --key-file master.key` with the password piped in, run off the
    /// runtime's workers so that a server in this process keeps serving meanwhile.
    async fn user_add(&self, args: &[&str]) -> Run {
        let dir = self.dir.path().to_owned();
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        tokio::task::spawn_blocking(move || run_user_add(&dir, &args, &format!("{PASSWORD}\n")))
            .await
            .unwrap()
    }
}

fn run_user_add(dir: &Path, args: &[String], stdin: &str) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tincay"));
    command
        .args(["user", "add"])
        .args(args)
        .args(["--key-file", "master.key"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("TINCAY_") {
            command.env_remove(name);
        }
    }
    let mut child = command.spawn().unwrap();
    // A refusal may come before the password is read: the pipe may be closed by then.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stdout.contains(PASSWORD), "{run:?}");
    assert!(!run.stderr.contains(PASSWORD), "{run:?}");
    run
}

/// A server over `dir` on port 0, running until the returned sender fires.
pub struct Server {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<()>,
}

pub async fn serve(dir: &Path) -> Server {
    let app = App::build(
        ServerConfig {
            data_dir: dir.to_owned(),
            listen: "127.0.0.1:0".parse().unwrap(),
            master_key: master(),
            http: HttpSettings::default(),
            log: LogOptions::default(),
            checkpoints: tincay::projections::checkpointer::CheckpointPolicy::default(),
            retention: tincay::domain::case::retention::RetentionPeriod::DEFAULT,
            store_cache_bytes: 64 * 1024 * 1024,
            database_url: None,
        },
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let addr = app.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        app.run(async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server { addr, stop, done }
}

impl Server {
    async fn sign_in(&self, username: &str) -> reqwest::StatusCode {
        reqwest::Client::new()
            .post(format!("http://{}/api/v1/sessions", self.addr))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .status()
    }

    pub async fn stop(self) {
        self.stop.send(()).unwrap();
        self.done.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_initialises_a_fresh_directory_and_the_user_can_sign_in() {
    let fx = Fixture::new();

    let run = fx
        .user_add(&["--username", "admin", "--role", "admin", "--password-stdin"])
        .await;

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("added user"), "{run:?}");
    let server = serve(&fx.data()).await;
    assert_eq!(server.sign_in("admin").await, 201);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_goes_through_the_control_socket_of_a_running_server() {
    let fx = Fixture::new();
    let first = fx
        .user_add(&["--username", "admin", "--role", "admin", "--password-stdin"])
        .await;
    assert_eq!(first.code, Some(0), "{first:?}");
    let server = serve(&fx.data()).await;

    let socket = fx.data().join("control.sock");
    let metadata = std::fs::metadata(&socket).unwrap();
    assert!(metadata.file_type().is_socket());
    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
    let run = fx
        .user_add(&[
            "--username",
            "admin.2",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .await;

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("through the running server"), "{run:?}");
    assert_eq!(server.sign_in("admin.2").await, 201);
    let taken = fx
        .user_add(&[
            "--username",
            "admin.2",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .await;
    assert_eq!(taken.code, Some(2), "{taken:?}");
    assert!(taken.stderr.contains("--username: is taken"), "{taken:?}");
    let no_area = fx
        .user_add(&[
            "--username",
            "gs",
            "--role",
            "supervisor",
            "--area",
            "62",
            "--password-stdin",
        ])
        .await;
    assert_eq!(no_area.code, Some(2), "{no_area:?}");
    assert!(
        no_area.stderr.contains("--area: no such area"),
        "{no_area:?}"
    );
    server.stop().await;
    assert!(!socket.exists(), "the socket goes with the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_role_or_a_missing_binding_is_a_clear_error_with_exit_code_2() {
    let fx = Fixture::new();

    for (args, says) in [
        (
            &["--username", "a", "--role", "boss", "--password-stdin"][..],
            "invalid value",
        ),
        (
            &[
                "--username",
                "a",
                "--role",
                "supervisor",
                "--password-stdin",
            ],
            "--role supervisor needs --area CODE",
        ),
        (
            &["--username", "a", "--role", "volunteer", "--password-stdin"],
            "--role volunteer needs --trusted-address ID",
        ),
        (
            &[
                "--username",
                "a",
                "--role",
                "admin",
                "--area",
                "62",
                "--password-stdin",
            ],
            "--role admin takes no --area",
        ),
        (&["--username", "a", "--role", "admin"], "--password-stdin"),
    ] {
        let run = fx.user_add(args).await;
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(run.stderr.contains(says), "{args:?}: {run:?}");
    }
    assert!(!fx.data().exists(), "nothing was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_password_is_refused_before_anything_is_written() {
    let fx = Fixture::new();
    let dir = fx.dir.path().to_owned();
    let args: Vec<String> = ["--username", "a", "--role", "admin", "--password-stdin"]
        .iter()
        .map(|arg| (*arg).to_owned())
        .collect();

    let run = tokio::task::spawn_blocking(move || run_user_add(&dir, &args, "ngắn\n"))
        .await
        .unwrap();

    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("at least 10 characters"), "{run:?}");
    assert!(!fx.data().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_but_guessable_password_is_refused_before_anything_is_written() {
    let fx = Fixture::new();
    let dir = fx.dir.path().to_owned();
    let args: Vec<String> = ["--username", "a", "--role", "admin", "--password-stdin"]
        .iter()
        .map(|arg| (*arg).to_owned())
        .collect();

    let run = tokio::task::spawn_blocking(move || run_user_add(&dir, &args, "aaaaaaaaaa\n"))
        .await
        .unwrap();

    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("too easy to guess"), "{run:?}");
    assert!(!run.stderr.contains("aaaaaaaaaa"), "{run:?}");
    assert!(!fx.data().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_held_by_something_other_than_a_server_is_a_clear_error() {
    let fx = Fixture::new();
    let first = fx
        .user_add(&["--username", "admin", "--role", "admin", "--password-stdin"])
        .await;
    assert_eq!(first.code, Some(0), "{first:?}");
    let held = SledStore::open(&fx.data(), SledOptions::default()).unwrap();

    let run = fx
        .user_add(&[
            "--username",
            "admin.2",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .await;

    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("takes no commands"), "{run:?}");
    drop(held);
}
