//! `tincay serve` and `tincay demo`, run for real: each test gets a fresh working directory,
//! an environment without `TINCAY_*` variables, and holds [`crate::serial`]. Tests wait on
//! what the process prints and on its port, never on a timer (timeouts only bound a hang).
//!
//! - [`command`]: `serve` itself: the missing-key advice, the address line, SIGTERM,
//!   environment variables, JSON logs.
//! - [`demo`]: `demo` loads its data set, prints its users, serves, and starts again.

mod command;
mod demo;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
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
    _serial: MutexGuard<'static, ()>,
}

impl Fixture {
    pub fn new() -> Self {
        let _serial = crate::serial();
        Self {
            dir: tempfile::tempdir().unwrap(),
            _serial,
        }
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
            child,
            addr,
            printed,
            _lines: received,
            stderr: Some(stderr),
        }
    }
}

/// A running `tincay` process.
pub struct Server {
    child: Child,
    pub addr: String,
    /// Every stdout line before `listening on`.
    pub printed: Vec<String>,
    _lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

/// What a stopped server left behind.
#[derive(Debug)]
pub struct Stopped {
    pub status: ExitStatus,
    pub took: Duration,
    pub stderr: String,
}

impl Server {
    /// `METHOD PATH` with an optional JSON body; the status and the body.
    pub fn http(&self, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = json.unwrap_or("");
        let content_type = if json.is_some() {
            "content-type: application/json\r\n"
        } else {
            ""
        };
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n{content_type}content-length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not HTTP: {answer}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// SIGTERM, then wait for the exit (at most 20 s, so a hang fails instead of blocking).
    pub fn terminate(mut self) -> Stopped {
        let pid = self.child.id().to_string();
        let sent = Instant::now();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let mut child = self.child;
        let (done, exited) = mpsc::channel();
        std::thread::spawn(move || {
            let status = child.wait();
            let _ = done.send((status, child));
        });
        let status = match exited.recv_timeout(Duration::from_secs(20)) {
            Ok((status, _)) => status.unwrap(),
            Err(_) => panic!("the server did not exit within 20 s of SIGTERM"),
        };
        let took = sent.elapsed();
        let stderr = self.stderr.take().unwrap().join().unwrap();
        Stopped {
            status,
            took,
            stderr,
        }
    }
}

/// The permission bits of a file.
pub fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
