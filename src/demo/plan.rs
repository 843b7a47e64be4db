//! [`Plan`]: the demo's appends, collected while the data set is generated, then put in the
//! order they would have happened and written to the log in one go (the writer's group
//! commit makes thousands of appends a handful of syncs).
//!
//! Each append is one `decide` result, recorded at a time on the day it happened (clamped to
//! now), so the timeline of a demo case looks like one entered over months, not in a second.

use std::collections::HashMap;

use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use crate::domain::codec::EncodedEvent;
use crate::store::log::{AppendError, AppendRequest, EventLog, ExpectedVersion};
use crate::store::stream::StreamId;

/// One planned append.
#[derive(Debug)]
pub struct Planned {
    pub at: OffsetDateTime,
    pub stream: StreamId,
    /// The stream's version before this append.
    pub after: u64,
    pub events: Vec<EncodedEvent>,
    pub actor: Option<Uuid>,
    pub erase: bool,
}

/// Every append of the data set.
#[derive(Debug)]
pub struct Plan {
    now: OffsetDateTime,
    appends: Vec<Planned>,
    /// Per stream: its version so far and the time of its last append.
    streams: HashMap<StreamId, (u64, OffsetDateTime)>,
}

impl Plan {
    pub fn new(now: OffsetDateTime) -> Self {
        Self {
            now,
            appends: Vec::new(),
            streams: HashMap::new(),
        }
    }

    /// When something done on `day` was recorded: in working hours (`minute` past 08:00,
    /// Vietnam time), never in the future, never before the stream's previous record.
    fn recorded_at(&self, stream: &StreamId, day: Date, minute: u16) -> OffsetDateTime {
        let time = Time::from_hms(8, 0, 0).unwrap_or(Time::MIDNIGHT);
        let at = day.with_time(time).assume_offset(crate::clock::VIETNAM)
            + time::Duration::minutes(i64::from(minute % 600));
        let at = at.min(self.now);
        match self.streams.get(stream) {
            Some((_, last)) => at.max(*last),
            None => at,
        }
    }

    /// Plan an append of `events` to `stream`, done on `day`.
    pub fn push(
        &mut self,
        stream: StreamId,
        day: Date,
        minute: u16,
        events: Vec<EncodedEvent>,
        actor: Option<Uuid>,
        erase: bool,
    ) {
        let at = self.recorded_at(&stream, day, minute);
        let (version, _) = self.streams.get(&stream).copied().unwrap_or((0, at));
        let count = events.len() as u64;
        self.streams.insert(stream.clone(), (version + count, at));
        self.appends.push(Planned {
            at,
            stream,
            after: version,
            events,
            actor,
            erase,
        });
    }

    /// How many appends and events are planned.
    pub fn size(&self) -> (usize, usize) {
        let events = self.appends.iter().map(|append| append.events.len()).sum();
        (self.appends.len(), events)
    }

    /// The appends in the order they happened (a stable sort: a stream's own order holds,
    /// since its times never go back).
    pub fn into_ordered(mut self) -> Vec<Planned> {
        self.appends.sort_by_key(|append| append.at);
        self.appends
    }
}

/// Write every planned append; returns the last position written.
pub async fn write(log: &EventLog, appends: Vec<Planned>) -> Result<u64, AppendError> {
    // Submit everything first, so the writer can group them; then wait for each.
    let pending: Vec<_> = appends
        .into_iter()
        .map(|append| {
            log.append(AppendRequest {
                stream: append.stream,
                expected: match append.after {
                    0 => ExpectedVersion::NoStream,
                    version => ExpectedVersion::Exact(version),
                },
                events: append.events,
                idempotency: None,
                actor: append.actor,
                recorded_at: append.at,
                erase: append.erase,
            })
        })
        .collect();
    let mut last = 0;
    for append in pending {
        last = last.max(append.await?.last_position);
    }
    Ok(last)
}
