//! `tincay backup` and `tincay restore` for real: a backup of a serving `tincay` while
//! clients write over HTTP holds every write answered before it started, and restores to a
//! verifying copy; a wrong key is refused clearly, leaving nothing behind; the restore drill
//! script of `deploy/` passes on a small demo data set; the systemd units pass
//! `systemd-analyze verify` where systemd is installed.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use tincay::store::engine::EventStore;
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;

use crate::serve::site::{self, Plan};
use crate::serve::{Fixture, client};

const CLIENTS: usize = 6;

#[test]
fn a_backup_of_a_serving_tincay_under_load_holds_every_write_answered_before_it_started() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let plan = Plan::plain();
    fx.add_admin(&key, &plan.admin.username, &plan.admin.password);
    // One volunteer's clients write as fast as they can: the backup is tested here, not the
    // per-user rate.
    let server = fx.start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--key-file",
            &key,
            "--user-requests-per-minute",
            "1000000",
        ],
        &[],
    );
    site::set_up(&fx, &key, &server, &plan);
    let token = site::sign_in(&server, &plan.volunteer);

    let stop = Arc::new(AtomicBool::new(false));
    let (acked, received) = mpsc::channel::<(String, u64)>();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (addr, token) = (server.addr.clone(), token.clone());
            let (acked, stop) = (acked.clone(), Arc::clone(&stop));
            std::thread::spawn(move || write_until_stopped(&addr, &token, &acked, &stop))
        })
        .collect();
    drop(acked);
    let mut before: BTreeMap<String, u64> = BTreeMap::new();
    for (case, version) in received.iter().take(60) {
        let known = before.entry(case).or_default();
        *known = (*known).max(version);
    }
    // Every write answered so far was answered before the backup starts.
    let output = fx
        .command(&["backup", "--out", "load.tcbak", "--key-file", &key], &[])
        .output()
        .unwrap();
    let during = received.recv_timeout(Duration::from_secs(30)).is_ok();
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().unwrap();
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("through the running server"), "{stdout}");
    assert!(during, "the clients kept writing");
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");

    let restored = fx
        .command(
            &["restore", "--from", "load.tcbak", "--data-dir", "restored"],
            &[("TINCAY_KEY_FILE", key.as_str())],
        )
        .output()
        .unwrap();
    assert!(restored.status.success(), "{restored:?}");
    let verified = fx
        .command(
            &["verify", "--data-dir", "restored", "--key-file", &key],
            &[],
        )
        .output()
        .unwrap();
    assert!(verified.status.success(), "{verified:?}");
    let store = SledStore::open(&fx.path("restored"), SledOptions::default()).unwrap();
    for (case, version) in &before {
        let stream = StreamId::parse(&format!("case-{case}")).unwrap();
        let found = store.stream_version(&stream).unwrap();
        assert!(
            found >= *version,
            "case {case}: {found} < answered {version}"
        );
    }
    println!(
        "{} cases written before the backup are all in the restore",
        before.len()
    );
}

/// Open cases and add notes until told to stop, reporting each (case, version) answered 201.
fn write_until_stopped(
    addr: &str,
    token: &str,
    acked: &mpsc::Sender<(String, u64)>,
    stop: &AtomicBool,
) {
    let opening = json!({
        "opened_on": "2026-01-15", "referred_by": "self",
        "survivor": {"name": "Chị B", "birth_year": 1990, "sex": "female", "ethnicity": "01",
                     "disability": false},
        "violence_types": ["physical"], "perpetrator": "spouse", "risk_level": "medium",
        "consent": {"services": true, "referral": true, "reporting": true}
    });
    while !stop.load(Ordering::SeqCst) {
        let (status, body) =
            client::api(addr, "POST", "/cases", Some(token), Some(&opening)).unwrap();
        assert_eq!(status, 201, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        let case = answer["id"].as_str().unwrap().to_owned();
        let _ = acked.send((case.clone(), 1));
        for n in 0..3 {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let note = json!({"text": format!("note {n}")});
            let path = format!("/cases/{case}/notes");
            let (status, body) =
                client::api(addr, "POST", &path, Some(token), Some(&note)).unwrap();
            assert_eq!(status, 201, "{body}");
            let answer: Value = serde_json::from_str(&body).unwrap();
            let _ = acked.send((case.clone(), answer["version"].as_u64().unwrap()));
        }
    }
}

#[test]
fn a_restore_with_the_wrong_key_is_refused_clearly_and_leaves_nothing() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let other = fx.keygen("other.key");
    let plan = Plan::plain();
    fx.add_admin(&key, &plan.admin.username, &plan.admin.password);
    let output = fx
        .command(&["backup", "--out", "b.tcbak", "--key-file", &key], &[])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("directly from the data directory"),
        "{stdout}"
    );

    let refused = fx
        .command(
            &[
                "restore",
                "--from",
                "b.tcbak",
                "--data-dir",
                "copy",
                "--key-file",
                &other,
            ],
            &[],
        )
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("the master key does not match this backup"),
        "{stderr}"
    );
    assert!(!fx.path("copy").exists());

    // Into the live directory itself: refused, as it is not empty.
    let refused = fx
        .command(&["restore", "--from", "b.tcbak", "--key-file", &key], &[])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not empty"));
}

#[test]
fn the_restore_drill_passes_on_a_small_demo_data_set() {
    let fx = Fixture::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/restore-drill.sh");
    if Command::new("curl").arg("--version").output().is_err() {
        println!("SKIPPED: the restore drill needs curl, which is not installed");
        return;
    }
    let output = Command::new("bash")
        .arg(script)
        .env("TINCAY", env!("CARGO_BIN_EXE_tincay"))
        .env("DRILL_CASES", "20")
        .env("TMPDIR", fx.dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("restore-drill: passed"), "{stdout}");
    assert!(stdout.contains("the erased one is gone (410)"), "{stdout}");
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify() {
    let _serial = crate::serial();
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("SKIPPED: systemd-analyze is not installed, so the units cannot be checked here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let mut units = Vec::new();
    for name in [
        "tincay.service",
        "tincay-backup.service",
        "tincay-backup.timer",
    ] {
        // The units name the installed binary; point them at the one just built, which
        // `verify` requires to exist.
        let text = std::fs::read_to_string(deploy.join(name))
            .unwrap()
            .replace("/usr/local/bin/tincay", env!("CARGO_BIN_EXE_tincay"));
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        units.push(path);
    }
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .args(&units)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_format_1_directory_is_refused_by_serve_and_upgraded_by_migrate_after_a_backup() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let plan = Plan::plain();
    fx.add_admin(&key, &plan.admin.username, &plan.admin.password);
    // As tincay left a directory before data format 2: format 1, no log id.
    {
        let db = sled::open(fx.path("tincay-data")).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("format", &1u32.to_be_bytes()).unwrap();
        meta.remove("log_id").unwrap();
        db.flush().unwrap();
    }
    let refused = fx
        .command(
            &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
            &[],
        )
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("has format 1, older than"), "{stderr}");
    assert!(stderr.contains("tincay migrate --backup-out"), "{stderr}");

    let migrated = fx
        .command(
            &[
                "migrate",
                "--backup-out",
                "pre-upgrade.tcbak",
                "--key-file",
                &key,
            ],
            &[],
        )
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    let stdout = String::from_utf8_lossy(&migrated.stdout);
    assert!(stdout.contains("from format 1 to 4"), "{stdout}");
    assert!(fx.path("pre-upgrade.tcbak").is_file());
    let again = fx
        .command(
            &["migrate", "--backup-out", "again.tcbak", "--key-file", &key],
            &[],
        )
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to do"));
    assert!(!fx.path("again.tcbak").exists());

    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        &[],
    );
    site::sign_in(&server, &plan.admin);
    assert!(server.terminate().status.success());
}

#[test]
fn the_version_names_the_git_commit() {
    let fx = Fixture::new();
    let output = fx.command(&["--version"], &[]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(stdout.starts_with("tincay 0."), "{stdout}");
    assert!(stdout.contains("(commit "), "{stdout}");
}

#[test]
fn a_configuration_file_sets_what_flags_and_variables_do_not_and_a_typo_is_an_error() {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    std::fs::write(
        fx.path("tincay.toml"),
        format!("data_dir = \"from-file\"\nkey_file = \"{key}\"\nlisten = \"127.0.0.1:0\"\n"),
    )
    .unwrap();
    let server = fx.start(&["serve", "--config", "tincay.toml"], &[]);
    assert!(server.terminate().status.success());
    assert!(
        fx.path("from-file").join("db").is_file(),
        "the file's data_dir"
    );
    // A variable beats the file.
    let server = fx.start(
        &["serve"],
        &[
            ("TINCAY_CONFIG", "tincay.toml"),
            ("TINCAY_DATA_DIR", "from-env"),
        ],
    );
    assert!(server.terminate().status.success());
    assert!(
        fx.path("from-env").join("db").is_file(),
        "the variable's data_dir"
    );

    std::fs::write(fx.path("typo.toml"), "data_dri = \"x\"\n").unwrap();
    let output = fx
        .command(&["serve", "--config", "typo.toml"], &[])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("typo.toml") && stderr.contains("data_dri"),
        "{stderr}"
    );
}
