//! The kill between a group's `fdatasync` in the write-ahead log and sled's own checkpoint,
//! as a power cut would leave it: the child opens the store (a checkpoint), then, once the
//! parent has copied sled's files as they are on disk at that moment, appends from two
//! threads, each append acknowledged once its group's segment is synced. The parent kills it
//! with SIGKILL and puts sled's files back as copied, so that sled has lost everything it
//! wrote without forcing it (which SIGKILL alone would not do: the kernel keeps what a killed
//! process wrote). The reopened store must find every acknowledged append by writing the
//! log's tail into sled, and the chain must verify. `replayed_at_open` shows that the
//! acknowledged groups came from the log.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use tincay::store::log::ExpectedVersion;
use tincay::store::sled_store::wal::WAL_DIR;
use tincay::store::verify::verify;

use crate::support::*;

const CHILD_DIR: &str = "TINCAY_WAL_CRASH_CHILD_DIR";
const ROUNDS: usize = 12;

/// The child: opens the store, says so, waits for a line on stdin, then appends from two
/// threads until killed, printing each acknowledgement.
#[test]
fn wal_crash_child_appender() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let (_store, log) = open_at(Path::new(&dir), master());
    println!("opened");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    let threads: Vec<_> = (0..2)
        .map(|writer| {
            let log = log.clone();
            std::thread::spawn(move || {
                let stream_id = format!("case-wal-{writer}");
                loop {
                    let text = format!("w{writer}-{}", uuid::Uuid::new_v4());
                    let outcome = log
                        .append_blocking(request(
                            &stream_id,
                            ExpectedVersion::Any,
                            vec![note(&text)],
                        ))
                        .unwrap();
                    println!("ack {} {text}", outcome.last_position);
                }
            })
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
}

#[test]
fn appends_acknowledged_by_the_log_alone_survive_a_kill_that_loses_sleds_unforced_writes() {
    let _serial = crate::serial();
    let dir = tempfile::tempdir().unwrap();
    let copy = tempfile::tempdir().unwrap();
    let mut acked: Vec<(u64, String)> = Vec::new();
    let mut replayed = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "wal_crash::wal_crash_child_appender",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines.by_ref() {
            if line.unwrap().ends_with("opened") {
                break;
            }
        }
        // sled as the child's open forced it to disk, the last thing it forces.
        let sled_copy = copy.path().join(format!("round-{round}"));
        copy_sled(dir.path(), &sled_copy);
        child.stdin.take().unwrap().write_all(b"go\n").unwrap();
        let wanted = 5 + round * 3;
        let mut seen = 0;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if let Some(ack) = parse(&line) {
                acked.push(ack);
                seen += 1;
                if seen >= wanted {
                    break;
                }
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Acknowledgements printed before the kill landed still count.
        acked.extend(lines.map_while(Result::ok).filter_map(|line| parse(&line)));
        // What sled wrote without forcing is lost; the write-ahead log is as it was.
        remove_sled(dir.path());
        copy_sled(&sled_copy, dir.path());
        std::fs::remove_dir_all(&sled_copy).unwrap();

        let (store, log) = open_at(dir.path(), master());
        replayed += store.replayed_at_open();
        assert!(
            store.replayed_at_open() > 0,
            "round {round}: nothing came from the log; nothing was tested"
        );
        for (position, text) in &acked {
            let events = log.read_from(*position, 1).unwrap();
            let event = events
                .first()
                .unwrap_or_else(|| panic!("round {round}: acknowledged {position} is lost"));
            assert_eq!(
                pii_json(event).unwrap()["text"],
                text.as_str(),
                "round {round}"
            );
        }
        log.close();
        drop(log);
        verify(store.as_ref(), master(), &|_| Ok(()))
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
    }
    eprintln!(
        "wal crash test: {ROUNDS} kills, {} acknowledged appends checked, {replayed} groups \
         written into sled from the log",
        acked.len()
    );
}

/// Copies sled's files (everything in the data directory but the write-ahead log).
fn copy_sled(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == WAL_DIR {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_sled(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn remove_sled(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == WAL_DIR {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            std::fs::remove_dir_all(entry.path()).unwrap();
        } else {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
}

fn parse(line: &str) -> Option<(u64, String)> {
    let mut parts = line.strip_prefix("ack ")?.split(' ');
    Some((parts.next()?.parse().ok()?, parts.next()?.to_owned()))
}
