//! The access log: every case read, export, erasure and sign-in is appended, encrypted and
//! chained like everything else, to `access-<case>` or `access-<yyyy>-<mm>`; supervisors read
//! a case's entries. Nothing deletes them. An entry is durable before the response it
//! records is sent.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::access::{AccessEvent, AccessFacts, AccessPii};
use crate::domain::codec::EventCodec;
use crate::domain::ids::{CaseId, UserId};
use crate::domain::vocab::AccessAction;
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
    pub action: AccessAction,
    pub from: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccessLogError {
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("an access entry cannot be encoded or decoded: {0}")]
    Codec(String),
}

/// Record an entry; resolves once it is durable.
pub async fn record(log: &EventLog, entry: AccessEntry) -> Result<(), AccessLogError> {
    let stream = match &entry.case {
        Some(case) => StreamId::case_access(case),
        None => StreamId::access_month(entry.at.year(), u8::from(entry.at.month())),
    };
    let event = AccessEvent::Recorded {
        facts: AccessFacts {
            action: entry.action,
            case: entry.case,
        },
        pii: Some(AccessPii {
            from: entry.from,
            username: entry.username,
        }),
    };
    let encoded = event
        .encode()
        .map_err(|error| AccessLogError::Codec(error.to_string()))?;
    log.append(AppendRequest {
        stream,
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

/// Every entry about a case, oldest first.
pub fn for_case(log: &EventLog, case: &CaseId) -> Result<Vec<AccessRecord>, AccessLogError> {
    log.read_stream(&StreamId::case_access(case))?
        .iter()
        .map(|recorded| {
            let AccessEvent::Recorded { facts, pii } = recorded
                .decode::<AccessEvent>()
                .map_err(|error| AccessLogError::Codec(error.to_string()))?;
            Ok(AccessRecord {
                at: recorded.recorded_at,
                user: recorded.actor,
                action: facts.action,
                from: pii.and_then(|pii| pii.from),
            })
        })
        .collect()
}
