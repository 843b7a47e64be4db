//! The access log: every case read, export, erasure and sign-in is appended, encrypted and
//! chained like everything else, to `access-<case>` or `access-<yyyy>-<mm>`; supervisors read
//! a case's entries. Nothing deletes them. An entry is durable before the response it
//! records is sent.
//!
//! - [`record`]: one entry, one append.
//! - [`AccessRecorder`] ([`batch`]): entries recorded at the same moment share appends: all
//!   the entries for one stream that queued up while the previous appends were being made
//!   durable become one event, and every caller is answered once that event is durable.
//! - [`for_case`]: a case's entries, batches read back as the entries they hold; [`page`]
//!   folds repeated reads into one item and pages them for supervisors.
//! - [`record_account`]: what happened to an account (created, reset, approved, refused).
//! - [`record_held`]: what someone did with a held record of the offline outbox (a discard).

mod batch;
pub mod page;

pub use batch::AccessRecorder;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::access::{
    AccessAccountFacts, AccessAccountPii, AccessEvent, AccessFacts, AccessHeldFacts, AccessPii,
};
use crate::domain::codec::EventCodec;
use crate::domain::held::HeldResolution;
use crate::domain::ids::{CaseId, UserId};
use crate::domain::vocab::{AccessAction, AccountAction, Lang};
use crate::store::log::{AppendError, AppendRequest, EventLog, ExpectedVersion, ReadError};
use crate::store::stream::StreamId;

/// One thing to record.
#[derive(Clone, Debug)]
pub struct AccessEntry {
    pub actor: Option<UserId>,
    pub action: AccessAction,
    pub case: Option<CaseId>,
    /// The client's address.
    pub from: Option<String>,
    /// For a failed sign-in: the name that was tried.
    pub username: Option<String>,
    pub at: OffsetDateTime,
}

/// One recorded entry, as a supervisor reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRecord {
    pub at: OffsetDateTime,
    pub user: Option<Uuid>,
    pub action: Logged,
    pub from: Option<String>,
    /// The held record it concerns (a discard).
    pub held: Option<Uuid>,
}

/// What an entry records: an access (a read, an export, an erasure, a sign-in), or something
/// done with a held record of the offline outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Logged {
    Access(AccessAction),
    Held(HeldResolution),
}

impl Logged {
    /// The stable code: the access action's, or `held_record_<resolution>`.
    pub fn code(self) -> &'static str {
        match self {
            Logged::Access(action) => action.code(),
            Logged::Held(HeldResolution::Applied) => "held_record_applied",
            Logged::Held(HeldResolution::Adjusted) => "held_record_adjusted",
            Logged::Held(HeldResolution::Discarded) => "held_record_discarded",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Logged::Access(action), _) => action.label(lang),
            (Logged::Held(HeldResolution::Discarded), Lang::Vi) => {
                "Bỏ một bản ghi gửi khi mất mạng"
            }
            (Logged::Held(HeldResolution::Discarded), Lang::En) => "Offline record discarded",
            (Logged::Held(_), Lang::Vi) => "Xử lý một bản ghi gửi khi mất mạng",
            (Logged::Held(_), Lang::En) => "Offline record resolved",
        }
    }
}

impl PartialEq<AccessAction> for Logged {
    fn eq(&self, other: &AccessAction) -> bool {
        *self == Logged::Access(*other)
    }
}

impl serde::Serialize for Logged {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccessLogError {
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("an access entry cannot be encoded or decoded: {0}")]
    Codec(String),
    /// The shared append that held the entry failed (see [`AccessRecorder`]).
    #[error("the access entry was not recorded: {0}")]
    Shared(String),
}

/// Record an entry; resolves once it is durable.
pub async fn record(log: &EventLog, entry: AccessEntry) -> Result<(), AccessLogError> {
    let request = single(entry)?;
    log.append(request).await?;
    Ok(())
}

/// The stream an entry goes to.
fn stream_of(entry: &AccessEntry) -> StreamId {
    match &entry.case {
        Some(case) => StreamId::case_access(case),
        None => StreamId::access_month(entry.at.year(), u8::from(entry.at.month())),
    }
}

/// The append that records one entry: who and when in the record header.
fn single(entry: AccessEntry) -> Result<AppendRequest, AccessLogError> {
    let stream = stream_of(&entry);
    let event = AccessEvent::Recorded {
        facts: AccessFacts {
            action: entry.action,
            case: entry.case,
            query: None,
        },
        pii: Some(AccessPii {
            from: entry.from,
            username: entry.username,
        }),
    };
    let encoded = event
        .encode()
        .map_err(|error| AccessLogError::Codec(error.to_string()))?;
    Ok(AppendRequest {
        stream,
        expected: ExpectedVersion::Any,
        events: vec![encoded],
        idempotency: None,
        actor: entry.actor.map(|user| *user.as_uuid()),
        recorded_at: entry.at,
        erase: false,
    })
}

/// Something that happened to an account, as the access log records it.
#[derive(Clone, Debug)]
pub struct AccountEntry {
    /// Who did it: an admin, a supervisor, the account itself (signing in); `None` for the
    /// operator's console (`tincay user add` on the server).
    pub actor: Option<UserId>,
    pub action: AccountAction,
    pub account: UserId,
    /// The client's address, when a request did it.
    pub from: Option<String>,
    pub at: OffsetDateTime,
}

/// Record an account entry in the month's stream; resolves once it is durable.
pub async fn record_account(log: &EventLog, entry: AccountEntry) -> Result<(), AccessLogError> {
    let event = AccessEvent::AccountRecorded {
        facts: AccessAccountFacts {
            action: entry.action,
            account: entry.account,
        },
        pii: Some(AccessAccountPii { from: entry.from }),
    };
    let encoded = event
        .encode()
        .map_err(|error| AccessLogError::Codec(error.to_string()))?;
    log.append(AppendRequest {
        stream: StreamId::access_month(entry.at.year(), u8::from(entry.at.month())),
        expected: ExpectedVersion::Any,
        events: vec![encoded],
        idempotency: None,
        actor: entry.actor.map(|user| *user.as_uuid()),
        recorded_at: entry.at,
        erase: false,
    })
    .await?;
    Ok(())
}

/// What someone did with a held record.
#[derive(Clone, Debug)]
pub struct HeldEntry {
    pub actor: UserId,
    pub action: HeldResolution,
    pub held: Uuid,
    pub case: Option<CaseId>,
    /// The client's address.
    pub from: Option<String>,
    pub at: OffsetDateTime,
}

/// Record what was done with a held record, in its case's stream (or the month's, for a
/// record of a new case); resolves once it is durable.
pub async fn record_held(log: &EventLog, entry: HeldEntry) -> Result<(), AccessLogError> {
    let event = AccessEvent::HeldRecorded {
        facts: AccessHeldFacts {
            action: entry.action,
            held: entry.held,
            case: entry.case,
        },
        pii: Some(AccessAccountPii { from: entry.from }),
    };
    let encoded = event
        .encode()
        .map_err(|error| AccessLogError::Codec(error.to_string()))?;
    let stream = match &entry.case {
        Some(case) => StreamId::case_access(case),
        None => StreamId::access_month(entry.at.year(), u8::from(entry.at.month())),
    };
    log.append(AppendRequest {
        stream,
        expected: ExpectedVersion::Any,
        events: vec![encoded],
        idempotency: None,
        actor: Some(*entry.actor.as_uuid()),
        recorded_at: entry.at,
        erase: false,
    })
    .await?;
    Ok(())
}

/// Every entry about a case, oldest first.
pub fn for_case(log: &EventLog, case: &CaseId) -> Result<Vec<AccessRecord>, AccessLogError> {
    let mut records = Vec::new();
    for recorded in log.read_stream(&StreamId::case_access(case))? {
        let event = recorded
            .decode::<AccessEvent>()
            .map_err(|error| AccessLogError::Codec(error.to_string()))?;
        match event {
            AccessEvent::Recorded { facts, pii } => records.push(AccessRecord {
                at: recorded.recorded_at,
                user: recorded.actor,
                action: Logged::Access(facts.action),
                from: pii.and_then(|pii| pii.from),
                held: None,
            }),
            AccessEvent::HeldRecorded { facts, pii } => records.push(AccessRecord {
                at: recorded.recorded_at,
                user: recorded.actor,
                action: Logged::Held(facts.action),
                from: pii.and_then(|pii| pii.from),
                held: Some(facts.held),
            }),
            // Never in a case's stream.
            AccessEvent::AccountRecorded { .. } => {}
            AccessEvent::BatchRecorded { facts, pii } => {
                let mut froms = pii.map(|pii| pii.entries).unwrap_or_default().into_iter();
                for entry in facts.entries {
                    records.push(AccessRecord {
                        at: batch::time_of(entry.at_ms),
                        user: entry.user.map(|user| *user.as_uuid()),
                        action: Logged::Access(entry.action),
                        from: froms.next().and_then(|pii| pii.from),
                        held: None,
                    });
                }
            }
        }
    }
    Ok(records)
}

/// Record a statistics query (who, when, from where, the normalised query) in the month's
/// stream; resolves once it is durable.
pub async fn record_query(
    log: &EventLog,
    entry: AccessEntry,
    query: String,
) -> Result<(), AccessLogError> {
    let mut request = single(entry.clone())?;
    let event = AccessEvent::Recorded {
        facts: AccessFacts {
            action: entry.action,
            case: None,
            query: Some(query),
        },
        pii: Some(AccessPii {
            from: entry.from,
            username: None,
        }),
    };
    request.events = vec![
        event
            .encode()
            .map_err(|error| AccessLogError::Codec(error.to_string()))?,
    ];
    log.append(request).await?;
    Ok(())
}

/// Every statistics query recorded since `since`: who, when and the normalised query
/// (the query budget's ledger is filled from these at start).
pub fn queries_since(
    log: &EventLog,
    since: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<(UserId, OffsetDateTime, String)>, AccessLogError> {
    let mut found = Vec::new();
    let mut month = (since.year(), u8::from(since.month()));
    let last = (now.year(), u8::from(now.month()));
    while month <= last {
        for recorded in log.read_stream(&StreamId::access_month(month.0, month.1))? {
            let Ok(AccessEvent::Recorded { facts, .. }) = recorded.decode::<AccessEvent>() else {
                continue;
            };
            if let (Some(query), Some(actor)) = (facts.query, recorded.actor) {
                if recorded.recorded_at >= since {
                    found.push((UserId::from_uuid(actor), recorded.recorded_at, query));
                }
            }
        }
        month = if month.1 == 12 {
            (month.0 + 1, 1)
        } else {
            (month.0, month.1 + 1)
        };
    }
    Ok(found)
}
