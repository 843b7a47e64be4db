//! The "needs attention" list of the offline outbox (issue 23): records a phone sealed while
//! offline that the server opened but could not apply ([`crate::domain::held`]). Security-
//! sensitive: what she wrote is personal data, kept only under the held record's own data key
//! and destroyed when the record is resolved; the list is scoped as the case is
//! ([`may_access_case`]: a volunteer sees her address's, a supervisor her area's; anything
//! else is not found).
//!
//! - [`hold`]: keep a record (idempotent: a record sent again is held once, under the id
//!   [`held_id`] derives from its owner and idempotency key);
//! - [`list`], [`count`] and [`open`]: what is waiting (from the held records projection,
//!   [`crate::projections::held`], which holds no personal data: no held stream is read),
//!   and one record with what she wrote (its stream, read only then);
//! - [`resolve`]: applied, adjusted or discarded: the record's key is destroyed, and a discard
//!   is written to the access log (who, when, which record).

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access_log::{self, HeldEntry};
use crate::app::actor::CurrentUser;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::scope::{CaseLocation, may_access_case};
use crate::domain::codec::EventCodec;
use crate::domain::held::{
    HeldEvent, HeldFacts, HeldListedFacts, HeldPii, HeldResolution, HeldResolvedFacts,
};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::projections::registry::Registry;
use crate::store::log::{AppendError, AppendRequest, ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// A held record's facts, and when the server held it.
#[derive(Clone, Debug)]
pub struct HeldSummary {
    pub id: Uuid,
    pub facts: HeldFacts,
    pub held_at: OffsetDateTime,
}

/// A held record with what she wrote.
#[derive(Debug)]
pub struct HeldRecord {
    pub summary: HeldSummary,
    pub pii: HeldPii,
}

/// The id of the record `owner` sealed with idempotency key `key`: the same record sent
/// twice is one held record.
pub fn held_id(owner: &Uuid, key: &str) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"tincay-held-v1")
        .chain_update(owner.as_bytes())
        .chain_update(key.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    for (to, from) in bytes.iter_mut().zip(digest.iter()) {
        *to = *from;
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Keeps a record the server could not apply; answers its id. A record already held (sent
/// again) is not held twice; one already resolved stays resolved.
pub async fn hold(app: &App<'_>, facts: HeldFacts, pii: HeldPii) -> Result<Uuid, AppError> {
    let id = held_id(facts.owner.as_uuid(), &pii.idempotency_key);
    let owner = Some(*facts.owner.as_uuid());
    let listed = HeldEvent::Listed {
        facts: HeldListedFacts {
            held: id,
            trusted_address: facts.trusted_address,
            commune: facts.commune.clone(),
        },
    };
    let received = HeldEvent::Received {
        facts,
        pii: Some(pii),
    };
    let appended = app
        .log
        .append(AppendRequest {
            stream: StreamId::held(&id),
            expected: ExpectedVersion::NoStream,
            events: vec![received.encode().map_err(AppError::internal)?],
            idempotency: None,
            actor: owner,
            recorded_at: app.clock.now(),
            erase: false,
        })
        .await;
    match appended {
        Ok(_) | Err(AppendError::WrongVersion { .. } | AppendError::StreamErased) => {}
        Err(error) => return Err(AppError::internal(error)),
    }
    // Listed once, even when the first attempt stopped between the two appends.
    let once = Idempotency {
        key: Sha256::digest([b"held-index ".as_slice(), id.as_bytes()].concat()).to_vec(),
        fingerprint: Sha256::digest(id.as_bytes()).into(),
    };
    let listed = app
        .log
        .append(AppendRequest {
            stream: StreamId::held_index(),
            expected: ExpectedVersion::Any,
            events: vec![listed.encode().map_err(AppError::internal)?],
            idempotency: Some(once),
            actor: owner,
            recorded_at: app.clock.now(),
            erase: false,
        })
        .await
        .map_err(AppError::internal)?;
    shown(app, listed.last_position).await;
    Ok(id)
}

/// Read-your-writes: waits until the projections have applied `position` (the record is
/// durable either way, so a projection that cannot follow is logged, not answered).
async fn shown(app: &App<'_>, position: u64) {
    if let Err(error) = app.projections.wait_for(position).await {
        tracing::error!(%error, position,
            "a held record is durable but the projections cannot show it");
    }
}

/// Every held record `user` may see that waits, oldest first: from the projection, so no
/// held stream is read (and nothing can fail).
pub fn list(app: &App<'_>, user: &CurrentUser) -> Vec<HeldSummary> {
    let registry = &app.projections.registry;
    app.projections
        .held
        .waiting(|address, commune| in_scope(user, address, commune, registry))
        .into_iter()
        .map(|(id, row)| HeldSummary {
            id,
            facts: row.facts,
            held_at: row.held_at,
        })
        .collect()
}

/// How many held records `user` may see wait (the case list's "records need attention").
pub fn count(app: &App<'_>, user: &CurrentUser) -> usize {
    let registry = &app.projections.registry;
    app.projections
        .held
        .count_waiting(|address, commune| in_scope(user, address, commune, registry))
}

fn in_scope(
    user: &CurrentUser,
    address: &TrustedAddressId,
    commune: &AreaCode,
    registry: &Registry,
) -> bool {
    let location = CaseLocation {
        trusted_address: *address,
        commune: commune.clone(),
    };
    may_access_case(user, &location, registry)
}

/// One held record that waits, with what she wrote; not found when `user` may not see it or
/// it was resolved.
pub fn open(app: &App<'_>, user: &CurrentUser, id: Uuid) -> Result<HeldRecord, AppError> {
    match read(app, id)? {
        Some((summary, Some(pii)))
            if in_scope(
                user,
                &summary.facts.trusted_address,
                &summary.facts.commune,
                &app.projections.registry,
            ) =>
        {
            Ok(HeldRecord { summary, pii })
        }
        _ => Err(AppError::NotFound),
    }
}

/// Resolves a held record `user` may see: its key is destroyed with the append that says how;
/// a discard is recorded in the access log first.
pub async fn resolve(
    app: &App<'_>,
    user: &CurrentUser,
    id: Uuid,
    resolution: HeldResolution,
    from: Option<String>,
) -> Result<HeldFacts, AppError> {
    let record = open(app, user, id)?;
    let facts = record.summary.facts;
    drop(record.pii);
    if resolution == HeldResolution::Discarded {
        access_log::record_held(
            app.log,
            HeldEntry {
                actor: user.id,
                action: resolution,
                held: id,
                case: facts.case,
                from,
                at: app.clock.now(),
            },
        )
        .await
        .map_err(AppError::internal)?;
    }
    let resolved = HeldEvent::Resolved {
        facts: HeldResolvedFacts { resolution },
    };
    let appended = app
        .log
        .append(AppendRequest {
            stream: StreamId::held(&id),
            expected: ExpectedVersion::Exact(1),
            events: vec![resolved.encode().map_err(AppError::internal)?],
            idempotency: None,
            actor: Some(*user.id.as_uuid()),
            recorded_at: app.clock.now(),
            erase: true,
        })
        .await;
    match appended {
        Ok(outcome) => {
            shown(app, outcome.last_position).await;
            Ok(facts)
        }
        // Someone resolved it first.
        Err(AppendError::WrongVersion { .. } | AppendError::StreamErased) => {
            Err(AppError::NotFound)
        }
        Err(error) => Err(AppError::internal(error)),
    }
}

/// A held record's facts and, while it waits, what she wrote (`None` once resolved).
fn read(app: &App<'_>, id: Uuid) -> Result<Option<(HeldSummary, Option<HeldPii>)>, AppError> {
    let events = app
        .log
        .read_stream(&StreamId::held(&id))
        .map_err(AppError::internal)?;
    let mut found = None;
    for recorded in events {
        match recorded.decode().map_err(AppError::internal)? {
            HeldEvent::Received { facts, pii } => {
                let summary = HeldSummary {
                    id,
                    facts,
                    held_at: recorded.recorded_at,
                };
                found = Some((summary, pii));
            }
            HeldEvent::Resolved { .. } => {
                found = found.map(|(summary, _)| (summary, None));
            }
            HeldEvent::Listed { .. } => {}
        }
    }
    Ok(found)
}
