//! Benchmark data: realistic case streams appended in batches, and the fold a replay does.
//!
//! Every event comes from the domain: a command goes through `decide` against the case's
//! current state, and the events it records are applied and encoded, as the server does. Each
//! case is opened with fictional personal data of realistic size, then gets a mix of risk
//! assessments, support, referrals and their outcomes, follow-ups scheduled and completed,
//! notes, the odd review or transfer, and some are closed (by a supervisor, or by a
//! volunteer's request that a supervisor approves).

mod case;
mod text;

use std::collections::HashMap;

use time::Date;
use time::macros::date;
use tincay::domain::case::{CaseEvent, CaseState};
use tincay::domain::ids::{AreaCode, TrustedAddressId};
use tincay::store::log::{EventLog, RecordedEvent};
use tincay::store::stream::StreamId;
use uuid::Uuid;

use case::Case;
use text::Dice;

/// "Today" for every command: no date in the data is later.
const TODAY: Date = date!(2026 - 11 - 20);
/// Cases are opened from this day on.
const FIRST_DAY: Date = date!(2024 - 01 - 01);
/// Threads appending at once, so that group commit shares each sync among many appends.
const WRITERS: usize = 48;
/// Most events in one append request: a case is appended in one request, the longest in two.
const MAX_BATCH: usize = 12;

/// Append `count` events over cases of about ten events each (6 to 14; the last case of each
/// writer takes what is left).
pub fn fill(log: &EventLog, count: usize) {
    let addresses: Vec<(TrustedAddressId, AreaCode)> = (0..200)
        .map(|i| {
            let address = TrustedAddressId::from_uuid(Uuid::new_v4());
            (
                address,
                AreaCode::parse(&format!("{}", 20_000 + i * 37)).unwrap(),
            )
        })
        .collect();
    let volunteers: Vec<Uuid> = (0..300).map(|_| Uuid::new_v4()).collect();
    std::thread::scope(|scope| {
        for writer in 0..WRITERS {
            let quota = count / WRITERS + usize::from(writer < count % WRITERS);
            let (addresses, volunteers) = (&addresses, &volunteers);
            scope.spawn(move || {
                let mut dice = Dice::new(writer as u64);
                let mut left = quota;
                while left > 0 {
                    let length = (dice.range(6, 14) as usize).min(left);
                    let mut case = Case::open(&mut dice, addresses);
                    case.write(&mut dice, length, addresses);
                    case.append(log, *dice.pick(volunteers));
                    left -= length;
                }
            });
        }
    });
}

/// An event decrypted and decoded on the log's reading threads.
pub struct Decoded {
    stream: StreamId,
    version: u64,
    event: CaseEvent,
}

/// Decode an event the log decrypted (run on the reading threads).
pub fn decode(event: RecordedEvent) -> Decoded {
    Decoded {
        event: event.decode().unwrap(),
        version: event.stream_version,
        stream: event.stream,
    }
}

/// Fold a decoded event into its case's state, in log order.
pub fn fold(cases: &mut HashMap<StreamId, CaseState>, decoded: Decoded) {
    let state = cases.entry(decoded.stream).or_default();
    state.apply(&decoded.event);
    assert_eq!(state.version, decoded.version);
}
