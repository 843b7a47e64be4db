//! Property: any sequence of appends (random streams, right and stale expected versions,
//! idempotent retries with the same and with another request) and reopens leaves gap-free
//! positions and versions, exactly the events a simple model says were accepted, and a chain
//! that verifies.

use std::collections::HashMap;

use proptest::prelude::*;
use tincay::store::log::{AppendError, AppendRequest, ExpectedVersion, Idempotency};
use tincay::store::verify::verify;

use crate::support::*;

const STREAMS: [&str; 3] = ["case-p0", "case-p1", "user-p2"];

#[derive(Clone, Debug)]
enum Expect {
    Right,
    Any,
    Stale,
}

#[derive(Clone, Debug)]
enum Op {
    Append {
        stream: usize,
        expect: Expect,
        events: usize,
        /// (key index, whether the request repeats the key's first request)
        idempotency: Option<(u8, bool)>,
    },
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..STREAMS.len(), prop_oneof![Just(Expect::Right), Just(Expect::Any), Just(Expect::Stale)],
              1..4usize, proptest::option::of((0..3u8, any::<bool>())))
            .prop_map(|(stream, expect, events, idempotency)| Op::Append { stream, expect, events, idempotency }),
        1 => Just(Op::Reopen),
    ]
}

/// What the model remembers of an idempotency key: the request it came with and its result.
struct Remembered {
    body: String,
    stream: usize,
    first: u64,
    last: u64,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_appends_and_reopens_leaves_a_gap_free_verifiable_log(ops in proptest::collection::vec(op(), 1..40)) {
        let mut t = TestLog::new();
        // Model: every accepted event's (stream, text), in position order.
        let mut accepted: Vec<(usize, String)> = Vec::new();
        let mut keys: HashMap<u8, Remembered> = HashMap::new();
        for (step, op) in ops.into_iter().enumerate() {
            match op {
                Op::Reopen => t = t.reopen(),
                Op::Append { stream, expect, events, idempotency } => {
                    let version = accepted.iter().filter(|(s, _)| *s == stream).count() as u64;
                    let expected = match expect {
                        Expect::Right if version == 0 => ExpectedVersion::NoStream,
                        Expect::Right => ExpectedVersion::Exact(version),
                        Expect::Any => ExpectedVersion::Any,
                        Expect::Stale => ExpectedVersion::Exact(version + 1),
                    };
                    let texts: Vec<String> = (0..events).map(|i| format!("s{step}-e{i}")).collect();
                    let mut body = format!("{stream}:{expect:?}:{events}");
                    let mut replay = None;
                    if let Some((key, repeat)) = idempotency {
                        if let (true, Some(first)) = (repeat, keys.get(&key)) {
                            body = first.body.clone();
                        }
                        replay = keys.get(&key).map(|first| (first.body == body, first.stream, first.first, first.last));
                    }
                    let request = AppendRequest {
                        idempotency: idempotency.map(|(key, _)| Idempotency {
                            key: vec![key],
                            fingerprint: fingerprint(&body),
                        }),
                        ..request(STREAMS[stream], expected, texts.iter().map(|t| note(t)).collect())
                    };
                    let result = t.log.append_blocking(request);
                    match (replay, &expect, result) {
                        (Some((true, first_stream, first, last)), _, Ok(outcome)) => {
                            prop_assert!(outcome.replayed);
                            prop_assert_eq!(outcome.stream.as_str(), STREAMS[first_stream]);
                            prop_assert_eq!((outcome.first_position, outcome.last_position), (first, last));
                        }
                        (Some((false, ..)), _, Err(AppendError::IdempotencyMismatch)) => {}
                        (None, Expect::Stale, Err(AppendError::WrongVersion { actual })) => {
                            prop_assert_eq!(actual, version);
                        }
                        (None, Expect::Right | Expect::Any, Ok(outcome)) => {
                            let first = accepted.len() as u64 + 1;
                            prop_assert!(!outcome.replayed);
                            prop_assert_eq!(outcome.first_position, first);
                            prop_assert_eq!(outcome.stream_version, version + events as u64);
                            accepted.extend(texts.iter().map(|text| (stream, text.clone())));
                            if let Some((key, _)) = idempotency {
                                keys.insert(key, Remembered { body, stream, first, last: outcome.last_position });
                            }
                        }
                        (replay, expect, result) => {
                            prop_assert!(false, "step {step}: unexpected {result:?} for {expect:?}, replay {replay:?}");
                        }
                    }
                }
            }
        }
        let t = t.reopen();
        let all = t.log.read_from(1, 10_000).unwrap();
        prop_assert_eq!(all.len(), accepted.len());
        let mut versions: HashMap<usize, u64> = HashMap::new();
        for (index, (event, (stream, text))) in all.iter().zip(&accepted).enumerate() {
            prop_assert_eq!(event.position, index as u64 + 1);
            prop_assert_eq!(event.stream.as_str(), STREAMS[*stream]);
            let version = versions.entry(*stream).or_insert(0);
            *version += 1;
            prop_assert_eq!(event.stream_version, *version);
            let pii = pii_json(event).unwrap();
            prop_assert_eq!(pii["text"].as_str(), Some(text.as_str()));
        }
        let report = verify(t.store.as_ref(), master(), &|_| Ok(())).unwrap();
        prop_assert_eq!(report.records, accepted.len() as u64);
    }
}
