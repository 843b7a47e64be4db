//! `tincay serve`: what it says without a key, its address line, `/healthz`, a clean exit on
//! SIGTERM, its environment variables, and JSON logs without personal data.

use std::path::Path;
use std::time::Duration;

use super::*;

#[test]
fn serve_on_an_empty_directory_without_a_key_says_how_to_make_one() {
    let fx = Fixture::new();
    let output = fx.command(&["serve"], &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tincay keygen --out"), "{stderr}");
    assert!(
        stderr.contains("tincay serve --data-dir tincay-data --key-file"),
        "{stderr}"
    );
    assert!(!fx.path("tincay-data").exists(), "nothing is created");
}

#[test]
fn serve_prints_its_address_answers_and_stops_cleanly_on_sigterm() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        &[],
    );
    assert!(server.printed.is_empty(), "{:?}", server.printed);
    let (status, body) = server.http("GET", "/healthz", None);
    assert_eq!((status, body.as_str()), (200, "{\"status\":\"alive\"}"));
    let (status, _) = server.http("GET", "/readyz", None);
    assert_eq!(status, 200);
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");
    assert!(stopped.took < Duration::from_secs(10), "{stopped:?}");
    assert!(fx.path("tincay-data").join("db").exists());
}

#[test]
fn a_server_a_test_drops_without_stopping_it_is_killed_and_reaped() {
    // As when a test panics half way: the server must not outlive it.
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        &[],
    );
    let pid = server.pid();
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    drop(server);
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "tincay serve (pid {pid}) outlived its test"
    );
}

#[test]
fn every_flag_reads_its_environment_variable() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let server = fx.start(
        &["serve"],
        &[
            ("TINCAY_LISTEN", "127.0.0.1:0"),
            ("TINCAY_KEY_FILE", &key),
            ("TINCAY_DATA_DIR", "elsewhere"),
        ],
    );
    assert_eq!(server.http("GET", "/healthz", None).0, 200);
    assert!(server.terminate().status.success());
    assert!(fx.path("elsewhere").join("db").exists());
}

#[test]
fn with_tincay_log_format_json_every_log_line_is_json_without_personal_data() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        &[("TINCAY_LOG_FORMAT", "json")],
    );
    let secret_path = "/api/v1/cases/0b7e6d8c-1111-4222-8333-944445555666";
    assert_eq!(server.http("GET", secret_path, None).0, 401);
    assert_eq!(server.http("GET", "/healthz", None).0, 200);
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");
    let lines: Vec<serde_json::Value> = stopped
        .stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let answered: Vec<_> = lines
        .iter()
        .filter(|line| line["fields"]["message"] == "request answered")
        .collect();
    assert_eq!(answered.len(), 2, "{lines:?}");
    assert_eq!(answered[1]["span"]["route"], "/healthz");
    assert_eq!(answered[1]["fields"]["status"], 200);
    assert!(answered[1]["span"]["request_id"].is_string());
    assert!(
        !stopped.stderr.contains("0b7e6d8c"),
        "a raw path was logged"
    );
    assert_eq!(mode(Path::new(&key)), 0o600);
}
