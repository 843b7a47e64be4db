//! The `tincay` binary, run for real: each test gets a fresh working directory (so the
//! default `./tincay-data` lands inside it) and an environment without `TINCAY_*` variables.
//! Every run also checks that no key in the working directory appears in what it printed.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::MutexGuard;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tempfile::TempDir;
use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::ExpectedVersion;
use tincay::store::sled_store::{SledOptions, SledStore};

use crate::support::*;

const CASE_A: &str = "case-0a000000-0000-4000-8000-000000000001";
const CASE_B: &str = "case-0b000000-0000-4000-8000-000000000002";
const DATA: &str = "tincay-data";
const MISMATCH: &str = "master key does not match this data directory";

fn new_key() -> MasterKey {
    MasterKey::from_bytes([9; 32])
}

/// What a run of the binary left behind.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A working directory for the binary; holds [`crate::serial`] for the test's whole run.
struct Fixture {
    dir: TempDir,
    _serial: MutexGuard<'static, ()>,
}

impl Fixture {
    fn new() -> Self {
        let _serial = crate::serial();
        let dir = tempfile::tempdir().unwrap();
        Self { dir, _serial }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `tincay ARGS` in the working directory.
    fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// `tincay ARGS` with the given environment variables set.
    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tincay"));
        command.args(args).current_dir(self.dir.path());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("TINCAY_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        command.envs(env.iter().copied());
        let output = command.output().unwrap();
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.assert_no_key_printed(&run);
        run
    }

    /// The keys the tests use, and every `*.key` file in the working directory.
    fn assert_no_key_printed(&self, run: &Run) {
        let mut secrets = vec![base64_of(&master()), base64_of(&new_key())];
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "key") {
                secrets.push(std::fs::read_to_string(path).unwrap().trim().to_owned());
            }
        }
        let printed = format!("{}\n{}", run.stdout, run.stderr);
        for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
            assert!(!printed.contains(secret.as_str()), "key printed: {run:?}");
        }
    }

    /// A key file holding `key`, with `mode`.
    fn key_file(&self, name: &str, key: &MasterKey, mode: u32) -> String {
        let path = self.path(name);
        std::fs::write(&path, key.to_base64().as_bytes()).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// A log of three records in `./tincay-data` under [`master`], made through the library
    /// and closed; returns its key file (mode 0600).
    fn keyed_log(&self) -> String {
        let (store, log) = open_at(&self.path(DATA), master());
        let a = vec![note("a1"), note("a2")];
        log.append_blocking(request(CASE_A, ExpectedVersion::NoStream, a))
            .unwrap();
        log.append_blocking(request(CASE_B, ExpectedVersion::NoStream, vec![note("b1")]))
            .unwrap();
        log.close();
        drop((log, store));
        self.key_file("master.key", &master(), 0o600)
    }

    /// Opens `./tincay-data` in this process, as a running server would.
    fn hold(&self) -> SledStore {
        SledStore::open(&self.path(DATA), SledOptions::default()).unwrap()
    }
}

fn base64_of(key: &MasterKey) -> String {
    key.to_base64().trim().to_owned()
}

fn assert_ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{run:?}");
}

fn assert_exit(run: &Run, code: i32, stderr_says: &str) {
    assert_eq!(run.code, Some(code), "{run:?}");
    assert!(run.stderr.contains(stderr_says), "{run:?}");
}

#[test]
fn help_of_the_binary_and_of_each_subcommand_names_its_flags() {
    let fx = Fixture::new();
    for (args, flags) in [
        ("--help", "keygen verify rotate-key rebuild retention"),
        ("retention --help", "--dry-run --retention-years --data-dir"),
        ("rebuild --help", "--data-dir --key-file"),
        ("keygen --help", "--out"),
        ("verify --help", "--data-dir --key-file"),
        ("rotate-key --help", "--new-key-file --data-dir --key-file"),
    ] {
        let run = fx.run(&args.split(' ').collect::<Vec<_>>());
        assert_ok(&run);
        for flag in flags.split(' ') {
            assert!(run.stdout.contains(flag), "{args} lacks {flag}: {run:?}");
        }
    }
}

#[test]
fn an_unknown_subcommand_or_flag_exits_non_zero_with_usage() {
    let fx = Fixture::new();
    for args in [&["frobnicate"][..], &["verify", "--frobnicate"], &[]] {
        let run = fx.run(args);
        assert_ne!(run.code, Some(0), "{args:?}: {run:?}");
        assert!(run.stderr.contains("Usage:"), "{args:?}: {run:?}");
    }
}

#[test]
fn keygen_writes_a_base64_key_of_32_bytes_with_mode_0600() {
    let fx = Fixture::new();
    let run = fx.run(&["keygen", "--out", "new.key"]);
    assert_ok(&run);

    let path = fx.path("new.key");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let content = std::fs::read_to_string(&path).unwrap();
    let encoded = content.strip_suffix('\n').unwrap();
    assert_eq!(STANDARD.decode(encoded).unwrap().len(), 32);
}

#[test]
fn keygen_never_overwrites_an_existing_file() {
    let fx = Fixture::new();
    assert_ok(&fx.run(&["keygen", "--out", "k.key"]));
    let before = std::fs::read(fx.path("k.key")).unwrap();

    let again = fx.run(&["keygen", "--out", "k.key"]);

    assert_exit(&again, 2, "never overwrites");
    assert_eq!(std::fs::read(fx.path("k.key")).unwrap(), before);
}

#[test]
fn keygen_takes_its_path_from_tincay_out() {
    let fx = Fixture::new();
    let run = fx.run_with(&["keygen"], &[("TINCAY_OUT", "env.key")]);
    assert_ok(&run);
    MasterKey::parse(&std::fs::read(fx.path("env.key")).unwrap()).unwrap();
}

#[test]
fn verify_of_an_intact_log_exits_0_and_prints_the_head_position() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    let run = fx.run(&["verify", "--key-file", &key]);
    assert_ok(&run);
    assert!(run.stdout.contains("head position 3"), "{run:?}");
}

#[test]
fn verify_of_a_tampered_log_exits_1_and_names_the_position() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    let store = fx.hold();
    let mut bytes = store.read_from(2, 1).unwrap().remove(0).bytes;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    store.tamper_overwrite(2, &bytes).unwrap();
    drop(store);

    assert_exit(&fx.run(&["verify", "--key-file", &key]), 1, "position 2");
}

#[test]
fn verify_of_an_intact_chain_holding_an_undecodable_event_exits_3_and_names_the_position() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    // Issue 18's event, appended without decode before append (the test log takes it).
    let (store, log) = open_at(&fx.path(DATA), master());
    let unreadable = event(
        "support_provided",
        json!({"support_type": "shelter", "month": "-001-01"}),
        Some(json!({"provided_on": "-001-01-01"})),
    );
    log.append_blocking(request(CASE_B, ExpectedVersion::Exact(1), vec![unreadable]))
        .unwrap();
    log.append_blocking(request(CASE_A, ExpectedVersion::Exact(2), vec![note("a3")]))
        .unwrap();
    log.close();
    drop((log, store));

    let run = fx.run(&["verify", "--key-file", &key]);
    assert_exit(&run, 3, "position 4");
    assert!(run.stderr.contains("chain intact"), "{run:?}");
    let help = fx.run(&["verify", "--help"]);
    let words = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("1 the chain is broken")
            && words.contains("3 the chain is intact but the event"),
        "{help:?}"
    );
}

#[test]
fn verify_of_a_live_case_whose_key_was_destroyed_behind_the_log_exits_4() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    let store = fx.hold();
    let id = tincay::store::engine::KeyId::from_stored(&format!("dek:{CASE_A}"));
    store
        .tamper_set_key(&id, &tincay::store::engine::KeyState::Destroyed)
        .unwrap();
    drop(store);

    let run = fx.run(&["verify", "--key-file", &key]);
    assert_exit(&run, 4, CASE_A);
    assert!(run.stderr.contains("no case_erased"), "{run:?}");
    let help = fx.run(&["verify", "--help"]);
    let words = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("4 the chain is intact but erasures do not check out"),
        "{help:?}"
    );
    // A backup of it is refused as it is taken: it would not restore.
    let backup = fx.run(&["backup", "--out", "b.tcbak", "--key-file", &key]);
    assert_exit(&backup, 2, "no case_erased");
    assert!(!fx.path("b.tcbak").exists());
}

#[test]
fn verify_with_a_wrong_key_exits_2_and_says_it_does_not_match() {
    let fx = Fixture::new();
    fx.keyed_log();
    let wrong = fx.key_file("wrong.key", &new_key(), 0o600);
    let run = fx.run(&["verify", "--key-file", &wrong]);
    assert_exit(&run, 2, MISMATCH);
}

#[test]
fn verify_without_a_key_says_how_to_make_one() {
    let fx = Fixture::new();
    fx.keyed_log();
    assert_exit(&fx.run(&["verify"]), 2, "tincay keygen");
}

#[test]
fn verify_reads_the_key_from_tincay_master_key_or_tincay_key_file() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    let from_value = fx.run_with(&["verify"], &[("TINCAY_MASTER_KEY", &base64_of(&master()))]);
    let from_file = fx.run_with(&["verify"], &[("TINCAY_KEY_FILE", &key)]);
    assert_ok(&from_value);
    assert_ok(&from_file);
}

#[test]
fn verify_refuses_a_key_file_others_can_read() {
    let fx = Fixture::new();
    fx.keyed_log();
    let open = fx.key_file("open.key", &master(), 0o644);
    let run = fx.run(&["verify", "--key-file", &open]);
    assert_exit(&run, 2, "has mode 644");
    assert!(run.stderr.contains("chmod 600"), "{run:?}");
}

#[test]
fn verify_of_a_missing_data_directory_fails_without_creating_it() {
    let fx = Fixture::new();
    let key = fx.key_file("master.key", &master(), 0o600);
    let default = fx.run(&["verify", "--key-file", &key]);
    let named = fx.run(&["verify", "--key-file", &key, "--data-dir", "gone"]);
    assert_exit(&default, 2, "does not exist");
    assert_exit(&named, 2, "does not exist");
    assert!(!fx.path(DATA).exists());
    assert!(!fx.path("gone").exists());
}

#[test]
fn verify_and_rotate_key_refuse_a_directory_without_a_log_and_write_nothing_into_it() {
    let fx = Fixture::new();
    let key = fx.key_file("master.key", &master(), 0o600);
    let new = fx.key_file("new.key", &new_key(), 0o600);
    std::fs::create_dir(fx.path("empty")).unwrap();
    std::fs::write(fx.path("plain"), b"").unwrap();

    for (dir, says) in [
        ("empty", "holds no tincay log"),
        ("plain", "not a directory"),
    ] {
        let verify = fx.run(&["verify", "--key-file", &key, "--data-dir", dir]);
        let rotate = ["rotate-key", "--new-key-file", &new, "--data-dir", dir];
        let rotate = fx.run_with(&rotate, &[("TINCAY_KEY_FILE", &key)]);
        assert_exit(&verify, 2, says);
        assert_exit(&rotate, 2, says);
    }
    assert_eq!(std::fs::read_dir(fx.path("empty")).unwrap().count(), 0);
}

#[test]
fn after_rotate_key_only_the_new_key_opens_the_log_and_pii_is_readable() {
    let fx = Fixture::new();
    let old = fx.keyed_log();
    let new = fx.key_file("new.key", &new_key(), 0o600);

    let rotated = fx.run(&["rotate-key", "--key-file", &old, "--new-key-file", &new]);
    assert_ok(&rotated);

    let with_old = fx.run(&["verify", "--key-file", &old]);
    assert_exit(&with_old, 2, MISMATCH);
    let with_new = fx.run(&["verify", "--key-file", &new]);
    assert_ok(&with_new);
    let (_store, log) = open_at(&fx.path(DATA), new_key());
    let events = log.read_stream(&stream(CASE_A)).unwrap();
    let texts: Vec<_> = events.iter().map(pii_json).collect();
    let expected = [json!({"text": "a1"}), json!({"text": "a2"})];
    assert_eq!(texts, expected.map(Some));
}

#[test]
fn verify_and_rotate_key_refuse_a_directory_in_use_and_change_nothing() {
    let fx = Fixture::new();
    let old = fx.keyed_log();
    let new = fx.key_file("new.key", &new_key(), 0o600);
    let before = fx.run(&["verify", "--key-file", &old]);
    assert_ok(&before);

    let held = fx.hold();
    let verify = fx.run(&["verify", "--key-file", &old]);
    let rotate = fx.run(&["rotate-key", "--key-file", &old, "--new-key-file", &new]);
    drop(held);

    assert_exit(&verify, 2, "is in use");
    assert_exit(&rotate, 2, "is in use");
    let after = fx.run(&["verify", "--key-file", &old]);
    assert_eq!((after.code, &after.stdout), (Some(0), &before.stdout));
}

#[test]
fn no_command_prints_the_key_even_when_it_is_wrong_or_malformed() {
    let fx = Fixture::new();
    fx.keyed_log();
    let wrong = base64_of(&new_key());
    let truncated = &wrong[..wrong.len() - 2];
    for (value, says) in [
        (wrong.as_str(), "does not match"),
        (truncated, "is not a base64 32-byte key"),
    ] {
        let env = [("TINCAY_MASTER_KEY", value), ("RUST_LOG", "debug")];
        let run = fx.run_with(&["verify"], &env);
        assert_exit(&run, 2, says);
        assert!(!run.stderr.contains(truncated), "{run:?}");
    }
}

#[test]
fn rebuild_replays_the_whole_log_and_saves_the_checkpoint() {
    let fx = Fixture::new();
    let key = fx.keyed_log();

    let run = fx.run(&["rebuild", "--key-file", &key]);

    assert_ok(&run);
    assert!(run.stdout.contains("from 3 events"), "{run:?}");
    assert!(
        run.stdout.contains("checkpoint saved at position 3"),
        "{run:?}"
    );
    assert!(fx.path(DATA).join("projections.checkpoint").is_file());
}

#[test]
fn rebuild_refuses_a_directory_in_use_or_without_a_log_and_writes_nothing() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    let held = fx.hold();
    assert_exit(&fx.run(&["rebuild", "--key-file", &key]), 2, "in use");
    drop(held);
    assert!(!fx.path(DATA).join("projections.checkpoint").exists());

    let empty = fx.path("empty");
    std::fs::create_dir(&empty).unwrap();
    let run = fx.run(&["rebuild", "--key-file", &key, "--data-dir", "empty"]);
    assert_exit(&run, 2, "holds no tincay log");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
}

#[test]
fn retention_dry_run_lists_and_changes_nothing() {
    let fx = Fixture::new();
    let key = fx.keyed_log();
    let before = fx.run(&["verify", "--key-file", &key]);

    let run = fx.run(&["retention", "--dry-run", "--key-file", &key]);

    assert_ok(&run);
    assert!(run.stdout.contains("dry run: 0 closed cases"), "{run:?}");
    assert!(run.stdout.contains("of 5 years"), "{run:?}");
    let after = fx.run(&["verify", "--key-file", &key]);
    assert_eq!(before.stdout, after.stdout, "the head did not move");
    let refused = fx.run(&["retention", "--retention-years", "0", "--key-file", &key]);
    assert_ne!(refused.code, Some(0), "{refused:?}");
}
