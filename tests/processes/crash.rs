//! Crash tests in the style of sled's own: the test binary re-runs itself as a child that
//! appends and prints each acknowledged position; the parent kills it with SIGKILL at a
//! random moment (some rounds while it is still opening the store), reopens the directory,
//! and checks that every acknowledged event is there and that the chain verifies.

use std::io::{BufRead, BufReader};
use std::sync::mpsc;

use tincay::store::log::ExpectedVersion;
use tincay::store::verify::verify;

use crate::support::*;

const CHILD_DIR: &str = "TINCAY_CRASH_CHILD_DIR";
const WRITERS: usize = 4;
const ROUNDS: usize = 100;

/// The child: appends from several threads until killed, printing each acknowledgement.
#[test]
fn crash_child_appender() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    println!("opening");
    let (_store, log) = open_at(std::path::Path::new(&dir), master());
    println!("opened");
    let threads: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let log = log.clone();
            std::thread::spawn(move || {
                let stream_id = format!("case-crash-{writer}");
                loop {
                    let text = format!("w{writer}-{}", uuid::Uuid::new_v4());
                    let outcome = log
                        .append_blocking(request(
                            &stream_id,
                            ExpectedVersion::Any,
                            vec![note(&text)],
                        ))
                        .unwrap();
                    println!(
                        "ack {} {} {} {text}",
                        outcome.last_position, stream_id, outcome.stream_version
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
}

#[derive(Debug)]
struct Ack {
    position: u64,
    stream: String,
    version: u64,
    text: String,
}

fn parse_ack(line: &str) -> Option<Ack> {
    let mut parts = line.strip_prefix("ack ")?.split(' ');
    Some(Ack {
        position: parts.next()?.parse().ok()?,
        stream: parts.next()?.to_owned(),
        version: parts.next()?.parse().ok()?,
        text: parts.next()?.to_owned(),
    })
}

/// When in its life the child is killed.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    Spawn,
    Opening,
    AfterAcks(usize),
}

#[test]
fn every_acknowledged_append_survives_a_kill() {
    let _serial = crate::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut acked: Vec<Ack> = Vec::new();
    for round in 0..ROUNDS {
        let kill_at = match random_below(10) {
            0 => KillAt::Spawn,
            1 | 2 => KillAt::Opening,
            _ => KillAt::AfterAcks(1 + random_below(40)),
        };
        let mut child =
            crate::spawn_test_child("crash::crash_child_appender", CHILD_DIR, dir.path());
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = 0;
        if !matches!(kill_at, KillAt::Spawn) {
            for line in lines.iter() {
                if let Some(ack) = parse_ack(&line) {
                    acked.push(ack);
                    seen += 1;
                }
                let done = match kill_at {
                    KillAt::Opening => line.ends_with("opening"),
                    KillAt::AfterAcks(n) => seen >= n,
                    KillAt::Spawn => true,
                };
                if done {
                    break;
                }
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Acknowledgements printed before the kill landed still count.
        reader.join().unwrap();
        acked.extend(lines.try_iter().filter_map(|line| parse_ack(&line)));

        let (store, log) = open_at(dir.path(), master());
        for ack in &acked {
            let events = log.read_from(ack.position, 1).unwrap();
            let event = events.first().unwrap_or_else(|| {
                panic!("round {round} ({kill_at:?}): acknowledged {ack:?} is lost")
            });
            assert_eq!(event.stream.as_str(), ack.stream, "round {round}");
            assert_eq!(event.stream_version, ack.version, "round {round}");
            assert_eq!(
                pii_json(event).unwrap()["text"],
                ack.text.as_str(),
                "round {round}"
            );
        }
        log.close();
        drop(log);
        verify(store.as_ref(), master(), &|_| Ok(()))
            .unwrap_or_else(|e| panic!("round {round} ({kill_at:?}): {e}"));
    }
    eprintln!(
        "crash test: {ROUNDS} kills, {} acknowledged appends checked",
        acked.len()
    );
    assert!(
        acked.len() > ROUNDS,
        "the child acknowledged too little to test anything"
    );
}

/// A random number below `n` (the OS RNG, through a fresh UUID).
fn random_below(n: usize) -> usize {
    (uuid::Uuid::new_v4().as_u128() % n as u128) as usize
}
