//! The browser processes of one test: Debian's `chromedriver` on a free local port, and the
//! Chromium it starts, with a fresh profile in a temporary directory (so an empty cache, no
//! cookies, no storage). Dropping a [`Driver`] ends the WebDriver session if it is still
//! open (Chromium exits with it; when the test failed, what the browser showed is saved
//! first as `target/screenshots/FAILED-<test>.png`), stops chromedriver and removes the
//! profile.
//!
//! Where the programs are: `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's
//! `chromium` and `chromium-driver`, which `./test.sh` installs when missing), or the paths in
//! `TINCAY_CHROMIUM` and `TINCAY_CHROMEDRIVER`. A missing program fails the test with a
//! message that says how to install it: these tests never skip.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::checks::SCREENSHOTS;

/// How long chromedriver may take to start listening.
const DRIVER_START: Duration = Duration::from_secs(20);

/// The browser binary.
pub fn chromium_path() -> PathBuf {
    program("TINCAY_CHROMIUM", "/usr/bin/chromium")
}

/// The WebDriver server binary.
pub fn chromedriver_path() -> PathBuf {
    program("TINCAY_CHROMEDRIVER", "/usr/bin/chromedriver")
}

fn program(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "{} not found: the browser tests need Debian's chromium and chromium-driver. \
         Run ./test.sh (it installs them when missing), or `apt-get install -y chromium \
         chromium-driver`, or set {variable} to the program's path.",
        path.display()
    );
    path
}

/// A running chromedriver and the profile directory of its browser.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    addr: SocketAddr,
    /// The Chromium profile (`--user-data-dir`); removed on drop unless a test took it
    /// (to read what the browser kept on disk).
    pub profile: Option<TempDir>,
    /// The open WebDriver session, closed on drop if the test did not close it.
    pub session: Option<String>,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it says it listens.
    pub fn start() -> Driver {
        let program = chromedriver_path();
        let mut last_failure = String::new();
        // The port is free when drawn, but another process may take it before chromedriver
        // binds it: then chromedriver exits, and a new port is drawn.
        for _ in 0..3 {
            let addr = free_port();
            let mut child = Command::new(&program)
                .arg(format!("--port={}", addr.port()))
                .arg("--log-level=SEVERE")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()));
            match started(&mut child) {
                Ok(()) => {
                    return Driver {
                        child,
                        addr,
                        profile: Some(
                            tempfile::Builder::new()
                                .prefix("tincay-chromium-")
                                .tempdir()
                                .expect("a temporary profile directory"),
                        ),
                        session: None,
                    };
                }
                Err(failure) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_failure = format!("port {}: {failure}", addr.port());
                }
            }
        }
        panic!("chromedriver did not start: {last_failure}");
    }

    /// The WebDriver URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The capabilities of a headless Chromium session on this driver's profile.
    pub fn capabilities(&self) -> serde_json::Map<String, Value> {
        let profile = self.profile.as_ref().expect("the profile is not taken yet");
        let profile = format!("--user-data-dir={}", profile.path().display());
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": { "pageLoad": 30_000, "script": 15_000, "implicit": 0 },
            "goog:chromeOptions": {
                "binary": chromium_path(),
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-extensions",
                    "--hide-scrollbars",
                    "--force-device-scale-factor=1",
                    // The tests never reach the internet: every other host fails to resolve
                    // at once (the quick exit's neutral site among them).
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--lang=vi",
                    "--window-size=1280,900",
                    profile,
                ],
            },
        });
        match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            // The test ended without closing its browser (a failed assertion): keep what the
            // browser showed, then end the session the way `Client::close` would, so
            // Chromium does not outlive the test.
            if std::thread::panicking() {
                save_failure_screenshot(self.addr, &session);
            }
            let _ = delete_session(self.addr, &session);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A local port nobody listens on now.
fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    listener.local_addr().expect("its address")
}

/// Waits for chromedriver's word that it listens ("... started successfully ..." on its
/// standard output), or its exit, or the deadline. A thread keeps reading its output to
/// the end, so chromedriver never writes into a closed pipe.
fn started(child: &mut Child) -> Result<(), String> {
    let output = child.stdout.take().ok_or("no standard output")?;
    let (said, heard) = mpsc::channel();
    std::thread::spawn(move || {
        let mut said = Some(said);
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { break };
            if line.contains("started successfully") {
                if let Some(said) = said.take() {
                    let _ = said.send(Ok(()));
                }
            } else if let Some(said) = &said {
                let _ = said.send(Err(line));
            }
        }
    });
    let mut said_before = Vec::new();
    let deadline = Instant::now() + DRIVER_START;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match heard.recv_timeout(left) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(line)) => said_before.push(line),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(format!("chromedriver exited: {}", said_before.join(" / ")));
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "no word from chromedriver in {DRIVER_START:?}: {}",
                    said_before.join(" / ")
                ));
            }
        }
    }
}

/// Saves what the browser shows as `target/screenshots/FAILED-<test>.png`.
fn save_failure_screenshot(addr: SocketAddr, session: &str) {
    let Ok(reply) = http(addr, "GET", &format!("/session/{session}/screenshot")) else {
        return;
    };
    let png = serde_json::from_str::<Value>(&reply)
        .ok()
        .and_then(|reply| reply.get("value")?.as_str().map(str::to_owned))
        .and_then(|data| STANDARD.decode(data).ok());
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .replace("::", "-");
    if let Some(png) = png {
        let path = SCREENSHOTS.join(format!("FAILED-{test}.png"));
        if std::fs::write(&path, png).is_ok() {
            eprintln!("what the browser showed: {}", path.display());
        }
    }
}

fn delete_session(addr: SocketAddr, session: &str) -> std::io::Result<String> {
    http(addr, "DELETE", &format!("/session/{session}"))
}

/// A bodiless HTTP/1.1 request to chromedriver, synchronously (usable in `Drop`): the
/// reply's body. chromedriver keeps the connection open, so the body is read by its length.
fn http(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n"
    )?;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        received.extend_from_slice(buffer.get(..read).unwrap_or_default());
        let text = String::from_utf8_lossy(&received);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse::<usize>().ok());
            if length.is_some_and(|length| body.len() >= length) {
                return Ok(body.to_owned());
            }
        }
    }
    Ok(String::from_utf8_lossy(&received).into_owned())
}
