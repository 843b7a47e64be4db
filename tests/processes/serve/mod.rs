//! `tincay serve` and `tincay demo`, run for real: each test gets a fresh working directory,
//! an environment without `TINCAY_*` variables, and holds [`crate::serial`]. Tests wait on
//! what the process prints and on its port, never on a timer (timeouts only bound a hang).
//!
//! - [`caddy`]: the shipped deploy/Caddyfile in front of `serve`, for real.
//! - [`command`]: `serve` itself: the missing-key advice, the address line, SIGTERM,
//!   environment variables, JSON logs.
//! - [`file_modes`]: the data directory `0700` and its files `0600` under umask 000.
//! - [`demo`]: `demo` loads its data set, prints its users, serves, and starts again.
//! - [`client`]: a blocking HTTP/1.1 client, with bearer tokens, that survives a killed server.
//! - [`site`]: a province, a commune, trusted addresses and their users, made through the
//!   real interfaces (`tincay user add`, then the admin API).

mod caddy;
pub mod client;
mod command;
mod demo;
mod file_modes;
pub mod site;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::MutexGuard;
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a start may take before the test gives up (a debug build loading the demo).
const START_LIMIT: Duration = Duration::from_secs(120);

/// A working directory; holds [`crate::serial`] for the test's whole run.
pub struct Fixture {
    pub dir: TempDir,
    /// Variables every command of this fixture gets (the PostgreSQL engine's).
    env: Vec<(String, String)>,
    _serial: MutexGuard<'static, ()>,
}

impl Fixture {
    pub fn new() -> Self {
        let _serial = crate::serial();
        Self {
            dir: tempfile::tempdir().unwrap(),
            env: Vec::new(),
            _serial,
        }
    }

    /// A working directory whose every command keeps its log in the PostgreSQL database at
    /// `url` (`TINCAY_STORE=postgres`, `TINCAY_DATABASE_URL`); the data directories hold only
    /// each server's own files.
    pub fn on_postgres(url: &str) -> Self {
        let mut fx = Self::new();
        fx.env = vec![
            ("TINCAY_STORE".to_owned(), "postgres".to_owned()),
            ("TINCAY_DATABASE_URL".to_owned(), url.to_owned()),
        ];
        fx
    }

    /// Whether the log is in PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        !self.env.is_empty()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tincay"));
        command.args(args).current_dir(self.dir.path());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("TINCAY_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        command.envs(self.env.iter().map(|(name, value)| (name, value)));
        command.envs(env.iter().copied());
        command
    }

    /// `tincay keygen` into `name`.
    pub fn keygen(&self, name: &str) -> String {
        let status = self
            .command(&["keygen", "--out", name], &[])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        self.path(name).to_str().unwrap().to_owned()
    }

    /// `tincay user add --role admin --password-stdin --key-file KEY`, on a directory no
    /// server holds yet.
    pub fn add_admin(&self, key: &str, username: &str, password: &str) {
        self.add_user(key, username, password, &["--role", "admin"]);
    }

    /// `tincay user add` on the server itself (the operator's console: the account is active
    /// at once), directly or through a running server's control socket.
    pub fn add_user(&self, key: &str, username: &str, password: &str, role: &[&str]) {
        let mut child = self
            .command(&["user", "add", "--username", username], &[])
            .args(role)
            .args(["--password-stdin", "--key-file", key])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{password}").unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
    }

    /// Start `tincay ARGS` and wait until it prints `listening on http://ADDR`.
    pub fn start(&self, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = self
            .command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines, received) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if lines.send(line).is_err() {
                    return;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut printed = Vec::new();
        let deadline = Instant::now() + START_LIMIT;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = line.strip_prefix("listening on http://") {
                        break addr.to_owned();
                    }
                    printed.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let errors = stderr.join().unwrap();
                    panic!("no `listening on` line; printed {printed:?}; stderr:\n{errors}");
                }
            }
        };
        Server {
            child: Reaped(Some(child)),
            addr,
            printed,
            lines: received,
            stderr,
        }
    }
}

/// A child process that is killed and reaped when dropped: a test that panics before it
/// stops its server does not leave a `tincay serve` running (holding its port and directory).
struct Reaped(Option<Child>);

impl Reaped {
    fn take(&mut self) -> Child {
        self.0.take().expect("the process was taken once")
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A running `tincay` process.
pub struct Server {
    child: Reaped,
    pub addr: String,
    /// Every stdout line before `listening on`.
    pub printed: Vec<String>,
    /// Every stdout line after it, as printed.
    lines: Receiver<String>,
    stderr: JoinHandle<String>,
}

/// What a stopped server left behind.
#[derive(Debug)]
pub struct Stopped {
    pub status: ExitStatus,
    pub took: Duration,
    pub stderr: String,
    /// Every stdout line after `listening on`.
    pub stdout: Vec<String>,
}

impl Server {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.0.as_ref().map_or(0, Child::id)
    }

    /// The value of the gauge `name` in the server's `/metrics` (reading them writes nothing).
    pub fn gauge(&self, name: &str) -> u64 {
        let (status, text) = self.http("GET", "/metrics", None);
        assert_eq!(status, 200, "{text}");
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("no gauge {name} in /metrics"))
    }

    /// `METHOD PATH` with an optional JSON body; the status and the body.
    pub fn http(&self, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
        client::request(&self.addr, method, path, None, json).unwrap()
    }

    /// `METHOD /api/v1PATH` as the holder of `token`, with an optional JSON body.
    pub fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> (u16, String) {
        client::api(&self.addr, method, path, token, body).unwrap()
    }

    /// SIGKILL, then wait for the exit: no chance to flush or clean up anything.
    pub fn kill(self) -> Stopped {
        let Server {
            child: mut reaped,
            lines,
            stderr,
            ..
        } = self;
        let mut child = reaped.take();
        let sent = Instant::now();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        stopped(status, sent, &lines, stderr)
    }

    /// SIGTERM, then wait for the exit (at most 20 s, so a hang fails instead of blocking).
    pub fn terminate(self) -> Stopped {
        let Server {
            child: mut reaped,
            lines,
            stderr,
            ..
        } = self;
        let mut child = reaped.take();
        let pid = child.id().to_string();
        let sent = Instant::now();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let (done, exited) = mpsc::channel();
        std::thread::spawn(move || {
            let status = child.wait();
            let _ = done.send((status, child));
        });
        let status = match exited.recv_timeout(Duration::from_secs(20)) {
            Ok((status, _)) => status.unwrap(),
            Err(_) => panic!("the server did not exit within 20 s of SIGTERM"),
        };
        stopped(status, sent, &lines, stderr)
    }
}

/// What an exited process printed: its stdout and stderr end once it is gone.
fn stopped(
    status: ExitStatus,
    sent: Instant,
    lines: &Receiver<String>,
    stderr: JoinHandle<String>,
) -> Stopped {
    let took = sent.elapsed();
    Stopped {
        status,
        took,
        stderr: stderr.join().unwrap(),
        stdout: lines.iter().collect(),
    }
}

/// The permission bits of a file.
pub fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
